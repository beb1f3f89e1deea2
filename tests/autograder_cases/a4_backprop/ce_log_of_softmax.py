# ruff: noqa
# expected: 97
# splice: softmax
# A stable softmax (the row's maximum subtracted), but the loss takes the log of its output:
# when the true class scores far below the best one its probability is exactly 0 and the loss
# inf. Loses "a confident wrong prediction" (3) only.
def softmax(scores):
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def cross_entropy(scores, labels):
    probs = softmax(scores)
    return -float(np.mean(np.log(probs[np.arange(len(labels)), labels])))
