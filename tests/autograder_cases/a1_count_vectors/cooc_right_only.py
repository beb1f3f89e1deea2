# ruff: noqa
# expected: 65
# splice: co_occurrence
# Only the words after the center are counted: an asymmetric matrix, half of the counts
# missing, and every co-occurrence test fails (35).
def compute_co_occurrence_matrix(corpus, words, window_size=4):
    index = {word: i for i, word in enumerate(words)}
    M = np.zeros((len(words), len(words)))
    for sentence in corpus:
        for p, word in enumerate(sentence):
            if word not in index:
                continue
            for q in range(p + 1, min(len(sentence), p + window_size + 1)):
                if sentence[q] in index:
                    M[index[word], index[sentence[q]]] += 1
    return M
