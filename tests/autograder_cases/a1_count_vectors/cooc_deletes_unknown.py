# ruff: noqa
# expected: 97
# splice: co_occurrence
# Deletes the tokens that are not in words before counting, so the windows close up over them:
# wrong only on "tokens not in words" (3).
def compute_co_occurrence_matrix(corpus, words, window_size=4):
    index = {word: i for i, word in enumerate(words)}
    M = np.zeros((len(words), len(words)))
    for sentence in corpus:
        ids = [index[word] for word in sentence if word in index]
        for p, i in enumerate(ids):
            for q in range(max(0, p - window_size), min(len(ids), p + window_size + 1)):
                if q != p:
                    M[i, ids[q]] += 1
    return M
