"""Numerics: one park in watts or gigawatts, kilograms or megatonnes, gives one answer; badly
scaled data is reported; the same park solved twice gives identical tables."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import PARKS, park_dict, write_park

import symbiosis
from symbiosis.cli import cli
from symbiosis.park import scaling_warnings

NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
# Each unit as the example parks write it -> the same quantity in a smaller and a larger unit
# (the number multiplied by the factor).
SMALL = {"GWh/year": (1e6, "kWh/year"), "t/year": (1e3, "kg/year"), "MW": (1e6, "W"), "t/h": (1e3, "kg/h"),
         "NOK/kWh": (1e-3, "NOK/Wh"), "SEK/kWh": (1e-3, "SEK/Wh"), "NOK/t": (1e-3, "NOK/kg"),
         "SEK/t": (1e-3, "SEK/kg"), "kg/kWh": (1e3, "g/kWh"), "t/t": (1e3, "kg/t")}
LARGE = {"GWh/year": (1e-3, "TWh/year"), "t/year": (1e-6, "Mt/year"), "MW": (1e-3, "GW"),
         "t/h": (1e-6, "Mt/h"),
         "NOK/kWh": (1e6, "NOK/GWh"), "SEK/kWh": (1e6, "SEK/GWh"), "NOK/t": (1e6, "NOK/Mt"),
         "SEK/t": (1e6, "SEK/Mt"), "kg/kWh": (1e-3, "t/kWh"), "t/t": (1e6, "t/Mt")}
KEYS = ("amount", "capacity", "price", "emissions", "electrolyser")


def rewrite(text: str, units: dict[str, tuple[float, str]]) -> tuple[str, int]:
    """``text`` with every amount, capacity, price and emission in the other units; how many."""
    pattern = re.compile(rf"\b(?P<key>{'|'.join(KEYS)}): (?P<number>{NUMBER}) (?P<unit>[\w/]+)")
    count = 0

    def convert(match: re.Match) -> str:
        nonlocal count
        if match["unit"] not in units:
            return match[0]
        count += 1
        factor, unit = units[match["unit"]]
        return f"{match['key']}: {float(match['number']) * factor!r} {unit}"

    return pattern.sub(convert, text), count


def copy_park(name: str, folder: Path, units: dict[str, tuple[float, str]] | None) -> Path:
    shutil.copytree(PARKS / name, folder)
    if units is not None:
        text, count = rewrite((folder / "park.yaml").read_text(encoding="utf-8"), units)
        assert count > 20
        (folder / "park.yaml").write_text(text, encoding="utf-8")
    return folder


def key_figures(result: symbiosis.Result) -> pd.DataFrame:
    return result.exchanges.set_index(["from_firm", "from_stream", "to_firm", "to_stream", "technology",
                                       "existing"])


@pytest.mark.parametrize("name", ["mo_industripark", "hofors_borlange"])
def test_watts_to_gigawatts_and_kilograms_to_megatonnes_give_one_answer(tmp_path: Path, name: str) -> None:
    results = {}
    for label, units in (("as written", None), ("small", SMALL), ("large", LARGE)):
        park = symbiosis.load_park(copy_park(name, tmp_path / label, units))
        results[label] = symbiosis.optimize(park)
    reference = results["as written"]
    assert reference.status == "optimal" and len(reference.exchanges) > 0
    for label in ("small", "large"):
        result = results[label]
        assert result.status == "optimal", label
        assert set(key_figures(result).index) == set(key_figures(reference).index), label
        for key in ("total_cost", "baseline_cost", "saving", "emissions", "baseline_emissions"):
            assert float(result.summary[key]) == pytest.approx(float(reference.summary[key]), rel=1e-6), key
        joined = key_figures(reference).join(key_figures(result), rsuffix="_other")
        for column in ("capacity", "annual_amount", "investment", "annual_cost", "saving"):
            assert joined[f"{column}_other"].to_numpy() == pytest.approx(joined[column].to_numpy(), rel=1e-6)
        assert result.summary["warnings"] == []


def test_the_rewrite_is_exact_at_the_border(tmp_path: Path) -> None:
    """Every stream's amount and every route's price load to the same base numbers."""
    parks = {label: symbiosis.load_park(copy_park("raufoss", tmp_path / label, units))
             for label, units in (("as written", None), ("small", SMALL), ("large", LARGE))}
    reference = parks["as written"]
    for label in ("small", "large"):
        for stream in reference.streams:
            assert parks[label].stream(stream.key).amount == pytest.approx(stream.amount, rel=1e-12)
        for route in reference.routes.values():
            other = parks[label].routes[route.id]
            assert (other.price, other.emissions) == pytest.approx((route.price, route.emissions), rel=1e-12)


# -- badly scaled data is reported ----------------------------------------------------------------
def _site(amount: str, x: str = "0 m") -> dict:
    return {"location": {"x": x, "y": "0 m"}, "streams": {
        "flue_gas": {"direction": "supply", "carrier": "heat", "temperature": "180 degC",
                     "target_temperature": "90 degC", "amount": amount, "current": "cooling_tower"}}}


TOWN = {"location": {"x": "800 m", "y": "0 m"}, "streams": {
    "network": {"direction": "demand", "carrier": "heat", "temperature": "50 degC",
                "target_temperature": "80 degC", "amount": "30 GWh/year", "current": "gas_boiler"}}}


def test_a_1_watt_stream_next_to_a_1_gigawatt_stream_is_reported(tmp_path: Path) -> None:
    folder = write_park(tmp_path / "park", park_dict(
        {"tiny": _site("1 W", "100 m"), "huge": _site("1 GW"), "town": TOWN}))
    park = symbiosis.load_park(folder)
    (warning,) = scaling_warnings(park)
    assert "heat amounts span a factor of 1e+09" in warning
    assert "tiny.flue_gas has 1 W" in warning and "huge.flue_gas 1 GW" in warning
    result = symbiosis.optimize(park)
    assert result.summary["warnings"] == [warning]
    assert result.to_dict()["summary"]["warnings"] == [warning]
    result.save(tmp_path / "out")  # a list in the summary is written to JSON and Excel
    assert symbiosis.Result.load(tmp_path / "out").summary["warnings"] == [warning]
    run = CliRunner().invoke(cli, ["optimize", str(folder), "--json"])
    assert run.exit_code == 0, run.output
    assert "warning" in run.stderr and "tiny.flue_gas" in run.stderr
    assert "tiny.flue_gas has 1 W" not in run.stdout.split("\n")[0]  # stdout is only the JSON


def test_an_absurd_price_is_reported(tmp_path: Path) -> None:
    park = symbiosis.load_park(write_park(tmp_path / "park", park_dict(
        {"smelter": _site("40 GWh/year"), "town": TOWN},
        routes={"gas_boiler": {"carrier": "heat", "price": "2000 NOK/kWh", "temperature": "250 degC"},
                "grey_hydrogen": {"carrier": "hydrogen", "price": "50000 NOK/kg"}})))
    warnings = scaling_warnings(park)
    assert len(warnings) == 2
    assert "route 'gas_boiler' has a price of 2,000,000 NOK/MWh" in warnings[0]
    assert "route 'grey_hydrogen'" in warnings[1] and "NOK/MWh" in warnings[1]


@pytest.mark.parametrize(("currency", "route", "warned"), [
    ("NOK", {"carrier": "heat", "price": "0.55 NOK/Wh", "temperature": "250 degC"}, True),
    ("NOK", {"carrier": "heat", "price": "0.55 NOK/kWh", "temperature": "250 degC"}, False),
    ("EUR", {"carrier": "heat", "price": "0.05 EUR/Wh", "temperature": "250 degC"}, True),
    ("EUR", {"carrier": "heat", "price": "3000 EUR/MWh", "temperature": "250 degC"}, False),
    ("EUR", {"carrier": "material", "price": "0.10 EUR/g"}, True),
    ("EUR", {"carrier": "material", "price": "30000 EUR/t"}, False),
    ("SEK", {"carrier": "material", "price": "0.10 EUR/g"}, True),
])
def test_a_price_a_thousand_times_too_high_is_reported_in_any_currency(tmp_path: Path, currency: str,
                                                                       route: dict, warned: bool) -> None:
    """The warning stood at a million of the park's currency per MWh or t: 0.55 NOK/Wh (550,000
    NOK/MWh) and, in EUR, 0.05 EUR/Wh and 0.10 EUR/g passed unsaid (an audit of units). Now
    10,000 EUR/MWh and 50,000 EUR/t at the park's rate (3,000 EUR/MWh, a price spike, and
    30,000 EUR/t, cobalt, are not warned of)."""
    park = symbiosis.load_park(write_park(tmp_path / "park", park_dict(
        {"smelter": _site("40 GWh/year"), "town": TOWN}, park={"currency": currency,
                                                              "carbon_price": f"0 {currency}/t"},
        routes={"odd": route})))
    said = [w for w in scaling_warnings(park) if "route 'odd'" in w]
    assert bool(said) == warned, said


def test_an_existing_link_far_larger_than_its_streams_is_reported(tmp_path: Path) -> None:
    """A 50 MW existing pipe between a 40 GWh/year (4.57 MW) surplus and a 30 GWh/year need
    loaded without a word: a unit gone astray (kW written as MW, a rate per day)."""
    park = symbiosis.load_park(write_park(tmp_path / "park", park_dict(
        {"smelter": _site("40 GWh/year"), "town": TOWN},
        existing=[{"from": "smelter.flue_gas", "to": "town.network", "technology": "hot_water_pipe",
                   "capacity": "50 MW"}])))
    (warning,) = scaling_warnings(park)
    assert "existing link smelter.flue_gas -> town.network" in warning and "50 MW" in warning
    assert "4.57 MW" in warning


def test_a_purchase_at_a_negative_price_is_pointed_at(tmp_path: Path) -> None:
    """The town buying its heat at -550 NOK/MWh (a slipped sign) is paid 16.5 MNOK a year for
    it today, and any exchange gives that up: loaded without a word. Right for a gate fee, so a
    warning, not a refusal."""
    routes = {"gas_boiler": {"carrier": "heat", "price": "-0.55 NOK/kWh", "temperature": "250 degC"}}
    park = symbiosis.load_park(write_park(tmp_path / "park", park_dict(
        {"smelter": _site("40 GWh/year"), "town": TOWN}, routes=routes)))
    (warning,) = scaling_warnings(park)
    assert "town.network buys from route 'gas_boiler' at a negative price (-550 NOK/MWh)" in warning
    assert "gate fee" in warning and "check the sign" in warning


@pytest.mark.parametrize("name", sorted(p.name for p in PARKS.iterdir() if (p / "park.yaml").is_file()))
def test_the_example_parks_are_well_scaled(name: str) -> None:
    assert scaling_warnings(symbiosis.load_park(PARKS / name)) == []


def test_far_beyond_any_park_is_an_error_not_a_wrong_answer(tmp_path: Path) -> None:
    """A price of 1e12 NOK/kWh would leave the solver's answer off; it is refused at the border."""
    folder = write_park(tmp_path / "park", park_dict(
        {"smelter": _site("40 GWh/year"), "town": TOWN},
        routes={"gas_boiler": {"carrier": "heat", "price": "1e12 NOK/kWh", "temperature": "250 degC"}}))
    with pytest.raises(symbiosis.ParkError) as caught:
        symbiosis.load_park(folder)
    (problem,) = caught.value.problems
    assert problem.field == "routes.gas_boiler.price" and "1e+15 NOK/MWh" in problem.found
    assert "of at most" in problem.expected and "either way" in problem.expected


