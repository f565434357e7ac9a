"""Benchmark: parameterise every PI1070 repeat unit with Gasteiger charges (GAFF2 types, parameters, counts).

Prints how many succeed, how many fail and why (grouped by error kind), the time per unit, and how often each
kind of fallback was needed; writes benchmarks/results/parameterize_pi1070.json.
"""

from __future__ import annotations

import time
from collections import Counter

from _report import report  # benchmarks/ is on sys.path when a script runs

from polyloop.library.datasets import load_pi1070
from polyloop.library.repeat_unit import RepeatUnit
from polyloop.simulate.errors import SimulateError
from polyloop.simulate.unit_params import parameterize_repeat_unit


def main() -> dict:
    """Run the sweep and return its figures."""
    data = load_pi1070()
    failures, fallback_kinds, times = [], Counter(), []
    for unit_id, smiles in zip(data["id"], data["canonical_smiles"]):
        start = time.perf_counter()
        try:
            result = parameterize_repeat_unit(RepeatUnit(smiles=smiles))
            fallback_kinds.update(line.split(":")[1].split()[0] for line in result.fallbacks)
            if abs(result.total_charge) > 1e-4:
                failures.append((unit_id, smiles, f"unit not neutral: {result.total_charge}"))
        except SimulateError as error:
            failures.append((unit_id, smiles, f"{type(error).__name__}: {error}"))
        times.append(time.perf_counter() - start)
    figures = {
        "n_units": len(data),
        "succeeded": len(data) - len(failures),
        "failed": len(failures),
        "failure_kinds": dict(Counter(reason.split(":")[0] for _, _, reason in failures)),
        "seconds_per_unit_mean": round(sum(times) / len(times), 4),
        "seconds_per_unit_max": round(max(times), 3),
        "fallback_kinds": dict(fallback_kinds.most_common()),
        "failures": [{"id": i, "smiles": s, "reason": r} for i, s, r in failures],
    }
    report("parameterize_pi1070", figures, hide=("failures",))
    for item in figures["failures"][:20]:
        print(f"  {item['id']}: {item['reason'][:150]}")
    return figures


if __name__ == "__main__":
    main()
