"""The demo behind ``make demo`` (``polyloop demo``): one small MD-labelled campaign from start to report.

It runs the shipped campaign ``design/demo_campaign.toml`` on embedded defaults, in four steps, all under one output
folder (default ``polyloop-demo``):

1. **Library.** ``polyloop.library.build.build_library`` generates 3,000 candidate repeat units of the five classes
   named in the campaign file (polyamides, polyesters, polyethers, polycarbonates, polyvinyls) into ``OUT/library``
   (about 15 s on 2 cores).
2. **Campaign file.** The shipped file is copied to ``OUT/demo_campaign.toml`` with the command-line options written
   in (``--preset``, ``--batch``, ``--iterations``, ``--workers``). Its library path is relative to that copy.
3. **Campaign.** :func:`polyloop.design.loop.run_campaign` maximises thermal conductivity and minimises density
   (density ≤ 1.2 g/cm³), warm-started on the 1,077 PI1070 polymers, over the library. Campaign state and the
   property database share one SQLite file (``OUT/polyloop.db``). The MD jobs run on a Dask ``LocalCluster`` of two
   workers, one OpenMP thread each, with the ``quick`` preset: 4 chains of ~500 atoms, ~66 ps of NPT and 15 ps of
   reverse NEMD. The budget is two batches of two polymers. Two jobs run at once, and each freed slot is refilled
   by a fresh suggestion after the surrogate is refitted on the new label. MD run folders go to ``OUT/runs``.
4. **Report.** :func:`polyloop.design.report.write_report` writes ``OUT/report/index.html`` with its PNGs (Pareto
   front, best so far, hypervolume, parity, top candidates).

How long: about 20 minutes on 2 idle cores, almost all of it the four MD runs (two waves of two runs, roughly 8–10
minutes each with one thread per run). The library takes seconds, and each surrogate fit and suggestion about ten
seconds. On a busy machine it takes longer.

Resumable: run the same command again after Ctrl-C or a crash. A finished library is reused, the campaign continues
from its database (MD runs resume from their checkpoints), and the report is rewritten. A finished demo re-run only
rewrites the report. Options that change the campaign need a new ``--out``.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from rich.console import Console

__all__ = ["DemoError", "DemoSettings", "campaign_text", "run_demo"]

TEMPLATE = "demo_campaign.toml"


class DemoError(ValueError):
    """The demo cannot run as asked (the message says which option and why)."""


@dataclass(frozen=True)
class DemoSettings:
    """Options of the demo. ``None`` keeps the value of ``design/demo_campaign.toml``.

    ``budget = batch × iterations`` MD labels. ``warm_start_sample`` takes a seeded sample of the PI1070 warm start
    (``None``: all 1,077 polymers; the tests use a few dozen).
    """

    out: Path = Path("polyloop-demo")
    preset: str | None = None
    library_size: int = 3000
    batch: int | None = None
    iterations: int = 2
    workers: int | None = None
    warm_start_sample: int | None = None
    library_seed: int = 0
    progress: bool = True

    def check(self) -> None:
        """Raise :class:`DemoError` for a size, batch, iteration or worker count below 1."""
        for name in ("library_size", "batch", "iterations", "workers", "warm_start_sample"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise DemoError(f"{name.replace('_', '-')} must be at least 1, got {value}")


def template_text() -> str:
    """The text of the shipped demo campaign file (``design/demo_campaign.toml``)."""
    return (resources.files("polyloop.design") / TEMPLATE).read_text(encoding="utf-8")


def _set_key(text: str, section: str, key: str, value: Any) -> str:
    """``text`` with ``key = value`` in the TOML table ``[section]`` (replacing the value, keeping a trailing
    comment; the key is added under the header when missing). Values are strings, integers or lists of these."""
    rendered = json.dumps(value)
    lines = text.splitlines(keepends=True)
    header = next((i for i, line in enumerate(lines) if line.strip() == f"[{section}]"), None)
    if header is None:
        raise DemoError(f"the demo campaign file has no [{section}] table")
    end = next((i for i in range(header + 1, len(lines)) if lines[i].lstrip().startswith("[")), len(lines))
    pattern = re.compile(rf"^{re.escape(key)}\s*=\s*[^#\n]*?(\s*#.*)?$")
    for i in range(header + 1, end):
        match = pattern.match(lines[i].rstrip("\n"))
        if match:
            comment = match.group(1) or ""
            lines[i] = f"{key} = {rendered}{comment}\n"
            return "".join(lines)
    lines.insert(header + 1, f"{key} = {rendered}\n")
    return "".join(lines)


def _table_value(text: str, section: str, key: str) -> Any:
    import tomllib

    return tomllib.loads(text).get(section, {}).get(key)


def campaign_text(settings: DemoSettings) -> str:
    """The demo's campaign file: the shipped one with ``settings`` written in."""
    text = template_text()
    batch = settings.batch or int(_table_value(text, "campaign", "batch_size"))
    text = _set_key(text, "campaign", "batch_size", batch)
    text = _set_key(text, "campaign", "budget", batch * settings.iterations)
    text = _set_key(text, "executor", "max_pending", batch)
    if settings.workers is not None:
        text = _set_key(text, "executor", "workers", settings.workers)
    if settings.preset is not None:
        text = _set_key(text, "simulation", "preset", settings.preset)
    if settings.warm_start_sample is not None:
        text = _set_key(text, "warm_start", "sample", settings.warm_start_sample)
    return text


