"""The program that runs inside the sandbox: it executes the student's cells and calls.

It is self-contained (standard library and numpy only), because nothing of the course, this
package included, is readable inside the sandbox: ``sandbox.py`` passes this file's text to
``python -I -c``. Nothing here is trusted. Whatever the student's code does to this process,
the grader only ever receives JSON lines of plain data (see ``protocol.py``) and judges them
in its own process.

    python -I -c <this file> RESULTS_FD LIMITS_JSON  < job.json

The job (stdin) is ``{"cells": [{"id", "code"}], "calls": [{"id", "fn", "args", "patch",
"returns_args"}]}``; ``patch`` replaces names of the student's namespace during one call (a
helper from another part, so that a wrong part cannot cost this one its points).
Events, one JSON object per line on RESULTS_FD:
``{"ev": "start", "id"}``, ``{"ev": "end", "id", "ok", "value" | "error", "warnings"}`` and,
when every item has run, ``{"ev": "done"}``. The student's own output goes to stdout/stderr.
"""

import json
import os
import resource
import signal
import sys
import traceback
import warnings

import numpy as np

MAX_ERROR_CHARS = 400


def set_limits(limits):
    """Lower this process's limits; the student's code inherits them and cannot raise them."""
    mb = 1 << 20
    for name, value in (
        ("RLIMIT_AS", limits["memory_mb"] * mb),
        ("RLIMIT_CPU", limits["cpu_s"]),
        ("RLIMIT_NPROC", limits["nproc"]),
        ("RLIMIT_FSIZE", limits["fsize_mb"] * mb),
        ("RLIMIT_CORE", 0),
    ):
        resource.setrlimit(getattr(resource, name), (value, value))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-big file is an OSError, not a kill


def plain(value):
    """``value`` as JSON-able data: numbers, numeric arrays, and lists/tuples of those.

    Only numbers and numeric arrays pass, read through numpy's own (unbound) methods: an
    array subclass is reduced to its values, any other object -- one that claims to equal
    everything, say -- is refused. The grader only ever sees the JSON, never the object.
    """
    if type(value) in (bool, int, float):
        return value
    if isinstance(value, np.generic) and type(value).__module__ == "numpy":
        if value.dtype.kind in "biuf":
            return value.item()
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        base = np.ndarray.view(value, np.ndarray)
        return {"array": np.ndarray.tolist(base), "shape": list(np.shape(base))}
    if type(value) in (list, tuple):
        return [plain(v) for v in value]
    raise TypeError(
        f"returned a {type(value).__module__}.{type(value).__qualname__}; "
        "return numpy arrays and numbers (float, int) only"
    )


def probe(spec):
    """A function the grader passes as an argument (skip-gram's loss, SGD's objective).

    "pair_loss": the loss (o + 1) * v_c . u_o with its true gradients, so that each outside
    word's contribution is distinct. "quadratic": f(x) = 1/2 sum a * (x - b)^2. "sigmoid": a
    stable logistic function, put in place of the student's own while another part is tested.
    """
    if spec["probe"] == "sigmoid":
        return lambda x: np.exp(-np.logaddexp(0.0, -np.asarray(x, dtype=float)))
    if spec["probe"] == "pair_loss":

        def pair_loss(center_vector, outside_idx, outside_vectors):
            o = int(outside_idx)
            scale = o + 1.0
            grad_outside = np.zeros_like(outside_vectors, dtype=float)
            grad_outside[o] = scale * np.asarray(center_vector, dtype=float)
            loss = scale * float(np.dot(center_vector, outside_vectors[o]))
            return loss, scale * np.array(outside_vectors[o], dtype=float), grad_outside

        return pair_loss
    if spec["probe"] == "quadratic":
        a, b = decode(spec["a"]), decode(spec["b"])

        def quadratic(x):
            diff = np.asarray(x, dtype=float) - b
            return 0.5 * float(np.sum(a * diff**2)), a * diff

        return quadratic
    if spec["probe"] == "lstm_cell_backward_standin":
        return lstm_cell_backward_standin
    raise ValueError(f"unknown probe {spec['probe']!r}")


def lstm_cell_backward_standin(dh, dc, x, h_prev, c_prev, gates, c, weight_ih, weight_hh):
    """A stand-in for the student's LSTM cell backward while their BPTT is tested: not the
    LSTM's gradient (it gives no answer away), but every argument reaches some output, so a
    BPTT that passes the wrong dh, dc or step still shows. a5_lstm's checks use the same one."""
    H = h_prev.shape[1]
    da = np.concatenate(
        [dh * gates[:, :H], dc * gates[:, H : 2 * H] + dh, dc * c, dh * c_prev], axis=1
    )
    db = da.sum(axis=0)
    return (da @ weight_ih, da @ weight_hh, 0.5 * dc + dh * gates[:, 3 * H :],
            da.T @ x, da.T @ h_prev, db, 2.0 * db)  # fmt: skip


def decode(arg):
    if isinstance(arg, dict) and "array" in arg:
        return np.array(arg["array"], dtype=arg["dtype"]).reshape(arg["shape"])
    if isinstance(arg, dict) and "probe" in arg:
        return probe(arg)
    return arg


def describe(exc, cell_ids):
    """``Type: message (cell X, line N)``, pointing at the student's own code when it can."""
    where = ""
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename in cell_ids:
            where = f" ({frame.filename[1:-1]}, line {frame.lineno})"
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    if len(text) > MAX_ERROR_CHARS:
        text = text[:MAX_ERROR_CHARS] + "..."
    return text + where


def reap():
    """Collect children that ended (the harness is PID 1 in a namespace: orphans come here
    too), so that zombies do not use up the process limit."""
    try:
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass
    except ChildProcessError:
        pass


def main():
    results = os.fdopen(int(sys.argv[1]), "w")
    set_limits(json.loads(sys.argv[2]))
    job = json.load(sys.stdin)
    me = os.getpid()
    cell_ids = {f"<{cell['id']}>" for cell in job["cells"]}

    def emit(event):
        if os.getpid() != me:  # a child the student forked: it may not speak for us
            os._exit(0)
        results.write(json.dumps(event) + "\n")
        results.flush()

    namespace = {"__name__": "__main__", "np": np}
    steps = [(cell["id"], cell, None) for cell in job["cells"]]
    steps += [(call["id"], None, call) for call in job["calls"]]
    for item_id, cell, call in steps:
        emit({"ev": "start", "id": item_id})
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                if cell is not None:
                    exec(compile(cell["code"], f"<{cell['id']}>", "exec"), namespace)
                    event = {"ok": True, "value": None}
                else:
                    fn = namespace.get(call["fn"])
                    if not callable(fn):
                        raise NameError(f"{call['fn']} is not defined")
                    args = [decode(a) for a in call["args"]]
                    saved = {name: namespace.get(name) for name in call.get("patch", {})}
                    namespace.update({k: decode(v) for k, v in call.get("patch", {}).items()})
                    try:
                        value = fn(*args)
                    finally:
                        namespace.update(saved)
                    if call.get("returns_args"):
                        value = [value, [args[i] for i in call["returns_args"]]]
                    event = {"ok": True, "value": plain(value)}
            except BaseException as exc:  # SystemExit and KeyboardInterrupt included
                event = {"ok": False, "error": describe(exc, cell_ids)}
        sys.stdout.flush()
        reap()
        notes = sorted({f"{w.category.__name__}: {w.message}" for w in caught})[:5]
        emit({"ev": "end", "id": item_id, "warnings": notes, **event})
    emit({"ev": "done"})


if __name__ == "__main__":  # run by `python -c`; the grader imports it for its probes
    main()
