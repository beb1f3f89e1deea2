"""Offline defaults built from data files that the installed gensim package ships.

Names: ``"wiki-sample"`` (a text8-style Wikipedia sample), ``"lee-lm.train"``/``".valid"``/
``".test"`` (a tiny PTB-style LM corpus) and ``"gensim:<file>"`` (a file of
``gensim/test/test_data`` as is). Built lazily, once, under ``<cache>/embedded/``; use them
through ``fetch(name)``.
"""

from __future__ import annotations

import bz2
import os
import re
import tempfile
from pathlib import Path

from dlnlp.data.vocab import Vocab

WIKI_DUMP = "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
LEE = "lee_background.cor"
SPLITS = ("train", "valid", "test")

DESCRIPTIONS = {
    "wiki-sample": "the embedded Wikipedia sample shipped with gensim (106 articles, 469k words)",
    **{
        f"lee-lm.{s}": f"the embedded Lee news corpus shipped with gensim, PTB-style ({s} split)"
        for s in SPLITS
    },
}


def is_embedded(name: str) -> bool:
    """True if ``name`` names an embedded default."""
    return name in DESCRIPTIONS or name.startswith("gensim:")


def describe(name: str) -> str:
    """One phrase that says what the embedded default ``name`` is."""
    if name.startswith("gensim:"):
        return f"the copy of {name[7:]} shipped with gensim"
    return DESCRIPTIONS[name]


def path(name: str, cache: Path) -> Path:
    """Path of the embedded default ``name``, building it under ``cache/embedded`` on first use."""
    if name.startswith("gensim:"):
        return _gensim_file(name[7:])
    if name not in DESCRIPTIONS:
        raise KeyError(f"unknown embedded dataset {name!r}; known: {sorted(DESCRIPTIONS)}")
    out = cache / "embedded" / f"{name}.txt"
    if not out.exists():
        text = _wiki_sample() if name == "wiki-sample" else _lee_lm()[name.split(".")[1]]
        _write_atomic(out, text)
    return out


def _gensim_file(file: str) -> Path:
    from gensim.test.utils import datapath

    p = Path(datapath(file))
    if not p.is_file():
        raise FileNotFoundError(f"the installed gensim has no test data file {file!r} ({p})")
    return p


def _write_atomic(out: Path, text: str) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _wiki_sample() -> str:
    """text8-style text of the articles (>= 50 tokens) in gensim's shortened enwiki dump.

    Tokens come from gensim's ``filter_wiki`` + ``tokenize`` (lower-case, letters only, 1-15
    characters; single letters are kept, as in text8), joined by single spaces on one line.
    """
    from gensim.corpora.wikicorpus import extract_pages, filter_wiki, tokenize

    articles = []
    with bz2.open(_gensim_file(WIKI_DUMP)) as f:
        for _title, text, _pageid in extract_pages(f, filter_namespaces=("0",)):
            tokens = tokenize(filter_wiki(text), token_min_len=1, token_max_len=15, lower=True)
            if len(tokens) >= 50:
                articles.append(" ".join(tokens))
    return " ".join(articles)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_PTB_TOKEN = re.compile(r"[a-z]+(?:['-][a-z]+)*|\d+(?:[.,:]\d+)*")


def _ptb_tokens(sentence: str) -> list[str]:
    """Lower-case words (inner ' and - kept), every number as "N", other punctuation dropped."""
    return ["N" if t[0].isdigit() else t for t in _PTB_TOKEN.findall(sentence.lower())]


def _lee_lm() -> dict[str, str]:
    """gensim's Lee background corpus (299 documents) as PTB-style train/valid/test text.

    Documents are split 80/10/10 in file order, then into sentences on . ! ? (one per line).
    Words outside the 10,000 most frequent training words (``<unk>`` included) become ``<unk>``.
    """
    docs = _gensim_file(LEE).read_text(encoding="utf-8").splitlines()
    cut1, cut2 = int(0.8 * len(docs)), int(0.9 * len(docs))
    parts = dict(zip(SPLITS, (docs[:cut1], docs[cut1:cut2], docs[cut2:]), strict=True))
    sentences = {
        split: [toks for doc in ds for s in _SENTENCE_END.split(doc) if (toks := _ptb_tokens(s))]
        for split, ds in parts.items()
    }
    vocab = Vocab((t for s in sentences["train"] for t in s), max_size=10_000)
    return {
        split: "".join(" " + " ".join(w if w in vocab else "<unk>" for w in s) + " \n" for s in ss)
        for split, ss in sentences.items()
    }
