# ruff: noqa
# expected: 90
# splice: sigmoid
# A wrong sigmoid that tries to make every comparison pass by patching numpy at import time.
# The verdict is computed in the grader's own process, so only the wrong sigmoid counts.
import builtins

import numpy

numpy.allclose = lambda *args, **kwargs: True
numpy.isclose = lambda a, b, *args, **kwargs: numpy.ones(numpy.shape(a), dtype=bool)
numpy.array_equal = lambda *args, **kwargs: True
numpy.testing.assert_allclose = lambda *args, **kwargs: None
numpy.testing.assert_array_almost_equal = lambda *args, **kwargs: None
builtins.abs = lambda x: 0.0
builtins.all = lambda x: True


def sigmoid(x):
    return np.zeros_like(np.asarray(x, dtype=float))
