# ruff: noqa
# expected: 100
# build: stripped_metadata
# The solution copied into a fresh notebook: no nbgrader metadata, functions found by name.
