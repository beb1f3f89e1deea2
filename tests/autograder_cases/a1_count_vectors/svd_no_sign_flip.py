# ruff: noqa
# expected: 94
# splice: reduce
# U_k S_k as np.linalg.svd returns it, without the sign rule. The other reduction tests use
# matrices whose signs already obey the rule, so only "the sign of each column" fails (6): a
# count matrix, whose first column np.linalg.svd returns negative.
def reduce_to_k_dim(M, k=2):
    U, S, Vt = np.linalg.svd(M)
    return U[:, :k] * S[:k]
