# ruff: noqa
# expected: 82
# splice: co_occurrence
# The sentences joined into one stream, so windows run on into the next sentence: loses the two
# tests with several sentences (10 + 8); the one-sentence tests pass.
def compute_co_occurrence_matrix(corpus, words, window_size=4):
    index = {word: i for i, word in enumerate(words)}
    tokens = [word for sentence in corpus for word in sentence]
    M = np.zeros((len(words), len(words)))
    for p, word in enumerate(tokens):
        if word not in index:
            continue
        for q in range(max(0, p - window_size), min(len(tokens), p + window_size + 1)):
            if q != p and tokens[q] in index:
                M[index[word], index[tokens[q]]] += 1
    return M
