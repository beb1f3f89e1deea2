"""Intrinsic evaluation of word vectors: analogies and similarity judgements.

Two standard tests ask the vectors directly, without training a model on top of them:

* **analogies** (Mikolov et al. 2013a): for a question "a is to b as c is to d" the answer is the
  word whose vector is nearest by cosine to  x = u_b - u_a + u_c  (u = unit vectors, "3CosAdd"),
  **with the three input words excluded** -- otherwise the answer is nearly always b or c. The
  Google set has 19,544 questions in 14 sections, five semantic (capitals, currencies, family,
  ...) and nine syntactic ("gram1-adjective-to-adverb", ...; their names start with "gram").
* **similarity**: the Spearman rank correlation between human scores of word pairs
  (WordSim-353, SimLex-999) and the cosines of the pairs' vectors.

Both follow gensim's ``KeyedVectors.evaluate_word_analogies`` and ``evaluate_word_pairs``
(same defaults ``restrict_vocab=300000, case_insensitive=True``): only the first
``restrict_vocab`` words count (sort the vocabulary by frequency, as every trainer here does);
a question or pair with a word outside them is skipped and counted; with ``case_insensitive``
words are compared upper-cased and a word's most frequent spelling stands for it. Gensim answers
one question at a time; here all questions are scored in chunks of matrix products, on any torch
device, and give the same answers (``tests/test_evaluate.py`` checks it).

Vectors can be gensim ``KeyedVectors`` (what :func:`dlnlp.vectors.keyed_vectors` returns) or a
(V, d) array or tensor with its V ``words``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from gensim.models import KeyedVectors
from scipy import stats

# A chunk of questions makes a (chunk, V) score matrix; keep it near this many entries (64 MB).
SCORES_PER_CHUNK = 1 << 24

Question = tuple[str, str, str, str]


# ----------------------------------------------------------------------------- input


def _matrix(vectors, words: Sequence[str] | None) -> tuple[torch.Tensor, list[str]]:
    """The (V, d) float32 CPU tensor and the V words of ``vectors``, checked."""
    if isinstance(vectors, KeyedVectors):
        if words is not None:
            raise ValueError("pass words only with a raw matrix; KeyedVectors carry their own")
        matrix, words = vectors.vectors, list(vectors.index_to_key)
    elif words is None:
        raise ValueError("a raw (V, d) matrix needs its words: pass words=[...] (V of them)")
    else:
        matrix, words = vectors, list(words)
    if isinstance(matrix, torch.Tensor):
        matrix = matrix.detach().to("cpu", torch.float32)
    else:
        matrix = torch.from_numpy(np.asarray(matrix, dtype=np.float32))
    if matrix.ndim != 2:
        raise ValueError(f"vectors must be a (V, d) matrix, got shape {tuple(matrix.shape)}")
    if matrix.shape[0] == 0 or matrix.shape[1] == 0:
        raise ValueError(f"vectors are empty (shape {tuple(matrix.shape)}): nothing to evaluate")
    if matrix.shape[0] != len(words):
        raise ValueError(
            f"vectors has {matrix.shape[0]} rows but there are {len(words)} words; "
            "expected one row per word"
        )
    if not torch.isfinite(matrix).all():
        bad = int((~torch.isfinite(matrix)).any(dim=1).sum())
        raise ValueError(
            f"{bad} word vector(s) contain NaN or inf (did training diverge?); "
            "evaluate finite vectors only"
        )
    return matrix, words


def _vocabulary(words: list[str], restrict_vocab: int | None, case_insensitive: bool):
    """Gensim's ``ok_vocab``: key -> row among the first R words, the first spelling winning.

    Returns ``(ok, canonical)``: ``ok`` maps a (folded) word to its row; ``canonical`` (R,)
    holds, for each row r < R, the row that stands for r's folded word (r itself unless an
    earlier row spells the same word in another case).
    """
    if restrict_vocab is not None and restrict_vocab < 1:
        raise ValueError(f"restrict_vocab must be at least 1 (or None), got {restrict_vocab}")
    R = len(words) if restrict_vocab is None else min(restrict_vocab, len(words))
    fold = str.upper if case_insensitive else str
    ok: dict[str, int] = {}
    canonical = np.empty(R, dtype=np.int64)
    for r in range(R):
        canonical[r] = ok.setdefault(fold(words[r]), r)
    return ok, canonical


def _unit(matrix: torch.Tensor) -> torch.Tensor:
    """Rows scaled to length 1; an all-zero row stays zero (cosine 0 with everything)."""
    norms = torch.linalg.vector_norm(matrix, dim=1, keepdim=True)
    return matrix / torch.where(norms > 0, norms, torch.ones_like(norms))


def _source(source, kind: str, example: str) -> Path:
    """A dataset name of the registry (fetched, verified, cached) or an existing file path."""
    from dlnlp.data import REGISTRY, fetch

    if isinstance(source, str) and source in REGISTRY:
        return fetch(source)
    if not isinstance(source, str | os.PathLike):
        raise TypeError(
            f"{kind} must be a dataset name, a file path or a list of tuples, got "
            f"{type(source).__name__}"
        )
    path = Path(source)
    if not path.is_file():
        raise FileNotFoundError(
            f"{kind} file {str(path)!r} does not exist: pass a path to a file or a dataset name "
            f"such as {example!r}"
        )
    return path


def read_analogies(path: str | os.PathLike) -> dict[str, list[Question]]:
    """Read an analogy file as gensim does: ``": name"`` lines start sections, every other line
    with exactly four words is a question (others are skipped). Words keep their case.

    Returns ``{section: [(a, b, c, d), ...]}`` in file order.
    """
    sections: dict[str, list[Question]] = {}
    current: list[Question] | None = None
    with open(path, encoding="utf-8") as f:
        for line_no, line in enumerate(f):
            if line.startswith(": "):
                current = sections.setdefault(line.lstrip(": ").strip(), [])
                continue
            if current is None:
                raise ValueError(f"missing section header before line #{line_no} in {path}")
            parts = line.split()
            if len(parts) == 4:
                current.append(tuple(parts))
    return sections


def read_pairs(path: str | os.PathLike, delimiter: str = "\t") -> list[tuple[str, str, float]]:
    """Read a word-pair file as gensim does: ``#`` lines are comments; every other line must be
    ``word1<delimiter>word2<delimiter>score`` (others are skipped). Words keep their case."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            parts = line.split(delimiter)
            try:
                a, b, score = parts
                out.append((a, b, float(score)))
            except ValueError:
                continue
    return out


