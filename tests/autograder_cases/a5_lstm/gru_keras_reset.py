# ruff: noqa
# expected: 90
# splice: gru_forward
# The reset gate applied before the product, W_hn (r * h_prev) + b_hn, as in Cho et al. 2014
# and Keras's reset_after=False, instead of torch's r * (W_hn h_prev + b_hn). Right when
# h_prev = 0 and b_hn = 0 (5); loses "the reset gate" (7) and "a batch of one" (3).
def gru_cell_forward(x, h_prev, weight_ih, weight_hh, bias_ih, bias_hh):
    H = h_prev.shape[1]
    gi = x @ weight_ih.T + bias_ih
    gh = h_prev @ weight_hh.T + bias_hh
    r = sigmoid(gi[:, :H] + gh[:, :H])
    z = sigmoid(gi[:, H : 2 * H] + gh[:, H : 2 * H])
    n = np.tanh(gi[:, 2 * H :] + (r * h_prev) @ weight_hh[2 * H :].T + bias_hh[2 * H :])
    return (1 - z) * n + z * h_prev
