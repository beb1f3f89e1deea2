# ruff: noqa
# expected: 65
# splice: co_occurrence
# range(p - m + 1, p + m): the window spans m - 1 positions on each side, and every test has a
# pair at distance exactly m. Every co-occurrence test fails (35).
def compute_co_occurrence_matrix(corpus, words, window_size=4):
    index = {word: i for i, word in enumerate(words)}
    M = np.zeros((len(words), len(words)))
    for sentence in corpus:
        for p, word in enumerate(sentence):
            if word not in index:
                continue
            for q in range(max(0, p - window_size + 1), min(len(sentence), p + window_size)):
                if q != p and sentence[q] in index:
                    M[index[word], index[sentence[q]]] += 1
    return M
