"""Grade one submission (:func:`grade_one`, callable from any job runner) or a batch.

For one submission: read it (``notebook``), draw the test inputs from a fresh seed and compute
the references (here, trusted), run the student's answer cells and the calls in the sandbox,
and judge what comes back (``verdict``). A batch grades ``jobs`` submissions at a time in
worker threads (each waits on its own sandbox process); the main thread alone writes the
gradebook and the reports, one submission at a time, in the order they finish. Submissions
whose results are already written for the same file content are skipped, so a batch killed
half-way resumes where it stopped.
"""

from __future__ import annotations

import importlib
import secrets
import sys
import time
import traceback
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from types import ModuleType

import numpy as np

from autograder import gradebook, notebook, protocol, report, sandbox, verdict
from autograder.sandbox import Item, Limits, Outcome
from autograder.verdict import Graded


def load_checks(assignment: str) -> ModuleType:
    """The hidden tests of ``assignment`` (``autograder/checks/<assignment>.py``)."""
    try:
        return importlib.import_module(f"autograder.checks.{assignment}")
    except ModuleNotFoundError:
        raise SystemExit(
            f"no hidden tests for '{assignment}': expected autograder/checks/{assignment}.py"
        ) from None


def grade_one(
    checks: ModuleType,
    path: Path,
    limits: Limits,
    hide: list[Path],
    source_notebook: Path | None = None,
    seed: int | None = None,
) -> Graded:
    """Grade the submission at ``path`` (a notebook or a folder). Never raises for anything
    the submission contains; every problem becomes a message in the result."""
    start = time.monotonic()
    seed = secrets.randbits(63) if seed is None else seed
    graded = Graded(checks.ASSIGNMENT, notebook.student_id(Path(path)), "", [], seed=seed)
    graded.sha256 = notebook.digest(Path(path), checks.NOTEBOOK)
    try:
        sub = notebook.read(Path(path), checks.NOTEBOOK)
    except notebook.NotebookError as exc:
        message = "not graded: the notebook could not be read (see the note above)"
        graded.tests = [_failed(t, message) for t in checks.TESTS]
        graded.notes.append(str(exc))
        graded.isolation = "not run: the submission could not be read"
        graded.seconds = time.monotonic() - start
        return graded
    except OSError as exc:
        raise RuntimeError(f"cannot read {path}: {exc}") from exc
    found = notebook.answers(sub, checks.ANSWERS, checks.ASSIGNMENT)
    graded.notes += found.notes
    if source_notebook is not None:
        graded.notes += notebook.edited_locked_cells(sub, source_notebook)

    items = [Item(f"cell {gid}", code=code) for gid, code in found.code.items()]
    expected = []
    for index, test in enumerate(checks.TESTS):
        args = test.inputs(np.random.default_rng([seed, index]))
        expected.append(test.reference(*args))
        call = Item(f"test {index}", fn=test.fn, args=protocol.encode(args))
        call.returns_args, call.patch = list(test.returns_args), test.patch
        items.append(call)
    run = sandbox.run(items, limits, hide)
    for gid in found.code:
        outcome = run.outcomes[f"cell {gid}"]
        if outcome.status != "ok":
            graded.notes.append(f"the cell '{gid}' did not run to the end: {outcome.error}")
        graded.notes += [f"the cell '{gid}' warned: {w}" for w in outcome.warnings]
    graded.tests = [
        verdict.judge(test, run.outcomes[f"test {i}"], expected[i])
        for i, test in enumerate(checks.TESTS)
    ]
    graded.isolation = run.isolation
    graded.output, graded.output_chars = run.output, run.output_chars
    graded.seconds = time.monotonic() - start
    return graded


def _failed(test: verdict.Test, message: str) -> verdict.TestResult:
    return verdict.judge(test, Outcome("not run", error=message), None)


def grade_batch(
    checks: ModuleType,
    paths: list[Path],
    out: Path,
    course: Path,
    gradebook_path: Path,
    limits: Limits,
    jobs: int = 1,
    force: bool = False,
    seed: int | None = None,
) -> int:
    """Grade ``paths`` into ``out`` and the gradebook; returns the exit status (0: every
    submission has a result, 1: the grader failed on some, 2: bad arguments)."""
    paths = [Path(p) for p in paths]
    students: dict[str, Path] = {}
    for p in paths:
        sid = notebook.student_id(p)
        if sid in students:
            print(f"two submissions for student '{sid}': {students[sid]} and {p}", file=sys.stderr)
            return 2
        if not p.exists():
            print(f"no such submission: {p}", file=sys.stderr)
            return 2
        students[sid] = p
    source = course / "source" / checks.ASSIGNMENT / f"{checks.NOTEBOOK}.ipynb"
    hide = sorted({course, out, gradebook_path.parent} | {p.resolve().parent for p in paths})
    out.mkdir(parents=True, exist_ok=True)
    todo = []
    for sid, p in students.items():
        if not force and report.finished(out, sid, notebook.digest(p, checks.NOTEBOOK)):
            continue
        todo.append(p)
    if len(todo) < len(paths):
        print(f"{len(paths) - len(todo)} submission(s) already graded (use --force to regrade)")
    status = 0
    with gradebook.opened(gradebook_path, checks.ASSIGNMENT, checks.NOTEBOOK, checks.PARTS) as gb:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = {
                pool.submit(
                    grade_one, checks, p, limits, hide, source if source.exists() else None, seed
                ): p
                for p in todo
            }
            for future in as_completed(futures):
                p = futures[future]
                try:
                    g = future.result()
                except Exception:
                    print(f"grader error on {p}:\n{traceback.format_exc()}", file=sys.stderr)
                    status = 1
                    continue
                gradebook.record(
                    gb, gradebook_path, checks.ASSIGNMENT, checks.NOTEBOOK, g.student,
                    g.part_scores(),
                )  # fmt: skip
                report.write_student(out, g)
                print(f"{g.student}: {g.score:g} / {g.max_score:g}  ({g.seconds:.1f} s)")
    report.write_csv(out)
    return status
