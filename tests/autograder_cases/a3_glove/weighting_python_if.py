# ruff: noqa
# expected: 85
# splice: weighting
# The case distinction of the formula written as a Python if: right for one number, a
# ValueError ("truth value of an array is ambiguous") for an array. Loses all of Part 1 (15);
# the loss and the gradients, which receive the weights, keep their points.
def weighting(x, x_max=100.0, alpha=0.75):
    if x < x_max:
        return (x / x_max) ** alpha
    return 1.0
