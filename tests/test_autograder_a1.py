"""The autograder on a1_count_vectors, end to end through its command line.

Every file in tests/autograder_cases/a1_count_vectors/ is one submission with the score it must
get, in the format of tests/test_autograder.py (whose helpers this file reuses): ``# expected:
N`` and ``# splice: <answer cell>`` (the file's code replaces that cell of the instructor's
solution) or ``# build: <kind>`` (solution, released, stripped_metadata, a3_notebook). They are
graded in one batch with ``--jobs 2``, in a copy of the course released by the CLI. The hidden
references are also checked against the course library (``window_cooccurrence``,
``truncated_svd``) and against brute force.
"""

from __future__ import annotations

import ast
import inspect
import json
import re

import assignment_batch as batch
import numpy as np
import pytest
from test_autograder import ROOT, assert_release_committed, cli

from autograder import release
from autograder.checks import a1_count_vectors as checks
from dlnlp.vectors import truncated_svd, window_cooccurrence

CASES = ROOT / "tests" / "autograder_cases" / "a1_count_vectors"
SOURCE = ROOT / "assignments" / "source" / "a1_count_vectors" / "a1_count_vectors.ipynb"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Release a copy of the course, build every case, grade them all in one batch."""
    tmp = tmp_path_factory.mktemp("grading_a1")
    return batch.grade_all(tmp, "a1_count_vectors", other="a3_glove")


def test_batch_finishes_with_status_0(graded):
    batch.assert_batch_finished(graded)


@pytest.mark.parametrize("name", sorted(p.stem for p in CASES.glob("*.py")))
def test_case_gets_its_expected_score(graded, name):
    batch.assert_expected_score(graded, name)


def test_failures_carry_the_hint_of_the_mistake(graded):
    """Each wrong answer fails with the hint that names its mistake."""
    expected = {
        "distinct_unsorted": "sorted with Python's sorted()",
        "distinct_start_end": "no START/END tokens",
        "distinct_lowercased": "Do not lower-case",
        "word_ids_deleted": "word_ids is not defined",
        "cooc_crosses_sentences": "Windows stop at the end of a sentence",
        "cooc_counts_itself": "A token is not its own neighbour",
        "cooc_skips_same_word": "not every token equal to the word",
        "cooc_right_only": "both sides",
        "cooc_window_off_by_one": "within window_size positions",
        "cooc_sorts_words": "do not sort words again",
        "cooc_deletes_unknown": "keeps its place",
        "svd_u_only": "(not U_k alone)",
        "svd_smallest": "the k largest singular values",
        "svd_no_sign_flip": "multiply the column by -1",
        "svd_v_instead_of_u": "not those of V (the rows of Vt)",
        "plot_positions": "not its position in words_to_plot",
        "plot_all_columns": "the first two columns only",
        "nn_includes_itself": "without i itself",
        "nn_dot_product": "Cosine similarity divides by both lengths",
        "nn_abs_cosine": "not the largest |cosine|",
        "nn_self_zero": "set its similarity to -inf",
        "released_unanswered": "NotImplementedError",
        "a3_notebook": "another assignment",
        "stripped_metadata": "by function name",
    }
    assert set(expected) | {"correct", "cooc_negative_index"} == {c.name for c in graded["cases"]}
    for name, words in expected.items():
        assert words in batch.text(graded, name), name


def _reference_source_lines() -> set[str]:
    functions = [checks.distinct_words, checks.word_ids, checks.co_occurrence, checks._signs,
                 checks.reduce_to_k_dim, checks.plot_points, checks._cosines,
                 checks.nearest_neighbours, checks._vocabulary, checks._distinct_inputs,
                 checks._co_occurrence_inputs, checks._reduce_inputs, checks._plot_inputs,
                 checks._neighbour_inputs]  # fmt: skip
    lines = {line.strip() for f in functions for line in inspect.getsource(f).splitlines()}
    return {line for line in lines if len(line) > 25 and not line.startswith(('"""', "def "))}


def _numbers(value) -> list[float]:
    parts = value if isinstance(value, tuple | list) else [value]
    out = []
    for part in parts:
        if isinstance(part, str):
            continue
        if isinstance(part, tuple | list):
            out += _numbers(part)
            continue
        out += [float(v) for v in np.ravel(np.asarray(part, dtype=float))[:20]]
    return out


