# ruff: noqa
# expected: 0
# build: empty
# A zero-byte file.
