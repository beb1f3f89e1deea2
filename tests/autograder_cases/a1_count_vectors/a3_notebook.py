# ruff: noqa
# expected: 0
# build: a3_notebook
# The GloVe notebook (a3) handed in for a1: none of a1's answer cells or functions, a note that
# says so, and nothing crashes.
