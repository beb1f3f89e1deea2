# ruff: noqa
# expected: 82
# splice: bptt
# The dc_prev of step t + 1 is dropped: every step gets dc = 0, so the gradient comes back
# through h only. Right for a single step (2); loses dh0, dc0, dxs and the summed parameter
# gradients (18).
def lstm_bptt(dhs, xs, h0, c0, hs, cs, gates, weight_ih, weight_hh):
    dxs = np.zeros_like(xs)
    dh_prev = np.zeros_like(h0)
    dc_prev = np.zeros_like(c0)
    sums = [np.zeros_like(weight_ih), np.zeros_like(weight_hh)]
    sums += [np.zeros(weight_ih.shape[0]), np.zeros(weight_ih.shape[0])]
    for t in reversed(range(len(xs))):
        h_prev = hs[t - 1] if t > 0 else h0
        c_prev = cs[t - 1] if t > 0 else c0
        grads = lstm_cell_backward(dhs[t] + dh_prev, np.zeros_like(c0), xs[t], h_prev, c_prev,
                                   gates[t], cs[t], weight_ih, weight_hh)
        dxs[t], dh_prev, dc_prev = grads[:3]
        for total, grad in zip(sums, grads[3:]):
            total += grad
    return (dxs, dh_prev, dc_prev, *sums)
