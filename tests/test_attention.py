"""Part IV library: kernel regression, scoring functions and the Transformer written out.

The Transformer blocks are checked against torch's with copied weights in float64 (forward and
gradients, with causal and key-padding masks); the rest by the properties that define them.
"""

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from dlnlp import data
from dlnlp.attention import kernel_regression as kr
from dlnlp.attention import scoring
from dlnlp.attention import transformer as tf

TOL = dict(rtol=0, atol=1e-6)


@pytest.fixture(autouse=True)
def one_thread():
    """Two threads thrash on the shared 2-core machine; one is faster and deterministic."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def leaf(*shape):
    return torch.randn(*shape, dtype=torch.float64, requires_grad=True)


def grads_of(outputs, inputs, seed):
    """Gradients of a random weighting of ``outputs`` with respect to ``inputs``."""
    g = torch.Generator().manual_seed(seed)
    loss = sum((o * torch.randn(o.shape, generator=g, dtype=o.dtype)).sum() for o in outputs)
    return torch.autograd.grad(loss, inputs)


def assert_same_layout(a, b):
    assert [(k, v.shape) for k, v in a.state_dict().items()] == [
        (k, v.shape) for k, v in b.state_dict().items()
    ]


def padding_mask(lengths, S):
    """(B, S) True at padding, the key_padding_mask of torch."""
    return ~scoring.key_mask(S, torch.tensor(lengths))


# --- kernel regression -----------------------------------------------------------------------


def test_nadaraya_watson_weights_are_a_distribution_and_predictions_stay_in_range():
    x, y = kr.make_data(50, generator=torch.Generator().manual_seed(0))
    assert torch.all(x[1:] >= x[:-1]) and x.min() >= 0 and x.max() < 5
    queries = torch.linspace(-1, 6, 71)  # also outside the training range
    predictions, weights = kr.nadaraya_watson(queries, x, y)
    assert predictions.shape == (71,) and weights.shape == (71, 50)
    assert torch.all(weights >= 0)
    torch.testing.assert_close(weights.sum(dim=1), torch.ones(71))
    assert torch.all(predictions >= y.min() - 1e-5) and torch.all(predictions <= y.max() + 1e-5)
    # each query weighs its nearest key most
    nearest = (queries[:, None] - x[None, :]).abs().argmin(dim=1)
    assert torch.equal(weights.argmax(dim=1), nearest)
    torch.testing.assert_close(kr.average_pooling(queries, y), y.mean().expand(71))
    # attention pooling follows the curve much better than the average does
    truth = kr.f(torch.linspace(0.5, 4.5, 41))
    nw, _ = kr.nadaraya_watson(torch.linspace(0.5, 4.5, 41), x, y)
    assert ((nw - truth) ** 2).mean() < 0.5 * ((y.mean() - truth) ** 2).mean()


def test_parametric_fit_lowers_the_leave_one_out_loss():
    x, y = kr.make_data(50, generator=torch.Generator().manual_seed(1))
    model = kr.NWKernelRegression(w=1.0)
    with torch.no_grad():
        torch.testing.assert_close(model(x, x, y)[0], kr.nadaraya_watson(x, x, y)[0])
        before = kr.leave_one_out_loss(model, x, y).item()
    losses = kr.fit(model, x, y, epochs=10)
    assert len(losses) == 10 and losses[0] == pytest.approx(before)
    with torch.no_grad():
        after = kr.leave_one_out_loss(model, x, y).item()
    assert after < 0.9 * before and model.w.item() > 1  # a narrower kernel fits these data
    # leave-one-out: no training point attends to itself
    others = ~torch.eye(50, dtype=torch.bool)
    _, weights = model(x, x, y, mask=others)
    assert torch.all(weights.diagonal() == 0)
    torch.testing.assert_close(weights.sum(dim=1), torch.ones(50))


# --- scoring ---------------------------------------------------------------------------------


@pytest.mark.parametrize("per_row", [False, True], ids=["per-sequence", "per-row"])
def test_masked_softmax_gives_padding_exactly_zero(per_row):
    torch.manual_seed(0)
    B, n_q, n_k = 3, 4, 6
    scores = torch.randn(B, n_q, n_k, dtype=torch.float64) * 10
    lens = torch.randint(1, n_k + 1, (B, n_q) if per_row else (B,))
    weights = scoring.masked_softmax(scores, valid_lens=lens)
    row_lens = lens if per_row else lens[:, None].expand(B, n_q)
    for b in range(B):
        for q in range(n_q):
            n = row_lens[b, q]
            assert torch.all(weights[b, q, n:] == 0)
            torch.testing.assert_close(weights[b, q, :n], F.softmax(scores[b, q, :n], dim=0))
    torch.testing.assert_close(weights.sum(-1), torch.ones(B, n_q, dtype=torch.float64))
    # the same through a boolean mask, and with both (a key must pass both)
    keep = scoring.key_mask(n_k, row_lens)
    assert torch.equal(scoring.masked_softmax(scores, mask=keep), weights)
    odd = torch.arange(n_k) % 2 == 1
    both = scoring.masked_softmax(scores, valid_lens=lens, mask=odd)
    assert torch.all(both[..., ~odd] == 0) and torch.all(both[~(keep & odd)] == 0)


def test_masked_softmax_row_without_valid_key_is_zero_with_finite_gradient():
    scores = leaf(2, 3, 4)
    lens = torch.tensor([[0, 2, 4], [4, 0, 1]])
    weights = scoring.masked_softmax(scores, valid_lens=lens)
    assert torch.all(weights[0, 0] == 0) and torch.all(weights[1, 1] == 0)
    torch.testing.assert_close(weights[0, 1].sum().item(), 1.0)
    (grad,) = grads_of([weights], [scores], seed=0)
    assert torch.isfinite(grad).all() and torch.all(grad[0, 0] == 0)


def test_scaled_dot_product_attention_equals_torch():
    torch.manual_seed(0)
    q, k, v = leaf(2, 3, 5, 8), leaf(2, 3, 7, 8), leaf(2, 3, 7, 4)  # (B, h, n, d)
    mask = torch.rand(2, 1, 5, 7) > 0.3
    mask[..., 0] = True  # every query keeps one key (torch gives NaN otherwise)
    out, weights = scoring.scaled_dot_product_attention(q, k, v, mask=mask)
    expected = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    torch.testing.assert_close(out, expected, **TOL)
    for g_a, g_b in zip(grads_of([out], [q, k, v], 1), grads_of([expected], [q, k, v], 1)):
        torch.testing.assert_close(g_a, g_b, **TOL)
    assert torch.all(weights[~mask.expand_as(weights)] == 0)
    scores = q @ k.transpose(-2, -1) / math.sqrt(8)
    torch.testing.assert_close(weights, scoring.masked_softmax(scores, mask=mask))


def test_additive_attention_scores_and_ignores_padding():
    torch.manual_seed(0)
    B, n_q, n_k, d_q, d_k, d_v, h = 2, 3, 5, 4, 6, 3, 8
    attention = scoring.AdditiveAttention(d_q, d_k, h).double()
    assert attention.W_q.weight.shape == (h, d_q) and attention.w_v.weight.shape == (1, h)
    queries, keys = leaf(B, n_q, d_q), leaf(B, n_k, d_k)
    values = torch.randn(B, n_k, d_v, dtype=torch.float64)
    lens = torch.tensor([2, 5])
    out, weights = attention(queries, keys, values, valid_lens=lens)
    assert out.shape == (B, n_q, d_v) and weights.shape == (B, n_q, n_k)
    # one score by the formula a(q, k) = w_vᵀ tanh(W_q q + W_k k)
    W_q, W_k, w_v = attention.W_q.weight, attention.W_k.weight, attention.w_v.weight[0]
    scores = torch.stack(
        [w_v @ torch.tanh(W_q @ queries[1, 2] + W_k @ keys[1, j]) for j in range(n_k)]
    )
    torch.testing.assert_close(weights[1, 2], F.softmax(scores, dim=0), **TOL)
    assert torch.all(weights[0, :, 2:] == 0)
    changed = values.clone()
    changed[0, 2:] = 100.0  # padding values do not reach the output
    torch.testing.assert_close(attention(queries, keys, changed, valid_lens=lens)[0], out)
    # dropout acts while training only
    dropping = scoring.AdditiveAttention(d_q, d_k, h, dropout=0.5).double()
    dropping.load_state_dict(attention.state_dict())
    dropping.eval()
    torch.testing.assert_close(dropping(queries, keys, values, valid_lens=lens)[0], out)
    dropping.train()
    dropped, kept_weights = dropping(queries, keys, values, valid_lens=lens)
    torch.testing.assert_close(kept_weights, weights)
    assert not torch.allclose(dropped, out)


# --- multi-head attention and blocks against torch --------------------------------------------

MASKS = ["none", "causal", "padding", "causal+padding", "per-head"]


def make_masks(kind, B, h, L, S):
    """(attn_mask, key_padding_mask) in torch's convention, never hiding every key of a row."""
    attn_mask = key_padding_mask = None
    if "causal" in kind:
        attn_mask = tf.causal_mask(L, S)
    if "padding" in kind:
        key_padding_mask = padding_mask([S] + [max(1, S - 2 - b) for b in range(B - 1)], S)
    if kind == "per-head":
        attn_mask = torch.rand(B * h, L, S, generator=torch.Generator().manual_seed(5)) > 0.6
        attn_mask[..., 0] = False
    return attn_mask, key_padding_mask


