# ruff: noqa
# expected: 92
# splice: gradcheck
# The one-sided difference (J(θ + ε e_i) - J(θ)) / ε: an error of order ε, far above a right
# gradient's rounding noise. Loses "a vector" (4) and "a matrix" (4); theta is put back, and
# max_relative_error (given below the solution) is right.
def numerical_gradient(f, theta, eps=1e-5):
    grad = np.zeros(theta.shape)
    base = f(theta)[0]
    for i in np.ndindex(theta.shape):
        old = theta[i]
        theta[i] = old + eps
        grad[i] = (f(theta)[0] - base) / eps
        theta[i] = old
    return grad


def max_relative_error(analytic, numeric, tiny=1e-3):
    a, n = np.asarray(analytic, dtype=float), np.asarray(numeric, dtype=float)
    return float(np.max(np.abs(a - n) / np.maximum(np.maximum(np.abs(a), np.abs(n)), tiny)))


def gradient_check(f, theta, eps=1e-5, tiny=1e-3):
    loss, grad = f(theta)
    return max_relative_error(grad, numerical_gradient(f, theta, eps), tiny)
