# ruff: noqa
# expected: 97
# splice: neighbours
# Row i's similarity set to 0 instead of left out: it still ranks above the rows with negative
# cosines, which only "all the other rows" reaches (3).
def nearest_neighbours(vectors, i, n=5):
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    similarities = unit @ unit[i]
    similarities[i] = 0.0
    return np.argsort(-similarities)[:n]
