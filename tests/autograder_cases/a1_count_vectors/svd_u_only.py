# ruff: noqa
# expected: 75
# splice: reduce
# U_k without the singular values: columns of length 1 instead of s_j. Every reduction test
# fails (25).
def reduce_to_k_dim(M, k=2):
    U, S, Vt = np.linalg.svd(np.asarray(M, dtype=float), full_matrices=False)
    M_reduced = U[:, :k]
    signs = np.sign(M_reduced[np.abs(M_reduced).argmax(axis=0), np.arange(k)])
    return M_reduced * signs
