"""Why, and why not: the cost cut an unbuilt link needs, the margin of a built one.

Three hydrogen pairs (``analysis_parks.three_pairs``, carbon price 20 NOK/t): each pair saves
438 t x (500 NOK/t + 20 NOK/t x 10 t CO2/t) = 306,600 NOK a year; its pipe costs CRF(7 %, 40)
x 1000 NOK/m x 1300 d_k m. Pair 1 (1 km: 97,512 NOK) pays by 209,088 NOK; pair 2 (5 km:
487,559 NOK) falls short by 180,959 NOK, 37.1 % of its annualised investment; pair 3 (10 km:
975,119 NOK) by 668,519 NOK.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from analysis_parks import PAIR_CAPITAL, pair_benefit, three_pairs
from click.testing import CliRunner
from conftest import write_park

import symbiosis
from symbiosis.analysis import explain
from symbiosis.cli import cli


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_park(tmp_path / "pairs", three_pairs())


def test_a_link_just_not_worth_it_needs_its_shortfall_cut(folder: Path) -> None:
    park = symbiosis.load_park(folder)
    result = symbiosis.optimize(park)
    table = explain(park, result).set_index("id")
    assert list(table.index) == ["L001", "L002", "L003"]
    benefit = pair_benefit(20)
    assert PAIR_CAPITAL[1] - benefit == pytest.approx(180_959, abs=1)

    pair2 = table.loc["L002"]
    assert not pair2["built"] and pair2["status"] == "optimal"
    assert pair2["required_cut"] == pytest.approx(PAIR_CAPITAL[1] - benefit, rel=1e-6)
    assert pair2["cost_increase"] == pytest.approx(pair2["resolved_cost"] - result.total_cost, rel=1e-9)
    assert pair2["annualised_investment"] == pytest.approx(PAIR_CAPITAL[1], rel=1e-6)
    assert pair2["share_of_annualised_investment"] == pytest.approx(1 - benefit / PAIR_CAPITAL[1], rel=1e-6)
    assert pair2["saving"] == pytest.approx(benefit - PAIR_CAPITAL[1], rel=1e-6)
    assert "180,959 NOK/year" in pair2["explanation"] and "37.1%" in pair2["explanation"]
    assert table.loc["L003", "required_cut"] == pytest.approx(PAIR_CAPITAL[2] - benefit, rel=1e-6)

    pair1 = table.loc["L001"]
    assert pair1["built"] and pair1["margin"] == pytest.approx(benefit - PAIR_CAPITAL[0], rel=1e-6)
    assert pair1["margin"] == pytest.approx(result.exchanges.set_index("id").loc["L001", "saving"], rel=1e-6)
    assert (table["other_changes"] == "").all()  # the pairs are independent


def test_a_cut_of_exactly_that_much_makes_the_link_pay(tmp_path: Path) -> None:
    """At a carbon price where pair 2's benefit exceeds its capital it is built, and its margin is
    the same sum the other way round: benefit - capital."""
    park = symbiosis.load_park(write_park(tmp_path / "dear", three_pairs(carbon_price=100)))
    table = explain(park, links=["L002"]).set_index("id")
    assert table.loc["L002", "built"]
    assert table.loc["L002", "margin"] == pytest.approx(pair_benefit(100) - PAIR_CAPITAL[1], rel=1e-6)


def test_unknown_link_is_a_key_error(folder: Path) -> None:
    with pytest.raises(KeyError, match="L009"):
        explain(symbiosis.load_park(folder), links=["L009"])


def test_cli_explain_one_link(folder: Path) -> None:
    run = CliRunner().invoke(cli, ["explain", str(folder), "--link", "L002", "--json"])
    assert run.exit_code == 0, run.output
    (link,) = json.loads(run.stdout)["links"]
    assert link["id"] == "L002" and link["margin"] is None
    assert link["required_cut"] == pytest.approx(PAIR_CAPITAL[1] - pair_benefit(20), rel=1e-6)
    table = CliRunner().invoke(cli, ["explain", str(folder)])
    assert table.exit_code == 0 and "not built" in table.stdout and "180,959 NOK" in table.stdout
    wrong = CliRunner().invoke(cli, ["explain", str(folder), "--link", "L009"])
    assert wrong.exit_code == 2 and "L009" in wrong.output
