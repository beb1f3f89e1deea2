# ruff: noqa
# expected: 75
# expected-fallback: 100
# splice: neg_sampling
# Hands in the course library's own negative-sampling loss. The sandbox hides the library (and
# the grader's checks) from student code, so the import fails and Part 3 (25 points) is lost;
# without namespaces the library is reachable and the answer scores.
from dlnlp.vectors.word2vec import negative_sampling_loss


def neg_sampling_loss_and_gradient(center_vec, outside_idx, outside_vectors, neg_indices):
    return negative_sampling_loss(center_vec, outside_idx, outside_vectors, neg_indices)
