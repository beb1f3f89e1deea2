"""What a grading run writes: Gradescope's results.json, feedback (HTML and Markdown), grades.csv.

Everything a student sees is built from test names, points, the grader's own messages, the
hints and the warnings of the student's own code: never the hidden tests' code, inputs or
expected values (``verdict.compare`` words its messages that way). The student's printed
output is not echoed (it could hold the test inputs); its length is reported. Every file is
written atomically (a temporary file renamed into place), so a killed run leaves old or new
files, never half of one.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import tempfile
from pathlib import Path

from autograder.verdict import Graded

_CSV_FIELDS = ["student", "score", "max_score", "submission_sha256", "isolation"]


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _test_output(t) -> str:
    parts = [t.message]
    if t.hint:
        parts.append(f"Hint: {t.hint}")
    parts += [f"Warning from your code: {w}" for w in t.warnings]
    return "\n".join(parts)


def results_json(g: Graded) -> dict:
    """Gradescope's results.json (https://gradescope-autograders.readthedocs.io)."""
    summary = [f"{g.assignment}: {g.score:g} / {g.max_score:g} points."]
    summary += [f"Note: {n}" for n in g.notes]
    if g.output_chars:
        summary.append(f"Your code printed {g.output_chars:,} characters (not shown here).")
    return {
        "score": g.score,
        "execution_time": round(g.seconds, 2),
        "output": "\n".join(summary),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": [
            {
                "name": t.name,
                "score": t.points,
                "max_score": t.max_points,
                "status": "passed" if t.passed else "failed",
                "output": _test_output(t),
                "visibility": "visible",
            }
            for t in g.tests
        ],
        "extra_data": {
            "student": g.student,
            "submission_sha256": g.sha256,
            "isolation": g.isolation,
            "seed": g.seed,
        },
    }


def feedback_md(g: Graded) -> str:
    lines = [f"# {g.assignment}: feedback for {g.student}", "", f"**Score: {g.score:g} / "
             f"{g.max_score:g}**", ""]  # fmt: skip
    lines += [f"- Note: {n}" for n in g.notes] + ([""] if g.notes else [])
    lines += ["| | test | points | message |", "|---|---|---|---|"]
    for t in g.tests:
        mark = "pass" if t.passed else "FAIL"
        message = _test_output(t).replace("|", "\\|").replace("\n", "<br>")
        name = t.name.replace("|", "\\|")
        lines.append(f"| {mark} | {name} | {t.points:g} / {t.max_points:g} | {message} |")
    return "\n".join(lines) + "\n"


def feedback_html(g: Graded) -> str:
    e = html.escape
    rows = "\n".join(
        f'<tr class="{"pass" if t.passed else "fail"}"><td>{"✔" if t.passed else "✘"}</td>'
        f"<td>{e(t.name)}</td><td>{t.points:g} / {t.max_points:g}</td>"
        f"<td>{e(_test_output(t)).replace(chr(10), '<br>')}</td></tr>"
        for t in g.tests
    )
    notes = "".join(f"<li>{e(n)}</li>" for n in g.notes)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{e(g.assignment)}: {e(g.student)}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}
td,th{{padding:.3em .6em;border-bottom:1px solid #ddd;vertical-align:top;text-align:left}}
tr.fail td:first-child{{color:#b00}} tr.pass td:first-child{{color:#070}}</style></head>
<body><h1>{e(g.assignment)}: feedback for {e(g.student)}</h1>
<p><strong>Score: {g.score:g} / {g.max_score:g}</strong></p>
{f"<ul>{notes}</ul>" if notes else ""}
<table><tr><th></th><th>test</th><th>points</th><th>message</th></tr>
{rows}
</table></body></html>
"""


def write_student(out: Path, g: Graded) -> None:
    """DIR/<student>/: feedback.html and feedback.md, output.txt (for the instructor: the
    head of what the code printed), and results.json last: its presence marks a finished
    submission."""
    folder = out / g.student
    write_atomic(folder / "feedback.html", feedback_html(g))
    write_atomic(folder / "feedback.md", feedback_md(g))
    write_atomic(folder / "output.txt", g.output)
    write_atomic(folder / "results.json", json.dumps(results_json(g), indent=1))


def finished(out: Path, student: str, sha256: str) -> bool:
    """Whether ``student``'s submission with this content already has its results."""
    try:
        data = json.loads((out / student / "results.json").read_text(encoding="utf-8"))
        return data["extra_data"]["submission_sha256"] == sha256
    except (OSError, ValueError, KeyError, TypeError):
        return False


def write_csv(out: Path) -> Path:
    """DIR/grades.csv from every DIR/<student>/results.json."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=_CSV_FIELDS)
    writer.writeheader()
    for path in sorted(out.glob("*/results.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        extra = data["extra_data"]
        writer.writerow(
            {
                "student": extra["student"],
                "score": data["score"],
                "max_score": sum(t["max_score"] for t in data["tests"]),
                "submission_sha256": extra["submission_sha256"],
                "isolation": extra["isolation"],
            }
        )
    write_atomic(out / "grades.csv", buf.getvalue())
    return out / "grades.csv"
