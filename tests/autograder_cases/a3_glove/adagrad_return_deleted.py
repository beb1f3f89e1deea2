# ruff: noqa
# expected: 75
# splice: adagrad
# A right in-place update, but the given `return theta, G` line was deleted: the function
# returns None, which the grader does not accept as a result (only numbers and arrays cross
# the sandbox), so every AdaGrad test fails with "return numpy arrays and numbers".
def adagrad_step(theta, grad, G, lr, eps=1e-8):
    G += grad**2
    theta -= lr * grad / (np.sqrt(G) + eps)