def _library(settings: DemoSettings, classes: list[str], workers: int, console: Console) -> int:
    """Build the demo library at ``OUT/library`` (or reuse a finished one of the same size); its size."""
    from polyloop.commands.library import registry_generators
    from polyloop.library.build import build_library
    from polyloop.library.store import MANIFEST

    folder = settings.out / "library"
    manifest = folder / MANIFEST
    if manifest.is_file():
        stored = json.loads(manifest.read_text())
        if stored["size"] != settings.library_size or stored["classes"] != classes:
            raise DemoError(f"{folder} holds a library of {stored['size']} candidates of {stored['classes']}; "
                            f"use the same --library-size ({stored['size']}) or a new --out")
        console.print(f"library: {stored['n_candidates']:,} candidates already built in {folder}")
        return int(stored["n_candidates"])
    start = time.perf_counter()
    with console.status(f"building a library of {settings.library_size:,} candidates of {len(classes)} classes"):
        built = build_library(folder, settings.library_size, registry_generators, classes,
                              seed=settings.library_seed, workers=workers)
    console.print(f"library: {built['n_candidates']:,} candidates of {len(classes)} classes built in "
                  f"{time.perf_counter() - start:.0f} s ({folder})")
    return int(built["n_candidates"])


def _write_campaign_file(path: Path, text: str) -> None:
    """Write the campaign file, or check that an earlier run of this folder wrote the same one."""
    if path.is_file() and path.read_text(encoding="utf-8") != text:
        raise DemoError(f"{path} was written with other options (preset, batch, iterations, workers); run the demo "
                        "again with the same options to resume it, or choose a new --out")
    path.write_text(text, encoding="utf-8")


def run_demo(settings: DemoSettings | None = None, console: Console | None = None) -> dict[str, Any]:
    """Run (or resume) the demo of the module docstring; return its figures.

    Keys: ``n_library`` (candidates), ``campaign_file``, ``db`` (SQLAlchemy URL), ``status``
    (:meth:`~polyloop.design.campaign.Campaign.status`), ``report`` (path of ``index.html``), ``wall_s``.
    Raises :class:`DemoError` for bad options, and the loop's errors as they are.
    """
    from polyloop.design.campaign import Campaign
    from polyloop.design.config import CampaignConfig
    from polyloop.design.loop import run_campaign
    from polyloop.design.report import write_report

    settings = settings or DemoSettings()
    settings.check()
    console = console or Console()
    start = time.perf_counter()
    out = settings.out
    out.mkdir(parents=True, exist_ok=True)
    text = campaign_text(settings)
    classes = list(_table_value(text, "pool", "classes"))
    workers = int(_table_value(text, "executor", "workers"))

    console.rule("polyloop demo")
    n_library = _library(settings, classes, workers, console)
    campaign_file = out / TEMPLATE
    _write_campaign_file(campaign_file, text)
    config = CampaignConfig.from_toml(campaign_file)
    url = f"sqlite:///{(out / 'polyloop.db').resolve()}"
    preset = config.simulation.get("preset", "quick")
    console.print(f"campaign {config.name!r}: {', '.join(str(o) for o in config.objectives)}; "
                  f"{', '.join(str(c) for c in config.constraints)}")
    console.print(f"budget {config.budget} MD labels ({preset!r} preset), {config.executor['max_pending']} in flight "
                  f"on {workers} Dask workers, {config.executor.get('threads', 0)} thread(s) each; "
                  f"state in {url}")
    status = run_campaign(campaign_file, url, workdir=out / "runs", progress=settings.progress)

    report = write_report(Campaign.load(url, config.name), out / "report")
    wall = time.perf_counter() - start
    console.print(f"{status['n_observed']} labelled, {status['n_failed']} failed, {status['n_pending']} pending "
                  f"in {wall / 60:.1f} min")
    console.print(f"report: {report.resolve()}")
    return {"n_library": n_library, "campaign_file": str(campaign_file), "db": url, "status": status,
            "report": str(report), "wall_s": wall}
