"""Partner risk: a heat supplier (a) whose only buyer (b) leaves; an independent hydrogen pair (c, d).

Hand figures (``analysis_parks``): the heat exchange saves HEAT_SAVING = 1,664,400 (boiler and
cooling avoided) - 188,786 (capital, CRF(7 %, 20) x 2 MNOK) - 35,040 (running) = 1,440,574 NOK a
year; the hydrogen one H2_SAVING = 15,205,860 NOK. The result books each exchange's saving half
and half to its two firms.

If b leaves: the pipe a -> b is stranded, its capital (188,786 NOK a year) still paid; c -> d is
kept. The rest of the park saves H2_SAVING - 188,786: the park loses HEAT_SAVING + 188,786 =
1,629,360 NOK (the avoided boiler and cooling, less the running cost that stops), of which the
firms that stay lose HEAT_SAVING / 2 + 188,786 (b's own half leaves with it).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from analysis_parks import (
    H2_CAPITAL,
    H2_SAVING,
    HEAT_CAPITAL,
    HEAT_RUNNING,
    HEAT_SAVING,
    HOURS,
    crf,
    heat_and_hydrogen,
    heat_buyers,
)
from click.testing import CliRunner
from conftest import write_park

import symbiosis
from symbiosis.analysis import ResultMismatch, explain, partner_risk, without_firms
from symbiosis.cli import cli


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_park(tmp_path / "park", heat_and_hydrogen())


def test_when_the_only_heat_buyer_leaves_the_pipe_is_stranded(folder: Path) -> None:
    park = symbiosis.load_park(folder)
    result = symbiosis.optimize(park)
    assert result.saving == pytest.approx(HEAT_SAVING + H2_SAVING, rel=1e-6)
    said: list[str] = []
    risk = partner_risk(park, result, progress=said.append)
    firms = risk.firms.set_index("firm")
    # Each re-solve is counted and timed up front (on Heroya each takes about 90 s).
    involved = [text for text in said if text.startswith("without ")]
    assert involved and all(f"of {len(involved)} re-solves, each about" in text for text in involved)

    buyer = firms.loc["b"]
    assert buyer["exchanges"] == 1 and buyer["partners"] == "a"
    assert buyer["stranded_capital"] == pytest.approx(HEAT_CAPITAL, rel=1e-6)
    assert buyer["saving_sunk"] == pytest.approx(H2_SAVING, rel=1e-6)
    assert buyer["saving_after"] == pytest.approx(H2_SAVING - HEAT_CAPITAL, rel=1e-6)
    assert buyer["loss"] == pytest.approx(HEAT_SAVING + HEAT_CAPITAL, rel=1e-6)
    assert buyer["loss"] == pytest.approx(1_664_400 - HEAT_RUNNING, rel=1e-6)
    assert buyer["own_saving"] == pytest.approx(HEAT_SAVING / 2, rel=1e-6)
    assert buyer["loss_to_others"] == pytest.approx(HEAT_SAVING / 2 + HEAT_CAPITAL, rel=1e-6)
    # In the long run (nothing built yet) the others lose only a's half of the heat exchange.
    assert buyer["saving_long_run"] == pytest.approx(H2_SAVING, rel=1e-6)
    assert buyer["loss_to_others_long_run"] == pytest.approx(HEAT_SAVING / 2, rel=1e-6)
    # Ranked by what the others lose: c or d leaving strands the hydrogen pipe, worth far more.
    assert set(risk.firms["firm"].iloc[:2]) == {"c", "d"}
    assert firms.loc["d", "loss_to_others"] == pytest.approx(H2_SAVING / 2 + H2_CAPITAL, rel=1e-6)

    exchanges = risk.exchanges.set_index("from_firm")
    heat = exchanges.loc["a"]
    assert heat["to_firm"] == "b" and heat["stranded_by"] == "a, b"
    assert heat["exposure"] == pytest.approx(HEAT_SAVING + HEAT_CAPITAL, rel=1e-6)
    assert list(risk.exchanges["from_firm"]) == ["c", "a"]  # by exposure


def test_risk_and_explain_refuse_a_result_of_other_park_data(folder: Path) -> None:
    """Both compared the given result with re-solves of the park as loaded, whatever it came from."""
    park = symbiosis.load_park(folder)
    dearer = symbiosis.load_park(folder, overrides={"park.carbon_price": "500 NOK/t"})
    result = symbiosis.optimize(dearer)
    with pytest.raises(ResultMismatch, match="carbon_price"):
        partner_risk(park, result)
    with pytest.raises(ResultMismatch, match="carbon_price"):
        explain(park, result)


def test_a_firm_whose_existing_link_others_rely_on_is_a_risk(tmp_path: Path) -> None:
    """An existing 0.5 MW pipe carries A's surplus to B all year (4,380 MWh). Today B pays 550
    NOK/MWh of gas for the rest of its 2 MW, half the pipe's 20 NOK/MWh running cost (43,800)
    and the transfer that splits the exchange's saving: (550 x 4,380 - 43,800 - (10 x 4,380 -
    43,800)) / 2 = 1,182,600 NOK a year; so B's cost is 9,636,000 - 2,409,000 + 43,800 +
    1,182,600 = 8,453,400. If A leaves, B buys all its heat: 9,636,000, 1,182,600 more (and A
    leaving B costs A as much). Measured against the remaining park's own baseline, which loses
    the pipe too, every loss was 0. (No second pipe can be laid beside it: pipes reach 50 m
    here, the existing one 130 m.)"""
    data = heat_buyers(existing=[
        {"from": "a.hot", "to": "b.need", "technology": "hot_water_pipe", "capacity": "0.5 MW"}])
    pipe = data["technologies"]["hot_water_pipe"]
    data["technologies"]["hot_water_pipe"] = {**pipe, "max_distance": "50 m"}
    folder = write_park(tmp_path / "park", data)
    park = symbiosis.load_park(folder)
    result = symbiosis.optimize(park)
    assert result.firms.set_index("firm").loc["b", "total_cost"] == pytest.approx(8_453_400, rel=1e-6)
    risk = partner_risk(park, result)
    firms_at_risk = risk.firms.set_index("firm")
    for firm in ("a", "b"):
        assert firms_at_risk.loc[firm, "loss_to_others"] == pytest.approx(1_182_600, rel=1e-6)
        assert firms_at_risk.loc[firm, "loss_to_others_long_run"] == pytest.approx(1_182_600, rel=1e-6)
    # The pipe's risk is today's, in the firms' rows: it is no exposure of the proposal. Listed
    # with its saving against today (0 here, negative where the proposal moves flow off an
    # existing link), it read as nothing at stake, or as the park gaining if a partner left (an
    # audit: Ferroglobe's CO-gas pipes at 0 NOK, Hofors-Borlanges L003 at -4,091,245 NOK).
    assert result.exchanges["existing"].any() and risk.exchanges.empty
    # the summary counts it among the exchanges (as the history does), not among the proposed
    assert (result.summary["exchanges"], result.summary["proposed_exchanges"]) == (1, 0)


def test_a_kept_pipe_stays_the_size_it_was_built(tmp_path: Path) -> None:
    """A's 2 MW of surplus heat (cooling tower, 10 NOK/MWh) is split: 1 MW to D, heated
    electrically at 1,000 NOK/MWh, and 1 MW to B, which needs 2 MW and burns gas at 550. Each
    pipe is 1 MW: 100,000 + 1,000,000 NOK, CRF(7 %, 20) x 1.1 MNOK = 103,832 NOK a year, and 20
    NOK/MWh. When D leaves, B can take A's other MW: worth 8,760 x (550 + 10 - 20) = 4,730,400 a
    year. The 1 MW pipe to B is built and stays 1 MW, so a second pipe is laid beside it (another
    103,832): the sunk saving is 2 x 4,730,400 - 2 x 103,832 = 9,253,136. From scratch one 2 MW
    pipe does (CRF x 2.1 MNOK = 198,225): 9,262,575, the second pipe's fixed cost (CRF x 100,000)
    more. (Before, the kept pipe was re-sized in the sunk re-solve, as if it had been built for
    2 MW, and the sunk saving came out as the long-run one.)"""
    data = heat_buyers(electric_buyer=True)
    data["firms"]["a"]["streams"]["hot"]["amount"] = "2 MW"
    data["routes"]["electric"]["price"] = "1000 NOK/MWh"
    park = symbiosis.load_park(write_park(tmp_path / "park", data))
    result = symbiosis.optimize(park)
    built = result.exchanges.set_index("to_firm")
    assert built.loc[["b", "d"], "capacity"].tolist() == pytest.approx([1.0, 1.0])
    pipe = crf(0.07, 20) * 1_100_000
    worth = HOURS * (550 + 10 - 20)
    firms = partner_risk(park, result).firms.set_index("firm")
    assert firms.loc["d", "saving_sunk"] == pytest.approx(2 * worth - 2 * pipe, rel=1e-6)
    assert firms.loc["d", "saving_long_run"] == pytest.approx(2 * worth - crf(0.07, 20) * 2_100_000, rel=1e-6)
    assert firms.loc["d", "stranded_capital"] == pytest.approx(pipe, rel=1e-6)
    assert firms.loc["d", "loss"] == pytest.approx(result.saving - (2 * worth - 3 * pipe), rel=1e-6)


def test_without_firms_drops_the_firm_and_its_links(folder: Path) -> None:
    park = symbiosis.load_park(folder)
    rest = without_firms(park, ["b"])
    assert sorted(rest.firms) == ["a", "c", "d"]
    assert list(symbiosis.find_candidates(rest).table["from_firm"]) == ["c"]
    assert sorted(park.firms) == ["a", "b", "c", "d"]  # the park itself is untouched
    with pytest.raises(KeyError, match="nobody"):
        without_firms(park, ["nobody"])


def test_cli_risk_json(folder: Path) -> None:
    run = CliRunner().invoke(cli, ["risk", str(folder), "--json"])
    assert run.exit_code == 0, run.output
    document = json.loads(run.stdout)
    firms = {row["firm"]: row for row in document["firms"]}
    assert firms["b"]["loss"] == pytest.approx(HEAT_SAVING + HEAT_CAPITAL, rel=1e-6)
    assert [row["stranded_by"] for row in document["exchanges"]] == ["c, d", "a, b"]
    table = CliRunner().invoke(cli, ["risk", str(folder)])
    assert table.exit_code == 0 and "loss to others" in table.stdout
    assert "A negative loss to others" not in table.stdout


def test_a_negative_loss_to_others_is_explained_under_the_table(folder: Path, monkeypatch) -> None:
    """Mo i Rana's Elkem showed a loss to others of -11.75 MNOK, read as "the others are better off
    without Elkem" (an audit): right by the formulas (the others replace its heat for less than the
    half of each exchange's saving Elkem is paid), so a note under the table says what it means."""
    import symbiosis.cli.risk as command

    def with_one_negative(*args, **kwargs):
        found = partner_risk(*args, **kwargs)
        found.firms.loc[found.firms["firm"] == "a", "loss_to_others"] = -1_000.0
        return found

    monkeypatch.setattr(command, "partner_risk", with_one_negative)
    table = CliRunner().invoke(cli, ["risk", str(folder)])
    assert table.exit_code == 0, table.output
    assert "A negative loss to others (a): the firms that stay can replace" in " ".join(table.stdout.split())

    def with_one_negative_in_the_long_run(*args, **kwargs):  # the README's case; was not said (an audit)
        found = partner_risk(*args, **kwargs)
        found.firms.loc[found.firms["firm"] == "a", "loss_to_others_long_run"] = -1_000.0
        return found

    monkeypatch.setattr(command, "partner_risk", with_one_negative_in_the_long_run)
    table = CliRunner().invoke(cli, ["risk", str(folder)])
    assert "A negative loss to others (a, long run): the firms" in " ".join(table.stdout.split())
    assert "A negative loss (" not in table.stdout

    def with_a_negative_loss(*args, **kwargs):  # an existing link's half paid to it (an audit)
        found = partner_risk(*args, **kwargs)
        found.firms.loc[found.firms["firm"] == "a", ["loss", "loss_to_others"]] = -1_000.0
        return found

    monkeypatch.setattr(command, "partner_risk", with_a_negative_loss)
    table = CliRunner().invoke(cli, ["risk", str(folder)])
    assert "A negative loss (a): in today's costs the firm is paid half the saving of its existing links" \
        in " ".join(table.stdout.split())


