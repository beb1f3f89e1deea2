"""Word vectors: count-based (co-occurrence + SVD) and, later, word2vec and GloVe."""

from dlnlp.vectors.cooccurrence import document_cooccurrence, log_scale, window_cooccurrence
from dlnlp.vectors.io import keyed_vectors, load_word2vec, save_word2vec
from dlnlp.vectors.svd import truncated_svd

__all__ = [
    "document_cooccurrence",
    "keyed_vectors",
    "load_word2vec",
    "log_scale",
    "save_word2vec",
    "truncated_svd",
    "window_cooccurrence",
]
