"""Fair shares: Shapley value (exact and sampled), equal split with transfer prices, core checks.

Every expected figure comes from the hand figures of ``analysis_parks`` (see its docstring).
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from pathlib import Path

import pandas.testing as pd_testing
import pytest
from analysis_parks import (
    H2_AVOIDED,
    H2_SAVING,
    HEAT_BOILER_AVOIDED,
    HEAT_COOLING_AVOIDED,
    HEAT_SAVING,
    HOURS,
    HUB_CAPITAL,
    HUB_VALUE,
    PAIR_CAPITAL,
    PAIR_TONNES,
    at,
    heat_buyers,
    one_supplier_two_buyers,
    pair_benefit,
    three_pairs,
    three_way_synergy,
    two_exchanges,
)
from click.testing import CliRunner
from conftest import PARKS, count_worker_pools, park_dict, write_park

import symbiosis
from symbiosis.analysis import core_violations, fair_shares, transfer_prices
from symbiosis.cli import cli


@pytest.fixture
def park_of(tmp_path: Path):
    def load(data: dict):
        return symbiosis.load_park(write_park(tmp_path / "park", data))

    return load


def shares_of(frame) -> dict[str, float]:
    return dict(zip(frame["firm"], frame["share"], strict=True))


def test_two_independent_exchanges_are_each_split_half_and_half(park_of) -> None:
    """v({chlor, ammonia}) = H2_SAVING, v({ammonia, town}) = HEAT_SAVING, v({chlor, town}) = 0, singletons 0.
    Shapley: chlor H2/2, ammonia (H2 + heat)/2, town heat/2; every coalition gets at least its worth."""
    park = park_of(two_exchanges())
    result = symbiosis.optimize(park)
    assert result.saving == pytest.approx(H2_SAVING + HEAT_SAVING, rel=1e-6)

    frame = fair_shares(park, result)
    shares = shares_of(frame)
    assert shares["chlor"] == pytest.approx(H2_SAVING / 2, rel=1e-6)
    assert shares["ammonia"] == pytest.approx((H2_SAVING + HEAT_SAVING) / 2, rel=1e-6)
    assert shares["town"] == pytest.approx(HEAT_SAVING / 2, rel=1e-6)
    assert frame.attrs["exact"] and frame.attrs["core_checked"] == "all"
    assert frame.attrs["core_holds"] and frame.attrs["core_violations"] == []
    assert frame["better_off"].all() and (frame["standalone"] == 0).all()
    worth = {tuple(c["coalition"]): c["worth"] for c in frame.attrs["coalitions"]}
    assert worth[("chlor", "town")] == 0
    assert worth[("ammonia", "chlor")] == pytest.approx(H2_SAVING, rel=1e-6)
    # Only the two pairs needed a solve: the rest is zero (no link) or the result itself.
    assert frame.attrs["coalitions_solved"] == 2
    # Each firm's cost after the split: its cost today less its share.
    assert list(frame["cost_after"]) == pytest.approx(list(frame["baseline_cost"] - frame["share"]))

    equal = fair_shares(park, result, method="equal_split")
    assert list(equal["share"]) == pytest.approx(list(frame["share"]), rel=1e-9)
    assert equal["std_error"].isna().all()



def test_the_dual_price_split_pays_the_scarce_supply_its_value(park_of) -> None:
    """A's 1 MW of heat (cooling tower 10 NOK/MWh) piped to B, who needs 2 MW heated by gas at
    550 NOK/MWh; the pipe 100,000 NOK + 1 MNOK/MW over 20 years at 7 %, 20 NOK/MWh. The heat is
    the scarce side: one more MWh of it is worth 550 - 20 - CRF x 1 MNOK / 8760 h to the park
    (gas saved, less running and the capacity it needs). Settled at that dual price, B buys
    8,760 MWh at it and bears the pipe: A keeps its avoided cooling plus the payment, and B is
    left the pipe's fixed 100,000 NOK's annuity short, which the split's check reports (DESIGN
    asks for a dual-price based split beside Shapley's; an audit found none)."""
    from symbiosis.park import capital_recovery_factor

    park = park_of(heat_buyers())
    result = symbiosis.optimize(park, values=True)
    crf = capital_recovery_factor(0.07, 20)
    value = 550 - 20 - crf * 1_000_000 / HOURS
    assert result.exchanges["dual_price"].iloc[0] == pytest.approx(value, rel=1e-6)
    frame = fair_shares(park, result, method="dual_prices")
    shares = shares_of(frame)
    assert shares["a"] == pytest.approx(10 * HOURS + value * HOURS, rel=1e-6)
    assert shares["b"] == pytest.approx(-crf * 100_000, rel=1e-6)
    assert sum(shares.values()) == pytest.approx(result.saving, rel=1e-9)
    assert not frame.set_index("firm").loc["b", "better_off"]
    without = symbiosis.optimize(park, values=False)  # no stream values: the split says what it needs
    with pytest.raises(ValueError, match="needs the stream values"):
        fair_shares(park, without, method="dual_prices")
    folder = write_park(Path(str(park.folder)).parent / "cli", heat_buyers())
    run = CliRunner().invoke(cli, ["share", str(folder), "--method", "dual-prices", "--json"])
    assert run.exit_code == 0, run.output
    document = json.loads(run.stdout)
    by_firm = {row["firm"]: row["share"] for row in document["firms"]}
    assert by_firm["b"] == pytest.approx(-crf * 100_000, rel=1e-6)
    assert document["transfers"][0]["transfer"] == pytest.approx(value * HOURS, rel=1e-6)