# A 1 MEUR hydrogen pipe, and firm b buying 876 t a year (0.1 t/h) 1 km east of the origin.
DEAR_PIPE = ("{investment: 1000000 EUR, investment_per_capacity: 0 EUR/(t/h), "
             "investment_per_length: 100 EUR/m, lifetime: 10 year, fixed_om: 0 %, loss_per_km: 0 %, "
             "min_capacity: 0 t/h}")
BUYER_B = ("{location: {x: 1000 m, y: 0 m}, "
           "streams: {h2: {direction: demand, carrier: hydrogen, amount: 876 t/year, current: grey}}}")
NOTHING_PAYS = """\
park: {name: nothing pays, currency: EUR, discount_rate: 10 %, carbon_price: 0 EUR/t}
routes:
  vent: {carrier: hydrogen, price: 0 EUR/kg}
  grey: {carrier: hydrogen, price: 0.1 EUR/kg}
technologies:
  hydrogen_pipe: {DEAR_PIPE}
firms:
  a:
    location: {x: 0 m, y: 0 m}
    streams: {h2: {direction: supply, carrier: hydrogen, amount: 876 t/year, current: vent}}
  b:
    {BUYER_B}
""".replace("{DEAR_PIPE}", DEAR_PIPE).replace("{BUYER_B}", BUYER_B)


