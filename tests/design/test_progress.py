"""The live display of a running campaign: what the table shows for a status, and the event log."""

from io import StringIO

from rich.console import Console

from polyloop.design.progress import LoopProgress, status_table

STATUS = {"name": "c", "objectives": ["thermal_conductivity:max", "density:min"], "n_observed": 5, "n_pending": 3,
          "n_failed": 1, "budget": 12, "remaining_budget": 4, "rounds": 3,
          "best": {"thermal_conductivity": {"id": "PI7", "smiles": "*CC*", "value": 0.41234, "sense": "max"},
                   "density": None},
          "pareto": ["PI7", "PI9"]}


def _text(renderable) -> str:
    console = Console(file=StringIO(), width=120, record=True)
    console.print(renderable)
    return console.export_text()


def test_status_table_shows_counts_best_values_and_front() -> None:
    text = _text(status_table("c", STATUS, running=2, elapsed_s=65.0))
    assert "round" in text and " 3 " in text
    assert "5 labelled of 12 (4 left to suggest)" in text
    assert "2 running, 1 pending, 5 done, 1 failed" in text
    assert "best thermal_conductivity (max)" in text and "0.4123 (PI7, *CC*)" in text
    assert "best density (?)" in text and "—" in text
    assert "Pareto front" in text and "2 candidate(s)" in text
    assert "65 s" in text


def test_single_objective_table_has_no_front_row() -> None:
    one = {**STATUS, "objectives": ["density:max"], "best": {"density": None}}
    assert "Pareto front" not in _text(status_table("c", one, running=0, elapsed_s=1.0))


def test_events_are_kept_and_printed_only_when_enabled() -> None:
    out = StringIO()
    with LoopProgress("c", enabled=True, console=Console(file=out, width=120)) as shown:
        shown.event("PI7: density=1000")
        shown.update(STATUS, running=1)
    with LoopProgress("c", enabled=False, console=Console(file=StringIO())) as silent:
        silent.event("PI8 failed")
    assert shown.events == ["PI7: density=1000"] and "PI7: density=1000" in out.getvalue()
    assert silent.events == ["PI8 failed"]
