"""Assignment a5_lstm as students get it: the instructor's version runs from top to bottom."""

import re

import nbclient
import nbformat
from conftest import ROOT

A5 = ROOT / "assignments" / "source" / "a5_lstm" / "a5_lstm.ipynb"


def test_a5_solution_trains_a_character_lstm_with_the_students_functions(tmp_path):
    nb = nbformat.read(A5, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    for part in range(1, 6):
        assert f"Part {part}: the visible checks pass." in text
    unigram = float(re.search(r"ignoring the context costs ([\d.]+) nats", text).group(1))
    found = re.search(r"first and last 20 steps: ([\d.]+) -> ([\d.]+)", text)
    first, last = map(float, found.groups())
    assert last < 0.8 * first, f"the training loss should fall: {first} -> {last}"
    assert last < unigram - 0.3, f"the LSTM should use the context: {last} vs {unigram}"
    plots = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert plots, "the loss plot is missing"
    sample = text.strip().splitlines()[-1]
    assert sample.startswith("the ") and len(sample) == 154 and " the " in sample, sample
