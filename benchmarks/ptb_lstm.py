"""Zaremba et al. (2014), "small" non-regularised LSTM on Penn Treebank, with dlnlp.sequence.

    python benchmarks/ptb_lstm.py --device cuda           # the full run: 13 epochs, our cells
    python benchmarks/ptb_lstm.py --device cuda --torch-cells     # the same with cuDNN's LSTM
    python benchmarks/ptb_lstm.py --device cpu --threads 1   # the full run on a CPU (35 min)
    python benchmarks/ptb_lstm.py --max-minutes 10        # a CPU budget: stops early
    python benchmarks/ptb_lstm.py --max-steps 300 --device cpu --threads 1   # a smoke run

The configuration of the paper's small model: 2 layers of H = 200 (embedding 200), no dropout,
parameters from U(-0.1, 0.1), SGD with learning rate 1 for 4 epochs, then halved after every
epoch, 13 epochs, T = 20 steps of truncated BPTT, B = 20 columns, gradients clipped at norm 5.
The paper reports 120.7 validation and 114.5 test perplexity. On one thread of the project's
2-core CPU the full run with our cells took 35 minutes (5,800 tokens/s) and reached 117.09 and
113.16 (2026-12-03).

Zaremba's loss is the cross-entropy *summed* over the T steps (averaged over the batch); ours is
the mean over all T·B predictions, 1/T of it. So the paper's learning rate 1 and threshold 5 are
lr = T and θ = 5 / T here, which gives exactly the same updates. Validation and test read 10
columns, each from a zero state, where the paper reads one long column (a small difference).

Prints each epoch's learning rate, train and validation perplexity and training speed, then the
test perplexity and the speed of the whole run (tokens per second, evaluation excluded). A run
cut short by --max-steps or --max-minutes says so: its perplexities are not the paper's.
"""

from __future__ import annotations

import argparse
import itertools
import time

import torch

from dlnlp import data
from dlnlp.data import Vocab
from dlnlp.device import best
from dlnlp.device import seed as seed_everything
from dlnlp.sequence.rnn_lm import RNNLM
from dlnlp.sequence.train import batchify, evaluate, train


def stream(split: str) -> list[str]:
    """PTB ``split`` as one token stream, ``<eos>`` after every line (929k / 74k / 82k tokens)."""
    return list(itertools.chain.from_iterable(data.sentences(f"ptb.{split}", eos="<eos>")))


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--epochs", type=int, default=13)
    p.add_argument("--max-minutes", type=float, help="stop training after this many minutes")
    p.add_argument("--max-steps", type=int, help="stop training after this many steps")
    p.add_argument("--hidden", type=int, default=200, help="H, also the embedding size")
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--bptt", type=int, default=20, help="T")
    p.add_argument("--batch", type=int, default=20, help="B")
    p.add_argument("--lr", type=float, default=1.0, help="in the paper's units (summed loss)")
    p.add_argument("--clip", type=float, default=5.0, help="in the paper's units (summed loss)")
    p.add_argument("--decay", type=float, default=0.5)
    p.add_argument("--decay-after", type=int, default=4, help="epochs at the full rate")
    p.add_argument("--init", type=float, default=0.1)
    p.add_argument("--dropout", type=float, default=0.0)
    p.add_argument("--kind", default="lstm", choices=["lstm", "gru", "rnn"])
    p.add_argument("--torch-cells", action="store_true", help="torch.nn.LSTM instead of ours")
    p.add_argument("--device", default=str(best()))
    p.add_argument("--threads", type=int, help="CPU threads (default: torch's choice)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-progress", action="store_true")
    a = p.parse_args(argv)
    if a.threads:
        torch.set_num_threads(a.threads)
    seed_everything(a.seed)

    start = time.perf_counter()
    train_tokens, valid_tokens, test_tokens = stream("train"), stream("valid"), stream("test")
    vocab = Vocab(train_tokens)
    train_ids, valid_ids, test_ids = map(vocab.encode, (train_tokens, valid_tokens, test_tokens))
    print(
        f"PTB ({data.last_source.get('ptb.train')}): {len(train_ids):,} / {len(valid_ids):,} / "
        f"{len(test_ids):,} tokens, V = {len(vocab):,}, read in {time.perf_counter() - start:.1f} s"
    )
    model = RNNLM(
        len(vocab),
        a.hidden,
        a.hidden,
        a.layers,
        kind=a.kind,
        dropout=a.dropout,
        own_cells=not a.torch_cells,
        init_range=a.init,
    ).to(a.device)
    cells = "torch.nn" if a.torch_cells else "dlnlp.sequence.cells"
    print(
        f"{a.layers} x {a.hidden} {a.kind.upper()} ({cells}) on {a.device}, "
        f"{torch.get_num_threads()} CPU threads, "
        f"{sum(p.numel() for p in model.parameters()):,} parameters"
    )
    history = train(
        model,
        train_ids,
        valid_ids,
        epochs=a.epochs,
        batch_size=a.batch,
        bptt=a.bptt,
        lr=a.lr * a.bptt,
        clip=a.clip / a.bptt,
        lr_decay=a.decay,
        decay_after=a.decay_after,
        max_steps=a.max_steps,
        max_seconds=None if a.max_minutes is None else 60 * a.max_minutes,
        progress=not a.no_progress,
    )
    for e, (lr, tr, va, s, n) in enumerate(
        zip(history.lr, history.train_ppl, history.valid_ppl, history.seconds, history.tokens), 1
    ):
        print(
            f"epoch {e:2d}  lr {lr / a.bptt:.4g}  train ppl {tr:8.2f}  valid ppl {va:8.2f}  "
            f"{n:,} tokens in {s:.0f} s ({n / s:,.0f} tokens/s)"
        )
    test_ppl = evaluate(model, batchify(test_ids, 10).to(a.device), a.bptt)
    print(f"test ppl {test_ppl:.2f}   (Zaremba et al. 2014, small: valid 120.7, test 114.5)")
    tokens, seconds = sum(history.tokens), sum(history.seconds)
    print(
        f"training: {len(history.loss):,} steps, {tokens:,} tokens in {seconds:.0f} s, "
        f"{history.tokens_per_second:,.0f} tokens/s on {a.device}"
    )
    full = len(batchify(train_ids, a.batch)) - 1  # predictions per column in one epoch
    if tokens < a.epochs * full * a.batch:
        print(f"stopped early, in epoch {len(history.lr)} of {a.epochs}: not the paper's setting")


if __name__ == "__main__":
    main()
