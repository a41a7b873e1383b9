"""Units at the border, profiles, the immutable Park, catalogue overrides, scenarios, locations."""

from __future__ import annotations

import dataclasses
import json
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import BASE_ROUTES, park_dict, write_park

import symbiosis
from symbiosis.park import Location, ParkError, Problem, load_park, straight_distance
from symbiosis.park import fields as F
from symbiosis.park.profiles import DAYS_IN_MONTH, HOURS, ProfileProblem, load_profile, read_values, to_hourly
from symbiosis.units import (
    HOURS_PER_YEAR,
    HYDROGEN_LHV_MWH_PER_T,
    NORMAL_DENSITY_T_PER_NM3,
    UNITS_PER_EUR,
    UnitProblem,
    parse,
)


def _supply(**fields: Any) -> dict[str, Any]:
    return {"direction": "supply", "carrier": "heat", "temperature": "90 degC",
            "target_temperature": "60 degC", "amount": "18 GWh/year", "current": "cooling_tower", **fields}


def _firms(**streams: dict[str, Any]) -> dict[str, Any]:
    return {
        "plant": {"location": {"x": "0 m", "y": "0 m"},
                  "streams": streams or {"cooling": _supply()}},
        "town": {"location": {"x": "3 km", "y": "4000 m"}, "streams": {"network": {
            "direction": "demand", "carrier": "heat", "temperature": "40 degC",
            "target_temperature": "70 degC", "amount": "10 GWh/year", "current": "gas_boiler"}}},
    }


ROUTES = {
    "landfill": {"carrier": "material", "price": "1200 NOK/t"},
    "grey_hydrogen": {"carrier": "hydrogen", "price": "35 NOK/kg", "emissions": "11 kg/kg"},
}


# --- units at the border -------------------------------------------------------------------------------


def test_annual_energy_is_a_rate_over_a_365_day_year(make_park) -> None:
    park = make_park(_firms())
    assert park.stream("plant.cooling").amount == pytest.approx(18000 / 8760, rel=1e-12)
    assert park.stream("plant.cooling").annual_amount == pytest.approx(18000, rel=1e-12)
    assert HOURS_PER_YEAR == 8760


def test_the_json_says_18_gwh_a_year_as_18000_mwh(make_park) -> None:
    """The JSON said 17999.999999999996 MWh (binary unit factors) for '18 GWh/year'."""
    result = symbiosis.optimize(make_park({"plant": _firms()["plant"]}))  # no partner: all to the tower
    assert result.routes["annual_amount"].iloc[0] == pytest.approx(18000, rel=1e-12)
    (cooling,) = json.loads(result.to_json())["routes"]
    assert cooling["annual_amount"] == 18000


def test_the_saved_csv_says_18000_mwh_too(make_park, tmp_path: Path) -> None:
    """``Result.save``'s CSVs (and the CLI's other CSVs and analysis JSON) write numbers as the
    JSON does, to 12 significant digits: the CSV said 17999.999999999996."""
    result = symbiosis.optimize(make_park({"plant": _firms()["plant"]}))
    result.save(tmp_path / "saved")
    routes = (tmp_path / "saved" / "routes.csv").read_text()
    assert ",18000.0," in routes and "17999.99" not in routes


def test_analysis_json_rounds_as_the_result_json(capsys) -> None:
    """The analysis commands' JSON (pareto, share, sweep, explain, risk) wrote 7007.999999999999
    and -0.0 where ``optimize --json`` writes 7008 and 0."""
    from symbiosis.cli.analysis_common import echo_json

    echo_json({"front": [{"emissions": 7007.999999999999, "cost": -0.0}], "n": 3, "name": "a"})
    out = capsys.readouterr().out
    assert "-0.0" not in out  # json.loads would read it as 0.0
    assert json.loads(out) == {"front": [{"emissions": 7008.0, "cost": 0.0}], "n": 3, "name": "a"}


def test_annual_mass_is_tonnes_per_hour(make_park) -> None:
    slag = {"direction": "supply", "carrier": "material", "material": "slag", "amount": "3000 t/year",
            "current": "landfill"}
    park = make_park(_firms(slag=slag), routes=ROUTES)
    assert park.stream("plant.slag").amount == pytest.approx(3000 / 8760, rel=1e-12)
    assert park.stream("plant.slag").annual_amount == pytest.approx(3000, rel=1e-12)


def test_temperatures_are_kelvin(make_park) -> None:
    park = make_park(_firms(cooling=_supply(temperature="85 degC", target_temperature="313.15 K")))
    stream = park.stream("plant.cooling")
    assert stream.temperature == pytest.approx(358.15)
    assert stream.target_temperature == pytest.approx(313.15)
    assert (stream.t_high, stream.t_low) == (stream.temperature, stream.target_temperature)


@pytest.mark.parametrize("written", ["10 K", "10 delta_degC", "10 degC"])
def test_min_approach_is_a_temperature_difference(make_park, written: str) -> None:
    park = make_park(_firms(), technologies={"hot_water_pipe": {"min_approach": written}})
    assert park.technologies["hot_water_pipe"].min_approach == pytest.approx(10)


def test_price_per_kwh_is_price_per_mwh(make_park) -> None:
    park = make_park(_firms())
    assert park.routes["gas_boiler"].price == pytest.approx(550)
    assert park.routes["gas_boiler"].emissions == pytest.approx(0.23)   # 0.23 kg/kWh = 0.23 t/MWh
    assert park.routes["gas_boiler"].temperature == pytest.approx(523.15)


def test_price_per_kg_is_price_per_tonne(make_park) -> None:
    park = make_park(_firms(), routes=ROUTES)
    assert park.routes["grey_hydrogen"].price == pytest.approx(35000)
    assert park.routes["grey_hydrogen"].emissions == pytest.approx(11)


def test_eur_price_in_a_nok_park_uses_the_default_rate(make_park) -> None:
    park = make_park(_firms(), routes={"biomass": {"carrier": "heat", "price": "40 EUR/MWh",
                                                   "temperature": "200 degC"}})
    assert park.currency == "NOK"
    assert park.routes["biomass"].price == pytest.approx(40 * UNITS_PER_EUR["NOK"])


def test_eur_price_in_a_nok_park_uses_the_parks_exchange_rate(make_park) -> None:
    park = make_park(_firms(), park={"exchange_rates": {"EUR": "11.0 NOK"}},
                     routes={"biomass": {"carrier": "heat", "price": "40 EUR/MWh", "temperature": "200 degC"},
                             "imported": {"carrier": "material", "price": "10 SEK/t"}})
    assert park.routes["biomass"].price == pytest.approx(440)
    # A rate given for EUR changes EUR only: SEK keeps the reference cross rate to the park's NOK.
    assert park.routes["imported"].price == pytest.approx(10 * UNITS_PER_EUR["NOK"] / UNITS_PER_EUR["SEK"])


def test_carbon_price_and_technology_money_in_the_park_currency(make_park) -> None:
    park = make_park(_firms(), park={"carbon_price": "90 EUR/t"},
                     technologies={"hot_water_pipe": {"investment_per_length": "9000 NOK/m"}})
    assert park.settings.carbon_price == pytest.approx(90 * UNITS_PER_EUR["NOK"])
    assert park.technologies["hot_water_pipe"].investment_per_length == pytest.approx(9_000_000)  # per km


def test_heat_capacity_rate_times_the_range(make_park) -> None:
    cooling = _supply(heat_capacity_rate="150 kW/K")
    del cooling["amount"]
    park = make_park(_firms(cooling=cooling))
    assert park.stream("plant.cooling").amount == pytest.approx(0.150 * 30)


@pytest.mark.parametrize(("written", "tonnes_per_hour"), [
    ("1200 t/year", 1200 / 8760),
    ("500 Nm3/h", 500 * NORMAL_DENSITY_T_PER_NM3["hydrogen"]),
    ("40 MW", 40 / HYDROGEN_LHV_MWH_PER_T),
    ("350 GWh/year", 350_000 / 8760 / HYDROGEN_LHV_MWH_PER_T),
])
def test_hydrogen_amount_by_mass_volume_or_power(make_park, written: str, tonnes_per_hour: float) -> None:
    hydrogen = {"direction": "demand", "carrier": "hydrogen", "amount": written, "purity": "99.9 %",
                "pressure": "30 bar", "current": "grey_hydrogen"}
    park = make_park(_firms(cooling=_supply(), hydrogen=hydrogen), routes=ROUTES)
    stream = park.stream("plant.hydrogen")
    assert stream.amount == pytest.approx(tonnes_per_hour, rel=1e-9)
    assert (stream.purity, stream.pressure) == (pytest.approx(0.999), pytest.approx(30))


@pytest.mark.parametrize("written", ["500 m3/h", "140 l/s"])
def test_a_gas_volume_not_at_normal_conditions_is_refused(make_park, written: str) -> None:
    """'500 m3/h' of hydrogen was read as normal cubic metres: at its 30 bar it is about 30
    times that much gas."""
    hydrogen = {"direction": "demand", "carrier": "hydrogen", "amount": written, "purity": "99.9 %",
                "pressure": "30 bar", "current": "grey_hydrogen"}
    problem = _refused(make_park, _firms(cooling=_supply(), hydrogen=hydrogen), routes=ROUTES)
    assert (problem.stream, problem.field) == ("hydrogen", "amount")
    assert "operating pressure" in problem.expected and "Nm3/h" in problem.hint


@pytest.mark.parametrize(("carrier", "price", "emissions", "per_tonne", "co2_per_tonne"), [
    # per normal cubic metre: divide by the normal density (hydrogen 0.08988 kg/Nm3, oxygen 1.429)
    ("hydrogen", "4.5 NOK/Nm3", "0.9 kg/Nm3", 4.5 / 0.08988e-3, 0.9e-3 / 0.08988e-3),
    ("oxygen", "1 NOK/Nm3", "0.1 kg/Nm3", 1 / 1.429e-3, 0.1e-3 / 1.429e-3),
    # hydrogen per MWh of its lower heating value: times 33.33 MWh/t
    ("hydrogen", "800 NOK/MWh", "0.33 kg/kWh", 800 * 33.33, 0.33 * 33.33),
    ("hydrogen", "35 NOK/kg", "11 kg/kg", 35_000, 11),
])
def test_gas_route_price_and_emissions_per_mass_volume_or_energy(make_park, carrier, price, emissions,
                                                                 per_tonne, co2_per_tonne) -> None:
    """A gas route's price and emissions may be written per Nm3 or (hydrogen) per MWh, as its
    amounts may (they were refused): Mo Industripark with its gas routes so written gives the
    same answer to 1e-15."""
    park = make_park(_firms(cooling=_supply()), routes={**ROUTES, "gas": {"carrier": carrier, "price": price,
                                                                            "emissions": emissions}})
    route = park.routes["gas"]
    assert route.price == pytest.approx(per_tonne, rel=1e-12)
    assert route.emissions == pytest.approx(co2_per_tonne, rel=1e-12)


def test_a_gas_price_per_volume_at_pressure_is_refused(make_park) -> None:
    problem = _refused(make_park, _firms(cooling=_supply()),
                       routes={**ROUTES, "gas": {"carrier": "hydrogen", "price": "0.4 NOK/m3"}})
    assert (problem.field, "operating pressure" in problem.expected) == ("routes.gas.price", True)
    assert "Nm3" in problem.hint


@pytest.mark.parametrize(("technology", "field", "value"), [
    # a heat pipe carries no tonnes: 1 EUR/(t*km) had been charged as 1 EUR per MWh and km
    ("hot_water_pipe", "cost_per_tonne_km", "1 EUR/(t*km)"),
    ("hot_water_pipe", "emissions_per_tonne_km", "1 kg/(t*km)"),
    ("hot_water_pipe", "efficiency", "50 %"),          # read, then ignored: a link loses loss_per_km
    ("hot_water_pipe", "carnot_efficiency", "50 %"),
    ("steam_pipe", "min_approach", "5 K"),
    ("thermal_storage", "max_distance", "2 km"),
    ("hot_water_pipe", "standing_loss", "1 %/h"),
    ("hydrogen_pipe", "purity", "99 %"),
])
def test_a_technology_field_that_does_not_apply_to_its_kind_is_refused(make_park, technology, field,
                                                                       value) -> None:
    problem = _refused(make_park, _firms(), technologies={technology: {field: value}})
    assert problem.field == f"technologies.{technology}.{field}"
    assert f"{field} only on" in problem.expected and "remove it" in problem.hint


def test_a_cost_per_tonne_km_on_a_hydrogen_trailer_is_read(make_park) -> None:
    trailer = {"carrier": "hydrogen", "kind": "link", "lifetime": "15 year",
               "cost_per_tonne_km": "5 NOK/(t*km)"}
    park = make_park(_firms(), technologies={"tube_trailer": trailer})
    assert park.technologies["tube_trailer"].cost_per_tonne_km == pytest.approx(5)


