# ruff: noqa
# expected: 100
# build: reordered_duplicated
# Cells in reverse order, and a wrong early copy of the sigmoid cell: the last copy counts.
