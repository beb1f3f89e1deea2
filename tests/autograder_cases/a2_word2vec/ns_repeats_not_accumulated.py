# ruff: noqa
# expected: 95
# splice: neg_sampling
# Fancy-index assignment: a noise word drawn twice counts once. Loses "repeated noise words".
def neg_sampling_loss_and_gradient(center_vec, outside_idx, outside_vectors, neg_indices):
    u_o = outside_vectors[outside_idx]
    u_k = outside_vectors[neg_indices]
    s_o = sigmoid(u_o @ center_vec)
    s_k = sigmoid(-(u_k @ center_vec))
    loss = -np.log(s_o) - np.log(s_k).sum()
    grad_center = -(1.0 - s_o) * u_o + (1.0 - s_k) @ u_k
    grad_outside = np.zeros_like(outside_vectors)
    grad_outside[outside_idx] -= (1.0 - s_o) * center_vec
    grad_outside[neg_indices] += np.outer(1.0 - s_k, center_vec)  # repeats collapse
    return loss, grad_center, grad_outside
