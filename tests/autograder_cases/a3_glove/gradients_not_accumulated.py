# ruff: noqa
# expected: 91
# splice: gradients
# Fancy-index += instead of np.add.at: a word that occurs twice in a batch keeps one term.
# Right while no index repeats; loses "words repeated in a batch" (9).
def glove_gradients(W, W_tilde, b, b_tilde, i, j, x, weights):
    errors = np.sum(W[i] * W_tilde[j], axis=1) + b[i] + b_tilde[j] - np.log(x)
    delta = weights * errors
    grad_W, grad_W_tilde = np.zeros_like(W), np.zeros_like(W_tilde)
    grad_b, grad_b_tilde = np.zeros_like(b), np.zeros_like(b_tilde)
    grad_W[i] += delta[:, None] * W_tilde[j]  # repeats collapse
    grad_W_tilde[j] += delta[:, None] * W[i]
    grad_b[i] += delta
    grad_b_tilde[j] += delta
    return grad_W, grad_W_tilde, grad_b, grad_b_tilde
