"""The recurrent language model and its training: batches, clipping, evaluation, overfitting,
optimizers and per-step losses."""

from __future__ import annotations

import functools
import itertools
import math
import os
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from dlnlp import data
from dlnlp.data import Vocab
from dlnlp.sequence.ngram import NGramLM
from dlnlp.sequence.rnn_lm import RNNLM
from dlnlp.sequence.train import (
    batchify,
    bptt_batches,
    clip_grad_norm,
    detach,
    evaluate,
    train,
)

SHARED = Path(os.environ.get("DLNLP_SHARED_DATA") or Path(__file__).parents[1] / "../shared/data")


@pytest.fixture(scope="module")
def stream(tmp_path_factory) -> list[str]:
    """The first 45,000 tokens of PTB train (the embedded fallback where the mirror is absent)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DLNLP_DATA", str(tmp_path_factory.mktemp("dlnlp-data")))
        mp.setenv("DLNLP_OFFLINE", "1")
        if SHARED.is_dir():
            mp.setenv("DLNLP_MIRROR", str(SHARED))
        else:
            mp.delenv("DLNLP_MIRROR", raising=False)
        lines = data.sentences("ptb.train", eos="<eos>")
    return list(itertools.chain.from_iterable(lines))[:45_000]


@pytest.fixture(scope="module")
def text(stream) -> list[str]:
    """The first 2,000 tokens of PTB train."""
    return stream[:2000]


@pytest.fixture
def one_thread():
    """Small models train faster on one thread than on two busy cores."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_batchify_and_bptt_batches():
    data_ = batchify(np.arange(23), 4)  # 5 rows of 4 columns; 3 tokens dropped
    assert data_.shape == (5, 4) and data_[:, 1].tolist() == [5, 6, 7, 8, 9]
    windows = list(bptt_batches(data_, 3))
    assert [x.shape[0] for x, _ in windows] == [3, 1]
    for x, y in windows:
        assert torch.equal(y, x + 1)  # each target is the next token of its column
    with pytest.raises(ValueError):
        batchify(np.arange(5), 4)


def test_clip_grad_norm_bounds_the_norm_and_keeps_the_direction():
    torch.manual_seed(0)
    params = [
        nn.Parameter(torch.randn(5, 3)),
        nn.Parameter(torch.randn(4)),
        nn.Parameter(torch.ones(2)),
    ]
    grads = [torch.randn(5, 3) * 10, torch.randn(4) * 10, None]
    for p, g in zip(params, grads):
        p.grad = None if g is None else g.clone()
    before = math.sqrt(sum(float((g**2).sum()) for g in grads if g is not None))
    norm = clip_grad_norm(params, 1.5)
    assert norm.item() == pytest.approx(before, rel=1e-6) and before > 1.5
    after = math.sqrt(sum(float((p.grad**2).sum()) for p in params[:2]))
    assert after == pytest.approx(1.5, rel=1e-5)
    for p, g in zip(params[:2], grads):
        torch.testing.assert_close(p.grad, g * (1.5 / before), rtol=1e-5, atol=1e-7)
    copies = [nn.Parameter(p.detach().clone()) for p in params[:2]]
    for c, g in zip(copies, grads):
        c.grad = g.clone()
    torch.nn.utils.clip_grad_norm_(copies, 1.5)
    for p, c in zip(params, copies):
        torch.testing.assert_close(p.grad, c.grad)
    small = [p.grad.clone() for p in params[:2]]
    clip_grad_norm(params, 100.0)  # below the threshold nothing changes
    for p, s in zip(params, small):
        torch.testing.assert_close(p.grad, s, rtol=0, atol=0)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_own_cells_and_torch_layers_are_interchangeable(kind):
    torch.manual_seed(0)
    mine = RNNLM(30, 8, 8, 2, kind=kind).double()
    theirs = RNNLM(30, 8, 8, 2, kind=kind, own_cells=False).double()
    theirs.load_state_dict(mine.state_dict())
    x = torch.randint(30, (6, 3))
    (scores_a, state_a), (scores_b, state_b) = mine(x), theirs(x)
    assert scores_a.shape == (6, 3, 30)
    torch.testing.assert_close(scores_a, scores_b, rtol=0, atol=1e-10)
    state_a, state_b = detach(state_a), detach(state_b)
    for s in state_a if kind == "lstm" else (state_a,):
        assert s.shape == (2, 3, 8) and s.grad_fn is None
    torch.testing.assert_close(mine(x, state_a)[0], theirs(x, state_b)[0], rtol=0, atol=1e-10)