def test_the_dual_price_split_keeps_todays_terms_for_links_running_today() -> None:
    """Mo i Rana's CO gas links run today (saving 0 against today): settled at the gas's dual
    price they moved 127 M NOK a year from SMA to Ferroglobe (-136 % of the park's saving for
    SMA). A link running today keeps the equal split's terms; the proposals are settled."""
    from symbiosis.analysis.sharing import dual_price_transfers

    park = symbiosis.load_park(PARKS / "mo_industripark")
    result = symbiosis.optimize(park, values=True)
    dual = dual_price_transfers(park, result).set_index("id")
    equal = transfer_prices(park, result).set_index("id")
    running = result.exchanges.loc[result.exchanges["existing"].astype(bool), "id"]
    assert len(running) > 0
    for column in ("supplier_share", "receiver_share", "transfer"):
        assert dual.loc[running, column].to_numpy() == pytest.approx(equal.loc[running, column].to_numpy())
    shared = dual["supplier_share"].sum() + dual["receiver_share"].sum()
    assert shared == pytest.approx(result.saving, rel=1e-9)


def test_transfer_prices_split_each_saving_equally(park_of) -> None:
    """Hydrogen: the flare saves chlor nothing, ammonia avoids 15,330,000 NOK: ammonia pays chlor
    (15,330,000 - 0) / 2 = 7,665,000 NOK a year, 17,500 NOK per t of the 438 t.
    Heat: ammonia avoids 262,800 NOK of cooling, town 1,401,600 NOK of boiler: town pays
    (1,401,600 - 262,800) / 2 = 569,400 NOK, 32.50 NOK per MWh of the 17,520 MWh."""
    park = park_of(two_exchanges())
    result = symbiosis.optimize(park)
    table = transfer_prices(park, result).set_index("to_firm")
    h2, heat = table.loc["ammonia"], table.loc["town"]
    assert h2["receiver_avoided"] == pytest.approx(H2_AVOIDED, rel=1e-6)
    assert h2["transfer"] == pytest.approx(7_665_000, rel=1e-6)
    assert h2["transfer_price"] == pytest.approx(17_500, rel=1e-6)
    assert h2["price_unit"] == "NOK/t"
    assert heat["supplier_avoided"] == pytest.approx(HEAT_COOLING_AVOIDED, rel=1e-6)
    assert heat["transfer"] == pytest.approx((HEAT_BOILER_AVOIDED - HEAT_COOLING_AVOIDED) / 2, rel=1e-6)
    assert heat["transfer_price"] == pytest.approx(32.5, rel=1e-6)
    assert heat["transfer"] / (2 * HOURS) == pytest.approx(heat["transfer_price"])
    # The result books the same split (Result.exchanges.transfer): nothing more to pay between firms.
    booked = result.exchanges.set_index("id").loc[list(table["id"]), "transfer"]
    assert list(booked) == pytest.approx(list(table["transfer"]), rel=1e-9)
    shares = fair_shares(park, result, method="equal_split", check_core=False)
    assert list(shares["transfer"]) == pytest.approx([0, 0, 0], abs=1e-6)


def test_one_supplier_two_buyers_breaks_the_core(park_of) -> None:
    """v({chlor, east}) = v({chlor, west}) = v(N) = s, all else 0 (the glove game). Shapley: chlor is
    needed in every order from second place on: 4 of 6 orders, 2s/3; east and west s/6 each.
    {chlor, east} gets 2s/3 + s/6 = 5s/6 < s: short by s/6, and so is {chlor, west}: no split
    but 'chlor takes all' is in the core. The equal split (s/2 to chlor and the buyer) leaves
    {chlor, other buyer} short by s/2."""
    park = park_of(one_supplier_two_buyers())
    result = symbiosis.optimize(park)
    s = H2_SAVING
    assert result.saving == pytest.approx(s, rel=1e-6)

    frame = fair_shares(park, result)
    shares = shares_of(frame)
    assert shares["chlor"] == pytest.approx(2 * s / 3, rel=1e-6)
    assert shares["east"] == pytest.approx(s / 6, rel=1e-6)
    assert shares["west"] == pytest.approx(s / 6, rel=1e-6)
    assert frame["better_off"].all()  # each better off than alone (0) ...
    assert frame.attrs["core_holds"] is False  # ... but not stable
    violations = core_violations(frame).set_index("coalition")
    assert sorted(violations.index) == ["chlor, east", "chlor, west"]
    assert list(violations["shortfall"]) == pytest.approx([s / 6, s / 6], rel=1e-6)
    # One solve: the result's answer builds one pipe, from chlor to one buyer, which is open to
    # that pair (F(N) <= {chlor, buyer} <= N), so v(pair) = v(N) unsolved; the other pair is
    # solved; a coalition without chlor or of one firm has no link (worth 0).
    assert frame.attrs["coalitions_solved"] == 1
    worth = {tuple(c["coalition"]): c["worth"] for c in frame.attrs["coalitions"]}
    assert worth[("chlor", "east")] == pytest.approx(s, rel=1e-6)
    assert worth[("chlor", "west")] == pytest.approx(s, rel=1e-6)

    equal = fair_shares(park, result, method="equal_split")
    (violation,) = equal.attrs["core_violations"]
    buyer = result.exchanges["to_firm"].item()
    assert violation["coalition"] == sorted({"chlor", "east", "west"} - {buyer})
    assert violation["shortfall"] == pytest.approx(s / 2, rel=1e-6)


