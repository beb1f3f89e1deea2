"""Small readers that turn fetched files into Python lists. Each calls ``fetch(name)`` first, so
each works offline through the embedded fallbacks (see ``fetch.py``)."""

from __future__ import annotations

from dlnlp.data.fetch import fetch

_CHUNK = 1 << 20


def words(name: str = "text8", max_words: int | None = None) -> list[str]:
    """The corpus as one list of words (whitespace-separated; line breaks are ignored).

    For text8-style corpora (``"text8"``, ``"text8-prefix"``, ``"wiki-sample"``) and any line
    corpus. Reads in chunks and stops after ``max_words`` words when given.
    """
    out: list[str] = []
    rest = ""
    with open(fetch(name), encoding="utf-8") as f:
        while max_words is None or len(out) < max_words:
            chunk = f.read(_CHUNK)
            if not chunk:
                break
            parts = (rest + chunk).split()
            rest = parts.pop() if parts and not chunk[-1].isspace() else ""
            out.extend(parts)
        out.extend(rest.split())
    return out if max_words is None else out[:max_words]


def sentences(name: str, eos: str | None = None) -> list[list[str]]:
    """One list of whitespace-separated tokens per line (``"ptb.*"``, ``"wikitext-2.*"``,
    ``"lee-lm.*"``); a blank line gives an empty list.

    With ``eos`` (e.g. ``"<eos>"``) that token ends every line, as in the published token counts
    (PTB valid: 3,370 lines, 73,760 tokens; WikiText-2 valid: 3,760 lines, 217,646 tokens).
    """
    tail = [eos] if eos else []
    with open(fetch(name), encoding="utf-8") as f:
        return [line.split() + tail for line in f]


def conll(split: str = "train") -> list[list[tuple[str, str]]]:
    """CoNLL-2003 English NER (``split``: train, testa or testb) as sentences of (word, tag).

    Tags are the original IOB1 NER tags (last column); ``-DOCSTART-`` lines are skipped.
    """
    out: list[list[tuple[str, str]]] = []
    sentence: list[tuple[str, str]] = []
    with open(fetch(f"conll2003.{split}"), encoding="utf-8") as f:
        for line in f:
            cols = line.split()
            if cols and cols[0] != "-DOCSTART-":
                sentence.append((cols[0], cols[-1]))
            elif sentence:
                out.append(sentence)
                sentence = []
    return out + [sentence] if sentence else out


def similarity_pairs(name: str = "wordsim353") -> list[tuple[str, str, float]]:
    """Word pairs with their mean human score, ``(word1, word2, score)``, lower-cased.

    ``name``: ``"wordsim353"`` (0-10, relatedness) or ``"simlex999"`` (0-10, similarity).
    """
    out = []
    with open(fetch(name), encoding="utf-8") as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                w1, w2, score = line.split("\t")[:3]
                out.append((w1.lower(), w2.lower(), float(score)))
    return out


def analogies() -> dict[str, list[tuple[str, str, str, str]]]:
    """Google analogy questions "a : b :: c : d", lower-cased, grouped by section.

    Returns ``{section: [(a, b, c, d), ...]}`` with the 14 sections in file order, e.g.
    ``"capital-common-countries"`` starts with ``("athens", "greece", "baghdad", "iraq")``.
    """
    out: dict[str, list[tuple[str, str, str, str]]] = {}
    section: list[tuple[str, str, str, str]] = []
    with open(fetch("questions-words"), encoding="utf-8") as f:
        for line in f:
            if line.startswith(":"):
                section = out.setdefault(line[1:].strip(), [])
            elif line.strip():
                a, b, c, d = line.lower().split()
                section.append((a, b, c, d))
    return out
