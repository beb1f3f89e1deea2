# ruff: noqa
# expected: 60
# splice: gradients
# The error taken as target minus prediction, log x - (w.w~ + b + b~): the loss would not see it
# (it is squared), every gradient has the wrong sign. Loses Part 3 (40).
def glove_gradients(W, W_tilde, b, b_tilde, i, j, x, weights):
    errors = np.log(x) - (np.sum(W[i] * W_tilde[j], axis=1) + b[i] + b_tilde[j])
    delta = weights * errors
    grad_W, grad_W_tilde = np.zeros_like(W), np.zeros_like(W_tilde)
    grad_b, grad_b_tilde = np.zeros_like(b), np.zeros_like(b_tilde)
    np.add.at(grad_W, i, delta[:, None] * W_tilde[j])
    np.add.at(grad_W_tilde, j, delta[:, None] * W[i])
    np.add.at(grad_b, i, delta)
    np.add.at(grad_b_tilde, j, delta)
    return grad_W, grad_W_tilde, grad_b, grad_b_tilde
