# ruff: noqa
# expected: 92
# splice: embedding
# Fancy-index += instead of np.add.at: a word that occurs several times in the batch keeps one
# block. Right while no id repeats; loses "repeated across windows" (4) and "repeated within a
# window" (4).
def embedding_gradient(windows, grad_x, vocab_size):
    B, n = windows.shape
    blocks = grad_x.reshape(B, n, -1)
    grad_L = np.zeros((vocab_size, blocks.shape[2]))
    grad_L[windows] += blocks  # repeats collapse
    return grad_L
