"""Run a submission's cells and calls in a separate, limited process tree.

The process is started under the strongest isolation the machine allows (``isolation.py``:
namespaces, or a fallback), which every result records. Limits: address space (``memory_mb``),
CPU seconds, process count, file size, a wall-clock limit per item (cell or call) and per
submission. An item that runs past its limit, or ends the process (``os._exit``, a crash, a kill
by a limit), is marked and skipped, and a fresh process goes on with the items after it.
"""

from __future__ import annotations

import json
import os
import select
import selectors
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from autograder import protocol
from autograder.isolation import ENV, command, detect, fresh_uid

START_S = 30.0  # for the interpreter and numpy to start, on a loaded machine
MAX_SESSIONS = 8  # fresh processes per submission after timeouts and crashes
MAX_EVENT_BYTES = 8 << 20


@dataclass(frozen=True)
class Limits:
    """Per-item wall clock ``timeout`` (s), whole-submission ``budget`` (s, also the CPU
    limit), ``memory_mb`` (address space), ``nproc`` (processes and threads), ``fsize_mb``
    (largest file written) and ``output_chars`` (student output kept; the rest is counted)."""

    timeout: float = 10.0
    budget: float = 120.0
    memory_mb: int = 1024
    nproc: int = 32
    fsize_mb: int = 16
    output_chars: int = 20_000


@dataclass
class Item:
    """One step: a cell to execute (``code``) or a function to call (``fn``, ``args``)."""

    id: str
    code: str | None = None
    fn: str | None = None
    args: list = field(default_factory=list)
    returns_args: list[int] = field(default_factory=list)
    patch: dict = field(default_factory=dict)  # names replaced in the namespace for the call


@dataclass
class Outcome:
    """What happened to one item: status ``ok``, ``error`` (an exception, in ``error``),
    ``timeout``, ``crashed`` (the process ended) or ``not run``; ``value`` is the plain data
    returned (before ``protocol.to_value``)."""

    status: str
    value: object = None
    error: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass
class Run:
    outcomes: dict[str, Outcome]
    output: str  # the first ``Limits.output_chars`` characters the student's code printed
    output_chars: int  # how many it printed in all
    isolation: str


def run(items: list[Item], limits: Limits, hide: list[Path]) -> Run:
    """Execute ``items`` (cells first, in order, then calls) and return each one's outcome.

    ``hide``: paths the student's code must not see (course, gradebook, outputs, submissions).
    """
    iso = detect()
    cells = [i for i in items if i.code is not None]
    outcomes: dict[str, Outcome] = {}
    output = bytearray()
    total_output = 0
    deadline = time.monotonic() + limits.budget
    for _ in range(MAX_SESSIONS):
        skip = {k for k, o in outcomes.items() if o.status in ("timeout", "crashed")}
        todo = [c for c in cells if c.id not in skip]
        todo += [i for i in items if i.code is None and i.id not in outcomes]
        if not [i for i in todo if i.id not in outcomes]:
            break
        printed, finished = _session(todo, outcomes, limits, hide, iso, deadline, output)
        total_output += printed
        if finished or time.monotonic() >= deadline:
            break
    for item in items:
        outcomes.setdefault(
            item.id, Outcome("not run", error="not run: the submission's time budget ran out")
        )
    text = output[: limits.output_chars].decode("utf-8", "replace")
    return Run(outcomes, text, total_output, iso.describe())