@pytest.mark.parametrize("mask_kind", MASKS)
@pytest.mark.parametrize("batch_first", [False, True], ids=["LBE", "BLE"])
@pytest.mark.parametrize("copy_from_torch", [True, False], ids=["from-torch", "to-torch"])
def test_multihead_attention_equals_torch(mask_kind, batch_first, copy_from_torch):
    torch.manual_seed(0)
    E, h, B, L, S = 8, 2, 3, 5, 6 if mask_kind in ("padding", "per-head") else 5
    mine = tf.MultiheadAttention(E, h, batch_first=batch_first).double()
    theirs = nn.MultiheadAttention(E, h, batch_first=batch_first).double()
    assert_same_layout(mine, theirs)
    if copy_from_torch:
        mine.load_state_dict(theirs.state_dict())
    else:
        theirs.load_state_dict(mine.state_dict())
    shape = (B, L, E) if batch_first else (L, B, E)
    kv_shape = (B, S, E) if batch_first else (S, B, E)
    query, key, value = leaf(*shape), leaf(*kv_shape), leaf(*kv_shape)
    attn_mask, key_padding_mask = make_masks(mask_kind, B, h, L, S)
    for average in (True, False):
        kwargs = dict(
            key_padding_mask=key_padding_mask, attn_mask=attn_mask, average_attn_weights=average
        )
        out_a, w_a = mine(query, key, value, **kwargs)
        out_b, w_b = theirs(query, key, value, **kwargs)
        torch.testing.assert_close(out_a, out_b, **TOL)
        torch.testing.assert_close(w_a, w_b, **TOL)
        inputs = [query, key, value, *mine.parameters()]
        their_inputs = [query, key, value, *theirs.parameters()]
        for g_a, g_b in zip(
            grads_of([out_a, w_a], inputs, 1), grads_of([out_b, w_b], their_inputs, 1)
        ):
            torch.testing.assert_close(g_a, g_b, **TOL)
    if mask_kind == "causal":  # is_causal=True builds the same mask
        out_c, _ = mine(query, key, value, is_causal=True)
        torch.testing.assert_close(out_c, out_a, **TOL)


