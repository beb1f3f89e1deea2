"""Dense word vectors from a count matrix by truncated SVD (LSA).

X ≈ U_k S_k V_kᵀ keeps the k largest singular values; the rows of U_k S_k are
k-dimensional word vectors that preserve as much of X as any rank-k matrix can
(Eckart-Young).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.utils.extmath import randomized_svd


def truncated_svd(X, k: int, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Rank-k SVD of X, shape (V, C).

    Returns:
        vectors: U_k S_k, shape (V, k), one k-dimensional vector per row of X.
        singular_values: S_k, shape (k,), largest first.

    Small dense inputs use an exact SVD; sparse ones the randomized algorithm of
    Halko et al. (2011), which touches X only through matrix products.
    """
    if not 1 <= k <= min(X.shape):
        raise ValueError(f"k must be between 1 and min(X.shape)={min(X.shape)}, got {k}")
    if sp.issparse(X):
        U, S, _ = randomized_svd(X, n_components=k, n_iter=5, random_state=seed)
    else:
        U, S, _ = np.linalg.svd(np.asarray(X, dtype=np.float64), full_matrices=False)
        U, S = U[:, :k], S[:k]
    # Fix the sign of each component (largest |entry| positive) so results are reproducible.
    signs = np.sign(U[np.abs(U).argmax(axis=0), np.arange(k)])
    signs[signs == 0] = 1
    return U * S * signs, S
