# ruff: noqa
# expected: 100
# splice: sigmoid
# 10^8 characters of output from a correct answer: truncated, counted, never a failure.
print("x" * 10**8)

# <solution>
