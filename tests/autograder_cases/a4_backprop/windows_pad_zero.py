# ruff: noqa
# expected: 97
# splice: windows
# Pads with 0, whatever pad_id says (np.pad's default): right while the padding id is 0. Loses
# "the padding id passed in" (3).
def make_windows(sentence, m, pad_id):
    padded = np.pad(sentence, m)
    return np.stack([padded[t : t + 2 * m + 1] for t in range(len(sentence))])