def test_multihead_attention_query_with_no_key_gets_zero_attention():
    mha = tf.MultiheadAttention(4, 2, batch_first=True).double()
    nn.init.normal_(mha.out_proj.bias)
    x = torch.randn(2, 3, 4, dtype=torch.float64)
    padding = torch.tensor([[True, True, True], [False, False, True]])  # sequence 0: all padding
    out, weights = mha(x, x, x, key_padding_mask=padding)
    assert torch.isfinite(out).all() and torch.all(weights[0] == 0)
    torch.testing.assert_close(out[0], mha.out_proj.bias.detach().expand(3, 4))  # W_o 0 + b_o
    with pytest.raises(TypeError, match="boolean"):
        mha(x, x, x, attn_mask=torch.zeros(3, 3, dtype=torch.float64))


BLOCK_OPTIONS = [
    dict(norm_first=norm_first, activation=activation, batch_first=batch_first)
    for norm_first in (False, True)
    for activation in ("relu", "gelu")
    for batch_first in (False, True)
]


def option_id(options):
    return "-".join(
        [
            "pre-LN" if options["norm_first"] else "post-LN",
            options["activation"],
            "BTE" if options["batch_first"] else "TBE",
        ]
    )


def check_equal(mine, theirs, inputs, kwargs, their_kwargs=None):
    """Forward and gradients (inputs and parameters) of two modules with the same weights."""
    out_a = mine(*inputs, **kwargs)
    out_b = theirs(*inputs, **(kwargs if their_kwargs is None else their_kwargs))
    torch.testing.assert_close(out_a, out_b, **TOL)
    grads_a = grads_of([out_a], [*inputs, *mine.parameters()], 1)
    grads_b = grads_of([out_b], [*inputs, *theirs.parameters()], 1)
    for g_a, g_b in zip(grads_a, grads_b):
        torch.testing.assert_close(g_a, g_b, **TOL)


