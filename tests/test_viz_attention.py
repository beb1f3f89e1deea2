"""The attention viewer draws the tensor it is given and keeps it in the figure's data."""

import json
import re

import numpy as np
import pytest
import torch

from dlnlp.viz import AttentionView, head_view, model_view

TOKENS = ["[CLS]", "the", "cat", "saw", "the", "dog", "[SEP]"]
N_TOKENS = len(TOKENS)


def random_attention(L=2, H=3, T=N_TOKENS, seed=0):
    scores = np.random.default_rng(seed).normal(scale=2.0, size=(L, H, T, T))
    e = np.exp(scores - scores.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def peaked_attention(L=2, H=3, T=N_TOKENS):
    """Head h of layer n sends 0.7 of token i's attention to (i + h + n + 1) mod T, 0.2 to i, and
    spreads the rest evenly: the top tokens of each row are known in advance."""
    A = np.full((L, H, T, T), 0.1 / (T - 2))
    for n in range(L):
        for h in range(H):
            for i in range(T):
                A[n, h, i, (i + h + n + 1) % T] = 0.7
                A[n, h, i, i] = 0.2
    return A


def line_traces(fig):
    return [t for t in fig.data if t.mode == "lines" and t.showlegend is False]


def test_model_view_draws_every_head_of_every_layer():
    A = random_attention()
    view = model_view(TOKENS, A)
    assert isinstance(view, AttentionView)
    np.testing.assert_array_equal(view.attention, A.round(3))
    assert view.tokens == TOKENS
    heatmaps = view.figure.data
    assert len(heatmaps) == 2 * 3
    for trace in heatmaps:
        n, h = trace.meta["layer"], trace.meta["head"]
        np.testing.assert_array_equal(np.array(trace.z), A[n, h].round(3))
        assert f"layer {n + 1}, head {h + 1}" in trace.hovertemplate
        # the two "the" stay two rows: labels are unique but read as the tokens
        assert len(set(trace.y)) == len(TOKENS)
        assert [y.replace("\u200b", "") for y in trace.y] == TOKENS
    assert view.figure.layout.coloraxis.cmin == 0 and view.figure.layout.coloraxis.cmax == 1


def test_head_view_draws_exactly_the_weights_above_the_threshold():
    A = random_attention(seed=1)
    view = head_view(TOKENS, A, min_weight=0.1)
    R = A.round(3)
    drawn = {}
    widths = {}
    for trace in line_traces(view.figure):
        n, h = trace.meta["layer"], trace.meta["head"]
        lower, upper = trace.meta["weights"]
        ys = list(trace.y)
        assert list(trace.x) == [0, 1, None] * (len(ys) // 3)
        for i, j in zip(ys[0::3], ys[1::3]):
            assert lower <= R[n, h, i, j] and (R[n, h, i, j] < upper or upper == 1.0)
            drawn.setdefault((n, h), set()).add((i, j))
        widths[lower] = trace.line.width
    for n in range(2):
        for h in range(3):
            expected = {(i, j) for i, j in zip(*np.nonzero(R[n, h] >= 0.1))}
            assert drawn.get((n, h), set()) == expected
    # heavier weights, thicker lines
    assert [widths[k] for k in sorted(widths)] == sorted(widths.values())


def test_head_view_hover_lists_where_each_token_attends():
    A = peaked_attention()
    view = head_view(TOKENS, A, top=2)
    queries = [t for t in view.figure.data if t.mode == "markers+text" and "layer" in t.meta]
    assert [q.meta["layer"] for q in queries] == [0, 1]
    for q in queries:
        n = q.meta["layer"]
        assert list(q.text) == TOKENS
        for i, text in enumerate(q.hovertext):
            assert text.startswith(f"<b>{TOKENS[i]}</b> attends to (layer {n + 1})")
            for h in range(3):
                j = (i + h + n + 1) % len(TOKENS)
                assert f"head {h + 1}: {TOKENS[j]} 0.70, {TOKENS[i]} 0.20" in text


def test_layer_dropdown_and_initial_heads():
    A = random_attention(L=3, H=2)
    fig = head_view(TOKENS, A, layer=1, heads=[0]).figure
    layers = [t.meta.get("layer") for t in fig.data]
    heads = [t.meta.get("head") for t in fig.data]

    def expected(shown):
        return [
            True
            if n is None or (n == shown and h in (None, 0))
            else ("legendonly" if n == shown else False)
            for n, h in zip(layers, heads)
        ]

    assert [t.visible for t in fig.data] == expected(1)
    menu = fig.layout.updatemenus[0]
    assert [b.label for b in menu.buttons] == ["layer 1", "layer 2", "layer 3"]
    assert menu.active == 1
    for n, button in enumerate(menu.buttons):
        assert button.method == "restyle" and button.args[0]["visible"] == expected(n)
    # one legend entry per head and layer, named after the head
    legend = [t for t in fig.data if t.showlegend is not False and t.mode == "lines"]
    assert sorted((t.meta["layer"], t.name) for t in legend) == sorted(
        (n, f"head {h + 1}") for n in range(3) for h in range(2)
    )


def test_torch_input_and_renders_for_lab_colab_and_site():
    A = torch.tensor(random_attention(seed=2))
    bundle = model_view(TOKENS, A)._repr_mimebundle_()
    z = bundle["application/vnd.plotly.v1+json"]["data"][0]["z"]
    np.testing.assert_array_equal(np.array(z), A[0, 0].numpy().round(3))
    html = bundle["text/html"]
    spec = json.loads(re.search(r"var spec = (\{.*\});\n", html).group(1))
    np.testing.assert_array_equal(np.array(spec["data"][5]["z"]), A[1, 2].numpy().round(3))
    assert "if (window.Plotly) { draw(); return; }" in html


def test_page_weight_of_a_full_size_view():
    # MiniLM's 6 layers x 12 heads on a 20-token sentence: a few hundred kB of HTML per view
    A = random_attention(L=6, H=12, T=20, seed=3)
    tokens = [f"w{i}" for i in range(20)]
    for view in (head_view(tokens, A), model_view(tokens, A)):
        assert len(view.to_html()) < 400_000


@pytest.mark.parametrize(
    "tokens, attention, message",
    [
        (TOKENS, np.eye(7), "shape"),
        (TOKENS[:5], random_attention(), "7 positions"),
        (TOKENS, random_attention() * 2, "distribution"),
        (TOKENS, -random_attention(), "distribution"),
    ],
)
def test_bad_input_is_named(tokens, attention, message):
    for view in (head_view, model_view):
        with pytest.raises(ValueError, match=message):
            view(tokens, attention)


def test_padding_query_rows_of_zeros_are_accepted():
    A = random_attention()
    A[:, :, -1] = 0.0  # a padding query attends nowhere (dlnlp.attention.scoring)
    assert model_view(TOKENS, A).attention[:, :, -1].sum() == 0
    with pytest.raises(ValueError, match="layer=5"):
        head_view(TOKENS, A, layer=5)
    with pytest.raises(ValueError, match="heads"):
        head_view(TOKENS, A, heads=[3])
