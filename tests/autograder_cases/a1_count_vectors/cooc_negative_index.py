# ruff: noqa
# expected: 65
# splice: co_occurrence
# The window's start is not clipped at 0: sentence[q] with q < 0 takes words from the end of the
# sentence (a one-word sentence counts itself). Every co-occurrence test fails (35).
def compute_co_occurrence_matrix(corpus, words, window_size=4):
    index = {word: i for i, word in enumerate(words)}
    M = np.zeros((len(words), len(words)))
    for sentence in corpus:
        for p, word in enumerate(sentence):
            if word not in index:
                continue
            for q in range(p - window_size, min(len(sentence), p + window_size + 1)):
                if q != p and sentence[q] in index:
                    M[index[word], index[sentence[q]]] += 1
    return M
