"""Why, and why not: the cost cut an unbuilt link needs, the margin of a built one.

Three hydrogen pairs (``analysis_parks.three_pairs``, carbon price 20 NOK/t): each pair saves
438 t x (500 NOK/t + 20 NOK/t x 10 t CO2/t) = 306,600 NOK a year; its pipe costs CRF(7 %, 40)
x 1000 NOK/m x 1300 d_k m. Pair 1 (1 km: 97,512 NOK) pays by 209,088 NOK; pair 2 (5 km:
487,559 NOK) falls short by 180,959 NOK, 37.1 % of its annualised investment; pair 3 (10 km:
975,119 NOK) by 668,519 NOK.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest
from analysis_parks import PAIR_CAPITAL, heat_buyers, pair_benefit, three_pairs
from click.testing import CliRunner
from conftest import write_park

import symbiosis
from symbiosis.analysis import explain, side_by_side
from symbiosis.analysis.side_by_side import reloadable
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


def test_annualised_investment_is_capital_recovery_without_fixed_om(tmp_path: Path) -> None:
    """With fixed O&M of 2 % of the investment a year, pair 2's pipe (1000 NOK/m x 6,500 m) costs
    (CRF(7 %, 40) + 0.02) x 6.5 MNOK = 487,559 + 130,000 a year. Its required cut grows by the
    130,000, but its annualised investment is the capital recovery alone (DESIGN section 2: total
    cost = annualised investment + fixed O&M + ...), and the share is of that: (617,559 - 306,600)
    / 487,559 = 63.8 %. (It was taken of both together: 50.4 %.)"""
    data = three_pairs()
    data["technologies"]["hydrogen_pipe"]["fixed_om"] = "2 %"
    park = symbiosis.load_park(write_park(tmp_path / "om", data))
    pair2 = explain(park, links=["L002"]).set_index("id").loc["L002"]
    cut = PAIR_CAPITAL[1] + 0.02 * 6_500_000 - pair_benefit(20)
    assert pair2["required_cut"] == pytest.approx(cut, rel=1e-6)
    assert pair2["annualised_investment"] == pytest.approx(PAIR_CAPITAL[1], rel=1e-6)
    assert pair2["share_of_annualised_investment"] == pytest.approx(cut / PAIR_CAPITAL[1], rel=1e-6)
    assert "63.8%" in pair2["explanation"] and "alone will not do" not in pair2["explanation"]
    # The investment must fall by the cut over capital recovery and fixed O&M together, both
    # shares of it: 310,959 / 617,559 = 50.4 % (an engineer's break-even cut; the table shows it).
    assert pair2["investment_cut"] == pytest.approx(cut / (PAIR_CAPITAL[1] + 0.02 * 6_500_000), rel=1e-6)
    assert "an investment 50.4% lower" in pair2["explanation"]
    shown = CliRunner().invoke(cli, ["explain", str(tmp_path / "om"), "--link", "L002"], terminal_width=250)
    assert "investment cut" in shown.output and "50.4%" in shown.output  # it showed 63.8 % "of capital"


def test_a_cut_of_exactly_that_much_makes_the_link_pay(tmp_path: Path) -> None:
    """At a carbon price where pair 2's benefit exceeds its capital it is built, and its margin is
    the same sum the other way round: benefit - capital."""
    park = symbiosis.load_park(write_park(tmp_path / "dear", three_pairs(carbon_price=100)))
    table = explain(park, links=["L002"]).set_index("id")
    assert table.loc["L002", "built"]
    assert table.loc["L002", "margin"] == pytest.approx(pair_benefit(100) - PAIR_CAPITAL[1], rel=1e-6)


def test_unknown_link_is_a_key_error_before_any_solve(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a result, the park was solved first and only then was L009 refused, its message in
    a KeyError's quotes."""
    import symbiosis.analysis.common as common

    def no_solve(*args, **kwargs):
        raise AssertionError("solved before the link was checked")

    monkeypatch.setattr(common, "optimize", no_solve)
    with pytest.raises(KeyError, match="L009") as caught:
        explain(symbiosis.load_park(folder), links=["L009"])
    assert str(caught.value) == "no candidate link L009; see symbiosis candidates"


def test_one_id_as_text_is_one_link_and_a_path_is_refused_by_name(folder: Path) -> None:
    """links="L002" was read letter by letter ("no candidate link L, 0, 0, 2"), and a path in
    place of a Park was refused as "optimize expects a Park"."""
    table = explain(symbiosis.load_park(folder), links="L002")
    assert list(table["id"]) == ["L002"]
    twice = explain(symbiosis.load_park(folder), links=["L002", "L002"])  # one row (an audit: two)
    assert list(twice["id"]) == ["L002"]
    with pytest.raises(TypeError, match="explain expects a Park"):
        explain(str(folder))


