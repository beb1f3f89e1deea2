# ruff: noqa
# expected: 92
# splice: gradcheck
# Central differences on a float32 copy of theta ("to save memory"): θ_i ± ε is rounded to
# float32, so the step actually taken is not 2ε. Loses "a vector" (4) and "a matrix" (4);
# theta itself is untouched.
def numerical_gradient(f, theta, eps=1e-5):
    work = theta.astype(np.float32)
    grad = np.zeros(theta.shape)
    for i in np.ndindex(theta.shape):
        old = work[i]
        work[i] = old + eps
        plus = f(work)[0]
        work[i] = old - eps
        minus = f(work)[0]
        work[i] = old
        grad[i] = (plus - minus) / (2 * eps)
    return grad


def max_relative_error(analytic, numeric, tiny=1e-3):
    a, n = np.asarray(analytic, dtype=float), np.asarray(numeric, dtype=float)
    return float(np.max(np.abs(a - n) / np.maximum(np.maximum(np.abs(a), np.abs(n)), tiny)))


def gradient_check(f, theta, eps=1e-5, tiny=1e-3):
    loss, grad = f(theta)
    return max_relative_error(grad, numerical_gradient(f, theta, eps), tiny)
