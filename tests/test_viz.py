"""The word-space explorer draws the right data and renders for every front end."""

import base64
import json
import re
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest

from dlnlp.vectors import keyed_vectors
from dlnlp.viz import Interactive, pca, word_space


@pytest.fixture
def kv():
    rng = np.random.default_rng(0)
    words = ["france", "paris", "italy", "rome", "spain", "madrid", "apple", "pear"]
    return keyed_vectors(rng.normal(size=(len(words), 6)), words)


def test_pca_matches_sklearn():
    from sklearn.decomposition import PCA

    X = np.random.default_rng(1).normal(size=(20, 5))
    coords, explained = pca(X, 2)
    ref = PCA(2).fit(X)
    np.testing.assert_allclose(np.abs(coords), np.abs(ref.transform(X)), atol=1e-10)
    np.testing.assert_allclose(explained, ref.explained_variance_ratio_)


def test_traces_hold_the_projected_words(kv):
    groups = {"countries": ["france", "italy", "spain"], "capitals": ["paris", "rome", "madrid"]}
    fig = word_space(kv, groups, arrows=[("france", "paris"), ("italy", "rome")]).figure
    assert [t.name for t in fig.data] == ["countries", "capitals"]
    words = groups["countries"] + groups["capitals"]
    coords, _ = pca(np.stack([kv[w] for w in words]), 2)
    np.testing.assert_allclose(fig.data[0].x, coords[:3, 0])
    np.testing.assert_allclose(fig.data[1].y, coords[3:, 1])
    assert list(fig.data[1].text) == groups["capitals"]
    # hover names the word and its nearest neighbours in the whole vocabulary
    nearest = kv.most_similar("paris", topn=5)[0][0]
    hover = fig.data[1].hovertext[0]
    assert hover.startswith("<b>paris</b>") and nearest in hover
    # one arrow per pair, from the country to the capital
    arrow = fig.layout.annotations[0]
    assert (arrow.ax, arrow.ay, arrow.x, arrow.y) == (*coords[0], *coords[3])
    # the dropdown offers all groups and each group alone
    labels = [b.label for b in fig.layout.updatemenus[0].buttons]
    assert labels == ["all groups", "countries", "capitals"]
    assert fig.layout.updatemenus[0].buttons[2].args[0]["visible"] == [False, True]


def test_missing_words(kv):
    with pytest.raises(KeyError, match="zebra"):
        word_space(kv, {"g": ["france", "paris", "zebra", "rome"]})
    fig = word_space(kv, {"g": ["france", "paris", "zebra", "rome"]}, skip_missing=True).figure
    assert list(fig.data[0].text) == ["france", "paris", "rome"]


def test_three_dimensions(kv):
    fig = word_space(
        kv, {"a": ["france", "italy", "spain", "apple"]}, dims=3, arrows=[("france", "apple")]
    ).figure
    assert fig.data[0].type == "scatter3d" and fig.data[1].mode == "lines"


def test_mimebundle_for_lab_colab_and_site(kv):
    bundle = word_space(kv, {"g": ["france", "paris", "rome"]})._repr_mimebundle_()
    html = bundle["text/html"]
    spec = json.loads(re.search(r"var spec = (\{.*\});\n", html).group(1))
    assert spec["data"][0]["text"] == ["france", "paris", "rome"]
    # uses the page's plotly.js when present (the site), the CDN only otherwise (Colab)
    assert "if (window.Plotly) { draw(); return; }" in html
    # the page's script runs once the figure is drawn; JupyterLab's plotly extension would
    # draw the figure without it, so the bundle does not offer that extension's mime type
    assert ".then(function (gd) {" in html and "function attach(gd, state)" in html
    assert "application/vnd.plotly.v1+json" not in bundle
    # without page vectors: a plain figure, for JupyterLab's extension too, and no script
    plain = word_space(kv, {"g": ["france", "paris", "rome"]}, vocabulary=None)
    bundle = plain._repr_mimebundle_()
    assert bundle["application/vnd.plotly.v1+json"]["data"][0]["text"] == [
        "france",
        "paris",
        "rome",
    ]
    assert "var state" not in bundle["text/html"] and ".then(" not in bundle["text/html"]


def test_interactive_without_script_is_unchanged():
    fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4]))
    bundle = Interactive(fig)._repr_mimebundle_()
    assert set(bundle) == {"text/html", "application/vnd.plotly.v1+json"}
    assert "Plotly.newPlot" in bundle["text/html"] and ".then(" not in bundle["text/html"]


