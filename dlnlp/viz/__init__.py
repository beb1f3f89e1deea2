"""Visualisations that work in JupyterLab, Colab and the static website alike."""

from dlnlp.viz.attention import AttentionView, head_view, model_view
from dlnlp.viz.render import Interactive
from dlnlp.viz.word_space import pca, word_space

__all__ = ["AttentionView", "Interactive", "head_view", "model_view", "pca", "word_space"]
