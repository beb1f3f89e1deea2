"""Read a submitted notebook without trusting it, and find the student's answers in it.

A submission is untrusted bytes: :func:`read` turns it into cells or raises
:class:`NotebookError` with a message for the student (empty file, not UTF-8, not JSON, not a
notebook). :func:`answers` finds the answer cells by their nbgrader ``grade_id`` wherever they
are (reordered, duplicated: the last copy counts); when the metadata is gone it finds the
functions by name instead, and says so. :func:`edited_locked_cells` compares locked cells with
the released version by nbgrader's checksum. Nothing here executes the student's code.
"""

from __future__ import annotations

import ast
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from nbformat import NotebookNode
from nbgrader.utils import compute_checksum

MAX_BYTES = 50 << 20


class NotebookError(ValueError):
    """The submission cannot be read as a notebook; the message says why and what to do."""


@dataclass
class Submission:
    student: str
    path: Path
    sha256: str
    cells: list[dict]


@dataclass
class Answers:
    code: dict[str, str]  # answer cell grade_id -> code to run, in the assignment's order
    notes: list[str] = field(default_factory=list)  # what the student should know


def student_id(path: Path) -> str:
    """The student's id: the folder's name, or the notebook file's stem."""
    return path.name if path.is_dir() else path.stem


def locate(path: Path, notebook_name: str) -> Path:
    """The notebook file of a submission: ``path`` itself, or in a folder
    ``<notebook_name>.ipynb`` (else its only notebook)."""
    path = Path(path)
    if not path.is_dir():
        return path
    found = sorted(path.rglob(f"{notebook_name}.ipynb")) or sorted(path.rglob("*.ipynb"))
    if not found:
        raise NotebookError(f"no notebook in the folder {path.name}: submit {notebook_name}.ipynb")
    return found[0]


def digest(path: Path, notebook_name: str) -> str:
    """sha256 of the submitted notebook's bytes ("" if there is none), to spot a resubmission."""
    try:
        return hashlib.sha256(locate(path, notebook_name).read_bytes()).hexdigest()
    except (NotebookError, OSError):
        return ""


def read(path: Path, notebook_name: str) -> Submission:
    """Load a submission: a notebook file, or a folder holding ``<notebook_name>.ipynb``."""
    sub = Submission(student_id(Path(path)), Path(path), "", [])
    data = locate(path, notebook_name).read_bytes()
    sub.sha256 = hashlib.sha256(data).hexdigest()
    if not data.strip():
        raise NotebookError(
            "the file is empty: save the notebook in Jupyter (File > Save) and submit it again"
        )
    if len(data) > MAX_BYTES:
        raise NotebookError(f"the file is larger than {MAX_BYTES >> 20} MB: clear the outputs")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotebookError(
            f"the file is not UTF-8 text (byte {data[exc.start]:#04x} at position {exc.start}): "
            "it is not a notebook saved by Jupyter, or it was damaged in transfer"
        ) from None
    try:
        nb = json.loads(text)
    except ValueError as exc:
        raise NotebookError(
            f"the file is not valid JSON ({exc}): a notebook edited by hand or cut short; "
            "open it in Jupyter, save it and submit it again"
        ) from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise NotebookError("the file is JSON but not a Jupyter notebook (no list of cells)")
    sub.cells = [_clean(c) for c in nb["cells"] if isinstance(c, dict)]
    return sub


def _clean(cell: dict) -> dict:
    """A cell as {cell_type, source (str), grade_id, nbgrader (dict)}, whatever its shape."""
    source = cell.get("source", "")
    if isinstance(source, list):
        source = "".join(s for s in source if isinstance(s, str))
    meta = cell.get("metadata")
    nbg = meta.get("nbgrader") if isinstance(meta, dict) else None
    nbg = nbg if isinstance(nbg, dict) else {}
    grade_id = nbg.get("grade_id") if isinstance(nbg.get("grade_id"), str) else None
    kind = cell.get("cell_type") if isinstance(cell.get("cell_type"), str) else "unknown"
    return {"cell_type": kind, "source": source if isinstance(source, str) else "",
            "grade_id": grade_id, "nbgrader": nbg}  # fmt: skip


def answers(sub: Submission, spec: dict[str, list[str]], assignment: str) -> Answers:
    """The code of each answer cell in ``spec`` ({grade_id: [function names]})."""
    out = Answers({})
    code_cells = [c for c in sub.cells if c["cell_type"] == "code"]
    by_id: dict[str, list[dict]] = {}
    for cell in code_cells:  # a locked cell (solution: false) is never an answer, whatever its id
        if cell["grade_id"] and cell["nbgrader"].get("solution", True):
            by_id.setdefault(cell["grade_id"], []).append(cell)
    missing = []
    for grade_id in spec:
        copies = by_id.get(grade_id, [])
        if len(copies) > 1:
            out.notes.append(
                f"the answer cell '{grade_id}' appears {len(copies)} times: "
                "the last copy was graded"
            )
        if copies:
            out.code[grade_id] = copies[-1]["source"]
        else:
            missing.append(grade_id)
    if missing:
        _by_name(code_cells, spec, missing, out, has_ids=bool(by_id), assignment=assignment)
    for grade_id, code in out.code.items():
        out.code[grade_id] = strip_magics(code, grade_id, out.notes)
    out.code = {g: out.code[g] for g in spec if g in out.code}
    return out