@pytest.mark.parametrize(("definition", "missing"), [
    ({"carrier": "heat", "kind": "link", "investment": "100000 EUR", "min_approach": "10 K"}, "lifetime"),
    ({"carrier": "heat", "kind": "link", "investment": "100000 EUR", "lifetime": "30 year"}, "min_approach"),
    ({"carrier": "heat", "kind": "heat_pump", "lifetime": "20 year", "min_approach": "5 K"},
     "carnot_efficiency"),
    ({"carrier": "hydrogen", "kind": "electrolyser", "lifetime": "20 year"}, "efficiency"),
])
def test_a_technology_of_the_parks_own_gives_what_no_default_stands_for(make_park, definition,
                                                                         missing) -> None:
    """A thermal-oil loop defined without a lifetime was annualised over 20 years from nowhere, and
    without a min_approach passed heat at no temperature difference."""
    problem = _refused(make_park, _firms(), technologies={"oil_loop": definition})
    assert problem.field == f"technologies.oil_loop.{missing}"
    assert "not in the shipped catalogue" in problem.expected and f"'{missing}: " in problem.hint


def test_a_steam_route_colder_than_its_demand_is_refused(make_park) -> None:
    steam = {"direction": "demand", "carrier": "steam", "temperature": "200 degC", "pressure": "10 bar",
             "amount": "5 GWh/year", "current": "low_boiler"}
    problem = _refused(make_park, _firms(cooling=_supply(), steam=steam),
                       routes={**ROUTES, "low_boiler": {"carrier": "steam", "price": "0.5 NOK/kWh",
                                                        "temperature": "120 degC"}})
    assert (problem.stream, problem.field) == ("steam", "current")
    assert "steam route at or above the demand's 200 degC" in problem.expected


def test_percent_shares(make_park) -> None:
    slag = {"direction": "supply", "carrier": "material", "material": "slag", "amount": "3000 t/year",
            "current": "landfill"}
    clinker = {"direction": "demand", "carrier": "material", "material": "clinker", "amount": "9000 t/year",
               "current": "landfill"}
    park = make_park(_firms(slag=slag, clinker=clinker), routes=ROUTES,
                     materials=[{"by_product": "slag", "replaces": "clinker", "ratio": 0.9,
                                 "max_share": "30 %"}],
                     technologies={"hot_water_pipe": {"fixed_om": 0.02, "loss_per_km": "0.5 %/km"}})
    assert park.settings.discount_rate == pytest.approx(0.07)
    (rule,) = park.materials
    assert (rule.ratio, rule.max_share) == (pytest.approx(0.9), pytest.approx(0.3))
    pipe = park.technologies["hot_water_pipe"]
    assert (pipe.fixed_om, pipe.loss_per_km) == (pytest.approx(0.02), pytest.approx(0.005))


@pytest.mark.parametrize(("written", "kind", "base"), [
    ("12 GWh/year", F.RATE[True], 12000 / 8760),
    ("3000 t/year", F.RATE[False], 3000 / 8760),
    ("85 degC", F.TEMPERATURE, 358.15),
    ("1200 m", F.LENGTH, 1.2),
    ("30 %", F.SHARE, 0.3),
    (0.3, F.SHARE, 0.3),
    ("30 bar", F.PRESSURE, 30),
    ("150 kW/K", F.HEAT_CAPACITY_RATE, 0.15),
    ("0.2 kg/kWh", F.EMISSIONS[True], 0.2),
    ("600 NOK/m", F.MONEY_PER_LENGTH, 600_000),
    ("1,5 MW", F.RATE[True], 1.5),
])
def test_parse_into_the_base_unit(written: Any, kind: Any, base: float) -> None:
    assert parse(written, kind, currency="NOK") == pytest.approx(base, rel=1e-12)


# --- profiles ------------------------------------------------------------------------------------------


def test_hourly_profile_is_scaled_to_mean_one() -> None:
    values = np.arange(1, HOURS + 1, dtype=float)
    hourly = to_hourly(values)
    assert len(hourly) == HOURS
    assert hourly.mean() == pytest.approx(1)
    assert hourly[-1] / hourly[0] == pytest.approx(HOURS)


def test_leap_year_drops_29_february() -> None:
    values = np.ones(8784)
    values[59 * 24:60 * 24] = 100.0              # 29 February: the 60th day
    values[60 * 24] = 2.0                        # 1 March, 00:00
    hourly = to_hourly(values)
    assert len(hourly) == HOURS
    assert hourly.max() == pytest.approx(2 * hourly.min())
    assert hourly[59 * 24] == pytest.approx(2 * hourly[0])   # 1 March follows 28 February


def test_daily_profile_is_held_for_24_hours() -> None:
    days = np.arange(1, 366, dtype=float)
    hourly = to_hourly(days)
    assert len(hourly) == HOURS and hourly.mean() == pytest.approx(1)
    assert np.all(hourly[24 * 10:24 * 11] == hourly[24 * 10])
    assert hourly[24 * 11] / hourly[24 * 10] == pytest.approx(12 / 11)


def test_monthly_profile_is_held_for_each_month() -> None:
    months = np.array([12.0, 11, 10, 8, 6, 4, 3, 3, 5, 7, 9, 11])
    hourly = to_hourly(months)
    assert len(hourly) == HOURS and hourly.mean() == pytest.approx(1)
    assert np.all(hourly[:31 * 24] == hourly[0])
    assert hourly[31 * 24] / hourly[0] == pytest.approx(11 / 12)   # 1 February
    assert hourly[-1] / hourly[0] == pytest.approx(11 / 12)         # 31 December


def test_daily_shape_of_24_values_repeats() -> None:
    shape = np.array([1.0] * 6 + [3.0] * 12 + [1.0] * 6)
    hourly = to_hourly(shape)
    assert len(hourly) == HOURS and hourly.mean() == pytest.approx(1)
    assert np.allclose(hourly[:24], hourly[24:48]) and np.allclose(hourly[:24], hourly[-24:])


