# ruff: noqa
# expected: 95
# splice: loss
# Calls weighting(x) (with its defaults) instead of using the weights passed in: right while the
# caller's weights are f(x) with x_max = 100 and alpha = 3/4. Loses "the weights passed in".
def glove_loss(W, W_tilde, b, b_tilde, i, j, x, weights):
    errors = np.sum(W[i] * W_tilde[j], axis=1) + b[i] + b_tilde[j] - np.log(x)
    return 0.5 * float(np.sum(weighting(x) * errors**2))
