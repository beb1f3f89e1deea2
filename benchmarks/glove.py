"""GloVe (dlnlp.vectors.glove) beside gensim's skip-gram on the same corpus, in the same run.

    python benchmarks/glove.py                      # the text8 prefix (dlnlp.data.words("text8"))
    python benchmarks/glove.py --corpus FILE --window 10 --epochs 25 --device cpu --threads 2

Prints the co-occurrence build rate (tokens/s), each GloVe epoch's time and rate (non-zeros/s),
and for both models WordSim353 and SimLex-999 Spearman rho and Google-analogy accuracy (gensim's
``evaluate_word_pairs`` / ``evaluate_word_analogies``, 30,000 most frequent words), with the
ratios GloVe / skip-gram. The skip-gram reference: window 5, 5 negative samples, 5 epochs
(gensim's default), the same dimension, min count and worker threads.
For reference, the GloVe C tool on the project's 2-core machine: 4.5 s to count the 2.14M-word
prefix (window 10, min count 5) and 9.5 s per iteration (about 0.91M non-zeros/s). Timings on a
shared machine are noisy; nothing here is asserted.
"""

import argparse
import time

from gensim.models import KeyedVectors, Word2Vec

from dlnlp import data
from dlnlp.vectors import keyed_vectors
from dlnlp.vectors.glove import cooccurrence, read_corpus, train

RESTRICT = 30_000


def scores(kv: KeyedVectors) -> dict[str, float]:
    """WordSim353 and SimLex-999 Spearman rho, analogy accuracy (gensim's defaults: pairs and
    questions with a word outside the 30,000 most frequent are skipped)."""
    ws = kv.evaluate_word_pairs(str(data.fetch("wordsim353")), restrict_vocab=RESTRICT)
    sl = kv.evaluate_word_pairs(str(data.fetch("simlex999")), restrict_vocab=RESTRICT)
    acc, _ = kv.evaluate_word_analogies(str(data.fetch("questions-words")), restrict_vocab=RESTRICT)
    return {"WordSim353 rho": ws[1].statistic, "SimLex-999 rho": sl[1].statistic, "analogy": acc}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", help="plain or gzipped text (default: the text8 prefix)")
    parser.add_argument("--window", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=25)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--sg-epochs", type=int, default=5)
    args = parser.parse_args()

    tokens = read_corpus(args.corpus) if args.corpus else data.words("text8")
    start = time.perf_counter()
    X, words = cooccurrence(tokens, args.min_count, args.window)
    build = time.perf_counter() - start
    print(f"corpus: {len(tokens):,} tokens, {len(words):,} words (min count {args.min_count})")
    print(
        f"co-occurrence (window {args.window}): {X.nnz:,} non-zeros in {build:.1f} s, "
        f"{len(tokens) / build:,.0f} tokens/s"
    )

    fit = train(
        X, args.dim, epochs=args.epochs, lr=args.lr, device=args.device, threads=args.threads
    )
    for epoch, (loss, sec) in enumerate(zip(fit.losses, fit.seconds), 1):
        print(
            f"GloVe epoch {epoch:3d}: {sec:6.1f} s, {X.nnz / sec:,.0f} non-zeros/s, loss {loss:.5f}"
        )
    glove_s = sum(fit.seconds)
    print(f"GloVe: {glove_s:.1f} s in all, mean {X.nnz * args.epochs / glove_s:,.0f} non-zeros/s")

    sentences = [tokens[k : k + 10_000] for k in range(0, len(tokens), 10_000)]
    start = time.perf_counter()
    sg = Word2Vec(
        sentences,
        vector_size=args.dim,
        window=5,
        negative=5,
        sg=1,
        seed=0,
        min_count=args.min_count,
        workers=args.threads,
        epochs=args.sg_epochs,
    )
    sg_s = time.perf_counter() - start
    print(
        f"gensim skip-gram: {args.sg_epochs} epochs in {sg_s:.1f} s "
        f"({len(tokens) * args.sg_epochs / sg_s:,.0f} words/s)"
    )

    glove, ref = scores(keyed_vectors(fit.vectors, words)), scores(sg.wv)
    print(f"{'':16s} {'GloVe':>8s} {'skip-gram':>10s} {'ratio':>7s}")
    for name in glove:
        print(f"{name:16s} {glove[name]:8.3f} {ref[name]:10.3f} {glove[name] / ref[name]:7.2f}")
    print(f"{'train seconds':16s} {glove_s:8.1f} {sg_s:10.1f} {glove_s / sg_s:7.2f}")


if __name__ == "__main__":
    main()
