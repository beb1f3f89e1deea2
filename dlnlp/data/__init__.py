"""Datasets for the book: a registry, verified cached downloads with offline fallbacks, loaders
and a vocabulary.

>>> from dlnlp import data
>>> data.words("text8", max_words=5)      # doctest: +SKIP
['anarchism', 'originated', 'as', 'a', 'term']

Environment: ``DLNLP_DATA`` (cache dir), ``DLNLP_MIRROR`` (folder laid out like shared/data),
``DLNLP_OFFLINE=1`` (never use the network), ``DLNLP_TRUST_UNVERIFIED=1`` (allow downloads that
have no known checksum).
"""

from dlnlp.data.fetch import (
    ChecksumError,
    DataUnavailable,
    cache_dir,
    fetch,
    last_source,
    mirror_dir,
)
from dlnlp.data.loaders import analogies, conll, sentences, similarity_pairs, words
from dlnlp.data.registry import REGISTRY, Dataset
from dlnlp.data.vocab import Vocab, subsample, tokenize

__all__ = [
    "REGISTRY",
    "ChecksumError",
    "DataUnavailable",
    "Dataset",
    "Vocab",
    "analogies",
    "cache_dir",
    "conll",
    "fetch",
    "last_source",
    "mirror_dir",
    "sentences",
    "similarity_pairs",
    "subsample",
    "tokenize",
    "words",
]
