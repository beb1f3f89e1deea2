"""Assignment a3_glove as students get it: the instructor's version runs from top to bottom."""

import re

import nbclient
import nbformat
from conftest import ROOT

A3 = ROOT / "assignments" / "source" / "a3_glove" / "a3_glove.ipynb"
NUMBERS = {"zero", "one", "two", "four", "five", "six", "seven", "eight", "nine", "ten"}


def test_a3_solution_trains_glove_with_the_students_functions(tmp_path):
    nb = nbformat.read(A3, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    for part in range(1, 5):
        assert f"Part {part}: the visible checks pass." in text
    found = re.search(r"first and last epoch: ([\d.]+) -> ([\d.]+)", text)
    first, last = map(float, found.groups())
    assert last < 0.5 * first, f"the training loss should fall: {first} -> {last}"
    plots = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert plots, "the loss plot is missing"
    three = re.search(r"three: (.*)", text).group(1).split(", ")
    assert len(NUMBERS & set(three)) >= 3, f"neighbours of 'three': {three}"
