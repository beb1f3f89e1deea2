"""The autograder on a5_lstm, end to end through its command line.

Every file in tests/autograder_cases/a5_lstm/ is one submission with the score it must get, in
the format of tests/test_autograder.py (whose helpers this file reuses): ``# expected: N`` and
``# splice: <answer cell>`` (the file's code replaces that cell of the instructor's solution)
or ``# build: <kind>`` (solution, released, stripped_metadata). They are graded in one batch
with ``--jobs 2``, in a copy of the course released by the CLI. The hidden references are also
checked against ``torch.nn.LSTMCell``, ``torch.nn.GRUCell`` and torch autograd, and the hidden
inputs against the mistakes they are meant to tell apart.
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
from autograder.checks import a5_lstm as checks

CASES = ROOT / "tests" / "autograder_cases" / "a5_lstm"
SOURCE = ROOT / "assignments" / "source" / "a5_lstm" / "a5_lstm.ipynb"
TIMEOUT = "30"  # seconds per cell or test: no case loops, so only a loaded machine comes near


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Release a copy of the course, build every case, grade them all in one batch."""
    return batch.grade_all(tmp_path_factory.mktemp("grading_a5"), "a5_lstm", timeout=TIMEOUT)


def test_batch_finishes_with_status_0(graded):
    batch.assert_batch_finished(graded)


@pytest.mark.parametrize("name", sorted(p.stem for p in CASES.glob("*.py")))
def test_case_gets_its_expected_score(graded, name):
    batch.assert_expected_score(graded, name)


def test_failures_carry_the_hint_of_the_mistake(graded):
    """Each wrong answer fails with the hint that names its mistake."""
    expected = {
        "unstable_sigmoid": "inf / inf is NaN",
        "forget_gate_input_weights": "the forget gate rows H:2H, not the input gate's 0:H",
        "gate_order_ifog": "the third in torch's order i, f, g, o",
        "h_without_tanh": "not c itself",
        "backward_tanh_prime_of_c": "not 1 - c²",
        "gru_keras_reset": "not W_hn (r ⊙ h_prev)",
        "gru_update_swapped": "not z ⊙ n",
        "bptt_dc_dropped": "pass the dc_prev of step t + 1 as the dc of step t",
        "bptt_grads_overwritten": "do not keep only the last step's",
        "bptt_dhs_not_added": "dh = dhs[t] + dh_prev from step t + 1 at every step",
        "released_unanswered": "NotImplementedError",
        "stripped_metadata": "by function name",
    }
    for name, words in expected.items():
        assert words in batch.text(graded, name), name


def test_a_wrong_forward_costs_no_other_part(graded):
    parts = batch.results(graded, "forget_gate_input_weights")["tests"]
    lost = {t["name"].split(":")[0] for t in parts if t["status"] == "failed"}
    assert lost == {"lstm forward"}


def _reference_source_lines() -> set[str]:
    functions = [checks.sigmoid, checks.lstm_cell_forward, checks.lstm_cell_backward,
                 checks.lstm_forward, checks.lstm_bptt, checks.gru_cell_forward, checks._sizes,
                 checks._params, checks._forward_inputs, checks._backward_case,
                 checks._bptt_inputs, checks._gru_inputs]  # fmt: skip
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
    for name in ["correct", "forget_gate_input_weights", "backward_tanh_prime_of_c",
                 "bptt_dc_dropped", "gru_keras_reset", "released_unanswered"]:  # fmt: skip
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
    run = cli("check", str(graded["subs"] / "bptt_grads_overwritten.ipynb"), "--timeout", TIMEOUT,
              timeout=300)  # fmt: skip
    assert run.returncode == 1, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    for part in ("test_sigmoid", "test_lstm_forward", "test_lstm_backward", "test_gru_forward"):
        assert any(line.startswith(f"pass  {part}") for line in lines), run.stdout
    fail = next(line for line in lines if line.startswith("FAIL  test_bptt"))
    assert "do not keep only the last step's" in fail
    assert "visible tests: 80 / 100" in run.stdout
    # a wrong forward: only Part 2's visible checks fail (the others take torch's forward)
    run = cli("check", str(graded["subs"] / "forget_gate_input_weights.ipynb"), "--timeout",
              TIMEOUT, timeout=300)  # fmt: skip
    fail = next(line for line in run.stdout.splitlines() if line.startswith("FAIL"))
    assert fail.startswith("FAIL  test_lstm_forward") and "forget gate rows H:2H" in fail
    assert "visible tests: 75 / 100" in run.stdout, run.stdout


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


