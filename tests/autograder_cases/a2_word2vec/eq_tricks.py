# ruff: noqa
# expected: 70
# splice: sgd
# Return values that claim to equal anything: an object with __eq__ always True (refused: only
# numbers and arrays are accepted) and an array subclass with wrong values whose __eq__ and
# tolist lie (judged by its values). Loses Part 2 (25) and Part 5 (5).
# <solution>


class Anything:
    def __eq__(self, other):
        return True

    def __float__(self):
        return 0.0

    def __array__(self, dtype=None, copy=None):
        return np.zeros(3)


class AlwaysEqualArray(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(other), dtype=bool)

    def tolist(self):
        return [1.0]


def naive_softmax_loss_and_gradient(center_vec, outside_idx, outside_vectors):
    return Anything(), Anything(), Anything()


def noise_distribution(counts, power=0.75):
    return np.zeros(len(counts)).view(AlwaysEqualArray)
