"""dlnlp's word2vec beside gensim's: speed and quality, same corpus, same settings.

    python benchmarks/word2vec.py                       # skip-gram, negative sampling
    python benchmarks/word2vec.py --cbow --epochs 1     # CBOW, one pass
    python benchmarks/word2vec.py --corpus my.txt.gz --max-words 1000000
    python benchmarks/word2vec.py --repeats 3           # 3 rounds, medians and ratio ranges
    python benchmarks/word2vec.py --no-numba            # dlnlp's torch steps (the GPU's path)

The corpus defaults to text8 through dlnlp.data (its prefix where the full file cannot be had).
Both tools get the same sentences (10,000-word pieces: gensim ignores words past 10,000 in one
sentence), the same d, window, K, min_count, subsampling t, epochs, threads and learning-rate
schedule (alpha to alpha / 10^4). Speed is raw words per second of training, vocabulary
building excluded; the CPU seconds are printed too, as on a shared machine the wall clock
depends on the other load. Quality: Spearman's rho on WordSim-353 and SimLex-999, and the
accuracy on the Google analogies (restrict_vocab=30000), all by gensim's KeyedVectors
evaluators on dlnlp.data's files. With --repeats N the two alternate N times (dlnlp first,
then gensim first, ...); each round's ratio compares two neighbouring runs, and the table shows
the medians and the range of the ratios, as the load on a shared machine changes from minute to
minute. It prints; it asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import time

from gensim.models import Word2Vec

from dlnlp import data
from dlnlp.vectors import word2vec
from dlnlp.vectors.word2vec import read_corpus, train

SENTENCE = 10_000


def load(corpus: str, max_words: int | None) -> list[list[str]]:
    """A dlnlp.data dataset name or a text file, as sentences of at most 10,000 words."""
    if corpus in data.REGISTRY:
        words = data.words(corpus, max_words=max_words)
    else:
        words = [w for line in read_corpus(corpus) for w in line][:max_words]
    return [words[i : i + SENTENCE] for i in range(0, len(words), SENTENCE)]


def quality(kv) -> dict[str, float]:
    ws = kv.evaluate_word_pairs(str(data.fetch("wordsim353")))[1][0]
    sl = kv.evaluate_word_pairs(str(data.fetch("simlex999")))[1][0]
    analogy = kv.evaluate_word_analogies(str(data.fetch("questions-words")), restrict_vocab=30000)
    return {"WS353 rho": ws, "SimLex rho": sl, "analogy acc": analogy[0]}


def run_dlnlp(sentences, a) -> tuple[dict[str, float], object]:
    cpu = time.process_time()
    result = train(
        sentences,
        cbow=a.cbow,
        dim=a.dim,
        window=a.window,
        negative=a.negative,
        min_count=a.min_count,
        sample=a.sample,
        epochs=a.epochs,
        alpha=a.alpha,
        threads=a.threads,
        device=a.device,
        seed=a.seed,
    )
    cpu = time.process_time() - cpu  # includes building the vocabulary
    speed = {"words/s": result.words_per_second, "train s": result.seconds, "cpu s (all)": cpu}
    return speed, result.keyed_vectors()


def run_gensim(sentences, a) -> tuple[dict[str, float], object]:
    model = Word2Vec(
        vector_size=a.dim,
        window=a.window,
        negative=a.negative,
        hs=0,
        min_count=a.min_count,
        sample=a.sample,
        sg=0 if a.cbow else 1,
        alpha=a.alpha,
        min_alpha=a.alpha * 1e-4,
        workers=a.threads,
        seed=a.seed + 1,  # gensim's seed 0 is fine too; only the per-word hashing differs
    )
    cpu = time.process_time()
    model.build_vocab(sentences)
    start = time.perf_counter()
    model.train(sentences, total_examples=len(sentences), epochs=a.epochs)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu  # all threads, vocabulary included, as for dlnlp
    words = sum(map(len, sentences)) * a.epochs
    return {"words/s": words / seconds, "train s": seconds, "cpu s (all)": cpu}, model.wv


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--corpus", default="text8", help="dlnlp.data name or a text file")
    p.add_argument("--max-words", type=int, default=None)
    p.add_argument("--cbow", action="store_true")
    p.add_argument("--dim", type=int, default=100)
    p.add_argument("--window", type=int, default=5)
    p.add_argument("--negative", type=int, default=5)
    p.add_argument("--min-count", type=int, default=5)
    p.add_argument("--sample", type=float, default=1e-4)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--alpha", type=float, default=None, help="default 0.025 (SG), 0.05 (CBOW)")
    p.add_argument("--device", default="cpu")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--repeats", type=int, default=1, help="rounds of dlnlp and gensim")
    p.add_argument("--no-numba", action="store_true", help="dlnlp's torch steps on a CPU too")
    a = p.parse_args()
    a.alpha = a.alpha if a.alpha is not None else (0.05 if a.cbow else 0.025)
    if a.no_numba:
        word2vec.numba = None
    path = "numba loops" if word2vec.numba is not None and a.device == "cpu" else "torch steps"
    sentences = load(a.corpus, a.max_words)
    n = sum(map(len, sentences))
    print(
        f"{'CBOW' if a.cbow else 'skip-gram'}, negative sampling: {n:,} words of {a.corpus}, "
        f"d={a.dim} window={a.window} K={a.negative} min_count={a.min_count} "
        f"sample={a.sample} epochs={a.epochs} threads={a.threads} alpha={a.alpha} "
        f"device={a.device}; dlnlp runs its {path}"
    )
    runs = (("dlnlp", run_dlnlp), ("gensim", run_gensim))
    rounds = []
    for r in range(a.repeats):
        rows = {}
        for name, run in runs if r % 2 == 0 else runs[::-1]:
            speed, kv = run(sentences, a)
            rows[name] = {**speed, **quality(kv)}
        rounds.append(rows)
        if a.repeats > 1:
            print(
                f"round {r + 1}: words/s {rows['dlnlp']['words/s']:,.0f} vs "
                f"{rows['gensim']['words/s']:,.0f}, WS353 {rows['dlnlp']['WS353 rho']:.3f} vs "
                f"{rows['gensim']['WS353 rho']:.3f}"
            )
    report(rounds)
    print("\nwords/s: raw words x epochs / training seconds (measured on this machine, as loaded)")


def report(rounds: list[dict[str, dict[str, float]]]) -> None:
    """The median of each measure over the rounds, and the ratio dlnlp/gensim: its median over
    the rounds, and its range when there is more than one."""
    spread = len(rounds) > 1
    print(f"\n{'':14s}{'dlnlp':>12s}{'gensim':>12s}{'dlnlp/gensim':>14s}", end="")
    print(f"{'(min - max)':>16s}" if spread else "")
    for key in rounds[0]["dlnlp"]:
        mine = statistics.median(r["dlnlp"][key] for r in rounds)
        theirs = statistics.median(r["gensim"][key] for r in rounds)
        ratios = [
            r["dlnlp"][key] / r["gensim"][key] if r["gensim"][key] else float("nan") for r in rounds
        ]
        fmt = "{:12,.0f}" if key == "words/s" else "{:12.3f}"
        line = f"{key:14s}{fmt.format(mine)}{fmt.format(theirs)}{statistics.median(ratios):14.2f}"
        print(line + (f"{min(ratios):9.2f} - {max(ratios):.2f}" if spread else ""))


if __name__ == "__main__":
    main()
