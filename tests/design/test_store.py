"""The campaign tables: a round trip of every table, the unique constraints, and clear errors for bad URLs."""

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from polyloop.design.store import (
    SCHEMA_VERSION,
    CampaignError,
    CampaignRow,
    Failure,
    ModelSnapshot,
    Observation,
    Suggestion,
    engine_for,
)


def _campaign(session: Session, name: str = "c") -> int:
    row = CampaignRow(name=name, config="[campaign]\nname = 'c'\n", base_dir="/tmp")
    session.add(row)
    session.flush()
    return row.id


def test_round_trip_of_every_table(database_url: str) -> None:
    engine = engine_for(database_url)
    blob = bytes(range(256)) * 40
    with Session(engine) as session, session.begin():
        cid = _campaign(session)
        session.add(Suggestion(campaign_id=cid, candidate_id="PI1", smiles="*CC*", round=1,
                               mean={"density": 912.5}, std={"density": 31.0}, acquisition=-2.5, reason="qLogNEI"))
        session.add(Observation(campaign_id=cid, candidate_id="PI1", smiles="*CC*", property="density", value=912.5,
                                stderr=None, source="md", round=1))
        session.add(Failure(campaign_id=cid, candidate_id="PI2", smiles="*CC(*)C", reason="LAMMPS lost atoms",
                            round=1))
        session.add(ModelSnapshot(campaign_id=cid, round=1, n_train=30, describe={"mode": "exact", "n_train": 30},
                                  model=blob))
    with Session(engine) as session:
        campaign = session.scalars(select(CampaignRow)).one()
        assert (campaign.name, campaign.base_dir, campaign.version) == ("c", "/tmp", SCHEMA_VERSION)
        assert campaign.created is not None
        suggestion = session.scalars(select(Suggestion)).one()
        assert suggestion.mean == {"density": 912.5} and suggestion.std == {"density": 31.0}
        assert suggestion.status == "pending" and suggestion.acquisition == -2.5
        observation = session.scalars(select(Observation)).one()
        assert (observation.property, observation.value, observation.stderr) == ("density", 912.5, None)
        assert session.scalars(select(Failure)).one().reason == "LAMMPS lost atoms"
        snapshot = session.scalars(select(ModelSnapshot)).one()
        assert snapshot.model == blob and snapshot.describe["mode"] == "exact"


@pytest.mark.parametrize("table", ["campaign", "suggestion", "observation", "failure"])
def test_unique_constraints(database_url: str, table: str) -> None:
    engine = engine_for(database_url)
    with Session(engine) as session, session.begin():
        cid = _campaign(session)
    rows = {
        "campaign": lambda: CampaignRow(name="c", config="", base_dir="."),
        "suggestion": lambda: Suggestion(campaign_id=cid, candidate_id="PI1", smiles="*CC*", round=1),
        "observation": lambda: Observation(campaign_id=cid, candidate_id="PI1", smiles="*CC*", property="density",
                                           value=1.0, round=1),
        "failure": lambda: Failure(campaign_id=cid, candidate_id="PI1", smiles="*CC*", reason="x", round=1),
    }
    if table != "campaign":  # campaign "c" exists already
        with Session(engine) as session, session.begin():
            session.add(rows[table]())
    with pytest.raises(IntegrityError), Session(engine) as session, session.begin():
        session.add(rows[table]())
    with Session(engine) as session:  # the failed transaction left the first row alone
        model = {"campaign": CampaignRow, "suggestion": Suggestion, "observation": Observation, "failure": Failure}
        assert len(session.scalars(select(model[table])).all()) == 1


def test_same_candidate_in_two_campaigns(database_url: str) -> None:
    engine = engine_for(database_url)
    with Session(engine) as session, session.begin():
        for name in ("a", "b"):
            cid = _campaign(session, name)
            session.add(Observation(campaign_id=cid, candidate_id="PI1", smiles="*CC*", property="density", value=1.0,
                                    round=0))
    with Session(engine) as session:
        assert len(session.scalars(select(Observation)).all()) == 2


def test_bad_urls() -> None:
    with pytest.raises(CampaignError, match="cannot use database URL 'not a url'"):
        engine_for("not a url")
    with pytest.raises(CampaignError, match="cannot open database 'sqlite:////nonexistent/dir/x.db'"):
        engine_for("sqlite:////nonexistent/dir/x.db")
