"""One assignment's catalogue of submissions, graded through the CLI in one batch.

Every ``tests/test_autograder_<assignment>.py`` (after a2's, which builds the cases' shared
machinery in test_autograder.py) releases a copy of the course, turns each file of
``tests/autograder_cases/<assignment>/`` into a submission, grades them all with ``--jobs 2`` and
checks the outcome with the helpers here.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from test_autograder import ROOT, build, cli, parse


def cases_dir(assignment: str) -> Path:
    return ROOT / "tests" / "autograder_cases" / assignment


def source(assignment: str) -> Path:
    return ROOT / "assignments" / "source" / assignment / f"{assignment}.ipynb"


def grade_all(tmp: Path, assignment: str, other: str | None = None, timeout=None) -> dict:
    """Release, build and grade every case of ``assignment`` under ``tmp``.

    A case with ``# build: solution`` is the instructor's notebook, ``released`` the student
    version, ``<other>_notebook`` the notebook of assignment ``other`` (handed in by mistake);
    the rest are splices into the solution (see test_autograder.build).
    """
    course = tmp / "course"
    shutil.copytree(ROOT / "assignments", course, ignore=shutil.ignore_patterns(
        "release", "submitted", "autograded", "feedback", "gradebook.db*"))  # fmt: skip
    rel = cli("release", assignment, "--course", str(course))
    assert rel.returncode == 0, rel.stdout + rel.stderr
    released = course / "release" / assignment / f"{assignment}.ipynb"
    subs, out = tmp / "submissions", tmp / "out"
    subs.mkdir()
    solution = json.loads(source(assignment).read_text(encoding="utf-8"))
    whole = {"solution": source(assignment), "released": released}
    if other:
        whole[f"{other.split('_')[0]}_notebook"] = source(other)
    cases = [parse(p) for p in sorted(cases_dir(assignment).glob("*.py"))]
    for case in cases:
        body = (whole[case.build].read_bytes() if case.build in whole
                else build(case, solution, released, {}))  # fmt: skip
        (subs / f"{case.name}.ipynb").write_bytes(body)
    extra = ["--timeout", str(timeout)] if timeout else []
    run = cli("grade", assignment, *map(str, sorted(subs.iterdir())), "--jobs", "2",
              "--out", str(out), "--course", str(course), *extra)  # fmt: skip
    return {"cases": cases, "run": run, "out": out, "subs": subs, "released": released}


def results(graded: dict, name: str) -> dict:
    return json.loads((graded["out"] / name / "results.json").read_text(encoding="utf-8"))


def text(graded: dict, name: str) -> str:
    """Everything the student reads for one submission: the summary and every test's output."""
    r = results(graded, name)
    return r["output"] + "\n" + "\n".join(t["output"] for t in r["tests"])


def assert_batch_finished(graded: dict) -> None:
    run = graded["run"]
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-4000:]
    rows = (graded["out"] / "grades.csv").read_text().splitlines()
    assert len(rows) == 1 + len(graded["cases"])


def assert_expected_score(graded: dict, name: str) -> None:
    case = next(c for c in graded["cases"] if c.name == name)
    r = results(graded, name)
    failed = [f"{t['name']}: {t['output']}" for t in r["tests"] if t["status"] == "failed"]
    assert r["score"] == case.expected, "\n".join([r["output"], *failed])
    assert sum(t["max_score"] for t in r["tests"]) == 100