def _strings(value) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, tuple | list):
        return set().union(*map(_strings, value)) if value else set()
    return set()


def test_feedback_never_shows_hidden_code_inputs_or_expected_values(graded):
    secret_lines = _reference_source_lines()
    # made-up words that happen to be English words of the hints ("before") prove nothing
    public_words = set(re.findall(r"\w+", SOURCE.read_text(encoding="utf-8")))
    public_words |= {w for t in checks.TESTS for w in re.findall(r"\w+", t.hint + t.name)}
    for name in ["correct", "distinct_unsorted", "cooc_counts_itself", "svd_u_only",
                 "plot_positions", "nn_dot_product", "released_unanswered"]:  # fmt: skip
        folder = graded["out"] / name
        shown = "".join((folder / f).read_text() for f in ("feedback.html", "feedback.md"))
        shown += json.dumps(batch.results(graded, name)["tests"], ensure_ascii=False)
        assert not [line for line in secret_lines if line in shown]
        shown_words = set(re.findall(r"\w+", shown))
        seed = batch.results(graded, name)["extra_data"]["seed"]
        for index, test in enumerate(checks.TESTS):
            args = test.inputs(np.random.default_rng([seed, index]))
            hidden_words = {w for w in _strings(args) if len(w) >= 5} - public_words
            assert not hidden_words & shown_words, (name, test.name)
            for x in _numbers(args) + _numbers(test.reference(*args)):
                if abs(x) > 1e-3 and x != round(x):
                    assert f"{x:.5f}" not in shown, (name, test.name)


