"""Neural networks and backpropagation (Part II), built from scratch to be compared with torch.

``autograd`` is a tiny engine: a scalar :class:`~dlnlp.nn.autograd.Value`, then a NumPy
:class:`~dlnlp.nn.autograd.Tensor` with enough operations (matmul, broadcasting, embeddings'
rows, log-softmax, cross-entropy) to train a small network; ``gradcheck`` compares any gradient
with central finite differences and reports the largest relative error, where it is, and the
entries that sit on a kink; ``optim`` has SGD, momentum, Adagrad, RMSprop and Adam, each making
the same steps as ``torch.optim``, and learning-rate schedules as plain functions;
``window_ner`` is the window classifier for named entities (in torch) with CoNLL's entity-level
F1. Import the modules: ``from dlnlp.nn import autograd, gradcheck, optim, window_ner``.
"""
