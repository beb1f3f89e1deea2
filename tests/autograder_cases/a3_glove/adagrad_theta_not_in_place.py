# ruff: noqa
# expected: 96
# splice: adagrad
# theta = theta - ...: the returned theta is right, the caller's parameters never move. Loses
# "theta updated in place".
def adagrad_step(theta, grad, G, lr, eps=1e-8):
    G += grad**2
    theta = theta - lr * grad / (np.sqrt(G) + eps)
    return theta, G
