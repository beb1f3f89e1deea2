"""Cold and warm build time of the website, from a fresh clone.

    python benchmarks/build_time.py            # clones HEAD into a temporary folder

The clone reuses this checkout's .venv (set-up time is not what is measured), then runs
`make book` twice: the first build executes every chapter (cold), the second finds everything
in the jupyter-cache and should execute nothing (warm).  Budget: cold under 15 minutes for the
whole finished book on a 2-core CPU, warm under 60 s.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(cmd, cwd) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    venv = ROOT / ".venv"
    if not (venv / "bin" / "python").exists():
        sys.exit("no .venv here: run `make setup` first")
    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "book"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        # share the venv and never re-run its set-up (-o): only the build is timed
        make = ["make", "book", f"VENV={venv}", "-o", f"{venv}/.setup-done"]
        cold = timed(make, clone)
        warm = timed(make, clone)
    chapters = len(list((ROOT / "book").rglob("*.ipynb")))
    print(f"chapters: {chapters}  cpu cores: {os.cpu_count()}")
    print(f"cold build (fresh clone, empty cache): {cold:6.1f} s")
    print(f"warm rebuild (nothing changed):        {warm:6.1f} s")
    print(f"warm / cold: {warm / cold:.2f}")


if __name__ == "__main__":
    main()
