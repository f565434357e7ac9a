"""``polyloop campaign``: Bayesian-optimisation campaigns.

The group is assembled from one module per job, each adding its commands with ``register(app)``:
:mod:`~polyloop.commands.campaign_state` (init, suggest, observe, status),
:mod:`~polyloop.commands.campaign_replay` (replay against a labelled dataset),
:mod:`~polyloop.commands.campaign_run` (run the MD-labelled loop) and
:mod:`~polyloop.commands.campaign_report` (HTML report).
"""

from __future__ import annotations

import typer

from polyloop.commands import campaign_replay, campaign_report, campaign_run, campaign_state

app = typer.Typer(no_args_is_help=True, help="Bayesian-optimisation campaigns.")
for module in (campaign_state, campaign_replay, campaign_run, campaign_report):
    module.register(app)
