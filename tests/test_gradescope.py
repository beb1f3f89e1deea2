"""The Gradescope bundle (``python -m autograder gradescope``), unpacked and run as Gradescope
runs it: ``source/`` the zip, ``submission/`` the student's files, ``results/`` the output, in
a temporary folder that stands for /autograder. The interpreter sees the environment's packages
but not this checkout (installed editable), as on Gradescope: what grades is the bundle's copy.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from autograder import notebook, release

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "assignments" / "source" / "a2_word2vec" / "a2_word2vec.ipynb"
WRONG = ROOT / "tests" / "autograder_cases" / "a2_word2vec" / "unstable_sigmoid.py"


def _broken_sigmoid() -> bytes:
    """The solution with the sigmoid of the ``unstable_sigmoid`` case (NaN for large x)."""
    nb = json.loads(SOURCE.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if c["metadata"]["nbgrader"]["grade_id"] == "sigmoid")
    cell["source"] = WRONG.read_text(encoding="utf-8")
    return json.dumps(nb).encode()


SUBMISSIONS = {
    "solution": SOURCE.read_bytes,
    "broken_sigmoid": _broken_sigmoid,
    "empty": lambda: b"",
    "missing": None,  # no submission folder at all: the grader itself fails
}


@pytest.fixture(scope="module")
def zip_path(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bundle")
    run = subprocess.run(
        [sys.executable, "-m", "autograder", "gradescope", "a2_word2vec", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    path = out / "a2_word2vec_gradescope.zip"
    assert run.stdout.strip() == str(path)
    return path


def _python_without_checkout(tmp: Path) -> Path:
    """A virtual environment that sees this one's packages through a .pth file: the editable
    install's finder (a .pth file there) is not loaded, so neither ``autograder`` nor
    ``dlnlp`` can be imported from the checkout."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(tmp)], check=True)
    site = next((tmp / "lib").glob("python3*/site-packages"))
    (site / "course_env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return tmp / "bin" / "python"


@pytest.fixture(scope="module")
def graded(zip_path, tmp_path_factory) -> dict:
    """Each submission in its own /autograder, all run at once: {name: (results, stdout)}."""
    tmp = tmp_path_factory.mktemp("gradescope")
    python = _python_without_checkout(tmp / "python")
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
           "AUTOGRADER_PYTHON": str(python), "HOME": str(Path.home())}  # fmt: skip
    procs = {}
    for name, make in SUBMISSIONS.items():
        root = tmp / name
        with zipfile.ZipFile(zip_path) as zf:
            zf.extractall(root / "source")
        (root / "results").mkdir()
        shutil.copy(root / "source" / "run_autograder", root / "run_autograder")  # as Gradescope
        if make is not None:
            (root / "submission").mkdir()
            (root / "submission" / "a2_word2vec.ipynb").write_bytes(make())
        procs[name] = subprocess.Popen(
            ["bash", str(root / "run_autograder")], cwd=root, env={**env, "AUTOGRADER_ROOT":
            str(root)}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
    done = {}
    for name, proc in procs.items():
        stdout = proc.communicate(timeout=240)[0]
        assert proc.returncode == 0, stdout
        results = tmp / name / "results" / "results.json"
        assert results.exists(), stdout
        done[name] = (json.loads(results.read_text(encoding="utf-8")), stdout)
    done["python"], done["tmp"] = python, tmp
    return done


def test_bundle_has_the_grader_and_no_solution(zip_path, tmp_path):
    with zipfile.ZipFile(zip_path) as zf:
        names = set(zf.namelist())
        modes = {i.filename: i.external_attr >> 16 for i in zf.infolist()}
        zf.extractall(tmp_path)
    assert {"setup.sh", "run_autograder", "autograder/grade.py", "autograder/gradescope.py",
            "autograder/checks/a2_word2vec.py"} <= names  # fmt: skip
    assert modes["run_autograder"] & 0o111 and modes["setup.sh"] & 0o111
    assert [n for n in names if n.endswith(".ipynb")] == [
        "assignments/source/a2_word2vec/a2_word2vec.ipynb"
    ]
    text = {n: (tmp_path / n).read_text(encoding="utf-8") for n in names}
    assert not [n for n, t in text.items() for m in release.MARKERS if m in t]
    bundled = tmp_path / "assignments" / "source" / "a2_word2vec" / "a2_word2vec.ipynb"
    assert not release.solution_lines(SOURCE) & release.public_lines(bundled)
    cells = json.loads(bundled.read_text(encoding="utf-8"))["cells"]
    assert not [c for c in cells if c["metadata"]["nbgrader"].get("solution")]
    # the locked cells' checksums, as the release recorded them in the gradebook
    assert notebook.locked_cells(bundled) == notebook.locked_cells(SOURCE)


def test_setup_sh_installs_the_dependencies_only(zip_path):
    with zipfile.ZipFile(zip_path) as zf:
        setup = zf.read("setup.sh").decode()
    assert subprocess.run(["bash", "-n", "-c", setup]).returncode == 0
    assert setup.startswith("#!/usr/bin/env bash\n") and "set -euo pipefail" in setup
    assert "pip install --no-cache-dir torch --index-url https://download.pytorch.org/whl/cpu" in (
        setup
    )
    assert "numpy" in setup and "nbgrader" in setup
    assert not re.search(r"git\+|github|dlnlp|autograder @", setup)  # the grader is the bundle's


def test_results_have_gradescopes_keys(graded):
    for name in SUBMISSIONS:
        results = graded[name][0]
        assert {"score", "output", "tests", "visibility", "stdout_visibility"} <= set(results)
        assert all({"name", "score", "max_score", "status", "output"} <= set(t)
                   for t in results["tests"])  # fmt: skip


def test_the_solution_scores_100(graded):
    results, stdout = graded["solution"]
    assert results["score"] == 100, stdout
    assert {t["status"] for t in results["tests"]} == {"passed"}
    assert sum(t["max_score"] for t in results["tests"]) == 100
    assert "submission: 100 / 100" in stdout


def test_a_broken_sigmoid_loses_its_test(graded):
    results, stdout = graded["broken_sigmoid"]
    failed = [t["name"] for t in results["tests"] if t["status"] == "failed"]
    assert failed == ["sigmoid: large |x|"], stdout
    assert results["score"] == 95


def test_an_unreadable_submission_still_gets_results(graded):
    results, _ = graded["empty"]
    assert results["score"] == 0 and "is empty" in results["output"]
    results, stdout = graded["missing"]
    assert results["score"] == 0 and results["extra_data"] == {"grader_error": True}
    assert "the grader failed" in results["output"] and "no such submission" in stdout


def test_only_the_bundle_grades(graded):
    """The interpreter that graded cannot import the checkout's grader or library."""
    for module in ("autograder", "dlnlp"):
        probe = subprocess.run([str(graded["python"]), "-I", "-c", f"import {module}"],
                               cwd="/", capture_output=True, text=True)  # fmt: skip
        assert probe.returncode != 0 and "ModuleNotFoundError" in probe.stderr
    assert subprocess.run([str(graded["python"]), "-I", "-c", "import numpy"]).returncode == 0
    # run_autograder shuts the hidden tests away from other users (the sandbox's uid)
    assert (graded["tmp"] / "solution" / "source").stat().st_mode & 0o077 == 0