def test_tied_weights_and_init_range():
    model = RNNLM(50, 16, 16, tie_weights=True, init_range=0.1)
    assert model.output.weight is model.embedding.weight
    assert all(p.abs().max() <= 0.1 for p in model.parameters())
    n_untied = sum(p.numel() for p in RNNLM(50, 16, 16).parameters())
    assert sum(p.numel() for p in model.parameters()) == n_untied - 50 * 16
    with pytest.raises(ValueError):
        RNNLM(50, 16, 32, tie_weights=True)
    with pytest.raises(ValueError):
        RNNLM(50, 16, 16, kind="transformer")


def test_a_model_with_uniform_output_has_perplexity_V():
    model = RNNLM(40, 8, 8)
    nn.init.zeros_(model.output.weight), nn.init.zeros_(model.output.bias)
    data_ = batchify(torch.randint(40, (500,)), 5)
    assert evaluate(model, data_, bptt=7) == pytest.approx(40, rel=1e-5)


def test_unigram_bias_gives_the_add_one_unigram_model():
    ids = torch.tensor([3, 1, 1, 0, 2, 1, 3, 1, 1, 2, 0, 1] * 10)
    model = RNNLM(5, 4, 4)
    nn.init.zeros_(model.output.weight)
    model.set_unigram_bias(ids)
    counts = np.bincount(ids.numpy(), minlength=5)  # word 4 never occurs
    p = (counts + 1) / (counts.sum() + 5)
    data_ = batchify(ids, 4)
    targets = data_[1:].flatten().numpy()
    assert evaluate(model, data_, bptt=5) == pytest.approx(math.exp(-np.log(p[targets]).mean()))
    with pytest.raises(ValueError, match="vocabulary"):
        model.set_unigram_bias(torch.tensor([0, 5]))


