"""Named entity recognition by window classification, and entity-level F1 as CoNLL scores it.

Each word is classified from a window of its neighbours: the centre word ± ``m`` words, with
padding tokens beyond the sentence's edges. The window's word vectors are concatenated,

    x = [x_{t-m}; ...; x_t; ...; x_{t+m}] ∈ R^{(2m+1)d},

and fed through one hidden layer, h = f(W x + b), to scores U h + c, one per class. Trained with
softmax cross-entropy (the usual multi-class version), or, for a single score s = uᵀ h, with the
max-margin loss J = max(0, 1 − s + s_c), which pushes the score s of a true window (its centre
is, say, a location) above the score s_c of a corrupted one (its centre is not) by a margin of 1.

The model predicts one class per token: "O" or an entity type (PER, LOC, ORG, MISC), and a
token of type X becomes the tag ``I-X``. Entities are then *chunks* -- maximal spans of tags of
one type -- and are scored as in the CoNLL shared tasks (``conlleval``): an entity counts only if
its type and both boundaries match a gold entity exactly; precision, recall and F1 per type and
over all entities (micro-averaged). :func:`chunks` reads IOB1 (CoNLL-2003's English files: ``B-``
only where an entity directly follows another of the same type), BIO/IOB2 (``B-`` starts every
entity) and IO tags alike.

Typical use::

    from dlnlp import data
    from dlnlp.nn import window_ner as wn

    train, dev = data.conll("train"), data.conll("testa")
    vocab = wn.build_vocab(train)
    Xtr, Xdev = wn.make_windows(train, vocab), wn.make_windows(dev, vocab)
    model = wn.WindowClassifier(len(vocab), n_classes=len(Xtr.classes))
    wn.train(model, Xtr, epochs=3)
    print(wn.evaluate(model, Xdev).table())

Shapes: N windows, n = 2m + 1 positions per window, V = ``len(vocab)``, d word dimensions.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from dlnlp.data.vocab import Vocab

TYPES = ("O", "PER", "LOC", "ORG", "MISC")
"""The classes of CoNLL-2003: outside any entity, then the four entity types."""

CASES = ("<pad>", "lower", "Title", "UPPER", "miXed", "digit")
"""Casing classes of a word (see :func:`casing`); index 0 marks padding."""


# ---------------------------------------------------------------------------------------------
# Words to windows


def casing(word: str) -> int:
    """The casing class of ``word``, an index into :data:`CASES`.

    digit: contains a digit ("1996-08-22", "3:1"); UPPER: letters, all upper-case ("EU", "U.S.");
    Title: first character upper-case, no other ("Paris"); miXed: upper-case elsewhere
    ("McDonald", "iPhone"); lower: everything else, punctuation included.
    """
    if any(ch.isdigit() for ch in word):
        return 5
    if word.isupper() and len(word) > 1:
        return 3
    if word[:1].isupper():
        return 2 if not any(ch.isupper() for ch in word[1:]) else 4
    return 4 if any(ch.isupper() for ch in word) else 1


def entity_type(tag: str) -> str:
    """``"I-LOC"`` and ``"B-LOC"`` → ``"LOC"``; ``"O"`` → ``"O"``."""
    return "O" if tag == "O" else tag.split("-", 1)[-1]


def build_vocab(
    sentences: Iterable[Sequence[tuple[str, str]]],
    *,
    lower: bool = True,
    min_count: int = 2,
    pretrained: Collection[str] | None = None,
) -> Vocab:
    """The word vocabulary of the training sentences (lists of ``(word, tag)``).

    Keeps the words seen at least ``min_count`` times, so that the rarer ones, mapped to
    ``<unk>`` (index 0), train the vector that unseen words get at test time; with
    ``pretrained`` (the words that have pretrained vectors, e.g. ``kv.key_to_index``) it also
    keeps every word that has a pretrained vector. With ``lower`` words are lower-cased first
    (their case then only reaches the model through :func:`casing`). The padding token is not in
    the vocabulary: it is index ``len(vocab)``, the last row of the embedding matrix.
    """
    counts = Counter(w.lower() if lower else w for sent in sentences for w, _ in sent)
    keep = {
        w: c
        for w, c in counts.items()
        if c >= min_count or (pretrained is not None and w in pretrained)
    }
    return Vocab(keep)


@dataclass
class Windows:
    """All windows of a set of sentences: one row per token, sentence by sentence.

    words: (N, 2m+1) int64 word ids; padding is ``pad_id`` (= V), unknown words 0.
    cases: (N, 2m+1) int64 casing classes (:data:`CASES`), 0 on padding.
    labels: (N,) int64 class of each centre word, an index into ``classes``.
    classes: class names; class 0 is "everything else" ("O").
    lengths: tokens per sentence, to cut the N rows back into sentences.
    tokens, tags: the original words and gold tags, one list per sentence.
    """

    words: torch.Tensor
    cases: torch.Tensor
    labels: torch.Tensor
    classes: tuple[str, ...]
    lengths: list[int]
    tokens: list[list[str]] = field(repr=False)
    tags: list[list[str]] = field(repr=False)

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def window(self) -> int:
        """m, the words on each side of the centre."""
        return (self.words.shape[1] - 1) // 2

    def split(self, flat: Sequence) -> list[list]:
        """Cut a sequence of N per-window values into one list per sentence."""
        out, start = [], 0
        for n in self.lengths:
            out.append(list(flat[start : start + n]))
            start += n
        return out


def pad_windows(ids: Sequence[int], m: int, pad_id: int) -> np.ndarray:
    """The (n, 2m+1) windows of one sentence of n ids: row t is ids[t-m .. t+m], with ``pad_id``
    where that reaches past either end of the sentence."""
    padded = np.concatenate(
        [np.full(m, pad_id), np.asarray(ids, dtype=np.int64), np.full(m, pad_id)]
    )
    return np.lib.stride_tricks.sliding_window_view(padded, 2 * m + 1).astype(np.int64)


def make_windows(
    sentences: Sequence[Sequence[tuple[str, str]]],
    vocab: Vocab,
    *,
    window: int = 2,
    classes: Sequence[str] = TYPES,
    lower: bool = True,
) -> Windows:
    """The windows of every token in ``sentences`` (lists of ``(word, tag)``, as from
    :func:`dlnlp.data.conll`), with ``window`` = m words on each side.

    Each centre word's class is its tag's entity type (:func:`entity_type`) if that is in
    ``classes``, else class 0: ``classes=("O", "LOC")`` gives the binary "is the centre a
    location?" task. ``lower`` must match the one the vocabulary was built with.
    """
    pad_id = len(vocab)
    index = {c: i for i, c in enumerate(classes)}
    words, cases, labels = [], [], []
    for sent in sentences:
        tokens = [w for w, _ in sent]
        words.append(
            pad_windows(vocab.encode(w.lower() if lower else w for w in tokens), window, pad_id)
        )
        cases.append(pad_windows([casing(w) for w in tokens], window, 0))
        labels.append([index.get(entity_type(t), 0) for _, t in sent])
    return Windows(
        words=torch.from_numpy(np.concatenate(words)),
        cases=torch.from_numpy(np.concatenate(cases)),
        labels=torch.tensor([y for ys in labels for y in ys], dtype=torch.int64),
        classes=tuple(classes),
        lengths=[len(s) for s in sentences],
        tokens=[[w for w, _ in s] for s in sentences],
        tags=[[t for _, t in s] for s in sentences],
    )


def embedding_matrix(
    vocab: Vocab, vectors: Mapping[str, np.ndarray], *, seed: int = 0
) -> tuple[np.ndarray, int]:
    """Initial word vectors for ``vocab`` from pretrained ``vectors`` (gensim ``KeyedVectors``
    or any ``{word: vector}``), as a (V + 1, d) float32 matrix whose last row is the padding
    token's.

    Words without a pretrained vector (``<unk>`` among them) and the padding row get random
    vectors with the pretrained vectors' mean and standard deviation. Returns the matrix and the
    number of vocabulary words that were found.
    """
    words = [w for w in vocab.itos if w in vectors]
    if not words:
        raise ValueError("no vocabulary word has a pretrained vector: check the case of both")
    found = np.stack([np.asarray(vectors[w], dtype=np.float32) for w in words])
    rng = np.random.default_rng(seed)
    E = rng.normal(found.mean(), found.std(), size=(len(vocab) + 1, found.shape[1]))
    E = E.astype(np.float32)
    E[[vocab.stoi[w] for w in words]] = found
    return E, len(words)


# ---------------------------------------------------------------------------------------------
# The model


ACTIVATIONS = {"tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid}


class WindowClassifier(nn.Module):
    """scores = U f(W x + b) + c for a window x of 2m+1 concatenated word vectors.

    Args:
        vocab_size: V; the embedding has V + 1 rows, the last for padding.
        n_classes: C, one score per class; ``n_classes=1`` gives the single score
            s = uᵀ f(W x + b) (no output bias) for the max-margin loss.
        window: m.
        dim: d, the word-vector size (taken from ``vectors`` when given).
        hidden: size of h.
        vectors: optional (V + 1, d) initial embedding, e.g. from :func:`embedding_matrix`;
            random N(0, 0.1²) entries otherwise.
        freeze: keep the word vectors fixed (only W, b, U, c, and the casing vectors train).
        case_dim: size of a learned casing vector (:func:`casing`) appended to every word
            vector; 0 leaves it out and x is exactly the concatenated word vectors.
        activation: f, ``"tanh"``, ``"relu"`` or ``"sigmoid"``.
        dropout: dropout probability on x during training.

    Parameters: ``embedding.weight`` L (V + 1, d), ``W``/``b`` in ``hidden_layer``
    ((hidden, n(d + case_dim)), (hidden,)), ``U``/``c`` in ``output`` ((C, hidden), (C,)).
    """

    def __init__(
        self,
        vocab_size: int,
        n_classes: int = len(TYPES),
        *,
        window: int = 2,
        dim: int = 50,
        hidden: int = 100,
        vectors: np.ndarray | torch.Tensor | None = None,
        freeze: bool = False,
        case_dim: int = 0,
        activation: str = "tanh",
        dropout: float = 0.0,
    ):
        super().__init__()
        if vectors is not None:
            vectors = torch.as_tensor(vectors, dtype=torch.float32)
            if vectors.shape[0] != vocab_size + 1:
                raise ValueError(
                    f"vectors has {vectors.shape[0]} rows; expected vocab_size + 1 = "
                    f"{vocab_size + 1} (the last row is the padding token)"
                )
            self.embedding = nn.Embedding.from_pretrained(vectors.clone(), freeze=freeze)
            dim = vectors.shape[1]
        else:
            self.embedding = nn.Embedding(vocab_size + 1, dim)
            nn.init.normal_(self.embedding.weight, std=0.1)
            self.embedding.weight.requires_grad_(not freeze)
        self.case_embedding = nn.Embedding(len(CASES), case_dim) if case_dim else None
        self.window, self.dim, self.case_dim = window, dim, case_dim
        self.f = ACTIVATIONS[activation]
        self.dropout = nn.Dropout(dropout)
        self.hidden_layer = nn.Linear((2 * window + 1) * (dim + case_dim), hidden)
        self.output = nn.Linear(hidden, n_classes, bias=n_classes > 1)

    @property
    def pad_id(self) -> int:
        return self.embedding.num_embeddings - 1

    def represent(self, words: torch.Tensor, cases: torch.Tensor | None = None) -> torch.Tensor:
        """x: the (N, n(d + case_dim)) concatenated vectors of (N, n) windows."""
        x = self.embedding(words)
        if self.case_embedding is not None:
            x = torch.cat([x, self.case_embedding(cases)], dim=-1)
        return x.flatten(1)

    def forward(self, words: torch.Tensor, cases: torch.Tensor | None = None) -> torch.Tensor:
        """(N, C) scores of (N, n) windows (``cases`` is needed only with ``case_dim``);
        (N,) when ``n_classes`` is 1."""
        h = self.f(self.hidden_layer(self.dropout(self.represent(words, cases))))
        s = self.output(h)
        return s.squeeze(-1) if s.shape[-1] == 1 else s


def max_margin_loss(s: torch.Tensor, s_corrupt: torch.Tensor, margin: float = 1.0) -> torch.Tensor:
    """J = mean over pairs of max(0, margin − s + s_c): zero once each true window outscores its
    corrupted partner by the margin."""
    return torch.clamp(margin - s + s_corrupt, min=0).mean()


# ---------------------------------------------------------------------------------------------
# Training and prediction


def _device(model: nn.Module) -> torch.device:
    return next(model.parameters()).device


def train(
    model: WindowClassifier,
    data: Windows,
    *,
    epochs: int = 3,
    batch_size: int = 256,
    optimizer: str = "adam",
    lr: float | None = None,
    weight_decay: float = 0.0,
    loss: str = "cross_entropy",
    dev: Windows | None = None,
    seed: int = 0,
    progress: bool = True,
) -> list[dict]:
    """Train ``model`` on ``data`` by minibatch gradient descent, on the model's device.

    Args:
        optimizer: ``"adam"`` (default lr 1e-3) or ``"sgd"`` (default lr 0.1).
        loss: ``"cross_entropy"`` (softmax over the C classes), or ``"max_margin"`` for a
            one-score model on binary labels: each batch of windows with label 1 is paired with
            as many windows with label 0 drawn at random (the corrupted windows), and
            J = max(0, 1 − s + s_c) is averaged over the pairs. An epoch is one pass over the
            positive windows.
        dev: windows to evaluate (entity F1) after every epoch (cross-entropy only).
        seed: seeds the shuffling and the negatives.

    Returns one dict per epoch: ``epoch``, ``loss`` (mean training loss) and, with ``dev``,
    ``dev_f1``.
    """
    if loss not in ("cross_entropy", "max_margin"):
        raise ValueError(f"loss must be 'cross_entropy' or 'max_margin', not {loss!r}")
    one_score = model.output.out_features == 1
    if one_score != (loss == "max_margin"):
        raise ValueError(
            f"loss={loss!r} needs a model with "
            + ("n_classes=1 (one score per window)" if loss == "max_margin" else "n_classes >= 2")
        )
    device = _device(model)
    params = [p for p in model.parameters() if p.requires_grad]
    if optimizer == "adam":
        # one fused kernel for all parameters: ~5x faster steps on a CPU (torch >= 2.4 there)
        fused = True if device.type in ("cpu", "cuda") else None
        try:
            opt = torch.optim.Adam(params, lr=lr or 1e-3, weight_decay=weight_decay, fused=fused)
        except (RuntimeError, TypeError):  # older torch: no fused Adam on this device
            opt = torch.optim.Adam(params, lr=lr or 1e-3, weight_decay=weight_decay)
    elif optimizer == "sgd":
        opt = torch.optim.SGD(params, lr=lr or 0.1, weight_decay=weight_decay)
    else:
        raise ValueError(f"optimizer must be 'adam' or 'sgd', not {optimizer!r}")
    gen = torch.Generator().manual_seed(seed)
    words, cases, labels = data.words.to(device), data.cases.to(device), data.labels.to(device)
    if loss == "max_margin":
        positive = torch.nonzero(data.labels == 1).squeeze(1)
        negative = torch.nonzero(data.labels == 0).squeeze(1)
        if len(positive) == 0 or len(negative) == 0:
            raise ValueError("max_margin needs windows with label 1 and windows with label 0")
    history = []
    for epoch in range(1, epochs + 1):
        model.train()
        order = torch.randperm(
            len(data) if loss == "cross_entropy" else len(positive), generator=gen
        )
        batches = range(0, len(order), batch_size)
        total, count = 0.0, 0
        for start in tqdm(batches, desc=f"epoch {epoch}", disable=not progress, leave=False):
            idx = order[start : start + batch_size]
            if loss == "cross_entropy":
                idx = idx.to(device)
                scores = model(words[idx], cases[idx])
                J = nn.functional.cross_entropy(scores, labels[idx])
            else:
                pos = positive[idx].to(device)
                neg = negative[torch.randint(len(negative), (len(idx),), generator=gen)].to(device)
                J = max_margin_loss(model(words[pos], cases[pos]), model(words[neg], cases[neg]))
            opt.zero_grad()
            J.backward()
            opt.step()
            total, count = total + J.item() * len(idx), count + len(idx)
        if not math.isfinite(total):
            raise FloatingPointError(f"training diverged in epoch {epoch}: lower the learning rate")
        record = {"epoch": epoch, "loss": total / count}
        if dev is not None and loss == "cross_entropy":
            record["dev_f1"] = evaluate(model, dev).f1
        history.append(record)
    model.eval()
    return history


@torch.no_grad()
def scores(model: WindowClassifier, data: Windows, batch_size: int = 8192) -> torch.Tensor:
    """The model's scores of every window, on the CPU: (N, C), or (N,) for a one-score model."""
    model.eval()
    device = _device(model)
    out = [
        model(data.words[i : i + batch_size].to(device), data.cases[i : i + batch_size].to(device))
        for i in range(0, len(data), batch_size)
    ]
    return torch.cat(out).cpu()


