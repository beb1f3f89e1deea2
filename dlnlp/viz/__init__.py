"""Visualisations that work in JupyterLab, Colab and the static website alike."""

from dlnlp.viz.render import Interactive
from dlnlp.viz.word_space import pca, word_space

__all__ = ["Interactive", "pca", "word_space"]
