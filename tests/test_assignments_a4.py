"""Assignment a4_backprop as students get it: the instructor's version runs from top to bottom,
its gradient check passes, and training on CoNLL-2003 lowers the loss and beats the majority
baseline."""

import re

import nbclient
import nbformat
from conftest import ROOT

A4 = ROOT / "assignments" / "source" / "a4_backprop" / "a4_backprop.ipynb"


def test_a4_solution_trains_the_window_classifier_with_the_students_functions(
    tmp_path, monkeypatch
):
    # one BLAS thread: the batches are small, and threads only fight on a busy machine
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.setenv(var, "1")
    nb = nbformat.read(A4, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    for part in range(1, 8):
        assert f"Part {part}: the visible checks pass." in text
    checked = re.findall(r"dJ/d(\w): max relative error (\S+) (.*)", text)
    assert [name for name, _, _ in checked] == ["L", "W", "b", "U", "c"], text
    assert all(float(error) < 1e-6 and verdict == "ok" for _, error, verdict in checked), checked
    first, last = map(
        float, re.search(r"first and last epoch: ([\d.]+) -> ([\d.]+)", text).groups()
    )
    assert last < 0.5 * first, f"the training loss should fall: {first} -> {last}"
    accuracy, baseline = map(
        float, re.search(r"accuracy: ([\d.]+) \(always O: ([\d.]+)\)", text).groups()
    )
    assert accuracy > baseline + 0.05, (accuracy, baseline)
    f1 = float(re.search(r"F1 ([\d.]+)", text).group(1))
    assert f1 > 0.5, f1
    plots = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert plots, "the loss plot is missing"
