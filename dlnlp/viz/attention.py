"""The attention viewer: where each token looks, layer by layer and head by head, without a kernel.

Input: the tokens of one sequence and an attention tensor A of shape (L, h, T, T) -- L layers,
h heads, T tokens; A[l, k, i, j] is how much token i (the query) attends to token j (the key) in
head k of layer l, so every row A[l, k, i] is a distribution over the T tokens.

* :func:`head_view` -- one layer at a time (dropdown): each token on the left is joined to the
  tokens on the right it attends to, one colour per head, thicker for larger weights. Clicking a
  head in the legend hides it, double-clicking shows that head alone; hovering a token on the
  left lists, for every head, the tokens it attends to most.
* :func:`model_view` -- every layer (rows) and head (columns) at once, each head an attention
  map of T × T cells (row = query, column = key); hovering a cell shows query, key and weight.

The two views follow the "head view" and "model view" of bertviz (Vig 2019). Both are plotly
figures (:class:`dlnlp.viz.render.Interactive`) whose data hold the weights, rounded to
``decimals``, so they respond on the static website as in JupyterLab and Colab.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from dlnlp.viz.render import Interactive

# (lowest weight, line width, opacity) of the weak, medium and strong lines; each bucket ends
# where the next begins
BUCKETS = ((0.0, 1.0, 0.35), (0.2, 2.5, 0.6), (0.5, 5.0, 0.9))


class AttentionView(Interactive):
    """A drawn attention figure that also keeps what it draws: ``tokens`` (T,) and
    ``attention`` (L, h, T, T), rounded as in the figure."""

    def __init__(self, figure: go.Figure, tokens: list[str], attention: np.ndarray):
        super().__init__(figure)
        self.tokens, self.attention = tokens, attention


def _checked(tokens: Sequence[str], attention, decimals: int) -> tuple[list[str], np.ndarray]:
    """The tokens as strings and A as a float array (L, h, T, T) rounded to ``decimals``."""
    if hasattr(attention, "detach"):  # a torch tensor
        attention = attention.detach().cpu().numpy()
    A = np.asarray(attention, dtype=float)
    tokens = [str(t) for t in tokens]
    if A.ndim != 4 or A.shape[2] != A.shape[3]:
        raise ValueError(
            f"attention must have shape (layers, heads, T, T), got {A.shape}; "
            "for a single head's (T, T) map pass A[None, None]"
        )
    if A.shape[2] != len(tokens):
        raise ValueError(f"{len(tokens)} tokens but attention over {A.shape[2]} positions")
    sums = A.sum(axis=-1)
    if A.min() < 0 or not np.all(np.isclose(sums, 1, atol=1e-3) | np.isclose(sums, 0)):
        raise ValueError(
            "every row of attention must be a distribution (weights ≥ 0 summing to 1, or all 0 "
            "for a padding query): pass the softmax outputs, not the scores"
        )
    return tokens, A.round(decimals)


def _top(A_row: np.ndarray, tokens: list[str], top: int) -> str:
    best = np.argsort(-A_row, kind="stable")[:top]
    return ", ".join(f"{tokens[j]} {A_row[j]:.2f}" for j in best)


def head_view(
    tokens: Sequence[str],
    attention,
    *,
    layer: int = 0,
    heads: Sequence[int] | None = None,
    min_weight: float = 0.1,
    top: int = 3,
    decimals: int = 3,
    title: str | None = None,
) -> AttentionView:
    """Lines from each token (left) to the tokens it attends to (right), one layer at a time.

    Args:
        tokens: the T tokens.
        attention: A (L, h, T, T), numpy or torch; rows are distributions.
        layer: the layer shown first (0-based); the dropdown picks another.
        heads: the heads drawn at first (0-based; default all); the others wait in the legend.
        min_weight: weights below this get no line (they still count in the hover).
        top: how many tokens the hover lists per head.
        decimals: the weights are rounded to this many decimals in the figure.
        title: figure title.
    """
    tokens, A = _checked(tokens, attention, decimals)
    L, H, T, _ = A.shape
    if not 0 <= layer < L:
        raise ValueError(f"layer={layer}, but there are {L} layers (0 .. {L - 1})")
    heads = range(H) if heads is None else list(heads)
    if any(not 0 <= h < H for h in heads):
        raise ValueError(f"heads={heads}, but there are {H} heads (0 .. {H - 1})")
    colours = qualitative.Dark24
    traces, owner = [], []  # owner[k]: (layer, head) of trace k; (None, None): always shown
    for n in range(L):
        for h in range(H):
            colour = colours[h % len(colours)]
            traces.append(  # the head's legend entry: a one-point line, which draws nothing
                go.Scatter(
                    x=[0],
                    y=[0],
                    mode="lines",
                    line=dict(color=colour, width=4),
                    name=f"head {h + 1}",
                    legendgroup=f"head {h + 1}",
                    hoverinfo="skip",
                    meta=dict(layer=n, head=h),
                )
            )
            owner.append((n, h))
            for b, (start, width, opacity) in enumerate(BUCKETS):
                lower = max(start, min_weight)
                upper = BUCKETS[b + 1][0] if b + 1 < len(BUCKETS) else np.inf
                edges = np.argwhere((A[n, h] >= lower) & (A[n, h] < upper))
                traces.append(
                    go.Scatter(  # one segment (0, i) -> (1, j) per edge, None between them
                        x=[0, 1, None] * len(edges),
                        y=[v for i, j in edges.tolist() for v in (i, j, None)],
                        mode="lines",
                        line=dict(color=colour, width=width),
                        opacity=opacity,
                        name=f"head {h + 1}",
                        legendgroup=f"head {h + 1}",
                        showlegend=False,
                        hoverinfo="skip",
                        meta=dict(layer=n, head=h, weights=[lower, min(upper, 1.0)]),
                    )
                )
                owner.append((n, h))
    for n in range(L):  # the queries, with the hover for this layer
        hover = [
            f"<b>{tokens[i]}</b> attends to (layer {n + 1}):<br>"
            + "<br>".join(f"head {h + 1}: {_top(A[n, h, i], tokens, top)}" for h in range(H))
            for i in range(T)
        ]
        traces.append(_column(tokens, 0, "middle left", hover, meta=dict(layer=n)))
        owner.append((n, None))
    traces.append(_column(tokens, 1, "middle right", None, meta=dict(keys=True)))  # the keys
    owner.append((None, None))

    def visible(shown: int) -> list[bool | str]:
        """Trace visibility with layer ``shown`` in view: its chosen heads drawn, the other
        heads in the legend only, other layers hidden."""

        def one(n, h):
            if n is None or (n == shown and (h is None or h in heads)):
                return True
            return "legendonly" if n == shown else False

        return [one(n, h) for n, h in owner]

    for trace, v in zip(traces, visible(layer)):
        trace.visible = v
    fig = go.Figure(traces)
    buttons = [
        dict(label=f"layer {n + 1}", method="restyle", args=[{"visible": visible(n)}])
        for n in range(L)
    ]
    fig.update_layout(
        title=dict(text=title, y=0.98, yanchor="top"),
        height=max(420, 26 * T + 160),
        template="plotly_white",
        margin=dict(t=100, l=20, r=20),
        xaxis=dict(visible=False, range=[-1.0, 2.0], fixedrange=True),
        yaxis=dict(visible=False, autorange="reversed", fixedrange=True),
        legend=dict(
            title="heads<br><sub>click: hide, double-click: only this</sub>", tracegroupgap=0
        ),
        hovermode="closest",
        updatemenus=[
            dict(
                buttons=buttons,
                active=layer,
                direction="down",
                x=0.0,
                xanchor="left",
                y=1.02,
                yanchor="bottom",
                name="layer",
            )
        ],
        meta=dict(view="head", tokens=tokens),
    )
    return AttentionView(fig, tokens, A)


def _column(tokens, x, textposition, hover, meta) -> go.Scatter:
    return go.Scatter(
        x=[x] * len(tokens),
        y=list(range(len(tokens))),
        mode="markers+text",
        text=tokens,
        textposition=textposition,
        marker=dict(color="#444", size=6),
        hovertext=hover,
        hoverinfo="skip" if hover is None else "text",
        showlegend=False,
        meta=meta,
    )


def model_view(
    tokens: Sequence[str],
    attention,
    *,
    decimals: int = 3,
    title: str | None = None,
) -> AttentionView:
    """Every head of every layer as a T × T attention map (rows: layers, columns: heads).

    Args:
        tokens: the T tokens; attention: A (L, h, T, T), numpy or torch; rows are distributions.
        decimals: the weights are rounded to this many decimals in the figure.
        title: figure title.
    """
    tokens, A = _checked(tokens, attention, decimals)
    L, H, T, _ = A.shape
    # a category axis merges equal labels: make repeats unique with invisible zero-width spaces
    seen: dict[str, int] = {}
    labels = []
    for t in tokens:
        labels.append(t + "\u200b" * seen.get(t, 0))
        seen[t] = seen.get(t, 0) + 1
    fig = make_subplots(
        rows=L,
        cols=H,
        row_titles=[f"layer {n + 1}" for n in range(L)],
        column_titles=[f"head {h + 1}" for h in range(H)],
        horizontal_spacing=0.006,
        vertical_spacing=0.012,
    )
    fig.update_annotations(font_size=10)
    for n in range(L):
        for h in range(H):
            fig.add_trace(
                go.Heatmap(
                    z=A[n, h].tolist(),  # rounded decimals, shorter than base64 doubles
                    x=labels,
                    y=labels,
                    coloraxis="coloraxis",
                    hovertemplate=(
                        f"layer {n + 1}, head {h + 1}<br>"
                        "<b>%{y}</b> → %{x}: %{z:.3f}<extra></extra>"
                    ),
                    meta=dict(layer=n, head=h),
                ),
                row=n + 1,
                col=h + 1,
            )
    fig.update_xaxes(showticklabels=False, fixedrange=True)
    fig.update_yaxes(showticklabels=False, fixedrange=True, autorange="reversed")
    fig.update_layout(
        title=dict(text=title, y=0.99, yanchor="top"),
        height=120 * L + 90,
        template="plotly_white",
        margin=dict(t=70, b=20, l=20, r=40),
        coloraxis=dict(colorscale="Blues", cmin=0, cmax=1, colorbar=dict(title="weight")),
        meta=dict(view="model", tokens=tokens),
    )
    return AttentionView(fig, tokens, A)
