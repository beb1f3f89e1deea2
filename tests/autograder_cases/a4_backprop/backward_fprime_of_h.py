# ruff: noqa
# expected: 82
# splice: backward
# tanh's derivative formula applied to the activation h instead of the pre-activation z:
# 1 - tanh(h)^2, where f'(z) = 1 - tanh(z)^2 = 1 - h^2. U and c are right; W, b, x and the
# batch of one are wrong. Loses 5 + 4 + 5 + 4 = 18.
def backward(labels, probs, x, z, h, W, U):
    B = len(labels)
    delta_s = probs.copy()
    delta_s[np.arange(B), labels] -= 1.0
    delta_s /= B
    delta_z = (delta_s @ U) * (1.0 - np.tanh(h) ** 2)  # f'(h), not f'(z)
    return delta_z.T @ x, delta_z.sum(axis=0), delta_s.T @ h, delta_s.sum(axis=0), delta_z @ W
