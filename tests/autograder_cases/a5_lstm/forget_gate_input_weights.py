# ruff: noqa
# expected: 84
# splice: lstm_forward
# The forget gate computed from the input gate's block of a (rows 0:H, a wrong slice): f = i.
# Loses the gates (6), c (5), a batch of one (2) and large pre-activations (3); keeps the two
# first-step tests (c_prev = 0, where f does not matter: 4 + 5). The backward and BPTT get
# their forward values from the grader and keep their points.
def lstm_cell_forward(x, h_prev, c_prev, weight_ih, weight_hh, bias_ih, bias_hh):
    H = h_prev.shape[1]
    a = x @ weight_ih.T + bias_ih + h_prev @ weight_hh.T + bias_hh
    i = sigmoid(a[:, :H])
    f = sigmoid(a[:, :H])  # should be a[:, H : 2 * H]
    g = np.tanh(a[:, 2 * H : 3 * H])
    o = sigmoid(a[:, 3 * H :])
    c = f * c_prev + i * g
    return o * np.tanh(c), c, np.concatenate([i, f, g, o], axis=1)
