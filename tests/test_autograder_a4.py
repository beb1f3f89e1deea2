"""The autograder on a4_backprop, end to end through its command line.

Every file in tests/autograder_cases/a4_backprop/ is one submission with the score it must get,
in the format of tests/test_autograder.py (whose helpers this file reuses): ``# expected: N``
and ``# splice: <answer cell>`` (the file's code replaces that cell of the instructor's
solution) or ``# build: <kind>`` (solution, released, stripped_metadata, a3_notebook). They are
graded in one batch with ``--jobs 2``, in a copy of the course released by the CLI. The hidden
references are checked against torch autograd, central differences and the course library;
and, in this process, every case keeps its score on other seeds than the batch's one.
"""

from __future__ import annotations

import ast
import inspect
import json
import warnings

import assignment_batch as batch
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from test_autograder import ROOT, assert_release_committed, cli, parse

from autograder import protocol, release, verdict
from autograder.checks import a4_backprop as checks
from autograder.sandbox import Outcome
from dlnlp.nn.gradcheck import relative_error

CASES = ROOT / "tests" / "autograder_cases" / "a4_backprop"
SOURCE = ROOT / "assignments" / "source" / "a4_backprop" / "a4_backprop.ipynb"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Release a copy of the course, build every case, grade them all in one batch."""
    return batch.grade_all(tmp_path_factory.mktemp("grading_a4"), "a4_backprop", other="a3_glove")


def test_batch_finishes_with_status_0(graded):
    batch.assert_batch_finished(graded)


@pytest.mark.parametrize("name", sorted(p.stem for p in CASES.glob("*.py")))
def test_case_gets_its_expected_score(graded, name):
    batch.assert_expected_score(graded, name)


def test_failures_carry_the_hint_of_the_mistake(graded):
    """Each wrong answer fails with the hint that names its mistake."""
    expected = {
        "windows_wraparound": "Never wrap around",
        "windows_pad_zero": "not always 0",
        "unstable_softmax": "Subtract each row's own largest score",
        "ce_log_of_softmax": "Do not take the log of softmax's output",
        "ce_sum": "the mean over the batch, not the sum",
        "forward_interleaved": "concatenates the window's embeddings in window order",
        "forward_scores_from_z": "not from z",
        "backward_fprime_of_h": "not 1 - tanh(h)²",
        "backward_transposed_W": "has shape",
        "backward_sum_not_mean": "every gradient carries the 1/B",
        "embedding_not_accumulated": "np.add.at",
        "embedding_loop_over_windows": "still loses the repeats within a window",
        "numgrad_one_sided": "not one-sided",
        "numgrad_float32": "float32 copy",
        "numgrad_not_restored": "leave theta as it found it",
        "numgrad_trusts_f": "use only the loss",
        "relerr_no_floor": "0 / 0 never happens",
        "relerr_mean": "not their mean",
        "sgd_not_in_place": "theta must be updated in place",
        "released_unanswered": "NotImplementedError",
        "a3_notebook": "another assignment",
        "stripped_metadata": "by function name",
    }
    assert "not xᵀ δ_z, its transpose" in batch.text(graded, "backward_transposed_W")
    assert "contains NaN or inf" in batch.text(graded, "relerr_no_floor")
    for name, words in expected.items():
        assert words in batch.text(graded, name), name


def _reference_source_lines() -> set[str]:
    functions = [checks.make_windows, checks._log_softmax, checks.softmax, checks.cross_entropy,
                 checks.forward, checks.backward, checks.embedding_gradient,
                 checks.quadratic_gradient, checks.max_relative_error, checks._windows_inputs,
                 checks._scores_inputs, checks._model, checks._backward_inputs,
                 checks._embedding_inputs, checks._numgrad_inputs,
                 checks._relerr_inputs]  # fmt: skip
    lines = {line.strip() for f in functions for line in inspect.getsource(f).splitlines()}
    return {line for line in lines if len(line) > 25 and not line.startswith(('"""', "def "))}


def _numbers(value) -> list[float]:
    parts = value if isinstance(value, tuple | list) else [value]
    out = []
    for part in parts:
        if part is None:
            continue
        if isinstance(part, dict):  # a probe's parameters
            out += _numbers([v for k, v in part.items() if k != "probe"])
            continue
        if isinstance(part, tuple | list):
            out += _numbers(part)
            continue
        out += [float(v) for v in np.ravel(np.asarray(part, dtype=float))[:20]]
    return out


def test_feedback_never_shows_hidden_code_inputs_or_expected_values(graded):
    secret_lines = _reference_source_lines()
    shown_cases = [
        "correct",
        "backward_fprime_of_h",
        "unstable_softmax",
        "numgrad_one_sided",
        "relerr_no_floor",
        "embedding_not_accumulated",
        "released_unanswered",
    ]
    for name in shown_cases:
        folder = graded["out"] / name
        shown = "".join((folder / f).read_text() for f in ("feedback.html", "feedback.md"))
        shown += json.dumps(batch.results(graded, name)["tests"], ensure_ascii=False)
        assert not [line for line in secret_lines if line in shown]
        seed = batch.results(graded, name)["extra_data"]["seed"]
        for index, test in enumerate(checks.TESTS):
            args = test.inputs(np.random.default_rng([seed, index]))
            for x in _numbers(args) + _numbers(test.reference(*args)):
                if abs(x) > 1e-3 and x != round(x):
                    assert f"{x:.5f}" not in shown, (name, test.name)


