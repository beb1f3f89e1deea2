# ruff: noqa
# expected: 95
# splice: noise
# An endless loop in one function: that test times out, every other part is still graded.
def noise_distribution(counts, power=0.75):
    while True:
        pass
