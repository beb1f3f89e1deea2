# ruff: noqa
# expected: 0
# build: a2_notebook
# The word2vec notebook (a2) handed in for a3: none of a3's answer cells or functions, a note
# that says so, and nothing crashes.
