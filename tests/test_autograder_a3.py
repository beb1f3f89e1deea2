"""The autograder on a3_glove, end to end through its command line.

Every file in tests/autograder_cases/a3_glove/ is one submission with the score it must get, in
the format of tests/test_autograder.py (whose helpers this file reuses): ``# expected: N`` and
``# splice: <answer cell>`` (the file's code replaces that cell of the instructor's solution)
or ``# build: <kind>`` (solution, released, stripped_metadata, a2_notebook). They are graded
in one batch with ``--jobs 2``, in a copy of the course released by the CLI. The hidden
references are also checked against torch autograd, central differences and the library.
"""

from __future__ import annotations

import ast
import inspect
import json

import assignment_batch as batch
import numpy as np
import pytest
import torch
from test_autograder import ROOT, assert_release_committed, cli

from autograder import release
from autograder.checks import a3_glove as checks
from dlnlp.vectors import glove as library

CASES = ROOT / "tests" / "autograder_cases" / "a3_glove"
SOURCE = ROOT / "assignments" / "source" / "a3_glove" / "a3_glove.ipynb"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Release a copy of the course, build every case, grade them all in one batch."""
    return batch.grade_all(tmp_path_factory.mktemp("grading_a3"), "a3_glove", other="a2_word2vec")


def test_batch_finishes_with_status_0(graded):
    batch.assert_batch_finished(graded)


@pytest.mark.parametrize("name", sorted(p.stem for p in CASES.glob("*.py")))
def test_case_gets_its_expected_score(graded, name):
    batch.assert_expected_score(graded, name)


def test_failures_carry_the_hint_of_the_mistake(graded):
    """Each wrong answer fails with the hint that names its mistake."""
    expected = {
        "weighting_not_capped": "f is capped",
        "weighting_python_if": "truth value of an array",
        "weighting_int_output": "integer array",
        "weighting_clips_in_place": "changed the caller's x in place",
        "loss_without_half": "factor 1/2",
        "loss_mean": "not a mean",
        "loss_ignores_weights": "Use the weights passed in",
        "gradients_factor_two": "no factor 2",
        "gradients_not_accumulated": "np.add.at",
        "gradients_vectors_swapped": "the word vectors w, not w̃",
        "adagrad_accumulator_not_in_place": "G must be updated in place",
        "adagrad_theta_not_in_place": "theta must be updated in place",
        "adagrad_old_accumulator": "update G first",
        "adagrad_no_eps": "add ε",
        "adagrad_return_deleted": "return numpy arrays and numbers",
        "released_unanswered": "NotImplementedError",
        "a2_notebook": "another assignment",
        "stripped_metadata": "by function name",
    }
    for name, words in expected.items():
        assert words in batch.text(graded, name), name


def _reference_source_lines() -> set[str]:
    functions = [checks.weighting, checks._errors, checks.glove_loss, checks.glove_gradients,
                 checks.adagrad, checks._weighting_inputs, checks._counts,
                 checks._batch_inputs, checks._adagrad_inputs]  # fmt: skip
    lines = {line.strip() for f in functions for line in inspect.getsource(f).splitlines()}
    return {line for line in lines if len(line) > 25 and not line.startswith(('"""', "def "))}


def _numbers(value) -> list[float]:
    parts = value if isinstance(value, tuple | list) else [value]
    out = []
    for part in parts:
        if part is None or isinstance(part, dict):
            continue
        if isinstance(part, tuple | list):
            out += _numbers(part)
            continue
        out += [float(v) for v in np.ravel(np.asarray(part, dtype=float))[:20]]
    return out


def test_feedback_never_shows_hidden_code_inputs_or_expected_values(graded):
    secret_lines = _reference_source_lines()
    for name in ["correct", "gradients_sign_error", "adagrad_no_eps", "weighting_not_capped",
                 "released_unanswered"]:  # fmt: skip
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


def test_check_runs_the_visible_tests_with_the_same_hints(graded):
    run = cli("check", str(graded["subs"] / "gradients_not_accumulated.ipynb"), timeout=120)
    assert run.returncode == 1, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    for part in ("test_weighting", "test_loss", "test_adagrad"):
        assert any(line.startswith(f"pass  {part}") for line in lines), run.stdout
    fail = next(line for line in lines if line.startswith("FAIL  test_gradients"))
    assert "np.add.at" in fail
    assert "visible tests: 60 / 100" in run.stdout


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


