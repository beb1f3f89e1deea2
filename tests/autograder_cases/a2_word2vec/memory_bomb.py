# ruff: noqa
# expected: 95
# splice: noise
# Grabs memory until the limit: MemoryError for that test only.
def noise_distribution(counts, power=0.75):
    hog = []
    while True:
        hog.append(np.empty(10**8))  # 800 MB of address space at a time
