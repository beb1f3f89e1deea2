# ruff: noqa
# expected: 94
# splice: neighbours
# Ranks by |cosine|, so rows pointing the opposite way count as similar: wrong on "rows
# pointing away" (3) and "all the other rows" (3), which reach the negative cosines.
def nearest_neighbours(vectors, i, n=5):
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    similarities = np.abs(unit @ unit[i])
    similarities[i] = -np.inf
    return np.argsort(-similarities)[:n]
