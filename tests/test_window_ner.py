"""dlnlp.nn.window_ner: windows, the model, entity-level F1 (hand-worked), learning on CoNLL."""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pytest
import torch

from dlnlp.data import Vocab
from dlnlp.nn import window_ner as wn

SHARED = Path(os.environ.get("DLNLP_SHARED_DATA") or Path(__file__).parents[1] / "../shared/data")


@pytest.fixture(autouse=True)
def one_thread():
    """Two threads thrash on the shared 2-core machine; one is faster and deterministic."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


SENTENCE = [("Peter", "I-PER"), ("Blackburn", "I-PER"), ("visits", "O"), ("Paris", "I-LOC")]


def test_windows_are_padded_at_sentence_edges():
    vocab = wn.build_vocab([SENTENCE], min_count=1)
    pad = len(vocab)
    w = wn.make_windows([SENTENCE, SENTENCE[:1]], vocab, window=2)
    assert w.words.shape == (5, 5) and w.cases.shape == (5, 5) and w.window == 2
    ids = [vocab[t.lower()] for t, _ in SENTENCE]
    assert w.words[0].tolist() == [pad, pad, ids[0], ids[1], ids[2]]  # first word: 2 pads left
    assert w.words[1].tolist() == [pad, ids[0], ids[1], ids[2], ids[3]]
    assert w.words[3].tolist() == [ids[1], ids[2], ids[3], pad, pad]  # last word: 2 pads right
    assert w.words[4].tolist() == [pad, pad, ids[0], pad, pad]  # a one-word sentence
    # windows never reach into the next sentence, and padding has casing class 0
    assert w.cases[3].tolist() == [2, 1, 2, 0, 0]
    assert w.labels.tolist() == [1, 1, 0, 2, 1]  # TYPES = O, PER, LOC, ...
    assert w.lengths == [4, 1] and w.split(list("abcde")) == [list("abcd"), ["e"]]
    assert w.tags[0] == ["I-PER", "I-PER", "O", "I-LOC"]
    binary = wn.make_windows([SENTENCE], vocab, classes=("O", "LOC"))
    assert binary.labels.tolist() == [0, 0, 0, 1]


def test_pad_windows_matches_a_loop():
    ids, m, pad = [7, 3, 9, 4, 1, 8], 3, -1
    padded = [pad] * m + ids + [pad] * m
    expected = [padded[t : t + 2 * m + 1] for t in range(len(ids))]
    assert wn.pad_windows(ids, m, pad).tolist() == expected


def test_vocab_min_count_pretrained_and_casing():
    sents = [[("The", "O"), ("the", "O"), ("Rome", "I-LOC"), ("rare", "O")]]
    vocab = wn.build_vocab(sents, min_count=2)
    assert vocab.itos == ["<unk>", "the"]
    assert "rome" in wn.build_vocab(sents, min_count=2, pretrained={"rome"})
    assert "The" in wn.build_vocab(sents, min_count=1, lower=False)
    cases = [
        wn.CASES[wn.casing(w)] for w in ["paris", "Paris", "EU", "U.S.", "McDonald", "1996", ","]
    ]
    assert cases == ["lower", "Title", "UPPER", "UPPER", "miXed", "digit", "lower"]


def test_embedding_matrix_copies_pretrained_rows():
    vocab = Vocab({"paris": 3, "rome": 2, "zzz": 2})
    vectors = {"paris": np.ones(4), "rome": np.full(4, 2.0)}
    E, found = wn.embedding_matrix(vocab, vectors)
    assert E.shape == (len(vocab) + 1, 4) and found == 2
    assert (E[vocab["paris"]] == 1).all() and (E[vocab["rome"]] == 2).all()
    model = wn.WindowClassifier(len(vocab), vectors=E, freeze=True)
    assert not model.embedding.weight.requires_grad
    assert torch.equal(model.embedding.weight, torch.from_numpy(E))
    with pytest.raises(ValueError, match="rows"):
        wn.WindowClassifier(len(vocab) + 1, vectors=E)


def test_model_shapes_and_lecture_score():
    torch.manual_seed(0)
    model = wn.WindowClassifier(10, n_classes=1, window=1, dim=4, hidden=3)
    words = torch.randint(11, (6, 3))
    s = model(words)
    assert s.shape == (6,) and model.pad_id == 10
    # s = u^T f(W x + b) with x the concatenated word vectors
    x = model.embedding.weight[words].reshape(6, 12)
    W, b = model.hidden_layer.weight, model.hidden_layer.bias
    u = model.output.weight[0]
    assert torch.allclose(s, torch.tanh(x @ W.T + b) @ u)
    cased = wn.WindowClassifier(10, window=1, dim=4, case_dim=2)
    assert cased(words, torch.zeros_like(words)).shape == (6, len(wn.TYPES))


def test_train_small_data_with_sgd_and_argument_checks():
    sents = [SENTENCE, [("Anna", "I-PER"), ("left", "O"), ("Berlin", "I-LOC")]] * 20
    vocab = wn.build_vocab(sents, min_count=1)
    windows = wn.make_windows(sents, vocab, window=1)
    torch.manual_seed(0)
    model = wn.WindowClassifier(len(vocab), window=1, dim=8, hidden=16)
    history = wn.train(model, windows, epochs=20, batch_size=8, optimizer="sgd", progress=False)
    assert history[-1]["loss"] < 0.5 * history[0]["loss"] and not model.training
    assert (wn.predict(model, windows) == windows.labels.numpy()).all()
    with pytest.raises(ValueError, match="n_classes=1"):
        wn.train(model, windows, loss="max_margin", progress=False)
    with pytest.raises(ValueError, match="n_classes >= 2"):
        wn.train(wn.WindowClassifier(len(vocab), 1, window=1), windows, progress=False)
    with pytest.raises(ValueError, match="optimizer"):
        wn.train(model, windows, optimizer="rmsprop", progress=False)
    with pytest.raises(ValueError, match="pretrained"):
        wn.embedding_matrix(vocab, {"PARIS": np.ones(3)})


def test_max_margin_loss():
    s = torch.tensor([3.0, 0.5, 0.0])
    s_c = torch.tensor([1.0, 0.0, 2.0])
    # max(0, 1 - 3 + 1) = 0, max(0, 1 - 0.5 + 0) = 0.5, max(0, 1 - 0 + 2) = 3
    assert wn.max_margin_loss(s, s_c).item() == pytest.approx((0 + 0.5 + 3) / 3)


# ---- chunks and F1 on hand-made sequences ------------------------------------------------------


def test_chunks_iob1_and_bio_agree():
    iob1 = ["I-PER", "I-PER", "B-PER", "O", "I-LOC", "I-ORG", "I-ORG", "O", "I-MISC"]
    bio = ["B-PER", "I-PER", "B-PER", "O", "B-LOC", "B-ORG", "I-ORG", "O", "B-MISC"]
    expected = [("PER", 0, 2), ("PER", 2, 3), ("LOC", 4, 5), ("ORG", 5, 7), ("MISC", 8, 9)]
    assert wn.chunks(iob1) == expected
    assert wn.chunks(bio) == expected
    assert wn.iob1_to_bio(iob1) == bio
    assert wn.chunks(["PER", "PER", "O", "LOC"]) == [("PER", 0, 2), ("LOC", 3, 4)]  # IO tags
    assert wn.chunks([]) == [] and wn.chunks(["O", "O"]) == []
    # conlleval's lenient rules: I- after another type starts an entity; B- ends one
    assert wn.chunks(["O", "I-LOC", "B-LOC", "I-LOC"]) == [("LOC", 1, 2), ("LOC", 2, 4)]
    assert wn.chunks(["B-PER", "I-LOC"]) == [("PER", 0, 1), ("LOC", 1, 2)]


def test_entity_f1_hand_worked():
    # Sentence 1, gold: PER [0,2), LOC [4,5).       predicted: PER [0,2) ✓, LOC [4,6) ✗ (too long)
    # Sentence 2, gold: ORG [0,1), PER [2,3), PER [3,4) (IOB1 B- split).
    #             predicted: ORG [0,1) ✓, PER [2,4) ✗ (two gold entities merged), MISC [5,6) ✗
    gold = [
        ["I-PER", "I-PER", "O", "O", "I-LOC", "O"],
        ["I-ORG", "O", "I-PER", "B-PER", "O", "O"],
    ]
    pred = [
        ["B-PER", "I-PER", "O", "O", "B-LOC", "I-LOC"],  # BIO predictions against IOB1 gold
        ["I-ORG", "O", "I-PER", "I-PER", "O", "I-MISC"],
    ]
    report = wn.entity_f1(gold, pred)
    # per type (correct, predicted, gold)
    assert report.counts == {
        "LOC": (0, 1, 1),
        "MISC": (0, 1, 0),
        "ORG": (1, 1, 1),
        "PER": (1, 2, 3),
    }
    # overall: 2 correct of 5 predicted and 5 gold
    assert report.precision == pytest.approx(2 / 5)
    assert report.recall == pytest.approx(2 / 5)
    assert report.f1 == pytest.approx(2 / 5)
    p, r, f = report.per_type("PER")  # 1/2, 1/3, 2 * (1/2)(1/3) / (5/6) = 2/5
    assert (p, r, f) == pytest.approx((1 / 2, 1 / 3, 2 / 5))
    table = report.table()
    assert list(table.index) == ["LOC", "MISC", "ORG", "PER", "overall"]
    assert table.loc["overall", "F1"] == pytest.approx(40.0)
    assert table.loc["ORG", "F1"] == pytest.approx(100.0)
    assert table.loc["MISC", "recall"] == 0.0  # no gold MISC: recall and F1 count as 0
    only = wn.entity_f1(gold, pred, types=["PER"])
    assert list(only.counts) == ["PER"] and only.f1 == pytest.approx(2 / 5)
    assert wn.entity_f1(gold, gold).f1 == 1.0
    with pytest.raises(ValueError):
        wn.entity_f1(gold, pred[:1])


def test_entity_f1_matches_seqeval():
    import seqeval.metrics as seqeval  # conlleval's chunking, the reference implementation

    rng = np.random.default_rng(0)
    tags = ["O", "O", "O", "I-PER", "I-LOC", "B-LOC", "I-ORG", "B-PER"]
    gold = [list(rng.choice(tags, size=12)) for _ in range(50)]
    pred = [list(rng.choice(tags, size=12)) for _ in range(50)]
    assert wn.entity_f1(gold, pred).f1 == pytest.approx(seqeval.f1_score(gold, pred))


# ---- learning on real data ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def conll():
    if not SHARED.is_dir():
        pytest.skip(f"shared data not found at {SHARED} (set DLNLP_SHARED_DATA)")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DLNLP_MIRROR", str(SHARED))
        mp.setenv("DLNLP_OFFLINE", "1")
        from dlnlp import data

        return data.conll("train")[:4000], data.conll("testa")[:1000]


def word_majority_f1(train, test) -> float:
    """Baseline: every word gets the entity type it has most often in training."""
    by_word = defaultdict(Counter)
    for sent in train:
        for w, t in sent:
            by_word[w][wn.entity_type(t)] += 1

    def tag(word: str) -> str:
        kind = by_word[word].most_common(1)[0][0] if word in by_word else "O"
        return "O" if kind == "O" else f"I-{kind}"

    pred = [[tag(w) for w, _ in s] for s in test]
    return wn.entity_f1([[t for _, t in s] for s in test], pred).f1


def test_learns_ner_on_conll(conll):
    train, dev = conll
    torch.manual_seed(0)
    vocab = wn.build_vocab(train)
    Xtr, Xdev = wn.make_windows(train, vocab), wn.make_windows(dev, vocab)
    model = wn.WindowClassifier(len(vocab), case_dim=5)
    history = wn.train(model, Xtr, epochs=2, batch_size=128, progress=False)
    assert history[-1]["loss"] < history[0]["loss"]
    report = wn.evaluate(model, Xdev)
    # the majority class ("O" everywhere) finds no entity: F1 = 0, and it is right on
    # the share of "O" tokens; the model must beat that and a per-word lookup of the tag
    majority_accuracy = (Xdev.labels == 0).float().mean().item()
    accuracy = (wn.predict(model, Xdev) == Xdev.labels.numpy()).mean()
    assert accuracy > majority_accuracy
    assert report.f1 > 0.5
    assert report.f1 > word_majority_f1(train, dev)
    assert all(report.per_type(k)[2] > 0 for k in ("PER", "LOC", "ORG"))
    tags = wn.predict_tags(model, Xdev)
    assert [len(t) for t in tags] == [len(s) for s in dev]


def test_max_margin_ranks_locations(conll):
    train, dev = conll
    torch.manual_seed(0)
    vocab = wn.build_vocab(train)
    classes = ("O", "LOC")
    Xtr, Xdev = (
        wn.make_windows(train, vocab, classes=classes),
        wn.make_windows(dev, vocab, classes=classes),
    )
    model = wn.WindowClassifier(len(vocab), n_classes=1, case_dim=5)
    history = wn.train(model, Xtr, epochs=3, loss="max_margin", progress=False)
    assert history[-1]["loss"] < history[0]["loss"]
    s, y = wn.scores(model, Xdev), Xdev.labels
    assert s.shape == (len(Xdev),)
    # share of (location, non-location) pairs that the scores order correctly; chance is 1/2
    ranked = (s[y == 1][:, None] > s[y == 0][None, :]).float().mean().item()
    assert ranked > 0.9
