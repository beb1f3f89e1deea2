# ruff: noqa
# expected: 87
# splice: neg_sampling
# Sign error on the noise terms of the outside-vector gradient: loses the two tests of that
# gradient (8 + 5 points); the loss and the center gradient are right.
def neg_sampling_loss_and_gradient(center_vec, outside_idx, outside_vectors, neg_indices):
    u_o = outside_vectors[outside_idx]
    u_k = outside_vectors[neg_indices]
    s_o = sigmoid(u_o @ center_vec)
    s_k = sigmoid(-(u_k @ center_vec))
    loss = -np.log(s_o) - np.log(s_k).sum()
    grad_center = -(1.0 - s_o) * u_o + (1.0 - s_k) @ u_k
    grad_outside = np.zeros_like(outside_vectors)
    grad_outside[outside_idx] -= (1.0 - s_o) * center_vec
    np.add.at(grad_outside, neg_indices, -np.outer(1.0 - s_k, center_vec))  # wrong sign
    return loss, grad_center, grad_outside