# ----------------------------------------------------------------------------- analogies


@dataclass
class AnalogySection:
    """One section's score: ``correct`` of ``evaluated`` questions; ``skipped`` had a word
    outside the vocabulary (with ``dummy4unknown`` they count as evaluated and wrong)."""

    name: str
    correct: int
    evaluated: int
    skipped: int

    @property
    def kind(self) -> str:
        """``"syntactic"`` for the Google file's ``gram*`` sections, else ``"semantic"``."""
        return "syntactic" if self.name.startswith("gram") else "semantic"

    @property
    def accuracy(self) -> float:
        """correct / evaluated; NaN when nothing was evaluated (gensim reports 0.0 there)."""
        return self.correct / self.evaluated if self.evaluated else math.nan


@dataclass
class AnalogyResult:
    """What :func:`evaluate_analogies` returns.

    Attributes:
        sections: per-section counts, in file order.
        questions: ``{section: [(a, b, c, d), ...]}`` as read.
        predictions: ``{section: [word or None, ...]}`` aligned with ``questions``: the
            predicted d (a word of the vocabulary as spelled there), None for skipped questions.
    """

    sections: list[AnalogySection]
    questions: dict[str, list[Question]] = field(repr=False)
    predictions: dict[str, list[str | None]] = field(repr=False)

    def accuracy(self, kind: str | None = None) -> float:
        """Pooled accuracy (all correct / all evaluated) over the sections of one ``kind``
        (``"semantic"`` or ``"syntactic"``), or over all of them (``None``: gensim's total)."""
        if kind not in (None, "semantic", "syntactic"):
            raise ValueError(f"kind must be 'semantic', 'syntactic' or None, got {kind!r}")
        chosen = [s for s in self.sections if kind is None or s.kind == kind]
        evaluated = sum(s.evaluated for s in chosen)
        return sum(s.correct for s in chosen) / evaluated if evaluated else math.nan

    @property
    def semantic(self) -> float:
        return self.accuracy("semantic")

    @property
    def syntactic(self) -> float:
        return self.accuracy("syntactic")

    @property
    def total(self) -> float:
        return self.accuracy()

    @property
    def oov_fraction(self) -> float:
        """Share of questions that had a word outside the vocabulary (gensim logs it in %)."""
        n = sum(len(q) for q in self.questions.values())
        return sum(s.skipped for s in self.sections) / n if n else math.nan

    def summary(self) -> dict[str, float]:
        """``{"semantic", "syntactic", "total"}`` accuracies."""
        return {"semantic": self.semantic, "syntactic": self.syntactic, "total": self.total}

    def to_frame(self):
        """A pandas DataFrame: one row per section, then the semantic, syntactic and total rows;
        columns kind, correct, evaluated, skipped, accuracy."""
        import pandas as pd

        rows = [
            (s.name, s.kind, s.correct, s.evaluated, s.skipped, s.accuracy) for s in self.sections
        ]
        for kind in ("semantic", "syntactic", None):
            chosen = [s for s in self.sections if kind is None or s.kind == kind]
            rows.append(
                (
                    kind or "total",
                    kind or "all",
                    sum(s.correct for s in chosen),
                    sum(s.evaluated for s in chosen),
                    sum(s.skipped for s in chosen),
                    self.accuracy(kind),
                )
            )
        columns = ["section", "kind", "correct", "evaluated", "skipped", "accuracy"]
        return pd.DataFrame(rows, columns=columns).set_index("section")


