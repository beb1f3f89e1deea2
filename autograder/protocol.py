"""The data that crosses the sandbox boundary, and nothing else.

Into the sandbox (written by the grader): call arguments as ``{"array": nested list, "dtype",
"shape"}`` or ``{"probe": name, ...}`` (a function the harness builds, see ``harness.probe``).
Out of the sandbox (written by untrusted code): JSON lines holding numbers, strings, lists and
``{"array": nested list, "shape"}``. :func:`event` parses one line and :func:`to_value` turns a
returned value into Python floats and float64 arrays; anything else is refused with a message.
No object from the sandbox is ever called, compared or unpickled here.
"""

from __future__ import annotations

import json

import numpy as np

MAX_DEPTH = 8


class ProtocolError(ValueError):
    """The sandbox sent something that is not plain data of the expected form."""


def encode(value) -> object:
    """A grader-side argument (array, number, list, probe spec) as JSON-able data."""
    if isinstance(value, np.ndarray):
        return {"array": value.tolist(), "dtype": value.dtype.str, "shape": list(value.shape)}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    return value


def event(line: bytes) -> dict:
    """One event line from the sandbox as a dict with ``ev`` (and ``id`` for start/end)."""
    try:
        obj = json.loads(line)
    except (ValueError, RecursionError) as exc:
        raise ProtocolError(f"not JSON: {exc}") from None
    if not isinstance(obj, dict) or obj.get("ev") not in ("start", "end", "done"):
        raise ProtocolError("not an event")
    if obj["ev"] != "done" and not isinstance(obj.get("id"), str):
        raise ProtocolError("event without an id")
    return obj


def to_value(data, depth: int = 0):
    """Returned data as Python floats, float64 arrays and lists of those.

    Raises ProtocolError for anything else (strings, dicts that are not arrays, ragged arrays).
    """
    if depth > MAX_DEPTH:
        raise ProtocolError("nested too deeply")
    if type(data) in (int, float, bool):
        return float(data)
    if type(data) is list:
        return [to_value(v, depth + 1) for v in data]
    if type(data) is dict and set(data) == {"array", "shape"}:
        shape = data["shape"]
        if type(shape) is not list or not all(type(n) is int and n >= 0 for n in shape):
            raise ProtocolError("array with a malformed shape")
        try:
            array = np.array(data["array"], dtype=np.float64)
        except (ValueError, TypeError):
            raise ProtocolError("array with non-numeric or ragged entries") from None
        if list(array.shape) != shape:
            raise ProtocolError("array whose entries do not match its shape")
        return array
    raise ProtocolError(f"a {type(data).__name__} where numbers or arrays were expected")