def predict(model: WindowClassifier, data: Windows, threshold: float = 0.0) -> np.ndarray:
    """(N,) predicted class of every window: the highest score, or for a one-score model
    1 where s > ``threshold`` (a max-margin score has no natural zero: choose it on data)."""
    s = scores(model, data)
    return (s > threshold).long().numpy() if s.ndim == 1 else s.argmax(1).numpy()


def to_tags(classes: Sequence[str], labels: Iterable[int]) -> list[str]:
    """Class ids → IOB1 tags: class 0 → ``"O"``, class X → ``"I-X"``."""
    return ["O" if y == 0 else f"I-{classes[y]}" for y in labels]


def predict_tags(model: WindowClassifier, data: Windows, threshold: float = 0.0) -> list[list[str]]:
    """Predicted IOB1 tags, one list per sentence (see :func:`to_tags`)."""
    return data.split(to_tags(data.classes, predict(model, data, threshold)))


def evaluate(model: WindowClassifier, data: Windows, threshold: float = 0.0) -> F1Report:
    """Entity-level precision, recall and F1 of the model's predictions on ``data``, over the
    entity types in ``data.classes`` (gold entities of other types are left out)."""
    pred = predict_tags(model, data, threshold)
    return entity_f1(data.tags, pred, types=data.classes[1:])


