# ruff: noqa
# expected: 95
# splice: noise
# A crash of the interpreter itself (SIGSEGV) during one test: that test fails with the signal's
# name, a fresh process grades the rest.
import ctypes


def noise_distribution(counts, power=0.75):
    return ctypes.string_at(0)
