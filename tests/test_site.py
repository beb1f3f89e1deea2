"""The built website in headless Chromium, with every non-local request blocked.

Needs Debian's chromium (`apt-get install chromium`); set CHROMIUM to use another binary.
Without a browser these tests skip, unless DLNLP_REQUIRE_BROWSER=1 (as in CI), where that fails.
"""

import functools
import http.server
import os
import re
import shutil
import threading
from urllib.parse import urlparse

import pytest
import yaml
from conftest import ROOT

CHAPTER = "book/word-vectors/count-based"
PAGES = ["book/intro", "book/how-to-use", CHAPTER, "book/word-vectors/planned", "book/bibliography"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    for candidate in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    message = "no Chromium found: install Debian's `chromium` or set CHROMIUM=/path/to/it"
    if os.environ.get("DLNLP_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def server(site):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *args: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Visit:
    """A page loaded with the network cut to 127.0.0.1, recording what went wrong."""

    def __init__(self, browser, url):
        self.blocked, self.errors, self.failed = [], [], []
        self.page = browser.new_page()
        # intercept only what is not local: local requests go straight to the server
        self.page.route(re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/])"), self._block)
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))
        self.page.on("response", lambda r: r.status >= 400 and self.failed.append(r.url))
        self.pending = 0
        self.page.on("request", lambda r: self._count(+1))
        self.page.on("requestfinished", lambda r: self._count(-1))
        self.page.on("requestfailed", lambda r: self._count(-1))
        self.page.goto(url, wait_until="load")
        self._settle()

    def _count(self, step):
        self.pending += step

    def _settle(self, quiet_ms=600, limit_ms=20_000):
        """Wait until no request has been in flight for `quiet_ms` (fonts, MathJax parts)."""
        quiet = waited = 0
        while quiet < quiet_ms and waited < limit_ms:
            self.page.wait_for_timeout(100)
            waited += 100
            quiet = quiet + 100 if self.pending == 0 else 0

    def _block(self, route):
        if route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_offline(browser, server, page):
    v = Visit(browser, f"{server}/{page}.html")
    assert v.blocked == [], "the page asked the network for these"
    assert v.failed == [], "these local requests failed"
    assert v.errors == [], "console errors"
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


def test_colab_button_points_at_the_notebook_on_main(browser, server):
    repo = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    v = Visit(browser, f"{server}/{CHAPTER}.html")
    hrefs = v.page.eval_on_selector_all(
        "a[href*='colab.research.google.com']", "els => els.map(e => e.href)"
    )
    org_repo = urlparse(repo["url"]).path.strip("/")
    assert hrefs == [
        f"https://colab.research.google.com/github/{org_repo}/blob/main/{CHAPTER}.ipynb"
    ]
