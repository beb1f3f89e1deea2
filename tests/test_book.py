"""The book's sources and the executed build agree with each other and with _config.yml."""

import re
import shutil

import nbformat
import setup_cell
import yaml
from conftest import ROOT


def toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [c["file"] for c in part["chapters"]]
    return files


def test_toc_and_chapters_agree():
    files = toc_files()
    for f in files:
        assert any((ROOT / f).with_suffix(s).exists() for s in (".md", ".ipynb")), f
    listed = {f for f in files}
    for nb in setup_cell.chapters():
        assert str(nb.relative_to(ROOT).with_suffix("")) in listed, f"{nb} is not in _toc.yml"


def test_notebooks_are_committed_without_outputs():
    for path in setup_cell.chapters():
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, path


def test_first_cell_installs_the_configured_ref(tmp_path):
    config = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    for path in setup_cell.chapters():
        copy = tmp_path / path.name
        shutil.copy(path, copy)
        assert not setup_cell.sync(copy), f"{path}: run `python book/setup_cell.py`"
        first = nbformat.read(path, as_version=4).cells[0].source
        assert f"dlnlp @ git+{config['url']}@{config['branch']}" in first
        assert 'if "google.colab" in sys.modules:' in first
    # and the rewrite works: a notebook without the cell gets it, with the configured ref
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    nbformat.write(nb, tmp_path / "new.ipynb")
    assert setup_cell.sync(tmp_path / "new.ipynb")
    cells = nbformat.read(tmp_path / "new.ipynb", as_version=4).cells
    assert cells[0].source == setup_cell.source() and cells[1].source == "x = 1"


def test_every_chapter_was_executed_into_the_site(site):
    for path in setup_cell.chapters():
        page = site / path.relative_to(ROOT).with_suffix(".html")
        html = page.read_text()
        nb = nbformat.read(path, as_version=4)
        code_cells = [c for c in nb.cells if c.cell_type == "code"]
        outputs = len(re.findall(r'class="cell_output', html))
        assert outputs >= len(code_cells) // 2, f"{page} shows {outputs} outputs"
        assert (
            "Traceback" not in html
            and "Error" not in re.sub(r"<[^>]+>", "", html).split("Exercises")[0]
        ), page


COLAB = re.compile(r"https://colab\.research\.google\.com/github/([^/\s]+/[^/\s]+)/blob/([^/\s]+)/([\w./-]+?\.ipynb)")


def test_every_assignment_is_opened_in_colab_from_a_chapter():
    """Each released assignment has a Colab button in a chapter, at the configured repository."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    linked = set()
    for path in setup_cell.chapters():
        for repo, branch, target in COLAB.findall(path.read_text()):
            assert (repo, branch) == (config["url"].removeprefix("https://github.com/"),
                                      config["branch"]), path  # fmt: skip
            assert (ROOT / target).is_file(), f"{path} opens {target}, which is not committed"
            linked.add(target)
    assignments = sorted((ROOT / "assignments" / "source").iterdir())
    expected = {f"assignments/release/{a.name}/{a.name}.ipynb" for a in assignments}
    assert expected <= linked, f"no chapter opens {sorted(expected - linked)} in Colab"


def test_assignments_open_their_chapters_in_colab():
    """An assignment's links to the book work wherever the student opened it (Colab, a
    download): each is a Colab link to a chapter of the book at the configured repository."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    chapters = {str(p.relative_to(ROOT)) for p in setup_cell.chapters()}
    for path in sorted((ROOT / "assignments").glob("*/*/*.ipynb")):
        text = path.read_text()
        assert "](../" not in text, f"{path}: a relative link breaks outside the checkout"
        links = COLAB.findall(text)
        assert links, f"{path} links no chapter"
        for repo, branch, target in links:
            assert (repo, branch) == (config["url"].removeprefix("https://github.com/"),
                                      config["branch"]), path  # fmt: skip
            assert target in chapters, f"{path} links {target}, which is not a chapter"


def test_assignment_downloads_are_in_the_site(site):
    found = set()
    for path in setup_cell.chapters():
        html = site / path.relative_to(ROOT).with_suffix(".html")
        for href in re.findall(r'href="([^"]*_downloads/[^"]*\.ipynb)"', html.read_text()):
            assert (html.parent / href).resolve().is_file(), f"{html}: broken link {href}"
            found.add(href.rsplit("/", 1)[1])
    assignments = {f"{a.name}.ipynb" for a in (ROOT / "assignments" / "source").iterdir()}
    assert found == assignments, f"download links for {sorted(assignments ^ found)}"
