"""Intrinsic evaluation: the same numbers as gensim on the same vectors, a hand-made analogy
whose answer is known, and clear errors for bad input."""

import math

import numpy as np
import pytest
import torch
from gensim.models import KeyedVectors

from dlnlp import data
from dlnlp.vectors import keyed_vectors, log_scale, truncated_svd, window_cooccurrence
from dlnlp.vectors.evaluate import (
    evaluate_all,
    evaluate_analogies,
    evaluate_similarity,
    read_analogies,
    read_pairs,
    solve_analogy,
)

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


@pytest.fixture(scope="module")
def kv() -> KeyedVectors:
    """SVD of log counts on 300k words of Wikipedia: weak vectors, but they get some analogies
    right (checked below), which is what a comparison of answers needs. A few seconds."""
    tokens = data.words("wiki-sample", max_words=300_000)
    vocab = data.Vocab(tokens, max_size=8_000)
    ids = vocab.encode(tokens)
    ids[ids == 0] = -1  # rare words break windows
    X = window_cooccurrence(ids, len(vocab), window=5)
    vectors, _ = truncated_svd(log_scale(X), 50)
    return keyed_vectors(vectors[1:], vocab.itos[1:])


@pytest.fixture(scope="module")
def mixed_case(kv) -> KeyedVectors:
    """kv with other spellings added: every 4th word gets a capitalised twin (a nearby
    vector), put before the lower-case word for some words, after it for others; so under
    case_insensitive the first spelling of a word is sometimes the capitalised one."""
    rng = np.random.default_rng(0)
    words, rows = [], []
    for i, (w, v) in enumerate(zip(kv.index_to_key, kv.vectors)):
        twin = v + 0.3 * np.abs(v).mean() * rng.standard_normal(v.shape)
        pairs = [(w, v)]
        if i % 4 == 0:
            pairs = [(w.capitalize(), twin), (w, v)] if i % 8 == 0 else [(w, v), (w.upper(), twin)]
        for word, row in pairs:
            words.append(word)
            rows.append(row)
    return keyed_vectors(np.stack(rows), words)


def gensim_analogies(kv, restrict_vocab=300_000, case_insensitive=True, dummy4unknown=False):
    path = str(data.fetch("questions-words"))
    total, sections = kv.evaluate_word_analogies(
        path,
        restrict_vocab=restrict_vocab,
        case_insensitive=case_insensitive,
        dummy4unknown=dummy4unknown,
    )
    return total, sections


def assert_same_analogies(ours, total, sections):
    """Section by section: same names, same correct and evaluated counts; same total."""
    assert [s.name for s in ours.sections] + ["Total accuracy"] == [s["section"] for s in sections]
    for mine, theirs in zip(ours.sections, sections):
        assert mine.correct == len(theirs["correct"]), mine.name
        assert mine.evaluated == len(theirs["correct"]) + len(theirs["incorrect"]), mine.name
    assert ours.total == total


@pytest.mark.parametrize("device", DEVICES)
def test_analogies_match_gensim(kv, device):
    ours = evaluate_analogies(kv, device=device)
    total, sections = gensim_analogies(kv)
    assert_same_analogies(ours, total, sections)
    right = sum(s.correct for s in ours.sections)
    assert right >= 30  # a comparison of answers that are all wrong would prove little
    # semantic / syntactic are pooled over the sections whose names (do not) start with "gram"
    semantic = [s for s in sections[:-1] if not s["section"].startswith("gram")]
    n = sum(len(s["correct"]) + len(s["incorrect"]) for s in semantic)
    assert ours.semantic == sum(len(s["correct"]) for s in semantic) / n
    assert len(semantic) == 5 and len(ours.sections) == 14
    # predictions are stored per question; the correct ones are those equal to d
    for section in ours.sections:
        questions, predicted = ours.questions[section.name], ours.predictions[section.name]
        hits = sum(
            p is not None and p.upper() == q[3].upper() for q, p in zip(questions, predicted)
        )
        assert hits == section.correct, section.name


def test_analogies_match_gensim_with_other_spellings_and_restrict_vocab(mixed_case):
    for restrict, insensitive, dummy in [(5_000, True, False), (3_000, True, True)]:
        ours = evaluate_analogies(
            mixed_case,
            restrict_vocab=restrict,
            case_insensitive=insensitive,
            dummy4unknown=dummy,
            chunk_size=1000,
        )
        assert_same_analogies(ours, *gensim_analogies(mixed_case, restrict, insensitive, dummy))
    # case-sensitive: the file's "Athens Greece ..." only match the capitalised twins
    ours = evaluate_analogies(mixed_case, restrict_vocab=5_000, case_insensitive=False)
    assert_same_analogies(ours, *gensim_analogies(mixed_case, 5_000, case_insensitive=False))