def test_release_has_no_solution_and_no_hidden_tests(graded):
    released = graded["released"]
    assert release.leaks(released, SOURCE) == []
    text = released.read_text(encoding="utf-8")
    public = release.public_lines(SOURCE)
    hidden = {line for line in _reference_source_lines() if not any(line in p for p in public)}
    assert not [line for line in hidden if line in text]
    answers = [c for c in json.loads(text)["cells"] if c["metadata"]["nbgrader"].get("solution")]
    assert len(answers) == len(checks.ANSWERS)
    assert all("raise NotImplementedError()" in "".join(c["source"]) for c in answers)
    # what the answer cells give stays: word_ids, the return of Part 1, the plotting import
    sources = {c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"]) for c in answers}
    assert "def word_ids(corpus):" in sources["distinct_words"]
    assert "    return words, n_words" in sources["distinct_words"]
    assert sources["plot_embeddings"].startswith("import matplotlib.pyplot as plt")


def test_check_runs_the_visible_tests_with_the_same_hints(graded):
    run = cli("check", str(graded["subs"] / "cooc_skips_same_word.ipynb"), timeout=120)
    assert run.returncode == 1, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    for part in ("test_distinct_words", "test_reduce", "test_plot_embeddings", "test_neighbours"):
        assert any(line.startswith(f"pass  {part}") for line in lines), run.stdout
    fail = next(line for line in lines if line.startswith("FAIL  test_co_occurrence"))
    assert "not every token equal to the word" in fail
    assert "visible tests: 65 / 100" in run.stdout


def _assert_messages(nb: dict) -> set[str]:
    """The literal messages of the asserts in the notebook's visible test cells."""
    messages = set()
    for cell in nb["cells"]:
        if cell["metadata"]["nbgrader"].get("grade"):
            for node in ast.walk(ast.parse("".join(cell["source"]))):
                if isinstance(node, ast.Assert) and node.msg is not None:
                    messages.add(ast.literal_eval(node.msg))
    return messages


def test_points_and_hints_match_the_notebook():
    nb = json.loads(SOURCE.read_text(encoding="utf-8"))
    points = {
        c["metadata"]["nbgrader"]["grade_id"]: c["metadata"]["nbgrader"]["points"]
        for c in nb["cells"]
        if c["metadata"]["nbgrader"].get("grade")
    }
    assert points == checks.PARTS and sum(points.values()) == 100
    per_part: dict[str, float] = {}
    for test in checks.TESTS:
        per_part[test.part] = per_part.get(test.part, 0) + test.points
    assert per_part == checks.PARTS
    defined = {c["metadata"]["nbgrader"]["grade_id"] for c in nb["cells"]
               if c["metadata"]["nbgrader"].get("solution")}  # fmt: skip
    assert defined == set(checks.ANSWERS)
    # a student sees the same words before (visible checks) and after (feedback) submitting
    assert {t.hint for t in checks.TESTS} <= _assert_messages(nb)


# --- the references and the inputs ------------------------------------------------------------


def _inputs(name: str, seed: int):
    index, test = next((i, t) for i, t in enumerate(checks.TESTS) if t.name == name)
    return test, test.inputs(np.random.default_rng([seed, index]))


def _library_co_occurrence(corpus, words, window):
    """The course library's counts: ids per sentence, -1 for words outside the vocabulary."""
    index = {word: i for i, word in enumerate(words)}
    ids = [np.array([index.get(w, -1) for w in s], dtype=np.int64) for s in corpus]
    return window_cooccurrence(ids, len(words), window).toarray()


@pytest.mark.parametrize("seed", range(6))
def test_hidden_references_agree_with_the_library(seed):
    for test in checks.TESTS:
        args = test.inputs(np.random.default_rng([seed, 99]))
        want = test.reference(*args)
        if test.fn == "word_ids":
            (corpus,) = args
            words, inverse = np.unique([w for s in corpus for w in s], return_inverse=True)
            np.testing.assert_array_equal(want[0], inverse)
            assert want[1] == want[2] == len(words)
        elif test.fn == "compute_co_occurrence_matrix":
            np.testing.assert_array_equal(want, _library_co_occurrence(*args))
            np.testing.assert_array_equal(want, want.T)
        elif test.fn == "reduce_to_k_dim":
            M, k = args
            np.testing.assert_allclose(want, truncated_svd(M.astype(float), k)[0], atol=1e-10)
        elif test.fn == "nearest_neighbours":
            vectors, i, n = args
            cos = [vectors[i] @ v / np.linalg.norm(vectors[i]) / np.linalg.norm(v) for v in vectors]
            ranking = sorted((r for r in range(len(vectors)) if r != i), key=lambda r: -cos[r])
            assert want.tolist() == ranking[:n]
        else:
            M_reduced, words, chosen = args
            np.testing.assert_array_equal(want, [M_reduced[words.index(w)][:2] for w in chosen])


@pytest.mark.parametrize("seed", range(10))
def test_hidden_inputs_hold_the_edge_cases(seed):
    """The cases each test is named after are in every draw."""
    _, (corpus, words, window) = _inputs("co-occurrence: windows stop at sentence ends", seed)
    assert len(corpus) >= 5 and min(map(len, corpus)) == 1 and 2 <= window <= 4
    assert max(map(len, corpus)) == window + 1
    assert all(len(set(s)) == len(s) for s in corpus)
    _, (corpus, words, window) = _inputs("co-occurrence: a word repeated within the window", seed)
    assert np.diag(checks.co_occurrence(corpus, words, window)).sum() > 0
    _, (corpus, words, window) = _inputs("co-occurrence: rows in the order of words", seed)
    assert words != sorted(words) and sorted(words) == checks.distinct_words(corpus)
    _, (corpus, words, window) = _inputs("co-occurrence: tokens not in words", seed)
    assert set(words) < set(checks.distinct_words(corpus))
    for name in ("reduce: a square matrix", "reduce: a rectangular matrix", "reduce: k = 1",
                 "reduce: the sign of each column"):  # fmt: skip
        _, (M, k) = _inputs(name, seed)
        assert 1 <= k < min(M.shape)
        U = np.linalg.svd(M.astype(float))[0][:, :k]
        raw_signs = checks._signs(U)
        assert np.all(raw_signs > 0) == (name != "reduce: the sign of each column"), name
    _, (M, k) = _inputs("reduce: a rectangular matrix", seed)
    assert M.shape[0] != M.shape[1]
    _, (M, k) = _inputs("reduce: the sign of each column", seed)
    assert M.dtype == np.int64 and np.array_equal(M, M.T) and (M >= 0).all()
    _, (vectors, i, n) = _inputs("neighbours: all the other rows", seed)
    assert n == len(vectors) - 1
    _, (corpus,) = _inputs("distinct words: capitals, digits and prefixes", seed)
    words = checks.distinct_words(corpus)
    assert any(w[0].isupper() for w in words) and any(w[0].isdigit() for w in words)
    assert any(a != b and b.startswith(a) for a in words for b in words)


def test_the_committed_student_notebook_is_the_release(graded):
    assert_release_committed(graded, "a1_count_vectors")
