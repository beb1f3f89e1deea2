# ruff: noqa
# expected: 90
# splice: gradcheck
# The mean relative error instead of the largest: one wrong entry among many hardly shows.
# Loses the three relative-error tests (3 + 3 + 4); numerical_gradient keeps its 10.
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
    return float(np.mean(np.abs(a - n) / np.maximum(np.maximum(np.abs(a), np.abs(n)), tiny)))


def gradient_check(f, theta, eps=1e-5, tiny=1e-3):
    loss, grad = f(theta)
    return max_relative_error(grad, numerical_gradient(f, theta, eps), tiny)
