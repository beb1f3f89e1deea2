"""Widgets that respond on a static page, with no kernel and no network.

* ipywidgets, with the book's own configuration, on a one-page book made here.  No chapter needs
  a live ipywidget yet besides tqdm's progress bars, so this builds a page with a slider linked
  to a text box in the browser (``jslink``) and checks that the widgets manager served by the
  site draws them and that moving the slider updates the box.
* The word-space explorer (``dlnlp.viz.word_space``): typing words and projecting on a group, on
  a bare page made here (plotly.js from the plotly package) and on the built chapter.
"""

import base64
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
from browser import Visit, serve
from conftest import ROOT
from plotly.offline import get_plotlyjs, get_plotlyjs_version

from dlnlp.vectors import keyed_vectors
from dlnlp.viz import pca, word_space

CELL = """\
import ipywidgets as w
from tqdm.auto import tqdm
for _ in tqdm(range(100), desc="counting"):
    pass
slider = w.IntSlider(value=3, min=0, max=10, description="window")
box = w.IntText(value=3)
w.jslink((slider, "value"), (box, "value"))
w.VBox([slider, box])"""


@pytest.fixture(scope="module")
def widget_site(tmp_path_factory):
    book = tmp_path_factory.mktemp("widgets-book")
    for name in ("_config.yml", "references.bib"):
        shutil.copy(ROOT / name, book)
    (book / "book" / "_static").mkdir(parents=True)
    shutil.copytree(ROOT / "book" / "_ext", book / "book" / "_ext")
    assets = ROOT / "book" / "_static" / "third_party"
    if not assets.is_dir():
        pytest.fail("no site assets: run `make book` (or `make assets`) first")
    (book / "book" / "_static" / "third_party").symlink_to(assets)
    (book / "_toc.yml").write_text("format: jb-book\nroot: book/widgets\n")
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# Widgets"), nbformat.v4.new_code_cell(CELL)]
    )
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, book / "book" / "widgets.ipynb")
    jb = [Path(sys.executable).parent / "jupyter-book", "build", str(book), "--warningiserror"]
    result = subprocess.run(jb, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert (book / "_build" / "html" / "book" / "widgets.html").exists(), result.stdout[-3000:]
    return book / "_build" / "html"


def test_widgets_render_and_respond_offline(browser, widget_site):
    with serve(widget_site) as url:
        v = Visit(browser, f"{url}/book/widgets.html")
        page = v.page
        page.wait_for_selector(".widget-slider", timeout=20_000)
        assert v.broken_fonts() == []
        assert v.blocked == [] and v.failed == [] and v.errors == []
        assert page.locator(".widget-hprogress").count() == 1  # tqdm's bar
        assert page.locator(".widget-text input").input_value() == "3"
        page.locator(".widget-slider .noUi-handle").first.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "() => document.querySelector('.widget-text input').value === '4'", timeout=5_000
        )


def page_state(html: str):
    """The first word-space state in a page, and its vectors decoded here: (N, k) float64."""
    found = re.search(r"var state = (\{.*\});\n", html)
    assert found, "no word-space state in the page: outputs from before it? `make clean book`"
    state = json.loads(found.group(1))
    q = np.frombuffer(base64.b64decode(state["vectors"]), dtype=np.int8)
    scales = np.frombuffer(base64.b64decode(state["scales"]), dtype="<f4").astype(np.float64)
    return state, q.reshape(len(state["words"]), state["dim"]) * scales[:, None], scales


def numpy_basis(Z: np.ndarray, dims: int):
    """PCA of the rows of Z: their mean and axes (k, dims), signs as ``pca`` chooses them."""
    mean = Z.mean(axis=0)
    U, _, Vt = np.linalg.svd(Z - mean, full_matrices=False)
    signs = np.sign(U[np.abs(U).argmax(axis=0), np.arange(U.shape[1])])[:dims]
    return mean, Vt[:dims].T * signs


def coordinates(plot, i: int) -> np.ndarray:
    """Trace i's points, shape (n, dims)."""
    script = f"gd => ['x', 'y', 'z'].filter(k => k in gd.data[{i}]).map(k => gd.data[{i}][k])"
    return np.array(plot.evaluate(script)).T