def test_risk_of_a_park_where_no_exchange_pays(tmp_path: Path) -> None:
    """876 t a year at 0.1 EUR/kg avoid 87,600 EUR, less than the pipe's capital (CRF(10 %, 10) x
    1.13 MEUR = 183,902 EUR): nothing is built, and each firm risks nothing. It was a KeyError
    traceback (an empty list selected no columns of the empty exchanges)."""
    folder = write_park(tmp_path / "park", NOTHING_PAYS)
    park = symbiosis.load_park(folder)
    risk = partner_risk(park, symbiosis.optimize(park))
    assert list(risk.firms["status"]) == ["no exchanges with others"] * 2
    assert list(risk.firms["loss"]) == [0, 0]
    run = CliRunner().invoke(cli, ["risk", str(folder), "--json"])
    assert run.exit_code == 0, run.output
    assert [row["loss"] for row in json.loads(run.stdout)["firms"]] == [0, 0]


HUB_FOR_ONE = """\
park: {name: hub for one, currency: EUR, discount_rate: 10 %, carbon_price: 0 EUR/t, electricity: grid}
routes:
  grid: {carrier: electricity, price: 20 EUR/MWh}
  grey: {carrier: hydrogen, price: 5 EUR/kg}
technologies:
  hydrogen_pipe: {DEAR_PIPE}
  electrolyser: {investment_per_capacity: 100000 EUR/MW, efficiency: 50 %, lifetime: 10 year, fixed_om: 0 %,
                 running_cost: 0 EUR/t, heat_recovery: 0 %}
hubs:
  h: {location: {x: 0 m, y: 0 m}, technologies: [electrolyser], max_capacity: {electrolyser: 50 MW}}
firms:
  b:
    {BUYER_B}
  c:
    location: {x: 0 m, y: 500 m}
    streams: {h2: {direction: demand, carrier: hydrogen, amount: 8.76 t/year, current: grey}}
""".replace("{DEAR_PIPE}", DEAR_PIPE).replace("{BUYER_B}", BUYER_B)


