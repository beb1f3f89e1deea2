# ruff: noqa
# expected: 97
# splice: plot_embeddings
# The right rows, but all their columns returned: wrong only on "more than two columns" (3).
import matplotlib.pyplot as plt


def plot_embeddings(M_reduced, words, words_to_plot):
    rows = [list(words).index(word) for word in words_to_plot]
    points = np.asarray(M_reduced, dtype=float)[rows]
    plt.scatter(points[:, 0], points[:, 1])
    for word, (x, y) in zip(words_to_plot, points[:, :2]):
        plt.text(x, y, word)
    return points
