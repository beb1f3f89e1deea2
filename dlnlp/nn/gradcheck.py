"""Gradient checking: compare a gradient with central finite differences.

For a scalar function f of arrays x, each entry of the gradient is estimated by

    ∂f/∂x_i ≈ (f(x + h e_i) - f(x - h e_i)) / 2h,

whose error is O(h²) (a one-sided difference has O(h)). The analytic value a and the numerical
value n of each entry are compared by their relative error

    |a - n| / max(|a|, |n|, tiny),

and the check passes when the largest is at most ``tol``. The usual pitfalls:

* **Step size.** The truncation error is about h² |f'''| / 6 and the rounding error about
  ε |f| / h (each f is computed with relative error ε); they balance near h = ε^(1/3), so
  h = 1e-5 in float64 (ε ≈ 2.2e-16), where both are around 1e-11 for f of order 1. A smaller
  h is worse, not better: at h = 1e-8 rounding alone gives ~1e-8.
* **float32.** With ε ≈ 1.2e-7 the best attainable error is ~ε^(2/3) ≈ 2e-5 relative, too
  coarse to tell a small bug from noise. The check wants float64 inputs and a float64 f; it
  warns about anything else, and such a check never counts as passed.
* **Entries near zero.** Where the true derivative is (almost) 0, n is rounding noise and the
  relative error means nothing; ``tiny`` (default 1e-3) is the floor of the denominator, so
  such entries are judged by their absolute error: fine for a loss of order 1 (a mean over
  examples); scale ``tiny`` with |f| for a loss that is a sum over many examples.
* **Kinks.** ReLU, max, |x| and the hinge loss max(0, 1 - s + s_c) have no derivative where
  their argument is 0. If x is within h of such a kink, x - h and x + h lie on different sides,
  the central difference mixes two slopes, and a correct gradient fails. So for every entry that
  fails, the check also computes the one-sided slopes (f(x) - f(x - h)) / h and
  (f(x + h) - f(x)) / h. On a smooth curve they differ by h f''(x), a gap that halves with h
  (checked at h/2 and h/4); across a kink they differ by a jump that does not. If the slopes
  jump and the analytic value lies between them (the slope of one side, or a subgradient at the
  kink), the entry is listed in ``kinks`` and left out of the verdict: all that finite
  differences can say about it is that it lies between the slopes. Entries that pass are not
  examined. Two kinks within h of one point (one on each side) can still fail a right gradient.
* **Cost.** Two evaluations of f per entry: check small instances (a few examples, small
  dimensions), not the full model.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np


def numerical_gradient(f: Callable, inputs, h: float = 1e-5) -> list[np.ndarray]:
    """Central differences of the scalar ``f(*inputs)`` with respect to every entry of every input.

    Each entry is moved to x ± h in place and put back (so ``f`` may also ignore its arguments
    and read the arrays from a closure). Returns one array per input, of its shape.
    """
    inputs = _as_list(inputs)
    grads = []
    for x in inputs:
        grad = np.zeros(x.shape)
        for i in np.ndindex(x.shape):
            old = x[i]
            x[i] = old + h
            plus = _scalar(f(*inputs))
            x[i] = old - h
            minus = _scalar(f(*inputs))
            x[i] = old
            grad[i] = (plus - minus) / (2 * h)
        grads.append(grad)
    return grads


def relative_error(a, n, tiny: float = 1e-3) -> np.ndarray:
    """|a - n| / max(|a|, |n|, tiny), entry by entry; inf where a or n is not finite."""
    a, n = np.asarray(a, dtype=np.float64), np.asarray(n, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        error = np.abs(a - n) / np.maximum(np.maximum(np.abs(a), np.abs(n)), tiny)
    return np.where(np.isfinite(a) & np.isfinite(n), error, np.inf)


@dataclass
class GradcheckReport:
    """What :func:`gradcheck` found.

    ``max_rel_error`` is the largest relative error over all entries except those in ``kinks``,
    at entry ``index`` of input number ``input`` (None when every entry is a kink), where the
    analytic and numerical gradients are ``analytic`` and ``numeric``. ``rel_errors`` holds all
    relative errors, one array per input (kinks included).
    """

    max_rel_error: float
    input: int | None
    index: tuple | None
    analytic: float
    numeric: float
    tol: float
    rel_errors: list[np.ndarray]
    kinks: list[tuple[int, tuple]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """Every entry within ``tol`` (kinks aside), and the check was done in float64."""
        return self.max_rel_error <= self.tol and not self.warnings

    def __str__(self) -> str:
        verdict = "passed" if self.passed else "FAILED"
        text = f"gradcheck {verdict}: max relative error {self.max_rel_error:.2e}"
        if self.input is not None:
            text += (
                f" at input {self.input} index {list(self.index)}"
                f" (analytic {self.analytic:.10g}, numeric {self.numeric:.10g})"
            )
        text += f", tolerance {self.tol:.0e}"
        if self.kinks:
            n = len(self.kinks)
            text += f"; {n} {'entry' if n == 1 else 'entries'} within h of a kink left out"
        return "; ".join([text, *self.warnings])


def gradcheck(
    f: Callable,
    inputs,
    grads,
    *,
    h: float = 1e-5,
    tol: float = 1e-6,
    tiny: float = 1e-3,
) -> GradcheckReport:
    """Check the gradients ``grads`` of the scalar ``f(*inputs)`` against central differences.

    Args:
        f: a function of the input arrays that returns a scalar (a float, or anything with
            ``.item()``: a 0-d array, a torch tensor, a :class:`~dlnlp.nn.autograd.Tensor`).
        inputs: one float64 array or a sequence of them (moved in place by ±h, then restored).
        grads: the analytic gradients, one per input, of the same shapes.
        h: the step; 1e-5 suits float64 (see the module docstring).
        tol: the largest relative error that passes.
        tiny: the floor of the denominator of the relative error.

    Returns a :class:`GradcheckReport`; ``print(report)`` gives a one-line verdict and
    ``report.passed`` a bool. Warns (RuntimeWarning) if an input, a gradient or f is not
    float64.
    """
    inputs = _as_list(inputs)
    grads = [grads] if isinstance(grads, np.ndarray) or not isinstance(grads, Sequence) else grads
    grads = [np.asarray(g) for g in grads]
    if len(grads) != len(inputs) or any(g.shape != x.shape for g, x in zip(grads, inputs)):
        raise ValueError(
            f"grads have shapes {[g.shape for g in grads]}; "
            f"the inputs have shapes {[x.shape for x in inputs]}"
        )
    precision = [f"input {k} is {x.dtype}" for k, x in enumerate(inputs) if x.dtype != np.float64]
    precision += [f"grad {k} is {g.dtype}" for k, g in enumerate(grads) if g.dtype != np.float64]
    f_x = f(*inputs)
    if getattr(getattr(f_x, "dtype", None), "itemsize", 8) < 8:  # NumPy and torch dtypes
        precision.append(f"f returns {f_x.dtype}")
    if precision:
        precision = [f"{', '.join(precision)}: check in float64"]
        warnings.warn(f"gradcheck: {precision[0]}", RuntimeWarning, stacklevel=2)
    f_x = _scalar(f_x)
    grads = [g.astype(np.float64) for g in grads]

    numeric = numerical_gradient(f, inputs, h)
    rel_errors = [relative_error(a, n, tiny) for a, n in zip(grads, numeric)]
    kinks = [
        (k, tuple(int(j) for j in i))
        for k, errors in enumerate(rel_errors)
        for i in map(tuple, np.argwhere(errors > tol))  # argwhere: 0-d inputs too
        if _near_kink(f, inputs, k, i, f_x, grads[k][i], h, tol, tiny)
    ]
    smooth = [errors.copy() for errors in rel_errors]
    for k, i in kinks:
        smooth[k][i] = -1.0  # below every relative error
    report = GradcheckReport(0.0, None, None, np.nan, np.nan, tol, rel_errors, kinks, precision)
    for k, errors in enumerate(smooth):
        worst = errors.max(initial=-1.0)
        if worst >= 0 and (report.input is None or worst > report.max_rel_error):
            i = tuple(int(j) for j in np.unravel_index(errors.argmax(), errors.shape))
            report.max_rel_error, report.input, report.index = float(worst), k, i
            report.analytic, report.numeric = float(grads[k][i]), float(numeric[k][i])
    return report


def _near_kink(f, inputs, k, i, f_x, analytic, h, tol, tiny) -> bool:
    """Is there a kink of f within h of x along entry i of input k, with the analytic value
    between the one-sided slopes there?"""
    x, old = inputs[k], inputs[k][i]

    def one_sided(step):  # (backward, forward) difference quotients
        x[i] = old + step
        forward = (_scalar(f(*inputs)) - f_x) / step
        x[i] = old - step
        backward = (f_x - _scalar(f(*inputs))) / step
        x[i] = old
        return backward, forward

    backward, forward = one_sided(h)
    if relative_error(forward, backward, tiny) <= tol:  # one slope: f is straight here
        return False
    gap = [forward - backward] + [-np.subtract(*one_sided(step)) for step in (h / 2, h / 4)]
    if abs(gap[1] / gap[0] - 0.5) < 0.01 and abs(gap[2] / gap[1] - 0.5) < 0.01:
        return False  # the gap is h f''(x), halving with h: a curve, not a kink
    slack = 1e-3 * max(abs(forward), abs(backward), tiny)  # one-sided slopes are O(h) off
    return min(forward, backward) - slack <= analytic <= max(forward, backward) + slack


def _scalar(y) -> float:
    return float(y.item() if hasattr(y, "item") else y)


def _as_list(arrays) -> list:
    if isinstance(arrays, np.ndarray) or not isinstance(arrays, Sequence):
        arrays = [arrays]
    for a in arrays:
        if not isinstance(a, np.ndarray) or a.dtype.kind != "f":
            raise TypeError(
                f"expected float NumPy arrays, got {type(a).__name__}"
                + (f" of {a.dtype}" if isinstance(a, np.ndarray) else "")
            )
    return list(arrays)
