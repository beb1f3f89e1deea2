"""n-gram language models: distributions, a hand-checked Kneser-Ney model, a reference
implementation from the definitions, and the perplexity of PTB valid."""

from __future__ import annotations

import itertools
import math
import os
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from dlnlp import data
from dlnlp.sequence.ngram import NGramLM

SHARED = Path(os.environ.get("DLNLP_SHARED_DATA") or Path(__file__).parents[1] / "../shared/data")
TINY = "the cat sat <eos> the dog sat <eos>".split()


@pytest.fixture(scope="module")
def ptb(tmp_path_factory):
    """PTB train and valid as token streams: the real files from the shared mirror where present,
    else the embedded fallback. Returns (train, valid, source)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DLNLP_DATA", str(tmp_path_factory.mktemp("dlnlp-data")))
        mp.setenv("DLNLP_OFFLINE", "1")
        if SHARED.is_dir():
            mp.setenv("DLNLP_MIRROR", str(SHARED))
        else:
            mp.delenv("DLNLP_MIRROR", raising=False)
        train, valid = (
            list(itertools.chain.from_iterable(data.sentences(f"ptb.{s}", eos="<eos>")))
            for s in ("train", "valid")
        )
        yield train, valid, data.last_source["ptb.valid"]


def test_hand_checked_bigram_kneser_ney():
    lm = NGramLM(TINY, 2, discount=0.5)
    # Vocabulary: <unk>, then by count: <eos>, sat, the (2 each), cat, dog (1 each).
    assert lm.vocab.itos == ["<unk>", "<eos>", "sat", "the", "cat", "dog"]
    # Unigram continuation counts N1+(. w): the 1 (after <eos>), cat 1, dog 1, <eos> 1 (after
    # sat), sat 2 (after cat and dog), <unk> 0; 6 in all, over 5 words. With D = 1/2:
    # P1(w) = max(N1+(. w) - 1/2, 0) / 6 + (1/2 * 5 / 6) * (1/6).
    p1 = {"sat": 23 / 72, "cat": 11 / 72, "the": 11 / 72, "<unk>": 5 / 72}
    for w, p in p1.items():
        assert lm.prob(w, ["<unk>"]) == pytest.approx(p, rel=1e-12)  # unseen context: back off
    # c(the cat) = 1, c(the) = 2, two words follow "the":
    # P(cat | the) = (1 - 1/2) / 2 + (1/2 * 2 / 2) P1(cat) = 1/4 + 11/144.
    assert lm.prob("cat", ["the"]) == pytest.approx(47 / 144, rel=1e-12)
    assert lm.prob("sat", ["the"]) == pytest.approx(23 / 144, rel=1e-12)  # 1/2 P1(sat)
    # The stream starts after <eos>: P(the | <eos>) = (2 - 1/2) / 2 + (1/2 * 1 / 2) P1(the).
    assert lm.prob("the", []) == pytest.approx(3 / 4 + 11 / 288, rel=1e-12)
    # The estimated discounts n1 / (n1 + 2 n2): unigram continuation counts {1, 1, 1, 1, 2}
    # give 4 / 6, bigram counts {2, 1, 1, 2, 1, 1} give 4 / 8.
    np.testing.assert_allclose(NGramLM(TINY, 2).discounts, [2 / 3, 1 / 2])


def reference_kn(tokens: list[str], n: int, discounts, vocab: list[str]):
    """Interpolated Kneser-Ney straight from the definitions, with Python dicts."""
    padded = ["<eos>"] * (n - 1) + [t if t in vocab else "<unk>" for t in tokens]
    grams = [tuple(padded[i : i + n]) for i in range(len(padded) - n + 1)]
    counts = [defaultdict(float) for _ in range(n + 1)]  # counts[m][(h..., w)], |h| = m - 1
    for g in grams:
        counts[n][g] += 1
    for m in range(n - 1, 0, -1):  # continuation counts: distinct (m+1)-grams ending in the m-gram
        for g in {g[-(m + 1) :] for g in grams}:
            counts[m][g[1:]] += 1

    def prob(h: tuple, w: str) -> float:
        m = len(h) + 1
        lower = 1 / len(vocab) if m == 1 else prob(h[1:], w)
        followers = [c for g, c in counts[m].items() if g[:-1] == h]
        if not followers:
            return lower
        D, total = discounts[m - 1], sum(followers)
        return (max(counts[m].get((*h, w), 0) - D, 0) + D * len(followers) * lower) / total

    return prob


def test_kneser_ney_matches_reference_implementation():
    rng = np.random.default_rng(0)
    words = ["a", "b", "c", "d", "e", "<eos>"]
    tokens = list(rng.choice(words, size=300, p=[0.3, 0.25, 0.2, 0.1, 0.05, 0.1]))
    lm = NGramLM(tokens[:250], 3)
    prob = reference_kn(tokens[:250], 3, lm.discounts, lm.vocab.itos)
    test = tokens[250:] + ["zzz", "a", "b"]  # an unknown word, read as <unk>
    padded = ["<eos>", "<eos>"] + [t if t in lm.vocab else "<unk>" for t in test]
    expected = [math.log(prob(tuple(padded[i : i + 2]), padded[i + 2])) for i in range(len(test))]
    np.testing.assert_allclose(lm.log_probs(test), expected, rtol=1e-12)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
@pytest.mark.parametrize(
    "smoothing, k", [("kn", 1.0), ("add-k", 1.0), ("add-k", 0.1), ("add-k", 0)]
)
def test_distributions_sum_to_one(n, smoothing, k):
    rng = np.random.default_rng(n)
    words = [f"w{i}" for i in range(30)] + ["<eos>"]
    tokens = list(rng.choice(words, size=2000, p=rng.dirichlet(np.ones(len(words)))))
    lm = NGramLM(tokens, n, smoothing=smoothing, k=k, min_count=2)
    for _ in range(20):
        context = list(rng.choice(words + ["unseen"], size=rng.integers(0, n + 1)))
        p = lm.distribution(context)
        assert p.shape == (len(lm.vocab),) and (p >= 0).all()
        assert p.sum() == pytest.approx(1.0, abs=1e-12)


def test_uniform_model_has_perplexity_V():
    words = ["<unk>", "<eos>"] + [f"w{i}" for i in range(48)]  # every word once: V = 50
    rng = np.random.default_rng(0)
    test = list(rng.choice(words, size=500))
    for lm in (NGramLM(words, 1, smoothing="add-k", k=0.3), NGramLM(words, 1, smoothing="kn")):
        np.testing.assert_allclose(lm.distribution(), 1 / 50, rtol=1e-12)
        assert lm.perplexity(test) == pytest.approx(50, rel=1e-12)


def test_unsmoothed_model_gives_unseen_bigrams_probability_zero():
    lm = NGramLM(TINY, 2, smoothing="add-k", k=0)
    assert lm.prob("sat", ["cat"]) == 1.0 and lm.prob("dog", ["cat"]) == 0.0
    assert lm.perplexity(TINY) < math.inf == lm.perplexity(["the", "sat"])


def test_bad_arguments():
    for kw in ({"n": 0}, {"smoothing": "good-turing"}, {"k": -1}, {"discount": 1.0}):
        with pytest.raises(ValueError):
            NGramLM(TINY, **kw)


def test_ptb_valid_perplexity(ptb):
    train, valid, source = ptb
    pp = {n: NGramLM(train, n).perplexity(valid) for n in (1, 2, 3)}
    laplace = NGramLM(train, 3, smoothing="add-k", k=1).perplexity(valid)
    # Real PTB: a trigram KN model is known to land in the 140s-160s; the embedded fallback
    # (a small news corpus) is far sparser.
    low, high = (100, 400) if source != "embedded" else (100, 800)
    assert low < pp[3] < high, (source, pp)
    assert pp[3] < pp[2] < pp[1] and pp[3] < laplace