def _session(todo, outcomes, limits, hide, iso, deadline, output) -> tuple[int, bool]:
    """One sandbox process over ``todo``; records outcomes and returns (bytes printed,
    whether it finished every item)."""
    job = {
        "cells": [{"id": i.id, "code": i.code} for i in todo if i.code is not None],
        "calls": [
            {
                "id": i.id,
                "fn": i.fn,
                "args": i.args,
                "returns_args": i.returns_args,
                "patch": i.patch,
            }
            for i in todo
            if i.code is None
        ],
    }
    nproc = limits.nproc + (0 if iso.mode == "namespaces" else _own_processes())
    harness_limits = {
        "memory_mb": limits.memory_mb,
        "cpu_s": int(limits.budget) + 1,
        "nproc": nproc,
        "fsize_mb": limits.fsize_mb,
    }
    workdir = Path(tempfile.mkdtemp(prefix="autograder-"))
    uid = fresh_uid() if iso.as_root else None
    results_r, results_w = os.pipe()
    argv = command(iso, workdir, hide, uid, results_w, json.dumps(harness_limits))
    if uid is not None:
        os.chown(workdir, uid, uid)
    proc = subprocess.Popen(
        argv,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        pass_fds=(results_w,),
        cwd=workdir,
        env={**ENV, "HOME": str(workdir), "TMPDIR": str(workdir)},
        start_new_session=True,
    )
    os.close(results_w)
    printed = 0
    current, started = None, time.monotonic()
    threading.Thread(target=_feed, args=(proc.stdin, json.dumps(job).encode()), daemon=True).start()
    try:
        sel = selectors.DefaultSelector()
        sel.register(results_r, selectors.EVENT_READ, "results")
        sel.register(proc.stdout, selectors.EVENT_READ, "output")
        lines, received = bytearray(), 0
        while True:
            now = time.monotonic()
            limit = limits.timeout if current else START_S
            if now - started > limit or now >= deadline:
                message = f"did not finish within {limits.timeout:g} s (an endless loop?)"
                _close(current, outcomes, "timeout", message)
                if current is None:
                    _fail_all(todo, outcomes, "the sandbox did not start in time")
                return printed, False
            for key, _ in sel.select(timeout=0.1):
                data = os.read(key.fd, 1 << 16)
                if key.data == "output":
                    if not data:
                        sel.unregister(key.fd)
                    printed += len(data)
                    room = limits.output_chars * 4 - len(output)
                    output += data[: max(room, 0)]
                    continue
                if not data:  # every copy of the results pipe is closed: the process ended
                    return printed, _ended(proc, current, outcomes, todo, output)
                received += len(data)
                if received > MAX_EVENT_BYTES:
                    _close(current, outcomes, "crashed", "sent more data than the grader reads")
                    return printed, False
                lines += data
                while b"\n" in lines:
                    line, _, rest = lines.partition(b"\n")
                    lines = bytearray(rest)
                    try:
                        ev = protocol.event(bytes(line))
                    except protocol.ProtocolError:
                        continue
                    if ev["ev"] == "done":
                        return printed, True
                    if ev["ev"] == "start":
                        current, started = ev["id"], time.monotonic()
                    elif ev["id"] == current:
                        _record(ev, outcomes)
                        current, started = None, time.monotonic()
            if proc.poll() is not None and current is not None and not _pending(results_r):
                # the harness is gone (its last events, if any, are read) but a child it
                # forked still holds the pipe open
                return printed, _ended(proc, current, outcomes, todo, output)
    finally:
        _kill(proc, uid)
        os.close(results_r)
        shutil.rmtree(workdir, ignore_errors=True)


def _pending(fd: int) -> bool:
    """Whether ``fd`` has data (or its end) to read now: a harness that wrote its last
    events and exited between two reads has not crashed."""
    return bool(select.select([fd], [], [], 0)[0])


def _feed(pipe, data: bytes) -> None:
    """Write the job to the harness's stdin (in a thread: a stuck sandbox cannot block us)."""
    try:
        pipe.write(data)
        pipe.close()
    except (BrokenPipeError, ValueError, OSError):
        pass


def _record(ev: dict, outcomes: dict) -> None:
    if ev["id"] in outcomes:
        return  # a cell already run in an earlier session keeps its first outcome
    notes = [str(w)[:300] for w in ev.get("warnings", []) if isinstance(w, str)][:5]
    if ev.get("ok") is True:
        outcomes[ev["id"]] = Outcome("ok", value=ev.get("value"), warnings=notes)
    else:
        outcomes[ev["id"]] = Outcome("error", error=str(ev.get("error"))[:500], warnings=notes)


def _close(current, outcomes, status, message) -> None:
    if current is not None and current not in outcomes:
        outcomes[current] = Outcome(status, error=message)


def _ended(proc, current, outcomes, todo, output) -> bool:
    """The process ended before ``done``: blame the running item, or fail all if none ran."""
    try:
        code = proc.wait(timeout=2)
    except subprocess.TimeoutExpired:
        code = None
    if code is not None and code < 0:
        how = f"was killed by signal {signal.Signals(-code).name}"
    elif code is not None and code >= 128 and code - 128 in signal.valid_signals():
        how = f"was killed by signal {signal.Signals(code - 128).name}"
    else:
        how = f"exited with status {code}"
    if current is not None:
        message = f"the process {how} here (os._exit, a crash or a limit)"
        _close(current, outcomes, "crashed", message)
        return False
    if any(i.id not in outcomes for i in todo):
        tail = output[-300:].decode("utf-8", "replace")
        _fail_all(todo, outcomes, f"the sandbox {how} before running anything: {tail}")
    return True


def _fail_all(todo, outcomes, message) -> None:
    for item in todo:
        outcomes.setdefault(item.id, Outcome("not run", error=message))


def _kill(proc, uid) -> None:
    """Kill the whole process tree: the session's process group and, in a namespace, the
    PID namespace (``--kill-child``); with a private uid, every process of that uid."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if uid is not None:
        for pid in _pids_of(uid):
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
    proc.wait()
    if proc.stdout:
        proc.stdout.close()


def _pids_of(uid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    pids.append(int(entry.name))
            except OSError:
                pass
    return pids


def _own_processes() -> int:
    """How many processes this user has: RLIMIT_NPROC counts them all outside a namespace."""
    return len(_pids_of(os.getuid())) + 64
