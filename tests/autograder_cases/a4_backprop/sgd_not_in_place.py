# ruff: noqa
# expected: 97
# splice: sgd
# theta = theta - lr * grad: the returned array is right, the caller's parameters never move
# (the training loop, which ignores the return value, would not learn). Loses "theta updated in
# place" (3).
def sgd_step(theta, grad, lr):
    theta = theta - lr * grad
    return theta