@pytest.mark.parametrize("options", BLOCK_OPTIONS, ids=option_id)
def test_encoder_layer_equals_torch(options):
    torch.manual_seed(0)
    E, h, B, T = 8, 2, 3, 5
    mine = tf.EncoderLayer(E, h, dim_feedforward=16, **options).double().eval()
    theirs = nn.TransformerEncoderLayer(E, h, dim_feedforward=16, **options).double().eval()
    assert_same_layout(mine, theirs)
    mine.load_state_dict(theirs.state_dict())
    x = leaf(*((B, T, E) if options["batch_first"] else (T, B, E)))
    padding = padding_mask([5, 3, 1], T)
    causal = tf.causal_mask(T)
    for mask, pad in [(None, None), (causal, None), (None, padding), (causal, padding)]:
        check_equal(mine, theirs, [x], dict(src_mask=mask, src_key_padding_mask=pad))
    check_equal(mine, theirs, [x], dict(is_causal=True), dict(src_mask=causal))


@pytest.mark.parametrize("norm_first", [False, True], ids=["post-LN", "pre-LN"])
def test_decoder_layer_equals_torch(norm_first):
    torch.manual_seed(0)
    E, h, B, T, S = 8, 2, 3, 4, 6
    options = dict(dim_feedforward=16, norm_first=norm_first, activation="gelu")
    theirs = nn.TransformerDecoderLayer(E, h, **options).double().eval()
    mine = tf.DecoderLayer(E, h, **options).double().eval()
    assert_same_layout(mine, theirs)
    theirs.load_state_dict(mine.state_dict())
    tgt, memory = leaf(T, B, E), leaf(S, B, E)
    masks = dict(
        tgt_mask=tf.causal_mask(T),
        tgt_key_padding_mask=padding_mask([4, 2, 3], T),
        memory_key_padding_mask=padding_mask([6, 1, 4], S),
    )
    check_equal(mine, theirs, [tgt, memory], masks)
    check_equal(mine, theirs, [tgt, memory], {})
    check_equal(
        mine, theirs, [tgt, memory], dict(tgt_is_causal=True), dict(tgt_mask=masks["tgt_mask"])
    )


# --- positional encoding and GPT -------------------------------------------------------------


