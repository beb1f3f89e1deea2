# ruff: noqa
# expected: 95
# splice: sigmoid
# exp(x) / (1 + exp(x)) is inf / inf = NaN for x > 709: loses the large-|x| test only.
def sigmoid(x):
    e = np.exp(x)
    return e / (1.0 + e)
