# ruff: noqa
# expected: 0
# build: malformed_json
# The notebook cut off half-way (an interrupted upload).
