"""An infeasible park is explained: which rule or limit cannot hold, and by how much."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import park_dict, write_park

import symbiosis
from symbiosis.cli import cli

FIRMS = {
    "mill": {"location": {"x": "0 m", "y": "0 m"}, "rules": {"max_partners": 0}, "streams": {
        "flue": {"direction": "supply", "carrier": "heat", "temperature": "150 degC",
                 "target_temperature": "90 degC", "amount": "10 MW", "current": "cooling_tower"}}},
    "town": {"location": {"x": "500 m", "y": "0 m"}, "streams": {
        "network": {"direction": "demand", "carrier": "heat", "temperature": "50 degC",
                    "target_temperature": "80 degC", "amount": "5 MW", "current": "gas_boiler"}}},
}
EXISTING = [{"from": "mill.flue", "to": "town.network", "technology": "hot_water_pipe", "capacity": "3 MW"}]


def test_a_rule_that_cannot_hold_is_named(make_park) -> None:
    """The mill allows no partner, but the caller requires the pipe that joins it with the
    town (an existing pipe in that conflict is refused at load, tests/test_park_errors.py)."""
    park = make_park(FIRMS)
    (pipe,) = symbiosis.find_candidates(park).table["id"]
    result = symbiosis.optimize(park, fixed_links={pipe: True})
    assert result.status == "infeasible"
    assert not result.has_solution
    (sentence,) = result.summary["infeasibility"]
    assert "firm 'mill'" in sentence and "max_partners" in sentence and "allows 0" in sentence
    assert result.to_dict()["infeasibility"] == [sentence]


def test_an_emissions_cap_below_the_least_possible_says_by_how_much(make_park) -> None:
    """The mill's flue gas (150 -> 90 degC) can cover the town's whole demand (50 -> 80 degC),
    so the least the park can emit is 0 t: a cap of -100 t is 100 t below it."""
    firms = {**FIRMS, "mill": {**FIRMS["mill"], "rules": {}}}
    park = make_park(firms)
    least = symbiosis.optimize(park, objective="emissions").summary["emissions"]
    assert least == pytest.approx(0, abs=1e-5)  # the second stage may use 1e-6 t of slack
    result = symbiosis.optimize(park, emissions_cap=least - 100)
    assert result.status == "infeasible"
    (sentence,) = result.summary["infeasibility"]
    assert "emissions cap" in sentence
    assert f"{100:,.6g} t CO2/year below" in sentence



def test_a_cap_too_low_beside_a_partner_limit_blames_the_cap(make_park) -> None:
    """The mill allows no partner, so the town's 5 MW all come from its gas boiler (0.23 t/MWh):
    the least the park can emit is 5 x 8,760 x 0.23 = 10,074 t a year. A cap of 10,000 t is 74 t
    below it; the rule holds by itself. Both made elastic at once, the cheapest breakage was
    the rule's one partner (against 74 t), so the rule was blamed, with links it does not have,
    and at a cap of 3,000 t the cap was said to be 1,049 t short, the shortfall with the
    forbidden pipe built (an audit)."""
    firms = {**FIRMS, "mill": {**FIRMS["mill"], "streams": {
        "flue": {**FIRMS["mill"]["streams"]["flue"], "amount": "3 MW"}}}}
    park = make_park(firms)
    for cap, short in ((10_000, 74), (3_000, 7_074)):
        result = symbiosis.optimize(park, emissions_cap=cap)
        assert result.status == "infeasible"
        (sentence,) = result.summary["infeasibility"]
        assert f"the emissions cap is {short:,} t CO2/year below" in sentence, sentence


def test_an_infeasible_park_with_no_time_to_explain_it_says_so(make_park, monkeypatch) -> None:
    """With the time limit spent, the elastic solves were handed over with no time and the
    explanation came back empty, without a word (an audit): now they are not handed over, and a
    warning says what cannot hold was not found, and why."""
    import symbiosis.optimization as optimization

    park = make_park(FIRMS)
    (pipe,) = symbiosis.find_candidates(park).table["id"]
    monkeypatch.setattr(optimization, "elastic_violations", lambda *a, **k: pytest.fail("handed over"))
    real_solve, real_left, solved = optimization.solve, optimization.Deadline.left, []

    def solve(model, options):  # the park's solve, then the time is gone
        solved.append(model)
        return real_solve(model, options)

    monkeypatch.setattr(optimization, "solve", solve)
    def left(self, *args, **kwargs):
        return 0.0 if solved else real_left(self, *args, **kwargs)

    monkeypatch.setattr(optimization.Deadline, "left", left)
    result = symbiosis.optimize(park, fixed_links={pipe: True}, time_limit=60)
    assert result.status == "infeasible" and result.summary["infeasibility"] == []
    said = " ".join(result.summary["warnings"])
    assert "what cannot hold was not found (the time limit left no time)" in said


def test_the_cli_prints_the_explanation_and_exits_1(tmp_path, monkeypatch) -> None:
    """As the model explains it, should such a conflict get past the load (which refuses it)."""
    monkeypatch.setattr("symbiosis.park.convert.check_partners_of_existing", lambda *args: None)
    folder = write_park(tmp_path / "park", park_dict(FIRMS, existing=EXISTING))
    result = CliRunner().invoke(cli, ["optimize", str(folder)])
    assert result.exit_code == 1
    assert "no solution" in result.stdout and "firm 'mill'" in result.stdout


@pytest.mark.parametrize("solver", ["highs", "appsi_highs"])
def test_a_cap_on_a_park_with_nothing_to_decide_is_infeasible_or_holds(make_park, solver: str) -> None:
    """Two firms buying 1 MW each from the grid (0.5 t/MWh) and no candidate: the park emits
    2 x 8,760 x 0.5 = 8,760 t whatever is done. A cap of 8,000 t raised Pyomo's
    InfeasibleConstraintException (the cap's row held no variable); now the park is infeasible
    and says by how much. A cap of exactly the reported 8,760 t (as a figure written back, 12
    digits) holds (the float sum had missed it by 1e-13 t). Other Pyomo solvers alike: appsi_highs
    had ended 'unknown' (an error) on a model with no column, both ways."""
    power = {"direction": "demand", "carrier": "electricity", "amount": "1 MW", "current": "grid"}
    firms = {name: {"location": {"x": f"{x} m", "y": "0 m"}, "streams": {"power": dict(power)}}
             for name, x in (("a", 0), ("b", 100))}
    park = make_park(firms, routes={"grid": {"carrier": "electricity", "price": "0.65 NOK/kWh",
                                             "emissions": "0.5 t/MWh"}})
    assert len(symbiosis.find_candidates(park).table) == 0
    result = symbiosis.optimize(park, emissions_cap=8000, solver=solver)
    assert result.status == "infeasible" and not result.has_solution
    (sentence,) = result.summary["infeasibility"]
    assert "emissions cap" in sentence and "760 t CO2/year below" in sentence
    cap = float(f"{2 * 8760 * 0.5 * (1 + 4e-13):.12g}")
    held = symbiosis.optimize(park, emissions_cap=cap, solver=solver)
    assert held.status == "optimal"
    assert held.summary["emissions"] == pytest.approx(8760, rel=1e-12)


@pytest.mark.parametrize("command", ["explain", "risk", "share"])
def test_an_analysis_of_an_infeasible_park_says_what_cannot_hold(tmp_path, monkeypatch, command) -> None:
    """explain, risk and share said only "no solution (infeasible): there is nothing to explain",
    where optimize names the rule (an audit). The park's own solve is made infeasible here by the
    rule above (a park file cannot hold that conflict: it is refused at load)."""
    import importlib
    import json

    folder = write_park(tmp_path / "park", park_dict(FIRMS))
    park = symbiosis.load_park(folder)
    (pipe,) = symbiosis.find_candidates(park).table["id"]
    infeasible = symbiosis.optimize(park, fixed_links={pipe: True})
    module = importlib.import_module(f"symbiosis.cli.{command}")
    monkeypatch.setattr(module, "optimize", lambda *args, **kwargs: infeasible)
    said = CliRunner().invoke(cli, [command, str(folder)])
    assert said.exit_code == 1, said.output
    assert "no solution" in said.stdout and "max_partners" in said.stdout
    as_json = CliRunner().invoke(cli, [command, str(folder), "--json"])
    (why,) = json.loads(as_json.stdout)["why"]
    assert "firm 'mill'" in why
