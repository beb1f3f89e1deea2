# ruff: noqa
# expected: 90
# splice: forward
# The window's vectors stacked as columns before flattening, L[windows].transpose(0, 2, 1):
# x holds the right numbers in the wrong order (first coordinates of all words, then second
# ...), so x, z, h and the scores are all wrong. Loses all of Part 3 (10); the backward pass,
# given the right cache, keeps its points.
def forward(windows, L, W, b, U, c):
    x = L[windows].transpose(0, 2, 1).reshape(len(windows), -1)
    z = x @ W.T + b
    h = np.tanh(z)
    return h @ U.T + c, (x, z, h)
