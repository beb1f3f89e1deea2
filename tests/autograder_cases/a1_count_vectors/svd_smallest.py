# ruff: noqa
# expected: 75
# splice: reduce
# The k smallest singular values (the last columns) instead of the k largest: every reduction
# test fails (25).
def reduce_to_k_dim(M, k=2):
    U, S, Vt = np.linalg.svd(np.asarray(M, dtype=float), full_matrices=False)
    M_reduced = U[:, -k:] * S[-k:]
    signs = np.sign(M_reduced[np.abs(M_reduced).argmax(axis=0), np.arange(k)])
    return M_reduced * signs
