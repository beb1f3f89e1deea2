"""Part III: language models and recurrent networks.

``ngram`` counts n-gram language models (add-k and interpolated Kneser-Ney smoothing) and measures
their perplexity; ``cells`` writes the RNN, LSTM and GRU cells and their multi-layer stacks by
hand in torch, with the parameter layout of ``torch.nn`` so that weights copy both ways;
``rnn_lm`` puts either kind of recurrent stack between an embedding and a softmax over the
vocabulary; ``train`` cuts a token stream into (T, B) columns and trains such a model with
truncated backpropagation through time and gradient clipping; ``bilm`` trains a forward and a
backward LSTM LM with a shared embedding and softmax and mixes their layers into ELMo vectors.
Import the modules: ``from dlnlp.sequence import ngram, cells, rnn_lm, train, bilm``.
"""
