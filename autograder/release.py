"""``release``: the student version of an assignment, by ``nbgrader generate_assignment``.

nbgrader strips the solutions (``### BEGIN SOLUTION`` ... ``### END SOLUTION``) and records
every graded and locked cell, with its checksum, in the gradebook. This module runs it inside
the course folder (so that its ``nbgrader_config.py`` applies), then checks the result: no
solution or hidden-test text left, and the locked cells' checksums in the gradebook equal to
the ones the grader computes from the source (``notebook.locked_cells``), which it compares
submissions against.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from autograder import notebook
from autograder.gradebook import alembic_on_path

MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


def _lines(cell: dict) -> list[str]:
    source = cell["source"]
    return ("".join(source) if isinstance(source, list) else source).splitlines()


def _split(source_notebook: Path) -> tuple[set[str], set[str]]:
    """(lines between solution or hidden-test markers, all other lines) of a notebook."""
    secret, public, inside = set(), set(), False
    for cell in json.loads(source_notebook.read_text(encoding="utf-8"))["cells"]:
        for line in _lines(cell):
            if "BEGIN SOLUTION" in line or "BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "END SOLUTION" in line or "END HIDDEN TESTS" in line:
                inside = False
            elif line.strip():
                (secret if inside else public).add(line.strip())
    return secret, public


def solution_lines(source_notebook: Path) -> set[str]:
    """Lines that occur only inside solutions (or hidden tests): what must not reach students."""
    secret, public = _split(source_notebook)
    return secret - public


def public_lines(source_notebook: Path) -> set[str]:
    """Lines of the notebook that students are meant to see."""
    return _split(source_notebook)[1]


def leaks(released: Path, source_notebook: Path) -> list[str]:
    """Markers or solution-only lines that made it into a released notebook."""
    text = released.read_text(encoding="utf-8")
    released_lines = {line.strip() for c in json.loads(text)["cells"] for line in _lines(c)}
    found = [m for m in MARKERS if m in text]
    return found + sorted(solution_lines(source_notebook) & released_lines)


def release(assignment: str, course: Path) -> int:
    course = Path(course).resolve()
    source_dir = course / "source" / assignment
    if not source_dir.is_dir():
        print(f"no assignment '{assignment}' in {course / 'source'}", file=sys.stderr)
        return 2
    alembic_on_path()
    proc = subprocess.run(
        [sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force"],
        cwd=course,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        print(proc.stdout + proc.stderr, file=sys.stderr)
        return 1
    status = 0
    for source_nb in sorted(source_dir.glob("*.ipynb")):
        released = course / "release" / assignment / source_nb.name
        found = leaks(released, source_nb)
        if found:
            print(f"{released}: solution text left in the release: {found[:3]}", file=sys.stderr)
            status = 1
        expected = notebook.locked_cells(source_nb)
        with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
            recorded = {}
            for name in expected:
                try:
                    cell = gb.find_source_cell(name, source_nb.stem, assignment)
                except MissingEntry:
                    continue
                recorded[name] = cell.checksum
        if recorded != expected:
            print(f"{released}: the gradebook's locked-cell checksums differ", file=sys.stderr)
            status = 1
        print(f"released {released.relative_to(course)}: {len(expected)} locked cells, "
              "checksums recorded in gradebook.db")  # fmt: skip
    return status
