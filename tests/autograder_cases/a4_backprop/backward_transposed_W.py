# ruff: noqa
# expected: 91
# splice: backward
# grad_W = x^T delta_z: the transpose of dJ/dW, shape (n·d, D) instead of W's (D, n·d). Loses
# "backward: W" (5) and "a batch of one window" (4), keeps the other gradients.
def backward(labels, probs, x, z, h, W, U):
    B = len(labels)
    delta_s = probs.copy()
    delta_s[np.arange(B), labels] -= 1.0
    delta_s /= B
    delta_z = (delta_s @ U) * (1.0 - h**2)
    return x.T @ delta_z, delta_z.sum(axis=0), delta_s.T @ h, delta_s.sum(axis=0), delta_z @ W