def test_profile_file_with_a_header_and_semicolons(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("hour;value\n" + "".join(f"{h};{1 + h % 2}\n" for h in range(24)))
    hourly = load_profile(path)
    assert len(hourly) == HOURS and sum(hourly) / HOURS == pytest.approx(1)
    assert hourly[1] / hourly[0] == pytest.approx(2)



def test_a_profile_file_is_read_once_while_unchanged(tmp_path: Path, monkeypatch) -> None:
    """Streams share profile files: a 100-firm park parsed 21 files 168 times (10 s of a 14 s
    load). A file is parsed once, and again when its bytes change, whatever its time of change."""
    import os

    import symbiosis.park.profiles as profiles

    reads = []
    real = profiles.read_values
    monkeypatch.setattr(profiles, "read_values", lambda path: reads.append(path) or real(path))
    path = tmp_path / "shape.csv"
    path.write_text("\n".join(["1"] * 12 + ["3"] * 12), encoding="utf-8")
    first = load_profile(path)
    assert load_profile(path) == first and len(reads) == 1
    stamp = path.stat().st_mtime_ns
    path.write_text("\n".join(["3"] * 12 + ["1"] * 12), encoding="utf-8")  # the same size
    os.utime(path, ns=(stamp, stamp))  # and time of change (a coarse clock, a copy): the bytes tell
    second = load_profile(path)
    assert len(reads) == 2 and second[0] == pytest.approx(1.5) and first[0] == pytest.approx(0.5)
    with pytest.raises(ProfileProblem):  # a missing file is still named, not cached
        load_profile(tmp_path / "missing.csv")


def test_profile_of_a_stream_keeps_the_amount_as_its_mean(tmp_path: Path) -> None:
    rows = "\n".join(str(1 + (day % 7 < 5)) for day in range(365))
    folder = write_park(tmp_path / "park", park_dict(_firms(cooling=_supply(profile="profiles/cooling.csv"))),
                        {"profiles/cooling.csv": rows})
    stream = load_park(folder).stream("plant.cooling")
    assert stream.amount == pytest.approx(18000 / 8760)
    assert len(stream.profile) == HOURS
    assert sum(stream.profile) / HOURS == pytest.approx(1)


# --- the Park is immutable -----------------------------------------------------------------------------


def test_park_and_its_parts_are_frozen(make_park) -> None:
    park = make_park(_firms())
    with pytest.raises(dataclasses.FrozenInstanceError):
        park.settings = park.settings  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        park.settings.carbon_price = 1.0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        park.stream("plant.cooling").amount = 1.0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        park.technologies["hot_water_pipe"].lifetime = 1.0  # type: ignore[misc]


def test_a_park_changed_in_memory_is_not_taken_for_its_files(make_park, tmp_path) -> None:
    """A Park is frozen, which invites dataclasses.replace: one so changed kept the files'
    fingerprint, so its result passed for the files' and a report printed the files' carbon price
    beside an answer solved at another (an audit). Its results now record a fingerprint of their
    own, the report and analyses refuse them with the park as loaded, and its re-solves do not go to
    workers that would load the files."""
    from symbiosis.analysis import ResultMismatch, check_result
    from symbiosis.analysis.side_by_side import reloadable
    from symbiosis.report.publishing import check_same_data

    park = make_park(_firms(), park={"carbon_price": "900 NOK/t"})
    changed = dataclasses.replace(park, settings=dataclasses.replace(park.settings, carbon_price=2000.0))
    assert park.as_loaded and not changed.as_loaded
    assert park.data_fingerprint == park.fingerprint
    assert changed.data_fingerprint.startswith(f"{park.fingerprint}~")
    assert dataclasses.replace(park).data_fingerprint != changed.data_fingerprint  # of the content
    result = symbiosis.optimize(changed)
    assert result.summary["fingerprint"] == changed.data_fingerprint
    with pytest.raises(ValueError, match="its report would show the wrong settings"):
        check_same_data(result, park)
    with pytest.raises(ResultMismatch, match="solved from a Park changed in memory"):
        check_result(park, result)
    check_result(changed, result)  # its own park: accepted
    assert reloadable(park) and not reloadable(changed)
    with pytest.raises(TypeError):
        park.data_as_read["x"] = 1  # type: ignore[index]


def test_park_mappings_are_read_only(make_park) -> None:
    park = make_park(_firms())
    for mapping in (park.firms, park.routes, park.technologies, park.hubs):
        with pytest.raises(TypeError):
            mapping["new"] = None  # type: ignore[index]
    with pytest.raises(TypeError):
        del park.firms["plant"]  # type: ignore[attr-defined]
    assert isinstance(park.firms["plant"].streams, tuple)


# --- the catalogue and a park's overrides --------------------------------------------------------------


def test_catalogue_override_changes_only_that_field(make_park) -> None:
    default = make_park(_firms()).technologies
    changed = make_park(_firms(), technologies={"hot_water_pipe": {"investment_per_length": "9000 NOK/m"}})
    before = dataclasses.asdict(default["hot_water_pipe"])
    after = dataclasses.asdict(changed.technologies["hot_water_pipe"])
    assert after["investment_per_length"] == pytest.approx(9_000_000)
    assert before["investment_per_length"] != after["investment_per_length"]
    del before["investment_per_length"], after["investment_per_length"]
    assert before == after
    assert {name: t for name, t in default.items() if name != "hot_water_pipe"} == \
           {name: t for name, t in changed.technologies.items() if name != "hot_water_pipe"}


def test_catalogue_defaults_are_converted_from_eur(make_park) -> None:
    park = make_park(_firms())
    pipe = park.technologies["hot_water_pipe"]
    assert pipe.lifetime > 0 and pipe.min_approach > 0 and pipe.investment_per_length > 0
    assert pipe.carrier == "heat"


# --- scenarios and overrides ---------------------------------------------------------------------------


def _scenario_park(tmp_path: Path, scenario: str) -> Path:
    firms = _firms()
    firms["town"]["rules"] = {"exclude_partners": ["school"]}
    firms["school"] = {"location": {"x": "1 km", "y": "0 m"}, "streams": {"heating": {
        "direction": "demand", "carrier": "heat", "temperature": "40 degC", "target_temperature": "60 degC",
        "amount": "2 GWh/year", "current": "gas_boiler"}}}
    existing = [{"from": "plant.cooling", "to": "school.heating", "technology": "hot_water_pipe",
                 "capacity": "0.5 MW"}]
    data = park_dict(firms, park={"carbon_price": "900 NOK/t"}, existing=existing)
    return write_park(tmp_path / "park", data, {"scenarios/x.yaml": scenario})


def test_scenario_deep_merges_and_removes_firms(tmp_path: Path) -> None:
    folder = _scenario_park(tmp_path, """\
description: dear carbon, no school
park:
  carbon_price: 1800 NOK/t
firms:
  plant:
    streams:
      cooling:
        amount: 36 GWh/year
remove_firms: [school]
""")
    base = load_park(folder)
    park = load_park(folder, scenario="x")
    assert park.scenario == "x" and base.scenario is None
    assert park.settings.carbon_price == pytest.approx(1800)
    assert park.settings.discount_rate == base.settings.discount_rate          # merged, not replaced
    cooling = park.stream("plant.cooling")
    assert cooling.amount == pytest.approx(36000 / 8760)
    assert cooling.temperature == base.stream("plant.cooling").temperature     # kept from the park
    assert set(park.firms) == {"plant", "town"}
    assert park.firms["town"].rules.exclude_partners == frozenset()            # the removed firm is gone
    assert park.existing == ()                                                  # and its existing link
    assert park.fingerprint != base.fingerprint


def test_scenario_given_as_a_path(tmp_path: Path) -> None:
    folder = _scenario_park(tmp_path, "park: {carbon_price: 100 NOK/t}\n")
    park = load_park(folder, scenario=str(folder / "scenarios" / "x.yaml"))
    assert park.settings.carbon_price == pytest.approx(100)


def test_override_from_code(tmp_path: Path) -> None:
    folder = _scenario_park(tmp_path, "park: {}\n")
    park = load_park(folder, overrides={"park.carbon_price": "1800 NOK/t"})
    assert park.settings.carbon_price == pytest.approx(1800)
    both = load_park(folder, scenario="x", overrides={"firms.town.streams.network.amount": "20 GWh/year"})
    assert both.stream("town.network").amount == pytest.approx(20000 / 8760)


def test_load_park_accepts_the_yaml_file_itself(tmp_path: Path) -> None:
    folder = _scenario_park(tmp_path, "park: {}\n")
    assert load_park(folder / "park.yaml").name == load_park(folder).name


# --- locations and distances ---------------------------------------------------------------------------


def test_xy_locations_are_kilometres_and_euclidean(make_park) -> None:
    park = make_park(_firms())
    plant, town = park.firms["plant"].location, park.firms["town"].location
    assert (town.x, town.y) == (pytest.approx(3.0), pytest.approx(4.0))
    assert not town.is_geographic
    assert straight_distance(plant, town) == pytest.approx(5.0)


def test_one_degree_of_latitude_is_6371_pi_over_180_km() -> None:
    a, b = Location(lat=60.0, lon=10.6), Location(lat=61.0, lon=10.6)
    assert straight_distance(a, b) == pytest.approx(6371 * math.pi / 180, rel=1e-12)
    assert straight_distance(b, a) == straight_distance(a, b)
    assert straight_distance(a, a) == 0


def test_latlon_locations_are_kept_in_degrees(make_park) -> None:
    firms = _firms()
    firms["plant"]["location"] = {"lat": 60.726, "lon": 10.614}
    firms["town"]["location"] = {"lat": 60.8, "lon": 10.7}
    park = make_park(firms)
    assert park.firms["plant"].location == Location(lat=60.726, lon=10.614)
    assert 5 < straight_distance(park.firms["plant"].location, park.firms["town"].location) < 15


def test_distance_between_latlon_and_xy_is_refused() -> None:
    with pytest.raises(ValueError, match="lat/lon"):
        straight_distance(Location(lat=60.0, lon=10.0), Location(x=0.0, y=0.0))


def test_a_park_error_is_not_raised_for_a_valid_park(make_park) -> None:
    try:
        make_park(_firms())
    except ParkError as exc:  # pragma: no cover - shows the message if it ever fails
        pytest.fail(str(exc))


# --- silent wrong answers found by the loading audit ---------------------------------------------------


def _refused(make_park, *args: Any, **sections: Any) -> Problem:
    """The one problem a park with one mistake is refused for; its message says found, expected, fix."""
    with pytest.raises(ParkError) as caught:
        make_park(*args, **sections)
    problems = caught.value.problems
    assert len(problems) == 1, "\n".join(map(str, problems))
    text = str(problems[0])
    assert problems[0].found and problems[0].expected and "Fix: " in text and "Traceback" not in text
    return problems[0]


@pytest.mark.parametrize(("written", "fix"), [
    ("5,000 t/year", "write 5000 or 5.0"),
    ("-1,250 MW", "write -1250 or -1.25"),
    ("5,000e3 t/year", "write 5000 or 5.0"),
    ("1,2,3 MW", "one decimal mark"),
    ("1.5,3 MW", "one decimal mark"),
])
def test_a_comma_that_may_be_a_thousands_comma_is_refused(written: str, fix: str) -> None:
    """'5,000 t/year' was read as 5 t/year (a single comma was always a decimal comma) and '1,2,3 MW'
    as 123 MW: a comma before exactly three digits may be a Norwegian decimal comma or an English
    thousands comma, so it is refused with both readings as the fix."""
    with pytest.raises(UnitProblem) as caught:
        parse(written, F.RATE[False])
    assert fix in caught.value.hint


def test_a_thousands_comma_in_a_park_names_the_stream(make_park) -> None:
    """The ambiguous comma reaches the user as a park problem naming firm, stream and field."""
    slag = {"direction": "supply", "carrier": "material", "material": "slag", "amount": "5,000 t/year",
            "current": "landfill"}
    problem = _refused(make_park, _firms(cooling=_supply(), slag=slag), routes=ROUTES)
    assert (problem.firm, problem.stream, problem.field) == ("plant", "slag", "amount")
    assert "'5,000 t/year'" in problem.found and "write 5000 or 5.0" in problem.hint


@pytest.mark.parametrize(("written", "kind", "base"), [
    ("0,55 NOK/kWh", F.PRICE[True], 550),
    ("12,5 MW", F.RATE[True], 12.5),
    ("0,500 MW", F.RATE[True], 0.5),                 # a leading 0 is never a thousands group
    ("1,200,000 t/year", F.RATE[False], 1.2e6 / 8760),
    ("1,200.5 MW", F.RATE[True], 1200.5),
    ("1_200 MW", F.RATE[True], 1200),
])
def test_unambiguous_decimal_and_thousands_commas_are_read(written: str, kind: Any, base: float) -> None:
    """Guard: the ambiguity rule refuses only a lone comma before three digits."""
    assert parse(written, kind, currency="NOK") == pytest.approx(base, rel=1e-12)


@pytest.mark.parametrize("written", ["10 °C", "10 celsius", "10 degree_Celsius", "18 degF", "18 delta_degF",
                                     "18 degR"])
def test_min_approach_in_any_temperature_unit_is_a_difference(make_park, written: str) -> None:
    """Only the literal text 'degC' was turned into K, so '10 °C' gave a min_approach of 283.15 K and
    '18 degF' one of 265 K (points on the scale); a difference converts as a difference: 10 K."""
    park = make_park(_firms(), technologies={"hot_water_pipe": {"min_approach": written}})
    assert park.technologies["hot_water_pipe"].min_approach == pytest.approx(10, rel=1e-12)


def test_a_temperature_is_still_a_point_on_the_scale() -> None:
    """Guard: a temperature (not a difference) in degF or °C keeps its offset."""
    assert parse("212 degF", F.TEMPERATURE) == pytest.approx(373.15)
    assert parse("85 °C", F.TEMPERATURE) == pytest.approx(358.15)


def _profile(tmp_path: Path, text: str) -> tuple[float, ...]:
    path = tmp_path / "p.csv"
    path.write_text(text)
    return load_profile(path)


@pytest.mark.parametrize("header", ["", "value\n"])
def test_profile_with_decimal_commas(tmp_path: Path, header: str) -> None:
    """A one-column profile written with decimal commas ('1,5', '12,7') was split at the comma and
    only the part after it kept (1,5 became 5; 3,0 became 0): it is one column of decimal numbers."""
    hourly = _profile(tmp_path, header + "".join("1,5\n" if h % 2 else "12,7\n" for h in range(24)))
    assert hourly[1] / hourly[0] == pytest.approx(1.5 / 12.7)


def test_profile_with_decimal_commas_and_whole_numbers(tmp_path: Path) -> None:
    """A spreadsheet writes whole numbers without a comma: '2' next to '0,5' is 2 and 0.5."""
    hourly = _profile(tmp_path, "".join("2\n" if h % 2 else "0,5\n" for h in range(24)))
    assert hourly[1] / hourly[0] == pytest.approx(4)


def test_profile_with_semicolons_and_decimal_commas(tmp_path: Path) -> None:
    """'0;1,5' (as many semicolons as commas) was split at the comma and read as 5; with ';' between
    columns the comma is the decimal mark."""
    hourly = _profile(tmp_path, "".join(f"{h};{'3,0' if h % 2 else '1,5'}\n" for h in range(24)))
    assert hourly[1] / hourly[0] == pytest.approx(2)


@pytest.mark.parametrize("text", [
    "".join(f"{h},{1 + h % 2}\n" for h in range(24)),                 # an hour index, then the value
    "".join(f"{h % 24},{1 + h % 2}\n" for h in range(168)),           # the hour of each day, then the value
    "hour,value\n" + "".join(f"{h},{1 + h % 2}\n" for h in range(24)),
    "hour,value\n" + "".join(f"{h},{1 + h % 2}.0\n" for h in range(24)),
])
def test_profile_with_an_index_column_is_still_two_columns(tmp_path: Path, text: str) -> None:
    """Guard: 'a,b' rows that count rows in the first column (or under a two-column header) keep
    being an index and a value, not decimal commas."""
    hourly = _profile(tmp_path, text)
    assert hourly[1] / hourly[0] == pytest.approx(2)


@pytest.mark.parametrize(("text", "line", "says"), [
    ("value\n0.95\n1,5\n" + "1.0\n" * 21, 3, "'0.95' with a decimal point on line 2"),
    ("950\n1,200\n" + "1,100\n" * 22, 2, "1200 with a thousands comma or 1.200 with a decimal comma"),
])
def test_profile_with_an_ambiguous_comma_is_refused(tmp_path: Path, make_park, text: str, line: int,
                                                    says: str) -> None:
    """'1,5' among '0.95' rows was silently read as 5, and '1,200' next to '950' as 200; neither
    reading is the only sensible one, so the park names the file, the line and a fix."""
    with pytest.raises(ProfileProblem) as caught:
        _profile(tmp_path, text)
    assert caught.value.line == line
    problem = _refused(make_park, _firms(cooling=_supply(profile="profiles/c.csv")),
                       files={"profiles/c.csv": text})
    assert (problem.firm, problem.stream, problem.field) == ("plant", "cooling", "profile")
    assert "'profiles/c.csv'" in problem.found and f"on line {line}" in problem.found
    assert says in problem.found
    assert "';' between columns" in problem.hint and "(12.5)" in problem.hint


@pytest.mark.parametrize(("carrier", "written"), [("hydrogen", "1e30 t/year"), ("hydrogen", "1e20 MW"),
                                                  ("oxygen", "1e30 Nm3/h")])
def test_a_hydrogen_or_oxygen_amount_has_the_size_limit_of_every_amount(make_park, carrier: str,
                                                                        written: str) -> None:
    """Hydrogen and oxygen amounts were read past the size check every other amount gets, so
    '1e30 t/year' was accepted (and would wreck the solver's precision)."""
    routes = {**ROUTES, "bottled": {"carrier": "oxygen", "price": "1 NOK/kg"}}
    stream = {"direction": "demand", "carrier": carrier, "amount": written,
              "current": "grey_hydrogen" if carrier == "hydrogen" else "bottled"}
    problem = _refused(make_park, _firms(cooling=_supply(), gas=stream), routes=routes)
    assert (problem.firm, problem.stream, problem.field) == ("plant", "gas", "amount")
    assert "no park comes near" in problem.expected and "t/h" in problem.expected


@pytest.mark.parametrize(("written", "says"), [
    ("150 %", "check the number and its unit"),
    ("0.5 %/m", "per km, not per m"),
    ("100 %/km", "check the number and its unit"),
    (2, "write '2 %/km'"),
])
def test_a_loss_per_km_of_100_percent_or_more_is_refused(make_park, written: Any, says: str) -> None:
    """'150 %' or '0.5 %/m' (500 %/km) loaded and silently removed every link of the technology
    (nothing arrives); a loss per km must be below 100 %/km. A bare number is a fraction per km,
    as for every share ('discount_rate: 0.07'), so '2' is refused with '2 %/km' as the fix."""
    problem = _refused(make_park, _firms(), technologies={"hot_water_pipe": {"loss_per_km": written}})
    assert problem.field == "technologies.hot_water_pipe.loss_per_km"
    assert "below 100 %/km" in problem.expected and says in problem.hint


def test_a_hub_heat_pump_above_its_max_temperature_is_refused(make_park) -> None:
    """A hub heat pump delivering 200 -> 160 degC loaded and was built at COP 1.2, though the heat
    pump delivers at most 150 degC (as a heat-pump link is held to it)."""
    hub = {"location": {"x": "0 m", "y": "100 m"}, "technologies": ["heat_pump"],
           "collect": {"from": "10 degC", "to": "20 degC"}, "deliver": {"from": "200 degC", "to": "160 degC"}}
    problem = _refused(make_park, _firms(), hubs={"loop": hub})
    assert problem.field == "hubs.loop.deliver.from"
    assert "max_temperature (150 degC)" in problem.expected and "lower 'deliver: from:'" in problem.hint


@pytest.mark.parametrize(("collect", "deliver", "carnot", "says"), [
    # collected at 90 -> 100 degC, delivered 75 -> 55: nothing to lift (T_hi 80 degC < T_lo 85 degC)
    (("90 degC", "100 degC"), ("75 degC", "55 degC"), "50 %", "a collecting loop colder than the delivered"),
    # T_hi 145 degC = 418.15 K, T_lo -45 degC = 228.15 K: COP 0.2 x 418.15 / 190 = 0.44
    (("-40 degC", "-30 degC"), ("140 degC", "120 degC"), "20 %", "COP 0.44"),
])
def test_a_hub_heat_pump_with_nothing_to_lift_or_a_cop_of_1_or_less_is_refused(make_park, collect, deliver,
                                                                               carnot, says) -> None:
    """Both loaded without a word, the hub then left out of the candidates (an audit): a heat-pump
    link is held to a COP above 1 alike."""
    hub = {"location": {"x": "0 m", "y": "100 m"}, "technologies": ["heat_pump"],
           "collect": {"from": collect[0], "to": collect[1]},
           "deliver": {"from": deliver[0], "to": deliver[1]}}
    problem = _refused(make_park, _firms(), hubs={"loop": hub},
                       technologies={"heat_pump": {"carnot_efficiency": carnot}})
    assert problem.field == "hubs.loop.collect"
    assert says in problem.found + problem.expected


def test_an_electrolyser_giving_more_energy_than_it_takes_is_refused(make_park) -> None:
    """efficiency 80 % and heat_recovery 60 % loaded: 140 % of the electricity came out as hydrogen
    and heat (an audit). At most 20 % of heat beside 80 % of hydrogen."""
    problem = _refused(make_park, _firms(), technologies={"electrolyser": {"efficiency": "80 %",
                                                                           "heat_recovery": "60 %"}})
    assert problem.field == "technologies.electrolyser.heat_recovery"
    assert "at most 100 % of the electricity" in problem.expected
    assert "lower heat_recovery to at most 20 %" in problem.hint


def test_electrolyser_heat_colder_than_its_return_is_refused(make_park) -> None:
    """heat_temperature 30 degC with the return at 40 degC loaded, and the hub's heat was offered
    up to 40 degC (a firm's supply written so is refused: a supply cools)."""
    problem = _refused(make_park, _firms(), technologies={"electrolyser": {"heat_temperature": "30 degC"}})
    assert problem.field == "technologies.electrolyser.heat_temperature"
    assert "hotter than its return" in problem.expected


def test_a_temperature_on_hydrogen_is_refused(make_park) -> None:
    """A hydrogen stream's temperature was read and never used (gases match by pressure and purity)."""
    hydrogen = {"direction": "demand", "carrier": "hydrogen", "amount": "0.05 t/h", "temperature": "25 degC",
                "current": "grey_hydrogen"}
    problem = _refused(make_park, _firms(cooling=_supply(), hydrogen=hydrogen), routes=ROUTES)
    assert (problem.stream, problem.field) == ("hydrogen", "temperature")
    assert "temperature only on heat or steam" in problem.expected


def test_a_hub_too_small_for_its_electrolyser_is_refused(make_park) -> None:
    """A hub allowed 0.5 MW of an electrolyser of at least 1 MW vanished with its links, without a word."""
    hub = {"location": {"x": "0 m", "y": "100 m"}, "technologies": ["electrolyser"],
           "max_capacity": {"electrolyser": "0.5 MW"}}
    problem = _refused(make_park, _firms(), hubs={"h2": hub})
    assert problem.field == "hubs.h2.max_capacity.electrolyser"
    assert "min_capacity (1 MW)" in problem.expected


def test_a_cost_curve_on_a_store_is_refused(make_park) -> None:
    """Curves price links only; a store's curve was read and silently ignored (priced linearly)."""
    curve = [{"capacity": "10 MWh", "investment": "100000 NOK"},
             {"capacity": "50 MWh", "investment": "300000 NOK"}]
    problem = _refused(make_park, _firms(), technologies={"thermal_storage": {"cost_curve": curve}})
    assert problem.field == "technologies.thermal_storage.cost_curve"
    assert "apply to links" in problem.expected and "investment_per_capacity" in problem.hint


@pytest.mark.parametrize("written", ["100 %/h", "150 %/h", "3000 %/day", "100 %/day"])
def test_a_standing_loss_of_100_percent_an_hour_or_more_is_refused(make_park, written: Any) -> None:
    """'150 %/h' loaded: a store losing more than it holds made heat from nothing (the audit:
    730 MWh in, 10,220 MWh out a year). All of it over any period is refused too."""
    problem = _refused(make_park, _firms(), technologies={"thermal_storage": {"standing_loss": written}})
    assert problem.field == "technologies.thermal_storage.standing_loss"
    assert "below 100 %/h" in problem.expected and "'0.5 %/day'" in problem.hint


@pytest.mark.parametrize(("written", "hours", "kept"), [("50 %/day", 24, 0.5), ("12 %/year", 8760, 0.88),
                                                        ("0.02 %/h", 1, 0.9998),
                                                        ("1 %/week", 168, 0.99)])
def test_a_standing_loss_per_day_or_year_keeps_that_share_over_that_period(make_park, written: Any,
                                                                           hours: int, kept: float) -> None:
    """A store keeps (1 - loss per hour)^h over h hours. '50 %/day' was read linearly as
    50/24 = 2.083 %/h, which keeps 0.979^24 = 60.3 % a day (39.7 % lost, not 50 %); '12 %/year'
    kept 88.7 %. Now the hourly loss is 1 - (1 - share)^(1/hours): 50 %/day is 2.85 %/h."""
    from symbiosis.models.storage import kept_over

    park = make_park(_firms(), technologies={"thermal_storage": {"standing_loss": written}})
    tank = park.technologies["thermal_storage"]
    assert kept_over(tank, hours) == pytest.approx(kept, rel=1e-12)
    if written == "50 %/day":
        assert tank.standing_loss == pytest.approx(1 - 0.5 ** (1 / 24), rel=1e-12)  # 2.85 %/h


@pytest.mark.parametrize(("written", "per_km"), [("0.5 %/km", 0.005), ("0.5 %", 0.005), (0.005, 0.005),
                                                 ("5 %/km", 0.05)])
def test_a_loss_per_km_below_100_percent_is_read(make_park, written: Any, per_km: float) -> None:
    """Guard: a per-km share, a share (read as per km) and a bare fraction keep loading."""
    park = make_park(_firms(), technologies={"hot_water_pipe": {"loss_per_km": written}})
    assert park.technologies["hot_water_pipe"].loss_per_km == pytest.approx(per_km)


@pytest.mark.parametrize(("carrier", "key", "value"), [
    ("heat", "pressure", "10 bar"),
    ("material", "pressure", "2 bar"),
    ("heat", "material", "slag"),
    ("material", "temperature", "80 degC"),
    ("electricity", "temperature", "20 degC"),
])
def test_a_stream_field_that_does_not_apply_to_its_carrier_is_refused(make_park, carrier: str, key: str,
                                                                      value: str) -> None:
    """Pressure on a heat or material stream, material on a heat stream, temperature on a material
    stream were kept and silently ignored by the model; they are refused like 'purity' on heat."""
    streams = {
        "heat": _supply(),
        "material": {"direction": "supply", "carrier": "material", "material": "slag",
                     "amount": "3000 t/year", "current": "landfill"},
        "electricity": {"direction": "demand", "carrier": "electricity", "amount": "1 GWh/year",
                        "current": "grid"},
    }
    stream = {**streams[carrier], key: value}
    problem = _refused(make_park, _firms(cooling=_supply(), odd=stream), routes=ROUTES)
    assert (problem.firm, problem.stream, problem.field) == ("plant", "odd", key)
    article = "an" if carrier == "electricity" else "a"  # "a electricity stream" until an audit
    assert f"{key} only on" in problem.expected and f"{article} {carrier} stream has no {key}" in problem.hint


@pytest.mark.parametrize(("route", "key", "value"), [
    ("grid", "material", "copper"),
    ("grid", "purity", "99 %"),
    ("gas_boiler", "purity", "99 %"),
    ("gas_boiler", "material", "gas"),
    ("landfill", "pressure", "2 bar"),
])
def test_a_route_field_that_does_not_apply_to_its_carrier_is_refused(make_park, route: str, key: str,
                                                                     value: str) -> None:
    """Material or purity on an electricity or heat route (and pressure on a material route) were
    kept and ignored; they are refused, naming the route and the field."""
    routes = {**ROUTES, route: {**(BASE_ROUTES | ROUTES)[route], key: value}}
    problem = _refused(make_park, _firms(), routes=routes)
    assert problem.field == f"routes.{route}.{key}"
    assert f"{key} only on" in problem.expected and "remove it" in problem.hint


def test_profile_rows_with_other_columns_are_refused(tmp_path: Path) -> None:
    """The value is a row's last column, so a thousands comma in a one-column file (1,200,000 among
    950) was read as its last part, 000 = 0: rows with another number of columns are refused."""
    path = tmp_path / "shape.csv"
    path.write_text("\n".join(["950"] * 6 + ["1,200,000"] + ["950"] * 5) + "\n")
    with pytest.raises(ProfileProblem, match="line 7 has 3 columns"):
        read_values(path)


@pytest.mark.parametrize(("time", "fix"), [({"typical_days": "8"}, "without quotes, e.g. 8"),
                                           ({"typical_days": "8.5"}, "whole number without quotes, e.g. 8"),
                                           ({"typical_days": "8,0"}, "whole number without quotes, e.g. 8"),
                                           ({"typical_days": True}, "write a number"),
                                           ({"typical_days": "8 days"}, "without a unit")])
def test_a_number_written_as_text_or_true_gets_the_fix_that_fits(make_park, time: dict, fix: str) -> None:
    """typical_days: '8' and typical_days: true were told 'write the number without a unit'."""
    problem = _refused(make_park, _firms(), park={"time": time})
    assert problem.field == "park.time.typical_days" and fix in problem.hint


def test_an_empty_or_numeric_profile_name_gets_the_fix_that_fits(make_park) -> None:
    """profile: '' was 'a folder, not a file' (the park folder itself); profile: 5 was told
    'write one value, not a list or mapping'."""
    empty = _refused(make_park, _firms(cooling={**_supply(), "profile": ""}))
    assert empty.found == "an empty name" and "leave the key out" in empty.hint
    number = _refused(make_park, _firms(cooling={**_supply(), "profile": 5}))
    assert "as text" in number.hint and "list" not in number.hint


# --- second loading audit (2026-12-04): prefixes, separators, defaults -----------------------------------


@pytest.mark.parametrize("written", [
    "1000 nm3/h",      # lowercase Nm3: read as nano cubic metres, 1e9 times too little
    "1000 dm3/h",      # m3 is a unit, so dm3 was a tenth of one (not a thousandth)
    "1000 ft**3/h",
    "1000 gallon/h",
])
def test_a_gas_volume_that_is_not_normal_cubic_metres_is_refused(make_park, written: str) -> None:
    """Only 'm3' and 'l' were caught as actual volumes: '1000 nm3/h' of hydrogen was read as
    9e-11 t/h (the park saved nothing), 'dm3' as 0.1 m3, 'ft**3' and 'gallon' as normal volumes."""
    hydrogen = {"direction": "demand", "carrier": "hydrogen", "amount": written, "purity": "99.9 %",
                "pressure": "30 bar", "current": "grey_hydrogen"}
    problem = _refused(make_park, _firms(cooling=_supply(), hydrogen=hydrogen), routes=ROUTES)
    assert (problem.stream, problem.field) == ("hydrogen", "amount")
    assert "operating pressure" in problem.expected and "'Nm3/h'" in problem.hint


@pytest.mark.parametrize("written", ["1000 Nm3/h", "1000 Nm³/h", "1000 Nm^3/h"])
def test_normal_cubic_metres_in_any_spelling(make_park, written: str) -> None:
    """'Nm³/h' was read as (newton metre)³ and refused with a wrong message."""
    hydrogen = {"direction": "demand", "carrier": "hydrogen", "amount": written, "purity": "99.9 %",
                "pressure": "30 bar", "current": "grey_hydrogen"}
    park = make_park(_firms(cooling=_supply(), hydrogen=hydrogen), routes=ROUTES)
    assert park.stream("plant.hydrogen").amount == pytest.approx(1000 * NORMAL_DENSITY_T_PER_NM3["hydrogen"])


@pytest.mark.parametrize(("written", "kind", "says"), [
    ("30000 mt/year", F.RATE[False], "'mt' would be a millitonne"),     # "metric ton" in English use
    ("0.2 mEUR", F.MONEY, "'MEUR' for a million EUR"),
    ("5 mNOK", F.MONEY, "'MNOK' for a million NOK"),
])
def test_a_prefix_that_would_shrink_tonnes_or_money_is_refused(written: str, kind: Any, says: str) -> None:
    """'30000 mt/year' was 30 t/year and '0.2 mEUR' a fifth of a cent, without a word."""
    with pytest.raises(UnitProblem) as caught:
        parse(written, kind, currency="NOK")
    assert says in caught.value.hint


@pytest.mark.parametrize(("written", "kind", "base"), [
    ("2 Mt/year", F.RATE[False], 2e6 / 8760),
    ("3 kNOK", F.MONEY, 3000),
    ("1.5 MNOK", F.MONEY, 1.5e6),
    ("12 500 MWh/year", F.RATE[True], 12.5e3 / 8760),   # Nordic thousands: a space
    ("1 000,5 kW", F.RATE[True], 1.0005),               # and then the comma is decimal
    ("1\u00a0200 kW", F.RATE[True], 1.2),               # a no-break space, as spreadsheets copy it
    ("1.125 MW", F.RATE[True], 1.125),                  # a point is always the decimal mark
    ("2.200 km", F.LENGTH, 2.2),                        # as programs write lengths (f"{x:.3f} km")
])
def test_units_and_numbers_that_read_one_way_are_read(written: str, kind: Any, base: float) -> None:
    """Guard: large prefixes on tonnes and money, and thousands in groups after spaces, are read."""
    assert parse(written, kind, currency="NOK") == pytest.approx(base, rel=1e-12)


@pytest.mark.parametrize("written", ["30 bar(g)", "30 barg", "30 psig"])
def test_a_gauge_pressure_says_pressures_are_absolute(written: str) -> None:
    with pytest.raises(UnitProblem) as caught:
        parse(written, F.PRESSURE)
    assert "pressures are absolute" in caught.value.hint
    assert "dimension" not in caught.value.hint  # bar(g) was 'of dimension [mass] ** 2 / ...' (grams)


@pytest.mark.parametrize(("written", "unit"), [("30 bar(a)", "bar"), ("30 bara", "bar"), ("435 psia", "psi")])
def test_an_absolute_pressure_marked_so_is_told_to_drop_the_mark(written: str, unit: str) -> None:
    """'30 bar(a)' was 'a mass per length per time' (bar per annum) with no word of why (an audit
    of units)."""
    with pytest.raises(UnitProblem) as caught:
        parse(written, F.PRESSURE)
    assert f"pressures are absolute: write '{unit}' without the 'a'" in caught.value.hint


def test_an_exchange_rate_with_a_decimal_comma_is_read(make_park) -> None:
    """'EUR: 11,5 NOK' was refused although every other number may have a decimal comma."""
    park = make_park(_firms(), park={"exchange_rates": {"EUR": "11,5 NOK"}},
                     technologies={"hot_water_pipe": {"investment": "1 EUR"}})
    assert park.technologies["hot_water_pipe"].investment == pytest.approx(11.5)


@pytest.mark.parametrize(("text", "reads"), [
    ("Time\tValue\n" + "".join(f"{h}\t{'3,0' if h % 2 else '1,5'}\n" for h in range(24)), 2),  # Excel tab
    ("".join(f"{h}\t{'3.0' if h % 2 else '1.5'}\n" for h in range(24)), 2),
    ("".join(f"{h},\"{'3,0' if h % 2 else '1,5'}\"\n" for h in range(24)), 2),   # a quoted decimal comma
])
def test_profile_separated_by_tabs_or_with_quoted_decimal_commas(tmp_path: Path, text: str,
                                                                  reads: float) -> None:
    """A tab-separated export with decimal commas ('0<tab>11,37') was read as the digits after the
    comma (37), and a quoted '"11,37"' in a comma file made its first line a header."""
    hourly = _profile(tmp_path, text)
    assert hourly[1] / hourly[0] == pytest.approx(reads)


@pytest.mark.parametrize(("text", "says"), [
    ("".join(f"{h},1,{h % 3}5\n" for h in range(24)), "3 columns, or"),
    ("".join(f"{h},\"1,{h % 3}50\"\n" for h in range(24)), "thousands comma"),
])
def test_profile_whose_commas_read_two_ways_is_refused(tmp_path: Path, text: str, says: str) -> None:
    """'0,11,37' in every row (an index and 11,37, or three columns?) was read as 37."""
    with pytest.raises(ProfileProblem) as caught:
        _profile(tmp_path, text)
    assert says in caught.value.found


def test_a_park_without_a_carbon_price_says_co2_is_free(make_park, tmp_path: Path) -> None:
    """Leaving out park.carbon_price meant 0 without a word (DESIGN names no default); it still
    loads as 0, with a warning in the summary, validate and optimize."""
    from symbiosis.park import scaling_warnings

    given = make_park(_firms())
    assert not any("carbon_price" in text for text in scaling_warnings(given))
    data = park_dict(_firms())
    del data["park"]["carbon_price"]
    park = load_park(write_park(tmp_path / "park", data))
    assert park.settings.carbon_price == 0 and not park.settings.carbon_price_given
    assert any("park.carbon_price is not given" in text for text in scaling_warnings(park))


def test_a_park_without_firms_is_refused(tmp_path: Path) -> None:
    """'firms: {}' validated and optimized as an optimal park saving 0."""
    data = park_dict({})
    with pytest.raises(ParkError) as caught:
        load_park(write_park(tmp_path / "park", data))
    assert "no firms" in str(caught.value)


def test_a_misspelt_stream_in_a_scenario_names_the_stream_meant(tmp_path: Path) -> None:
    """'waste_heet' in a scenario gave three 'missing key' errors (a new stream without direction,
    carrier, current); a misspelt firm already got 'did you mean'."""
    folder = _scenario_park(tmp_path, "firms: {plant: {streams: {coolng: {amount: 5 MW}}}}\n")
    with pytest.raises(ParkError) as caught:
        load_park(folder, scenario="x")
    problems = caught.value.problems
    assert len(problems) == 1 and (problems[0].firm, problems[0].stream) == ("plant", "coolng")
    assert "did you mean 'cooling'" in problems[0].hint and problems[0].line == 1


def test_ids_typed_in_either_unicode_form_are_one_id(tmp_path: Path) -> None:
    """'borlänge' typed on a Mac (a + combining diaeresis) in exclude_partners was not the firm
    'borlänge': "found 'borlänge', did you mean 'borlänge'?"."""
    import unicodedata

    firms = _firms()
    firms["borl\u00e4nge"] = firms.pop("town")
    firms["plant"]["rules"] = {"exclude_partners": [unicodedata.normalize("NFD", "borl\u00e4nge")]}
    park = load_park(write_park(tmp_path / "park", park_dict(firms)))
    assert park.firms["plant"].rules.exclude_partners == frozenset({"borl\u00e4nge"})
    nfd = unicodedata.normalize("NFD", "firms.borl\u00e4nge.streams.network.amount")
    changed = load_park(tmp_path / "park", overrides={nfd: "20 GWh/year"})
    assert changed.stream("borl\u00e4nge.network").amount == pytest.approx(20000 / 8760)


def test_a_profile_named_in_the_other_unicode_form_is_found(tmp_path: Path) -> None:
    """Park files are read in composed form (NFC); a profile saved on a Mac has a decomposed (NFD)
    name on disk, which the composed path in park.yaml must still find."""
    import unicodedata

    name = unicodedata.normalize("NFD", "varme_bjørn_ä.csv")
    firms = _firms(cooling=_supply(profile=f"profiles/{unicodedata.normalize('NFC', name)}"))
    folder = write_park(tmp_path / "park", park_dict(firms),
                        {f"profiles/{name}": "".join("1\n" if h % 2 else "3\n" for h in range(24))})
    park = load_park(folder)
    assert park.stream("plant.cooling").profile[:2] == pytest.approx((1.5, 0.5))


def test_a_decimal_comma_in_a_flow_mapping_says_so(tmp_path: Path) -> None:
    """{price: 0,65 NOK/kWh}: YAML splits at the comma into price 0 and a key '65 NOK/kWh', which
    was refused as an unknown key ('choose one of: carrier, emissions, ...')."""
    text = ("park: {name: t, currency: NOK, discount_rate: 7 %, carbon_price: 0 NOK/t}\n"
            "routes:\n  grid: {carrier: electricity, price: 0,65 NOK/kWh}\n"
            "firms:\n  a: {location: {x: 0 m, y: 0 m}, streams: {}}\n")
    with pytest.raises(ParkError) as caught:
        load_park(write_park(tmp_path / "park", text))
    (problem,) = caught.value.problems
    assert "a decimal comma?" in problem.hint and "quote the whole value" in problem.hint


def test_profile_with_thousands_after_spaces(tmp_path: Path) -> None:
    """'1 000,5' in a ';' or tab file (a Nordic sheet's thousands) was refused: 'every row needs a number'."""
    hourly = _profile(tmp_path, "".join(f"{h}\t{'1 000,5' if h % 2 else '2 001,0'}\n" for h in range(24)))
    assert hourly[1] / hourly[0] == pytest.approx(1000.5 / 2001.0)


def _alternating(first: str, second: str, rows: int = 24) -> str:
    return "".join(f"{second if h % 2 else first}\n" for h in range(rows))


@pytest.mark.parametrize(("text", "ratio"), [
    # one column from a Nordic sheet, thousands after a space or a no-break space: only the digits
    # after the comma were read ('1 500,0' as 0), the file split at its decimal commas
    ("Forbruk kWh\n" + _alternating("800,0", "1 500,0"), 1500 / 800),
    (_alternating("800,5", "1\u00a0500,5"), 1500.5 / 800.5),
    # a ';' file whose header names hold commas: the commas outnumbered the semicolons, so each
    # row split at its decimal comma ('0;0,85' read as 85)
    ("Tid, h;Effekt, MW\n" + "".join(f"{h};{'1,60' if h % 2 else '0,85'}\n" for h in range(24)), 1.60 / 0.85),
    # two decimal-comma columns a row: more commas than semicolons
    ("".join(f"{h},5;{'3,0' if h % 2 else '1,5'}\n" for h in range(24)), 2),
    # thousands points beside decimal commas, as Nordic sheets write them
    ("Time;Forbruk kWh\n" + "".join(f"{h};{'1.200,5' if h % 2 else '850,5'}\n" for h in range(24)),
     1200.5 / 850.5),
    ("".join(f"{h};{'1.200' if h % 2 else '850,5'}\n" for h in range(24)), 1200 / 850.5),
    ("".join(f"{h};{'1.200' if h % 2 else '0.85'}\n" for h in range(24)), 1.2 / 0.85),  # decimal points
])
def test_nordic_sheet_profiles_are_read_as_written(tmp_path: Path, text: str, ratio: float) -> None:
    """Found by an audit of Nordic Excel exports: each was read silently as other numbers."""
    hourly = _profile(tmp_path, text)
    assert hourly[1] / hourly[0] == pytest.approx(ratio)


@pytest.mark.parametrize(("text", "line", "says"), [
    # a header 'Forbruk, MW' (not quoted by Norwegian Excel) over one column of decimal commas was
    # read as two columns: 1,60 as 60 beside 0,85 as 85, the day's shape upside down
    ("Forbruk, MW\n" + _alternating("0,85", "1,60"), 2, "two columns, or 0.85 with a decimal comma?"),
    # '1.200' beside '850' in a ';' file was read as 1.2
    ("Time;Forbruk kWh\n" + "".join(f"{h};{'1.200' if h % 2 else '850'}\n" for h in range(24)), 3,
     "1200 with a thousands point or 1.200 with a decimal point?"),
    # a stray quote swallowed the file: '0 values', or a traceback past the CSV cell limit
    ('"Varmebehov (MWh/h)\n' + _alternating("1.1369616873214543", "0.9630383126785457", 8760), 1,
     "a quote (\") on line 1 that is not closed"),
    # twelve monthly values side by side were read as one
    ("Jan;Feb;Mar;Apr;Mai;Jun;Jul;Aug;Sep;Okt;Nov;Des\n" + ";".join(["1,5"] * 12) + "\n", 2,
     "12 values side by side on line 2"),
])
def test_nordic_sheet_profiles_that_read_two_ways_are_refused(tmp_path: Path, text: str, line: int,
                                                              says: str) -> None:
    with pytest.raises(ProfileProblem) as caught:
        _profile(tmp_path, text)
    assert says in caught.value.found
    assert caught.value.line == line


@pytest.mark.parametrize(("written", "kind", "fix"), [
    ("1826 mW", F.RATE[False], "'mW' would be a milliwatt; write 'MW' for a megawatt"),  # was read as 1.8 W
    ("16 mWh/year", F.RATE[False], "'mWh' would be a milliwatt-hour"),
    ("1 6000 MWh/year", F.RATE[False], "'1 6000' is not one number: write it without spaces (16000)"),
    ("80 kr/t", F.CARBON_PRICE, "kr is NOK, SEK or DKK: write the currency's code"),
    ("2 mil", F.LENGTH, "a Scandinavian mil is 10 km"),
    ("5 $", F.MONEY, "write USD"),
])
def test_units_written_as_at_home_get_the_fix_that_fits(written: str, kind: Any, fix: str) -> None:
    """An input audit: 'mW' was read as milliwatts (a 1.8 kW stream, said only by the span warning);
    '1 6000' named '0 MWh/year' as the unknown unit; 'kr', 'mil' and '$' had no hint."""
    with pytest.raises(UnitProblem) as caught:
        parse(written, kind, currency="NOK")
    assert fix in caught.value.hint


@pytest.mark.parametrize(("written", "kind", "base"), [
    ("45 ℃", F.TEMPERATURE, 318.15),
    ("0.055 €/kWh", F.CARBON_PRICE.__class__("CUR/MWh", "money per energy", "55 EUR/MWh"), 55.0),
])
def test_the_one_unit_a_symbol_can_be_is_read(written: str, kind: Any, base: float) -> None:
    """'45 ℃' and '0.055 €/kWh' were refused as units symbiosis does not know."""
    assert parse(written, kind, currency="EUR") == pytest.approx(base)


def test_a_decimal_comma_in_a_location_says_so(make_park) -> None:
    """'lat: 60,7282' (block style: YAML reads it as text) was told 'write the number without
    quotes', where no quotes were written."""
    firms = _firms()
    firms["plant"]["location"] = {"lat": "60,7282", "lon": 10.61}
    firms["town"]["location"] = {"lat": 60.72, "lon": 10.62}
    problem = _refused(make_park, firms)
    assert "decimal point, not a comma: 60.7282" in problem.hint


@pytest.mark.parametrize(("written", "fix"), [
    ("profiles\\Shape.csv", "write the path with '/' between folders (profiles/Shape.csv)"),
    ("profiles/shape.csv", "did you mean 'Shape.csv'? (file names are case-sensitive)"),
])
def test_a_profile_path_as_windows_writes_it_gets_the_fix(make_park, written: str, fix: str) -> None:
    """A Windows path ('profiles\\x.csv') or a name in the wrong case was told only 'no such file'."""
    problem = _refused(make_park, _firms(cooling=_supply(profile=written)),
                       files={"profiles/Shape.csv": "1\n" * 24})
    assert (problem.stream, problem.field) == ("cooling", "profile")
    assert fix in problem.hint


@pytest.mark.parametrize(("value", "kind", "says"), [
    # Found by an audit: pint's dimensions ("[current] ** 2 * [time] ** 4 / ...") in the fix.
    ("113 F", F.TEMPERATURE, ("a capacitance (F is the farad)", "degF for degrees Fahrenheit")),
    ("16 GW/year", F.RATE[True], ("'GW/year' is a power (energy per time) per time", "'12 GWh/year'")),
    ("3 t/h/h", F.RATE[False], ("'t/h/h' is a mass per time per time",)),
    ("45 deg C", F.TEMPERATURE, ("an electric charge", "degC for degrees Celsius")),
])
def test_a_unit_of_the_wrong_kind_is_said_in_words(value: str, kind, says: tuple[str, ...]) -> None:
    with pytest.raises(UnitProblem) as caught:
        parse(value, kind)
    assert "dimension" not in caught.value.hint and "**" not in caught.value.hint
    for words in says:
        assert words in caught.value.hint


@pytest.mark.parametrize("written", ["7 %/year", "7 %/a", "7%/yr", "7 % / annum"])
def test_a_yearly_rate_written_per_year_is_read(written: str) -> None:
    """'7 %/year' for the discount rate and '1 %/year' for fixed O&M, as cost sheets write them,
    were refused as 'a share per time' (an audit of units); a share per month still is (a discount
    rate compounds), with its unit named."""
    raufoss = Path(__file__).resolve().parent.parent / "parks" / "raufoss"
    park = load_park(raufoss, overrides={"park.discount_rate": written,
                                         "technologies.hot_water_pipe.fixed_om": written.replace("7", "1")})
    assert park.settings.discount_rate == pytest.approx(0.07)
    assert park.technologies["hot_water_pipe"].fixed_om == pytest.approx(0.01)
    with pytest.raises(ParkError, match="'%/month' is a share per time"):
        load_park(raufoss, overrides={"park.discount_rate": "0.5 %/month"})


def test_a_hydrogen_pipe_and_store_take_the_gas_units_its_streams_take(make_park) -> None:
    """Streams, routes and existing links read hydrogen as t, Nm3 or MWh of its lower heating
    value (33.33 MWh/t); a hydrogen pipe's and store's sizes and costs refused them (an audit of
    units). 1.6665 MW / 33.33 = 0.05 t/h; 3000.3 EUR/MW x 33.33 = 100,000 EUR/(t/h); 8.988
    EUR/(Nm3/h) / 0.08988e-3 = 100,000 EUR/(t/h); 0.30003 NOK/MWh x 33.33 = 10 NOK/t; 16.665 MWh /
    33.33 = 0.5 t; 5561.6 Nm3 x 0.08988e-3 = 0.49987 t. An electrolyser's running cost stays per t
    of hydrogen (its MWh would read as electricity's)."""
    firms = {"a": {"location": {"x": "0 m", "y": "0 m"}, "streams": {}}}
    as_mass = {"hydrogen_pipe": {"min_capacity": "0.05 t/h", "investment_per_capacity": "100000 EUR/(t/h)",
                                 "running_cost": "10 NOK/t"},
               "hydrogen_storage": {"min_capacity": "0.5 t"}}
    as_energy = {"hydrogen_pipe": {"min_capacity": "1.6665 MW", "investment_per_capacity": "3000.3 EUR/MW",
                                   "running_cost": "0.30003 NOK/MWh"},
                 "hydrogen_storage": {"min_capacity": "16.665 MWh"}}
    mass, energy = make_park(firms, technologies=as_mass), make_park(firms, technologies=as_energy)
    for name, fields in as_mass.items():
        for key in fields:
            assert getattr(energy.technologies[name], key) == pytest.approx(
                getattr(mass.technologies[name], key), rel=1e-6), (name, key)
    volume = make_park(firms, technologies={"hydrogen_pipe": {"investment_per_capacity": "8.988 EUR/(Nm3/h)"},
                                            "hydrogen_storage": {"min_capacity": "5561.6 Nm3"}})
    assert volume.technologies["hydrogen_pipe"].investment_per_capacity == pytest.approx(
        mass.technologies["hydrogen_pipe"].investment_per_capacity, rel=1e-6)
    assert volume.technologies["hydrogen_storage"].min_capacity == pytest.approx(0.49987, rel=1e-4)
    with pytest.raises(ParkError, match="m3"):
        make_park(firms, technologies={"hydrogen_storage": {"min_capacity": "5561.6 m3"}})
    with pytest.raises(ParkError, match="running_cost"):
        make_park(firms, technologies={"electrolyser": {"running_cost": "0.9 EUR/MWh"}})


# -- profiles with a time column: found by an audit of Nordic meter and Excel exports --------------
def _hours(start: str = "2023-01-01 00:00", count: int = 8760, step_hours: int = 1) -> list[str]:
    from datetime import datetime, timedelta

    first = datetime.fromisoformat(start)
    return [(first + timedelta(hours=step_hours * h)).strftime("%Y-%m-%d %H:%M") for h in range(count)]


def _winter_peak(count: int) -> list[float]:
    """A district-heating shape: high in January, low in July (so a shifted year is told apart)."""
    return [round(2 + math.cos(2 * math.pi * h / count), 4) for h in range(count)]


def _offset_hours() -> list[str]:
    """A year of hours in Norwegian local time with the offset written (+01:00, +02:00 in summer)."""
    from datetime import datetime, timedelta, timezone

    start = datetime(2022, 12, 31, 23, tzinfo=UTC)
    rows = []
    for h in range(8760):
        utc = start + timedelta(hours=h)
        summer = datetime(2023, 3, 26, 1, tzinfo=UTC) <= utc < datetime(2023, 10, 29, 1,
                                                                                  tzinfo=UTC)
        local = utc.astimezone(timezone(timedelta(hours=2 if summer else 1)))
        rows.append(f"{local.isoformat()};1")
    return rows


@pytest.mark.parametrize(("text", "says", "line"), ids=[
    "comma-decimal-after-time", "quality-column", "two-streams", "newest-first", "from-october",
    "dates-sorted-as-text", "clock-changes", "empty-value", "empty-day", "two-headers"], argvalues=[
    # a ',' file with a time and an unquoted decimal comma: 18,92 was read as 92
    ("".join(f"{t},{int(v)},{round(v % 1 * 100):02d}\n" for t, v in zip(_hours(), _winter_peak(8760),
                                                                      strict=True)), "3 columns, or", 1),
    # a second column of values: the quality code (or another stream's values) was read as the profile
    ("Tid;Effekt (MW);Kvalitet\n" + "".join(f"{t};{str(v).replace('.', ',')};0\n"
                                            for t, v in zip(_hours(), _winter_peak(8760), strict=True)),
     "two columns of values ('Effekt (MW)' and 'Kvalitet')", 2),
    ("Tid;gjovik_dh;hydro_cooling\n" + "".join(f"{t};{1500 + h % 7};{800 + h % 5}\n"
                                               for h, t in enumerate(_hours())), "two columns of values", 2),
    # newest first, read backwards
    ("".join(f"{t};{v}\n" for t, v in zip(reversed(_hours()), _winter_peak(8760), strict=True)),
     "comes before", 2),
    # a heating season's year from 1 October: every month shifted by nine
    ("".join(f"{t};{v}\n" for t, v in zip(_hours("2022-10-01 00:00"), _winter_peak(8760), strict=True)),
     "start at '2022-10-01 00:00' (line 1), not in January", 1),
    # dates as text, sorted as text (01.02 before 31.01)
    ("".join(f"{t};1\n" for t in sorted(f"{d:02d}.{m:02d}.2023" for m in range(1, 13)
                                        for d in range(1, DAYS_IN_MONTH[m - 1] + 1))), "comes before", 13),
    # local time with its clock changes: 26 March has no 02:00, 29 October has two
    ("".join(f"{t};1\n" for t in [t for t in _hours() if t != "2023-03-26 02:00"][:7155]
             + ["2023-10-29 02:00"] + [t for t in _hours() if t >= "2023-10-29 02:00"][:1604]),
     "is 2 hours after the line above", 2019),
    # a time whose value cell is empty (a meter gap): was 'save it with ; between columns'
    ("".join(f"{t};{'' if h == 100 else 1}\n" for h, t in enumerate(_hours())), "has a time and no value",
     101),
    # a day left empty in a daily file of a leap year: 365 values, every later day a day early
    ("\n".join(["1"] * 100 + [""] + ["1"] * 265) + "\n", "an empty line 101 between values", 101),
    # Excel's 'sep=;' line, and a second header line
    ("Tid;Effekt\nMW;MW\n" + "1;1\n" * 24, "a second header line", 2),
])
def test_a_profile_read_against_its_time_column_is_refused(tmp_path: Path, text: str, says: str,
                                                           line: int) -> None:
    """Each of these was read without a word, the profile moved against the calendar or taken from
    another column (Hofors-Borlänge's design changed: a 19.4 MW heat pump, a pipe dropped)."""
    with pytest.raises(ProfileProblem) as caught:
        _profile(tmp_path, text)
    assert says in caught.value.found and caught.value.line == line, caught.value.found


@pytest.mark.parametrize(("text", "first", "length"), ids=[
    "excel-sep-line", "year-in-header", "utc-from-31-december", "local-with-offsets", "hour-index"],
    argvalues=[
    # Excel's 'sep=;' first line names the separator
    ("sep=;\nTid;Effekt\n" + "".join(f"{t};{str(v).replace('.', ',')}\n"
                                     for t, v in zip(_hours(), _winter_peak(8760), strict=True)), 3.0, 8760),
    # a daily file whose header's last name is the year ('Dato;2023'): 2023 was read as 1 January
    ("Dato;2023\n" + "".join(f"{d:02d}.{m:02d}.2023;3\n" if (m, d) == (1, 1) else f"{d:02d}.{m:02d}.2023;1\n"
                             for m in range(1, 13) for d in range(1, DAYS_IN_MONTH[m - 1] + 1)), 3.0, 365),
    # a year in UTC of a park in UTC+1, with offsets: starts on 31 December at 23:00
    ("".join(f"{t.replace(' ', 'T')}:00Z,{v}\n"
             for t, v in zip(_hours("2022-12-31 23:00"), _winter_peak(8760), strict=True)), 3.0, 8760),
    # local time written with its offset, across both clock changes: one step apart in UTC
    ("".join(f"{t}\n" for t in _offset_hours()), 1.0, 8760),
    # an hour, then the value: as before
    ("hour;value\n" + "".join(f"{h};{1 + (h == 0)}\n" for h in range(24)), 2.0, 24),
])
def test_a_profile_with_a_time_column_in_order_is_read(tmp_path: Path, text: str, first: float,
                                                       length: int) -> None:
    path = tmp_path / "p.csv"
    path.write_text(text)
    values = read_values(path)
    assert len(values) == length and values[0] == pytest.approx(first)


@pytest.mark.parametrize(("rows", "says"), [(35040, "15-minute data? Average each hour's 4 values"),
                                            (8759, "one hour short"), (8761, "one hour more than a year")])
def test_a_profile_of_a_near_length_says_the_likely_cause(tmp_path: Path, rows: int, says: str) -> None:
    with pytest.raises(ProfileProblem) as caught:
        _profile(tmp_path, "1\n" * rows)
    assert says in caught.value.hint


@pytest.mark.parametrize(("written", "fix"), [
    ("5 mw", "did you mean 'MW'?"), ("5 Mw", "did you mean 'MW'?"),
    ("0.65 nok/kwh", "did you mean 'NOK/kWh'?"),
    ("65 øre/kWh", "65 øre/kWh as 0.65 NOK/kWh"), ("65 öre/kWh", "divide by 100"),
    ("\u22125 degC", "typographic dash, not a minus: type '-' (e.g. '-5 degC')"),
    ("\u20135 degC", "typographic dash"),
    ("\u201c45 degC\u201d", "remove the curly quotes"),
])
def test_a_value_typed_as_at_home_gets_the_fix(written: str, fix: str) -> None:
    """Found by an audit of hand-written park files: each was 'not a unit symbiosis knows' or
    'start with a number', with no word of the likely slip (a case, øre, a pasted dash or quote)."""
    from symbiosis.park import fields as F
    from symbiosis.units import UnitProblem, parse

    kind = F.TEMPERATURE if "degC" in written else (F.PRICE[False] if "/" in written else F.RATE[False])
    with pytest.raises(UnitProblem) as caught:
        parse(written, kind, currency="NOK")
    assert fix in caught.value.hint


def test_a_point_before_three_digits_and_a_tiny_discount_rate_are_warned_of() -> None:
    """'16.000 MWh/year' (sixteen thousand, as a Norwegian hand writes it) is read as 16 and
    '0,07 %' as 0.07 %, both without a word (an audit of hand-written park files): warnings now."""
    from symbiosis.park import scaling_warnings

    raufoss = Path(__file__).parent.parent / "parks" / "raufoss"
    park = load_park(raufoss, overrides={"firms.hydro.streams.cooling.amount": "16.000 MWh/year",
                                         "park.discount_rate": "0,07 %"})
    said = scaling_warnings(park)
    assert any("'16.000 MWh/year' is read as 16 MWh/year" in w and "'16 000 MWh/year'" in w for w in said)
    assert any("park.discount_rate is 0.07%" in w for w in said)
    assert not any("decimal point" in w or "discount_rate" in w for w in scaling_warnings(load_park(raufoss)))
    # a percentage is no thousands: five nines hydrogen is 99.999 %, never 99,999 % (an audit)
    nines = load_park(raufoss, overrides={"park.discount_rate": "7.125 %"})
    assert not any("decimal point" in w for w in scaling_warnings(nines))



def test_a_lifetime_of_days_is_warned_of() -> None:
    """'lifetime: 20 days' was taken without a word (an audit): the link's investment paid back
    within days, so it is never built; a slip of the unit, most likely."""
    from symbiosis.park import scaling_warnings

    raufoss = Path(__file__).parent.parent / "parks" / "raufoss"
    park = load_park(raufoss, overrides={"technologies.hot_water_pipe.lifetime": "20 day"})
    said = scaling_warnings(park)
    assert any(w.startswith("technology 'hot_water_pipe' has a lifetime of 20 days") for w in said)
    assert not any("lifetime" in w for w in scaling_warnings(load_park(raufoss)))


@pytest.mark.parametrize("text", [
    "".join(f"1/{d + 1}/2023 0:00,{1 + d % 2}\n" for d in range(365)),       # slashed dates: not read, kept
    "".join(f"2023-{m:02d}-01;{m}\n" for m in range(1, 13)),                 # months a month apart
    "".join(f"abc{h};{1 + h % 2}\n" for h in range(24)),                     # a column of labels
    "".join(f"2023-01-01 {h:02d}:00;2023-01-01 {h + 1:02d}:00;{1 + h % 2}\n" for h in range(23))
    + "2023-01-01 23:00;2023-01-02 00:00;2\n",                               # from and to
], ids=["slashed-dates", "monthly-dates", "labels", "from-and-to"])
def test_guard_columns_that_date_or_label_the_rows_are_no_second_value(tmp_path: Path, text: str) -> None:
    """Guard for the time-column checks: a text column (times in a format not read, labels), a
    from and a to column and months of unequal length stay what they were, the value last."""
    path = tmp_path / "p.csv"
    path.write_text(text)
    values = read_values(path)
    assert values[1] / values[0] == pytest.approx(2)


def test_a_profile_saved_by_a_nordic_excel_in_its_own_encoding_is_read(tmp_path: Path) -> None:
    """Excel's "CSV (semicolon separated)" on a Norwegian Windows writes Windows-1252 (ø in
    'Forbruk (kWh) målt'), and "Unicode text" UTF-16: both were refused as "not UTF-8 text"
    (an audit of Nordic exports). A workbook renamed .csv is said to be one."""
    text = "Tid;Forbruk målt\n" + "".join(f"{h};{'3,0' if h % 2 else '1,5'}\n" for h in range(24))
    for encoding in ("cp1252", "utf-16"):
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes(text.encode(encoding))
        values = read_values(path)
        assert values[1] / values[0] == pytest.approx(2)
    workbook = tmp_path / "book.csv"
    workbook.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(ProfileProblem, match="an Excel workbook"):
        read_values(workbook)


def _days(count: int = 365, year: int = 2023) -> list[str]:
    from datetime import date, timedelta

    return [(date(year, 1, 1) + timedelta(days=d)).strftime("%d.%m.%Y") for d in range(count)]


@pytest.mark.parametrize("text", [
    # a date column and an hour column, hours 1-24 or 0-23 (Elhub, SMHI): "repeats the time"
    "Dato;Time;Verdi\n" + "".join(f"{d};{h};{1 + h % 2},0\n" for d in _days() for h in range(1, 25)),
    "Datum;Klockslag;Förbrukning\n"
    + "".join(f"{d};{h:02d}:00;{2 - h % 2}\n" for d in _days() for h in range(24)),
    # year, month, day and hour columns under short names: "two columns of values ('YYYY' ...)"
    "YYYY;MM;DD;HH;Value\n" + "".join(f"2023;{m};{d};{h};{1 + h % 2}\n" for m in range(1, 13)
                                      for d in range(1, DAYS_IN_MONTH[m - 1] + 1) for h in range(24)),
    # no header, decimal commas: the first row was taken for a header, the checks began a day late
    "".join(f"{d};{1 + i % 2},0\n" for i, d in enumerate(_days())),
    # monthly values stamped at the month's end; daily ones at the next midnight
    "".join(f"{DAYS_IN_MONTH[m - 1]:02d}.{m:02d}.2023;{m}\n" for m in range(1, 13)),
    "".join(f"{d} 00:00;{1 + i % 2}\n" for i, d in enumerate(_days(366)[1:])),
    # a leap year's hours with 29 February left out: "25 hours after the line above"
    "".join(f"{t};{1 + h % 2}\n" for h, t in enumerate(t for t in _hours("2024-01-01 00:00", 8784)
                                                       if not t.startswith("2024-02-29"))),
    # hour-ending stamps: 24:00 ends the day
    "".join(f"01.01.2023 {h:02d}:00;{1 + h % 2}\n" for h in range(1, 25)),
], ids=["date-and-hour", "date-and-clock", "ymdh-short-names", "no-header-decimal-comma",
        "month-end-dates", "daily-end-stamps", "leap-year-without-29-february", "hour-24"])
def test_a_profile_dated_as_exporters_write_it_is_read(tmp_path: Path, text: str) -> None:
    """Each was refused by the first time checks (an audit of Nordic exports)."""
    path = tmp_path / "p.csv"
    path.write_text(text)
    values = read_values(path)
    assert len(values) in (8760, 365, 12, 24) and values.max() > values.min()


@pytest.mark.parametrize(("text", "says"), [
    # a total row: 366 values read as a leap year, every day from March a day early
    ("".join(f"{d};{1 + i % 2}\n" for i, d in enumerate(_days())) + "Sum;548\n", "'Sum' on line 366"),
    ("Dato;;Verdi\n" + "".join(f"{d};x;{1 + i % 2}\n" for i, d in enumerate(_days())) + "Sum;;548\n",
     "'Sum' on line 367"),
    # months by name from October, or sorted as text: read as January to December
    ("Måned;Verdi\n" + "".join(f"{m};{i}\n" for i, m in enumerate(
        ["okt", "nov", "des", "jan", "feb", "mar", "apr", "mai", "jun", "jul", "aug", "sep"], start=1)),
     "not in January"),
    ("Month;Value\n" + "".join(f"{m};1\n" for m in sorted(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])),
     "not the month after"),
    # year, month, day, hour columns from 1 October
    ("År;Måned;Dag;Time;Verdi\n"
     + "".join(f"{2022 + (m < 10)};{m};{d};{h};1\n" for m in [*range(10, 13), *range(1, 10)]
               for d in range(1, DAYS_IN_MONTH[m - 1] + 1) for h in range(24)),
     "not in January"),
    # 8760 hours of 2024 from 1 January: 29 February kept, 31 December lost
    ("".join(f"{t};1\n" for t in _hours("2024-01-01 00:00", 8760)), "8760 rows of a leap year"),
    # header words that only begin like a calendar word: areas, directions, gases
    ("Tid;NO1;NO2\n" + "".join(f"{t};{h % 7 + 0.5};{h % 5 + 0.5}\n" for h, t in enumerate(_hours())),
     "two columns of values ('NO1' and 'NO2')"),
    ("Tid;From grid;To grid\n"
     + "".join(f"{t};{h % 7 + 0.5};{h % 5 + 0.5}\n" for h, t in enumerate(_hours())),
     "two columns of values"),
], ids=["sum-row", "sum-row-empty-cell", "months-from-october", "months-sorted-as-text", "ymdh-from-october",
        "leap-8760", "area-columns", "grid-columns"])
