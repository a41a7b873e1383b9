"""Fair shares: Shapley value (exact and sampled), equal split with transfer prices, core checks.

Every expected figure comes from the hand figures of ``analysis_parks`` (see its docstring).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

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
    one_supplier_two_buyers,
    three_way_synergy,
    two_exchanges,
)
from click.testing import CliRunner
from conftest import write_park

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
        assert model.total_cost(left_out) == pytest.approx(expected, rel=1e-9)