def test_a_three_way_synergy_needs_every_firm(park_of) -> None:
    """The hub electrolyser's capital (CRF(7 %, 20) x 200 MNOK = 18.9 MNOK a year) exceeds what any two
    of its outputs are worth, so every coalition of fewer than three firms is worth 0 and v(N) =
    hydrogen + heat + oxygen - capital. Each firm is last in a third of the orders: v(N)/3 each.
    The hub is no player and keeps nothing."""
    values = HUB_VALUE
    assert max(values["steel"] + values["town"], values["steel"] + values["hospital"],
               values["town"] + values["hospital"]) < HUB_CAPITAL < sum(values.values())
    park = park_of(three_way_synergy())
    result = symbiosis.optimize(park)
    grand = sum(values.values()) - HUB_CAPITAL
    assert result.saving == pytest.approx(grand, rel=1e-6)

    frame = fair_shares(park, result)
    shares = shares_of(frame)
    for firm in ("steel", "town", "hospital"):
        assert shares[firm] == pytest.approx(grand / 3, rel=1e-6)
    assert "h2_hub" not in shares  # a hub is no firm (its capital is carried by its users)
    worth = {tuple(c["coalition"]): c["worth"] for c in frame.attrs["coalitions"]}
    for pair in (("hospital", "steel"), ("hospital", "town"), ("steel", "town")):
        assert worth[pair] == pytest.approx(0, abs=1e-6)
    assert frame.attrs["core_holds"]

    # Equal split: the hub's capital is carried by its three links in proportion to their savings.
    equal = shares_of(fair_shares(park, result, method="equal_split", check_core=False))
    for firm, value in values.items():
        assert equal[firm] == pytest.approx(value * grand / sum(values.values()), rel=1e-6)
    assert "h2_hub" not in equal
    # result.firms books the same split: the hub is no firm, its capital is its users'.
    firms = result.firms.set_index("firm")
    assert "h2_hub" not in firms.index
    for firm, value in values.items():
        assert firms.loc[firm, "saving"] == pytest.approx(value * grand / sum(values.values()), rel=1e-6)
    assert firms["saving"].sum() == pytest.approx(result.saving, rel=1e-9)
    assert firms["share_of_saving"].sum() == pytest.approx(1.0, rel=1e-9)
    # And each hub link's transfer is the one `share` prices (it was the half-and-half transfer
    # of a hub that keeps half, before the hub's result passed to the firms).
    priced = transfer_prices(park, result).set_index("id")["transfer"]
    for row in result.exchanges[result.exchanges["from_firm"] == "h2_hub"].itertuples():
        if row.kind != "electrolyser":
            assert row.transfer == pytest.approx(priced[row.id], rel=1e-9)


def test_a_sampled_shapley_value_adds_up_and_states_its_error(park_of) -> None:
    """With exact_up_to=0 the game is sampled: each order's marginal worths add up to v(N), so the
    means do exactly; each firm's estimate lies within 4 standard errors of the exact value.
    chlor's marginal worth is H2_SAVING in the half of the orders where ammonia came first, 0
    otherwise: its standard error is about H2_SAVING x 0.5 / sqrt(200)."""
    park = park_of(two_exchanges())
    result = symbiosis.optimize(park)
    exact = shares_of(fair_shares(park, result, check_core=False))
    frame = fair_shares(park, result, exact_up_to=0, samples=200, seed=7)
    assert not frame.attrs["exact"] and frame.attrs["samples"] == 200
    assert frame.attrs["core_checked"] == "sampled" and frame.attrs["core_holds"]
    assert frame["share"].sum() == pytest.approx(result.saving, rel=1e-9)
    errors = dict(zip(frame["firm"], frame["std_error"], strict=True))
    for firm, share in shares_of(frame).items():
        assert abs(share - exact[firm]) <= 4 * errors[firm] + 1e-6
    assert errors["chlor"] == pytest.approx(H2_SAVING * 0.5 / math.sqrt(200), rel=0.1)
    again = fair_shares(park, result, exact_up_to=0, samples=200, seed=7, check_core=False)
    assert list(again["share"]) == list(frame["share"])  # seeded


def test_unknown_method_is_refused(park_of) -> None:
    park = park_of(two_exchanges())
    with pytest.raises(ValueError, match="shapley, equal_split"):
        fair_shares(park, method="nucleolus")



def _loop_hub(y: str, capacity: str, returns_at: str) -> dict:
    """A heat-pump hub at (0, y): it collects heat at 10 -> 20 degC and delivers 95 degC water
    that comes back at ``returns_at``."""
    return {"loop": {"location": {"x": "0 m", "y": y}, "technologies": ["heat_pump"],
                     "max_capacity": {"heat_pump": capacity}, "collect": {"from": "10 degC", "to": "20 degC"},
                     "deliver": {"from": "95 degC", "to": returns_at}}}


