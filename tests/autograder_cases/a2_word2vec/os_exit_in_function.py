# ruff: noqa
# expected: 95
# splice: noise
# os._exit ends the whole process during one test: that test fails with a clear message, a fresh
# process goes on with the others.
import os


def noise_distribution(counts, power=0.75):
    os._exit(0)
