# ruff: noqa
# expected: 100
# splice: sigmoid
# A correct answer that prints to stderr and raises a harmless warning: never a failure.
import sys
import warnings

print("debug: defining sigmoid", file=sys.stderr)
warnings.warn("this helper is deprecated", DeprecationWarning)

# <solution>
