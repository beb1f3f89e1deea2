# ruff: noqa
# expected: 85
# splice: sgd
# sys.exit() at the top of a cell, before the definition: the cell stops there (a clear note),
# sgd is never defined, the other parts are graded.
import sys

sys.exit("stop here")

# <solution>