# -- the same park twice: identical tables --------------------------------------------------------
@pytest.mark.parametrize("name", ["raufoss", "mo_industripark"])
def test_solving_twice_gives_identical_tables(name: str) -> None:
    park = symbiosis.load_park(PARKS / name)
    first, second = symbiosis.optimize(park), symbiosis.optimize(park)
    for table in ("exchanges", "firms", "routes", "flows", "candidates", "values"):
        pd.testing.assert_frame_equal(getattr(first, table), getattr(second, table), check_exact=True)
    timing = sorted(key for key in first.summary.index if key.endswith("_s") or key == "solver_log")
    assert first.summary.drop(timing).to_dict() == second.summary.drop(timing).to_dict()


def test_a_payback_of_rounding_noise_is_never() -> None:
    """A store whose saving just covers its capital has an operating benefit of solver rounding
    (4.9e-12 EUR/yr on 21,160 EUR): its payback read 4.3e15 years; it never comes (null)."""
    from symbiosis.results.extract import _payback

    assert _payback(21160.0, 4.9e-12) == float("inf")
    assert _payback(21160.0, -3.0) == float("inf")
    assert _payback(21160.0, 2116.0) == pytest.approx(10.0)
    assert _payback(0.0, 5.0) == 0.0



def test_a_route_a_scenario_or_set_adds_and_nothing_uses_is_said(tmp_path: Path) -> None:
    """Found by an audit: a mistyped route in a scenario, given a carrier, was a new route no
    stream buys from, and the run silently the base case. A park file's own spare routes (kept
    for what-ifs, as Raufoss's lpg_burner) are not said."""
    spare = {"carrier": "heat", "price": "0.9 NOK/kWh", "temperature": "400 degC"}
    folder = write_park(tmp_path / "park", park_dict({"town": TOWN}, routes={"lpg_burner": spare}),
                        files={"scenarios/dear.yaml": "routes:\n  gas_boyler: {carrier: heat, "
                               "price: 0.9 NOK/kWh, temperature: 300 degC}\n"})
    assert scaling_warnings(symbiosis.load_park(folder)) == []
    (warning,) = scaling_warnings(symbiosis.load_park(folder, scenario="dear"))
    assert warning.startswith("route 'gas_boyler', added by scenario dear, is the current route of no stream")
    assert warning.endswith("did you mean 'gas_boiler'?")
    fresh = {"carrier": "material", "price": "1 NOK/t"}
    added = symbiosis.load_park(folder, overrides={"routes.fresh": fresh})
    (warning,) = scaling_warnings(added)
    assert "route 'fresh', added by --set" in warning and "remove it" in warning


