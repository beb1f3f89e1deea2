# ruff: noqa
# expected: 75
# splice: lstm_backward
# tanh' at the wrong point: 1 - c**2 instead of 1 - tanh(c)**2 on the path through h. Only the
# test with dh = 0 (where that path carries nothing) passes: loses 25 of Part 3's 30. Part 5
# keeps its 20: BPTT is graded with the harness's stand-in cell backward in place of this one.
def lstm_cell_backward(dh, dc, x, h_prev, c_prev, gates, c, weight_ih, weight_hh):
    H = h_prev.shape[1]
    i, f, g, o = gates[:, :H], gates[:, H : 2 * H], gates[:, 2 * H : 3 * H], gates[:, 3 * H :]
    do = dh * np.tanh(c)
    dc_total = dc + dh * o * (1 - c**2)
    di, df, dg = dc_total * g, dc_total * c_prev, dc_total * i
    da = np.concatenate(
        [di * i * (1 - i), df * f * (1 - f), dg * (1 - g**2), do * o * (1 - o)], axis=1
    )
    db = da.sum(axis=0)
    return da @ weight_ih, da @ weight_hh, dc_total * f, da.T @ x, da.T @ h_prev, db, db