def check_typing_and_projection(v: Visit, typed: list[str], group: int) -> dict:
    """Type ``typed`` and a word the page lacks, then project on group ``group`` and back.

    Checks every coordinate against numpy on the vectors the page carries; returns what the
    caller may compare with the original vectors: the state, the typed words' coordinates in
    the figure's projection, the group's coordinates in its own.
    """
    page = v.page
    plot = page.locator(".dlnlp-figure").first
    plot.locator(".main-svg").first.wait_for(timeout=20_000)
    state, Z, scales = page_state(page.content())
    row = {w: i for i, w in enumerate(state["words"])}
    dims, n_groups = state["dims"], len(state["groups"])
    n_traces = plot.evaluate("gd => gd.data.length")
    drawn = [coordinates(plot, i) for i in range(n_groups)]
    # the figure's projection as the page holds it puts the chosen words where Python drew them
    A, b = np.array(state["basis"]["axes"]), np.array(state["basis"]["offset"])
    for (_, words), xyz in zip(state["groups"], drawn):
        tol = np.sqrt(state["dim"]) * scales[[row[w] for w in words], None] / 2 + 1e-6
        assert np.all(np.abs(Z[[row[w] for w in words]] @ A.T + b - xyz) <= tol)

    # typing adds one trace, the typed words in the figure's projection, and names the absent
    page.fill(".dlnlp-typed", ", ".join(typed + ["qqzzxv"]))
    page.press(".dlnlp-typed", "Enter")
    page.wait_for_function(f"el => el.data.length === {n_traces + 1}", arg=plot.element_handle())
    assert plot.evaluate("gd => gd.data.at(-1).name") == "typed words"
    assert plot.evaluate("gd => gd.data.at(-1).text") == typed
    typed_xyz = coordinates(plot, n_traces)
    scale = max(np.abs(d).max() for d in drawn)
    np.testing.assert_allclose(typed_xyz, Z[[row[w] for w in typed]] @ A.T + b, atol=1e-9 * scale)
    assert "qqzzxv" in page.locator(".dlnlp-message").inner_text()
    hover = plot.evaluate("gd => gd.data.at(-1).hovertext[0]")
    assert hover.startswith(f"<b>{typed[0]}</b>") and "nearest" in hover

    # "project on" one group: every trace is redrawn in that group's principal components
    name, words = state["groups"][group]
    page.select_option(".dlnlp-project", str(group))
    axis = "gd.layout.scene.xaxis" if dims == 3 else "gd.layout.xaxis"
    page.wait_for_function(
        f"gd => {axis}.title.text.startsWith('PC1 of {name}')", arg=plot.element_handle()
    )
    on_group, _ = pca(Z[[row[w] for w in words]], dims)
    scale = np.abs(on_group).max()
    np.testing.assert_allclose(coordinates(plot, group), on_group, atol=1e-9 * scale)
    mean, axes = numpy_basis(Z[[row[w] for w in words]], dims)
    for i, (_, others) in enumerate(state["groups"]):
        expected = (Z[[row[w] for w in others]] - mean) @ axes
        np.testing.assert_allclose(coordinates(plot, i), expected, atol=1e-9 * scale)
    expected = (Z[[row[w] for w in typed]] - mean) @ axes
    np.testing.assert_allclose(coordinates(plot, n_traces), expected, atol=1e-9 * scale)
    if state["arrows"]:  # the arrows follow their words
        a, b = state["arrows"][0]
        if dims == 2:
            got = plot.evaluate("gd => gd.layout.annotations[0]")
            start, end = [got["ax"], got["ay"]], [got["x"], got["y"]]
        else:
            start, end = coordinates(plot, n_groups)
        np.testing.assert_allclose(start, (Z[row[a]] - mean) @ axes, atol=1e-9 * scale)
        np.testing.assert_allclose(end, (Z[row[b]] - mean) @ axes, atol=1e-9 * scale)

    # back to all groups: the figure as Python drew it
    page.select_option(".dlnlp-project", "all")
    page.wait_for_function(
        f"gd => {axis}.title.text.startsWith('PC1 (')", arg=plot.element_handle()
    )
    for i, xyz in enumerate(drawn):
        np.testing.assert_array_equal(coordinates(plot, i), xyz)
    assert v.errors == [] and v.blocked == [] and v.failed == []
    return dict(state=state, typed=typed_xyz, on_group=on_group)