def _heat_routes(grid: tuple[str, str], boiler: tuple[str, str, str], tower: str) -> dict:
    """Grid electricity (price, emissions), a boiler (price, emissions, temperature), a tower."""
    return {"grid": {"carrier": "electricity", "price": grid[0], "emissions": grid[1]},
            "boiler": {"carrier": "heat", "price": boiler[0], "emissions": boiler[1],
                       "temperature": boiler[2]},
            "tower": {"carrier": "heat", "price": tower, "temperature": "5 degC"}}


def test_the_equal_split_of_a_heat_pump_hub_is_the_results(tmp_path: Path) -> None:
    """s1 and s2 have heat at 30 -> 20 degC; a hub heat pump collects s1's (s2 is too far for
    it) and lifts it to the town's 50 -> 80 degC network, beside a heat-pump link s2 -> town.
    share --method equal-split gave the town 119 % of the park's saving (shares adding up to
    1.53 M of 1.03 M): the hub heat pump's cost went to nobody ("heat_pump_hub" was read as a
    link) and the hub's half of the link from s1 was dropped. Now the split is result.firms'
    and each transfer result.exchanges'."""
    def surplus(amount: str) -> dict:
        return {"direction": "supply", "carrier": "heat", "temperature": "30 degC",
                "target_temperature": "20 degC", "amount": amount, "current": "tower"}

    firms = {"s1": {"location": {"x": "0 m", "y": "0 m"}, "streams": {"w": surplus("2 MW")}},
             "s2": {"location": {"x": "0 m", "y": "200 m"}, "streams": {"w": surplus("1 MW")}},
             "dh": {"location": {"x": "0 m", "y": "300 m"}, "streams": {"dh": {
                 "direction": "demand", "carrier": "heat", "temperature": "50 degC",
                 "target_temperature": "80 degC", "amount": "3 MW", "current": "boiler"}}}}
    hubs = _loop_hub("100 m", "10 MW", "60 degC")
    routes = _heat_routes(("50 EUR/MWh", "0.1 t/MWh"), ("60 EUR/MWh", "0.2 t/MWh", "150 degC"), "1 EUR/MWh")
    park_data = park_dict(firms, hubs=hubs, routes=routes, park={
        "name": "loop", "currency": "EUR", "discount_rate": "7 %", "carbon_price": "100 EUR/t",
        "electricity": "grid", "routing_factor": 1.0}, technologies={
        "hot_water_pipe": {"cost_curve": [], "investment_per_capacity": "100000 EUR/MW"},
        "heat_pump": {"max_distance": "0.15 km"}})
    park = symbiosis.load_park(write_park(tmp_path / "park", park_data))
    result = symbiosis.optimize(park)
    assert set(result.exchanges["kind"]) >= {"heat_pump_hub", "heat_pump"}
    shares = shares_of(fair_shares(park, result, method="equal_split", check_core=False))
    booked = dict(zip(result.firms["firm"], result.firms["saving"], strict=True))
    assert shares == pytest.approx(booked, rel=1e-9)
    assert sum(shares.values()) == pytest.approx(result.saving, rel=1e-9)
    priced = transfer_prices(park, result).set_index("id")["transfer"]
    for row in result.exchanges.itertuples():
        assert row.transfer == pytest.approx(priced[row.id], rel=1e-9, abs=1e-6)



