"""Test data: a small MD-labelled campaign on the `tiny` preset.

The pool is the 40 PI1070 polymers with the shortest SMILES; the warm start is a seeded 200 of the other PI1070
polymers' densities (so the pool's labels are unknown to the campaign); the objective is density:max.
"""

from pathlib import Path

import pandas as pd

POOL_SIZE = 40


def write_campaign(folder: Path, pi1070: pd.DataFrame, *, name: str, budget: int, batch: int, max_pending: int,
                   kind: str = "dask", overrides: tuple[str, ...] = (), retries: int = 1,
                   pool: pd.DataFrame | None = None) -> Path:
    """Write pool.csv, warm.csv and campaign.toml into ``folder``; return the campaign file's path."""
    folder.mkdir(parents=True, exist_ok=True)
    table = pi1070.assign(length=pi1070["smiles"].str.len()).sort_values(["length", "id"], kind="stable")
    chosen = table.head(POOL_SIZE) if pool is None else pool
    chosen[["id", "smiles"]].to_csv(folder / "pool.csv", index=False)
    table[~table["canonical_smiles"].isin(chosen["smiles"]) & ~table["id"].isin(chosen["id"])][
        ["smiles", "density", "density_std"]].to_csv(folder / "warm.csv", index=False)
    listed = ", ".join(f'"{o}"' for o in overrides)
    path = folder / "campaign.toml"
    path.write_text(f"""
[campaign]
name = "{name}"
seed = 0
batch_size = {batch}
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
overrides = [{listed}]
properties = ["density"]

[executor]
kind = "{kind}"
max_pending = {max_pending}
retries = {retries}
threads = 1
""")
    return path