def test_chunks_raw_matrices_and_the_loader_give_the_same_answers(kv):
    whole = evaluate_analogies(kv)
    chunked = evaluate_analogies(kv, chunk_size=100)
    raw = evaluate_analogies(torch.from_numpy(kv.vectors), words=kv.index_to_key)
    loaded = evaluate_analogies(kv, data.analogies())  # lower-cased dict of questions
    for other in (chunked, raw, loaded):
        assert [(s.correct, s.evaluated, s.skipped) for s in other.sections] == [
            (s.correct, s.evaluated, s.skipped) for s in whole.sections
        ]
        assert other.predictions == whole.predictions
    assert whole.oov_fraction == pytest.approx(
        sum(s.skipped for s in whole.sections) / 19_544, abs=0
    )


@pytest.mark.parametrize("name", ["wordsim353", "simlex999"])
def test_similarity_matches_gensim(kv, mixed_case, name):
    path = str(data.fetch(name))
    for vectors, restrict, dummy in [(kv, 300_000, False), (mixed_case, 2_000, True)]:
        ours = evaluate_similarity(vectors, name, restrict_vocab=restrict, dummy4unknown=dummy)
        pearson, spearman, oov_percent = vectors.evaluate_word_pairs(
            path, restrict_vocab=restrict, dummy4unknown=dummy
        )
        assert ours.spearman == pytest.approx(spearman[0], abs=1e-9)
        assert ours.pearson == pytest.approx(pearson[0], abs=1e-6)  # gensim: float32 cosines
        assert 100 * ours.oov_fraction == pytest.approx(oov_percent, abs=1e-12)
    # the loader's lower-cased tuples give the same pairs
    loaded = evaluate_similarity(kv, data.similarity_pairs(name))
    assert loaded.spearman == evaluate_similarity(kv, name).spearman


def test_similarity_table_and_spearman_by_hand(kv):
    result = evaluate_similarity(kv, "wordsim353")
    table = result.to_frame()
    known = [(a, b, s) for a, b, s in data.similarity_pairs("wordsim353") if a in kv and b in kv]
    rows = [(a.lower(), b.lower(), s) for a, b, s, _ in table.itertuples(index=False)]
    assert rows == known  # in file order, as spelled there ("Japanese")
    for w1, w2, _, cosine in table.itertuples(index=False):
        assert cosine == pytest.approx(float(kv.similarity(w1.lower(), w2.lower())), abs=1e-6)
    # Spearman's rho is Pearson's r of the ranks (ties get their mean rank)
    from scipy.stats import rankdata

    rho = np.corrcoef(rankdata(table.human), rankdata(table.model))[0, 1]
    assert result.spearman == pytest.approx(rho, abs=1e-12)
    assert len(table) + len(result.oov) == 353
    row = evaluate_all(kv)
    assert set(row) == {"semantic", "syntactic", "total", "WS353", "SimLex"}
    assert row["WS353"] == result.spearman


# ----------------------------------------------------------------- a case with a known answer


@pytest.fixture()
def royals() -> tuple[np.ndarray, list[str]]:
    """Raw vectors with king - man + woman = queen exactly. 3CosAdd works on unit vectors:
    û_king - û_man + û_woman is closest to woman itself, then to queen."""
    words = ["man", "king", "woman", "queen", "apple", "car"]
    vectors = np.array(
        [
            [0.0, 0.0, 10.0],  # man: long, so removing it removes little of "person"
            [1.0, 0.0, 10.0],  # king
            [0.0, 1.0, 1.0],  # woman
            [1.0, 1.0, 1.0],  # queen = king - man + woman
            [-1.0, 0.2, -0.5],  # apple
            [0.3, -1.0, -0.2],  # car
        ]
    )
    assert (vectors[1] - vectors[0] + vectors[2] == vectors[3]).all()
    return vectors, words


