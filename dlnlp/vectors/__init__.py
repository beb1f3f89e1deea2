"""Word vectors: count-based (co-occurrence + SVD), word2vec and GloVe.

The count-based tools are exported here. The trainers are modules with a command line each, so
import them as modules: ``from dlnlp.vectors import word2vec, glove``, then
``word2vec.train(...)`` and ``glove.train(...)``; ``python -m dlnlp.vectors.word2vec --help``.
"""

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
