# ruff: noqa
# expected: 90
# splice: plot_embeddings
# The rows taken by position in words_to_plot instead of by the word's index in words: every
# plot test fails (10).
import matplotlib.pyplot as plt


def plot_embeddings(M_reduced, words, words_to_plot):
    points = np.asarray(M_reduced, dtype=float)[: len(words_to_plot), :2]
    plt.scatter(points[:, 0], points[:, 1])
    for word, (x, y) in zip(words_to_plot, points):
        plt.annotate(word, (x, y))
    return points
