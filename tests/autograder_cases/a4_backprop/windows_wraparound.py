# ruff: noqa
# expected: 90
# splice: windows
# Python's negative indices: the window of the first words reaches back to the END of the
# sentence instead of the padding (only the right edge is checked). Loses all of Part 1 (10).
def make_windows(sentence, m, pad_id):
    T = len(sentence)
    windows = np.zeros((T, 2 * m + 1), dtype=np.int64)
    for t in range(T):
        for j in range(2 * m + 1):
            position = t - m + j
            windows[t, j] = sentence[position] if position < T else pad_id
    return windows