# ---------------------------------------------------------------------------------------------
# Entity-level evaluation


def _split_tag(tag: str) -> tuple[str, str]:
    if tag == "O" or not tag:
        return "O", ""
    prefix, _, kind = tag.partition("-")
    return (prefix, kind) if kind else ("I", prefix)  # a bare "PER" is read as "I-PER" (IO tags)


def chunks(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """The entities in a tag sequence, as ``(type, start, end)`` with ``end`` exclusive.

    conlleval's rule, which reads IOB1, BIO (IOB2) and IO tags alike: an entity starts at a
    ``B-X``, or at an ``I-X`` not preceded by a tag of type X; it continues over ``I-X`` and
    ends before anything else (``O``, ``B-`` anything, another type). So IOB1
    ``I-PER I-PER B-PER O I-LOC`` and BIO ``B-PER I-PER B-PER O B-LOC`` both hold PER [0, 2),
    PER [2, 3) and LOC [4, 5). A BIO sequence that starts an entity with ``I-`` (invalid in strict
    BIO) gets an entity there, as in conlleval and seqeval's default mode.
    """
    out = []
    start, kind = None, None
    for i, tag in enumerate(list(tags) + ["O"]):
        prefix, t = _split_tag(tag)
        continues = prefix == "I" and t == kind and start is not None
        if start is not None and not continues:
            out.append((kind, start, i))
            start, kind = None, None
        if prefix in ("B", "I") and start is None:
            start, kind = i, t
    return out


def iob1_to_bio(tags: Sequence[str]) -> list[str]:
    """IOB1 → BIO: every entity's first tag becomes ``B-``, the rest ``I-``."""
    out = ["O"] * len(tags)
    for kind, start, end in chunks(tags):
        out[start] = f"B-{kind}"
        out[start + 1 : end] = [f"I-{kind}"] * (end - start - 1)
    return out


def _prf(correct: int, predicted: int, gold: int) -> tuple[float, float, float]:
    p = correct / predicted if predicted else 0.0
    r = correct / gold if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass
class F1Report:
    """Entity counts per type: ``counts[type] = (correct, predicted, gold)``."""

    counts: dict[str, tuple[int, int, int]]

    def _total(self) -> tuple[int, int, int]:
        return tuple(sum(c[i] for c in self.counts.values()) for i in range(3))

    @property
    def precision(self) -> float:
        """Correct entities / predicted entities, over all types (micro average)."""
        return _prf(*self._total())[0]

    @property
    def recall(self) -> float:
        """Correct entities / gold entities, over all types."""
        return _prf(*self._total())[1]

    @property
    def f1(self) -> float:
        """2PR / (P + R) over all types: the CoNLL score."""
        return _prf(*self._total())[2]

    def per_type(self, kind: str) -> tuple[float, float, float]:
        """(precision, recall, F1) of one entity type."""
        return _prf(*self.counts[kind])

    def table(self):
        """A pandas DataFrame: one row per type and an "overall" row; columns precision,
        recall, F1 (in %), gold and predicted entity counts."""
        import pandas as pd

        rows = {**self.counts, "overall": self._total()}
        return pd.DataFrame(
            {
                "precision": [100 * _prf(*c)[0] for c in rows.values()],
                "recall": [100 * _prf(*c)[1] for c in rows.values()],
                "F1": [100 * _prf(*c)[2] for c in rows.values()],
                "gold": [c[2] for c in rows.values()],
                "predicted": [c[1] for c in rows.values()],
            },
            index=pd.Index(list(rows), name="type"),
        ).round({"precision": 2, "recall": 2, "F1": 2})


def entity_f1(
    gold: Sequence[Sequence[str]],
    pred: Sequence[Sequence[str]],
    types: Collection[str] | None = None,
) -> F1Report:
    """Entity-level scores of predicted tag sequences against gold ones (one per sentence).

    An entity is correct when a gold entity has the same type, start and end. With ``types``
    only entities of those types are counted (on both sides). Types appear in the report in
    order of first appearance in ``types``, else sorted.
    """
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold sentences but {len(pred)} predicted")
    correct: Counter = Counter()
    n_pred: Counter = Counter()
    n_gold: Counter = Counter()
    for g, p in zip(gold, pred):
        if len(g) != len(p):
            raise ValueError(f"a sentence has {len(g)} gold tags but {len(p)} predicted")
        gs, ps = set(chunks(g)), set(chunks(p))
        if types is not None:
            gs = {c for c in gs if c[0] in types}
            ps = {c for c in ps if c[0] in types}
        n_gold.update(c[0] for c in gs)
        n_pred.update(c[0] for c in ps)
        correct.update(c[0] for c in gs & ps)
    kinds = list(types) if types is not None else sorted(set(n_gold) | set(n_pred))
    return F1Report({k: (correct[k], n_pred[k], n_gold[k]) for k in kinds})
