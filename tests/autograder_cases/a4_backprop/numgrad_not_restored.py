# ruff: noqa
# expected: 98
# splice: gradcheck
# Moves each entry up and down but never puts it back: every entry of the caller's theta ends
# eps too low. The estimates are right here (the probe's loss is separable), but the parameters
# the caller checks have changed. Loses "theta left unchanged" (2).
def numerical_gradient(f, theta, eps=1e-5):
    grad = np.zeros(theta.shape)
    for i in np.ndindex(theta.shape):
        theta[i] += eps
        plus = f(theta)[0]
        theta[i] -= 2 * eps
        minus = f(theta)[0]
        grad[i] = (plus - minus) / (2 * eps)
    return grad


def max_relative_error(analytic, numeric, tiny=1e-3):
    a, n = np.asarray(analytic, dtype=float), np.asarray(numeric, dtype=float)
    return float(np.max(np.abs(a - n) / np.maximum(np.maximum(np.abs(a), np.abs(n)), tiny)))


def gradient_check(f, theta, eps=1e-5, tiny=1e-3):
    loss, grad = f(theta)
    return max_relative_error(grad, numerical_gradient(f, theta, eps), tiny)
