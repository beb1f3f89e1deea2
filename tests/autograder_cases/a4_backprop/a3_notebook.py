# ruff: noqa
# expected: 0
# build: a3_notebook
# The GloVe notebook (a3) handed in for a4: none of a4's answer cells or functions, a note that
# says so, and nothing crashes.
