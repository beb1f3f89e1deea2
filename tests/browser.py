"""Headless Chromium for the site tests, with every non-local request blocked.

Needs Debian's chromium (`apt-get install chromium`); set CHROMIUM to use another binary.
Without a browser the site tests skip, unless DLNLP_REQUIRE_BROWSER=1 (as in CI): then they fail.
"""

import contextlib
import functools
import http.server
import os
import re
import shutil
import threading

import pytest

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


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(directory):
    """Serve ``directory`` on 127.0.0.1; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="session")
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

    def broken_fonts(self):
        """Load every @font-face the page declares, used or not; return those that fail.

        Browsers fetch a font only when some glyph needs it, so a page can look fine while its
        stylesheets point at fonts that are not there; this makes the check independent of that.
        """
        broken = self.page.evaluate(
            """async () => {
                const faces = [...document.fonts];
                await Promise.allSettled(faces.map(f => f.load()));
                return faces.filter(f => f.status === 'error').map(f => f.family);
            }"""
        )
        self._settle()
        return sorted(set(broken))

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