def test_lstm_lm_overfits_a_short_text(text, one_thread):
    """A tiny LSTM (own cells) learns 2,000 tokens far better than their own unigram model."""
    torch.manual_seed(0)
    vocab = Vocab(text)
    ids = vocab.encode(text)
    unigram = NGramLM(text, 1, smoothing="add-k", k=0).perplexity(text)
    model = RNNLM(len(vocab), 32, 64)
    history = train(
        model, ids, ids, epochs=8, batch_size=20, bptt=10, lr=20.0, clip=1.0, progress=False
    )
    assert len(history.train_ppl) == len(history.valid_ppl) == 8
    assert len(history.grad_norm) == len(history.loss) == 8 * 10
    assert history.tokens[0] == (len(ids) // 20 - 1) * 20
    assert history.train_ppl[-1] < unigram / 5, (unigram, history.train_ppl)
    assert history.valid_ppl[-1] < history.train_ppl[0] / 10


def test_train_stops_at_a_step_budget_and_decays_the_rate(one_thread):
    torch.manual_seed(0)
    ids = torch.randint(20, (2000,))
    model = RNNLM(20, 8, 8, kind="gru")
    history = train(
        model,
        ids,
        epochs=5,
        batch_size=4,
        bptt=10,
        lr=1.0,
        lr_decay=0.5,
        decay_after=1,
        max_steps=110,
        progress=False,
    )  # 50 steps per epoch: two whole epochs and 10 steps of the third
    assert history.lr == [1.0, 0.5, 0.25] and history.valid_ppl == []
    assert len(history.grad_norm) == len(history.loss) == 110
    assert history.tokens == [2000 - 4] * 2 + [400]
    assert history.tokens_per_second > 0


def test_the_per_step_losses_are_those_of_the_windows(one_thread):
    """With a learning rate of 0 the model stays fixed, so each recorded loss must be the
    cross-entropy of its window, read with the state carried over from the previous one."""
    torch.manual_seed(0)
    ids = torch.randint(20, (1000,))
    model = RNNLM(20, 8, 8, kind="gru")
    history = train(model, ids, epochs=2, batch_size=4, bptt=15, lr=0.0, progress=False)
    expected, state = [], None
    with torch.no_grad():
        for x, y in bptt_batches(batchify(ids, 4), 15):
            scores, state = model(x, state)
            expected.append(nn.functional.cross_entropy(scores.flatten(0, 1), y.flatten()).item())
    assert len(expected) == 17  # 249 predictions per column in windows of 15
    assert history.loss == pytest.approx(expected * 2, rel=1e-5)
    sizes = [15] * 16 + [249 - 16 * 15]
    mean = np.dot(history.loss[:17], sizes) / sum(sizes)
    assert history.train_ppl[0] == pytest.approx(math.exp(mean), rel=1e-5)


def test_adam_beats_sgd_in_the_same_steps(stream, one_thread):
    """One pass (200 steps) over 40,000 tokens of real text: a tiny tied RNN trained with Adam
    at its usual rate ends with a lower held-out perplexity than with SGD at any of three rates
    (1, 3 and 10; with 20, the default, it does worse still)."""
    vocab = Vocab(stream[:40_000])
    ids, held_out = vocab.encode(stream[:40_000]), vocab.encode(stream[40_000:])
    torch.manual_seed(0)
    start = RNNLM(len(vocab), 32, 32, kind="rnn", tie_weights=True, init_range=0.1)
    start.set_unigram_bias(ids)
    runs = {f"SGD, lr {lr}": dict(lr=lr) for lr in (1.0, 3.0, 10.0)}
    runs["Adam, lr 5e-3"] = dict(optimizer=functools.partial(torch.optim.Adam, lr=5e-3))
    ppl = {}
    for name, how in runs.items():
        model = RNNLM(len(vocab), 32, 32, kind="rnn", tie_weights=True)
        model.load_state_dict(start.state_dict())
        history = train(model, ids, batch_size=20, bptt=10, progress=False, **how)
        assert len(history.loss) == 200
        ppl[name] = evaluate(model, batchify(held_out, 5), bptt=10)
    adam = ppl.pop("Adam, lr 5e-3")
    assert adam < min(ppl.values()), (adam, ppl)


def test_train_steps_the_given_optimizer_and_decays_its_rate(one_thread):
    """Adam's first step moves every parameter by lr · g / (|g| + eps), whatever the size of
    its gradient g; plain SGD would move it by lr · g."""
    torch.manual_seed(0)
    ids = torch.randint(30, (400,))
    reference = RNNLM(30, 8, 8, kind="lstm")
    x, y = next(bptt_batches(batchify(ids, 4), 10))
    scores, _ = reference(x)
    nn.functional.cross_entropy(scores.flatten(0, 1), y.flatten()).backward()
    for make in (
        lambda params: torch.optim.Adam(params, lr=0.01),
        functools.partial(torch.optim.Adam, lr=0.01),
    ):
        model = RNNLM(30, 8, 8, kind="lstm")
        model.load_state_dict(reference.state_dict())
        train(
            model,
            ids,
            batch_size=4,
            bptt=10,
            optimizer=make,
            clip=None,
            max_steps=1,
            progress=False,
        )
        for (name, p), p0 in zip(model.named_parameters(), reference.parameters()):
            g = p0.grad
            expected = p0.detach() - 0.01 * g / (g.abs() + 1e-8)
            torch.testing.assert_close(p.detach(), expected, rtol=0, atol=1e-6, msg=name)
    model = RNNLM(30, 8, 8, kind="gru")
    adam = torch.optim.Adam(model.parameters(), lr=0.01)
    history = train(
        model,
        ids,
        epochs=3,
        batch_size=4,
        bptt=10,
        optimizer=adam,
        lr_decay=0.5,
        decay_after=1,
        progress=False,
    )
    assert history.lr == [0.01, 0.005, 0.0025] and adam.param_groups[0]["lr"] == 0.0025
    assert len(adam.state) == len(list(model.parameters()))  # the instance was stepped
    assert len(history.loss) == 3 * 10


def test_a_bad_optimizer_argument_is_a_clear_error():
    ids = torch.randint(30, (400,))
    model = RNNLM(30, 8, 8)
    with pytest.raises(TypeError, match="torch.optim.Optimizer"):
        train(model, ids, optimizer="adam", progress=False)
    with pytest.raises(TypeError, match="torch.optim.Optimizer"):
        train(model, ids, optimizer=lambda params: None, progress=False)
    other = torch.optim.Adam(RNNLM(30, 8, 8).parameters())
    with pytest.raises(ValueError, match="not the model's"):
        train(model, ids, optimizer=other, progress=False)
    with pytest.raises(ValueError, match="lr="):
        train(model, ids, lr=1.0, optimizer=torch.optim.Adam, progress=False)
