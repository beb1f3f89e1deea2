import random

import numpy as np
import pytest
import torch

from dlnlp import device


def test_best_is_usable():
    d = device.best()
    assert torch.ones(2, device=d).sum().item() == 2.0
    if torch.cuda.is_available():
        assert d.type == "cuda"


def test_seed_makes_runs_repeatable():
    def draw():
        return random.random(), np.random.rand(), torch.rand(1).item()

    device.seed(3)
    first = draw()
    device.seed(3)
    assert draw() == first


def test_profile_by_device_and_override(monkeypatch):
    monkeypatch.delenv(device.PROFILE_ENV, raising=False)
    assert device.profile(torch.device("cpu")).name == "cpu-quick"
    assert device.profile(torch.device("cuda")).name == "gpu-full"
    assert device.profile(torch.device("cpu")).corpus_words < 10**7
    assert device.profile(torch.device("cuda")).corpus_words is None
    monkeypatch.setenv(device.PROFILE_ENV, "gpu-full")
    assert device.profile(torch.device("cpu")).name == "gpu-full"
    monkeypatch.setenv(device.PROFILE_ENV, "fast")
    with pytest.raises(ValueError, match="cpu-quick"):
        device.profile()
