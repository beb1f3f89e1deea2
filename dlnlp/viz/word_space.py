"""The word-space explorer: a PCA view of chosen words that works without a kernel.

``word_space(kv, {"countries": [...], "capitals": [...]})`` projects the chosen
words on the top principal components *of those words* and draws one coloured
group per key.  On the page (JupyterLab, Colab or the static site) the reader can

* pick one group or all of them from the dropdown,
* hover a word to see its nearest neighbours in the whole vocabulary,
* switch the analogy arrows (a -> b) on and off.

All of it is plotly.js acting on data embedded in the output, so it responds on
the static website too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from gensim.models import KeyedVectors

from dlnlp.viz.render import Interactive


def pca(X: np.ndarray, dims: int) -> tuple[np.ndarray, np.ndarray]:
    """Project the rows of X, shape (n, d), on their top ``dims`` principal components.

    Returns the coordinates, shape (n, dims), and the fraction of variance each
    component explains, shape (dims,).
    """
    centred = X - X.mean(axis=0)
    U, S, _ = np.linalg.svd(centred, full_matrices=False)
    signs = np.sign(U[np.abs(U).argmax(axis=0), np.arange(U.shape[1])])  # reproducible signs
    coords = (U * S * signs)[:, :dims]
    return coords, (S**2 / np.sum(S**2))[:dims]


def word_space(
    kv: KeyedVectors,
    groups: Mapping[str, Sequence[str]],
    *,
    arrows: Sequence[tuple[str, str]] = (),
    neighbours: int = 5,
    dims: int = 2,
    skip_missing: bool = False,
    title: str | None = None,
) -> Interactive:
    """Draw ``groups`` of words from ``kv`` in a 2-D or 3-D PCA projection.

    Args:
        kv: the word vectors (``dlnlp.vectors.keyed_vectors`` turns a matrix into these).
        groups: group name -> words; each group gets a colour and a dropdown entry.
        arrows: (a, b) pairs drawn as arrows from a to b, e.g. country -> capital.
        neighbours: how many nearest neighbours (cosine, whole vocabulary) the hover shows.
        dims: 2 or 3.
        skip_missing: leave out words that ``kv`` lacks instead of raising ``KeyError``.
        title: figure title.
    """
    if dims not in (2, 3):
        raise ValueError(f"dims must be 2 or 3, got {dims}")
    missing = sorted({w for ws in groups.values() for w in ws if w not in kv})
    if missing and not skip_missing:
        raise KeyError(
            f"not in the vocabulary: {', '.join(missing)}; remove them, train on a larger "
            "corpus, or pass skip_missing=True"
        )
    groups = {g: [w for w in ws if w in kv] for g, ws in groups.items()}
    words = list(dict.fromkeys(w for ws in groups.values() for w in ws))
    if len(words) < dims + 1:
        raise ValueError(f"need at least {dims + 1} words in the vocabulary, got {words}")
    coords, explained = pca(np.stack([kv[w] for w in words]), dims)
    where = {w: coords[i] for i, w in enumerate(words)}

    traces = []
    for name, ws in groups.items():
        hover = [_hover(kv, w, neighbours) for w in ws]
        xyz = np.array([where[w] for w in ws]).reshape(-1, dims)
        common = dict(name=name, text=list(ws), hovertext=hover, hoverinfo="text")
        common.update(mode="markers+text", textposition="top center")
        if dims == 2:
            traces.append(go.Scatter(x=xyz[:, 0], y=xyz[:, 1], **common))
        else:
            traces.append(go.Scatter3d(x=xyz[:, 0], y=xyz[:, 1], z=xyz[:, 2], **common))
    arrows = [(a, b) for a, b in arrows if a in where and b in where]
    if dims == 3:  # plotly has no 3-D arrows: one line trace per pair
        for a, b in arrows:
            x, y, z = np.stack([where[a], where[b]]).T
            traces.append(
                go.Scatter3d(
                    x=x,
                    y=y,
                    z=z,
                    mode="lines",
                    name=f"{a} → {b}",
                    line=dict(color="grey"),
                    hoverinfo="name",
                )
            )

    fig = go.Figure(traces)
    axis = [f"PC{i + 1} ({100 * v:.0f}% of variance)" for i, v in enumerate(explained)]
    fig.update_layout(
        title=dict(text=title, y=0.98, yanchor="top"),
        height=600,
        template="plotly_white",
        legend=dict(title="group"),
        margin=dict(t=110),
    )
    if dims == 2:
        fig.update_layout(xaxis_title=axis[0], yaxis_title=axis[1])
        annotations = [_arrow(where[a], where[b]) for a, b in arrows]
        fig.update_layout(annotations=annotations)
    else:
        fig.update_layout(scene=dict(xaxis_title=axis[0], yaxis_title=axis[1], zaxis_title=axis[2]))
    fig.update_layout(updatemenus=_menus(list(groups), len(traces), dims, arrows, fig))
    return Interactive(fig)


def _hover(kv: KeyedVectors, word: str, k: int) -> str:
    near = ", ".join(w for w, _ in kv.most_similar(word, topn=k))
    return f"<b>{word}</b><br>nearest: {near}"


def _arrow(start: np.ndarray, end: np.ndarray) -> dict:
    return dict(
        x=end[0],
        y=end[1],
        ax=start[0],
        ay=start[1],
        xref="x",
        yref="y",
        axref="x",
        ayref="y",
        showarrow=True,
        arrowhead=2,
        arrowwidth=1.2,
        arrowcolor="grey",
        text="",
    )


def _menus(names: list[str], n_traces: int, dims: int, arrows, fig: go.Figure) -> list[dict]:
    """A dropdown that shows all groups or one, and (2-D) a switch for the arrows."""
    extra = n_traces - len(names)  # 3-D arrow traces stay visible with every choice
    buttons = [dict(label="all groups", method="restyle", args=[{"visible": [True] * n_traces}])]
    for i, name in enumerate(names):
        visible = [j == i for j in range(len(names))] + [True] * extra
        buttons.append(dict(label=name, method="restyle", args=[{"visible": visible}]))
    menus = [
        dict(
            buttons=buttons,
            direction="down",
            x=0.0,
            xanchor="left",
            y=1.02,
            yanchor="bottom",
            name="groups",
        )
    ]
    if dims == 2 and arrows:
        shown = list(fig.layout.annotations)
        menus.append(
            dict(
                type="buttons",
                direction="right",
                x=1.0,
                xanchor="right",
                y=1.02,
                yanchor="bottom",
                name="arrows",
                buttons=[
                    dict(label="arrows on", method="relayout", args=[{"annotations": shown}]),
                    dict(label="arrows off", method="relayout", args=[{"annotations": []}]),
                ],
            )
        )
    return menus
