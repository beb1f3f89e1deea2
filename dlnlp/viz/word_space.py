"""The word-space explorer: a PCA view of chosen words that works without a kernel.

``word_space(kv, {"countries": [...], "capitals": [...]})`` projects the chosen
words on the top principal components *of those words* and draws one coloured
group per key.  On the page (JupyterLab, Colab or the static site) the reader can

* pick one group or all of them from the dropdown,
* hover a word to see its nearest neighbours in the whole vocabulary,
* switch the analogy arrows (a -> b) on and off,
* type words, which are drawn as one more group in the same projection, and arrows
  (``man>woman``) from one word to another,
* project everything on the principal components of one group or of the typed words.

The figure itself is made here, in Python.  For the last two the output also carries
the vectors of a bounded vocabulary (``vocabulary``, compressed: at most
``components`` dimensions, int8 with one scale per word) and ``word_space.js``, a
small script of ours that computes the projections and nearest neighbours in the
browser.  All of it is JavaScript acting on data embedded in the output, so it
responds on the static website too.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from importlib import resources

import numpy as np
import plotly.graph_objects as go
from gensim.models import KeyedVectors

from dlnlp.viz.render import Interactive

_SCRIPT = resources.files("dlnlp.viz").joinpath("word_space.js").read_text(encoding="utf-8")


def pca(X: np.ndarray, dims: int) -> tuple[np.ndarray, np.ndarray]:
    """Project the rows of X, shape (n, d), on their top ``dims`` principal components.

    Returns the coordinates, shape (n, dims), and the fraction of variance each
    component explains, shape (dims,).
    """
    coords, explained, _ = _principal_axes(X, dims)
    return coords, explained


def _principal_axes(X: np.ndarray, dims: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``pca`` and the axes, shape (d, dims): coords = (X - X.mean(axis=0)) @ axes."""
    centred = X - X.mean(axis=0)
    U, S, Vt = np.linalg.svd(centred, full_matrices=False)
    signs = np.sign(U[np.abs(U).argmax(axis=0), np.arange(U.shape[1])])  # reproducible signs
    coords = (U * S * signs)[:, :dims]
    return coords, (S**2 / np.sum(S**2))[:dims], (Vt.T * signs)[:, :dims]


