# ruff: noqa
# expected: 90
# splice: sigmoid
# An IPython input transformer that would blank every later cell (the tests, in nbgrader), and
# a wrong sigmoid. The grader runs no IPython and no test cells: only the wrong sigmoid counts.
try:
    get_ipython().input_transformers_cleanup.append(lambda lines: [])  # noqa: F821
except NameError:
    pass


def sigmoid(x):
    return np.asarray(x, dtype=float) * 0.0 + 0.5
