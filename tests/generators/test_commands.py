"""The ``polyloop generators`` commands."""

import json

from typer.testing import CliRunner

from polyloop.cli import app
from polyloop.library.repeat_unit import canonicalize

runner = CliRunner()


def test_sample_json():
    result = runner.invoke(app, ["generators", "sample", "--class", "polyurea", "-n", "6", "--seed", "1", "--json"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert len(records) == 6
    assert set(records[0]) == {"smiles", "canonical", "class", "polymer_class", "source", "parents"}
    assert {r["source"].split(":")[0] for r in records} == {"rule", "model"}
    assert all(r["canonical"] and r["class"] == "polyurea" for r in records)


def test_sample_bad_class():
    result = runner.invoke(app, ["generators", "sample", "--class", "polyfoo"])
    assert result.exit_code == 1
    assert "unknown polymer class" in result.output


def test_polymerize_kapton():
    result = runner.invoke(app, ["generators", "polymerize", "polyimide_diamine_dianhydride",
                                 "Nc1ccc(Oc2ccc(N)cc2)cc1", "O=C1OC(=O)c2cc3C(=O)OC(=O)c3cc12"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["class"] == "polyimide"
    assert record["canonical"] == canonicalize("*c1ccc(cc1)Oc1ccc(cc1)N1C(=O)c2cc3C(=O)N(*)C(=O)c3cc2C1=O")


def test_polymerize_list_and_errors():
    listed = runner.invoke(app, ["generators", "polymerize", "--list"])
    assert "polyester_diol_diacid\tpolyester\tstep\tdiol + diacid" in listed.output
    bad = runner.invoke(app, ["generators", "polymerize", "polyester_diol_diacid", "OCCO"])
    assert bad.exit_code == 1 and "takes 2 monomer" in bad.output
