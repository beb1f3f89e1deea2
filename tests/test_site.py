"""The built website in headless Chromium (see browser.py), every non-local request blocked."""

from urllib.parse import urlparse

import pytest
import yaml
from browser import Visit, serve
from conftest import ROOT

CHAPTER = "book/word-vectors/count-based"
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
PAGES = [TOC["root"]] + [c["file"] for part in TOC["parts"] for c in part["chapters"]]


@pytest.fixture(scope="module")
def server(site):
    with serve(site) as url:
        yield url


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_offline(browser, server, page):
    v = Visit(browser, f"{server}/{page}.html")
    assert v.blocked == [], "the page asked the network for these"
    assert v.failed == [], "these local requests failed"
    assert v.errors == [], "console errors"
    assert v.broken_fonts() == [], "these fonts are declared but cannot be loaded"
    assert v.page.locator("article h1").first.is_visible()
    images = v.page.locator("img")
    for i in range(images.count()):
        img = images.nth(i)
        assert img.evaluate("el => el.complete && el.naturalWidth > 0"), img.get_attribute("src")


def test_chapter_math_figures_and_table(browser, server):
    v = Visit(browser, f"{server}/{CHAPTER}.html")
    page = v.page
    page.wait_for_selector("mjx-container", timeout=20_000)
    assert page.locator("mjx-container").count() >= 5  # MathJax typeset the formulas
    assert page.locator("text=$$").count() == 0
    # the matplotlib figure of the toy SVD
    assert page.locator(".cell_output img").count() >= 1
    # the lecture's table, as executed: row "I" is 0 2 1 0 0 0 0 0
    row = page.locator("table.dataframe tbody tr").first
    assert row.locator("th").inner_text().strip() == "I"
    assert [c.inner_text() for c in row.locator("td").all()] == list("02100000")


def test_word_space_responds_without_kernel(browser, server):
    v = Visit(browser, f"{server}/{CHAPTER}.html")
    page = v.page
    plot = page.locator(".dlnlp-figure").first
    plot.locator(".main-svg").first.wait_for(timeout=20_000)
    names = plot.evaluate("gd => gd.data.map(t => t.name)")
    assert names == ["countries", "capitals"]
    capitals = plot.locator(".scatterlayer .trace").nth(1)
    assert capitals.locator(".point").count() >= 5  # drawn markers
    assert "paris" in capitals.locator(".textpoint text").all_text_contents()
    # hovering a capital shows it with its nearest neighbours
    point = capitals.locator(".point").first
    point.hover(force=True)
    hover = plot.locator(".hovertext")
    hover.first.wait_for(timeout=5_000)
    assert "nearest:" in hover.first.text_content()
    # choose "capitals" in the dropdown: the countries trace is hidden
    plot.locator(".updatemenu-header-group").first.click()
    plot.locator(".updatemenu-dropdown-button", has_text="capitals").click()
    page.wait_for_function(
        "el => el.data[0].visible === false", arg=plot.element_handle(), timeout=5_000
    )
    assert plot.evaluate("gd => gd.data[1].visible") is True
    # the arrows switch off and on
    n_arrows = plot.evaluate("gd => gd.layout.annotations.length")
    assert n_arrows >= 5
    plot.locator(".updatemenu-button", has_text="arrows off").click()
    assert plot.evaluate("gd => gd.layout.annotations.length") == 0
    plot.locator(".updatemenu-button", has_text="arrows on").click()
    assert plot.evaluate("gd => gd.layout.annotations.length") == n_arrows
    assert v.errors == [] and v.blocked == []


def test_colab_buttons_point_at_the_notebooks_on_main(browser, server):
    """The theme's launch button opens the chapter; the chapter's own opens its assignment."""
    repo = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    v = Visit(browser, f"{server}/{CHAPTER}.html")
    links = v.page.eval_on_selector_all(
        "a[href*='colab.research.google.com']",
        "els => els.map(e => [e.closest('article') !== null, e.href])",
    )
    colab = f"https://colab.research.google.com/github/{urlparse(repo['url']).path.strip('/')}"
    assignment = "assignments/release/a1_count_vectors/a1_count_vectors.ipynb"
    assert sorted(links) == [
        [False, f"{colab}/blob/main/{CHAPTER}.ipynb"],
        [True, f"{colab}/blob/main/{assignment}"],
    ]
