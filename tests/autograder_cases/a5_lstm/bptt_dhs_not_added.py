# ruff: noqa
# expected: 88
# splice: bptt
# Only the last output's gradient is used (dh starts at dhs[-1] and then comes from the next step
# alone): right for a loss on the last output (dh0, dc0: 6) and for a single step (2); loses
# every test with a loss on every output (12).
def lstm_bptt(dhs, xs, h0, c0, hs, cs, gates, weight_ih, weight_hh):
    dxs = np.zeros_like(xs)
    dh, dc_prev = dhs[-1], np.zeros_like(c0)
    sums = [np.zeros_like(weight_ih), np.zeros_like(weight_hh)]
    sums += [np.zeros(weight_ih.shape[0]), np.zeros(weight_ih.shape[0])]
    for t in reversed(range(len(xs))):
        h_prev = hs[t - 1] if t > 0 else h0
        c_prev = cs[t - 1] if t > 0 else c0
        grads = lstm_cell_backward(dh, dc_prev, xs[t], h_prev, c_prev, gates[t], cs[t],
                                   weight_ih, weight_hh)
        dxs[t], dh, dc_prev = grads[:3]
        for total, grad in zip(sums, grads[3:]):
            total += grad
    return (dxs, dh, dc_prev, *sums)
