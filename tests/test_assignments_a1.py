"""Assignment a1_count_vectors as students get it: the instructor's version runs top to bottom."""

import re

import nbclient
import nbformat
from conftest import ROOT

A1 = ROOT / "assignments" / "source" / "a1_count_vectors" / "a1_count_vectors.ipynb"
NUMBERS = {"zero", "one", "two", "four", "five", "six", "seven", "eight", "nine", "ten"}


def test_a1_solution_builds_word_vectors_with_the_students_functions(tmp_path):
    nb = nbformat.read(A1, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    for part in range(1, 6):
        assert f"Part {part}: the visible checks pass." in text
    found = re.search(r"([\d,]+) tokens, ([\d,]+) distinct words; vocabulary: ([\d,]+) words", text)
    tokens, distinct, vocabulary = (int(g.replace(",", "")) for g in found.groups())
    assert tokens <= 300_000 and vocabulary == min(1_000, distinct) and distinct < tokens
    assert f"M: ({vocabulary}, {vocabulary})" in text and f"vectors: ({vocabulary}, 50)" in text
    plots = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert plots, "the plot of the chosen words is missing"
    three = re.search(r"three: (.*)", text).group(1).split(", ")
    assert len(three) == 5 and len(NUMBERS & set(three)) >= 3, f"neighbours of 'three': {three}"
