# ruff: noqa
# expected: 96
# splice: co_occurrence
# Sorts the vocabulary it is given: right whenever words comes sorted, wrong only on "rows in
# the order of words" (4).
def compute_co_occurrence_matrix(corpus, words, window_size=4):
    index = {word: i for i, word in enumerate(sorted(words))}
    M = np.zeros((len(words), len(words)))
    for sentence in corpus:
        for p, word in enumerate(sentence):
            if word not in index:
                continue
            for q in range(max(0, p - window_size), min(len(sentence), p + window_size + 1)):
                if q != p and sentence[q] in index:
                    M[index[word], index[sentence[q]]] += 1
    return M
