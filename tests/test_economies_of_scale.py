"""Economies of scale: a technology's cost curve enters as a piecewise-linear investment."""

from __future__ import annotations

import pandas as pd
import pytest

import symbiosis
from symbiosis.park import capital_recovery_factor

FIRMS = {
    "foundry": {
        "location": {"x": "0 m", "y": "0 m"},
        "streams": {
            "flue": {
                "direction": "supply",
                "carrier": "heat",
                "temperature": "150 degC",
                "target_temperature": "100 degC",
                "amount": "30 MW",
                "current": "cooling_tower",
            }
        },
    },
    "town": {
        "location": {"x": "1000 m", "y": "0 m"},
        "streams": {
            "network": {
                "direction": "demand",
                "carrier": "heat",
                "temperature": "50 degC",
                "target_temperature": "80 degC",
                "amount": "12 MW",
                "current": "gas_boiler",
            }
        },
    },
}
PIPE = {
    "investment": "0 NOK",
    "investment_per_length": "0 NOK/m",
    "running_cost": "0 NOK/MWh",
    "loss_per_km": "0 %",
    "min_capacity": "0 MW",
    "fixed_om": "0 %",
    "lifetime": "30 year",
}
CURVE = [
    {"capacity": "10 MW", "investment": "10000000 NOK"},
    {"capacity": "20 MW", "investment": "15000000 NOK"},
]


def test_investment_follows_the_curve(make_park) -> None:
    """12 MW lies on the second segment: 10 MNOK + (15 - 10) MNOK x (12 - 10) / (20 - 10) = 11 MNOK."""
    park = make_park(
        FIRMS, technologies={"hot_water_pipe": {**PIPE, "cost_curve": CURVE}, "heat_pump": {"enabled": False}}
    )
    result = symbiosis.optimize(park)
    (pipe,) = result.exchanges.itertuples()
    assert pipe.capacity == pytest.approx(12)
    assert pipe.investment == pytest.approx(11e6)
    crf = capital_recovery_factor(0.07, 30)
    boiler = 0.55e3  # NOK/MWh, conftest's gas boiler; the cooling tower costs 10 NOK/MWh
    expected = crf * 11e6 + (30 - 12) * 8760 * 10
    assert result.total_cost == pytest.approx(expected, rel=1e-6)
    assert result.summary["baseline_cost"] == pytest.approx(12 * 8760 * boiler + 30 * 8760 * 10)


def test_a_parks_own_linear_price_replaces_the_catalogue_curve(make_park) -> None:
    park = make_park(
        FIRMS,
        technologies={
            "hot_water_pipe": {**PIPE, "investment_per_capacity": "500000 NOK/MW"},
            "heat_pump": {"enabled": False},
        },
    )
    assert park.technologies["hot_water_pipe"].cost_curve == ()
    result = symbiosis.optimize(park)
    assert result.exchanges.iloc[0]["investment"] == pytest.approx(12 * 500000)


def one_pipe_model(make_park):
    """The park above as a Pyomo model: one curved pipe of at most 12 MW (the town's need)."""
    from symbiosis.candidates import find_candidates
    from symbiosis.models import build_model
    from symbiosis.problem import to_model_data
    from symbiosis.time import time_steps

    park = make_park(
        FIRMS, technologies={"hot_water_pipe": {**PIPE, "cost_curve": CURVE}, "heat_pump": {"enabled": False}}
    )
    candidates = find_candidates(park)
    data = to_model_data(park, candidates, time_steps(park))
    (link,) = data.links
    return build_model(data), link


