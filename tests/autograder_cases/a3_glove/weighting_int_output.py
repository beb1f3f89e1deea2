# ruff: noqa
# expected: 97
# splice: weighting
# Fills np.ones_like(x): for integer counts the output is an integer array and every f < 1 is
# truncated to 0. Loses "integer counts" only.
def weighting(x, x_max=100.0, alpha=0.75):
    f = np.ones_like(x)
    below = x < x_max
    f[below] = (x[below] / x_max) ** alpha
    return f
