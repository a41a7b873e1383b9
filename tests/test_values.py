"""Stream values (dual prices with the build decisions fixed) against finite differences."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import symbiosis
from symbiosis.cli import cli

FIRMS = {
    "plant": {"location": {"x": "0 m", "y": "0 m"}, "streams": {
        "cooling": {"direction": "supply", "carrier": "heat", "temperature": "95 degC",
                    "target_temperature": "60 degC", "amount": "18 GWh/year", "current": "cooling_tower"},
        "slag": {"direction": "supply", "carrier": "material", "material": "slag", "amount": "3000 t/year",
                 "current": "landfill"}}},
    "town": {"location": {"x": "700 m", "y": "0 m"}, "streams": {
        "network": {"direction": "demand", "carrier": "heat", "temperature": "40 degC",
                    "target_temperature": "70 degC", "amount": "10 GWh/year", "current": "gas_boiler"},
        "slag": {"direction": "demand", "carrier": "material", "material": "slag", "amount": "2000 t/year",
                 "current": "quarry"}}},
}
ROUTES = {"landfill": {"carrier": "material", "price": "1200 NOK/t"},
          "quarry": {"carrier": "material", "price": "300 NOK/t", "emissions": "0.01 t/t"}}


def _cost(make_park, changes: dict) -> float:
    firms = {f: {**firm, "streams": {s: {**stream, **changes.get(f"{f}.{s}", {})}
                                     for s, stream in firm["streams"].items()}} for f, firm in FIRMS.items()}
    park = make_park(firms, routes=ROUTES, park={"carbon_price": "900 NOK/t"},
                     technologies={"hot_water_pipe": {"cost_curve": []}})
    return symbiosis.optimize(park)


@pytest.mark.parametrize(("stream", "field", "base", "bumped", "step"), [
    ("town.network", "amount", 10000, 10010, 10),       # MWh/year
    ("plant.cooling", "amount", 18000, 18010, 10),
    ("town.slag", "amount", 2000, 2001, 1),              # t/year
])
def test_values_equal_the_change_in_cost(make_park, stream, field, base, bumped, step) -> None:
    unit = "MWh/year" if "network" in stream or "cooling" in stream else "t/year"
    reference = _cost(make_park, {})
    moved = _cost(make_park, {stream: {field: f"{bumped} {unit}"}})
    difference = (moved.total_cost - reference.total_cost) / step
    row = reference.values.set_index("stream").loc[stream]
    sign = -1 if row["direction"] == "supply" else 1
    assert sign * row["value"] == pytest.approx(difference, rel=1e-4, abs=1e-6)



def test_a_supply_exactly_meeting_a_demand_is_valued_on_the_side_the_values_mean(make_park) -> None:
    """A 2 MW surplus (cooling tower 15 NOK/MWh) piped to a 2 MW need (boiler 80 NOK/MWh), a pipe
    of fixed cost only, 2 NOK/MWh to run. By hand: one more MWh of the surplus can only be
    cooled, -15 NOK/MWh; one MWh less of the need leaves one more of the surplus to cool and
    saves its running cost, -15 + 2 = -13 NOK/MWh. At this degenerate point the LP's duals were
    the other side's slopes (76.92 and 80 NOK/MWh on an audit's park; the boiler saved); each
    value now equals the change in cost of that one-sided step."""
    def heat(direction, temperature, target, amount, route):
        return {"direction": direction, "carrier": "heat", "temperature": temperature,
                "target_temperature": target, "amount": amount, "current": route}

    def run(supply="2 MW", need="2 MW"):
        firms = {"a": {"location": {"x": "0 m", "y": "0 m"},
                       "streams": {"heat": heat("supply", "90 degC", "60 degC", supply, "cooling")}},
                 "b": {"location": {"x": "500 m", "y": "0 m"},
                       "streams": {"heat": heat("demand", "40 degC", "70 degC", need, "boiler")}}}
        routes = {"cooling": {"carrier": "heat", "price": "15 NOK/MWh", "temperature": "10 degC"},
                  "boiler": {"carrier": "heat", "price": "80 NOK/MWh", "temperature": "250 degC"}}
        pipe = {"investment": "500000 NOK", "investment_per_capacity": "0 NOK/MW", "cost_curve": [],
                "investment_per_length": "0 NOK/m", "running_cost": "2 NOK/MWh", "loss_per_km": "0 %",
                "fixed_om": "0 %", "min_capacity": "0 MW"}
        park = make_park(firms, routes=routes, park={"carbon_price": "0 NOK/t"},
                         technologies={"hot_water_pipe": pipe, "heat_pump": {"enabled": False}})
        return symbiosis.optimize(park, values=True)

    reference = run()
    values = reference.values.set_index("stream")["value"]
    assert values["a.heat"] == pytest.approx(-15, abs=1e-6)
    assert values["b.heat"] == pytest.approx(-13, abs=1e-6)
    more_supply = (run(supply="2.1 MW").total_cost - reference.total_cost) / 876
    less_need = (run(need="1.9 MW").total_cost - reference.total_cost) / 876
    assert -values["a.heat"] == pytest.approx(more_supply, rel=1e-6)
    assert values["b.heat"] == pytest.approx(-less_need, rel=1e-6)


def test_values_of_a_park_with_a_partner_limit(make_park) -> None:
    """A firm's max_partners adds partner binaries; the values' LP (a model of its own since the
    nudge) must hold them at the answer's too, or it is a MIP without duals. The plant has one
    partner either way, so the values are those of the park without the rule."""
    firms = {**FIRMS, "plant": {**FIRMS["plant"], "rules": {"max_partners": 1}}}
    options = {"routes": ROUTES, "park": {"carbon_price": "900 NOK/t"},
               "technologies": {"hot_water_pipe": {"cost_curve": []}}}
    ruled = symbiosis.optimize(make_park(firms, **options), values=True)
    free = symbiosis.optimize(make_park(FIRMS, **options), values=True)
    assert not ruled.summary["warnings"]
    assert ruled.values["value"].to_numpy() == pytest.approx(free.values["value"].to_numpy(), rel=1e-9)


def test_the_yearly_value_of_a_profiled_stream_is_one_more_unit_along_its_profile(make_park) -> None:
    """One more MWh of a year's surplus comes along the stream's profile: three quarters of it
    in the 12 hours a day the plant runs at 1.5 (1.5 x 12 of 24), where the town can take it all,
    a quarter at night, where it cannot. So the stream's yearly value, and the exchange's
    dual price, weight each step's value by its share of the amount (``amount_share``), not by
    its hours; the finite difference of the annual amount holds them to it."""
    day = "\n".join(["1.5"] * 12 + ["0.5"] * 12)
    firms = {
        "plant": {"location": {"x": "0 m", "y": "0 m"}, "streams": {
            "cooling": {"direction": "supply", "carrier": "heat", "temperature": "95 degC",
                        "target_temperature": "60 degC", "amount": "12 GWh/year", "profile": "day.csv",
                        "current": "cooling_tower"}}},
        "town": {"location": {"x": "700 m", "y": "0 m"}, "streams": {
            "network": {"direction": "demand", "carrier": "heat", "temperature": "40 degC",
                        "target_temperature": "70 degC", "amount": "10 GWh/year", "current": "gas_boiler"}}},
    }

    def solve(amount: str, fixed=None):
        firms["plant"]["streams"]["cooling"]["amount"] = amount
        settings = {"carbon_price": "900 NOK/t", "time": {"typical_days": 1}}
        park = make_park(firms, files={"day.csv": day}, park=settings,
                         technologies={"hot_water_pipe": {"cost_curve": []}})
        return symbiosis.optimize(park, gap=1e-9, fixed_links=fixed)

    reference = solve("12000 MWh/year")
    built = {link: True for link in reference.exchanges["id"]}
    assert built, "the pipe pays: the test needs it built"
    step = 10.0
    moved = solve(f"{12000 + step} MWh/year", fixed=built)
    finite_difference = -(moved.total_cost - reference.total_cost) / step  # a supply: what one more saves

    from symbiosis.results.values import yearly_values

    values = reference.values[reference.values["stream"] == "plant.cooling"]
    assert values["amount_share"].sum() == pytest.approx(1.0)
    yearly = yearly_values(reference.values)["plant.cooling"]
    assert yearly == pytest.approx(finite_difference, rel=1e-4, abs=1e-6)
    assert reference.exchanges["dual_price"].iloc[0] == pytest.approx(yearly)
    by_hours = (values["value"] * values["hours"]).sum() / values["hours"].sum()
    assert abs(by_hours - finite_difference) > 1.0, "the profile must make the hours-weighted mean wrong here"



def test_under_least_emissions_the_values_are_of_the_design_run_at_the_parks_prices(make_park) -> None:
    """The town's heat comes from its boiler (400 NOK/MWh, 0.2 t/MWh). The mill's 0.5 MW at 95
    degC reaches it by pipe; the plant's condenser at 30 degC by a heat pump of COP 2.755
    (``test_heat_pump_link``'s temperatures) on grid power at 2,000 NOK/MWh and 0.05 t/MWh: 726
    + 10 NOK per MWh of heat, dearer than the boiler, but 0.018 t of CO2 against 0.2. The least
    CO2 lays both and runs both full (and a pump for the mill's heat below 70 degC, which its pipe
    cannot pass). Held there, one more MWh of the mill's heat would let the
    pump run less at the same CO2: the code before said 664 NOK, the price of the row holding the
    CO2 at its least (on Hofors-Borlänge it made hydrogen worth 30.8 M SEK/t). The values are the design's
    run at the park's prices: the pump then stands idle, the boiler is the margin, and a MWh of
    the mill's heat is worth at most the boiler's 400 NOK it saves plus the cooling's 15 NOK,
    as the cost objective says with the same design fixed."""
    def heat(direction, hot, cold, amount, current):
        return {"direction": direction, "carrier": "heat", "temperature": f"{hot} degC",
                "target_temperature": f"{cold} degC", "amount": amount, "current": current}

    firms = {
        "mill": {"location": {"x": "0 m", "y": "0 m"},
                 "streams": {"waste_heat": heat("supply", 95, 60, "0.5 MW", "cooling")}},
        "plant": {"location": {"x": "0 m", "y": "400 m"},
                  "streams": {"condenser": heat("supply", 30, 25, "2 MW", "cooling")}},
        "town": {"location": {"x": "500 m", "y": "0 m"},
                 "streams": {"network": heat("demand", 60, 80, "1 MW", "boiler")}},
    }
    park = make_park(firms, routes={
        "boiler": {"carrier": "heat", "price": "400 NOK/MWh", "emissions": "0.2 t/MWh",
                   "temperature": "250 degC"},
        "cooling": {"carrier": "heat", "price": "15 NOK/MWh", "temperature": "10 degC"},
        "grid": {"carrier": "electricity", "price": "2000 NOK/MWh", "emissions": "0.05 t/MWh"}})
    least = symbiosis.optimize(park, objective="emissions", values=True)
    assert set(least.exchanges["kind"]) == {"direct", "heat_pump"}, "the least CO2 lays the pipe and the pump"
    design = {link: True for link in least.exchanges["id"]}
    priced = symbiosis.optimize(park, fixed_links=design, values=True)
    pumps = priced.exchanges[priced.exchanges["kind"] == "heat_pump"].set_index("from_firm")
    # (the mill's heat below 70 degC, which its pipe cannot pass, has a pump of its own: COP 5.97,
    # cheaper than the boiler, it runs; the plant's, dearer, stands idle)
    assert pumps.loc["plant", "annual_amount"] == pytest.approx(0, abs=1e-6)

    def worth(result) -> float:
        return result.values.set_index("stream").loc["mill.waste_heat", "value"]

    assert 0 < worth(least) <= 400 + 15
    assert worth(least) == pytest.approx(worth(priced), rel=1e-9)
    assert not [w for w in least.summary["warnings"] if "stream values" in w]
    shown = CliRunner().invoke(cli, ["optimize", str(park.folder), "--objective", "emissions", "--values"])
    assert shown.exit_code == 0, shown.output
    assert "the least-CO2 design run at the park's prices" in " ".join(shown.output.split())


def test_values_that_ran_out_of_time_say_so(make_park, monkeypatch) -> None:
    """The stream values' LP gets what the time limit left; when it ends without an answer, the
    summary warns why and ``optimize --values`` points to it, instead of blaming the solve (a
    least-emissions call on a generated 20-firm park at 120 s left it 4 s: no values, no word)."""
    import symbiosis.optimization as optimization
    from symbiosis.solvers import SolveOutcome, Status

    solve = optimization.solve

    def out_of_time(model, options, *args, **kwargs):
        if options.duals:
            return SolveOutcome(status=Status.TIME_LIMIT, has_solution=False, message="Time limit reached")
        return solve(model, options, *args, **kwargs)

    monkeypatch.setattr(optimization, "solve", out_of_time)
    park = make_park(FIRMS, routes=ROUTES, park={"carbon_price": "900 NOK/t"})
    result = symbiosis.optimize(park, values=True)
    assert result.has_solution and result.values.empty
    unasked = symbiosis.optimize(park)  # found by default for the report; not asked, no warning (an audit)
    assert unasked.values.empty and not any("stream values" in w for w in unasked.summary["warnings"])
    (warning,) = [w for w in result.summary["warnings"] if "stream values" in w]
    assert "time_limit (Time limit reached); give the solve more time (--time-limit; time_limit=" in warning
    shown = CliRunner().invoke(cli, ["optimize", str(park.folder), "--values"])
    assert shown.exit_code == 0, shown.output
    assert "no stream values: see the warning above" in shown.output
    assert "give the solve more time" in shown.output


def test_values_with_no_time_left_are_not_handed_to_the_solver(make_park, monkeypatch) -> None:
    """With the time limit spent, the values' LP is not handed over at all (on a 67,000-column
    model the hand-off alone took a second the LP could not use) and the warning says why."""
    import symbiosis.optimization as optimization
    from symbiosis.candidates import find_candidates
    from symbiosis.models import build_model
    from symbiosis.problem import to_model_data
    from symbiosis.solvers import SolveOptions
    from symbiosis.time import time_steps

    park = make_park(FIRMS, routes=ROUTES)
    data = to_model_data(park, find_candidates(park), time_steps(park))
    model = build_model(data, objective="cost")
    monkeypatch.setattr(optimization, "solve", lambda *args, **kwargs: pytest.fail("handed to the solver"))
    values, why = optimization._values(park, data, model, SolveOptions(time_limit=0.0))
    assert values is None
    assert why == ("the stream values were not found: the time limit left their LP no time; give the solve "
                   "more time (--time-limit; time_limit= in Python)")