def word_space(
    kv: KeyedVectors,
    groups: Mapping[str, Sequence[str]],
    *,
    arrows: Sequence[tuple[str, str]] = (),
    neighbours: int = 5,
    dims: int = 2,
    skip_missing: bool = False,
    title: str | None = None,
    vocabulary: int | Sequence[str] | None = 3000,
    components: int | None = 50,
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
        vocabulary: the words the reader can type, whose vectors the page carries besides
            the chosen ones: the first ``vocabulary`` words of ``kv`` (the most frequent, for
            vectors trained here or by gensim) or a list of words.  None: the figure alone,
            with no text box and no choice of projection.
        components: the page keeps at most this many dimensions of those vectors (the chosen
            words' span first, so the figure and a group's PCA lose nothing); None keeps d.
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
    X = np.stack([kv[w] for w in words])
    coords, explained, axes = _principal_axes(X, dims)
    where = {w: coords[i] for i, w in enumerate(words)}

    traces = []
    for name, ws in groups.items():
        hover = [_hover(kv, w, neighbours) for w in ws]
        xyz = np.array([where[w] for w in ws]).reshape(-1, dims).T.tolist()  # lists, not
        # plotly's base64 arrays, so that word_space.js reads the coordinates from gd.data
        common = dict(name=name, text=list(ws), hovertext=hover, hoverinfo="text")
        common.update(mode="markers+text", textposition="top center")
        if dims == 2:
            traces.append(go.Scatter(x=xyz[0], y=xyz[1], **common))
        else:
            traces.append(go.Scatter3d(x=xyz[0], y=xyz[1], z=xyz[2], **common))
    arrows = [(a, b) for a, b in arrows if a in where and b in where]
    if dims == 3:  # plotly has no 3-D arrows: one line trace per pair
        for a, b in arrows:
            x, y, z = np.stack([where[a], where[b]]).T.tolist()
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
    if vocabulary is None:
        return Interactive(fig)
    state = dict(
        dims=dims,
        groups=[[name, ws] for name, ws in groups.items()],
        arrows=[[a, b] for a, b in arrows],
        arrow=ARROW,
        neighbours=neighbours,
        **_page_vectors(kv, X, words, axes, vocabulary, components),
    )
    return Interactive(fig, script=_SCRIPT, state=state)


def _page_vectors(
    kv: KeyedVectors,
    X: np.ndarray,
    chosen: Sequence[str],
    axes: np.ndarray,
    vocabulary: int | Sequence[str],
    components: int | None,
) -> dict:
    """The vectors of the chosen words and of ``vocabulary``, packed for the page.

    ``X`` (n, d) holds the chosen words' vectors and ``axes`` (d, dims) the figure's projection,
    (x - mean of X) @ axes.  The N vectors, (N, d), are rotated onto Q (d, k), k at most
    ``components``: z = x Q.  Q's orthonormal columns are the figure's axes, then the rest of the
    span of the chosen words, then the top directions of the page's vocabulary.  So the figure's
    projection is z[:dims] - mean @ axes and a PCA of chosen words is the same in z, exactly;
    typed words and cosines lose what lies outside Q.  Each row of z is stored as int8 numbers
    times one float32 scale, max |z| / 127.

    Returns words (N,), dim k, vectors (base64 of the (N, k) int8 matrix, row-major), scales
    (base64 of (N,) float32) and basis {axes: (dims, k), offset: (dims,)}: the figure's
    projection for z, z @ axes' + offset.
    """
    if isinstance(vocabulary, int):
        if vocabulary < 0:
            raise ValueError(f"vocabulary must be a number of words >= 0, got {vocabulary}")
        vocabulary = kv.index_to_key[:vocabulary]
    absent = [w for w in vocabulary if w not in kv]
    if absent:
        raise KeyError(f"vocabulary words not in the vectors: {', '.join(absent[:20])}")
    dims, d = axes.shape[1], X.shape[1]
    k = d if components is None else min(d, components)
    if k < dims:
        raise ValueError(f"components must be at least dims ({dims}), got {components}")
    words = list(dict.fromkeys([*chosen, *vocabulary]))
    V = np.stack([kv[w] for w in words]).astype(np.float64)  # (N, d)
    X = X.astype(np.float64)
    Q = axes.astype(np.float64)
    for M in (X - X.mean(axis=0), V):  # add the directions of M that Q lacks, largest first
        R = M - (M @ Q) @ Q.T
        _, S, Vt = np.linalg.svd(R, full_matrices=False)
        take = min(k - Q.shape[1], int(np.sum(S > 1e-6 * np.linalg.norm(M))))
        Q = np.hstack([Q, Vt[:take].T])
    Z = V @ Q  # (N, k)
    scales = (np.abs(Z).max(axis=1) / 127).astype(np.float32)
    scales[scales == 0] = 1
    q = np.rint(Z / scales[:, None]).astype(np.int8)
    return dict(
        words=words,
        dim=Q.shape[1],
        vectors=base64.b64encode(q.tobytes()).decode("ascii"),
        scales=base64.b64encode(scales.astype("<f4").tobytes()).decode("ascii"),
        basis=dict(axes=(Q.T @ axes).T.tolist(), offset=(-X.mean(axis=0) @ axes).tolist()),
    )


def _hover(kv: KeyedVectors, word: str, k: int) -> str:
    near = ", ".join(w for w, _ in kv.most_similar(word, topn=k))
    return f"<b>{word}</b><br>nearest: {near}"


# how a 2-D arrow looks: the figure's own and those the reader types (word_space.js)
ARROW = dict(
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


def _arrow(start: np.ndarray, end: np.ndarray) -> dict:
    return dict(ARROW, x=end[0], y=end[1], ax=start[0], ay=start[1])


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
