# ruff: noqa
# expected: 94
# splice: naive_softmax
# Softmax without subtracting the largest score: NaN for scores near 1000.
def naive_softmax_loss_and_gradient(center_vec, outside_idx, outside_vectors):
    e = np.exp(outside_vectors @ center_vec)
    y_hat = e / e.sum()
    loss = -np.log(y_hat[outside_idx])
    delta = y_hat.copy()
    delta[outside_idx] -= 1.0
    return loss, outside_vectors.T @ delta, np.outer(delta, center_vec)
