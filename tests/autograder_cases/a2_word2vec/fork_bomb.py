# ruff: noqa
# expected: 95
# splice: noise
# A fork bomb: the process limit stops it, the test fails, nothing else is affected.
import os


def noise_distribution(counts, power=0.75):
    while True:
        os.fork()
