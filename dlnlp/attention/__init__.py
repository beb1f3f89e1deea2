"""Part IV: attention and the Transformer.

``kernel_regression`` introduces attention as Nadaraya-Watson kernel regression on
y = 2 sin(x) + x^0.8 + ε: queries, keys and values, average pooling against attention pooling,
and a kernel width learned by leave-one-out; ``scoring`` turns scores into weights with a masked
softmax and defines the additive and scaled dot-product scoring functions; ``transformer``
writes out multi-head attention, sinusoidal positional encoding, encoder and decoder blocks
(with the parameter layout of ``torch.nn``, so weights copy both ways) and a decoder-only GPT
language model with ``generate``; ``pretrained`` loads a real BERT-style model (all-MiniLM-L6-v2
by default) into those encoder blocks and reads its attention weights. Import the modules:
``from dlnlp.attention import kernel_regression, scoring, transformer, pretrained``.
"""