@pytest.mark.parametrize(("change", "says"), [
    # Found by an audit: each passed without a word.
    ({"routes": {"grid": {"carrier": "electricity", "price": "0.65 NOK/kWh", "emissions": "0.019 t/kWh"}}},
     "route 'grid' emits 19 t CO2 per MWh, more than the most emitting power plant"),
    ({"amount": "0 GWh/year"}, "town.network has an amount of 0: it takes part in no exchange"),
    ({"temperature": "45000 degC"}, "plant.flue_gas reaches 45,000 degC, hotter than any industrial"),
    # a later audit: a price per kWh written per MWh made every exchange look worthless
    ({"routes": {"gas_boiler": {"carrier": "heat", "price": "0.55 NOK/MWh", "temperature": "250 degC"}}},
     "route 'gas_boiler' sells at 0.55 NOK/MWh, less than 11.6 NOK/MWh, below any heat bought over a year"),
    ({"routes": {"grid": {"carrier": "electricity", "price": "-10 NOK/MWh"}}},
     "park.electricity route 'grid' has a negative price (-10 NOK/MWh): heat pumps, electrolysers and hubs "
     "would be paid to run"),
])
def test_implausible_values_are_warned_of(tmp_path: Path, change: dict, says: str) -> None:
    plant = _site("20 MW")
    stream = "flue_gas" if {"temperature", "target_temperature"} & set(change) else None
    if stream:
        plant["streams"][stream].update(change)
    town = {**TOWN, "streams": {"network": {**TOWN["streams"]["network"],
                                            **({"amount": change["amount"]} if "amount" in change else {})}}}
    folder = write_park(tmp_path / "park", park_dict({"town": town, "plant": plant},
                                                     routes=change.get("routes", {})))
    assert any(says in warning for warning in scaling_warnings(symbiosis.load_park(folder)))


