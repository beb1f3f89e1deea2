# ruff: noqa
# expected: 92
# splice: bptt
# The parameter gradients are overwritten at each step instead of summed: only step 0's remain.
# dxs, dh0 and dc0 are right, and so is a single step; loses the four summed gradients (8).
def lstm_bptt(dhs, xs, h0, c0, hs, cs, gates, weight_ih, weight_hh):
    dxs = np.zeros_like(xs)
    dh_prev, dc_prev = np.zeros_like(h0), np.zeros_like(c0)
    for t in reversed(range(len(xs))):
        h_prev = hs[t - 1] if t > 0 else h0
        c_prev = cs[t - 1] if t > 0 else c0
        grads = lstm_cell_backward(dhs[t] + dh_prev, dc_prev, xs[t], h_prev, c_prev,
                                   gates[t], cs[t], weight_ih, weight_hh)
        dxs[t], dh_prev, dc_prev = grads[:3]
        dweight_ih, dweight_hh, dbias_ih, dbias_hh = grads[3:]
    return dxs, dh_prev, dc_prev, dweight_ih, dweight_hh, dbias_ih, dbias_hh
