# ruff: noqa
# expected: 65
# splice: co_occurrence
# The position itself (distance 0) counted as a neighbour: every diagonal entry is too large by
# the word's count, and every co-occurrence test fails (35).
def compute_co_occurrence_matrix(corpus, words, window_size=4):
    index = {word: i for i, word in enumerate(words)}
    M = np.zeros((len(words), len(words)))
    for sentence in corpus:
        for p, word in enumerate(sentence):
            if word not in index:
                continue
            for q in range(max(0, p - window_size), min(len(sentence), p + window_size + 1)):
                if sentence[q] in index:
                    M[index[word], index[sentence[q]]] += 1
    return M
