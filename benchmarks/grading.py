"""Grading speed: ``nbgrader autograde`` against ``python -m autograder grade`` (1 and 2 jobs).

    python benchmarks/grading.py                 # 20 copies of the a2_word2vec solution
    python benchmarks/grading.py --copies 5 --with-training

Both graders get the same 20 submissions in a fresh copy of the course. nbgrader executes each
notebook top to bottom in a Jupyter kernel (its visible tests included); the autograder runs the
answer cells and the hidden tests in its sandbox. By default the copies leave out the training
run at the end of the notebook (cells "train" and "plot"), which nbgrader would execute for
every submission and the autograder never runs; ``--with-training`` keeps them. Prints seconds
per submission and the ratios; asserts nothing (the machine may be shared: numbers measured
under load are slower and noisier). Issue goal: at one job no slower than nbgrader, at two jobs
at least 1.8x faster.
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
ASSIGNMENT = "a2_word2vec"
TRAINING_CELLS = {"train", "plot"}


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd[:4])}... failed:\n{proc.stdout[-2000:]}{proc.stderr[-4000:]}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--with-training", action="store_true")
    args = parser.parse_args()
    if args.copies < 2:
        parser.error("--copies must be at least 2")
    env_bin = str(Path(sys.executable).parent)  # nbgrader calls `alembic` from PATH
    os.environ["PATH"] = env_bin + os.pathsep + os.environ.get("PATH", "")
    source = ROOT / "assignments" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    nb = json.loads(source.read_text(encoding="utf-8"))
    if not args.with_training:
        nb["cells"] = [
            c for c in nb["cells"] if c["metadata"]["nbgrader"]["grade_id"] not in TRAINING_CELLS
        ]
    with tempfile.TemporaryDirectory() as tmp:
        course = Path(tmp) / "course"
        course.mkdir()
        shutil.copy(ROOT / "assignments" / "nbgrader_config.py", course)
        shutil.copytree(ROOT / "assignments" / "source", course / "source")
        py = [sys.executable, "-m"]
        timed(py + ["autograder", "release", ASSIGNMENT, "--course", str(course)], ROOT)
        subs = []
        for i in range(args.copies):
            folder = course / "submitted" / f"s{i:02d}" / ASSIGNMENT
            folder.mkdir(parents=True)
            (folder / f"{ASSIGNMENT}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
            subs.append(str(folder.parent))  # a folder per student: student id = folder name
        nbgrader = timed(py + ["nbgrader", "autograde", ASSIGNMENT, "--create", "--force"], course)
        ours = {}
        for jobs, batch in ((0, subs[:1]), (1, subs), (2, subs)):  # 0: one submission alone
            out = Path(tmp) / f"out{jobs}"
            cmd = py + ["autograder", "grade", ASSIGNMENT, *batch, "--jobs", str(max(jobs, 1))]
            cmd += ["--course", str(course), "--out", str(out), "--force"]
            ours[jobs] = timed(cmd, ROOT)
            scores = {r.split(",")[1] for r in (out / "grades.csv").read_text().splitlines()[1:]}
            print(f"autograder, {len(batch)} submission(s), --jobs {max(jobs, 1)}: scores {scores}")
    n = args.copies
    training = "kept" if args.with_training else "left out"
    print(f"{n} copies of the solution, training run {training}; cpu cores: {os.cpu_count()}")
    print(f"nbgrader autograde:          {nbgrader:7.1f} s  ({nbgrader / n:5.2f} s per submission)")
    start = ours.pop(0)  # start-up (imports, gradebook, sandbox probe) plus one submission
    print(f"autograder, one submission alone: {start:5.1f} s (mostly start-up)")
    for jobs, seconds in ours.items():
        print(f"autograder grade --jobs {jobs}:  {seconds:7.1f} s  ({seconds / n:5.2f} s per "
              f"submission; nbgrader / this = {nbgrader / seconds:4.2f}x)")  # fmt: skip
    marginal = {jobs: (seconds - start) / (n - 1) for jobs, seconds in ours.items()}
    print(f"each further submission: --jobs 1 {marginal[1]:.2f} s, --jobs 2 {marginal[2]:.2f} s")
    print(
        f"--jobs 2 speed-up: {ours[1] / ours[2]:4.2f}x in all, "
        f"{marginal[1] / marginal[2]:4.2f}x per further submission"
    )


if __name__ == "__main__":
    main()
