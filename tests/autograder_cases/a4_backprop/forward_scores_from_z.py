# ruff: noqa
# expected: 96
# splice: forward
# The scores computed from the pre-activations z instead of h = tanh(z) (the cache is right).
# Loses "the scores" (2) and "a batch of one window" (2, judged on the scores).
def forward(windows, L, W, b, U, c):
    x = L[windows].reshape(len(windows), -1)
    z = x @ W.T + b
    h = np.tanh(z)
    return z @ U.T + c, (x, z, h)
