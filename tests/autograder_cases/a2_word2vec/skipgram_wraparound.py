# ruff: noqa
# expected: 88
# splice: skipgram
# The window is not cut at the start of the sentence: negative positions wrap around to its end.
# Loses "center near the sentence start" and "window wider than the sentence".
def skipgram(sentence, position, window, center_vectors, outside_vectors, loss_and_gradient):
    c = sentence[position]
    loss = 0.0
    grad_center_vectors = np.zeros_like(center_vectors)
    grad_outside_vectors = np.zeros_like(outside_vectors)
    for j in range(position - window, min(len(sentence), position + window + 1)):
        if j == position:
            continue
        pair_loss, grad_c, grad_u = loss_and_gradient(center_vectors[c], sentence[j], outside_vectors)
        loss += pair_loss
        grad_center_vectors[c] += grad_c
        grad_outside_vectors += grad_u
    return loss, grad_center_vectors, grad_outside_vectors
