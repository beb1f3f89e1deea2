# ruff: noqa
# expected: 96
# splice: embedding
# A loop over the windows with fancy-index += inside: repeats across windows add up, repeats
# within one window (the padding at sentence edges) still collapse. Loses "repeated within a
# window" (4) only.
def embedding_gradient(windows, grad_x, vocab_size):
    B, n = windows.shape
    blocks = grad_x.reshape(B, n, -1)
    grad_L = np.zeros((vocab_size, blocks.shape[2]))
    for k in range(B):
        grad_L[windows[k]] += blocks[k]
    return grad_L
