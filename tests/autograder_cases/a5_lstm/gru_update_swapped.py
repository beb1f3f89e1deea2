# ruff: noqa
# expected: 85
# splice: gru_forward
# The update gate used the other way round, h = z * n + (1 - z) * h_prev (the lecture's u = 1 - z
# read as torch's z): every GRU test fails (15).
def gru_cell_forward(x, h_prev, weight_ih, weight_hh, bias_ih, bias_hh):
    H = h_prev.shape[1]
    gi = x @ weight_ih.T + bias_ih
    gh = h_prev @ weight_hh.T + bias_hh
    r = sigmoid(gi[:, :H] + gh[:, :H])
    z = sigmoid(gi[:, H : 2 * H] + gh[:, H : 2 * H])
    n = np.tanh(gi[:, 2 * H :] + r * gh[:, 2 * H :])
    return z * n + (1 - z) * h_prev
