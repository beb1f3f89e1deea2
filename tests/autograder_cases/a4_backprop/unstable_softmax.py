# ruff: noqa
# expected: 93
# splice: softmax
# The textbook formulas as they stand: exp(s) / sum exp(s), and the loss as -log of that. Right
# for moderate scores; NaN once exp overflows (or underflows to 0 / 0), inf when the true class
# underflows. Loses "softmax: large scores" (2), "cross-entropy: large scores" (2) and "a
# confident wrong prediction" (3).
def softmax(scores):
    e = np.exp(scores)
    return e / e.sum(axis=1, keepdims=True)


def cross_entropy(scores, labels):
    probs = softmax(scores)
    return -float(np.mean(np.log(probs[np.arange(len(labels)), labels])))
