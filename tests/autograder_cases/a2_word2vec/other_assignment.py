# ruff: noqa
# expected: 0
# build: other_assignment
# A notebook of another assignment (its own grade ids and functions, none of a2's).
