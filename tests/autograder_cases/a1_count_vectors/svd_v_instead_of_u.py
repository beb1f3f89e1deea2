# ruff: noqa
# expected: 88
# splice: reduce
# The right singular vectors (rows of Vt) instead of U: for a symmetric matrix they agree up to
# signs, which the sign rule fixes, so "a square matrix" and "the sign of each column" pass; the
# rectangular matrices get the wrong number of rows ("a rectangular matrix" 7, "k = 1" 5).
def reduce_to_k_dim(M, k=2):
    U, S, Vt = np.linalg.svd(np.asarray(M, dtype=float), full_matrices=False)
    M_reduced = Vt[:k].T * S[:k]
    signs = np.sign(M_reduced[np.abs(M_reduced).argmax(axis=0), np.arange(k)])
    return M_reduced * signs
