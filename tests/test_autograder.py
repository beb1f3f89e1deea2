"""The autograder, end to end through its command line, on a2_word2vec.

Every file in tests/autograder_cases/a2_word2vec/ is one submission with the score it must get:
a header (after ``# ruff: noqa``: the files are cell fragments, some deliberately wrong) says
``# expected: N`` and either ``# splice: <answer cell>`` (the file's code replaces
that cell of the instructor's solution; a line ``# <solution>`` stands for the cell's own code)
or ``# build: <kind>`` (a whole-file case built below: empty, damaged, stripped, ...). All of
them are graded in one batch with ``--jobs 2``, in a copy of the course released by the CLI.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import torch

from autograder import gradebook, isolation, release
from autograder.checks import a2_word2vec as checks

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "autograder_cases" / "a2_word2vec"
SOURCE = ROOT / "assignments" / "source" / "a2_word2vec" / "a2_word2vec.ipynb"
TIMEOUT = "3"  # seconds per test: the endless-loop case costs one of these


@dataclass
class Case:
    name: str
    expected: float
    splice: str | None
    build: str | None
    body: str


def parse(path: Path) -> Case:
    text = path.read_text(encoding="utf-8")
    header = dict(re.findall(r"^# (expected|expected-fallback|splice|build): (\S+)$", text, re.M))
    fallback = isolation.detect().mode != "namespaces" and "expected-fallback" in header
    expected = float(header["expected-fallback" if fallback else "expected"])
    return Case(path.stem, expected, header.get("splice"), header.get("build"), text)


def cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "autograder", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _cells(nb: dict) -> dict[str, dict]:
    return {c["metadata"]["nbgrader"]["grade_id"]: c for c in nb["cells"]}


def build(case: Case, solution: dict, released: Path, where: dict[str, str]) -> bytes:
    """The submission's bytes."""
    nb = json.loads(json.dumps(solution))
    if case.splice:
        cell = _cells(nb)[case.splice]
        code = case.body.replace("# <solution>", "".join(cell["source"]))
        for key, value in where.items():
            code = code.replace("{" + key + "}", value)
        cell["source"] = code
        return json.dumps(nb).encode()
    kind = case.build
    text = json.dumps(nb, indent=1)
    if kind == "solution":
        return SOURCE.read_bytes()
    if kind == "released":
        return released.read_bytes()
    if kind == "empty":
        return b""
    if kind == "malformed_json":
        return text[: len(text) // 2].encode()
    if kind == "non_utf8":
        return text.replace("Assignment 2", "Assignment 2, \u00e9t\u00e9").encode("latin-1")
    if kind == "other_assignment":
        nb["cells"] = [
            {
                "cell_type": "code",
                "metadata": {"nbgrader": {"grade_id": "cooccurrence", "solution": True}},
                "source": "def cooccurrence(corpus, window):\n    return None\n",
                "outputs": [],
                "execution_count": None,
            }
        ]
        return json.dumps(nb).encode()
    if kind == "stripped_metadata":
        for cell in nb["cells"]:
            cell["metadata"] = {}
        return json.dumps(nb).encode()
    if kind == "reordered_duplicated":
        wrong = json.loads(json.dumps(_cells(nb)["sigmoid"]))
        wrong["source"] = "def sigmoid(x):\n    return x\n"
        nb["cells"] = [wrong] + nb["cells"][::-1]
        return json.dumps(nb).encode()
    if kind == "deleted_cell":
        nb["cells"] = [c for c in nb["cells"] if c["metadata"]["nbgrader"]["grade_id"] != "sgd"]
        return json.dumps(nb).encode()
    if kind == "edited_locked":
        _cells(nb)["test_sigmoid"]["source"] = "pass\n"
        return json.dumps(nb).encode()
    raise ValueError(f"unknown build kind {kind!r} in {case.name}")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Release a copy of the course, build every case, grade them all in one batch."""
    tmp = tmp_path_factory.mktemp("grading")
    course = tmp / "course"
    shutil.copytree(ROOT / "assignments", course, ignore=shutil.ignore_patterns(
        "release", "submitted", "autograded", "feedback", "gradebook.db*"))  # fmt: skip
    rel = cli("release", "a2_word2vec", "--course", str(course))
    assert rel.returncode == 0, rel.stdout + rel.stderr
    released = course / "release" / "a2_word2vec" / "a2_word2vec.ipynb"
    subs, out = tmp / "submissions", tmp / "out"
    subs.mkdir()
    where = {"REPO": str(ROOT), "GRADEBOOK": str(course / "gradebook.db"),
             "COURSE": str(course), "SUBMISSIONS": str(subs)}  # fmt: skip
    solution = json.loads(SOURCE.read_text(encoding="utf-8"))
    cases = [parse(p) for p in sorted(CASES.glob("*.py"))]
    for case in cases:
        (subs / f"{case.name}.ipynb").write_bytes(build(case, solution, released, where))
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in subs.iterdir()}
    run = cli("grade", "a2_word2vec", *map(str, sorted(subs.iterdir())), "--jobs", "2",
              "--out", str(out), "--course", str(course), "--timeout", TIMEOUT)  # fmt: skip
    return {"cases": cases, "run": run, "out": out, "course": course, "subs": subs,
            "before": before, "released": released}  # fmt: skip


def _results(graded, name: str) -> dict:
    return json.loads((graded["out"] / name / "results.json").read_text(encoding="utf-8"))


def test_batch_finishes_with_status_0(graded):
    run = graded["run"]
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-4000:]
    rows = (graded["out"] / "grades.csv").read_text().splitlines()
    assert len(rows) == 1 + len(graded["cases"])


@pytest.mark.parametrize("name", sorted(p.stem for p in CASES.glob("*.py")))
def test_case_gets_its_expected_score(graded, name):
    case = next(c for c in graded["cases"] if c.name == name)
    results = _results(graded, name)
    failed = [f"{t['name']}: {t['output']}" for t in results["tests"] if t["status"] == "failed"]
    assert results["score"] == case.expected, "\n".join([results["output"], *failed])
    assert sum(t["max_score"] for t in results["tests"]) == 100


def test_messages_explain_what_happened(graded):
    """The robustness cases end in a message that names the cause."""

    def text(name):
        r = _results(graded, name)
        return r["output"] + "\n".join(t["output"] for t in r["tests"])

    assert "did not finish within 3 s" in text("infinite_loop")
    assert "MemoryError" in text("memory_bomb")
    assert "Resource temporarily unavailable" in text("fork_bomb")
    assert "exited with status 0" in text("os_exit_in_function")
    assert "killed by signal SIGSEGV" in text("segfault")
    assert "the answer cell 'sgd' is missing" in text("deleted_cell")
    assert "SystemExit: stop here" in text("sys_exit_in_cell")
    assert "is empty" in text("empty_file")
    assert "not valid JSON" in text("malformed_json")
    assert "not UTF-8" in text("non_utf8")
    assert "another assignment" in text("other_assignment")
    assert "by function name" in text("stripped_metadata")
    assert "appears 2 times" in text("reordered_duplicated")
    assert "locked cell 'test_sigmoid' was edited" in text("edited_locked_cell")
    assert "printed 100,000,001 characters" in text("huge_output")
    assert "return numpy arrays and numbers" in text("eq_tricks")
    assert "check the signs on the noise terms" in text("ns_sign_error")
    assert "DeprecationWarning" in text("warning_stderr")
    recorded = _results(graded, "correct")["extra_data"]["isolation"]
    assert recorded.startswith(isolation.detect().mode)


def test_gradebook_holds_one_grade_per_submission(graded):
    scores = gradebook.scores(graded["course"] / "gradebook.db", "a2_word2vec")
    assert scores == {c.name: c.expected for c in graded["cases"]}


def test_submissions_are_never_modified(graded):
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in graded["subs"].iterdir()}
    assert after == graded["before"]


def _reference_source_lines() -> set[str]:
    functions = [checks.sigmoid, checks.naive_softmax, checks.neg_sampling, checks.skipgram,
                 checks.noise_distribution, checks.sgd_quadratic, checks._neg_inputs]  # fmt: skip
    lines = {line.strip() for f in functions for line in inspect.getsource(f).splitlines()}
    return {line for line in lines if len(line) > 25 and not line.startswith(('"""', "def "))}


def test_feedback_never_shows_hidden_code_or_expected_values(graded):
    secret_lines = _reference_source_lines()
    for name in ["correct", "ns_sign_error", "unstable_softmax", "released_unanswered"]:
        folder = graded["out"] / name
        shown = "".join((folder / f).read_text() for f in ("feedback.html", "feedback.md"))
        shown += json.dumps(_results(graded, name)["tests"])
        assert not [line for line in secret_lines if line in shown]
        seed = _results(graded, name)["extra_data"]["seed"]
        for index, test in enumerate(checks.TESTS):
            args = test.inputs(np.random.default_rng([seed, index]))
            expected = test.reference(*args)
            for part in expected if isinstance(expected, tuple | list) else [expected]:
                for x in np.ravel(np.asarray(part, dtype=float))[:20]:
                    if abs(x) > 1e-3:
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
    run = cli("check", str(graded["subs"] / "ns_sign_error.ipynb"), timeout=120)
    assert run.returncode == 1, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert any(line.startswith("pass  test_sigmoid") for line in lines)
    fail = next(line for line in lines if line.startswith("FAIL  test_neg_sampling"))
    assert "check the signs on the noise terms" in fail
    assert "visible tests: 75 / 100" in run.stdout


def test_a_killed_batch_resumes_with_one_grade_each(graded, tmp_path):
    """kill -9 in the middle of a batch, then run it again: every submission ends up with
    exactly one result and one gradebook grade."""
    names = ["ann", "ben", "cat"]
    for name in names:
        shutil.copy(SOURCE, tmp_path / f"{name}.ipynb")
    out, db = tmp_path / "out", tmp_path / "gb.db"
    shutil.copy(graded["course"] / "gradebook.db", db)  # a gradebook in use (and no set-up)
    args = [sys.executable, "-m", "autograder", "grade", "a2_word2vec",
            *[str(tmp_path / f"{n}.ipynb") for n in names],
            "--jobs", "1", "--out", str(out), "--gradebook", str(db)]  # fmt: skip
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not list(out.glob("*/results.json")) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = {p.parent.name for p in out.glob("*/results.json")}
    assert 1 <= len(done_before) < len(names)
    rerun = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{len(done_before)} submission(s) already graded" in rerun.stdout
    scores = gradebook.scores(db, "a2_word2vec")
    assert {n: scores[n] for n in names} == dict.fromkeys(names, 100.0)
    assert len(scores) == len(names) + len(graded["cases"])
    rows = (out / "grades.csv").read_text().splitlines()[1:]
    assert sorted(row.split(",")[0] for row in rows) == names


def test_points_match_the_notebook():
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


def _torch_losses(center, o, U, negatives=None):
    v = torch.tensor(center, requires_grad=True)
    W = torch.tensor(U, requires_grad=True)
    scores = W @ v
    if negatives is None:
        J = -torch.log_softmax(scores, dim=0)[o]
    else:
        J = -torch.nn.functional.logsigmoid(scores[o])
        J = J - torch.nn.functional.logsigmoid(-scores[torch.as_tensor(negatives)]).sum()
    J.backward()
    return J.item(), v.grad.numpy(), W.grad.numpy()


@pytest.mark.parametrize("seed", range(5))
def test_hidden_references_agree_with_torch_autograd(seed):
    rng = np.random.default_rng(seed)
    center, o, U = checks._pair_inputs(large=seed % 2 == 1)(rng)
    for got, want in zip(checks.naive_softmax(center, o, U), _torch_losses(center, o, U)):
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9)
    center, o, U, negatives = checks._neg_inputs("repeats")(rng)
    assert len(set(negatives.tolist())) < len(negatives) and o in negatives
    want = _torch_losses(center, o, U, negatives)
    for got, w in zip(checks.neg_sampling(center, o, U, negatives), want):
        np.testing.assert_allclose(got, w, rtol=1e-9, atol=1e-12)
    x = rng.normal(size=7) * 900
    want = torch.sigmoid(torch.tensor(x)).numpy()
    np.testing.assert_allclose(checks.sigmoid(x), want, rtol=1e-12, atol=1e-300)


def assert_release_committed(graded: dict, assignment: str) -> None:
    """The student notebook in the repository (which the book's Colab buttons open) is current."""
    committed = ROOT / "assignments" / "release" / assignment / f"{assignment}.ipynb"
    where = committed.relative_to(ROOT)
    fix = f"run `python -m autograder release {assignment}` and commit {where}"
    assert committed.is_file(), f"missing: {fix}"
    assert committed.read_bytes() == graded["released"].read_bytes(), f"out of date: {fix}"


def test_the_committed_student_notebook_is_the_release(graded):
    assert_release_committed(graded, "a2_word2vec")