def _cell(kind, weight_ih, weight_hh, bias_ih, bias_hh):
    cls = torch.nn.LSTMCell if kind == "lstm" else torch.nn.GRUCell
    cell = cls(weight_ih.shape[1], weight_hh.shape[1], dtype=torch.float64)
    with torch.no_grad():
        for p, value in zip(cell.parameters(), (weight_ih, weight_hh, bias_ih, bias_hh)):
            p.copy_(torch.from_numpy(value))
    return cell


def _torch_sequence(dhs, xs, h0, c0, params):
    """h_t, c_t of an unrolled torch.nn.LSTMCell and the gradients of Σ_t dhs[t] · h_t."""
    cell = _cell("lstm", *params)
    txs, th0, tc0 = (torch.tensor(v, requires_grad=True) for v in (xs, h0, c0))
    h, c, hs, cs = th0, tc0, [], []
    for t in range(len(xs)):
        h, c = cell(txs[t], (h, c))
        hs.append(h)
        cs.append(c)
    sum((torch.from_numpy(dhs[t]) * hs[t]).sum() for t in range(len(xs))).backward()
    grads = [p.grad.numpy() for p in [txs, th0, tc0, *cell.parameters()]]
    return torch.stack(hs).detach().numpy(), torch.stack(cs).detach().numpy(), grads


def _allclose(got, want):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("seed", range(4))
def test_hidden_references_agree_with_torch(seed):
    rng = np.random.default_rng(seed)
    for kind in ("any", "first", "one", "large"):
        x, h_prev, c_prev, *params = checks._forward_inputs(kind)(rng)
        h, c, gates = checks.lstm_cell_forward(x, h_prev, c_prev, *params)
        with torch.no_grad():
            th, tc = _cell("lstm", *params)(torch.tensor(x), (torch.tensor(h_prev),
                                                              torch.tensor(c_prev)))  # fmt: skip
        _allclose([h, c], [th.numpy(), tc.numpy()])
        H = h.shape[1]
        i, f, g, o = (gates[:, k * H : (k + 1) * H] for k in range(4))
        np.testing.assert_allclose(c, f * c_prev + i * g, rtol=1e-12, atol=1e-12)
        assert np.all((0 <= i) & (i <= 1) & (0 <= f) & (f <= 1) & (0 <= o) & (o <= 1))
    for kind in ("any", "dh_zero", "dc_zero", "one"):
        args, biases = checks._backward_case(rng, kind)
        dh, dc, x, h_prev, c_prev, gates, c, weight_ih, weight_hh = args
        params = [weight_ih, weight_hh, *biases]
        cell = _cell("lstm", *params)
        inputs = [torch.tensor(v, requires_grad=True) for v in (x, h_prev, c_prev)]
        th, tc = cell(inputs[0], (inputs[1], inputs[2]))
        _allclose([tc.detach().numpy()], [c])
        ((torch.from_numpy(dh) * th).sum() + (torch.from_numpy(dc) * tc).sum()).backward()
        want = [p.grad.numpy() for p in [*inputs, *cell.parameters()]]
        _allclose(checks.lstm_cell_backward(*args), want)
    for kind in ("last", "every", "one_step"):
        dhs, xs, h0, c0, hs, cs, gates, weight_ih, weight_hh = checks._bptt_inputs(kind)(rng)
        rng_params = np.random.default_rng([seed, 1])
        bias_ih, bias_hh = rng_params.normal(size=(2, weight_ih.shape[0]))
        params = [weight_ih, weight_hh, bias_ih, bias_hh]
        # fresh forward values with these biases, from the reference and from torch
        hs, cs, gates = checks.lstm_forward(xs, h0, c0, *params)
        want_hs, want_cs, want = _torch_sequence(dhs, xs, h0, c0, params)
        _allclose([hs, cs], [want_hs, want_cs])
        got = checks.lstm_bptt(dhs, xs, h0, c0, hs, cs, gates, weight_ih, weight_hh)
        _allclose(got, want)
    for kind in ("zero_state", "any", "one"):
        x, h_prev, *params = checks._gru_inputs(kind)(rng)
        with torch.no_grad():
            want = _cell("gru", *params)(torch.tensor(x), torch.tensor(h_prev)).numpy()
        _allclose([checks.gru_cell_forward(x, h_prev, *params)], [want])
    x = np.array([-1000.0, -800.0, -30.0, 0.0, 30.0, 800.0, 1000.0])
    _allclose([checks.sigmoid(x)], [torch.sigmoid(torch.tensor(x)).numpy()])


