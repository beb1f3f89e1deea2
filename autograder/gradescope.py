"""``gradescope``: the grader as a Gradescope autograder bundle, and the entry point it runs.

Gradescope (https://gradescope-autograders.readthedocs.io/en/latest/specs/) builds an Ubuntu
image from a zip holding ``setup.sh`` (run once, as root: installs the dependencies) and
``run_autograder`` (run once per submission in ``/autograder``, where ``source/`` is the
unpacked zip, ``submission/`` the student's files and ``results/results.json`` the result).
The bundle holds this package with the hidden tests of one assignment and, in place of the
instructor's notebook, its locked cells: all ``notebook.edited_locked_cells`` reads to compare
checksums, and no solution. :func:`run` is what ``run_autograder`` calls, from ``source/``
(never an installed copy): the ``grade`` command on the one submission, whose results.json is
Gradescope's format already.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sys
import tempfile
import traceback
import zipfile
from pathlib import Path

from autograder.report import write_atomic

PACKAGE = Path(__file__).resolve().parent
LEFT_OUT = {"release.py"}  # not needed to grade; it quotes nbgrader's solution markers
EPOCH = (1980, 1, 1, 0, 0, 0)  # fixed timestamps: the same course gives the same zip

SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu 22.04 or
# later, for Python >= 3.10). It installs the grader's dependencies only: run_autograder runs
# the grader and its hidden tests from /autograder/source, as unpacked from this bundle.
set -euo pipefail
apt-get install -y --no-install-recommends python3 python3-pip util-linux
python3 -c 'import sys; assert sys.version_info >= (3, 10), sys.version'
export PIP_BREAK_SYSTEM_PACKAGES=1  # Ubuntu 24.04 marks its Python as externally managed
# the course's answers may use torch: its CPU build, without the CUDA libraries
python3 -m pip install --no-cache-dir torch --index-url https://download.pytorch.org/whl/cpu
python3 -m pip install --no-cache-dir "numpy>=1.24" "nbgrader>=0.9.3,<0.10" matplotlib
"""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this once per submission. AUTOGRADER_ROOT stands for /autograder (for
# tests), AUTOGRADER_PYTHON for python3. -I and sys.path: only the grader in source/ is used.
root="${{AUTOGRADER_ROOT:-/autograder}}"
chmod go-rwx "$root/source"  # hidden tests: closed to the sandbox's uid, namespaces or not
exec "${{AUTOGRADER_PYTHON:-python3}}" -I -c '
import sys
sys.path.insert(0, sys.argv[1] + "/source")
from autograder.gradescope import run
sys.exit(run(sys.argv[2], sys.argv[1]))
' "$root" {assignment}
"""


def bundle(assignment: str, course: Path, out: Path) -> Path:
    """Write ``out/<assignment>_gradescope.zip`` and return its path."""
    from autograder.grade import load_checks
    from autograder.release import MARKERS

    checks = load_checks(assignment)
    source = Path(course) / "source" / assignment / f"{checks.NOTEBOOK}.ipynb"
    if not source.exists():
        raise SystemExit(f"no instructor notebook at {source}: its locked cells are needed")
    files = {
        "setup.sh": SETUP_SH,
        "run_autograder": RUN_AUTOGRADER.format(assignment=shlex.quote(assignment)),
        **{
            f"autograder/{p.name}": p.read_text(encoding="utf-8")
            for p in sorted(PACKAGE.glob("*.py"))
            if p.name not in LEFT_OUT
        },
        "autograder/checks/__init__.py": (PACKAGE / "checks" / "__init__.py").read_text("utf-8"),
        f"autograder/checks/{assignment}.py": Path(checks.__file__).read_text(encoding="utf-8"),
        f"assignments/source/{assignment}/{source.name}": _locked_cells(source),
    }
    leaked = [(name, m) for name, text in files.items() for m in MARKERS if m in text]
    if leaked:
        raise SystemExit(f"not bundled: {leaked[0][0]} holds the marker '{leaked[0][1]}'")
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{assignment}_gradescope.zip"
    tmp = path.with_name(f".{path.name}.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            info = zipfile.ZipInfo(name, EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            mode = 0o755 if name in ("setup.sh", "run_autograder") else 0o644
            info.external_attr = (0o100000 | mode) << 16
            zf.writestr(info, text)
    os.replace(tmp, path)
    return path


def _locked_cells(source: Path) -> str:
    """The instructor's notebook cut down to its locked cells (metadata and source, no
    outputs): the answer cells, with the solutions, are left out."""
    nb = json.loads(source.read_text(encoding="utf-8"))
    cells = []
    for cell in nb["cells"]:
        nbg = cell.get("metadata", {}).get("nbgrader", {})
        if nbg.get("locked") and not nbg.get("solution"):
            kept = {"cell_type": cell["cell_type"], "metadata": {"nbgrader": nbg},
                    "source": cell["source"]}  # fmt: skip
            if cell["cell_type"] == "code":
                kept |= {"execution_count": None, "outputs": []}
            cells.append(kept)
    return json.dumps({**nb, "cells": cells}, indent=1, ensure_ascii=False) + "\n"


def run(assignment: str, root: str | Path) -> int:
    """Grade ``root/submission`` with the ``grade`` command and write Gradescope's
    ``root/results/results.json``: always, if need be one that says the grader failed."""
    from autograder.__main__ import main

    root = Path(root)
    work = Path(tempfile.mkdtemp(prefix="gradescope-"))
    try:
        main(["grade", assignment, str(root / "submission"), "--out", str(work / "out"),
              "--course", str(PACKAGE.parent / "assignments"),
              "--gradebook", str(work / "gradebook.db")])  # fmt: skip
        results = json.loads((work / "out" / "submission" / "results.json").read_text("utf-8"))
    except (Exception, SystemExit):
        traceback.print_exc(file=sys.stdout)  # Gradescope shows stdout to the instructors
        results = {
            "score": 0.0,
            "output": f"{assignment}: the grader failed on this submission, through no fault "
            "that it could name in your notebook. The course staff can see what happened and "
            "will grade it again.",
            "visibility": "visible",
            "stdout_visibility": "hidden",
            "tests": [],
            "extra_data": {"grader_error": True},
        }
    write_atomic(root / "results" / "results.json", json.dumps(results, indent=1))
    shutil.rmtree(work, ignore_errors=True)
    return 0
