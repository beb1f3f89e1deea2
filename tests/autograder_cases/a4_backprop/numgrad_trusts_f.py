# ruff: noqa
# expected: 92
# splice: gradcheck
# Returns the gradient that f itself reports instead of estimating one: a gradient check that
# checks nothing. The grader's f reports something else than its true gradient (of another
# shape), so "a vector" (4) and "a matrix" (4) fail; theta is left unchanged (2 kept).
def numerical_gradient(f, theta, eps=1e-5):
    return f(theta)[1]


def max_relative_error(analytic, numeric, tiny=1e-3):
    a, n = np.asarray(analytic, dtype=float), np.asarray(numeric, dtype=float)
    return float(np.max(np.abs(a - n) / np.maximum(np.maximum(np.abs(a), np.abs(n)), tiny)))


def gradient_check(f, theta, eps=1e-5, tiny=1e-3):
    loss, grad = f(theta)
    return max_relative_error(grad, numerical_gradient(f, theta, eps), tiny)
