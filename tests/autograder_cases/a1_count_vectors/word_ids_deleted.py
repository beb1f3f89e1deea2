# ruff: noqa
# expected: 90
# splice: distinct_words
# A right distinct_words, but the given word_ids was deleted: the grader cannot call it, and
# the distinct-words tests (10) fail with "word_ids is not defined".
def distinct_words(corpus):
    words = sorted({word for sentence in corpus for word in sentence})
    return words, len(words)