def test_a_firm_feeding_a_heat_pump_hub_that_pays_is_not_left_worse_off(tmp_path: Path) -> None:
    """Firm a sends 10 GWh/yr of 30 -> 25 degC heat to a tower at 2 EUR/MWh; the hub's heat pump
    (Carnot share 0.5 between 5 degC and 100 degC, the loops' ends with 5 K approach:
    COP = 0.5 x 373.15 / 95 = 1.96395) lifts part of it for firm c, who buys 8,760 MWh/yr at 80
    EUR/MWh from a boiler. Electricity 8,760 / COP = 4,460.40 MWh, heat from a 8,760 - 4,460.40
    = 4,299.60 MWh. The pipe a -> hub (5 km at 10 EUR/m + 10,000 EUR, CRF(10 %, 10 yr) =
    0.1627454: 9,764.72 EUR/yr) saves a only the tower it no longer pays, 4,299.60 x 2 =
    8,599.19: its saving is -1,165.53, and its half (-582.77) was a's result: a lost money on a
    hub whose total saving is 584,387 EUR/yr and that cannot run without a's heat. The hub now
    makes a's loss good first: a saves 0, c the park's whole saving."""
    heat_pump = {"investment": "0 EUR", "investment_per_capacity": "100000 EUR/MW", "cost_curve": [],
                 "investment_per_length": "0 EUR/m", "lifetime": "10 year", "fixed_om": "0 %",
                 "running_cost": "0 EUR/MWh", "min_capacity": "0.1 MW"}
    pipe = {"investment": "10000 EUR", "investment_per_capacity": "0 EUR/MW", "cost_curve": [],
            "investment_per_length": "10 EUR/m", "lifetime": "10 year", "fixed_om": "0 %",
            "running_cost": "0 EUR/MWh", "loss_per_km": "0 %", "min_capacity": "0.01 MW"}
    firms = {"a": {"location": {"x": "3000 m", "y": "4000 m"}, "streams": {"cool": {
                 "direction": "supply", "carrier": "heat", "temperature": "30 degC",
                 "target_temperature": "25 degC", "amount": "10 GWh/year", "current": "tower"}}},
             "c": {"location": {"x": "-3000 m", "y": "-4000 m"}, "streams": {"dh": {
                 "direction": "demand", "carrier": "heat", "temperature": "60 degC",
                 "target_temperature": "70 degC", "amount": "8760 MWh/year", "current": "boiler"}}}}
    hubs = _loop_hub("0 m", "20 MW", "80 degC")
    routes = _heat_routes(("0.02 EUR/kWh", "0.1 kg/kWh"), ("0.08 EUR/kWh", "0.25 kg/kWh", "200 degC"),
                          "0.002 EUR/kWh")
    park_data = park_dict(firms, hubs=hubs, routes=routes, park={
        "name": "feeder", "currency": "EUR", "discount_rate": "10 %", "carbon_price": "0 EUR/t",
        "electricity": "grid", "time": "annual", "routing_factor": 1.0},
        technologies={"heat_pump": heat_pump, "hot_water_pipe": pipe})
    park = symbiosis.load_park(write_park(tmp_path / "park", park_data))
    result = symbiosis.optimize(park)
    feeder = result.exchanges[result.exchanges["from_firm"] == "a"].iloc[0]
    assert feeder["saving"] == pytest.approx(4299.60 * 2 - 9764.72, abs=0.05)
    booked = dict(zip(result.firms["firm"], result.firms["saving"], strict=True))
    assert booked["a"] == 0.0
    assert booked["c"] == pytest.approx(result.saving, rel=1e-9)
    assert result.saving == pytest.approx(700800 + 20000 - 136412.89, abs=0.05)  # c boiler + a tower
    assert shares_of(fair_shares(park, result, method="equal_split", check_core=False)) == \
        pytest.approx(booked, rel=1e-9, abs=1e-6)


def test_cli_share_json_without_the_core_check(tmp_path: Path) -> None:
    """--json --no-core ended in a traceback ("Circular reference detected"): the unchecked
    better_off column holds pandas' NA, which json cannot write."""
    folder = write_park(tmp_path / "park", one_supplier_two_buyers())
    run = CliRunner().invoke(cli, ["share", str(folder), "--json", "--no-core"])
    assert run.exit_code == 0, run.output
    document = json.loads(run.stdout)
    assert {row["better_off"] for row in document["firms"]} == {None}


def test_cli_share_json_and_table(tmp_path: Path) -> None:
    folder = write_park(tmp_path / "park", one_supplier_two_buyers())
    run = CliRunner().invoke(cli, ["share", str(folder), "--json"])
    assert run.exit_code == 0, run.output
    document = json.loads(run.stdout)
    assert document["method"] == "shapley" and document["exact"] is True
    shares = {row["firm"]: row["share"] for row in document["firms"]}
    assert shares["chlor"] == pytest.approx(2 * H2_SAVING / 3, rel=1e-6)
    assert document["core"]["core_holds"] is False
    assert len(document["core"]["core_violations"]) == 2
    (transfer,) = document["transfers"]
    assert transfer["transfer_price"] == pytest.approx(17_500, rel=1e-6)

    table = CliRunner().invoke(cli, ["share", str(folder), "--method", "equal-split"])
    assert table.exit_code == 0, table.output
    assert "not in the core" in table.stdout and "17,500.00 NOK/t" in table.stdout


def test_cli_share_says_when_no_firm_takes_part(tmp_path: Path) -> None:
    """Buyers 500 km away: no candidate, no saving. The command printed an empty table."""
    data = one_supplier_two_buyers()
    for firm in ("east", "west"):
        data["firms"][firm]["location"] = at(500_000)
    run = CliRunner().invoke(cli, ["share", str(write_park(tmp_path / "park", data))])
    assert run.exit_code == 0, run.output
    assert "no firm takes part in an exchange" in run.stdout


@pytest.mark.parametrize("make", [two_exchanges, three_way_synergy], ids=["links", "hub"])
def test_coalition_solves_cost_what_optimize_says(park_of, make) -> None:
    """The game re-solves one built model with links switched off; in any order, each answer
    equals optimize(park, fixed_links=...) (links restored in between)."""
    from symbiosis.analysis.common import Solve
    from symbiosis.analysis.sharing import CoalitionModel

    park = park_of(make())
    ids = list(symbiosis.find_candidates(park).table["id"])
    model = CoalitionModel(park, Solve())
    for left_out in ({ids[0]}, set(), set(ids[1:]), {ids[0]}):
        expected = symbiosis.optimize(park, fixed_links=dict.fromkeys(left_out, False)).total_cost
        assert model.total_cost(left_out)[0] == pytest.approx(expected, rel=1e-9)


# A result is shared only for the park data it was solved from, and only if it is their least cost:
# v(N) is its saving, every other v(S) is solved from the park given.
DEAR_HYDROGEN = "routes:\n  grey_hydrogen:\n    price: 40 NOK/kg\n"  # scenarios/dear_hydrogen.yaml
DEAR_H2_SAVING = 0.05 * HOURS * 40_000 - (H2_AVOIDED - H2_SAVING)  # 17,520,000 NOK avoided less the pipe


