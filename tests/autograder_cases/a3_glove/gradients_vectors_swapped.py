# ruff: noqa
# expected: 68
# splice: gradients
# dJ/dw_i taken as delta w_i (its own vector) instead of delta w~_j, and likewise for w~: the
# vector gradients are wrong, the bias gradients right. Loses W, W_tilde, repeated words and
# one entry (9 + 9 + 9 + 5), keeps b and b_tilde (4 + 4).
def glove_gradients(W, W_tilde, b, b_tilde, i, j, x, weights):
    errors = np.sum(W[i] * W_tilde[j], axis=1) + b[i] + b_tilde[j] - np.log(x)
    delta = weights * errors
    grad_W, grad_W_tilde = np.zeros_like(W), np.zeros_like(W_tilde)
    grad_b, grad_b_tilde = np.zeros_like(b), np.zeros_like(b_tilde)
    np.add.at(grad_W, i, delta[:, None] * W[i])
    np.add.at(grad_W_tilde, j, delta[:, None] * W_tilde[j])
    np.add.at(grad_b, i, delta)
    np.add.at(grad_b_tilde, j, delta)
    return grad_W, grad_W_tilde, grad_b, grad_b_tilde
