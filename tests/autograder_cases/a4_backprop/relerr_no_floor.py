# ruff: noqa
# expected: 96
# splice: gradcheck
# The relative error without the floor tiny: 0 / 0 is NaN where both gradients are zero, and
# rounding noise on a zero entry counts as an error of 1. Loses "entries near zero" (4).
def numerical_gradient(f, theta, eps=1e-5):
    grad = np.zeros(theta.shape)
    for i in np.ndindex(theta.shape):
        old = theta[i]
        theta[i] = old + eps
        plus = f(theta)[0]
        theta[i] = old - eps
        minus = f(theta)[0]
        theta[i] = old
        grad[i] = (plus - minus) / (2 * eps)
    return grad


def max_relative_error(analytic, numeric, tiny=1e-3):
    a, n = np.asarray(analytic, dtype=float), np.asarray(numeric, dtype=float)
    return float(np.max(np.abs(a - n) / np.maximum(np.abs(a), np.abs(n))))


def gradient_check(f, theta, eps=1e-5, tiny=1e-3):
    loss, grad = f(theta)
    return max_relative_error(grad, numerical_gradient(f, theta, eps), tiny)