def test_release_has_no_solution_and_no_hidden_tests(graded):
    released = graded["released"]
    assert release.leaks(released, SOURCE) == []
    text = released.read_text(encoding="utf-8")
    hidden = _reference_source_lines() - release.public_lines(SOURCE)
    assert not [line for line in hidden if line in text]
    answers = [c for c in json.loads(text)["cells"] if c["metadata"]["nbgrader"].get("solution")]
    assert len(answers) == len(checks.ANSWERS)
    assert all("raise NotImplementedError()" in "".join(c["source"]) for c in answers)
    # the given code outside the solutions stays: sgd_step's return and gradient_check
    given = "".join("".join(c["source"]) for c in answers)
    assert "    return theta\n" in given or given.endswith("    return theta")
    assert "def gradient_check(f, theta, eps=1e-5, tiny=1e-3):" in given


def test_check_runs_the_visible_tests_with_the_same_hints(graded):
    run = cli("check", str(graded["subs"] / "embedding_not_accumulated.ipynb"), timeout=180)
    assert run.returncode == 1, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    for part in set(checks.PARTS) - {"test_embedding"}:
        assert any(line.startswith(f"pass  {part}") for line in lines), run.stdout
    fail = next(line for line in lines if line.startswith("FAIL  test_embedding"))
    assert "np.add.at" in fail
    assert "visible tests: 85 / 100" in run.stdout


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


# --- every case on many seeds, in this process ---------------------------------------------


def _plain(value):
    """What the harness sends back (numbers, arrays, lists), as JSON-able data."""
    if type(value) in (bool, int, float):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return {"array": value.tolist(), "shape": list(value.shape)}
    if type(value) in (list, tuple):
        return [_plain(v) for v in value]
    raise TypeError(f"returned a {type(value).__name__}")


def _decode(arg):
    """An encoded argument as the harness decodes it, the "quadratic" probe included."""
    if isinstance(arg, dict) and "array" in arg:
        return np.array(arg["array"], dtype=arg["dtype"]).reshape(arg["shape"])
    if isinstance(arg, dict) and arg.get("probe") == "quadratic":
        a, b = _decode(arg["a"]), _decode(arg["b"])

        def quadratic(x):
            diff = np.asarray(x, dtype=float) - b
            return 0.5 * float(np.sum(a * diff**2)), a * diff

        return quadratic
    return arg


def _score(code: dict[str, str], seed: int) -> float:
    """The score of the answer cells ``code`` on ``seed``, judged as the grader judges."""
    namespace = {"__name__": "__main__", "np": np}
    for grade_id in checks.ANSWERS:
        exec(compile(code[grade_id], grade_id, "exec"), namespace)  # our own catalogue only
    total = 0.0
    for index, test in enumerate(checks.TESTS):
        args = test.inputs(np.random.default_rng([seed, index]))
        expected = test.reference(*args)
        call = [_decode(a) for a in protocol.encode(args)]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                value = namespace[test.fn](*call)
            if test.returns_args:
                value = [value, [call[i] for i in test.returns_args]]
            outcome = Outcome("ok", value=json.loads(json.dumps(_plain(value))))
        except Exception as exc:  # noqa: BLE001 (any error fails the test, as in the sandbox)
            outcome = Outcome("error", error=repr(exc))
        total += verdict.judge(test, outcome, expected).points
    return total


def test_every_splice_keeps_its_score_on_other_seeds():
    """The batch above grades each case on one seed; here each spliced case, and the solution,
    get their expected score on 15 more (a score that depends on the draw would show)."""
    solution = json.loads(SOURCE.read_text(encoding="utf-8"))
    cells = {c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"])
             for c in solution["cells"]}  # fmt: skip
    cases = [parse(p) for p in sorted(CASES.glob("*.py"))]
    runs = [(c.name, c.expected, {**cells, c.splice: c.body}) for c in cases if c.splice]
    runs.append(("solution", 100.0, cells))
    for name, expected, code in runs:
        scores = {_score(code, seed) for seed in range(1000, 1015)}
        assert scores == {expected}, (name, scores)


# --- the references ---------------------------------------------------------------------------


def _torch_model(windows, labels, L, W, b, U, c):
    """Loss, scores, cache and [dW, db, dU, dc, dx, dL] of the mean cross-entropy, by autograd."""
    params = [torch.tensor(p, requires_grad=True) for p in (W, b, U, c, L)]
    tW, tb, tU, tc, tL = params
    x = tL[torch.tensor(windows)].reshape(len(windows), -1)
    x.retain_grad()
    z = x @ tW.T + tb
    h = torch.tanh(z)
    scores = h @ tU.T + tc
    J = F.cross_entropy(scores, torch.tensor(labels))
    J.backward()
    grads = [p.grad.numpy() for p in params[:4]] + [x.grad.numpy(), tL.grad.numpy()]
    cache = [t.detach().numpy() for t in (x, z, h)]
    return J.item(), scores.detach().numpy(), cache, grads