def _by_name(cells, spec, missing, out: Answers, has_ids: bool, assignment: str) -> None:
    """Fallback: the last code cell that defines each missing cell's functions."""
    defines: list[tuple[dict, set[str]]] = []
    for cell in cells:
        try:
            tree = ast.parse(strip_magics(cell["source"], "", []))
        except (SyntaxError, ValueError):
            continue
        names = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
        defines.append((cell, names))
    found = []
    for grade_id in missing:
        wanted = set(spec[grade_id])
        cells_with = [c for c, names in defines if wanted & names]
        if cells_with:
            out.code[grade_id] = cells_with[-1]["source"]
            found.append(grade_id)
    if len(missing) == len(spec) and not found:
        others = sorted({c["grade_id"] for c in cells if c["grade_id"]})[:5]
        extra = f" (its cells are named {', '.join(others)})" if others else ""
        out.notes.append(
            f"this notebook has none of {assignment}'s answer cells or functions{extra}: is it "
            "the notebook of another assignment?"
        )
    elif found:
        why = (
            "some answer cells lost their nbgrader metadata"
            if has_ids
            else ("the notebook has no nbgrader metadata (copied into a new notebook?)")
        )
        names = ", ".join(name for grade_id in found for name in spec[grade_id])
        out.notes.append(f"{why}; the grader found {names} by function name instead")
    for grade_id in sorted(set(missing) - set(found)):
        if found or len(missing) < len(spec):
            out.notes.append(f"the answer cell '{grade_id}' is missing (deleted?)")


def strip_magics(code: str, grade_id: str, notes: list[str]) -> str:
    """IPython magics and shell escapes (%..., !...) become ``pass``: the grader runs Python."""
    lines = code.split("\n")
    changed = False
    for i, line in enumerate(lines):
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            lines[i] = line[: len(line) - len(stripped)] + "pass"
            changed = True
    if changed and grade_id:
        notes.append(f"IPython magics and shell commands in '{grade_id}' were not run")
    return "\n".join(lines)


def locked_cells(source_notebook: Path) -> dict[str, str]:
    """{grade_id: nbgrader checksum} of the locked cells of the instructor's notebook."""
    nb = json.loads(Path(source_notebook).read_text(encoding="utf-8"))
    out = {}
    for cell in nb["cells"]:
        nbg = cell.get("metadata", {}).get("nbgrader", {})
        if nbg.get("locked") and nbg.get("grade_id"):
            out[nbg["grade_id"]] = compute_checksum(_node(cell, _source(cell)))
    return out


def edited_locked_cells(sub: Submission, source_notebook: Path) -> list[str]:
    """Notes on locked cells that the student edited or deleted (they are never run)."""
    reference = json.loads(Path(source_notebook).read_text(encoding="utf-8"))
    released = {
        c["metadata"]["nbgrader"]["grade_id"]: c
        for c in reference["cells"]
        if c.get("metadata", {}).get("nbgrader", {}).get("locked")
    }
    checksums = locked_cells(source_notebook)
    mine = {c["grade_id"]: c for c in sub.cells if c["grade_id"]}
    if not set(mine) & set(released):
        return []  # no metadata, or another assignment: answers() has said so
    notes = []
    for grade_id, cell in released.items():
        if grade_id not in mine:
            notes.append(f"the locked cell '{grade_id}' was deleted")
        elif compute_checksum(_node(cell, mine[grade_id]["source"])) != checksums[grade_id]:
            notes.append(f"the locked cell '{grade_id}' was edited")
    if notes:
        notes.append("locked cells are never run by the grader: the released versions count")
    return notes


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _node(cell: dict, source: str) -> NotebookNode:
    """The released cell with ``source`` in place of its own, as nbgrader checksums it."""
    return NotebookNode(
        cell_type=cell["cell_type"],
        source=source,
        metadata=NotebookNode(nbgrader=NotebookNode(cell["metadata"]["nbgrader"])),
    )


def visible_tests(sub: Submission) -> tuple[list[dict], list[dict]]:
    """For ``check``: (answer cells, visible test cells) in notebook order, as cells with
    ``grade_id``, ``source`` and (for tests) ``points`` in ``nbgrader``."""
    code = [c for c in sub.cells if c["cell_type"] == "code" and c["grade_id"]]
    solutions = [c for c in code if c["nbgrader"].get("solution") is True]
    tests = [c for c in code if c["nbgrader"].get("grade") is True]
    return solutions, tests
