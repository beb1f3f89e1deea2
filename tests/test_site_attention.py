"""The attention chapter on the built site: its viewers respond in Chromium with no kernel and no
network, and show the real model's weights (the page is executed by `make book`)."""

import pytest
from browser import Visit, serve

CHAPTER = "book/attention/pretrained-attention"


@pytest.fixture(scope="module")
def chapter(browser, site):
    page = site / f"{CHAPTER}.html"
    if not page.exists():
        pytest.fail(f"{page} is missing: add {CHAPTER} to _toc.yml and run `make book`")
    with serve(site) as url:
        v = Visit(browser, f"{url}/{CHAPTER}.html")
        v.page.locator(".dlnlp-figure .main-svg").first.wait_for(timeout=20_000)
        yield v
        v.page.close()


def figure(v, view, n=0):
    """The n-th plotly figure on the page whose layout.meta.view is ``view``."""
    plots = v.page.locator(".dlnlp-figure")
    found = [
        i
        for i in range(plots.count())
        if plots.nth(i).evaluate("gd => gd.layout.meta.view") == view
    ]
    plot = plots.nth(found[n])
    plot.scroll_into_view_if_needed()
    plot.locator(".main-svg").first.wait_for(timeout=20_000)
    return plot


def hover_text(v, plot):
    hover = plot.locator(".hovertext")
    hover.first.wait_for(timeout=5_000)
    return hover.first.text_content()


def test_every_view_drew_with_no_network(chapter):
    v = chapter
    views = v.page.locator(".dlnlp-figure").evaluate_all("els => els.map(e => e.layout.meta.view)")
    assert views.count("head") == 2 and views.count("model") == 1
    assert v.blocked == [] and v.failed == [] and v.errors == []


def test_head_view_hover_layers_and_heads(chapter):
    v = chapter
    plot = figure(v, "head")
    tokens = plot.evaluate("gd => gd.layout.meta.tokens")
    shown = (  # the layers with a drawn trace
        "gd => [...new Set(gd.data.filter(t => t.visible === true && 'layer' in t.meta)"
        ".map(t => t.meta.layer))]"
    )
    assert plot.evaluate(shown) == [3]  # opens at layer 4

    def hover_query(layer, token):
        index = plot.evaluate(
            f"gd => gd.data.findIndex(t => t.mode === 'markers+text' && t.meta.layer === {layer})"
        )
        uid = plot.evaluate(f"gd => gd._fullData[{index}].uid")
        plot.locator(f".trace{uid} .point").nth(tokens.index(token)).hover(force=True)
        return hover_text(v, plot)

    # "it" in layer 4: head 2 looks at "animal" most
    text = hover_query(3, "it")
    assert "it attends to (layer 4)" in text and "head 2: animal" in text
    # the dropdown switches to layer 1, whose head 3 looks at the previous token
    plot.locator(".updatemenu-header-group").first.click()
    plot.locator(".updatemenu-dropdown-button", has_text="layer 1").click()
    v.page.wait_for_function(
        f"gd => JSON.stringify(({shown})(gd)) === '[0]'", arg=plot.element_handle(), timeout=5_000
    )
    v.page.mouse.move(0, 0)
    text = hover_query(0, "it")
    assert "it attends to (layer 1)" in text and "head 3: because" in text
    # the legend shows a hidden head: its lines are drawn
    head3 = (  # how many of layer 1, head 3's traces are drawn
        "gd => gd.data.filter(t => t.meta.layer === 0 && t.meta.head === 2 && t.visible === true)"
        ".length"
    )
    assert plot.evaluate(head3) == 0  # the chapter shows head 2 alone
    plot.locator(".legend .traces", has_text="head 3").locator(".legendtoggle").click()
    v.page.wait_for_function(f"gd => ({head3})(gd) > 0", arg=plot.element_handle(), timeout=5_000)
    assert v.errors == [] and v.blocked == []


def test_model_view_holds_every_head_and_hovers(chapter):
    v = chapter
    plot = figure(v, "model")
    tokens = plot.evaluate("gd => gd.layout.meta.tokens")
    T = len(tokens)
    heads = plot.evaluate("gd => gd.data.map(t => [t.meta.layer, t.meta.head])")
    assert len(heads) == 72 and sorted(heads) == [[n, h] for n in range(6) for h in range(12)]
    # every row a distribution (weights rounded to 3 decimals)
    sums = plot.evaluate("gd => gd.data.map(t => t.z.map(row => row.reduce((a, b) => a + b, 0)))")
    assert all(abs(s - 1) < 0.01 for head in sums for s in head)
    # layer 1, head 3: every token but [CLS] looks at the one before it
    k = heads.index([0, 2])
    z = plot.evaluate(f"gd => gd.data[{k}].z")
    assert all(z[i][i - 1] > 0.5 for i in range(1, T))
    # hovering the cell (it, because) of that head names them and the weight
    subplot = plot.evaluate(f"gd => gd._fullData[{k}].xaxis + gd._fullData[{k}].yaxis")
    box = plot.locator(f".nsewdrag[data-subplot='{subplot}']").bounding_box()
    i = tokens.index("it")
    v.page.mouse.move(
        box["x"] + box["width"] * (i - 1 + 0.5) / T, box["y"] + box["height"] * (i + 0.5) / T
    )
    text = hover_text(v, plot)
    assert "layer 1, head 3" in text and "it → because" in text
    assert f"{z[i][i - 1]:.3f}" in text
    assert v.errors == [] and v.blocked == []
