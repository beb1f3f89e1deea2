# ruff: noqa
# expected: 0
# build: released
# The released notebook, submitted without answers: every function raises NotImplementedError
# (word_ids too, through distinct_words), and each test fails with that message.
