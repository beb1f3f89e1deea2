# ruff: noqa
# expected: 85
# splice: loss
# The mean over the batch instead of the sum: right only for a batch of one entry. Loses
# "a batch of entries" (10) and "the weights passed in" (5).
def glove_loss(W, W_tilde, b, b_tilde, i, j, x, weights):
    errors = np.sum(W[i] * W_tilde[j], axis=1) + b[i] + b_tilde[j] - np.log(x)
    return 0.5 * float(np.mean(weights * errors**2))
