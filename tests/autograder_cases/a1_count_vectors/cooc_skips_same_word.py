# ruff: noqa
# expected: 85
# splice: co_occurrence
# Skips every token equal to the center word instead of the center position: a word repeated
# within the window is never counted with itself. Loses "several sentences" (10) and "a word
# repeated within the window" (5); the other tests have no word twice in a window.
def compute_co_occurrence_matrix(corpus, words, window_size=4):
    index = {word: i for i, word in enumerate(words)}
    M = np.zeros((len(words), len(words)))
    for sentence in corpus:
        for p, word in enumerate(sentence):
            if word not in index:
                continue
            for q in range(max(0, p - window_size), min(len(sentence), p + window_size + 1)):
                if sentence[q] != word and sentence[q] in index:
                    M[index[word], index[sentence[q]]] += 1
    return M
