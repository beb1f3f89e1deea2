# ruff: noqa
# expected: 75
# splice: lstm_forward
# The blocks read in the order i, f, o, g (as in some course notes) instead of torch's i, f, g,
# o: the candidate and the output gate swap rows. Every forward test fails (25); nothing else
# depends on the forward.
def lstm_cell_forward(x, h_prev, c_prev, weight_ih, weight_hh, bias_ih, bias_hh):
    H = h_prev.shape[1]
    a = x @ weight_ih.T + bias_ih + h_prev @ weight_hh.T + bias_hh
    i = sigmoid(a[:, :H])
    f = sigmoid(a[:, H : 2 * H])
    o = sigmoid(a[:, 2 * H : 3 * H])
    g = np.tanh(a[:, 3 * H :])
    c = f * c_prev + i * g
    return o * np.tanh(c), c, np.concatenate([i, f, g, o], axis=1)