def test_a_hub_left_idle_by_the_firm_it_served_is_stranded_with_its_pipe(tmp_path: Path) -> None:
    """The hub's electrolyser (0.1 t/h of hydrogen at 50 %: 2 x 3.333 MW) feeds b alone through a
    1.3 km pipe (1,000,000 + 100 x 1,300 EUR); c's 8.76 t/year pays for no pipe. When b leaves,
    nothing is left to build, and both the pipe and the electrolyser were paid for: the park
    loses its saving plus CRF(10 %, 10) x (1,130,000 + 666,600) = 183,902 + 108,486 EUR a year.
    The electrolyser's capital was left out (the loss was 108,486 EUR short)."""
    from symbiosis.units import HYDROGEN_LHV_MWH_PER_T

    folder = write_park(tmp_path / "park", HUB_FOR_ONE)
    park = symbiosis.load_park(folder)
    result = symbiosis.optimize(park)
    crf = 0.1 / (1 - 1.1**-10)
    electrolyser = 100_000 * 0.1 * HYDROGEN_LHV_MWH_PER_T / 0.5
    stranded = crf * (1_130_000 + electrolyser)
    firms = partner_risk(park, result).firms.set_index("firm")
    assert firms.loc["b", "stranded_capital"] == pytest.approx(stranded, rel=1e-6)
    assert firms.loc["b", "stranded_investment"] == pytest.approx(1_130_000 + electrolyser, rel=1e-6)
    assert firms.loc["b", "loss"] == pytest.approx(result.saving + stranded, rel=1e-6)
    assert firms.loc["c", "loss"] == 0