def test_a_profile_read_against_the_calendar_is_refused(tmp_path: Path, text: str, says: str) -> None:
    """Each was read without a word (an audit of Nordic exports)."""
    with pytest.raises(ProfileProblem) as caught:
        _profile(tmp_path, text)
    assert says in caught.value.found, caught.value.found


MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _offsets(start: str, count: int, step_hours: int = 1) -> list[str]:
    """Norwegian local times with their offsets, from ``start`` (UTC), ``step_hours`` apart."""
    from datetime import datetime, timedelta, timezone

    first, rows = datetime.fromisoformat(start).replace(tzinfo=UTC), []
    for n in range(count):
        utc = first + timedelta(hours=step_hours * n)
        summer = datetime(utc.year, 3, 31 - (datetime(utc.year, 3, 31).weekday() + 1) % 7, 1,
                          tzinfo=UTC) <= utc < datetime(
            utc.year, 10, 31 - (datetime(utc.year, 10, 31).weekday() + 1) % 7, 1, tzinfo=UTC)
        rows.append(utc.astimezone(timezone(timedelta(hours=2 if summer else 1))).isoformat())
    return rows


@pytest.mark.parametrize("text", [
    # dates that spell the month (PI, English Excel): taken for monthly rows, "repeats the time"
    "".join(f"{d[:2]}-{MONTHS[int(d[3:5]) - 1]}-2023 {h:02d}:00:00;{1 + h % 2}\n"
            for d in _days() for h in range(24)),
    # a month name column beside day and hour (Excel's 'mmm'): a crash, 'year 10000 is out of range'
    "Month;Day;Hour;Value\n" + "".join(f"{MONTHS[m - 1]};{d};{h};{1 + h % 2}\n" for m in range(1, 13)
                                       for d in range(1, DAYS_IN_MONTH[m - 1] + 1) for h in range(24)),
    # year, month and day columns, then the hour as 00:00
    "År;Måned;Dag;Time;Verdi\n" + "".join(f"2023;{m};{d};{h:02d}:00;{1 + h % 2}\n" for m in range(1, 13)
                                          for d in range(1, DAYS_IN_MONTH[m - 1] + 1) for h in range(24)),
    # a header with its unit in brackets
    "Day [d];Heat\n" + "".join(f"{d};{1 + d % 2}\n" for d in range(1, 366)),
    # a leap year without 29 February, in local time with offsets: "25 hours after"
    "".join(f"{t};{1 + i % 2}\n" for i, t in enumerate(t for t in _offsets("2023-12-31T23:00", 8784)
                                                      if not t.startswith("2024-02-29"))),
    # a meter's seconds of jitter
    "".join(f"{t}:{'01' if h % 3 else '00'};{1 + h % 2}\n" for h, t in enumerate(_hours())),
], ids=["spelled-month-dates", "month-name-column", "ymd-and-clock", "unit-in-brackets",
        "leap-without-29-february-offsets", "jitter"])
