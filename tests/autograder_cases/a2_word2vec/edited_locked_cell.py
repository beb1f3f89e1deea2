# ruff: noqa
# expected: 100
# build: edited_locked
# A visible test cell emptied by the student: detected and reported, never run.