def test_script_end_tag_in_data_is_escaped():
    kv = keyed_vectors(np.eye(3), ["a", "</script>", "b"])
    html = word_space(kv, {"g": ["a", "</script>", "b"]})._repr_mimebundle_()["text/html"]
    assert html.count("</script>") == 1
    assert json.loads(re.search(r"var state = (\{.*\});\n", html).group(1))["words"][1] == (
        "</script>"
    )


def page_state(widget):
    """The state the widget's page carries, and its vectors decoded here: (N, k) float64."""
    html = widget._repr_mimebundle_()["text/html"]
    state = json.loads(re.search(r"var state = (\{.*\});\n", html).group(1))
    q = np.frombuffer(base64.b64decode(state["vectors"]), dtype=np.int8)
    scales = np.frombuffer(base64.b64decode(state["scales"]), dtype="<f4").astype(np.float64)
    return state, q.reshape(len(state["words"]), state["dim"]) * scales[:, None], scales


@pytest.fixture
def many():
    """300 words with 8-dimensional vectors of varied lengths, most frequent first."""
    rng = np.random.default_rng(2)
    vectors = rng.normal(size=(300, 8)) * rng.uniform(0.5, 3, size=(300, 1))
    return keyed_vectors(vectors, [f"w{i}" for i in range(300)])


GROUPS = {"a": ["w250", "w7", "w100"], "b": ["w260", "w3", "w150", "w280"]}


def test_page_carries_the_chosen_words_and_the_vocabulary(many):
    widget = word_space(many, GROUPS, arrows=[("w250", "w260")], vocabulary=50, neighbours=3)
    state, Z, scales = page_state(widget)
    chosen = GROUPS["a"] + GROUPS["b"]
    assert state["words"] == chosen + [f"w{i}" for i in range(50) if f"w{i}" not in chosen]
    assert state["groups"] == [["a", GROUPS["a"]], ["b", GROUPS["b"]]]
    assert state["arrows"] == [["w250", "w260"]] and state["neighbours"] == 3
    assert state["dim"] == 8 and state["dims"] == 2
    # the page stores z = x Q (Q orthonormal, no dimension dropped here) rounded to int8 per
    # row: |z_dec - z| <= scale / 2 per entry, so inner products move by at most this much
    V = many[state["words"]].astype(np.float64)
    err = np.sqrt(8) * scales / 2
    norms = np.linalg.norm(V, axis=1)
    bound = np.outer(norms, err) + np.outer(err, norms) + np.outer(err, err)
    assert np.all(np.abs(Z @ Z.T - V @ V.T) <= bound + 1e-9)
    # the figure's projection, given for z, puts the chosen words where the figure has them
    fig = widget.figure
    drawn = np.array([[x, y] for t in fig.data for x, y in zip(t.x, t.y)])
    basis = np.array(state["basis"]["axes"]), np.array(state["basis"]["offset"])
    on_page = Z[: len(chosen)] @ basis[0].T + basis[1]
    assert np.all(np.abs(on_page - drawn) <= err[: len(chosen), None] + 1e-6)


def test_fewer_dimensions_keep_the_chosen_words_exact():
    rng = np.random.default_rng(3)
    kv = keyed_vectors(rng.normal(size=(300, 40)), [f"w{i}" for i in range(300)])
    widget = word_space(kv, GROUPS, vocabulary=100, components=10)
    state, Z, scales = page_state(widget)
    assert state["dim"] == 10 and Z.shape == (100 + 5, 10)  # 5 chosen words beyond the first 100
    row = {w: i for i, w in enumerate(state["words"])}
    # a word outside the chosen ones keeps its place in the figure's projection: the axes lie
    # in the span of the chosen words, which the page keeps whole
    chosen = GROUPS["a"] + GROUPS["b"]
    X = kv[chosen].astype(np.float64)
    _, _, Vt = np.linalg.svd(X - X.mean(axis=0), full_matrices=False)
    fig = widget.figure
    for word in ["w0", "w42"]:
        full = (kv[word] - X.mean(axis=0)) @ Vt[:2].T  # up to the sign of each axis
        page = Z[row[word]] @ np.array(state["basis"]["axes"]).T + state["basis"]["offset"]
        signs = np.sign(fig.data[0].x[0] * ((kv["w250"] - X.mean(axis=0)) @ Vt[:2].T))
        tol = np.sqrt(10) * scales[row[word]] / 2 + 1e-5
        np.testing.assert_allclose(page, full * signs, atol=tol)
    # and the PCA of one group is the same on the page as on the full vectors
    b = [row[w] for w in GROUPS["b"]]
    page_coords, page_explained = pca(Z[b], 2)
    full_coords, full_explained = pca(kv[GROUPS["b"]].astype(np.float64), 2)
    spread = np.abs(full_coords).max()
    np.testing.assert_allclose(page_coords, full_coords, atol=0.03 * spread)
    np.testing.assert_allclose(page_explained, full_explained, atol=0.03)