def test_a_link_that_would_carry_nothing_says_so(tmp_path: Path) -> None:
    """A's 1 MW of heat is worth 550 NOK/MWh to B (gas) and 100 to D (electric heat), and B takes
    all of it, so a pipe A -> D forced in is built at its 0.1 MW smallest size and left empty:
    its required cut is its whole annualised investment (CRF(7 %, 20) x 200,000 = 18,879 NOK),
    and no cut would make it carry anything. It was quoted as if a cut of that much would do."""
    folder = write_park(tmp_path / "park", heat_buyers(electric_buyer=True))
    park = symbiosis.load_park(folder)
    to_d = next(c.id for c in symbiosis.find_candidates(park).links if c.to_firm == "d")
    table = explain(park, links=to_d)
    assert table["carries_nothing"].dtype == "boolean"  # was object: True/False mixed with NaN
    (row,) = table.itertuples()
    assert not row.built and row.carries_nothing
    assert row.cost_increase == pytest.approx(0.0943929 * 200_000, rel=1e-5)  # what forcing it costs
    assert math.isnan(row.required_cut)  # no cut will do
    assert "would carry nothing" in row.explanation and "no cut in its fixed cost" in row.explanation
    # its investment grows with its size: a lower cost per unit of capacity is named, not "only a
    # lower cost per unit moved", which a link with no running cost was told (an audit)
    assert "a lower cost per unit of capacity (investment_per_capacity" in row.explanation


def test_explain_and_risk_refuse_a_result_that_is_not_the_least_cost_one(folder: Path) -> None:
    """A least-CO2 result, or one with links held by fixed_links, gave margins and losses measured
    against it, with no word (an audit: a margin of 34,926 where the least cost says 110,512);
    share refused them already."""
    from symbiosis.analysis import ResultMismatch

    park = symbiosis.load_park(folder)
    for result in (symbiosis.optimize(park, objective="emissions"),
                   symbiosis.optimize(park, fixed_links={"L002": True})):
        with pytest.raises(ResultMismatch, match="least-cost answer, not this one"):
            explain(park, result, links="L001")
        with pytest.raises(ResultMismatch, match="least-cost answer, not this one"):
            symbiosis.partner_risk(park, result)


