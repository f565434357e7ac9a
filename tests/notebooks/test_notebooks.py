"""The notebooks in ``notebooks/`` run top to bottom on their small default data (nbclient, the ``python3`` kernel of
this interpreter), their results are checked against independent computations, and they are committed without
outputs."""

import json
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
NAMES = ["pareto_explorer", "library_screening", "pi1070_tour"]


class ThisInterpreter(KernelSpecManager):
    """Every kernel name means ipykernel on the interpreter running the tests, so that a ``python3`` kernelspec
    registered elsewhere (e.g. ``~/.local/share/jupyter``, for another Python) is never picked up."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        return KernelSpec(argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                          display_name="polyloop tests", language="python", name=kernel_name)


def execute(name: str, tmp_path: Path) -> nbformat.NotebookNode:
    """Run ``notebooks/<name>.ipynb`` in a fresh kernel of this interpreter with ``tmp_path`` as the working folder
    (no kernelspec installation and no environment variable needed)."""
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    manager = KernelManager(kernel_name="python3", kernel_spec_manager=ThisInterpreter())
    NotebookClient(notebook, km=manager, timeout=300, resources={"metadata": {"path": str(tmp_path)}}).execute()
    return notebook


def summary(notebook: nbformat.NotebookNode) -> dict:
    """The JSON object the last code cell prints."""
    last = [c for c in notebook.cells if c.cell_type == "code"][-1]
    text = "".join(o.get("text", "") for o in last.outputs if o.output_type == "stream")
    return json.loads(text.strip().splitlines()[-1])


@pytest.mark.parametrize("name", NAMES)
def test_notebooks_are_committed_without_outputs(name):
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    nbformat.validate(notebook)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code and all(c.outputs == [] and c.execution_count is None for c in code)
    assert code[0].source.startswith("# Parameters")  # one parameter cell, at the top


def test_pareto_explorer(tmp_path):
    notebook = execute("pareto_explorer", tmp_path)
    result = summary(notebook)
    assert result["n_labelled"] == 6 + 2 * 4  # DEMO_INITIAL + DEMO_ROUNDS * DEMO_BATCH
    assert result["n_with_prediction"] == 8
    assert result["front"] and result["front"] == result["status_pareto"]  # same front as Campaign.status
    plot = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs
            if "application/vnd.plotly.v1+json" in o.get("data", {})]
    assert len(plot) == 1
    traces = plot[0]["data"]["application/vnd.plotly.v1+json"]["data"]
    front = next(t for t in traces if t.get("name") == "Pareto front")
    assert len(front["x"]) == len(result["front"])
    assert all("*" in text for text in front["text"])  # hover text carries the repeat-unit SMILES


def test_library_screening(tmp_path):
    result = summary(execute("library_screening", tmp_path))
    assert result["n_candidates"] == result["n_screened"] == result["n_kept"] == 300  # LIBRARY_SIZE, all kept
    assert result["n_kept"] >= result["n_class"] >= result["n_property"] >= result["n_selected"] > 0
    # every selected candidate passes every filter of the parameter cell
    assert set(result["selected_classes"]) <= {"polyamide", "polyester", "polyether"}
    assert result["selected_min"]["thermal_conductivity"] >= 0.22
    assert result["selected_max"]["density"] <= 1250.0
    assert result["selected_max_similarity"] < 0.8


def test_pi1070_tour(tmp_path, pi1070):
    result = summary(execute("pi1070_tour", tmp_path))
    assert result["n_polymers"] == len(pi1070) == 1077
    assert result["n_classes"] == pi1070["polymer_class"].nunique()
    assert result["largest_class"] == pi1070["polymer_class"].value_counts().index[0]
    first, second = result["strongest_pair"]
    assert result["strongest_spearman"] == pytest.approx(pi1070[first].corr(pi1070[second], method="spearman"))
    assert result["best_thermal_conductivity"] == pi1070.loc[pi1070["thermal_conductivity"].idxmax(), "id"]
