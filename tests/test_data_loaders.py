"""Loaders on real data: the shared mirror where present, gensim's files, the embedded defaults."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dlnlp.data import analogies, conll, fetch, last_source, sentences, similarity_pairs, words

SHARED = Path(os.environ.get("DLNLP_SHARED_DATA") or Path(__file__).parents[1] / "../shared/data")
GOOGLE_SECTIONS = [
    "capital-common-countries",
    "capital-world",
    "currency",
    "city-in-state",
    "family",
    "gram1-adjective-to-adverb",
    "gram2-opposite",
    "gram3-comparative",
    "gram4-superlative",
    "gram5-present-participle",
    "gram6-nationality-adjective",
    "gram7-past-tense",
    "gram8-plural",
    "gram9-plural-verbs",
]


@pytest.fixture(scope="session", autouse=True)
def data_home(tmp_path_factory):
    """One offline cache for the whole session, so the embedded wiki sample is built once."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DLNLP_DATA", str(tmp_path_factory.mktemp("dlnlp-data")))
        mp.setenv("DLNLP_OFFLINE", "1")
        if SHARED.is_dir():
            mp.setenv("DLNLP_MIRROR", str(SHARED))
        else:
            mp.delenv("DLNLP_MIRROR", raising=False)
        yield


@pytest.fixture(scope="session")
def wiki() -> list[str]:
    return words("wiki-sample")


def test_conll_train_counts():
    if not SHARED.is_dir():
        pytest.skip(f"shared data not found at {SHARED} (set DLNLP_SHARED_DATA)")
    train = conll("train")
    assert len(train) == 14_041 and sum(map(len, train)) == 203_621
    assert train[0][:2] == [("EU", "I-ORG"), ("rejects", "O")]
    assert all(word != "-DOCSTART-" for sent in train for word, _ in sent)


def test_similarity_pairs():
    ws = similarity_pairs("wordsim353")
    assert ("tiger", "cat", 7.35) in ws and len(ws) == 353
    simlex = similarity_pairs("simlex999")
    assert len(simlex) == 999 and ("old", "new", 1.58) in simlex


def test_analogies():
    sections = analogies()
    assert list(sections) == GOOGLE_SECTIONS
    assert sections["capital-common-countries"][0] == ("athens", "greece", "baghdad", "iraq")
    assert sum(map(len, sections.values())) == 19_544


def test_wiki_sample(wiki):
    assert len(wiki) > 400_000 and "anarchism" in wiki
    assert wiki[:3] == ["anarchism", "is", "a"]
    assert all(w.islower() and w.isalpha() for w in wiki[:10_000])
    assert words("wiki-sample", max_words=1000) == wiki[:1000]
    assert fetch("wiki-sample").read_text().split() == wiki  # chunked reading keeps words whole


def test_text8_falls_back_to_wiki_sample_offline(wiki, capsys, monkeypatch, tmp_path):
    monkeypatch.delenv("DLNLP_MIRROR", raising=False)
    monkeypatch.setenv("DLNLP_DATA", str(tmp_path))  # no text8-prefix cached from a mirror
    assert words("text8", max_words=50) == wiki[:50]
    assert last_source["text8"] == "embedded"
    assert "wiki" in capsys.readouterr().out.lower()


def test_lee_lm_fallback_is_ptb_style(monkeypatch):
    monkeypatch.delenv("DLNLP_MIRROR", raising=False)
    valid = sentences("ptb.valid")
    assert last_source["ptb.valid"] == "embedded"
    assert valid == sentences("lee-lm.valid")
    train = sentences("lee-lm.train")
    vocab = {w for s in train for w in s}
    tokens = [w for s in valid for w in s]
    assert "N" in vocab and "<unk>" in tokens and all(w in vocab or w == "<unk>" for w in tokens)
    assert all(w == "N" or w == "<unk>" or w == w.lower() for w in vocab)
    # 299 documents split 239/30/30 in file order, then into sentences
    assert [len(train), len(valid), len(sentences("lee-lm.test"))] == [2083, 297, 239]
    assert all(train)


def test_sentences_with_eos_from_mirror():
    if not SHARED.is_dir():
        pytest.skip(f"shared data not found at {SHARED} (set DLNLP_SHARED_DATA)")
    test = sentences("ptb.test", eos="<eos>")
    assert len(test) == 3_761 and sum(map(len, test)) == 82_430
    assert all(s[-1] == "<eos>" for s in test)
