"""``check``: the visible tests of a notebook, run for the student, with the same sandbox.

The notebook's answer cells and its visible test cells (nbgrader ``grade: true``) run in
notebook order; each test cell passes if it runs to the end. Its assertion messages are the
hints the hidden tests give, so a student sees the same words before and after submitting.
"""

from __future__ import annotations

from pathlib import Path

from autograder import notebook, sandbox
from autograder.sandbox import Item, Limits


def check(path: Path, limits: Limits) -> int:
    """Print one line per visible test; 0 if all pass, 1 if some fail, 2 if unreadable."""
    try:
        sub = notebook.read(Path(path), Path(path).stem)
    except (notebook.NotebookError, OSError) as exc:
        print(f"{path}: {exc}")
        return 2
    solutions, tests = notebook.visible_tests(sub)
    if not tests:
        print(f"{path}: no visible tests found (the nbgrader metadata of the cells is missing)")
        return 2
    order = [c for c in sub.cells if c in solutions or c in tests]
    items = [Item(c["grade_id"], code=notebook.strip_magics(c["source"], "", [])) for c in order]
    run = sandbox.run(items, limits, hide=[])
    earned = total = 0.0
    for cell in tests:
        points = float(cell["nbgrader"].get("points", 0) or 0)
        outcome = run.outcomes[cell["grade_id"]]
        total += points
        if outcome.status == "ok":
            earned += points
            print(f"pass  {cell['grade_id']:<24} {points:g} / {points:g}")
        else:
            print(f"FAIL  {cell['grade_id']:<24} 0 / {points:g}  {outcome.error}")
    for cell in solutions:
        outcome = run.outcomes[cell["grade_id"]]
        if outcome.status != "ok":
            print(f"note: the answer cell '{cell['grade_id']}' did not run: {outcome.error}")
    print(f"visible tests: {earned:g} / {total:g} points ({run.isolation})")
    return 0 if earned == total else 1
