"""Grading speed per assignment: ``nbgrader autograde`` against ``python -m autograder grade``.

    python benchmarks/grading.py                          # every assignment, 5 copies each
    python benchmarks/grading.py a2_word2vec --copies 20  # one assignment
    python benchmarks/grading.py --with-training

For each assignment both graders get the same copies of the source solution in a fresh copy of
the course. nbgrader executes each notebook top to bottom in a Jupyter kernel (visible tests
included); the autograder runs the answer cells and the hidden tests in its sandbox. By default
the copies leave out the ungraded cells after the last graded test (the training run at the end
of each notebook), which nbgrader would execute for every submission and the autograder never
runs; ``--with-training`` keeps them.

Prints, per assignment: the time to grade one submission alone (start-up included: this is what
one student waits for; issue goal under 15 s on the 2-core CPU), the time per submission in a
batch at ``--jobs 1`` and ``--jobs 2`` and nbgrader's, and the ratio. Asserts nothing
(the machine may be shared: numbers measured under load are slower and noisier).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "assignments" / "source"


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd[:4])}... failed:\n{proc.stdout[-2000:]}{proc.stderr[-4000:]}")
    return time.perf_counter() - start


def without_training(nb: dict) -> dict:
    """The notebook without the ungraded code cells after its last graded test."""
    points = [i for i, c in enumerate(nb["cells"]) if c["metadata"]["nbgrader"].get("points")]
    last = points[-1]
    nb = dict(nb)
    nb["cells"] = [c for i, c in enumerate(nb["cells"]) if i <= last or c["cell_type"] != "code"]
    return nb


def scores(out: Path) -> set[str]:
    return {r.split(",")[1] for r in (out / "grades.csv").read_text().splitlines()[1:]}


def bench(assignment: str, copies: int, with_training: bool, tmp: Path) -> dict[str, float]:
    nb = json.loads((SOURCE / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8"))
    if not with_training:
        nb = without_training(nb)
    course = tmp / assignment / "course"
    course.mkdir(parents=True)
    shutil.copy(ROOT / "assignments" / "nbgrader_config.py", course)
    shutil.copytree(SOURCE / assignment, course / "source" / assignment)
    py = [sys.executable, "-m"]
    timed(py + ["autograder", "release", assignment, "--course", str(course)], ROOT)
    subs = []
    for i in range(copies):
        folder = course / "submitted" / f"s{i:02d}" / assignment
        folder.mkdir(parents=True)
        (folder / f"{assignment}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
        subs.append(str(folder.parent))  # a folder per student: student id = folder name
    seconds = {"nbgrader": timed(py + ["nbgrader", "autograde", assignment, "--create"], course)}
    for name, jobs, batch in (("alone", 1, subs[:1]), ("jobs1", 1, subs), ("jobs2", 2, subs)):
        out = tmp / assignment / name
        cmd = py + ["autograder", "grade", assignment, *batch, "--jobs", str(jobs)]
        seconds[name] = timed(cmd + ["--course", str(course), "--out", str(out), "--force"], ROOT)
        if scores(out) != {"100.0"}:
            sys.exit(f"{assignment}: the solution scored {scores(out)} with {name}, not 100")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("assignments", nargs="*", help="default: every assignment in the course")
    parser.add_argument("--copies", type=int, default=5)
    parser.add_argument("--with-training", action="store_true")
    args = parser.parse_args()
    if args.copies < 2:
        parser.error("--copies must be at least 2")
    known = sorted(p.name for p in SOURCE.iterdir() if (p / f"{p.name}.ipynb").is_file())
    unknown = [a for a in args.assignments if a not in known]
    if unknown:
        parser.error(f"no such assignment: {', '.join(unknown)} (the course has {known})")
    env_bin = str(Path(sys.executable).parent)  # nbgrader calls `alembic` from PATH
    os.environ["PATH"] = env_bin + os.pathsep + os.environ.get("PATH", "")
    n = args.copies
    training = "kept" if args.with_training else "left out"
    print(f"{n} copies of each solution, training run {training}; cpu cores: {os.cpu_count()}")
    print(
        f"{'assignment':18} {'one alone':>10} {'each, 1 job':>15} {'each, 2 jobs':>16}"
        f" {'nbgrader each':>14} {'nbgrader/ours (1 job)':>22}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for assignment in args.assignments or known:
            s = bench(assignment, n, args.with_training, Path(tmp))
            print(
                f"{assignment:18} {s['alone']:9.1f}s {s['jobs1'] / n:14.2f}s"
                f" {s['jobs2'] / n:15.2f}s {s['nbgrader'] / n:13.2f}s"
                f" {s['nbgrader'] / s['jobs1']:21.2f}x",
                flush=True,
            )
    print(
        f"one alone: start-up plus one submission (goal: under 15 s); each: seconds per "
        f"submission in a batch of {n}, start-up shared"
    )


if __name__ == "__main__":
    main()
