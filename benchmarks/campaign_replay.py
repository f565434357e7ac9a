"""Benchmark: replayed campaigns on PI1070 (issue 7's "Done when" figures) with curves as PNGs.

Cases: ``single`` — max thermal_conductivity; ``two`` — max thermal_conductivity, min density. Both: 10 random
initial polymers, 10 rounds of 10 (110 evaluations, ~10 % of the pool), strategies gp / greedy / random, 30 seeds.
Usage: ``python campaign_replay.py single|two [seeds] [threads]``. Prints the figures, writes
benchmarks/results/campaign_replay_<case>.json and docs/figures/campaign_replay_<case>.png.
"""

from __future__ import annotations

import os
import sys
import time
import warnings
from pathlib import Path

import matplotlib
import torch
from _report import report  # benchmarks/ is on sys.path when a script runs
from threadpoolctl import threadpool_limits

from polyloop.design.objectives import Objective
from polyloop.design.replay import ReplaySettings, replay

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

CASES = {"single": ["thermal_conductivity:max"], "two": ["thermal_conductivity:max", "density:min"]}
FIGURES = Path(__file__).resolve().parent.parent / "docs" / "figures"
COLOURS = {"gp": "tab:blue", "thompson": "tab:purple", "greedy": "tab:orange", "random": "tab:grey"}


def plot(result: dict, case: str) -> Path:
    """Median and quartile band per strategy of top-k found and hypervolume fraction against evaluations."""
    x = result["evaluations"]
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for name, block in result["strategy"].items():
        for ax, key in zip(axes, ("topk_found", "hv_fraction"), strict=True):
            curve = block["curves"][key]
            ax.plot(x, curve["median"], color=COLOURS.get(name), label=name, marker="o", ms=3)
            ax.fill_between(x, curve["q25"], curve["q75"], color=COLOURS.get(name), alpha=0.2)
    what = "Pareto-front polymers found" if len(result["objectives"]) > 1 else f"top-{result['top_k']} (1 %) found"
    axes[0].set(xlabel="evaluations", ylabel=what, title=f"{what} (median, quartiles)")
    axes[1].set(xlabel="evaluations", ylabel="hypervolume fraction", title="hypervolume of found / of the pool")
    axes[0].legend()
    fig.suptitle(f"PI1070 replay, {', '.join(result['objectives'])}, {result['seeds']} seeds")
    fig.tight_layout()
    FIGURES.mkdir(parents=True, exist_ok=True)
    out = FIGURES / f"campaign_replay_{case}.png"
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def main(case: str = "single", seeds: int = 30, threads: int = 2) -> dict:
    """Run one case and return its figures."""
    if case not in CASES:
        raise SystemExit(f"unknown case {case!r}; choose one of {sorted(CASES)}")
    torch.set_num_threads(threads)
    warnings.filterwarnings("ignore")  # gpytorch's jitter and small-noise notices
    objectives = [Objective.parse(t) for t in CASES[case]]
    load, cpu, start = os.getloadavg()[0], time.process_time(), time.perf_counter()
    settings = ReplaySettings()  # exact GP, shortlist 500, 64 MC samples (see ReplaySettings)
    with threadpool_limits(threads):
        result = replay("pi1070", objectives, init=10, batch=10, rounds=10, seeds=seeds,
                        strategies=("gp", "greedy", "random"), settings=settings, progress=print)
    result["wall_s_total"] = round(time.perf_counter() - start, 1)
    result["cpu_s_total"] = round(time.process_time() - cpu, 1)
    result["load_average_1min_before"], result["load_average_1min_after"] = load, os.getloadavg()[0]
    result["figure"] = str(plot(result, case).relative_to(FIGURES.parent.parent))
    headline = {f"{name}_{key}": block[key] for name, block in result["strategy"].items()
                for key in ("topk_found_median", "hv_fraction_median", "enhancement_factor", "acceleration_factor",
                            "wall_s")}
    report(f"campaign_replay_{case}", {**headline, **result}, hide=("strategy", "settings"))
    return result


if __name__ == "__main__":
    main(*(sys.argv[1:2] or ["single"]), *(int(a) for a in sys.argv[2:4]))
