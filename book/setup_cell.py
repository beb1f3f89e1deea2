"""The first cell of every chapter: install the course library on Colab, nothing elsewhere.

The repository URL and the ref come from ``_config.yml`` (``repository.url`` and
``repository.branch``), the one place they are set.  Run ``python book/setup_cell.py`` after
changing them (or adding a chapter) to rewrite the first cell of every notebook in ``book/``;
``tests/test_book.py`` fails while any notebook disagrees.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
TAG = "colab-setup"


def source(config: Path = ROOT / "_config.yml") -> str:
    """The setup cell's code, built from ``_config.yml``."""
    repo = yaml.safe_load(config.read_text())["repository"]
    spec = f"dlnlp @ git+{repo['url']}@{repo['branch']}"
    return (
        "# On Google Colab, install the course library; anywhere else it is already installed.\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        f'    %pip install --quiet "{spec}"'
    )


def cell() -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(source(), metadata={"tags": [TAG, "hide-cell"]})


def chapters() -> list[Path]:
    return sorted((ROOT / "book").rglob("*.ipynb"))


def sync(path: Path) -> bool:
    """Make the notebook's first cell the setup cell; True if the file changed."""
    nb = nbformat.read(path, as_version=4)
    has_setup = bool(nb.cells) and TAG in nb.cells[0].get("metadata", {}).get("tags", [])
    if has_setup and nb.cells[0].source == source():
        return False
    new = cell()
    if has_setup:
        new.id = nb.cells[0].id
        nb.cells[0] = new
    else:
        nb.cells.insert(0, new)
    nbformat.write(nb, path)
    return True


if __name__ == "__main__":
    changed = [p for p in chapters() if sync(p)]
    print("\n".join(f"rewrote {p.relative_to(ROOT)}" for p in changed) or "all setup cells agree")
    sys.exit(0)