@pytest.fixture
def bare_page(tmp_path):
    """A function that writes index.html holding ``html`` beside plotly.js; returns the folder."""

    def make(html: str) -> Path:
        (tmp_path / "plotly.min.js").write_text(get_plotlyjs())
        head = '<meta charset="utf-8"><script src="plotly.min.js"></script>'
        page = f"<!DOCTYPE html><html><head>{head}</head><body>{html}</body></html>"
        (tmp_path / "index.html").write_text(page)
        return tmp_path

    return make


@pytest.mark.parametrize("dims", [2, 3])
def test_word_space_types_and_projects_on_a_bare_page(browser, bare_page, dims):
    rng = np.random.default_rng(4)
    words = ["france", "paris", "italy", "rome", "spain", "madrid", "japan", "tokyo"]
    words += [f"w{i}" for i in range(300)]
    kv = keyed_vectors(rng.normal(size=(len(words), 60)), words)
    countries, capitals = words[0:8:2], words[1:8:2]
    widget = word_space(
        kv,
        {"countries": countries, "capitals": capitals},
        arrows=list(zip(countries, capitals)),
        dims=dims,
        vocabulary=200,
        components=40,  # fewer than d = 60: the page keeps the chosen words' span whole
    )
    typed = ["w5", "w17", "w123", "w190"]
    with serve(bare_page(widget.to_html())) as url:
        got = check_typing_and_projection(Visit(browser, f"{url}/index.html"), typed, group=1)
    # and against the original vectors: typed words land where numpy's projection of the chosen
    # words' PCA puts them, the group where its own PCA does, within the int8 rounding
    state = got["state"]
    X = kv[countries + capitals]
    mean, axes = numpy_basis(X, dims)
    scale = np.abs((X - mean) @ axes).max()
    np.testing.assert_allclose(got["typed"], (kv[typed] - mean) @ axes, atol=0.02 * scale)
    on_group, _ = pca(kv[capitals], dims)
    np.testing.assert_allclose(got["on_group"], on_group, atol=0.02 * np.abs(on_group).max())
    assert state["dim"] == 40


@pytest.mark.parametrize("dims", [2, 3])
def test_word_space_draws_typed_arrows(browser, bare_page, dims):
    """``a>b`` in the box draws an arrow from a to b beside the figure's own, which follows its
    words into another projection; one with an unknown end is named and not drawn."""
    rng = np.random.default_rng(5)
    words = ["france", "paris", "italy", "rome", "spain", "madrid", "japan", "tokyo"]
    words += [f"w{i}" for i in range(100)]
    kv = keyed_vectors(rng.normal(size=(len(words), 30)), words)
    countries, capitals = words[0:8:2], words[1:8:2]
    widget = word_space(kv, {"countries": countries, "capitals": capitals},
                        arrows=list(zip(countries, capitals)), dims=dims)  # fmt: skip
    with serve(bare_page(widget.to_html())) as url:
        v = Visit(browser, f"{url}/index.html")
        page, plot = v.page, v.page.locator(".dlnlp-figure").first
        plot.locator(".main-svg").first.wait_for(timeout=20_000)
        state, Z, _ = page_state(page.content())
        row = {w: i for i, w in enumerate(state["words"])}
        A, b = np.array(state["basis"]["axes"]), np.array(state["basis"]["offset"])
        n_traces = plot.evaluate("gd => gd.data.length")

        def arrow(i: int) -> np.ndarray:
            """Arrow i's start and end as drawn, shape (2, dims)."""
            if dims == 3:
                return coordinates(plot, i)
            got = plot.evaluate(f"gd => gd.layout.annotations[{i}]")
            return np.array([[got["ax"], got["ay"]], [got["x"], got["y"]]])

        page.fill(".dlnlp-typed", "w5>w17, w30, w5->qqzzxv")
        page.press(".dlnlp-typed", "Enter")
        typed_trace = n_traces  # the typed words, then (3-D) the typed arrow's line
        page.wait_for_function(
            f"el => el.data.length === {n_traces + (2 if dims == 3 else 1)}",
            arg=plot.element_handle(),
        )
        assert plot.evaluate(f"gd => gd.data[{typed_trace}].text") == ["w5", "w17", "w30"]
        assert "qqzzxv" in page.locator(".dlnlp-message").inner_text()
        expected = Z[[row["w5"], row["w17"]]] @ A.T + b
        if dims == 2:
            assert plot.evaluate("gd => gd.layout.annotations.length") == 5
            got = arrow(4)
        else:
            assert plot.evaluate("gd => gd.data.at(-1).name") == "w5 → w17"
            got = arrow(n_traces + 1)
        np.testing.assert_allclose(got, expected, atol=1e-9 * np.abs(expected).max())

        page.select_option(".dlnlp-project", "1")  # the capitals' own components
        axis = "gd.layout.scene.xaxis" if dims == 3 else "gd.layout.xaxis"
        page.wait_for_function(
            f"gd => {axis}.title.text.startsWith('PC1 of capitals')", arg=plot.element_handle()
        )
        mean, axes = numpy_basis(Z[[row[w] for w in capitals]], dims)
        expected = (Z[[row["w5"], row["w17"]]] - mean) @ axes
        got = arrow(4 if dims == 2 else n_traces + 1)
        np.testing.assert_allclose(got, expected, atol=1e-9 * np.abs(expected).max())

        if dims == 2:  # switched off, the arrows stay off when more is typed
            plot.locator(".updatemenu-button", has_text="arrows off").click()
            page.fill(".dlnlp-typed", "w5>w17, w40>w41")
            page.press(".dlnlp-typed", "Enter")
            page.wait_for_function(
                f"el => el.data[{typed_trace}].text.length === 4", arg=plot.element_handle()
            )
            assert plot.evaluate("gd => gd.layout.annotations.length") == 0
            plot.locator(".updatemenu-button", has_text="arrows on").click()
            assert plot.evaluate("gd => gd.layout.annotations.length") == 6
        assert v.errors == [] and v.blocked == [] and v.failed == []


