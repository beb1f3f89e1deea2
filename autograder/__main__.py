"""The grader's command line.

  release ASSIGNMENT           student version via nbgrader into COURSE/release/
  grade ASSIGNMENT SUB...      grade notebooks (or folders): DIR/<student>/results.json,
                               feedback.html/.md, DIR/grades.csv and the nbgrader gradebook
  check NOTEBOOK               a notebook's visible tests, in the same sandbox (for students)
  gradescope ASSIGNMENT        Gradescope autograder zip: the grader, the hidden tests and the
                               locked cells' checksums (no solutions), into DIR (--out)

Exit status of grade: 0 when every submission got a result (even 0 points).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograder.sandbox import Limits

COURSE = Path(__file__).resolve().parent.parent / "assignments"


def _limits(args: argparse.Namespace) -> Limits:
    return Limits(timeout=args.timeout, budget=max(60.0, 6 * args.timeout), memory_mb=args.memory)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m autograder",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)

    rel = commands.add_parser("release", help="student version via nbgrader, into release/")
    rel.add_argument("assignment")
    rel.add_argument("--course", type=Path, default=COURSE, help="nbgrader course folder")

    grade = commands.add_parser("grade", help="grade submissions (notebooks or folders)")
    grade.add_argument("assignment")
    grade.add_argument("submissions", nargs="+", type=Path)
    grade.add_argument("--jobs", type=int, default=1, help="submissions graded at once")
    grade.add_argument("--out", type=Path, help="default: COURSE/autograded/ASSIGNMENT")
    grade.add_argument("--course", type=Path, default=COURSE, help="nbgrader course folder")
    grade.add_argument("--gradebook", type=Path, help="default: COURSE/gradebook.db")
    grade.add_argument("--force", action="store_true", help="regrade finished submissions")
    grade.add_argument("--seed", type=int, help="reproduce a grading run (default: fresh)")

    chk = commands.add_parser("check", help="run a notebook's visible tests (for students)")
    chk.add_argument("notebook", type=Path)

    gs = commands.add_parser("gradescope", help="a Gradescope autograder bundle (zip)")
    gs.add_argument("assignment")
    gs.add_argument("--out", type=Path, help="folder for the zip; default: COURSE/autograded")
    gs.add_argument("--course", type=Path, default=COURSE, help="nbgrader course folder")

    for p in (grade, chk):
        p.add_argument("--timeout", type=float, default=10.0, help="seconds per cell or test")
        p.add_argument("--memory", type=int, default=1024, help="address space limit, MB")

    args = parser.parse_args(argv)
    if args.command == "release":
        from autograder.release import release

        return release(args.assignment, args.course)
    if args.command == "check":
        from autograder.check import check

        return check(args.notebook, _limits(args))
    if args.command == "gradescope":
        from autograder.gradescope import bundle

        course = args.course.resolve()
        print(bundle(args.assignment, course, (args.out or course / "autograded").resolve()))
        return 0
    from autograder.grade import grade_batch, load_checks

    course = args.course.resolve()
    return grade_batch(
        load_checks(args.assignment),
        args.submissions,
        out=(args.out or course / "autograded" / args.assignment).resolve(),
        course=course,
        gradebook_path=(args.gradebook or course / "gradebook.db").resolve(),
        limits=_limits(args),
        jobs=args.jobs,
        force=args.force,
        seed=args.seed,
    )


if __name__ == "__main__":
    sys.exit(main())