def test_hand_made_analogy_needs_the_exclusion(royals, tmp_path):
    vectors, words = royals
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    x = unit[1] - unit[0] + unit[2]
    cosines = unit @ (x / np.linalg.norm(x))
    assert cosines.argmax() == words.index("woman")  # the input c wins without the rule

    answers = solve_analogy(vectors, "man", "king", "woman", words=words, topn=3)
    assert [w for w, _ in answers] == ["queen", "apple", "car"]
    assert answers[0][1] == pytest.approx(cosines[3], abs=1e-6)
    unexcluded = solve_analogy(vectors, "man", "king", "woman", words=words, exclude_inputs=False)
    assert unexcluded[0][0] == "woman" and len(unexcluded) == 5

    questions = {"royals": [("man", "king", "woman", "queen")], "gram-none": []}
    assert evaluate_analogies(vectors, questions, words=words).total == 1.0
    without = evaluate_analogies(vectors, questions, words=words, exclude_inputs=False)
    assert without.total == 0.0 and without.predictions["royals"] == ["woman"]
    assert math.isnan(without.syntactic)  # nothing evaluated there (gensim would say 0.0)

    # gensim's answer on the same vectors and file
    path = tmp_path / "royals.txt"
    path.write_text(": royals\nman king woman queen\nMAN KING WOMAN apple\n: gram-none\n")
    ours = evaluate_analogies(vectors, path, words=words)
    assert_same_analogies(ours, *keyed_vectors(vectors, words).evaluate_word_analogies(path))
    assert ours.predictions["royals"] == ["queen", "queen"]
    assert read_analogies(path)["royals"][1] == ("MAN", "KING", "WOMAN", "apple")


def test_similarity_of_hand_made_pairs(royals):
    vectors, words = royals
    pairs = [("king", "queen", 9.0), ("man", "king", 8.0), ("apple", "car", 1.0), ("man", "x", 5)]
    result = evaluate_similarity(vectors, pairs, words=words)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    assert [p[3] for p in result.pairs] == pytest.approx(
        [unit[1] @ unit[3], unit[0] @ unit[1], unit[4] @ unit[5]],
        abs=1e-6,  # float32 vectors
    )
    assert result.oov == [("man", "x", 5.0)] and result.oov_fraction == 0.25
    # cos(man, king) > cos(king, queen) here, so the ranks disagree once: rho = 1 - 6*2/(3*8)
    assert result.spearman == pytest.approx(0.5, abs=1e-12)


# ----------------------------------------------------------------- bad input


def test_bad_input_gives_clear_errors(royals, tmp_path):
    vectors, words = royals
    with pytest.raises(ValueError, match="empty"):
        evaluate_analogies(np.zeros((0, 5)), words=[])
    with pytest.raises(ValueError, match="empty"):
        evaluate_similarity(KeyedVectors(vector_size=3))
    with pytest.raises(ValueError, match="one row per word"):
        evaluate_analogies(vectors, words=words[:-1])
    with pytest.raises(ValueError, match="needs its words"):
        evaluate_similarity(vectors)
    with pytest.raises(ValueError, match="carry their own"):
        evaluate_similarity(keyed_vectors(vectors, words), words=words)
    with pytest.raises(ValueError, match=r"\(V, d\) matrix"):
        evaluate_similarity(vectors[0], words=words)
    broken = vectors.copy()
    broken[2, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        evaluate_analogies(broken, words=words)
    with pytest.raises(FileNotFoundError, match="no-such-file.txt"):
        evaluate_analogies(vectors, tmp_path / "no-such-file.txt", words=words)
    with pytest.raises(FileNotFoundError, match="wordsim353"):
        evaluate_similarity(vectors, "wordsim-353", words=words)  # a typo, not a dataset
    headless = tmp_path / "headless.txt"
    headless.write_text("man king woman queen\n")
    with pytest.raises(ValueError, match="section header"):
        evaluate_analogies(vectors, headless, words=words)
    with pytest.raises(ValueError, match="four words"):
        evaluate_analogies(vectors, {"s": [("man", "king", "woman")]}, words=words)
    with pytest.raises(ValueError, match="no analogy questions"):
        evaluate_analogies(vectors, {"s": []}, words=words)
    with pytest.raises(ValueError, match="none of the 1 pairs"):
        evaluate_similarity(vectors, [("tiger", "cat", 7.35)], words=words)
    with pytest.raises(ValueError, match="restrict_vocab"):
        evaluate_similarity(vectors, [("man", "king", 1.0)], words=words, restrict_vocab=0)
    with pytest.raises(KeyError, match="tiger"):
        solve_analogy(vectors, "man", "tiger", "woman", words=words)
    comments = tmp_path / "comments.tsv"
    comments.write_text("# only a comment\nnot a pair\n")
    assert read_pairs(comments) == []
    with pytest.raises(ValueError, match="no word pairs"):
        evaluate_similarity(vectors, comments, words=words)