@pytest.fixture
def folder_of(tmp_path: Path):
    """``folder_of(name, data)``: a park folder under tmp_path, with scenarios/dear_hydrogen.yaml."""

    def write(name: str, data: dict) -> Path:
        return write_park(tmp_path / name, data, {"scenarios/dear_hydrogen.yaml": DEAR_HYDROGEN})

    return write


def assert_two_exchange_shares(frame, h2_saving: float) -> None:
    """Shapley of two_exchanges (see the first test): chlor H2/2, ammonia (H2 + heat)/2, town heat/2."""
    shares = shares_of(frame)
    assert shares["chlor"] == pytest.approx(h2_saving / 2, rel=1e-6)
    assert shares["ammonia"] == pytest.approx((h2_saving + HEAT_SAVING) / 2, rel=1e-6)
    assert shares["town"] == pytest.approx(HEAT_SAVING / 2, rel=1e-6)


@pytest.mark.parametrize("method", ["shapley", "equal_split"])
def test_a_result_of_another_park_is_refused(folder_of, method: str) -> None:
    """Before: another park's result gave zero Shapley shares (its links are none of this park's), or
    with equal_split the other park's firms."""
    from symbiosis.analysis.sharing import ResultMismatch

    park = symbiosis.load_park(folder_of("here", two_exchanges()))
    other_data = one_supplier_two_buyers()
    other_data["park"]["name"] = "other park"
    other = symbiosis.optimize(symbiosis.load_park(folder_of("there", other_data)))
    refused = r"other park data .*'other park'.*fingerprint .*symbiosis\.optimize"
    with pytest.raises(ResultMismatch, match=refused):
        fair_shares(park, other, method=method)
    with pytest.raises(ValueError, match="other park data"):  # a ValueError, as the API's other refusals
        transfer_prices(park, other)
    # A result that records no fingerprint is still known by its park's name.
    unmarked = other.summary.copy()
    unmarked["fingerprint"] = ""
    with pytest.raises(ResultMismatch, match="'other park'"):
        fair_shares(park, dataclasses.replace(other, summary=unmarked), method=method)


def test_a_base_result_is_refused_for_a_scenario_or_overrides(folder_of) -> None:
    """Before: the base result's saving was taken as v(N) of the scenario's game, whose coalitions
    are solved with the scenario: the shares added up to the base saving and mixed both."""
    from symbiosis.analysis.sharing import ResultMismatch

    folder = folder_of("park", two_exchanges())
    base = symbiosis.load_park(folder)
    dear = symbiosis.load_park(folder, scenario="dear_hydrogen")
    taxed = symbiosis.load_park(folder, overrides={"park.carbon_price": "100 NOK/t"})
    base_result, dear_result = symbiosis.optimize(base), symbiosis.optimize(dear)
    with pytest.raises(ResultMismatch, match="solved with no scenario, the park is loaded with scenario "
                                             "'dear_hydrogen'"):
        fair_shares(dear, base_result)
    with pytest.raises(ResultMismatch, match="solved with scenario 'dear_hydrogen', the park is loaded "
                                             "with no scenario"):
        fair_shares(base, dear_result, method="equal_split")
    with pytest.raises(ResultMismatch, match=r"no overrides, the park is loaded with overrides "
                                             r"park\.carbon_price="):
        fair_shares(taxed, base_result)

    # Each park with its own result: the hand-derived shares (the scenario's dearer hydrogen too).
    assert_two_exchange_shares(fair_shares(dear, dear_result), DEAR_H2_SAVING)
    assert_two_exchange_shares(fair_shares(base, base_result), H2_SAVING)
    # The same data loaded again, or the result saved and read back, is the same park's result.
    assert_two_exchange_shares(fair_shares(symbiosis.load_park(folder), base_result), H2_SAVING)
    saved = symbiosis.Result.load(dear_result.save(folder / "out"))
    assert_two_exchange_shares(fair_shares(symbiosis.load_park(folder, scenario="dear_hydrogen"), saved),
                               DEAR_H2_SAVING)


