"""The bidirectional LM of ELMo: each direction sees one side, the joint loss, the layer mix."""

from __future__ import annotations

import copy
import itertools
import math
import os
from pathlib import Path

import numpy as np
import pytest
import torch

from dlnlp import data
from dlnlp.data import Vocab
from dlnlp.sequence.bilm import BiLM, LayerMix, evaluate, sentence_layers, train, windows
from dlnlp.sequence.train import batchify

SHARED = Path(os.environ.get("DLNLP_SHARED_DATA") or Path(__file__).parents[1] / "../shared/data")


@pytest.fixture(scope="module")
def text(tmp_path_factory) -> list[str]:
    """The first 6,000 tokens of PTB train (the embedded fallback where the mirror is absent)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DLNLP_DATA", str(tmp_path_factory.mktemp("dlnlp-data")))
        mp.setenv("DLNLP_OFFLINE", "1")
        if SHARED.is_dir():
            mp.setenv("DLNLP_MIRROR", str(SHARED))
        else:
            mp.delenv("DLNLP_MIRROR", raising=False)
        lines = data.sentences("ptb.train", eos="<eos>")
    return list(itertools.chain.from_iterable(lines))[:6000]


@pytest.fixture
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _states(model: BiLM, x: torch.Tensor, seed: int):
    torch.manual_seed(seed)  # the same dropout masks for both inputs
    with torch.no_grad():
        return model.states(x)


@pytest.mark.parametrize("own_cells, dropout", [(True, 0.0), (False, 0.0), (True, 0.3)])
def test_each_direction_sees_only_its_own_side(own_cells, dropout):
    """Changing token p changes forward states at positions >= p only and backward states at
    positions <= p only, in every layer, and nothing in the other column of the batch."""
    torch.manual_seed(0)
    model = BiLM(30, 6, num_layers=3, own_cells=own_cells, dropout=dropout).double()
    model.train(dropout > 0)
    T = 8
    x = torch.randint(30, (T, 2))
    _, fwd, bwd = _states(model, x, seed=1)
    for p in range(T):
        changed = x.clone()
        changed[p, 0] = (x[p, 0] + 1) % 30
        _, fwd2, bwd2 = _states(model, changed, seed=1)
        for a, b, a2, b2 in zip(fwd, bwd, fwd2, bwd2):
            moved_f = (a - a2).abs().amax(-1)  # (T, B)
            moved_b = (b - b2).abs().amax(-1)
            assert torch.all(moved_f[:p, 0] == 0) and torch.all(moved_f[p:, 0] > 0), p
            assert torch.all(moved_b[p + 1 :, 0] == 0) and torch.all(moved_b[: p + 1, 0] > 0), p
            assert torch.all(moved_f[:, 1] == 0) and torch.all(moved_b[:, 1] == 0)


def test_the_backward_lm_is_a_forward_lm_of_the_reversed_text():
    torch.manual_seed(0)
    model = BiLM(25, 5, num_layers=2).double().eval()
    mirror = copy.deepcopy(model)
    mirror.forward_lstm = copy.deepcopy(model.backward_lstm)
    x = torch.randint(25, (9, 3))
    with torch.no_grad():
        _, bwd_scores = model(x)
        reversed_scores, _ = mirror(x.flip(0))
        torch.testing.assert_close(bwd_scores, reversed_scores.flip(0), rtol=0, atol=1e-12)
        J_fwd, J_bwd = model.loss(x)
        J_mirror, _ = mirror.loss(x.flip(0))
    torch.testing.assert_close(J_bwd, J_mirror, rtol=0, atol=1e-12)


def test_the_loss_is_the_mean_negative_log_likelihood_of_both_directions():
    """J_fwd averages -log p(x_{k+1} | x_0 .. x_k), J_bwd averages -log p(x_{k-1} | x_k ..)."""
    torch.manual_seed(0)
    model = BiLM(12, 4).double().eval()
    x = torch.randint(12, (6, 2))
    with torch.no_grad():
        fwd, bwd = (s.log_softmax(-1) for s in model(x))
        J_fwd, J_bwd = model.loss(x)
        sums = model.loss(x, reduction="sum")
    nll_fwd = [-fwd[k, b, x[k + 1, b]] for k in range(5) for b in range(2)]
    nll_bwd = [-bwd[k, b, x[k - 1, b]] for k in range(1, 6) for b in range(2)]
    assert J_fwd.item() == pytest.approx(float(sum(nll_fwd)) / 10, rel=1e-12)
    assert J_bwd.item() == pytest.approx(float(sum(nll_bwd)) / 10, rel=1e-12)
    assert sums[0].item() == pytest.approx(float(sum(nll_fwd)), rel=1e-12)


def test_zero_output_weights_give_loss_log_V_and_perplexity_V():
    V = 40
    model = BiLM(V, 8)
    torch.nn.init.zeros_(model.output.weight)
    torch.nn.init.zeros_(model.output.bias)
    x = torch.randint(V, (10, 4))
    J_fwd, J_bwd = model.loss(x)
    assert J_fwd.item() == pytest.approx(math.log(V), rel=1e-6)
    assert J_bwd.item() == pytest.approx(math.log(V), rel=1e-6)
    fwd, bwd = evaluate(model, batchify(torch.randint(V, (300,)), 5), bptt=7)
    assert fwd == pytest.approx(V, rel=1e-5) and bwd == pytest.approx(V, rel=1e-5)


def test_shared_embedding_and_softmax_separate_lstms_and_tying():
    model = BiLM(50, 8, num_layers=2)
    names = [n for n, _ in model.named_parameters()]
    assert names.count("embedding.weight") == 1 and names.count("output.weight") == 1
    assert sum(n.startswith("forward_lstm.") for n in names) == 2 * 4
    assert sum(n.startswith("backward_lstm.") for n in names) == 2 * 4
    assert model.forward_lstm[0].weight_hh_l0 is not model.backward_lstm[0].weight_hh_l0
    tied = BiLM(50, 8, tie_weights=True)
    assert tied.output.weight is tied.embedding.weight
    n_params = sum(p.numel() for p in model.parameters())
    assert sum(p.numel() for p in tied.parameters()) == n_params - 50 * 8  # one V x d less
    assert all(p.abs().max() <= 0.1 for p in model.parameters())


def test_own_cells_and_torch_lstm_are_interchangeable():
    torch.manual_seed(0)
    mine, theirs = BiLM(30, 6).double(), BiLM(30, 6, own_cells=False).double()
    theirs.load_state_dict(mine.state_dict())
    x = torch.randint(30, (7, 3))
    with torch.no_grad():
        torch.testing.assert_close(mine.layers(x), theirs.layers(x), rtol=0, atol=1e-12)


def test_layers_stack_the_embedding_twice_then_both_directions():
    torch.manual_seed(0)
    model = BiLM(20, 5, num_layers=2).eval()
    x = torch.randint(20, (6, 3))
    with torch.no_grad():
        h = model.layers(x)
        e, fwd, bwd = model.states(x)
        scores_fwd, scores_bwd = model(x)
    assert h.shape == (3, 6, 3, 10)
    torch.testing.assert_close(h[0, ..., :5], model.embedding(x).detach())
    torch.testing.assert_close(h[0, ..., 5:], model.embedding(x).detach())
    for j in (1, 2):
        torch.testing.assert_close(h[j], torch.cat([fwd[j - 1], bwd[j - 1]], -1))
    torch.testing.assert_close(model.output(h[2, ..., :5]), scores_fwd)  # the top layer predicts
    torch.testing.assert_close(model.output(h[2, ..., 5:]), scores_bwd)


def test_layer_mix_is_a_softmax_weighted_sum_scaled_by_gamma():
    torch.manual_seed(0)
    mix = LayerMix(3).double()
    layers = torch.randn(3, 4, 2, 6, dtype=torch.float64)  # (L + 1, T, B, 2d)
    torch.testing.assert_close(mix(layers), layers.mean(0))  # starts as the plain average
    with torch.no_grad():
        mix.w.copy_(torch.tensor([0.0, math.log(2), math.log(5)]))
        mix.gamma.fill_(2.5)
    torch.testing.assert_close(mix.s, torch.tensor([1 / 8, 2 / 8, 5 / 8], dtype=torch.float64))
    expected = 2.5 * (layers[0] + 2 * layers[1] + 5 * layers[2]) / 8
    torch.testing.assert_close(mix(layers), expected)
    with torch.no_grad():
        mix.gamma.fill_(-5.0)
    torch.testing.assert_close(mix(layers), -2 * expected)
    with torch.no_grad():
        mix.w.copy_(torch.tensor([30.0, -4.0, 7.0]))
    assert mix.s.sum().item() == pytest.approx(1.0) and bool((mix.s > 0).all())
    with pytest.raises(ValueError, match="LayerMix"):
        mix(layers[:2])


def test_gradient_reaches_the_layer_weights_and_gamma():
    torch.manual_seed(0)
    mix = LayerMix(3).double()
    with torch.no_grad():
        mix.w.copy_(torch.tensor([0.3, -0.2, 0.5]))
    layers = torch.randn(3, 5, 4, dtype=torch.float64)
    target = torch.randn(5, 4, dtype=torch.float64)
    ((mix(layers) - target) ** 2).sum().backward()
    assert mix.w.grad.abs().min() > 0 and mix.gamma.grad.abs() > 0

    def loss(w, gamma):
        s = torch.softmax(w, 0)
        return ((gamma * (s[:, None, None] * layers).sum(0) - target) ** 2).sum()

    w = mix.w.detach().clone().requires_grad_()
    gamma = mix.gamma.detach().clone().requires_grad_()
    assert torch.autograd.gradcheck(loss, (w, gamma))
    eps = 1e-6
    for i in range(3):  # the gradient of w by central differences
        step = torch.zeros(3, dtype=torch.float64)
        step[i] = eps
        numeric = (loss(w + step, gamma) - loss(w - step, gamma)) / (2 * eps)
        assert mix.w.grad[i].item() == pytest.approx(numeric.item(), rel=1e-5)
    numeric = (loss(w, gamma + eps) - loss(w, gamma - eps)) / (2 * eps)
    assert mix.gamma.grad.item() == pytest.approx(numeric.item(), rel=1e-5)


def test_sentence_layers_read_each_sentence_on_its_own():
    torch.manual_seed(0)
    model = BiLM(15, 4).double()
    sentences = [np.array([1, 2, 3]), np.array([4]), np.array([5, 6, 7]), np.array([8, 9, 10, 11])]
    out = sentence_layers(model, sentences, batch_size=1)
    assert not model.training
    for s, h in zip(sentences, out):
        assert h.shape == (3, len(s), 8)
        with torch.no_grad():
            alone = model.layers(torch.as_tensor(s)[:, None])[:, :, 0]
        torch.testing.assert_close(h, alone, rtol=0, atol=1e-12)
    batched = sentence_layers(model, sentences, batch_size=64)
    for a, b in zip(out, batched):
        torch.testing.assert_close(a, b, rtol=0, atol=1e-12)
    with pytest.raises(ValueError, match="sentence 1"):
        sentence_layers(model, [[1, 2], []])


def test_windows_let_each_direction_predict_every_row_once():
    data_ = batchify(np.arange(26), 2)  # (13, 2)
    ws = list(windows(data_, bptt=5))
    assert [len(w) for w in ws] == [6, 6, 3]
    forward_targets = torch.cat([w[1:] for w in ws])
    backward_targets = torch.cat([w[:-1] for w in ws])
    assert torch.equal(forward_targets, data_[1:]) and torch.equal(backward_targets, data_[:-1])


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match="num_layers"):
        BiLM(10, 4, num_layers=0)
    with pytest.raises(ValueError, match="dropout"):
        BiLM(10, 4, dropout=1.0)
    model = BiLM(10, 4)
    with pytest.raises(ValueError, match=r"\(T, B\)"):
        model.states(torch.zeros(5, dtype=torch.long))
    with pytest.raises(ValueError, match="T >= 2"):
        model.loss(torch.zeros(1, 3, dtype=torch.long))


def test_training_lowers_held_out_perplexity_of_both_directions(text, one_thread):
    torch.manual_seed(0)
    vocab = Vocab(text[:5000], min_count=2)
    ids = vocab.encode(text)
    train_ids, valid_ids = ids[:5000], ids[5000:]
    model = BiLM(len(vocab), 32)
    valid = batchify(valid_ids, 10)
    before = evaluate(model, valid, bptt=20)
    history = train(
        model,
        train_ids,
        valid_ids,
        epochs=6,
        batch_size=10,
        bptt=20,
        lr=1e-2,
        eval_every=50,
        progress=False,
    )  # 25 windows per epoch: 150 steps, recorded at 50, 100 and 150
    assert history.step == [50, 100, 150]
    assert history.tokens == [2 * 4990, 4 * 4990, 6 * 4990]  # (500 - 1) rows x 10 per epoch
    after = evaluate(model, valid, bptt=20)
    assert (history.valid_fwd[-1], history.valid_bwd[-1]) == pytest.approx(after)
    for b, a in zip(before, after):  # from about V to a small fraction of it
        assert a < b / 5, (before, after)
    short = train(BiLM(len(vocab), 8), train_ids, max_steps=7, batch_size=10, progress=False)
    assert short.step == [7] and short.valid_fwd == []