def test_firms_re_solved_side_by_side_give_the_same_table(folder: Path) -> None:
    """Each firm's re-solves run in worker processes (on Herøya each takes about 90 s): the same
    tables as one by one, row for row."""
    import pandas as pd

    park = symbiosis.load_park(folder)
    result = symbiosis.optimize(park)
    alone = partner_risk(park, result)
    said: list[str] = []
    together = partner_risk(park, result, workers=2, progress=said.append)
    assert said[0] == "4 firms' re-solves, 2 at a time" and len(said) == 5
    pd.testing.assert_frame_equal(together.firms, alone.firms)
    pd.testing.assert_frame_equal(together.exchanges, alone.exchanges)


def _killed(*arguments) -> None:
    """A worker's task that ends its process as the out-of-memory killer would."""
    import os

    os._exit(9)


def test_a_worker_killed_is_said_plainly(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker process killed mid-solve (as by the out-of-memory killer: each holds a model of
    its own) ended the command with a BrokenProcessPool traceback; it is a message that says
    what happened and what to do, exit code 2."""
    import importlib

    monkeypatch.setattr(importlib.import_module("symbiosis.analysis.risk"), "_resolve_in_worker", _killed)
    run = CliRunner().invoke(cli, ["risk", str(folder), "--workers", "2"])
    assert run.exit_code == 2, run.output
    said = " ".join(run.output.split())
    assert "a worker process of this command ended abruptly" in said and "--workers 1" in said
    assert "Traceback" not in run.output


def test_workers_are_as_many_as_fit_in_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each worker builds a model of the park of its own: on a time-resolved park they are cut to
    what fits beside this process's model (memory for three models: two workers of four asked),
    and to one (none beside this process) when two do not fit; a one-step park keeps them all,
    and a park the workers cannot load again (--set) gets none."""
    from symbiosis.analysis import side_by_side
    from symbiosis.candidates import find_candidates
    from symbiosis.memory import memory_needed
    from symbiosis.models.size import model_size
    from symbiosis.problem import to_model_data
    from symbiosis.time import time_steps

    days = heat_and_hydrogen()
    days["park"]["time"] = {"typical_days": 2}
    resolved = symbiosis.load_park(write_park(tmp_path / "days", days))
    data = to_model_data(resolved, find_candidates(resolved), time_steps(resolved))
    one_model = memory_needed(model_size(data))
    monkeypatch.setattr(side_by_side, "available_memory", lambda: 3.5 * one_model)
    assert side_by_side.usable_workers(resolved, 4) == 2
    monkeypatch.setattr(side_by_side, "available_memory", lambda: 1.5 * one_model)
    assert side_by_side.usable_workers(resolved, 4) == 1
    annual = symbiosis.load_park(write_park(tmp_path / "annual", heat_and_hydrogen()))
    assert side_by_side.usable_workers(annual, 4) == 4
    overridden = symbiosis.load_park(tmp_path / "annual", overrides={"park.carbon_price": "30 NOK/t"})
    assert side_by_side.usable_workers(overridden, 4) == 1
