# ruff: noqa
# expected: 100
# build: solution
# The instructor's solution, as a student would submit it.
