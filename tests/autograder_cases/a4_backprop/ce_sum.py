# ruff: noqa
# expected: 92
# splice: softmax
# The loss summed over the batch instead of the notebook's mean: right only for a batch of one
# window. Loses "cross-entropy: a batch" (3), "large scores" (2) and "a confident wrong
# prediction" (3); softmax keeps its points.
def softmax(scores):
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def cross_entropy(scores, labels):
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -float(np.sum(log_probs[np.arange(len(labels)), labels]))