def test_a_profile_dated_in_other_ways_is_read(tmp_path: Path, text: str) -> None:
    """Refused, or a crash, after the first time checks (a third audit of Nordic exports)."""
    path = tmp_path / "p.csv"
    path.write_text(text)
    values = read_values(path)
    assert len(values) in (8760, 365) and values.max() > values.min()


@pytest.mark.parametrize(("text", "says"), [
    # one date written twice in a daily file switched every time check off (366: a leap year)
    ("".join(f"{d};1\n" for d in [*_days()[:100], _days()[99], *_days()[100:]]), "repeats the time"),
    # the rows' step against their count: 8760 rows 15 minutes apart, 24 monthly rows, 365 hourly
    ("".join(f"{(datetime(2023, 1, 1) + timedelta(minutes=15 * q)):%Y-%m-%d %H:%M};1\n" for q in range(8760)),
     "rows 0.25 hours apart"),
    ("".join(f"{m:02d}.{y};1\n".replace(f"{m:02d}.", f"01.{m:02d}.") for y in (2022, 2023)
             for m in range(1, 13)), "24 rows a month apart"),
    ("".join(f"{t};1\n" for t in _hours(count=365)), "365 rows an hour apart"),
    # 366 days of a year of 365, its end included
    ("".join(f"{d};1\n" for d in _days(366)), "a year of 365 days"),
], ids=["duplicate-date", "quarter-hours", "two-years-of-months", "hourly-365", "end-included"])
def test_a_profile_whose_times_contradict_it_is_refused(tmp_path: Path, text: str, says: str) -> None:
    with pytest.raises(ProfileProblem) as caught:
        _profile(tmp_path, text)
    assert says in caught.value.found, caught.value.found


