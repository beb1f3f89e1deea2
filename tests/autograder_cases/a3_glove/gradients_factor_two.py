# ruff: noqa
# expected: 60
# splice: gradients
# The gradients of the paper's J (no 1/2): 2 f(x) e instead of f(x) e, while the loss keeps the
# notebook's 1/2. Every gradient is twice too large: loses Part 3 (40).
def glove_gradients(W, W_tilde, b, b_tilde, i, j, x, weights):
    errors = np.sum(W[i] * W_tilde[j], axis=1) + b[i] + b_tilde[j] - np.log(x)
    delta = 2.0 * weights * errors
    grad_W, grad_W_tilde = np.zeros_like(W), np.zeros_like(W_tilde)
    grad_b, grad_b_tilde = np.zeros_like(b), np.zeros_like(b_tilde)
    np.add.at(grad_W, i, delta[:, None] * W_tilde[j])
    np.add.at(grad_W_tilde, j, delta[:, None] * W[i])
    np.add.at(grad_b, i, delta)
    np.add.at(grad_b_tilde, j, delta)
    return grad_W, grad_W_tilde, grad_b, grad_b_tilde
