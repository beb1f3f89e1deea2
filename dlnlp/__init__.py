"""dlnlp: the library behind the Deep Learning for NLP course-book.

Modules are named after the lectures: ``device`` (where code runs, how big a run is),
``data`` (datasets, vocabulary), ``vectors`` (count-based vectors, word2vec, GloVe), ``nn``
(autograd from scratch, gradient checking, optimisers), ``sequence`` (n-gram and recurrent
language models, RNN/LSTM/GRU cells), ``attention`` (kernel regression, scoring functions,
Transformer blocks) and ``viz`` (figures that work in
JupyterLab, Colab and the static site).
"""

from dlnlp import device

__version__ = "0.1.0"
__all__ = ["device"]
