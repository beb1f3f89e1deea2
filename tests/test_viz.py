"""The word-space explorer draws the right data and renders for every front end."""

import json
import re

import numpy as np
import pytest

from dlnlp.vectors import keyed_vectors
from dlnlp.viz import pca, word_space


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
    plotly_json = bundle["application/vnd.plotly.v1+json"]
    assert plotly_json["data"][0]["text"] == ["france", "paris", "rome"]
    html = bundle["text/html"]
    spec = json.loads(re.search(r"var spec = (\{.*\});\n", html).group(1))
    assert spec["data"][0]["text"] == ["france", "paris", "rome"]
    # uses the page's plotly.js when present (the site), the CDN only otherwise (Colab)
    assert "if (window.Plotly) { draw(); return; }" in html


def test_script_end_tag_in_data_is_escaped():
    kv = keyed_vectors(np.eye(3), ["a", "</script>", "b"])
    html = word_space(kv, {"g": ["a", "</script>", "b"]})._repr_mimebundle_()["text/html"]
    assert html.count("</script>") == 1
