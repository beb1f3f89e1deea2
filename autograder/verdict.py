"""The trusted side of a test: what a hidden test is, and how a returned value is judged.

This module runs in the grader's own process, where numpy was imported before any student
code existed; student code never runs here. A value from the sandbox arrives as JSON and is
turned into floats and float64 arrays (``protocol.to_value``) before it is compared with the
reference, which is computed here from the same inputs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from autograder import protocol
from autograder.sandbox import Outcome

RTOL, ATOL = 1e-6, 1e-8


@dataclass(frozen=True)
class Test:
    """One hidden test.

    ``inputs(rng)`` draws the arguments of ``fn`` (arrays, numbers, probe specs);
    ``reference(*args)`` computes the right answer from the same arguments; ``pick`` selects
    the part of the returned value this test judges (e.g. ``(1,)`` for grad_center in
    ``(loss, grad_center, grad_outside)``) and ``label`` names it in messages; ``returns``
    describes the whole return value for a structure error. ``hint`` is shown when it fails.
    ``returns_args``: indices of arguments the sandbox returns after the call (to detect
    in-place changes); the value judged is then ``[result, [args...]]``. ``patch``: names of
    the student's namespace replaced by harness probes during the call (e.g. their
    ``sigmoid`` while negative sampling is tested), so that each part is graded on its own.
    """

    name: str
    part: str  # the nbgrader grade cell whose points this test carries
    points: float
    fn: str
    inputs: Callable[[np.random.Generator], list]
    reference: Callable[..., object]
    hint: str
    label: str = "the result"
    pick: tuple[int, ...] = ()
    returns: str = ""
    returns_args: tuple[int, ...] = field(default_factory=tuple)
    patch: dict = field(default_factory=dict)


@dataclass
class TestResult:
    name: str
    part: str
    points: float
    max_points: float
    passed: bool
    message: str  # safe for students: never the inputs, the reference or its value
    hint: str
    warnings: list[str]


def judge(test: Test, outcome: Outcome, expected: object) -> TestResult:
    """Compare what the sandbox returned for ``test`` with ``expected``."""

    def result(passed: bool, message: str) -> TestResult:
        return TestResult(
            test.name,
            test.part,
            test.points if passed else 0.0,
            test.points,
            passed,
            message,
            "" if passed else test.hint,
            outcome.warnings,
        )

    if outcome.status != "ok":
        return result(False, outcome.error or outcome.status)
    try:
        value = protocol.to_value(outcome.value)
        for index in test.pick:
            if not isinstance(value, list) or index >= len(value):
                return result(False, f"{test.fn} should return {test.returns}")
            value = value[index]
            expected = expected[index]
    except protocol.ProtocolError as exc:
        return result(False, f"{test.fn} returned {exc}; return numpy arrays and floats")
    problem = compare(value, expected, test.label)
    return result(problem is None, problem or "passed")


def compare(got: object, expected: object, label: str) -> str | None:
    """None if ``got`` matches ``expected`` (same shape, finite where it is, close within
    RTOL/ATOL); otherwise a message that names the problem but not the expected value."""
    if isinstance(expected, tuple | list) and any(
        isinstance(e, tuple | list) or np.ndim(e) > 0 for e in expected
    ):
        if not isinstance(got, list) or len(got) != len(expected):
            return f"{label} should have {len(expected)} parts"
        for i, (g, e) in enumerate(zip(got, expected)):
            problem = compare(g, e, f"{label}[{i}]")
            if problem:
                return problem
        return None
    want = np.asarray(expected, dtype=np.float64)
    try:
        have = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return f"{label} is not a number or a numeric array"
    if have.shape != want.shape:
        return f"{label} has shape {have.shape} but should have shape {want.shape}"
    if not np.isfinite(have).all() and np.isfinite(want).all():
        return f"{label} contains NaN or inf"
    if not np.allclose(have, want, rtol=RTOL, atol=ATOL, equal_nan=True):
        return f"{label} has wrong values"
    return None


@dataclass
class Graded:
    assignment: str
    student: str
    sha256: str
    tests: list[TestResult]
    notes: list[str] = field(default_factory=list)
    isolation: str = ""
    seconds: float = 0.0
    seed: int = 0
    output: str = ""
    output_chars: int = 0

    @property
    def score(self) -> float:
        return float(sum(t.points for t in self.tests))

    @property
    def max_score(self) -> float:
        return float(sum(t.max_points for t in self.tests))

    def part_scores(self) -> dict[str, float]:
        """{nbgrader test cell: points earned}."""
        out: dict[str, float] = {}
        for t in self.tests:
            out[t.part] = out.get(t.part, 0.0) + t.points
        return out