def test_the_chord_row_makes_the_relaxation_exact_for_one_curved_link(make_park) -> None:
    """The curve runs (0, 0), (10 MW, 10 MNOK), (20 MW, 15 MNOK), extended by its last slope to
    24 MW (twice the 12 MW largest size). The incremental form's relaxation alone prices 12 MW on
    the chord to 24 MW: 12 x 17 / 24 = 8.5 MNOK. The chord row to the largest size (12 MW,
    11 MNOK) lifts it to 11 MNOK, the investment of the MIP: the relaxation is exact here."""
    import pyomo.environ as pyo

    from symbiosis.solvers import SolveOptions, solve

    model, link = one_pipe_model(make_park)
    assert link.max_capacity == pytest.approx(12)
    assert link.cost_curve[-1] == pytest.approx((24, 17e6))
    pyo.TransformationFactory("core.relax_integer_vars").apply_to(model)
    crf = capital_recovery_factor(0.07, 30)
    expected = crf * 11e6 + (30 - 12) * 8760 * 10  # as in test_investment_follows_the_curve
    assert solve(model, SolveOptions()).objective == pytest.approx(expected, rel=1e-6)
    model.links.curve_above_chord.deactivate()
    chord_to_24 = crf * 8.5e6 + (30 - 12) * 8760 * 10
    assert solve(model, SolveOptions()).objective == pytest.approx(chord_to_24, rel=1e-6)


def test_no_chord_row_for_a_curve_below_its_chord() -> None:
    """A curve that is convex up to the largest size lies below its chord there: the row would
    cut off the true cost, so it is left out; a concave one gets it, tight at the largest size."""
    from types import SimpleNamespace

    from symbiosis.models.links import chord_terms

    concave = SimpleNamespace(cost_curve=((0, 0), (10, 10e6), (20, 15e6), (24, 17e6)), max_capacity=12)
    convex = SimpleNamespace(cost_curve=((0, 0), (10, 5e6), (20, 15e6), (24, 19e6)), max_capacity=12)
    at_the_end = SimpleNamespace(cost_curve=concave.cost_curve, max_capacity=24)
    assert chord_terms(convex) == ()
    assert chord_terms(at_the_end) == ()
    fills_at_12 = {1: 1.0, 2: 0.2, 3: 0.0}  # 10 MW of the first segment, 2 of the second
    row = dict(chord_terms(concave))
    assert sorted(row) == [1, 2, 3]
    assert sum(a * fills_at_12[p] for p, a in row.items()) == pytest.approx(0, abs=1e-12)
    assert row[1] > 0 > row[2]


def test_the_value_of_heat_over_a_curved_pipe_is_the_change_in_cost(make_park) -> None:
    """The town's heat is worth what one more MWh a year changes the park's cost: the pipe grows
    along its curve's second segment (0.5 MNOK per MW, annualised) and takes surplus the cooling
    tower no longer cools. The dual LP lifts the chord row with the size bounds, which both hold
    the pipe at the town's 12 MW (here the town's own limit binds there too, so HiGHS may price
    either; the value must still be this difference)."""
    def park(demand_mw: float):
        firms = {**FIRMS, "town": {**FIRMS["town"], "streams": {"network": {
            **FIRMS["town"]["streams"]["network"], "amount": f"{demand_mw} MW"}}}}
        return make_park(firms, technologies={"hot_water_pipe": {**PIPE, "cost_curve": CURVE},
                                              "heat_pump": {"enabled": False}})

    reference = symbiosis.optimize(park(12))
    moved = symbiosis.optimize(park(12.01))
    difference = (moved.total_cost - reference.total_cost) / (0.01 * 8760)  # NOK per MWh a year
    crf = capital_recovery_factor(0.07, 30)
    assert difference == pytest.approx(crf * 0.5e6 / 8760 - 10, rel=1e-4)
    value = reference.values.set_index("stream").loc["town.network", "value"]
    assert value == pytest.approx(difference, rel=1e-4)


