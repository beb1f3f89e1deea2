# ruff: noqa
# expected: 98
# splice: weighting
# Right values, but x is clipped at x_max in the caller's array (the training code would then
# fit log x_max instead of log X_ij for frequent pairs). Loses "x left unchanged".
def weighting(x, x_max=100.0, alpha=0.75):
    x[x > x_max] = x_max
    return (x / x_max) ** alpha