def test_a_result_that_is_not_the_least_cost_is_refused(park_of) -> None:
    """three_pairs at 20 NOK/t: only pair 1 pays (benefit 438 t x 700 = 306,600 NOK a year against a
    pipe of 97,531); pairs 2 and 3 cost 487,653 and 975,306. Forcing pair 2 in (a fixed link, or an
    emissions cap of one pair's 4,380 t less) makes the result dearer, and its saving no v(N):
    before, the shares of s2 and d2 came out negative and a core violation appeared that does not
    exist. The least cost itself, even with a fixed link it builds anyway, is shared as by hand."""
    from symbiosis.analysis.sharing import ResultMismatch

    park = park_of(three_pairs(20.0))
    table = symbiosis.find_candidates(park).table.set_index("from_firm")
    pair1, pair2 = table.loc["s1", "id"], table.loc["s2", "id"]
    least = symbiosis.optimize(park)
    pair1_saving = pair_benefit(20.0) - PAIR_CAPITAL[0]
    assert least.saving == pytest.approx(pair1_saving, rel=1e-6)

    forced = symbiosis.optimize(park, fixed_links={pair2: True})
    capped = symbiosis.optimize(park, emissions_cap=float(least.summary["emissions"]) - PAIR_TONNES * 10)
    dearer = PAIR_CAPITAL[1] - pair_benefit(20.0)
    for result in (forced, capped):
        assert least.total_cost - result.total_cost == pytest.approx(-dearer, rel=1e-6)
        for method in ("shapley", "equal_split"):
            with pytest.raises(ResultMismatch, match=rf"not the least-cost answer .* costs {dearer:,.0f} NOK "
                                                     r"a year more .*symbiosis\.optimize"):
                fair_shares(park, result, method=method)
    cleanest = symbiosis.optimize(park, objective="emissions")
    with pytest.raises(ResultMismatch, match="minimises emissions, not the total cost"):
        fair_shares(park, cleanest)

    for result in (least, symbiosis.optimize(park, fixed_links={pair1: True})):
        frame = fair_shares(park, result)
        shares = shares_of(frame)
        assert shares["s1"] == pytest.approx(pair1_saving / 2, rel=1e-6)
        assert shares["d1"] == pytest.approx(pair1_saving / 2, rel=1e-6)
        assert all(shares[firm] == pytest.approx(0, abs=1e-6) for firm in ("s2", "d2", "s3", "d3"))
        assert frame.attrs["core_holds"]


def test_cli_share_refuses_a_result_short_of_the_least_cost(folder_of, monkeypatch) -> None:
    """The command solves the park itself; should that stop short of the least cost (a --time-limit),
    it says so with exit code 2, no traceback."""
    import symbiosis.cli.share as share_command

    folder = folder_of("park", three_pairs(20.0))
    table = symbiosis.find_candidates(symbiosis.load_park(folder)).table
    pair2 = table.set_index("from_firm").loc["s2", "id"]

    def stopped_short(park, **options):
        return symbiosis.optimize(park, fixed_links={pair2: True}, **options)

    monkeypatch.setattr(share_command, "optimize", stopped_short)
    run = CliRunner().invoke(cli, ["share", str(folder)])
    assert run.exit_code == 2, run.output
    assert isinstance(run.exception, SystemExit)
    assert "not the least-cost answer" in run.output and "--time-limit" in run.output


def test_share_tables_show_no_solver_dust_and_no_na() -> None:
    """`symbiosis share` showed a transfer of "1.6e-06 NOK" and "<NA>" under "better off" with
    --no-core (pandas' missing value, not a word)."""
    import pandas as pd

    from symbiosis.cli.analysis_common import money, text

    assert money("NOK")(1.6e-06) == "0 NOK" and money("NOK")(-0.4) == "0 NOK"
    assert money("NOK")(12.4) == "12.4 NOK" and money("NOK")(1_234_567.8) == "1,234,568 NOK"
    assert text(pd.NA) == "-" and text(None) == "-" and text(True) == "True"


def test_a_coalition_solve_stopped_short_of_its_gap_is_refused(tmp_path: Path, monkeypatch) -> None:
    """A coalition's worth taken from a solve its time limit stopped moved every share (Hofors at
    0.3 s: ssab 29.0 -> 40.4 M SEK, hofors_dh 4.8 -> -6.7 M) without a word; it is refused, and the
    command line says to give a longer --time-limit (exit code 2)."""
    from symbiosis.analysis import sharing
    from symbiosis.analysis.common import StoppedShort
    from symbiosis.solvers import Status

    folder = write_park(tmp_path / "pairs", three_pairs())
    park = symbiosis.load_park(folder)
    result = symbiosis.optimize(park)
    real = sharing.solve_model

    def stopped(model, options):
        return dataclasses.replace(real(model, options), status=Status.TIME_LIMIT, gap=0.05)

    monkeypatch.setattr(sharing, "solve_model", stopped)
    with pytest.raises(StoppedShort, match="stopped at its time limit 5.00% from its least cost"):
        symbiosis.fair_shares(park, result)
    run = CliRunner().invoke(cli, ["share", str(folder), "--json"])
    assert run.exit_code == 2 and "--time-limit" in run.output


@pytest.mark.parametrize("command", ["share", "explain", "risk", "pareto"])
def test_no_solution_under_json_is_json(tmp_path: Path, command: str, monkeypatch) -> None:
    """``share``, ``explain`` and ``risk --json`` printed "no solution (...)" as text on stdout;
    ``pareto --json`` printed a front of two unsolved points (found by an audit of the README)."""
    import symbiosis.optimization as optimization
    from symbiosis.solvers import SolveOutcome, Status

    monkeypatch.setattr(optimization, "solve", lambda model, options: SolveOutcome(Status.TIME_LIMIT, False))
    folder = write_park(tmp_path / "pairs", three_pairs())
    # one worker: pareto's ends are solved in this process, where the patch is
    workers = ["--workers", "1"] if command == "pareto" else []
    run = CliRunner().invoke(cli, [command, str(folder), "--json", "--time-limit", "5", *workers])
    assert run.exit_code == 1
    said = json.loads(run.stdout)
    assert said["status"] == "time_limit" and said["error"].startswith("no solution (time_limit)")