@pytest.mark.parametrize("seed", range(4))
def test_hidden_references_agree_with_autograd_and_central_differences(seed):
    rng = np.random.default_rng(seed)
    for B, padded in ((7, True), (5, False), (1, False)):
        windows, L, W, b, U, c = checks._model(rng, B, padded)
        labels = rng.integers(U.shape[0], size=B)
        J, scores, cache, want = _torch_model(windows, labels, L, W, b, U, c)
        got_scores, got_cache = checks.forward(windows, L, W, b, U, c)
        np.testing.assert_allclose(got_scores, scores, rtol=1e-12, atol=1e-12)
        for got, w in zip(got_cache, cache):
            np.testing.assert_allclose(got, w, rtol=1e-12, atol=1e-12)
        assert np.isclose(checks.cross_entropy(scores, labels), J, rtol=1e-12)
        probs = checks.softmax(scores)
        np.testing.assert_allclose(probs, torch.softmax(torch.tensor(scores), 1), rtol=1e-12)
        grads = checks.backward(labels, probs, *cache, W, U)
        for got, w in zip(grads, want[:5]):
            np.testing.assert_allclose(got, w, rtol=1e-10, atol=1e-12)
        grad_L = checks.embedding_gradient(windows, grads[4], len(L))
        np.testing.assert_allclose(grad_L, want[5], rtol=1e-10, atol=1e-12)
        if padded:
            assert (windows[:, 0] == 0).any()  # a window at the start of a sentence
    for kind in ("values", "large", "one", "confident"):
        scores, labels = checks._scores_inputs(kind)(rng)
        want = F.cross_entropy(torch.tensor(scores), torch.tensor(labels)).item()
        assert np.isfinite(want) and np.isclose(checks.cross_entropy(scores, labels), want)
        want = torch.softmax(torch.tensor(scores), 1).numpy()
        np.testing.assert_allclose(checks.softmax(scores), want, rtol=1e-12, atol=1e-300)
        if kind == "large":  # the test is only a test if the naive formula overflows
            with np.errstate(over="ignore", invalid="ignore"):
                assert np.isnan(np.exp(scores) / np.exp(scores).sum(1, keepdims=True)).any()


@pytest.mark.parametrize("kind", ["distinct", "across", "within", "one"])
def test_hidden_embedding_inputs_have_the_repeats_they_claim(kind):
    for seed in range(10):
        windows, grad_x, V = checks._embedding_inputs(kind)(np.random.default_rng(seed))
        assert windows.max() < V and grad_x.shape[0] == len(windows)
        within = any(len(set(w)) < len(w) for w in windows.tolist())
        across = len(set(windows.ravel().tolist())) < windows.size
        assert within == (kind == "within"), windows
        assert across == (kind in ("across", "within")), windows
        if kind == "one":
            assert len(windows) == 1
        want = torch.zeros(V, grad_x.shape[1] // windows.shape[1], dtype=torch.float64)
        want.requires_grad_()
        x = want[torch.tensor(windows)].reshape(len(windows), -1)
        (x * torch.tensor(grad_x)).sum().backward()
        got = checks.embedding_gradient(windows, grad_x, V)
        np.testing.assert_allclose(got, want.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_hidden_windows_and_gradient_check_references():
    rng = np.random.default_rng(5)
    for kind in ("sentence", "pad_id", "short"):
        sentence, m, pad_id = checks._windows_inputs(kind)(rng)
        padded = np.concatenate([[pad_id] * m, sentence, [pad_id] * m])
        want = np.lib.stride_tricks.sliding_window_view(padded, 2 * m + 1)
        np.testing.assert_array_equal(checks.make_windows(sentence, m, pad_id), want)
        assert (kind == "short") == (len(sentence) < 2 * m + 1)
    for kind in ("vector", "matrix"):
        quadratic, theta, eps = checks._numgrad_inputs(kind)(rng)
        a, b = quadratic["a"], quadratic["b"]
        t = torch.tensor(theta, requires_grad=True)
        (0.5 * (torch.tensor(a) * (t - torch.tensor(b)) ** 2).sum()).backward()
        want = checks.quadratic_gradient(quadratic, theta, eps)
        np.testing.assert_allclose(want, t.grad.numpy(), rtol=1e-12)
        assert (a * (theta - b)).shape != theta.shape  # the probe's own "grad" is no gradient
    for kind in ("right", "entry", "tiny"):
        analytic, numeric, tiny = checks._relerr_inputs(kind)(rng)
        want = relative_error(analytic, numeric, tiny).max()  # the course library's formula
        assert checks.max_relative_error(analytic, numeric, tiny) == pytest.approx(want)
        if kind == "tiny":
            assert ((analytic == 0) & (numeric == 0)).any() and tiny != 1e-3


def test_the_committed_student_notebook_is_the_release(graded):
    assert_release_committed(graded, "a4_backprop")
