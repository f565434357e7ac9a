"""Wall times of the MD-labelled loop on this machine: one `tiny` labelling job in-process, the start of a Dask
LocalCluster, and a whole `polyloop campaign run` (budget 4, 2 jobs in flight, tiny preset, density:max over 40 PI1070
polymers with 200 other PI1070 densities as the warm start), with the loop's own overhead (suggest + bookkeeping).

    .venv/bin/python benchmarks/campaign_run.py [--budget 4] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from _report import report


def _campaign(folder: Path, budget: int, workers: int) -> Path:
    from polyloop.library.datasets import load_pi1070

    table = load_pi1070()
    table = table.assign(length=table["smiles"].str.len()).sort_values(["length", "id"], kind="stable")
    table.head(40)[["id", "smiles"]].to_csv(folder / "pool.csv", index=False)
    table.iloc[40:][["smiles", "density", "density_std"]].to_csv(folder / "warm.csv", index=False)
    path = folder / "campaign.toml"
    path.write_text(f"""
[campaign]
name = "bench"
batch_size = {workers}
budget = {budget}
[pool]
dataset = "pool.csv"
[[objectives]]
property = "density"
sense = "max"
[warm_start]
csv = "warm.csv"
sample = 200
[acquisition]
shortlist = 40
mc_samples = 32
[simulation]
preset = "tiny"
properties = ["density"]
[executor]
kind = "dask"
max_pending = {workers}
retries = 1
threads = 1
""")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    from polyloop.design.executors import DaskExecutor
    from polyloop.design.labelling import LabelJob, run_label_job
    from polyloop.design.loop import run_campaign

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        start = time.perf_counter()
        result = run_label_job(LabelJob("PI2", "*CC(*)C", "tiny", (), ("density",), str(folder / "one"), 1))
        job_s = time.perf_counter() - start
        start = time.perf_counter()
        DaskExecutor(max_pending=args.workers).close()
        cluster_s = time.perf_counter() - start
        config = _campaign(folder, args.budget, args.workers)
        start = time.perf_counter()
        status = run_campaign(config, f"sqlite:///{folder / 'bench.db'}", workdir=folder / "runs", progress=False,
                              poll_s=0.5)
        campaign_s = time.perf_counter() - start
        md_s = sum(json.loads(p.read_text())["wall_s"] for p in (folder / "runs" / "bench").glob("*/result.json"))
        start = time.perf_counter()
        run_campaign(config, f"sqlite:///{folder / 'bench.db'}", workdir=folder / "runs", progress=False)
        finished_s = time.perf_counter() - start
    report("campaign_run", {
        "cpu_count": os.cpu_count(), "load_average_1min": round(os.getloadavg()[0], 2),
        "tiny_job_inline_s": round(job_s, 2), "tiny_job_md_wall_s": result["wall_s"],
        "dask_localcluster_start_close_s": round(cluster_s, 2), "workers": args.workers, "budget": args.budget,
        "campaign_wall_s": round(campaign_s, 1), "campaign_md_wall_s_sum": round(md_s, 1),
        "campaign_rounds": status["rounds"], "campaign_labelled": status["n_observed"],
        "rerun_finished_campaign_s": round(finished_s, 2),
    })


if __name__ == "__main__":
    main()
