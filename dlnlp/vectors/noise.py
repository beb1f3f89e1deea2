"""The noise distribution of negative sampling and a fast sampler for it.

Negative sampling draws its K "noise" words from the unigram distribution raised to the 3/4
power, P_n(w) = U(w)^{3/4} / Z (Mikolov et al. 2013b): the power lifts rare words a little
relative to frequent ones. The sampler uses Walker's alias method (Walker 1977, in Vose's
form): after an O(V) set-up, each draw costs one uniform integer, one uniform real and a
comparison, whatever V is -- on any torch device.
"""

from __future__ import annotations

import numpy as np
import torch


def noise_distribution(counts, power: float = 0.75) -> np.ndarray:
    """P_n(w) = counts[w]^power / Z, shape (V,), float64. Words with count 0 get probability 0."""
    weights = np.asarray(counts, dtype=np.float64) ** power
    if weights.ndim != 1 or not weights.sum() > 0:
        raise ValueError("the noise distribution needs a (V,) array of counts, not all zero")
    return weights / weights.sum()


def alias_table(p) -> tuple[np.ndarray, np.ndarray]:
    """Walker's alias table of a distribution ``p`` (V,): ``(accept, alias)``, both (V,).

    Draw i uniformly from 0..V-1 and u uniformly from [0, 1): the sample is i if
    u < accept[i], else alias[i]. Each of the V columns holds probability mass 1/V, made of
    part of word i's mass and, topping it up, part of one heavier word's mass.
    """
    p = np.asarray(p, dtype=np.float64)
    V = p.shape[0]
    scaled = p * V  # column i must hold mass 1 in these units
    accept = np.ones(V)
    alias = np.arange(V)
    small = [i for i in range(V) if scaled[i] < 1.0]
    large = [i for i in range(V) if scaled[i] >= 1.0]
    while small and large:
        s, g = small.pop(), large.pop()
        accept[s], alias[s] = scaled[s], g  # column s: s's own mass, the rest from g
        scaled[g] -= 1.0 - scaled[s]
        (small if scaled[g] < 1.0 else large).append(g)
    return accept, alias  # columns left over (rounding) keep accept = 1


class NoiseSampler:
    """Draws noise words from P_n(w) = counts[w]^power / Z on ``device``.

    >>> sample = NoiseSampler(counts)             # doctest: +SKIP
    >>> sample((4096, 5), generator)              # (4096, 5) int64 word ids
    """

    def __init__(self, counts, power: float = 0.75, device: str | torch.device = "cpu") -> None:
        self.p = noise_distribution(counts, power)
        accept, alias = alias_table(self.p)
        self.accept = torch.as_tensor(accept, dtype=torch.float32, device=device)
        self.alias = torch.as_tensor(alias, dtype=torch.int64, device=device)

    def __call__(self, shape, generator: torch.Generator | None = None) -> torch.Tensor:
        """Word ids of the given shape, int64, on the sampler's device."""
        device, V = self.alias.device, self.alias.shape[0]
        column = torch.randint(V, shape, generator=generator, device=device).view(-1)
        u = torch.rand(shape, generator=generator, device=device).view(-1)
        accepted = u < self.accept.index_select(0, column)  # index_select: faster than [column]
        return torch.where(accepted, column, self.alias.index_select(0, column)).view(shape)
