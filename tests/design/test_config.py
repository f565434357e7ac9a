"""Campaign TOML files: the shipped example, path resolution, and an error naming file and key for each mistake."""

from importlib import resources
from pathlib import Path

import pytest

from polyloop.design.config import CampaignConfig, ConfigError
from polyloop.design.objectives import Objective, OutcomeConstraint
from polyloop.design.pool import InMemoryPool

BASE = """
[campaign]
name = "test"
[pool]
dataset = "pi1070"
[[objectives]]
property = "thermal_conductivity"
sense = "max"
"""


def test_example_campaign_parses() -> None:
    text = resources.files("polyloop.design").joinpath("example_campaign.toml").read_text()
    path = Path(str(resources.files("polyloop.design").joinpath("example_campaign.toml")))
    config = CampaignConfig.from_toml(path)
    assert config.source == text
    assert config.name == "pi1070-tc-density" and config.batch_size == 5 and config.budget == 50
    assert config.objectives == (Objective("thermal_conductivity", "max"), Objective("density", "min"))
    assert config.constraints == (OutcomeConstraint("density", upper=1200.0),)
    assert config.objective_properties() == ["thermal_conductivity", "density"]
    assert config.pool == {"dataset": "pi1070"}
    assert config.warm_start == {"dataset": "pi1070", "sample": 30, "exclude_known": True}
    assert config.acquisition_settings().shortlist == 300 and config.acquisition_settings().mc_samples == 64
    assert config.executor["kind"] == "dask" and config.simulation["preset"] == "quick"
    assert config.store_model is True


def test_defaults_and_settings() -> None:
    config = CampaignConfig.from_toml(BASE + "[surrogate]\nfit_points = 50\n")
    assert (config.batch_size, config.budget, config.seed, config.constraints) == (10, 100, 0, ())
    assert config.warm_start == {} and config.store_model is True
    settings = config.gp_settings()
    assert settings.fit_points == 50 and settings.seed == 0
    assert config.acquisition_settings().method == "auto"


def test_relative_paths_resolve_against_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "campaigns"
    folder.mkdir()
    (folder / "pool.csv").write_text("id,smiles\na,*CC*\nb,*CC(*)C\nc,*CC(*)c1ccccc1\n")
    (folder / "warm.csv").write_text("smiles,density\n*CC*,855\n*CCO*,1110\n")
    toml = folder / "c.toml"
    toml.write_text(BASE.replace('dataset = "pi1070"', 'dataset = "pool.csv"') + '[warm_start]\ncsv = "warm.csv"\n')
    monkeypatch.chdir(tmp_path)
    config = CampaignConfig.from_toml(toml)
    assert config.pool["dataset"] == str((folder / "pool.csv").resolve())
    assert config.warm_start["csv"] == str((folder / "warm.csv").resolve())
    pool = config.pool_object()
    assert isinstance(pool, InMemoryPool) and list(pool.ids) == ["a", "b", "c"]
    again = CampaignConfig.from_toml(config.source, base_dir=config.base_dir)  # how Campaign.load rebuilds it
    assert again.pool == config.pool and again.warm_start == config.warm_start


def test_pool_filter_by_class(pi1070) -> None:
    config = CampaignConfig.from_toml(BASE.replace('dataset = "pi1070"', 'dataset = "pi1070"\nclasses = ["polyimide"]'))
    pool = config.pool_object()
    assert len(pool) == int((pi1070["polymer_class"] == "polyimide").sum()) > 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t + "[extra]\nx = 1\n", "[extra]: unknown section"),
        (lambda t: t.replace('name = "test"', 'name = "test"\nbatchsize = 5'), "[campaign] batchsize: unknown key"),
        (lambda t: t.replace('name = "test"', 'name = "test"\nbatch_size = "5"'),
         "[campaign] batch_size: expected int, got str '5'"),
        (lambda t: t.replace('name = "test"', 'name = "test"\nbudget = true'), "[campaign] budget: expected int"),
        (lambda t: t.replace('name = "test"', 'name = "test"\nbudget = 0'), "[campaign] budget: must be at least 1"),
        (lambda t: t.replace('name = "test"', ""), "[campaign] name: missing"),
        (lambda t: t.replace('[pool]\ndataset = "pi1070"', ""), "[pool]: missing"),
        (lambda t: t.replace('dataset = "pi1070"', 'dataset = "pi1070"\nlibrary = "lib"'), "exactly one of"),
        (lambda t: t.replace('dataset = "pi1070"', 'dataset = "none.csv"'), "[pool] dataset: path"),
        (lambda t: t.replace('dataset = "pi1070"', 'dataset = "pi1070"\nclasses = ["polyfoo"]'),
         "unknown class(es) ['polyfoo']"),
        (lambda t: t.replace('dataset = "pi1070"', 'dataset = "pi1070"\nheavy_atoms = [3]'), "expected [min, max]"),
        (lambda t: t.replace('sense = "max"', 'sense = "maximise"'), "[[objectives]] #1: objective"),
        (lambda t: t.replace('sense = "max"', 'sense = "max"\nweight = 2'), "unknown key(s) ['weight']"),
        (lambda t: t + "".join(f'[[objectives]]\nproperty = "p{i}"\nsense = "min"\n' for i in range(4)),
         "1 to 4 objectives, got 5"),
        (lambda t: t + '[[objectives]]\nproperty = "thermal_conductivity"\nsense = "min"\n',
         "a property appears twice"),
        (lambda t: t + '[[constraints]]\nproperty = "density"\n', "[[constraints]] #1: outcome constraint"),
        (lambda t: t + "[surrogate]\nexact_max = 1\n", "[surrogate]: exact_max must be at least 2"),
        (lambda t: t + "[surrogate]\nlengthscale = 1.0\n", "[surrogate] lengthscale: unknown key"),
        (lambda t: t + "[acquisition]\nmethod = \"best\"\n", "[acquisition]: unknown acquisition method"),
        (lambda t: t + "[acquisition]\nshortlist = 2.5\n", "[acquisition] shortlist: expected int, got float"),
        (lambda t: t + "[warm_start]\nsample = 10\n", "[warm_start]: keys ['sample'] need a source"),
        (lambda t: t + '[warm_start]\ndataset = "pi1070"\ncsv = "x.csv"\n', "give one source"),
        (lambda t: t + "[executor]\nkind = \"mpi\"\n", "[executor] kind: must be one of"),
        (lambda t: t + "[executor]\nmax_pending = 0\n", "[executor] max_pending: must be at least 1"),
        (lambda t: t + "[simulation]\npreset = 3\n", "[simulation] preset: expected str, got int"),
        (lambda t: t + "[campaign\n", "not valid TOML"),
    ],
)
def test_errors_name_file_and_key(tmp_path: Path, change, message: str) -> None:
    path = tmp_path / "bad_campaign.toml"
    path.write_text(change(BASE))
    with pytest.raises(ConfigError) as caught:
        CampaignConfig.from_toml(path)
    assert message in str(caught.value)
    assert str(caught.value).startswith(str(path))


def test_open_ended_sections_keep_extra_keys() -> None:
    config = CampaignConfig.from_toml(BASE + '[executor]\nkind = "jobqueue"\nqueue = "short"\nwalltime = "01:00:00"\n')
    assert config.executor == {"kind": "jobqueue", "queue": "short", "walltime": "01:00:00"}


def test_missing_file() -> None:
    with pytest.raises(ConfigError, match="campaign file 'nowhere.toml' does not exist"):
        CampaignConfig.from_toml("nowhere.toml")
