# ruff: noqa
# expected: 95
# splice: sigmoid
# exp(x) / (1 + exp(x)) is inf / inf = NaN for x > 709: loses "sigmoid: large |x|" only. The
# LSTM and GRU forward tests run with a stable sigmoid in place of this one.
def sigmoid(x):
    e = np.exp(x)
    return e / (1.0 + e)
