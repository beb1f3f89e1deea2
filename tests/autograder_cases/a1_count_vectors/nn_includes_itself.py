# ruff: noqa
# expected: 80
# splice: neighbours
# Row i is not left out: it comes first (cosine 1), and every neighbour test fails (20).
def nearest_neighbours(vectors, i, n=5):
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.argsort(-(unit @ unit[i]))[:n]