# --- the references ---------------------------------------------------------------------------


def _torch_gradients(W, W_tilde, b, b_tilde, i, j, x, weights):
    params = [torch.tensor(p, requires_grad=True) for p in (W, W_tilde, b, b_tilde)]
    tW, tW_tilde, tb, tb_tilde = params
    e = (tW[i] * tW_tilde[j]).sum(1) + tb[i] + tb_tilde[j] - torch.log(torch.tensor(x))
    J = 0.5 * (torch.tensor(weights) * e**2).sum()
    J.backward()
    return J.item(), [p.grad.numpy() for p in params]


def _central_differences(args, k, eps=1e-6):
    """dJ/d(args[k]) of the reference loss by central differences."""
    theta = args[k]
    grad = np.zeros_like(theta)
    for index in np.ndindex(theta.shape):
        plus, minus = theta.copy(), theta.copy()
        plus[index] += eps
        minus[index] -= eps
        hi = checks.glove_loss(*args[:k], plus, *args[k + 1 :])
        lo = checks.glove_loss(*args[:k], minus, *args[k + 1 :])
        grad[index] = (hi - lo) / (2 * eps)
    return grad


@pytest.mark.parametrize("seed", range(4))
def test_hidden_references_agree_with_autograd_differences_and_the_library(seed):
    rng = np.random.default_rng(seed)
    for kind in ("any", "repeats", "one", "weights"):
        args = checks._batch_inputs(kind)(rng)
        J, want = _torch_gradients(*args)
        assert np.isclose(checks.glove_loss(*args), J, rtol=1e-12)
        grads = checks.glove_gradients(*args)
        for got, w in zip(grads, want):
            np.testing.assert_allclose(got, w, rtol=1e-10, atol=1e-12)
        for k in range(4):
            np.testing.assert_allclose(grads[k], _central_differences(args, k), atol=1e-6)
        # the course library (torch, J with the same 1/2): rows-only gradients
        W, W_tilde, b, b_tilde, i, j, x, weights = args
        if kind != "weights":
            params = library.Params(*map(torch.tensor, (W, W_tilde, b, b_tilde)))
            ti, tj, tx = torch.tensor(i), torch.tensor(j), torch.tensor(x)
            lib_J, rows_i, rows_j, lib = library.gradients(params, ti, tj, tx)
            assert np.isclose(lib_J.item(), checks.glove_loss(*args), rtol=1e-12)
            for got, part, rows in zip(grads, lib, (rows_i, rows_j) * 2):
                full = np.zeros_like(got)
                full[rows.numpy()] = part.numpy()
                np.testing.assert_allclose(got, full, rtol=1e-10, atol=1e-12)
    x = np.array([0.0, 0.5, 99.0, 100.0, 101.0, 1e6])
    for x_max, alpha in ((100.0, 0.75), (10.0, 0.5)):
        want = library.weighting(torch.tensor(x), x_max, alpha).numpy()
        np.testing.assert_allclose(checks.weighting(x, x_max, alpha), want, rtol=1e-14)
    assert checks.weighting(np.array([100.0]))[0] == 1.0


def test_hidden_adagrad_is_torchs_adagrad():
    """torch.optim.Adagrad (initial accumulator 0, eps outside the root) takes the same step."""
    rng = np.random.default_rng(7)
    theta, grad, G, lr = checks._adagrad_inputs("step")(rng)
    (want_theta, want_G), after = checks.adagrad(theta, grad, G, lr)
    p = torch.tensor(theta, requires_grad=True)
    opt = torch.optim.Adagrad([p], lr=lr, eps=checks.EPS)
    opt.state[p]["sum"] = torch.tensor(G)
    opt.state[p]["step"] = torch.tensor(0.0)
    p.grad = torch.tensor(grad)
    opt.step()
    np.testing.assert_allclose(want_theta, p.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(want_G, opt.state[p]["sum"].numpy(), rtol=1e-12)
    theta, grad, G, lr = checks._adagrad_inputs("untouched")(rng)
    (got_theta, got_G), _ = checks.adagrad(theta, grad, G, lr)
    assert (G == 0).any() and np.array_equal(got_theta, theta) and np.array_equal(got_G, G)


def test_the_committed_student_notebook_is_the_release(graded):
    assert_release_committed(graded, "a3_glove")
