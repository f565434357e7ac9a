"""``polyloop campaign run``: bad input ends with a clear message and exit code 1, nothing written."""

from typer.testing import CliRunner

from polyloop.cli import app

from ..design.tiny_campaign import write_campaign

runner = CliRunner()


def test_missing_campaign_file_is_an_error(tmp_path) -> None:
    result = runner.invoke(app, ["campaign", "run", str(tmp_path / "nope.toml"), "--workdir", str(tmp_path)])
    assert result.exit_code == 1
    assert "does not exist" in result.output


def test_bad_simulation_table_is_an_error(tmp_path, pi1070) -> None:
    config = write_campaign(tmp_path, pi1070, name="bad", budget=2, batch=1, max_pending=1, kind="inline")
    config.write_text(config.read_text().replace('properties = ["density"]', 'properties = ["compressibility"]'))
    result = runner.invoke(app, ["campaign", "run", str(config), "--workdir", str(tmp_path / "runs")])
    assert result.exit_code == 1
    assert "not computed by the MD engine" in result.output
    assert not (tmp_path / "runs" / "bad").exists()


def test_bad_executor_table_is_an_error(tmp_path, pi1070) -> None:
    config = write_campaign(tmp_path, pi1070, name="bad-executor", budget=2, batch=1, max_pending=1)
    config.write_text(config.read_text().replace('kind = "dask"', 'kind = "dask"\nqueue = "long"'))
    result = runner.invoke(app, ["campaign", "run", str(config), "--workdir", str(tmp_path / "runs")])
    assert result.exit_code == 1
    assert "['queue'] are not understood for kind 'dask'" in result.output