def test_hidden_inputs_tell_the_mistakes_apart():
    """The inputs that isolate one mistake do: c_prev = 0 makes the forget gate irrelevant,
    h_prev = 0 with b_hn = 0 the reset gate's place, dh = 0 the path through h_t, and a loss
    on the last output only the dhs of the other steps; large pre-activations keep one row of
    ordinary values, where swapped gates cannot hide behind saturation."""
    rng = np.random.default_rng(11)
    x, h_prev, c_prev, *params = checks._forward_inputs("first")(rng)
    H = h_prev.shape[1]
    swapped = [p.copy() for p in params]
    for p in swapped:
        p[H : 2 * H] = p[:H]  # the forget gate takes the input gate's rows
    right = checks.lstm_cell_forward(x, h_prev, c_prev, *params)
    wrong = checks.lstm_cell_forward(x, h_prev, c_prev, *swapped)
    _allclose(right[:2], wrong[:2])
    assert not np.allclose(right[2], wrong[2])

    x, h_prev, weight_ih, weight_hh, bias_ih, bias_hh = checks._gru_inputs("zero_state")(rng)
    H = h_prev.shape[1]
    r = checks.sigmoid(x @ weight_ih[:H].T + bias_ih[:H] + bias_hh[:H])
    keras_n = np.tanh(x @ weight_ih[2 * H :].T + bias_ih[2 * H :]
                      + (r * h_prev) @ weight_hh[2 * H :].T + bias_hh[2 * H :])  # fmt: skip
    z = checks.sigmoid(x @ weight_ih[H : 2 * H].T + bias_ih[H : 2 * H] + bias_hh[H : 2 * H])
    _allclose([(1 - z) * keras_n], [checks.gru_cell_forward(x, h_prev, weight_ih, weight_hh,
                                                            bias_ih, bias_hh)])  # fmt: skip

    x, h_prev, c_prev, weight_ih, weight_hh, bias_ih, bias_hh = checks._forward_inputs("large")(rng)
    a = np.abs(x @ weight_ih.T + bias_ih + h_prev @ weight_hh.T + bias_hh)
    assert a[0].max() < 50 and a[1:].max() > 100  # saturated rows, and one that is not

    args = checks._backward_inputs("dh_zero")(rng)
    dh, dc, x, h_prev, c_prev, gates, c = args[:7]
    assert not dh.any() and dc.any() and np.abs(c).max() > 1.0  # 1 - c² differs from tanh'

    dhs = checks._bptt_inputs("last")(rng)[0]
    assert not dhs[:-1].any() and dhs[-1].any() and len(dhs) >= 3


def test_the_committed_student_notebook_is_the_release(graded):
    assert_release_committed(graded, "a5_lstm")