def test_a_temperature_in_kelvin_meant_as_degc_is_warned_of_and_lng_is_not(tmp_path: Path) -> None:
    """'40 K' for 40 degC: the demand then reaches down to -233 degC and any surplus heats its
    lower part (an audit: a 35 degC surplus heated a '40 K -> 60 degC' district heating, 35 % more
    saving than there is). An LNG vaporiser from -160 degC (Hofors-Borlänge) is a real stream."""
    town = {**TOWN, "streams": {"network": {**TOWN["streams"]["network"], "temperature": "40 K"}}}
    folder = write_park(tmp_path / "park", park_dict({"town": town, "plant": _site("20 MW")}))
    (warning,) = scaling_warnings(symbiosis.load_park(folder))
    assert warning == ("town.network reaches -233 degC, colder than any industrial process: '40 K' is "
                       "absolute; write degC if that was meant")
    town["streams"]["network"]["temperature"] = "-160 degC"
    folder = write_park(tmp_path / "lng", park_dict({"town": town, "plant": _site("20 MW")}))
    assert scaling_warnings(symbiosis.load_park(folder)) == []


def test_firm_and_stream_ids_differing_in_case_alone_are_warned_of(tmp_path: Path) -> None:
    """'smelter' and 'Smelter' ran as two firms, a link between them shown as between firms (an audit)."""
    plant = _site("20 MW")
    plant["streams"]["Flue_gas"] = plant["streams"]["flue_gas"]
    folder = write_park(tmp_path / "park", park_dict({"town": TOWN, "Town": TOWN, "plant": plant}))
    warnings = scaling_warnings(symbiosis.load_park(folder))
    assert warnings[0].startswith("firms 'town' and 'Town' differ in case alone: they are told apart (two")
    assert warnings[1].startswith("firm plant's streams 'flue_gas' and 'Flue_gas' differ in case alone")


def test_grey_hydrogen_at_11_kg_per_kg_is_plausible(tmp_path: Path) -> None:
    """11 t CO2 per t of hydrogen is 0.33 t per MWh of its heating value: no warning."""
    grey = {"carrier": "hydrogen", "price": "35 NOK/kg", "emissions": "11 kg/kg"}
    folder = write_park(tmp_path / "park", park_dict({"town": TOWN}, routes={"grey_hydrogen": grey}))
    assert scaling_warnings(symbiosis.load_park(folder)) == []
