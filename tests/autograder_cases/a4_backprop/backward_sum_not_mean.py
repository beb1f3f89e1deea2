# ruff: noqa
# expected: 79
# splice: backward
# The gradients of the summed loss (no 1/B), while J is the mean: every gradient is B times too
# large, right only for a batch of one window. Loses U, c, W, b and x (4 + 3 + 5 + 4 + 5 = 21).
def backward(labels, probs, x, z, h, W, U):
    delta_s = probs.copy()
    delta_s[np.arange(len(labels)), labels] -= 1.0
    delta_z = (delta_s @ U) * (1.0 - h**2)
    return delta_z.T @ x, delta_z.sum(axis=0), delta_s.T @ h, delta_s.sum(axis=0), delta_z @ W
