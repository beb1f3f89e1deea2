"""Grades into the nbgrader gradebook: one writer, one lock, one transaction per submission.

Only the grader's main process writes (workers hand their results back to it). Each write
holds an exclusive lock on ``<gradebook>.lock``, so separate grader runs on one machine queue
up, and puts a submission's grades in a single SQLite transaction: a kill, even ``kill -9``,
leaves either the old grades or the new ones, never half. Grades are upserts keyed by
(assignment, student, grade cell), so grading again replaces a grade instead of adding one.
nbgrader's own ``update_or_create_*`` helpers commit after every row, so the submission rows
are built here with its models instead.
"""

from __future__ import annotations

import fcntl
import os
import sys
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from nbgrader.api import Grade as GradeRow
from nbgrader.api import (
    Gradebook,
    MissingEntry,
    Student,
    SubmittedAssignment,
    SubmittedNotebook,
)


def alembic_on_path() -> None:
    """nbgrader runs the ``alembic`` command (installed beside this Python) when it creates a
    gradebook; make sure it is found even when the environment is not activated."""
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")


@contextmanager
def _lock(db_path: Path):
    fd = os.open(f"{db_path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


@contextmanager
def opened(db_path: Path, assignment: str, notebook: str, parts: dict[str, float]):
    """The gradebook at ``db_path`` with the assignment, its notebook and its grade cells
    (``parts``: {grade cell: points}) present, as ``nbgrader generate_assignment`` makes them."""
    db_path = Path(db_path).resolve()
    db_path.parent.mkdir(parents=True, exist_ok=True)
    alembic_on_path()
    with _lock(db_path):
        gb = Gradebook(f"sqlite:///{db_path}")
        try:
            gb.update_or_create_assignment(assignment)
            gb.update_or_create_notebook(notebook, assignment)
            for name, points in parts.items():
                gb.update_or_create_grade_cell(
                    name, notebook, assignment, max_score=points, cell_type="code"
                )
        except BaseException:
            gb.close()
            raise
    try:
        yield gb
    finally:
        gb.close()


def record(gb: Gradebook, db_path: Path, assignment: str, notebook: str, student: str,
           scores: dict[str, float]) -> None:  # fmt: skip
    """Set ``student``'s auto-scores ({grade cell: points}) in one transaction."""
    with _lock(Path(db_path).resolve()):
        db = gb.db
        try:
            with db.no_autoflush:
                person = db.get(Student, student)
                if person is None:
                    person = Student(id=student)
                    db.add(person)
                nb = gb.find_notebook(notebook, assignment)
                try:
                    submission = gb.find_submission(assignment, student)
                except MissingEntry:
                    submission = SubmittedAssignment(
                        assignment=gb.find_assignment(assignment), student=person
                    )
                    db.add(submission)
                sub_nb = next((n for n in submission.notebooks if n.notebook_id == nb.id), None)
                if sub_nb is None:
                    sub_nb = SubmittedNotebook(notebook=nb, assignment=submission)
                    db.add(sub_nb)
                grades = {g.cell_id: g for g in sub_nb.grades}
                for cell in nb.grade_cells:
                    grade = grades.get(cell.id)
                    if grade is None:
                        grade = GradeRow(cell_id=cell.id, notebook=sub_nb)
                        db.add(grade)
                    grade.auto_score = scores.get(cell.name, 0.0)
                    grade.needs_manual_grade = False
            submission.timestamp = datetime.now(timezone.utc).replace(tzinfo=None)
            db.commit()
        except BaseException:
            db.rollback()
            raise


def scores(db_path: Path, assignment: str) -> dict[str, float]:
    """{student: total auto-score} as the gradebook has them (for checks and reports)."""
    with Gradebook(f"sqlite:///{Path(db_path).resolve()}") as gb:
        return {
            s.student.id: sum(g.auto_score or 0.0 for nb in s.notebooks for g in nb.grades)
            for s in gb.assignment_submissions(assignment)
        }
