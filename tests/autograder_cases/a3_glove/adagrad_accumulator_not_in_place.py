# ruff: noqa
# expected: 95
# splice: adagrad
# G = G + grad**2 makes a new array: the step and the returned G are right, the caller's
# accumulator never grows. Loses "G updated in place".
def adagrad_step(theta, grad, G, lr, eps=1e-8):
    G = G + grad**2
    theta -= lr * grad / (np.sqrt(G) + eps)
    return theta, G
