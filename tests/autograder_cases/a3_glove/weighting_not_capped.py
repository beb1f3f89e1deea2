# ruff: noqa
# expected: 95
# splice: weighting
# The formula without its cap: f grows past 1 above x_max. Loses "capped at 1 from x_max on";
# at x = x_max itself (x / x_max)^alpha is 1 anyway.
def weighting(x, x_max=100.0, alpha=0.75):
    return (np.asarray(x, dtype=float) / x_max) ** alpha
