"""How the sandbox reads a harness's events, with a stand-in harness in place of the real one.

The catalogues grade real submissions through the real harness; these tests pin down timing
that a loaded machine produces only now and then."""

from __future__ import annotations

import sys
import time

from autograder import protocol, sandbox

STARTS = b'{"ev": "start", "id": "a"}\n'
ENDS = b'{"ev": "end", "id": "a", "ok": true, "value": 1}\n{"ev": "done"}\n'


def stand_in(after_start: bytes) -> str:
    """A harness that starts item "a", then writes ``after_start`` and exits with status 0."""
    return (
        "import os, sys, time\n"
        "fd = int(sys.argv[1])\n"
        "sys.stdin.read()\n"
        f"os.write(fd, {STARTS!r})\n"
        "time.sleep(0.2)\n"
        f"os.write(fd, {after_start!r})\n"
    )


def run_with(monkeypatch, harness: str) -> sandbox.Outcome:
    def command(iso, workdir, hide, uid, results_fd, limits_json):
        return [sys.executable, "-c", harness, str(results_fd)]

    event = protocol.event

    def slow_event(line: bytes) -> dict:
        ev = event(line)
        if ev["ev"] == "start":
            time.sleep(1.0)  # the grader's thread is descheduled while the harness runs on
        return ev

    monkeypatch.setattr(sandbox, "command", command)
    monkeypatch.setattr(sandbox.protocol, "event", slow_event)
    run = sandbox.run([sandbox.Item("a", fn="f")], sandbox.Limits(), hide=[])
    return run.outcomes["a"]


def test_a_harness_that_finished_while_the_grader_was_busy_has_not_crashed(monkeypatch):
    outcome = run_with(monkeypatch, stand_in(ENDS))
    assert (outcome.status, outcome.value) == ("ok", 1)


def test_a_harness_that_exits_inside_an_item_has_crashed(monkeypatch):
    outcome = run_with(monkeypatch, stand_in(b""))
    assert outcome.status == "crashed"
    assert "exited with status 0 here" in outcome.error
