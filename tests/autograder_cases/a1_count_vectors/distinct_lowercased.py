# ruff: noqa
# expected: 98
# splice: distinct_words
# Words lower-cased before sorting: right for lower-case corpora, wrong only on "capitals,
# digits and prefixes" (2).
def distinct_words(corpus):
    words = sorted({word.lower() for sentence in corpus for word in sentence})
    return words, len(words)


def word_ids(corpus):
    words, n_words = distinct_words(corpus)
    position = {word: i for i, word in enumerate(words)}
    ids = [position.get(word, -1) for sentence in corpus for word in sentence]
    return np.array(ids, dtype=np.int64), n_words, len(words)