def test_a_column_headed_by_its_year_is_read_without_the_year(tmp_path: Path) -> None:
    """'2024' over 8783 hourly values (one short) loaded as 8784, the year as the first hour's
    value at 1,600 times the mean (a third audit of Nordic exports): a header now."""
    values = read_values(_written(tmp_path, "2023\n" + "".join(f"{1 + h % 2}.5\n" for h in range(8760))))
    assert len(values) == 8760 and values[0] == pytest.approx(1.5)
    # quoted Nordic thousands under a year (the check of the column's scale raised ValueError)
    quoted = read_values(_written(tmp_path, "2023\n" + "".join(f'"{1 + h % 2}00,5"\n' for h in range(24))))
    assert quoted[:2].tolist() == [100.5, 200.5]
    short = _written(tmp_path, "2024\n" + "".join(f"{1 + h % 2}.5\n" for h in range(8783)))
    with pytest.raises(ProfileProblem, match="8783 values"):
        load_profile(short)


def _written(tmp_path: Path, text: str) -> Path:
    path = tmp_path / f"p{len(list(tmp_path.iterdir()))}.csv"
    path.write_text(text)
    return path



def _clock_of(hour: int) -> str:
    """An hour as an American export writes it: 12:00 AM, 1:00 AM .. 12:00 PM, 1:00 PM."""
    return f"{(hour - 1) % 12 + 1}:00 {'AM' if hour < 12 else 'PM'}"