def test_cli_explain_checks_the_link_before_solving(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A misspelt --link was reported only after the park's whole solve (93 s on Herøya)."""
    def no_solve(*args, **kwargs):
        raise AssertionError("solved before checking --link")

    monkeypatch.setattr("symbiosis.cli.explain.optimize", no_solve)
    wrong = CliRunner().invoke(cli, ["explain", str(folder), "--link", "L009"])
    assert wrong.exit_code == 2 and "L009" in wrong.output and "AssertionError" not in wrong.output


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


def test_a_result_whose_link_ids_name_other_links_is_refused_or_read_by_key(folder: Path) -> None:
    """Ids number the candidates in the order they are found; a version that lays a new link
    beside an existing one numbers them otherwise. A result saved before, with the same data
    fingerprint, was taken as is: explain forced the wrong link off ('L002 built, its saving
    could fall by -0'). The analyses now refuse such a result; optimize(start=...) reads its
    design by what each link connects."""
    from dataclasses import replace

    from symbiosis.analysis import ResultMismatch

    park = symbiosis.load_park(folder)
    result = symbiosis.optimize(park)
    ids = list(result.candidates["id"])
    assert len(ids) >= 2
    renumbered = dict(zip(ids, ids[1:] + ids[:1], strict=True))  # the same links, other numbers
    older = replace(result, candidates=result.candidates.assign(id=result.candidates["id"].map(renumbered)),
                    exchanges=result.exchanges.assign(id=result.exchanges["id"].map(renumbered)))
    with pytest.raises(ResultMismatch, match="numbers the candidate links"):
        explain(park, older)
    started = symbiosis.optimize(park, start=older)
    assert started.summary["start_source"] == "design"
    assert started.summary["start_objective"] == pytest.approx(result.total_cost, rel=1e-6)


def test_re_solves_side_by_side_give_the_same_table(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """From SIDE_BY_SIDE_FROM links the re-solves run in worker processes (Raufoss: 129 of about
    4 s each took 8.5 min one after the other); the table is the same, row for row, and a park
    loaded with --set stays in this process (workers load the folder as it is)."""
    import importlib

    module = importlib.import_module("symbiosis.analysis.explain")  # the package's `explain` is the function

    park = symbiosis.load_park(folder)
    result = symbiosis.optimize(park)
    alone = explain(park, result)
    monkeypatch.setattr(module, "SIDE_BY_SIDE_FROM", 2)
    said: list[str] = []
    together = explain(park, result, progress=said.append, workers=2)
    assert said[0] == "3 re-solves, 2 at a time" and len(said) == 4
    pd.testing.assert_frame_equal(together, alone)
    assert not reloadable(symbiosis.load_park(folder, overrides={"park.carbon_price": "30 NOK/t"}))


def test_a_row_in_words_reads_the_same_from_the_table_and_its_csv() -> None:
    """The report's "Why, and why not" said "not built" where explain said "not built (would carry
    nothing)", and the command line "built" for an existing link it does not explain."""
    from symbiosis.analysis.explain import state_in_words
    from symbiosis.report.document import _why_section

    assert state_in_words(False, True, "optimal") == "not built (would carry nothing)"
    assert state_in_words("False", "True", "optimal") == "not built (would carry nothing)"  # as read from CSV
    assert state_in_words(True, math.nan, "existing") == "existing (kept, not explained)"
    assert state_in_words(True, math.nan, "time_limit") == "built (re-solve stopped)"
    why = pd.DataFrame([{"id": "L003", "from_firm": "a", "from_stream": "x", "to_firm": "b", "to_stream": "y",
                         "technology": "truck", "built": "False", "carries_nothing": "True",
                         "status": "optimal", "margin": math.nan, "required_cut": math.nan}])
    (table,) = [block for block in _why_section(why, "NOK").blocks if hasattr(block, "rows")]
    assert table.rows[0][3] == "not built (would carry nothing)"


def test_a_park_changed_while_workers_re_solve_is_said_plainly(folder: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker that loaded other park data than the result's raised a bare ValueError, a traceback
    on the command line; it is a ResultMismatch, which the command turns into its message."""
    import importlib

    from symbiosis.analysis import ResultMismatch

    explain_module = importlib.import_module("symbiosis.analysis.explain")

    park = symbiosis.load_park(folder)
    result = symbiosis.optimize(park)
    candidate = result.candidates.iloc[0]
    monkeypatch.setattr(side_by_side, "_park", park)
    with pytest.raises(ResultMismatch, match="changed while explain ran"):
        explain_module._explain_in_worker("another fingerprint", result, candidate, None)


@pytest.mark.parametrize(("command", "runs"), [("explain", "run_explain"), ("share", "fair_shares"),
                                               ("pareto", "run_pareto"), ("risk", "partner_risk")])
def test_every_analysis_command_says_its_refusals_as_the_callers_problem(
        folder: Path, monkeypatch: pytest.MonkeyPatch, command: str, runs: str) -> None:
    """Park files changed while the workers solved, a re-solve stopped short, a result that is not
    the least cost: exit 2 and the message, no traceback, in each analysis command alike. Only
    share adds that its own solve needs a longer --time-limit, and never to a changed park."""
    import importlib

    from symbiosis.analysis.common import ResultMismatch, StoppedShort
    from symbiosis.analysis.side_by_side import ParkChanged

    module = importlib.import_module(f"symbiosis.cli.{command}")
    hint = "give it a longer --time-limit"
    for refusal, said in [(ParkChanged("the park's files changed meanwhile"), "files changed meanwhile"),
                          (StoppedShort("a coalition's solve stopped short"), "stopped short"),
                          (ResultMismatch("not the least-cost answer"), "not the least-cost answer")]:
        def refuse(*args: object, refusal: Exception = refusal, **kwargs: object) -> None:
            raise refusal

        monkeypatch.setattr(module, runs, refuse)
        run = CliRunner().invoke(cli, [command, str(folder)], terminal_width=250)
        assert run.exit_code == 2, (refusal, run.output)
        assert "error:" in run.output and said in run.output and "Traceback" not in run.output
        hinted = command == "share" and type(refusal) is ResultMismatch
        assert (hint in run.output) == hinted, (refusal, run.output)


def test_a_cut_just_short_of_the_whole_investment_is_not_shown_as_all_of_it(folder: Path,
                                                                           monkeypatch) -> None:
    """Found by an audit of what-if answers: on Mo Industripark the pipe from Ferroglobe's cooling
    water to Ranfjord needs its investment 99.992 % lower, and the table and the explanation said
    "100.0%", which an operator reads as "only if it were free". A share below a whole is given
    to as many decimals as keep it below 100 %. And the unbuilt link's ``saving`` (1.13 MNOK
    there, beside a required cut of 0.77 MNOK: what it saves in the re-solve that forces it in,
    while the existing pipe it displaces loses more) is headed as such."""
    import symbiosis.cli.explain as command

    table = explain(symbiosis.load_park(folder), links=["L002"]).assign(investment_cut=0.999920553)
    monkeypatch.setattr(command, "run_explain", lambda *args, **kwargs: table)
    shown = CliRunner().invoke(cli, ["explain", str(folder), "--link", "L002"], terminal_width=250)
    assert shown.exit_code == 0, shown.output
    assert "99.99%" in shown.stdout and "100.0%" not in shown.stdout
    assert "saving (built, or forced in)" in shown.stdout

    from symbiosis.analysis.explain import share_in_words

    assert share_in_words(0.999920553) == "99.99%" and share_in_words(0.9999996) == "99.999%"
    assert share_in_words(0.504) == "50.4%" and share_in_words(1.0) == "100.0%"


def test_explain_on_a_park_without_candidates_says_so(tmp_path: Path) -> None:
    """An empty table, and not a word why (an audit)."""
    from conftest import park_dict

    lonely = {"plant": {"location": {"x": "0 m", "y": "0 m"}, "streams": {"cooling": {
        "direction": "supply", "carrier": "heat", "temperature": "40 degC", "amount": "1 MW",
        "current": "cooling_tower"}}}}
    folder = write_park(tmp_path / "park", park_dict(lonely))
    said = CliRunner().invoke(cli, ["explain", str(folder)])
    assert said.exit_code == 0, said.output
    assert "no new candidate links, so nothing to explain" in " ".join(said.stdout.split())
