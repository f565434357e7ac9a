"""Property names and unit conversions of the property database (``data/property_names.toml``)."""

import pytest

from polyloop.library.database import PropertyDatabaseError
from polyloop.library.datasets import pi1070_properties
from polyloop.library.db_properties import canonical_name, property_specs, to_stored_unit


def test_properties_are_the_md_engines_plus_extras() -> None:
    from polyloop.simulate.protocol.runner import PROPERTY_NAMES

    specs = property_specs()
    assert tuple(name for name, spec in specs.items() if not spec.extra) == PROPERTY_NAMES
    assert [name for name, spec in specs.items() if spec.extra] == ["cp_classical", "dielectric_orientational"]


def test_pi1070_names_map_and_units_agree() -> None:
    assert canonical_name("compressibility") == "isothermal_compressibility"
    assert canonical_name("volume_expansion") == "volumetric_expansion"
    assert canonical_name("static_dielectric_constant") == "dielectric_constant"
    for name, info in pi1070_properties().items():  # every PI1070 property is stored in PI1070's own SI unit
        assert property_specs()[canonical_name(name)].unit == info.unit, name


@pytest.mark.parametrize("name, value, unit, expected", [
    ("density", 1.05, "g/cm^3", 1050.0),
    ("radius_of_gyration", 12.5, "A", 1.25e-9),
    ("cp", 1.7, "J/(g*K)", 1700.0),
    ("isothermal_compressibility", 0.4, "1/GPa", 4e-10),
    ("bulk_modulus", 2.5, "GPa", 2.5e9),
    ("thermal_conductivity", 0.2, "W/(m*K)", 0.2),
    ("density", 950.0, None, 950.0),
])
def test_conversion_to_si(name, value, unit, expected) -> None:
    converted, stderr, stored = to_stored_unit(name, value, value / 10, unit)
    assert converted == pytest.approx(expected, rel=1e-12) and stderr == pytest.approx(expected / 10, rel=1e-12)
    assert stored == property_specs()[name].unit


def test_missing_values_stay_missing() -> None:
    assert to_stored_unit("density", None, float("nan"), "g/cm^3") == (None, None, "kg/m^3")


def test_unknown_names_and_units_are_refused() -> None:
    with pytest.raises(PropertyDatabaseError, match="unknown property 'tg'"):
        canonical_name("tg")
    with pytest.raises(PropertyDatabaseError, match="unknown unit 'furlong'"):
        to_stored_unit("radius_of_gyration", 1.0, 0.1, "furlong")
    with pytest.raises(PropertyDatabaseError, match="cp is stored in 'J/\\(kg K\\)'; a value in 'GPa' \\(Pa\\)"):
        to_stored_unit("cp", 1.0, 0.1, "GPa")