def test_page_vocabulary_errors(many):
    with pytest.raises(KeyError, match="zebra"):
        word_space(many, GROUPS, vocabulary=["w1", "zebra"])
    with pytest.raises(ValueError, match="components must be at least dims"):
        word_space(many, GROUPS, dims=3, components=2)
    with pytest.raises(ValueError, match="vocabulary must be"):
        word_space(many, GROUPS, vocabulary=-1)
    state, _, _ = page_state(word_space(many, GROUPS, vocabulary=["w1", "w3"]))
    assert state["words"] == GROUPS["a"] + GROUPS["b"] + ["w1"]


SCRIPT = (Path(__file__).parent.parent / "dlnlp" / "viz" / "word_space.js").read_text()


@pytest.fixture(scope="module")
def js(browser):
    """A blank page with word_space.js loaded as window.wordSpace."""
    page = browser.new_page()
    page.set_content("<html><body></body></html>")
    page.add_script_tag(content=f"window.wordSpace = {SCRIPT};")
    yield page
    page.close()


def packed(q, scales):
    words = [f"w{i}" for i in range(len(q))]
    return dict(
        words=words,
        dim=q.shape[1],
        vectors=base64.b64encode(q.astype(np.int8).tobytes()).decode(),
        scales=base64.b64encode(scales.astype("<f4").tobytes()).decode(),
    )


@pytest.mark.parametrize("n, k, dims", [(6, 10, 2), (7, 12, 3), (40, 5, 2), (30, 4, 3)])
def test_js_decode_and_pca_match_numpy(js, n, k, dims):
    """Gram matrix (n <= k) and scatter matrix (n > k) paths; signs as in ``pca``."""
    rng = np.random.default_rng(n * k)
    q = rng.integers(-127, 128, size=(n + 5, k))
    scales = rng.uniform(0.01, 1, size=n + 5).astype(np.float32)
    Z = q * scales.astype(np.float64)[:, None]
    rows = sorted(rng.choice(n + 5, size=n, replace=False).tolist())
    out = js.evaluate(
        """([state, rows, dims]) => {
            const page = wordSpace.decode(state), basis = wordSpace.pca(page, rows, dims);
            return {Z: Array.from(page.Z), explained: basis.explained,
                    coords: rows.map(r => wordSpace.project(page, basis, r)),
                    other: wordSpace.project(page, basis, 0)};
        }""",
        [packed(q, scales), rows, dims],
    )
    np.testing.assert_array_equal(np.reshape(out["Z"], Z.shape), Z)
    coords, explained = pca(Z[rows], dims)
    np.testing.assert_allclose(out["coords"], coords, atol=1e-9 * np.abs(coords).max())
    np.testing.assert_allclose(out["explained"], explained, atol=1e-12)
    # any other word is centred on the chosen words' mean and projected on the same axes
    mean = Z[rows].mean(axis=0)
    U, _, Vt = np.linalg.svd(Z[rows] - mean, full_matrices=False)
    signs = np.sign(U[np.abs(U).argmax(axis=0), np.arange(U.shape[1])])[:dims]
    other = (Z[0] - mean) @ (Vt[:dims].T * signs)
    np.testing.assert_allclose(out["other"], other, atol=1e-9 * np.abs(coords).max())


def test_js_nearest_by_cosine(js):
    rng = np.random.default_rng(5)
    q = rng.integers(-127, 128, size=(60, 7))
    scales = rng.uniform(0.01, 1, size=60).astype(np.float32)
    Z = q * scales.astype(np.float64)[:, None]
    got = js.evaluate(
        "([state]) => wordSpace.nearest(wordSpace.decode(state), 3, 5)", [packed(q, scales)]
    )
    unit = Z / np.linalg.norm(Z, axis=1, keepdims=True)
    order = [i for i in np.argsort(-(unit @ unit[3])) if i != 3][:5]
    assert got == [f"w{i}" for i in order]
