# ruff: noqa
# expected: 90
# splice: distinct_words
# The distinct words in the order a set happens to give: loses every distinct-words test (10);
# the corpora have at least 8 distinct words, so the order is never sorted by chance.
def distinct_words(corpus):
    words = list({word for sentence in corpus for word in sentence})
    return words, len(words)


def word_ids(corpus):
    words, n_words = distinct_words(corpus)
    position = {word: i for i, word in enumerate(words)}
    ids = [position.get(word, -1) for sentence in corpus for word in sentence]
    return np.array(ids, dtype=np.int64), n_words, len(words)
