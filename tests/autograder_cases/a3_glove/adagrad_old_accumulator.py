# ruff: noqa
# expected: 88
# splice: adagrad
# The step divides by the accumulator *before* this step's g^2 is added (glove.c's order, not
# the notebook's textbook form): G is right, theta wrong. Loses "the step uses the updated
# accumulator" (8) and "theta updated in place" (4, the caller's theta has wrong values).
def adagrad_step(theta, grad, G, lr, eps=1e-8):
    theta -= lr * grad / (np.sqrt(G) + eps)
    G += grad**2
    return theta, G