@pytest.mark.parametrize("d", [16, 7])
def test_sinusoidal_positions_are_rotating_clocks(d):
    P = tf.sinusoidal_positions(50, d)
    assert P.shape == (50, d) and P.abs().max() <= 1
    frequencies = 1 / 10000 ** (torch.arange(0, d, 2) / d)
    close = dict(rtol=0, atol=1e-5)  # float32
    torch.testing.assert_close(
        P[:, 0::2], torch.sin(torch.arange(50)[:, None] * frequencies), **close
    )
    # P[p + k] is P[p] rotated, in each (sin, cos) pair, by the angle k·ω_i: the same for all p
    k, pairs = 3, d // 2
    sin, cos = P[:, 0 : 2 * pairs : 2], P[:, 1 : 2 * pairs : 2]
    angle = k * frequencies[:pairs]
    rotated_sin = sin[:-k] * torch.cos(angle) + cos[:-k] * torch.sin(angle)
    rotated_cos = cos[:-k] * torch.cos(angle) - sin[:-k] * torch.sin(angle)
    torch.testing.assert_close(sin[k:], rotated_sin, **close)
    torch.testing.assert_close(cos[k:], rotated_cos, **close)
    encoding = tf.PositionalEncoding(d, max_len=50)
    assert list(encoding.state_dict()) == []
    torch.testing.assert_close(encoding(torch.zeros(2, 10, d)), P[:10].expand(2, 10, d))


def test_gpt_is_causal_and_ties_weights():
    torch.manual_seed(0)
    model = tf.GPT(vocab_size=11, d_model=16, num_heads=4, num_layers=2, max_len=8).eval()
    assert model.output.weight is model.token_embedding.weight
    untied = tf.GPT(11, 16, 4, 2, max_len=8, tie_weights=False)
    assert (
        sum(p.numel() for p in untied.parameters()) - sum(p.numel() for p in model.parameters())
        == 11 * 16
    )
    ids = torch.randint(0, 11, (2, 8))
    scores = model(ids)
    assert scores.shape == (2, 8, 11)
    changed = ids.clone()
    changed[:, 5] = (ids[:, 5] + 1) % 11
    with torch.no_grad():
        torch.testing.assert_close(model(changed)[:, :5], scores[:, :5])  # the past never sees
        assert not torch.allclose(model(changed)[:, 5:], scores[:, 5:])  # the future
    with pytest.raises(ValueError, match="max_len"):
        model(torch.zeros(1, 9, dtype=torch.long))


def test_tiny_gpt_learns_real_text_and_generates():
    text = " ".join(" ".join(words) for words in data.sentences("lee-lm.train")[:400])
    vocab = data.Vocab(text)  # characters
    ids = torch.as_tensor(vocab.encode(text))
    split = int(0.9 * len(ids))
    train, valid = ids[:split], ids[split:]
    V, T, B = len(vocab), 16, 32
    torch.manual_seed(0)
    model = tf.GPT(V, d_model=32, num_heads=4, num_layers=1, max_len=T)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)

    def loss_on(stream, g):
        starts = torch.randint(0, len(stream) - T - 1, (B,), generator=g)
        x = torch.stack([stream[s : s + T] for s in starts])
        y = torch.stack([stream[s + 1 : s + T + 1] for s in starts])
        return F.cross_entropy(model(x).reshape(-1, V), y.reshape(-1))

    def valid_loss():
        with torch.no_grad():
            return (
                sum(loss_on(valid, torch.Generator().manual_seed(s)).item() for s in range(4)) / 4
            )

    assert valid_loss() == pytest.approx(math.log(V), rel=0.1)  # untrained: near uniform
    g = torch.Generator().manual_seed(0)
    for _ in range(300):
        loss = loss_on(train, g)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    learned = valid_loss()
    assert learned < 0.75 * math.log(V)
    # and it uses the context: better than the best context-free model, the unigram frequencies
    counts = torch.bincount(train, minlength=V).double() + 1
    unigram = -(counts / counts.sum()).log()[valid].mean().item()
    assert learned < unigram - 0.3

    prompt = torch.as_tensor(vocab.encode("the fire "))
    sample = tf.generate(model, prompt, 50, temperature=0.8, top_k=5)
    assert sample.shape == (len(prompt) + 50,) and torch.equal(sample[: len(prompt)], prompt)
    assert sample.min() >= 0 and sample.max() < V
    greedy = tf.generate(model, prompt[None].repeat(2, 1), 40, temperature=0)  # crosses max_len
    assert greedy.shape == (2, len(prompt) + 40) and torch.equal(greedy[0], greedy[1])
    torch.testing.assert_close(tf.generate(model, prompt, 40, top_k=1), greedy[0])
    model.train()
    tf.generate(model, prompt, 1)
    assert model.training  # generate restores the mode
