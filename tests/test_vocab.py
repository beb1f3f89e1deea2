"""tokenize, Vocab and subsample."""

from __future__ import annotations

import numpy as np

from dlnlp.data import Vocab, subsample, tokenize


def test_tokenize_splits_punctuation_and_keeps_inner_apostrophes():
    assert tokenize("Don't stop, A.I.!") == ["don't", "stop", ",", "a", ".", "i", ".", "!"]
    assert tokenize("  Hello\tworld 42nd 'quoted' snake_case ") == [
        "hello",
        "world",
        "42nd",
        "'",
        "quoted",
        "'",
        "snake",
        "_",
        "case",
    ]
    assert tokenize("Café Ünïcode") == ["café", "ünïcode"]


def test_vocab_counts_order_and_unk():
    v = Vocab("c a b a a b".split())
    assert v.itos == ["<unk>", "a", "b", "c"] and v.stoi["<unk>"] == 0
    assert v.counts.dtype == np.int64 and v.counts.tolist() == [0, 3, 2, 1]
    assert len(v) == 4 and v["b"] == 2 and v["zebra"] == 0
    assert "a" in v and "zebra" not in v and list(v) == v.itos


def test_min_count_max_size_and_existing_unk():
    tokens = "c a b a a b d <unk>".split()
    v = Vocab(tokens, min_count=2)
    assert v.itos == ["<unk>", "a", "b"] and v.counts.tolist() == [3, 3, 2]  # c, d, <unk>
    v = Vocab(tokens, max_size=2)
    assert v.itos == ["<unk>", "a"] and v.counts.sum() == len(tokens)


def test_order_is_deterministic_and_counts_give_the_same_vocab():
    tokens = "d b c a a b b c d".split()
    rng = np.random.default_rng(0)
    shuffled = list(rng.permutation(tokens))
    v1, v2 = Vocab(tokens), Vocab(shuffled)
    v3 = Vocab({"a": 2, "b": 3, "c": 2, "d": 2})
    assert v1.itos == v2.itos == v3.itos == ["<unk>", "b", "a", "c", "d"]
    assert v1.counts.tolist() == v3.counts.tolist() == [0, 3, 2, 2, 2]


def test_encode_decode_round_trip():
    v = Vocab("the cat sat on the mat".split())
    ids = v.encode(["the", "dog", "sat"])
    assert ids.dtype == np.int64 and ids.tolist() == [1, 0, v["sat"]]
    assert v.decode(ids) == ["the", "<unk>", "sat"]
    sentence = "the mat sat on the cat".split()
    assert v.decode(v.encode(sentence)) == sentence


def test_subsample_keeps_rare_words_and_drops_frequent_ones_at_the_expected_rate():
    # 1,000,000 tokens: "the" 50,000 times (f = 0.05), 950 words 1,000 times each (f = 1e-3).
    counts = np.array([0, 50_000] + [1_000] * 950, dtype=np.int64)
    ids = np.random.default_rng(1).permutation(np.repeat(np.arange(counts.size), counts))
    t = 1e-3
    kept = subsample(ids, counts, t=t, rng=42)
    per_word = np.bincount(kept, minlength=counts.size)
    assert (per_word[2:] == counts[2:]).all()  # f(w) <= t: always kept
    f = 0.05
    p = np.sqrt(t / f) + t / f  # word2vec C code
    n = counts[1]
    assert abs(per_word[1] - n * p) < 5 * np.sqrt(n * p * (1 - p))
    assert np.array_equal(kept[kept != 1], ids[ids != 1])  # order kept, only "the" dropped
    again = subsample(ids, counts, t=t, rng=42)
    assert np.array_equal(kept, again)
