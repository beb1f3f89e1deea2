"""ipywidgets on the static site: the book's own configuration, on a one-page book made here.

No chapter needs a live ipywidget yet besides tqdm's progress bars, so this builds a page with a
slider linked to a text box in the browser (``jslink``) and checks, offline, that the widgets
manager served by the site draws them and that moving the slider updates the box with no kernel.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from browser import Visit, serve
from conftest import ROOT

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
