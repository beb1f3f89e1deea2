"""Where code runs and how big a run is.

Every chapter starts with::

    device = dlnlp.device.best()      # cuda, then mps, then cpu
    dlnlp.device.seed(0)              # python, numpy and torch in one call
    P = dlnlp.device.profile()        # sizes corpora and epochs for this machine

The same cells then train on a Colab GPU (profile ``gpu-full``) and on the
2-core CPU that builds the website (profile ``cpu-quick``).  Set the environment
variable ``DLNLP_PROFILE`` to force one, e.g. to try the full run on a CPU.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass

import numpy as np
import torch

PROFILE_ENV = "DLNLP_PROFILE"


def best() -> torch.device:
    """The fastest device present: CUDA, then Apple's MPS, then the CPU."""
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def seed(value: int = 0) -> None:
    """Seed Python's ``random``, NumPy's global generator and torch (all devices)."""
    random.seed(value)
    np.random.seed(value)
    torch.manual_seed(value)  # also seeds every CUDA device


@dataclass(frozen=True)
class Profile:
    """How much work a notebook does.

    Attributes:
        name: ``"cpu-quick"`` or ``"gpu-full"``.
        corpus_words: how many tokens of a training corpus to use (``None``: all of it).
        epochs: passes over the data for the main training runs.
        dim: embedding / hidden size of the main models.
        batch_size: examples per SGD step.
    """

    name: str
    corpus_words: int | None
    epochs: int
    dim: int
    batch_size: int


PROFILES = {
    "cpu-quick": Profile("cpu-quick", corpus_words=1_000_000, epochs=3, dim=50, batch_size=512),
    "gpu-full": Profile("gpu-full", corpus_words=None, epochs=5, dim=100, batch_size=4096),
}


def profile(device: torch.device | None = None) -> Profile:
    """The profile for ``device`` (default: :func:`best`), or the one ``$DLNLP_PROFILE`` names."""
    forced = os.environ.get(PROFILE_ENV)
    if forced:
        if forced not in PROFILES:
            raise ValueError(
                f"{PROFILE_ENV}={forced!r} is not a profile; use one of {sorted(PROFILES)} "
                f"or unset it to choose by device."
            )
        return PROFILES[forced]
    device = device if device is not None else best()
    return PROFILES["gpu-full" if device.type == "cuda" else "cpu-quick"]
