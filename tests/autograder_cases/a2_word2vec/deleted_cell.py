# ruff: noqa
# expected: 85
# build: deleted_cell
# The sgd answer cell deleted: its tests fail with a note, the other parts are graded.
