import importlib
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"


@pytest.fixture(scope="session")
def site() -> Path:
    """The built website; `make test` builds it first (`make book`)."""
    if not (SITE / "index.html").exists():
        pytest.fail(f"no built site at {SITE}: run `make book` first (`make test` does)")
    return SITE


sys.path.insert(0, str(ROOT / "book"))  # for setup_cell


@pytest.fixture(autouse=True)
def fresh_data_state():
    """Each test sees dlnlp.data as a new process would: nothing announced, no sources yet."""
    fetch_module = importlib.import_module("dlnlp.data.fetch")
    fetch_module._announced.clear()
    fetch_module.last_source.clear()


pytest_plugins = ["browser"]  # the `browser` fixture for the site tests