def test_word_space_types_and_projects_on_the_built_chapter(browser, site):
    """The countries-and-capitals explorer of the count-based chapter (needs `make book`)."""
    with serve(site) as url:
        v = Visit(browser, f"{url}/book/word-vectors/count-based.html")
        state, _, _ = page_state(v.page.content())
        typed = state["words"][-4:]  # four of the page's least frequent words
        check_typing_and_projection(v, typed, group=1)


def test_word_space_without_page_plotly_fetches_it_from_the_cdn(browser, tmp_path):
    """As in Colab or JupyterLab, whose outputs find no plotly.js: the output loads it itself."""
    words = ["france", "paris", "italy", "rome", "spain", "madrid"] + [f"w{i}" for i in range(40)]
    kv = keyed_vectors(np.random.default_rng(6).normal(size=(len(words), 10)), words)
    widget = word_space(kv, {"countries": words[0:6:2], "capitals": words[1:6:2]})
    (tmp_path / "index.html").write_text(
        f"<!DOCTYPE html><html><body>{widget.to_html()}</body></html>"
    )
    cdn = f"https://cdn.plot.ly/plotly-{get_plotlyjs_version()}.min.js"

    def cdn_answer(online: bool, asked: list):
        def answer(route):
            asked.append(route.request.url)
            if online and route.request.url == cdn:  # the CDN, answered here
                route.fulfill(body=get_plotlyjs(), content_type="text/javascript")
            else:
                route.abort()

        return answer

    for online in (True, False):
        page, asked = browser.new_page(), []
        page.route(re.compile(r"^(?!http://127\.0\.0\.1[:/])"), cdn_answer(online, asked))
        with serve(tmp_path) as url:
            page.goto(f"{url}/index.html")
            if online:
                page.locator(".dlnlp-figure .main-svg").first.wait_for(timeout=20_000)
                page.fill(".dlnlp-typed", "w1, w2")
                page.press(".dlnlp-typed", "Enter")
                page.wait_for_function(
                    "() => document.querySelector('.dlnlp-figure').data.length === 3"
                )
            else:  # offline: the figure's place says why it stays empty
                said = "el => el.textContent.includes('could not be loaded')"
                figure = page.locator(".dlnlp-figure")
                page.wait_for_function(said, arg=figure.element_handle(), timeout=10_000)
                assert cdn in figure.inner_text()
        assert asked == [cdn]
        page.close()
