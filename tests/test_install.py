"""The package installs from a git URL into a clean virtual environment (as Colab installs it),
and a chapter then runs from a folder outside the repository, offline, on the embedded data.

Takes about a minute: it creates a venv and pip-installs the dependencies (from pip's cache
after the first run). It installs the committed HEAD, so commit before relying on it.
"""

import shutil
import subprocess
import sys
import venv

import torch
from conftest import ROOT

CHAPTER = ROOT / "book" / "word-vectors" / "count-based.ipynb"

RUN_NOTEBOOK = """
import sys, nbformat, nbclient
nb = nbformat.read(sys.argv[1], as_version=4)
nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                        resources={"metadata": {"path": sys.argv[2]}}).execute()
outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
print("OUTPUTS", len(outputs))
print("".join(o.get("text", "") for o in outputs if o.output_type == "stream"))
"""


def run(*cmd, **kw):
    result = subprocess.run(cmd, capture_output=True, text=True, **kw)
    assert result.returncode == 0, f"{' '.join(map(str, cmd))}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_git_install_into_clean_venv_runs_a_chapter_outside_the_repo(tmp_path):
    head = run("git", "-C", str(ROOT), "rev-parse", "HEAD").strip()
    venv.create(tmp_path / "venv", with_pip=True)
    python = str(tmp_path / "venv" / "bin" / "python")
    pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    run(*pip, "--upgrade", "pip")  # as on Colab; pip 23.2 rejects "name @ git+file://...@sha"
    # the torch build this environment already uses (pip takes it from its cache or local disk)
    run(*pip, f"torch=={torch.__version__.split('+')[0]}")
    run(*pip, f"dlnlp @ git+file://{ROOT}@{head}")
    run(*pip, "nbclient", "ipykernel")

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    shutil.copy(CHAPTER, outside)
    # the installed package, not the checkout, is what gets imported
    where = run(python, "-c", "import dlnlp; print(dlnlp.__file__)", cwd=outside)
    assert str(ROOT) not in where and "site-packages" in where
    # students install this package: the grader comes with it, its hidden tests do not
    shipped = run(python, "-c", "import autograder, pathlib; print(sorted(p.name for p in "
                  "pathlib.Path(autograder.__file__).parent.iterdir()))", cwd=outside)  # fmt: skip
    assert "sandbox.py" in shipped and "checks" not in shipped

    env = {
        "PATH": f"{tmp_path / 'venv' / 'bin'}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DLNLP_OFFLINE": "1",
        "DLNLP_DATA": str(tmp_path / "data"),
    }
    out = run(
        python,
        "-c",
        RUN_NOTEBOOK,
        str(outside / CHAPTER.name),
        str(outside),
        cwd=outside,
        env=env,
        timeout=900,
    )
    assert "OUTPUTS" in out and "using the embedded Wikipedia sample" in out
    assert sys.prefix not in out  # nothing leaked from the test's own environment
