"""dlnlp.wordnet: NLTK over Debian's WordNet files, the built-in excerpt, and bad input."""

from __future__ import annotations

import contextlib
import io
import re
import sys

import pytest

from dlnlp import wordnet
from dlnlp.data import DataUnavailable

LEXNAME_PREFIX = {"n": "noun.", "v": "verb.", "a": "adj.", "s": "adj.", "r": "adv."}


def chain(synset) -> list[str]:
    """Names from ``synset`` up its first hypernyms to the top."""
    names = [synset.name()]
    while synset.hypernyms():
        synset = synset.hypernyms()[0]
        names.append(synset.name())
    return names


@pytest.fixture(scope="module")
def debian(tmp_path_factory):
    """``load()`` on a machine whose only WordNet is Debian's wordnet-base, and its one line."""
    nltk = pytest.importorskip("nltk", reason="NLTK is not installed (pip install nltk)")
    if not (wordnet.DEBIAN_DIR / "data.noun").is_file():
        pytest.skip(f"no WordNet in {wordnet.DEBIAN_DIR} (apt-get install wordnet-base)")
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("DLNLP_WORDNET", raising=False)
        mp.setenv("DLNLP_OFFLINE", "1")
        mp.setattr(nltk.data, "path", [str(tmp_path_factory.mktemp("empty-nltk-data"))])
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            wn = wordnet.load()
        yield wn, out.getvalue()


def test_load_finds_debian_files(debian):
    wn, printed = debian
    assert printed.count("\n") == 1 and str(wordnet.DEBIAN_DIR) in printed
    assert "WordNet 3.0" in printed
    dog = wn.synset("dog.n.01")
    assert chain(dog)[-1] == "entity.n.01"
    assert all(path[0].name() == "entity.n.01" for path in dog.hypernym_paths())
    assert any("canine.n.02" in [s.name() for s in path] for path in dog.hypernym_paths())


def test_lexicographer_files_match_parts_of_speech(debian):
    """The lexnames table built into dlnlp.wordnet (Debian's files lack it) names the right
    file for one synset of every lexicographer file number that occurs in the database."""
    wn, _ = debian
    assert wn.synset("dog.n.01").lexname() == "noun.animal"
    assert wn.synset("run.v.01").lexname() == "verb.motion"
    seen = {}  # lexicographer file number -> (pos, offset) of its first synset
    for part in ("noun", "verb", "adj", "adv"):
        for line in (wordnet.DEBIAN_DIR / f"data.{part}").read_text(encoding="utf-8").splitlines():
            if not line.startswith(" "):  # the licence header lines start with a space
                offset, number, pos = line.split(maxsplit=3)[:3]
                seen.setdefault(number, (pos, int(offset)))
    assert len(seen) == 45
    for pos, offset in seen.values():
        synset = wn.synset_from_pos_and_offset(pos, offset)
        assert synset.lexname().startswith(LEXNAME_PREFIX[pos]), synset


def word_runs(text: str, n: int = 4) -> set[tuple[str, ...]]:
    """Every run of ``n`` consecutive words in ``text``, lowercased, punctuation dropped."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def test_excerpt_facts_match_wordnet(debian):
    """Synset names, lemma names and links are WordNet's; the definitions are not checked here."""
    wn, _ = debian
    excerpt = wordnet.Excerpt()
    for word, names in excerpt.words.items():
        assert [s.name() for s in wn.synsets(word)] == names, word
    for name, lemmas, hypernyms, hyponyms, _definition in wordnet._SYNSETS:
        real = wn.synset(name)
        assert real.lemma_names() == lemmas.split(), name
        assert sorted(s.name() for s in real.hypernyms()) == hypernyms.split(), name
        if hyponyms is not None:
            assert sorted(s.name() for s in real.hyponyms()) == hyponyms.split(), name


def test_excerpt_definitions_are_not_wordnets_glosses(debian):
    """Each definition in the excerpt is a paraphrase: no run of 4 words from WordNet's gloss."""
    wn, _ = debian
    for name, *_, definition in wordnet._SYNSETS:
        gloss = wn.synset(name).definition()
        assert definition.lower() != gloss.lower(), name
        assert not word_runs(definition) & word_runs(gloss), (name, definition, gloss)


def test_excerpt_definitions_are_short():
    for name, *_, definition in wordnet._SYNSETS:
        assert definition and len(definition.split()) <= 12, (name, definition)


def test_excerpt_when_nltk_is_missing(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "nltk", None)  # `import nltk` now fails
    monkeypatch.delenv("DLNLP_WORDNET", raising=False)
    wn = wordnet.load()
    printed = capsys.readouterr().out
    assert printed.count("\n") == 1
    assert "NLTK is not installed" in printed and "pip install nltk" in printed
    assert "excerpt" in printed

    panda = wn.synsets("panda")[0]
    assert chain(panda)[-1] == "entity.n.01" and len(chain(panda)) > 10
    assert wn.synsets("selfie") == []
    good = wn.synsets("good")
    by_pos = [wn.synsets("good", pos=p) for p in "nar"]
    assert sorted(map(repr, sum(by_pos, []))) == sorted(map(repr, good))
    assert {s.pos() for s in by_pos[1]} == {"a", "s"}

    with pytest.raises(LookupError, match="'zebra' is not in the built-in excerpt.*pip install"):
        wn.synsets("zebra")
    only_named = good[0].hypernyms()[0]  # a hypernym the excerpt names but does not describe
    assert only_named.name()
    with pytest.raises(LookupError, match=f"definition of {only_named.name()}"):
        only_named.definition()


def test_excerpt_when_nltk_finds_nothing_offline(monkeypatch, capsys, tmp_path):
    nltk = pytest.importorskip("nltk", reason="NLTK is not installed (pip install nltk)")
    monkeypatch.delenv("DLNLP_WORDNET", raising=False)
    monkeypatch.setenv("DLNLP_OFFLINE", "1")
    monkeypatch.setattr(nltk.data, "path", [str(tmp_path)])
    monkeypatch.setattr(wordnet, "DEBIAN_DIR", tmp_path / "no-wordnet-here")
    wn = wordnet.load()
    printed = capsys.readouterr().out
    assert isinstance(wn, wordnet.Excerpt)
    assert "DLNLP_OFFLINE=1" in printed and "apt-get install wordnet-base" in printed


def test_bad_dlnlp_wordnet_names_the_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("DLNLP_WORDNET", str(tmp_path))
    with pytest.raises(DataUnavailable, match=f"DLNLP_WORDNET={tmp_path} holds no WordNet"):
        wordnet.load()
