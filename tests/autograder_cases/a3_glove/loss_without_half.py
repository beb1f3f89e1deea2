# ruff: noqa
# expected: 80
# splice: loss
# The paper's J, without the notebook's factor 1/2 (the gradients keep the convention): twice
# the loss. Loses Part 2 (20), keeps the rest.
def glove_loss(W, W_tilde, b, b_tilde, i, j, x, weights):
    errors = np.sum(W[i] * W_tilde[j], axis=1) + b[i] + b_tilde[j] - np.log(x)
    return float(np.sum(weights * errors**2))