def _stamps(start: datetime = datetime(2023, 1, 1), count: int = 8760,
            step: timedelta = timedelta(hours=1)) -> list[datetime]:
    return [start + step * n for n in range(count)]


MÅNEDER = ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
           "november", "desember"]


@pytest.mark.parametrize("text", [
    # day first, slashed (Nordic Excel): not read as times, so not checked
    "".join(f"{t:%d/%m/%Y %H:%M};{1 + i % 2}\n" for i, t in enumerate(_stamps())),
    # month first with AM/PM (an American export), year first with slashes
    "".join(f"{t:%m/%d/%Y} {_clock_of(t.hour)};{1 + i % 2}\n" for i, t in enumerate(_stamps())),
    "".join(f"{t:%Y/%m/%d %H:%M};{1 + i % 2}\n" for i, t in enumerate(_stamps())),
    # a Norwegian date that spells its month
    "".join(f"{t.day}. {MÅNEDER[t.month - 1]} 2023;{1 + i % 2}\n"
            for i, t in enumerate(_stamps(count=365, step=timedelta(days=1)))),
], ids=["day-first", "month-first-am-pm", "year-first", "spelled-norwegian"])
def test_a_profile_of_slashed_or_spelled_dates_is_read(tmp_path: Path, text: str) -> None:
    values = read_values(_written(tmp_path, text))
    assert len(values) in (8760, 365) and values.max() > values.min()


