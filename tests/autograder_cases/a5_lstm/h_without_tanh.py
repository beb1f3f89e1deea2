# ruff: noqa
# expected: 90
# splice: lstm_forward
# h = o * c, the cell state itself instead of tanh(c): the gates and c are right. Loses h (5),
# a batch of one (2) and large pre-activations (3).
def lstm_cell_forward(x, h_prev, c_prev, weight_ih, weight_hh, bias_ih, bias_hh):
    H = h_prev.shape[1]
    a = x @ weight_ih.T + bias_ih + h_prev @ weight_hh.T + bias_hh
    i = sigmoid(a[:, :H])
    f = sigmoid(a[:, H : 2 * H])
    g = np.tanh(a[:, 2 * H : 3 * H])
    o = sigmoid(a[:, 3 * H :])
    c = f * c_prev + i * g
    return o * c, c, np.concatenate([i, f, g, o], axis=1)
