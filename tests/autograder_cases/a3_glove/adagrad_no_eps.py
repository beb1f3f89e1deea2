# ruff: noqa
# expected: 97
# splice: adagrad
# No epsilon: 0 / sqrt(0) is NaN for a parameter that has never had a gradient. Loses
# "zero gradient, zero accumulator" only.
def adagrad_step(theta, grad, G, lr, eps=1e-8):
    G += grad**2
    theta -= lr * grad / np.sqrt(G)
    return theta, G