def _hours_of_the_day(day: str) -> list[str]:
    """Hours 01-24 of a day in local time, the hour the clock turns back (29 October 2023) written
    03A and 03B, as some Nordic exports do."""
    if day != "29.10.2023":
        return [f"{h:02d}" for h in range(1, 25)]
    return [f"{h:02d}" for h in range(1, 3)] + ["03A", "03B"] + [f"{h:02d}" for h in range(4, 25)]


@pytest.mark.parametrize(("text", "says"), [
    # slashed dates, day first, from 1 October: every month shifted by nine, without a word before
    ("".join(f"{t:%d/%m/%Y %H:%M};1\n" for t in _stamps(datetime(2022, 10, 1))), "not in January"),
    # month first, newest first
    ("".join(f"{t:%m/%d/%Y} {_clock_of(t.hour)};1\n" for t in reversed(_stamps())), "comes before"),
    # dates that spell their month, from October
    ("".join(f"{t:%d-%b-%Y %H:%M};1\n" for t in _stamps(datetime(2022, 10, 1))), "not in January"),
    # a date and an hour column in local time, the hour the clock turns back written 3A and 3B
    # (refused before as a year and an hour, without the line)
    ("Dato;Time;Verdi\n" + "".join(f"{d};{h};1\n" for d in _days() for h in _hours_of_the_day(d)),
     "line 7229 repeats the time '29.10.2023 03B'"),
], ids=["day-first-from-october", "month-first-newest-first", "spelled-from-october", "hours-3a-3b"])
def test_a_profile_of_slashed_or_spelled_dates_against_the_calendar_is_refused(tmp_path: Path, text: str,
                                                                               says: str) -> None:
    """Slashed dates, dates that spell their month and hours written 3A/3B were not read as times,
    so rows of them went unchecked: a year from October was read as from January."""
    with pytest.raises(ProfileProblem) as caught:
        _profile(tmp_path, text)
    assert says in caught.value.found, caught.value.found


@pytest.mark.parametrize(("notes", "says"), [
    ("Målepunkt: 707057500012345678\nEnhet: kWh\n", "lines 1-2 above the header 'Tid;Verdi' (line 3)"),
    ("Målepunkt;707057500012345678\nEnhet;kWh\n", "lines 1-2 above the header 'Tid;Verdi' (line 3)"),
    ("Eksportert 05.01.2024\n", "line 1 above the header 'Tid;Verdi' (line 2)"),
    # one line naming the meter by its number: 'Målepunkt' where every other row has a time, a
    # second header line, or lines of 3 and 2 columns
    ("Målepunkt;707057500012345678\n", "line 1 above the header 'Tid;Verdi' (line 2): notes of the export "
                                       "('Målepunkt 707057500012345678')"),
    ("Meter;4711-22\n", "line 1 above the header 'Tid;Verdi' (line 2)"),
    ("Meter;4711;22\n", "line 1 above the header 'Tid;Verdi' (line 2)"),
    ("Målepunkt;707057500012345678\nKunde;12345\n", "lines 1-2 above the header 'Tid;Verdi' (line 3)"),
], ids=["colons", "columns", "one-line", "meter-number", "meter-id", "meter-id-in-columns", "two-numbers"])
def test_an_exports_notes_above_its_header_are_named_as_notes(tmp_path: Path, notes: str, says: str) -> None:
    """A meter export's notes above the header were refused as 'a second header line' at the
    header itself, or as 'every row needs a number' at 'kWh' (a fourth audit of Nordic exports);
    a note ending in the meter's number or id was taken for a row of values or a header line."""
    rows = "".join(f"{t:%Y-%m-%d %H:%M};{1 + i % 2},5\n" for i, t in enumerate(_stamps()))
    with pytest.raises(ProfileProblem) as caught:
        read_values(_written(tmp_path, notes + "Tid;Verdi\n" + rows))
    assert says in caught.value.found and "notes of the export" in caught.value.found
    assert caught.value.line == 1 and "delete the lines above the header" in caught.value.hint


def test_a_whole_number_value_before_a_quality_code_is_two_columns_of_values(tmp_path: Path) -> None:
    """Without a header, a column of whole numbers before the last was taken for a date or count,
    so a meter's whole-kWh values before its quality code (0) read the code as the profile. A
    year, month, day or hour stays one (0-31, or years)."""
    rows = "".join(f"{t:%Y-%m-%d %H:%M};{1500 + i % 7 * 10};0\n" for i, t in enumerate(_stamps()))
    with pytest.raises(ProfileProblem, match="two columns of values: column 2 and the last"):
        read_values(_written(tmp_path, rows))
    calendar_columns = "".join(f"{t.year};{t.month};{t.day};{t.hour};{1 + t.hour % 2}\n" for t in _stamps())
    assert read_values(_written(tmp_path, calendar_columns))[:2].tolist() == [1.0, 2.0]


_DAYS_OF_2023 = _stamps(count=365, step=timedelta(days=1))


def _whole_megawatts(count: int) -> list[int]:
    """Whole-MW values of 0-31 that rise and fall as a load does (9, 12, 7, ...): no calendar's steps."""
    return [round(15 + 14 * math.sin(n * 0.7) * math.cos(n / 50)) for n in range(count)]


@pytest.mark.parametrize(("text", "line"), [
    # whole MW of 0-31, then a quality code of 0-2: the first column passed as a day or hour (0-366)
    ("".join(f"{v};{i % 3}\n" for i, v in enumerate(_whole_megawatts(8760))), 2),
    ("".join(f"{v}\t{i % 3}\n" for i, v in enumerate(_whole_megawatts(365))), 2),
    # a date repeated each hour, then whole MW of 0-31 and the code: the value was taken as an hour
    # column written otherwise (past 25), and left aside
    ("".join(f"{t:%d.%m.%Y};{v};{i % 3}\n"
             for i, (t, v) in enumerate(zip(_stamps(), _whole_megawatts(8760), strict=True))), 2),
    # one number in every row of a day's 24: the day of the month, or a value that never changes?
    ("".join(f"12;{h % 2}\n" for h in range(24)), 1),
    # the same with values of 0-25, which read as hours: a date, its "hour" and a value, refused
    # as '... comes before the line above', the hours blamed; numbers that do not count the hours
    # of each date (without a header naming them) are values
    ("".join(f"{t:%Y-%m-%d};{min(v, 25)};{i % 3}\n"
             for i, (t, v) in enumerate(zip(_stamps(), _whole_megawatts(8760), strict=True))), 2),
], ids=["value-and-code", "daily-tabs", "date-value-and-code", "same-in-every-row",
        "date-hourlike-value-and-code"])
def test_a_value_of_0_to_31_before_a_quality_code_is_two_columns_of_values(tmp_path: Path, text: str,
                                                                            line: int) -> None:
    """Without a header, a whole-number column of 0-366 before the last was taken for a day, month or
    hour, so whole-MW values of 0-31 before a quality code read the code (0, 1, 2) as the profile,
    without a word. A column that dates rows steps as the calendar does (the same, one more, or back
    to 0 or 1, and not the same all along); where it does not, the file is refused with the line and
    the fix: one column of values, or a header naming a column that dates the rows."""
    with pytest.raises(ProfileProblem) as caught:
        read_values(_written(tmp_path, text))
    found, hint = caught.value.found, caught.value.hint
    assert found.startswith("two columns of values: column ") and caught.value.line == line, found
    assert "keep one column of values" in hint and "add a header line naming the columns" in hint
    if text.partition("\n")[0].count(";") == 1:  # the fix, where column 1 is a day: read as such
        assert read_values(_written(tmp_path, "Dag;Verdi\n" + text)).tolist()[:2] == [0.0, 1.0]
    # a day of the month (a daily file) or a day and an hour (hourly) before whole MW of 0-31: read
    days = "".join(f"{t.day};{v}\n" for t, v in zip(_DAYS_OF_2023, _whole_megawatts(365), strict=True))
    assert read_values(_written(tmp_path, days)).tolist() == _whole_megawatts(365)
    hours = "".join(f"{t.day};{t.hour};{v}\n" for t, v in zip(_stamps(), _whole_megawatts(8760), strict=True))
    assert read_values(_written(tmp_path, hours)).tolist() == _whole_megawatts(8760)


@pytest.mark.parametrize("text", [
    # compact dates and a day of the year without a header (refused as 'two columns of values')
    "".join(f"{t:%Y%m%d};{1 + i % 2}\n" for i, t in enumerate(_DAYS_OF_2023)),
    "".join(f"{t:%Y%m%d%H};{1 + i % 2}\n" for i, t in enumerate(_stamps())),
    "".join(f"{t.timetuple().tm_yday};{t.hour};{1 + i % 2}\n" for i, t in enumerate(_stamps())),
    # thousands points and decimal commas, the first rows of 1000 or more (refused as notes)
    "Tid;Verdi\n" + "".join(f"{t:%Y-%m-%d %H:%M};{'1.200,5' if i < 3 else '950,5'}\n"
                            for i, t in enumerate(_stamps())),
    # a year first in two digits (read day first: '364.0 days after the line above')
    "".join(f"{t:%y-%m-%d %H:%M};{1 + i % 2}\n" for i, t in enumerate(_stamps())),
    "".join(f"{t:%y/%m/%d};{1 + i % 2}\n" for i, t in enumerate(_DAYS_OF_2023)),
], ids=["yyyymmdd", "yyyymmddhh", "day-of-year-and-hour", "dot-thousands-first", "yy-mm-dd", "yy/mm/dd"])
def test_exports_the_new_time_checks_refused_are_read(tmp_path: Path, text: str) -> None:
    """Each was read before this session's time and notes checks and refused by their first
    version (a review of them)."""
    values = read_values(_written(tmp_path, text))
    assert len(values) in (8760, 365) and values.max() > values.min()


@pytest.mark.parametrize(("text", "says"), [
    # a value written with spaced thousands before a quality code: a ValueError, not a problem
    ("".join(f"{t:%Y-%m-%d %H:%M};1 500;{1 + i % 2}\n" for i, t in enumerate(_stamps())),
     "two columns of values"),
    # missing values at the start were called notes above a header, to be deleted
    ("Tid;Verdi\n" + "".join(f"{t:%Y-%m-%d %H:%M};{'-' if i < 2 else '1,5'}\n"
                            for i, t in enumerate(_stamps())), "'-' on line 2"),
], ids=["spaced-thousands-value", "missing-first-values"])
def test_what_the_new_checks_said_wrong_is_said_right(tmp_path: Path, text: str, says: str) -> None:
    with pytest.raises(ProfileProblem) as caught:
        read_values(_written(tmp_path, text))
    assert caught.value.found.startswith(says), caught.value.found