def test_a_saved_result_reads_back_its_tables_as_they_were(make_park, tmp_path) -> None:
    """Result.load gave the candidates table an id index (the solved result has 0, 1, ...) and
    their cost curves as text, so a loaded result's candidates differed from the saved one's."""
    park = make_park(
        FIRMS, technologies={"hot_water_pipe": {**PIPE, "cost_curve": CURVE}, "heat_pump": {"enabled": False}}
    )
    result = symbiosis.optimize(park)
    loaded = symbiosis.Result.load(result.save(tmp_path / "saved"))
    assert loaded.candidates.loc[0, "cost_curve"] == result.candidates.loc[0, "cost_curve"]
    assert loaded.candidates.loc[0, "cost_curve"][-1] == pytest.approx((24, 17e6))
    for name in ("exchanges", "firms", "routes", "flows", "candidates"):
        # dtypes too: the candidates' unit columns were object in memory, text when read back (an audit)
        pd.testing.assert_frame_equal(getattr(loaded, name), getattr(result, name))


HUB_FIRMS = {
    "plant": {"location": {"x": "300 m", "y": "400 m"}, "streams": {"cool": {
        "direction": "supply", "carrier": "heat", "temperature": "30 degC", "target_temperature": "25 degC",
        "amount": "10 GWh/year", "current": "tower"}}},
    "town": {"location": {"x": "-300 m", "y": "-400 m"}, "streams": {"dh": {
        "direction": "demand", "carrier": "heat", "temperature": "60 degC", "target_temperature": "70 degC",
        "amount": "8760 MWh/year", "current": "boiler"}}},
}
HUB_ROUTES = {"grid": {"carrier": "electricity", "price": "0.02 EUR/kWh"},
              "boiler": {"carrier": "heat", "price": "0.08 EUR/kWh", "temperature": "200 degC"},
              "tower": {"carrier": "heat", "price": "0.002 EUR/kWh", "temperature": "5 degC"}}
HUB = {"loop": {"location": {"x": "0 m", "y": "0 m"}, "technologies": ["heat_pump"],
                "collect": {"from": "10 degC", "to": "20 degC"},
                "deliver": {"from": "95 degC", "to": "80 degC"}}}


@pytest.mark.parametrize(("curve", "investment"), [
    ("catalogue", 1_300_000.0),  # the catalogue's point (1 MW, 1.3 MEUR)
    ([], 850_000.0),  # cost_curve: [] -> investment_per_capacity, 850,000 EUR/MW x 1 MW
])
def test_a_hubs_heat_pump_follows_the_cost_curve(make_park, curve, investment: float) -> None:
    """The town takes 8,760 MWh/yr (1 MW all year, annual time), so the hub's heat pump is
    built at 1 MW of heat delivered. It was priced per MW (850,000 EUR) whatever its size,
    while a heat-pump link follows the catalogue's curve: 1.3 MEUR at 1 MW, 0.73 MEUR/MW at
    30 MW. Pooling the firms' heat in one larger unit is what a hub is for."""
    heat_pump = {"investment": "0 EUR", "min_capacity": "0.1 MW", "investment_per_length": "0 EUR/m",
                 "max_distance": "0.5 km"}  # no heat-pump link from plant to town (1 km): the hub only
    if curve != "catalogue":
        heat_pump["cost_curve"] = curve
    park = make_park(HUB_FIRMS, hubs=HUB, routes=HUB_ROUTES, technologies={"heat_pump": heat_pump,
                     "hot_water_pipe": {"loss_per_km": "0 %"}},  # 1 MW leaves the hub, 1 MW arrives
                     park={"currency": "EUR", "discount_rate": "10 %", "electricity": "grid",
                           "routing_factor": 1.0})
    result = symbiosis.optimize(park)
    (unit,) = result.exchanges[result.exchanges["kind"] == "heat_pump_hub"].itertuples()
    assert unit.capacity == pytest.approx(1.0, rel=1e-6)
    assert unit.investment == pytest.approx(investment, rel=1e-6)
    # the optimum prices it so too: total cost = what the tables add up to
    assert result.total_cost == pytest.approx(result.exchanges["annual_cost"].sum()
                                              + result.routes["annual_cost"].sum(), rel=1e-9)
