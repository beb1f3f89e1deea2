"""The assignments as students get them: the instructor's version runs from top to bottom."""

import re

import nbclient
import nbformat
from conftest import ROOT

A2 = ROOT / "assignments" / "source" / "a2_word2vec" / "a2_word2vec.ipynb"
NUMBERS = {"zero", "one", "two", "four", "five", "six", "seven", "eight", "nine", "ten"}


def test_a2_solution_trains_word_vectors_with_the_students_functions(tmp_path):
    nb = nbformat.read(A2, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    for part in range(1, 7):
        assert f"Part {part}: the visible checks pass." in text
    first, last = map(float, re.search(r"last 100 steps: ([\d.]+) -> ([\d.]+)", text).groups())
    assert last < 0.8 * first, "the training loss should fall"
    three = re.search(r"three: (.*)", text).group(1).split(", ")
    assert len(NUMBERS & set(three)) >= 2, f"neighbours of 'three': {three}"
