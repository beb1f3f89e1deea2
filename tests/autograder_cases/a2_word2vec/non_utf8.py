# ruff: noqa
# expected: 0
# build: non_utf8
# Latin-1 bytes in the notebook (saved by another editor).