def _analogy_questions(questions) -> dict[str, list[Question]]:
    if isinstance(questions, Mapping):
        out = {str(name): [tuple(q) for q in qs] for name, qs in questions.items()}
        bad = [q for qs in out.values() for q in qs if len(q) != 4]
        if bad:
            raise ValueError(f"an analogy question has four words (a, b, c, d), got {bad[0]}")
        return out
    path = _source(questions, "questions", "questions-words")
    return read_analogies(path)


def _best(
    unit: torch.Tensor,
    abc: torch.Tensor,
    variants: tuple[torch.Tensor, torch.Tensor] | None,
    exclude_inputs: bool,
    chunk_size: int,
    topn: int = 1,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Top-``topn`` rows of ``unit`` (R, d) by cosine to u_b - u_a + u_c for each row (a, b, c)
    of ``abc`` (Q, 3), chunk by chunk. With ``exclude_inputs`` the three words are ruled out,
    in every spelling: ``variants`` = (rows (W,), the row each of them is a spelling of (W,)).
    Returns the (Q, topn) rows and their cosines."""
    rows, cosines = [], []
    for start in range(0, abc.shape[0], chunk_size):
        a, b, c = abc[start : start + chunk_size].unbind(1)  # (q,) each
        x = unit[b] - unit[a] + unit[c]  # (q, d)
        x = x / torch.linalg.vector_norm(x, dim=1, keepdim=True).clamp_min(1e-30)
        scores = x @ unit.T  # (q, R): cosines
        if exclude_inputs:
            inputs = torch.stack([a, b, c], dim=1)  # (q, 3)
            scores.scatter_(1, inputs, -math.inf)
            if variants is not None:  # other spellings of the input words
                where, of = variants
                same = (of[None, None, :] == inputs[:, :, None]).any(dim=1)  # (q, W)
                scores[:, where] = scores[:, where].masked_fill(same, -math.inf)
        top = scores.topk(topn, dim=1)
        rows.append(top.indices)
        cosines.append(top.values)
    return torch.cat(rows), torch.cat(cosines)


def _variants(canonical: np.ndarray, device) -> tuple[torch.Tensor, torch.Tensor] | None:
    """The rows that are other spellings of an earlier row, and that row; None if there are none."""
    where = np.flatnonzero(canonical != np.arange(canonical.shape[0]))
    if where.size == 0:
        return None
    return torch.from_numpy(where).to(device), torch.from_numpy(canonical[where]).to(device)


def evaluate_analogies(
    vectors: KeyedVectors | np.ndarray | torch.Tensor,
    questions: str | os.PathLike | Mapping[str, Sequence[Question]] = "questions-words",
    *,
    words: Sequence[str] | None = None,
    restrict_vocab: int | None = 300_000,
    case_insensitive: bool = True,
    dummy4unknown: bool = False,
    exclude_inputs: bool = True,
    device: str | torch.device = "cpu",
    chunk_size: int | None = None,
) -> AnalogyResult:
    """Answer every analogy question a : b :: c : ? by 3CosAdd and score the answers.

    The predicted d is the row r < R = restrict_vocab (a word) that maximises
    cos(u_r, u_b - u_a + u_c), u being unit-length vectors; with ``exclude_inputs`` (the
    standard, and gensim's only choice) a, b and c themselves cannot be the answer.

    Args:
        vectors: gensim ``KeyedVectors``, or a (V, d) array/tensor with ``words``; rows sorted
            by falling frequency, so the first R are the R most frequent words.
        questions: a dataset name (default ``"questions-words"``, the Google set, fetched with
            :func:`dlnlp.data.fetch`), a file path in that format, or ``{section: [(a, b, c, d),
            ...]}`` such as :func:`dlnlp.data.analogies` returns.
        words: the V words of a raw matrix.
        restrict_vocab: R; questions with any word outside the first R words are skipped.
            None: the whole vocabulary.
        case_insensitive: compare words upper-cased; a word's first (most frequent) spelling
            stands for all its spellings.
        dummy4unknown: count skipped questions as answered wrongly instead of leaving them out.
        exclude_inputs: rule out a, b and c as answers. ``False`` shows why the rule exists.
        device: where the (chunk, R) score matrices are computed, e.g. ``"cuda"``.
        chunk_size: questions per matrix product (default: as many as keep the chunk's scores
            near 2^24 numbers).

    Returns an :class:`AnalogyResult`: per-section counts, semantic / syntactic / total accuracy.

    Differences from gensim: a section with no evaluated question has accuracy NaN (gensim: 0);
    gensim looks for the first allowed word among the 5 nearest only, so it can differ when five
    other spellings of the input words (say "Paris", "PARIS", ...) are nearer than any other word.
    """
    matrix, keys = _matrix(vectors, words)
    sections = _analogy_questions(questions)
    n_questions = sum(len(qs) for qs in sections.values())
    if n_questions == 0:
        raise ValueError("no analogy questions to evaluate (every line was a header or invalid)")
    ok, canonical = _vocabulary(keys, restrict_vocab, case_insensitive)
    fold = str.upper if case_insensitive else str
    device = torch.device(device)
    R = canonical.shape[0]
    unit = _unit(matrix[:R]).to(device)
    variants = _variants(canonical, device)
    if chunk_size is not None and chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
    chunk_size = chunk_size or max(1, SCORES_PER_CHUNK // R)

    # Which questions can be asked: all four words among the first R.
    abcd, where = [], []  # rows of (a, b, c, d); (section, position) of each
    for name, qs in sections.items():
        for k, q in enumerate(qs):
            idx = [ok.get(fold(w)) for w in q]
            if None not in idx:
                abcd.append(idx)
                where.append((name, k))
    predictions: dict[str, list[str | None]] = {n: [None] * len(qs) for n, qs in sections.items()}
    correct = dict.fromkeys(sections, 0)
    if abcd:
        abcd_t = torch.tensor(abcd, dtype=torch.int64, device=device)
        best, _ = _best(unit, abcd_t[:, :3], variants, exclude_inputs, chunk_size)
        best = best[:, 0]
        predicted = torch.from_numpy(canonical).to(device)[best]  # the row standing for it
        hits = (predicted == abcd_t[:, 3]).cpu().numpy()
        for (name, k), row, hit in zip(where, best.cpu().tolist(), hits):
            predictions[name][k] = keys[row]
            correct[name] += int(hit)
    asked = dict.fromkeys(sections, 0)
    for name, _ in where:
        asked[name] += 1
    results = []
    for name, qs in sections.items():
        skipped = len(qs) - asked[name]
        evaluated = asked[name] + (skipped if dummy4unknown else 0)
        results.append(AnalogySection(name, correct[name], evaluated, skipped))
    return AnalogyResult(results, sections, predictions)


def solve_analogy(
    vectors: KeyedVectors | np.ndarray | torch.Tensor,
    a: str,
    b: str,
    c: str,
    *,
    words: Sequence[str] | None = None,
    topn: int = 5,
    exclude_inputs: bool = True,
    restrict_vocab: int | None = 300_000,
    case_insensitive: bool = True,
) -> list[tuple[str, float]]:
    """The ``topn`` answers to a : b :: c : ? by 3CosAdd, best first, as (word, cosine) pairs.

    Same rule as :func:`evaluate_analogies` (``exclude_inputs=False`` lets a, b and c win).
    Raises ``KeyError`` naming any of a, b, c outside the first ``restrict_vocab`` words.
    """
    matrix, keys = _matrix(vectors, words)
    ok, canonical = _vocabulary(keys, restrict_vocab, case_insensitive)
    fold = str.upper if case_insensitive else str
    missing = [w for w in (a, b, c) if fold(w) not in ok]
    if missing:
        raise KeyError(f"not among the first {len(canonical)} words: {', '.join(missing)}")
    if topn < 1:
        raise ValueError(f"topn must be at least 1, got {topn}")
    abc = torch.tensor([[ok[fold(a)], ok[fold(b)], ok[fold(c)]]])
    unit = _unit(matrix[: len(canonical)])
    variants = _variants(canonical, "cpu")
    rows, cosines = _best(unit, abc, variants, exclude_inputs, 1, min(topn, len(canonical)))
    ranked = zip(rows[0].tolist(), cosines[0].tolist())
    return [(keys[r], s) for r, s in ranked if s != -math.inf]  # -inf: an excluded input word


# ----------------------------------------------------------------------------- similarity


@dataclass
class SimilarityResult:
    """What :func:`evaluate_similarity` returns.

    Attributes:
        pairs: the evaluated pairs as ``(word1, word2, human, model)``: the human score and the
            cosine of the two vectors (0.0 for out-of-vocabulary pairs with ``dummy4unknown``).
        oov: the pairs with a word outside the vocabulary, ``(word1, word2, human)``.
        spearman: Spearman's rank correlation ρ between the human scores and the cosines.
        pearson: Pearson's linear correlation r between them.
        n_judged: how many pairs the data set has (valid lines).
    """

    pairs: list[tuple[str, str, float, float]]
    oov: list[tuple[str, str, float]]
    spearman: float
    pearson: float
    n_judged: int

    @property
    def oov_fraction(self) -> float:
        """Share of all pairs with a word outside the vocabulary (gensim returns it in %)."""
        return len(self.oov) / self.n_judged

    def to_frame(self):
        """A pandas DataFrame of the evaluated pairs: word1, word2, human, model."""
        import pandas as pd

        return pd.DataFrame(self.pairs, columns=["word1", "word2", "human", "model"])


def _pairs(pairs, delimiter: str) -> list[tuple[str, str, float]]:
    if isinstance(pairs, str | os.PathLike):
        return read_pairs(_source(pairs, "pairs", "wordsim353"), delimiter)
    try:
        return [(str(a), str(b), float(s)) for a, b, s in pairs]
    except (TypeError, ValueError):
        raise ValueError(
            "pairs must be a dataset name, a file path, or (word1, word2, score) tuples"
        ) from None


def evaluate_similarity(
    vectors: KeyedVectors | np.ndarray | torch.Tensor,
    pairs: str | os.PathLike | Sequence[tuple[str, str, float]] = "wordsim353",
    *,
    words: Sequence[str] | None = None,
    restrict_vocab: int | None = 300_000,
    case_insensitive: bool = True,
    dummy4unknown: bool = False,
    delimiter: str = "\t",
) -> SimilarityResult:
    """Correlate the cosines of word pairs with human similarity scores.

    Args:
        vectors: gensim ``KeyedVectors``, or a (V, d) array/tensor with ``words``.
        pairs: a dataset name (``"wordsim353"``, ``"simlex999"``), a file of
            ``word1<TAB>word2<TAB>score`` lines, or (word1, word2, score) tuples such as
            :func:`dlnlp.data.similarity_pairs` returns.
        restrict_vocab, case_insensitive: as in :func:`evaluate_analogies`.
        dummy4unknown: give out-of-vocabulary pairs cosine 0.0 instead of skipping them.
        delimiter: column separator of a pairs file.

    Returns a :class:`SimilarityResult` with the pairs, Spearman's ρ and Pearson's r. Raises
    ``ValueError`` when no pair has both words in the vocabulary.
    """
    matrix, keys = _matrix(vectors, words)
    judged = _pairs(pairs, delimiter)
    if not judged:
        raise ValueError("no word pairs to evaluate (every line was a comment or invalid)")
    ok, _ = _vocabulary(keys, restrict_vocab, case_insensitive)
    fold = str.upper if case_insensitive else str
    inside = [fold(a) in ok and fold(b) in ok for a, b, _ in judged]
    known = [p for p, k in zip(judged, inside) if k]
    oov = [p for p, k in zip(judged, inside) if not k]
    if not known and not dummy4unknown:
        raise ValueError(
            f"none of the {len(judged)} pairs has both words among the first "
            f"{min(restrict_vocab or len(keys), len(keys))} words of the vectors"
        )
    # Cosines of all known pairs at once, in float64: (P, d) rows dotted row by row.
    i = torch.tensor([ok[fold(a)] for a, _, _ in known], dtype=torch.int64)
    j = torch.tensor([ok[fold(b)] for _, b, _ in known], dtype=torch.int64)
    cosine = (_unit(matrix[i].double()) * _unit(matrix[j].double())).sum(dim=1).tolist()
    model = iter(cosine)
    scored = [
        (a, b, s, next(model) if k else 0.0)
        for (a, b, s), k in zip(judged, inside)
        if k or dummy4unknown
    ]
    human = [p[2] for p in scored]
    cos = [p[3] for p in scored]
    spearman = float(stats.spearmanr(human, cos)[0]) if len(scored) > 1 else math.nan
    pearson = float(stats.pearsonr(human, cos)[0]) if len(scored) > 1 else math.nan
    return SimilarityResult(scored, oov, spearman, pearson, len(judged))


# ----------------------------------------------------------------------------- both


def evaluate_all(
    vectors: KeyedVectors | np.ndarray | torch.Tensor,
    *,
    words: Sequence[str] | None = None,
    restrict_vocab: int | None = 300_000,
    device: str | torch.device = "cpu",
) -> dict[str, float]:
    """The row of a comparison table: Google analogy accuracy (semantic, syntactic, total)
    and Spearman's ρ on WordSim-353 and SimLex-999, with the defaults above."""
    analogies = evaluate_analogies(
        vectors, words=words, restrict_vocab=restrict_vocab, device=device
    )
    row = analogies.summary()
    for column, name in [("WS353", "wordsim353"), ("SimLex", "simlex999")]:
        row[column] = evaluate_similarity(
            vectors, name, words=words, restrict_vocab=restrict_vocab
        ).spearman
    return row