def test_a_link_that_delivers_nothing_has_no_transfer_price_in_either_table(tmp_path) -> None:
    """Mo Industripark's existing CO gas link L043 carries nothing in the optimum: the exchanges
    table gave it a transfer price of 0.0 where ``symbiosis share`` gave none (NaN, null in JSON);
    a price per unit delivered needs a delivery, so both say none."""
    park = symbiosis.load_park(PARKS / "mo_industripark")
    result = symbiosis.optimize(park)
    idle = result.exchanges[result.exchanges["annual_amount"] <= 0]
    assert len(idle), "the test needs a listed link that delivers nothing"
    assert idle["transfer_price"].isna().all()
    shared = transfer_prices(park, result).set_index("id")["transfer_price"]
    for link in idle["id"]:
        assert math.isnan(shared[link])
    priced = result.exchanges[result.exchanges["annual_amount"] > 0]
    assert priced["transfer_price"].notna().all()


def test_coalition_solves_are_counted_in_the_progress(park_of) -> None:
    """A share run of thousands of coalition solves said only which coalition it solved; it says
    how far it has come (three pairs of firms: six players, at most 63 groups)."""
    park = park_of(three_pairs(20.0))
    told: list[str] = []
    fair_shares(park, progress=told.append)
    counted = [line for line in told if "coalition {" in line]
    assert counted and all(re.match(r"solve [\d,]+ of at most 63: coalition \{", line) for line in counted)
    assert counted[0].startswith("solve 1 of")

    # A sampled game counts against the coalitions its orders need: two orders of six players
    # have at most 2 x 5 prefixes of one to five firms, plus the empty one (v(N) is the result's).
    told.clear()
    fair_shares(park, exact_up_to=0, samples=2, seed=1, check_core=False, progress=told.append)
    bounds = {int(m.group(1)) for line in told if (m := re.match(r"solve [\d,]+ of at most (\d+):", line))}
    assert len(bounds) == 1 and bounds.pop() <= 11


def test_coalitions_solved_side_by_side_give_the_same_shares(tmp_path: Path, monkeypatch) -> None:
    """An exact game's coalitions of one size are solved in worker processes (Raufoss: 760 solves
    took 6.8 min one after the other). No answer of a coalition stands for another of its size, so
    the same coalitions are solved, to the same worths, as one by one. two_exchanges builds both
    links in the grand coalition, so the pairs {chlor, ammonia} and {ammonia, town} are each
    solved (two solves of one size); the workers load the park from its folder, so a park loaded
    with --set stays in this process."""
    from symbiosis.analysis import sharing

    monkeypatch.setattr(sharing, "SIDE_BY_SIDE_FROM_PLAYERS", 3)
    park = symbiosis.load_park(write_park(tmp_path / "two", two_exchanges()))
    result = symbiosis.optimize(park)
    alone = fair_shares(park, result)
    assert alone.attrs["coalitions_solved"] == 2
    pools = count_worker_pools(monkeypatch, sharing)
    told: list[str] = []
    together = fair_shares(park, result, workers=2, progress=told.append)
    assert pools == [2]
    pd_testing.assert_frame_equal(together, alone)
    for key in ("coalitions_solved", "coalitions", "core_violations"):
        assert together.attrs[key] == alone.attrs[key]
    assert sorted(line.split(": ", 1)[1] for line in told if "coalition {" in line) == [
        "coalition {ammonia, chlor}", "coalition {ammonia, town}"]

    # The equal split's core check solves every coalition, smallest first as before, side by side.
    equal = fair_shares(park, result, method="equal_split", workers=2)
    assert pools == [2, 2]
    pd_testing.assert_frame_equal(equal, fair_shares(park, result, method="equal_split"))

    overridden = symbiosis.load_park(tmp_path / "two", overrides={"park.carbon_price": "30 NOK/t"})
    fair_shares(overridden, workers=2, check_core=False)
    assert pools == [2, 2]  # not reloadable: solved here


def test_a_sampled_game_solves_side_by_side_too(tmp_path: Path, monkeypatch) -> None:
    """A sampled Shapley value (more players than exact_up_to) solved its orders one after another
    on one core. It now draws the orders first and finds their prefixes' worths by size, the
    largest first, side by side: the same orders, coalitions and worths as one by one, so the
    same shares and standard errors to the last digit."""
    from symbiosis.analysis import sharing

    monkeypatch.setattr(sharing, "SIDE_BY_SIDE_FROM_PLAYERS", 3)
    park = symbiosis.load_park(write_park(tmp_path / "two", two_exchanges()))
    result = symbiosis.optimize(park)
    alone = fair_shares(park, result, exact_up_to=0, samples=40, seed=3)
    assert alone.attrs["coalitions_solved"] == 2  # {chlor, ammonia} and {ammonia, town}
    pools = count_worker_pools(monkeypatch, sharing)
    together = fair_shares(park, result, exact_up_to=0, samples=40, seed=3, workers=2)
    assert pools == [2]
    pd_testing.assert_frame_equal(together, alone)
    for key in ("coalitions_solved", "coalitions", "core_violations", "core_checked"):
        assert together.attrs[key] == alone.attrs[key]
    assert together.attrs["core_checked"] == "sampled"
