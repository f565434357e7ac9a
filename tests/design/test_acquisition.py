"""choose_batch: settings, Choice records with predictions and reasons, a cheaper screen model."""

import numpy as np
import pytest

from polyloop.design.acquisition import AcquisitionSettings, choose_batch
from polyloop.design.objectives import Objective, ObjectiveError
from polyloop.design.pool import InMemoryPool
from polyloop.surrogate.data import load_pi1070_data
from polyloop.surrogate.multi import GPSettings, MultiPropertyGP


@pytest.fixture(scope="module")
def setting():
    data = load_pi1070_data(["thermal_conductivity", "density", "cp"])
    rows = np.arange(2, 1077, 7)[:120]
    model = MultiPropertyGP.fit(data.subset(rows[:40]), GPSettings())
    pool = InMemoryPool([f"P{i}" for i in rows], [data.smiles[i] for i in rows], data.packed[rows])
    return model, pool, rows


def test_settings_from_dict_and_errors():
    settings = AcquisitionSettings.from_dict({"method": "thompson", "shortlist": 500, "kappa": 1.0})
    assert (settings.method, settings.shortlist, settings.kappa) == ("thompson", 500, 1.0)
    assert AcquisitionSettings().resolved(1) == ("qlognei", "auto")
    assert AcquisitionSettings().resolved(3) == ("qlognehvi", "auto")
    assert AcquisitionSettings(method="greedy").resolved(1) == ("greedy", "mean")
    with pytest.raises(ValueError, match="unknown acquisition setting"):
        AcquisitionSettings.from_dict({"methd": "auto"})
    with pytest.raises(ValueError, match="unknown acquisition method 'ei'"):
        AcquisitionSettings(method="ei")
    with pytest.raises(ValueError, match="shortlist must be at least 1"):
        AcquisitionSettings(shortlist=0)


def test_choices_carry_predictions_and_reasons(setting):
    model, pool, rows = setting
    choices = choose_batch(model, pool, [Objective.parse("thermal_conductivity:max")], [], 3,
                           exclude=set(pool.ids[:40]), settings=AcquisitionSettings(shortlist=30, mc_samples=16))
    assert len(choices) == 3
    mean, var = model.predict(load_pi1070_data(["density"]).packed[[rows[list(pool.ids).index(c.id)]
                                                                      for c in choices]])
    for k, choice in enumerate(choices):
        assert set(choice.mean) == set(choice.std) == {"thermal_conductivity", "density", "cp"}
        assert choice.mean["thermal_conductivity"] == pytest.approx(mean[k, 0])
        assert choice.std["density"] == pytest.approx(np.sqrt(var[k, 1]))
        assert choice.reason.startswith("qLogNEI") and "shortlisted by LogEI from 80 screened" in choice.reason
        assert choice.smiles == pool.smiles[list(pool.ids).index(choice.id)]


def test_a_landmark_screen_model_and_unknown_properties(setting):
    model, pool, _ = setting
    cheap = MultiPropertyGP.fit(model.data, GPSettings(exact_max=10, n_landmarks=20))
    assert cheap.mode == "landmarks"
    choices = choose_batch(model, pool, [Objective.parse("cp:min")], [], 4, exclude=set(pool.ids[:40]),
                           settings=AcquisitionSettings(shortlist=20, mc_samples=16), screen_model=cheap)
    assert len({c.id for c in choices}) == 4
    with pytest.raises(ObjectiveError, match="does not model \\['refractive_index'\\]"):
        choose_batch(model, pool, [Objective.parse("refractive_index:max")], [], 2)
    with pytest.raises(ValueError, match="q must be at least 1"):
        choose_batch(model, pool, [Objective.parse("cp:max")], [], 0)
