# ruff: noqa
# expected: 0
# build: released
# The released notebook, submitted without answers: every function raises NotImplementedError,
# and each test fails with that message (sgd_step never reaches its given return line); the
# given gradient_check is never called. Nothing crashes.
