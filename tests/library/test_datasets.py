"""The bundled PI1070 dataset."""

from importlib import resources

import pytest

from polyloop.library.datasets import pi1070_properties


def test_shape_and_columns(pi1070) -> None:
    assert len(pi1070) == 1077
    assert {"id", "smiles", "canonical_smiles", "polymer_class", "polymer_class_id"} <= set(pi1070.columns)
    for name in pi1070_properties():
        assert {name, f"{name}_std", f"{name}_count"} <= set(pi1070.columns)
    assert len(pi1070_properties()) == 15


def test_first_row_is_polyethylene_in_si_units(pi1070) -> None:
    row = pi1070.iloc[0]
    assert (row["id"], row["smiles"], row["canonical_smiles"], row["polymer_class"]) == (
        "PI1", "*CC*", "*C*", "polyolefin")
    assert row["density"] == pytest.approx(837.97, abs=0.01)  # 0.83797 g/cm^3 in the source, now kg/m^3
    assert 1e-9 < row["radius_of_gyration"] < 1e-8  # angstrom in the source, now metres


def test_physical_ranges(pi1070) -> None:
    assert pi1070["density"].between(700, 2000).all()
    assert pi1070["refractive_index"].dropna().between(1.2, 1.9).all()
    assert pi1070["thermal_conductivity"].dropna().between(0.05, 1.0).all()
    product = (pi1070["bulk_modulus"] * pi1070["compressibility"]).dropna()  # K = 1/beta for each polymer
    assert len(product) >= 1070 and (abs(product - 1.0) < 0.15).mean() > 0.95
    assert abs(product.median() - 1.0) < 0.02


def test_units_are_documented() -> None:
    info = pi1070_properties()
    assert info["density"].unit == "kg/m^3" and info["thermal_conductivity"].unit == "W/(m K)"
    assert all(p.description for p in info.values())


def test_licence_travels_with_the_data() -> None:
    licence = resources.files("polyloop.library.data").joinpath("PI1070.LICENSE").read_text()
    assert "BSD" in licence or "Redistribution" in licence


def test_returns_a_copy(pi1070) -> None:
    from polyloop.library.datasets import load_pi1070

    first = load_pi1070()
    first.loc[0, "density"] = -1.0
    assert load_pi1070().loc[0, "density"] == pytest.approx(837.97, abs=0.01)
