# ruff: noqa
# expected: 94
# splice: neighbours
# The dot product instead of the cosine: the same ranking when all rows have one length, wrong
# only on "rows of different lengths" (6).
def nearest_neighbours(vectors, i, n=5):
    scores = vectors @ vectors[i]
    scores[i] = -np.inf
    return np.argsort(-scores)[:n]
