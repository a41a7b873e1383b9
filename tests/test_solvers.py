"""Solving: HiGHS in memory by default, another Pyomo solver by name, honest statuses."""

from __future__ import annotations

import math
from dataclasses import replace

import pyomo.environ as pyo
import pytest
from conftest import raufoss_model

import symbiosis
from symbiosis.cli.doctor import TINY_OPTIMUM, tiny_model
from symbiosis.solvers import SolveOptions, SolverNotAvailable, Status, solve, solve_held
from symbiosis.solvers.handoff import to_arrays
from symbiosis.solvers.status import HARD_LIMIT_FROM_COLUMNS, SolveProgress

FIRMS = {
    "mill": {"location": {"x": "0 m", "y": "0 m"}, "streams": {
        "flue": {"direction": "supply", "carrier": "heat", "temperature": "150 degC",
                 "target_temperature": "90 degC", "amount": "10 MW", "current": "cooling_tower"}}},
    "town": {"location": {"x": "500 m", "y": "0 m"}, "streams": {
        "network": {"direction": "demand", "carrier": "heat", "temperature": "50 degC",
                    "target_temperature": "80 degC", "amount": "5 MW", "current": "gas_boiler"}}},
}


def test_highs_solves_a_small_mip_to_its_integer_optimum() -> None:
    outcome = solve(tiny_model(), SolveOptions())
    assert outcome.status is Status.OPTIMAL
    assert outcome.objective == pytest.approx(TINY_OPTIMUM)
    assert outcome.gap == pytest.approx(0, abs=1e-9)
    assert outcome.details["integers"] == 1


def test_another_pyomo_solver_by_name_gives_the_same_answer(make_park) -> None:
    park = make_park(FIRMS)
    ours = symbiosis.optimize(park)
    theirs = symbiosis.optimize(park, solver="appsi_highs")
    assert theirs.summary["solver"] == "appsi_highs"
    assert theirs.status == "optimal"
    assert theirs.total_cost == pytest.approx(ours.total_cost, rel=1e-9)


def test_a_missing_solver_says_how_to_install_it() -> None:
    with pytest.raises(SolverNotAvailable, match="not available.*--solver highs"):
        solve(tiny_model(), SolveOptions(solver="cbc_that_is_not_there"))


def test_the_solver_log_is_kept_on_request(make_park) -> None:
    result = symbiosis.optimize(make_park(FIRMS))
    assert "HiGHS" in result.summary["solver_log"]


def test_a_first_answer_from_the_relaxation_changes_nothing_but_the_path() -> None:
    """The start is a feasible answer of the restricted MIP (binaries the LP relaxation leaves
    at zero held at zero), so it can be no better than the optimum, and branch and bound
    from it must end at the same optimum as without it."""
    park = symbiosis.load_park("parks/raufoss")
    plain = symbiosis.optimize(park, start="none", gap=1e-6, values=False)
    started = symbiosis.optimize(park, start="relaxation", gap=1e-6, values=False)
    assert started.total_cost == pytest.approx(plain.total_cost, rel=1e-7)
    assert started.summary["start_objective"] >= plain.summary["objective"] * (1 - 1e-6)
    assert plain.summary["start_objective"] != plain.summary["start_objective"]  # NaN: none made


def test_a_start_from_a_design_finds_that_design_first_and_ends_at_the_same_optimum() -> None:
    """A design start solves the MIP with every asset the design left unbuilt held at zero.
    From the optimum's own design, that first answer is the optimum; from the empty design it
    is today's park (nothing new built: the baseline cost); both end at the same optimum."""
    park = symbiosis.load_park("parks/raufoss")
    plain = symbiosis.optimize(park, start="none", gap=1e-6, values=False)
    again = symbiosis.optimize(park, start=plain, gap=1e-6, values=False)
    empty = symbiosis.optimize(park, start=[], gap=1e-6, values=False)
    assert again.summary["start_source"] == empty.summary["start_source"] == "design"
    assert again.summary["start_objective"] == pytest.approx(plain.summary["objective"], rel=1e-6)
    assert empty.summary["start_objective"] == pytest.approx(plain.summary["baseline_cost"], rel=1e-9)
    assert again.total_cost == pytest.approx(plain.total_cost, rel=1e-7)
    assert empty.total_cost == pytest.approx(plain.total_cost, rel=1e-7)
    assert list(again.exchanges["id"]) == list(plain.exchanges["id"])
    with pytest.raises(ValueError, match="start must be one of auto, relaxation, coarse, none"):
        symbiosis.optimize(park, start="design")  # a design is given as a Result or ids, not a word
    # An annual park has nothing coarser: "coarse" is the usual start there (at 1 %, the
    # relaxation start; at a tighter gap, none on a park of 203 binaries: start_pays).
    coarse = symbiosis.optimize(park, start="coarse", gap=0.01, values=False)
    assert coarse.summary["start_source"] == "relaxation"


def test_the_relaxation_start_is_the_default_where_it_pays() -> None:
    """Measured (benchmarks/README.md): time-resolved MIPs need the start from 100 binaries;
    one-step (annual) MIPs gain from it only at a 1 % gap, which its restricted MIP meets at once,
    and otherwise only from about 1,000 binaries (below, HiGHS alone is 1-3 s faster)."""
    from symbiosis.solvers.status import start_pays

    annual_raufoss = (1_008, 203)  # columns, binaries: 5 columns a binary, one step
    assert not start_pays(*annual_raufoss, gap=1e-4)
    assert not start_pays(*annual_raufoss, gap=1e-3)
    assert start_pays(*annual_raufoss, gap=0.01)
    assert start_pays(4_634, 1_277, gap=1e-4)  # 35 firms, annual
    assert not start_pays(200, 40, gap=0.01)  # too few binaries at any gap
    assert start_pays(17_387, 328, gap=1e-4)  # 20 firms x 8 typical days x 6 segments: 53 a binary
    assert not start_pays(17_387, 99, gap=1e-4)
    park = symbiosis.load_park("parks/raufoss")
    plain = symbiosis.optimize(park, values=False)
    assert plain.summary["start_source"] == ""
    assert symbiosis.optimize(park, gap=0.01, values=False).summary["start_source"] == "relaxation"
    # An emissions cap (a Pareto point) couples every link in one row: the start pays again.
    capped = symbiosis.optimize(park, values=False, emissions_cap=0.99 * plain.summary["emissions"])
    assert capped.summary["start_source"] == "relaxation"


def test_relaxation_start_holds_the_unused_binaries_at_zero() -> None:
    from symbiosis.solvers.highs import relaxation_start

    arrays, _ = to_arrays(tiny_model())
    first = relaxation_start(arrays, SolveOptions())
    assert first.values is not None
    assert first.relaxation <= first.objective + 1e-9
    assert first.objective == pytest.approx(TINY_OPTIMUM)
    with pytest.raises(ValueError, match="start must be one of"):
        SolveOptions(start="sometimes")


def test_interior_point_and_simplex_give_the_same_vertex_and_duals() -> None:
    """min x + y s.t. x + 2y >= 4, 3x + y >= 6: the two rows cross at (1.6, 1.2), objective 2.8;
    the duals solve u + 3v = 1, 2u + v = 1: u = 0.4, v = 0.2. Interior point ends with crossover
    to that vertex, so the duals (stream values) are those of the simplex method."""
    import pyomo.environ as pyo

    answers = []
    for method in ("simplex", "ipm"):
        m = two_row_lp()
        outcome = solve(m, SolveOptions(lp_method=method, duals=True))
        duals = outcome.details["duals"]
        answers.append((outcome.objective, pyo.value(m.x), duals[m.a], duals[m.b]))
    for objective, x, dual_a, dual_b in answers:
        assert (objective, x) == pytest.approx((2.8, 1.6))
        assert (dual_a, dual_b) == pytest.approx((0.4, 0.2))
    with pytest.raises(ValueError, match="lp_method must be one of"):
        SolveOptions(lp_method="barrier")



def test_an_lp_whose_interior_point_stalls_is_finished_by_simplex(monkeypatch) -> None:
    """Interior point stopped at its iteration limit (a stall: IPX once held the LP of stream
    values on an hourly park 1.7e-8 from its tolerance for 300 s) hands the LP to dual simplex,
    which gives the vertex and duals of the LP above, not a time-limit status without an answer.
    The limit is set to 1 here so that the two-row LP stalls for sure."""
    import pyomo.environ as pyo

    import symbiosis.solvers.highs as highs

    monkeypatch.setattr(highs, "IPM_ITERATION_LIMIT", 1)
    runs = []
    run = highs._run

    def spy(h) -> None:
        run(h)
        runs.append((h.getOptionValue("solver")[1], h.getModelStatus()))

    monkeypatch.setattr(highs, "_run", spy)
    m = two_row_lp()
    outcome = solve(m, SolveOptions(lp_method="ipm", duals=True))
    assert [solver for solver, _ in runs] == ["ipm", "simplex"]
    assert outcome.status == Status.OPTIMAL
    assert (outcome.objective, pyo.value(m.x)) == pytest.approx((2.8, 1.6))
    assert (outcome.details["duals"][m.a], outcome.details["duals"][m.b]) == pytest.approx((0.4, 0.2))


def test_a_first_answer_found_beside_branch_and_bound_changes_nothing_but_the_path() -> None:
    """``concurrent=True`` (the default for large MIPs on two cores) finds the first answer in a
    process of its own while HiGHS works: the same optimum as finding it first, and the
    worker's folder is gone afterwards."""
    import tempfile
    from pathlib import Path

    before = set(Path(tempfile.gettempdir()).glob("symbiosis-first-answer-*"))
    first = solve(raufoss_model(), SolveOptions(start="relaxation", concurrent=False, mip_gap=1e-6))
    beside = solve(raufoss_model(), SolveOptions(start="relaxation", concurrent=True, mip_gap=1e-6))
    assert beside.status is Status.OPTIMAL
    assert beside.objective == pytest.approx(first.objective, rel=1e-7)
    assert set(Path(tempfile.gettempdir()).glob("symbiosis-first-answer-*")) == before


def test_an_answer_found_beside_branch_and_bound_is_kept_when_highs_ends_without_one(monkeypatch) -> None:
    """HiGHS can spend its whole time inside one LP of a large park and end with no answer of
    its own; the worker's answer (feasible: it only holds binaries at zero) is then the answer,
    with the status saying the time ran out. Simulated: HiGHS is given no time at all, after
    the worker is done."""
    import importlib

    highs = importlib.import_module("symbiosis.solvers.highs")
    made = []

    class Recorded(highs.BesideBranchAndBound):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

    def out_of_time(h, stop_when=None) -> None:
        made[0]._process.wait(timeout=120)
        h.setOptionValue("time_limit", 0.0)
        h.run()

    expected = solve(raufoss_model(), SolveOptions(start="relaxation", concurrent=False, mip_gap=1e-6))
    first = expected.details["start"]
    monkeypatch.setattr(highs, "BesideBranchAndBound", Recorded)
    monkeypatch.setattr(highs, "_run", out_of_time)
    model = raufoss_model()
    outcome = solve(model, SolveOptions(start="relaxation", concurrent=True, mip_gap=1e-6, time_limit=120))
    assert outcome.status is Status.TIME_LIMIT and outcome.has_solution
    assert outcome.objective == pytest.approx(first.objective, rel=1e-9)
    assert outcome.objective >= expected.objective * (1 - 1e-9)
    assert pyo.value(model.objective) == pytest.approx(outcome.objective, rel=1e-9)  # values loaded


def test_the_restricted_mip_tells_of_each_better_answer_on_its_way() -> None:
    """The first-answer search reports every better answer HiGHS finds in its restricted MIP
    (what the worker beside branch and bound writes as it goes): each a point of the whole
    problem whose objective is its cost in the same terms, each cheaper than the one before,
    the last the answer it ends on."""
    import importlib

    highs = importlib.import_module("symbiosis.solvers.highs")
    arrays, _ = to_arrays(raufoss_model())
    seen = []
    first = highs.find_first_answer(arrays, None, SolveOptions(start="relaxation", mip_gap=1e-6), seen.append)
    assert len(seen) >= 2  # Raufoss's restricted MIP improves its answer on the way
    for earlier, later in zip(seen, seen[1:], strict=False):
        assert later.objective <= earlier.objective * (1 + 1e-9)
    for answer in seen:
        assert_is_an_answer(arrays, answer)
    assert seen[-1].objective == pytest.approx(first.objective, rel=1e-9)
    assert seen[0].objective > first.objective


def test_an_answer_found_on_the_way_is_offered_to_highs_and_kept_when_the_worker_is_stopped() -> None:
    """The worker writes each better answer as it finds one; HiGHS is offered each new one once,
    and one found before the worker was stopped is kept, not lost with the worker. Simulated:
    the real worker is killed at once, a stand-in says it is running until stopped, and its
    answers are written as the worker writes them."""
    import importlib
    import tempfile
    from pathlib import Path

    import highspy

    highs = importlib.import_module("symbiosis.solvers.highs")
    concurrent = importlib.import_module("symbiosis.solvers.concurrent")
    arrays, _ = to_arrays(raufoss_model())
    seen = []
    highs.find_first_answer(arrays, None, SolveOptions(start="relaxation", mip_gap=1e-6), seen.append)
    worse, better = seen[0], seen[-1]

    class Event:  # what HiGHS hands its user-solution callback
        class data_in:  # noqa: N801 (HiGHS's name)
            offered = []

            @classmethod
            def setSolution(cls, values) -> None:  # noqa: N802 (HiGHS's name)
                cls.offered.append(values)

    class Running:  # a worker still in its restricted MIP until terminated
        returncode = None

        def poll(self):
            return self.returncode

        def terminate(self) -> None:
            self.returncode = -15

        def wait(self, timeout=None):
            return self.returncode

    before = set(Path(tempfile.gettempdir()).glob("symbiosis-first-answer-*"))
    beside = concurrent.BesideBranchAndBound(highspy.Highs(), arrays, None, SolveOptions(start="relaxation"))
    beside._process.kill()
    beside._process.wait()
    beside._process = Running()
    beside._offer(Event)
    assert Event.data_in.offered == []  # nothing found yet
    concurrent.write_answer(beside._folder, concurrent.IMPROVING, worse)
    beside._offer(Event)
    beside._offer(Event)
    assert len(Event.data_in.offered) == 1 and Event.data_in.offered[0] is not None
    concurrent.write_answer(beside._folder, concurrent.IMPROVING, better)
    beside._offer(Event)
    assert len(Event.data_in.offered) == 2
    kept = beside.finish()
    assert kept.objective == better.objective
    assert (kept.values == better.values).all()
    assert set(Path(tempfile.gettempdir()).glob("symbiosis-first-answer-*")) == before


def test_the_worker_searches_a_larger_neighbourhood_of_its_first_answer() -> None:
    """With time left after its first answer, the worker beside branch and bound allows the
    assets that answer built plus the most promising others (the reduced costs of the LP with
    that design fixed) and starts from that answer. From today's park (nothing new built) on
    Raufoss it finds a cheaper park, an answer of the whole problem and no cheaper than its
    optimum; without values or time it leaves the first answer as it is."""
    import importlib
    from dataclasses import replace

    highs = importlib.import_module("symbiosis.solvers.highs")
    arrays, _ = to_arrays(raufoss_model())
    options = SolveOptions(start="design", mip_gap=1e-6, time_limit=120, start_share=1.0)
    todays_park = highs.design_start(arrays, arrays.integer.copy(), options)
    better = highs.search_neighbourhood(arrays, todays_park, options)
    optimum = solve(raufoss_model(), SolveOptions(mip_gap=1e-6)).objective
    assert better.objective < todays_park.objective * (1 - 1e-3)
    assert better.objective >= optimum * (1 - 1e-6)
    assert better.source == "design"
    assert_is_an_answer(arrays, better)
    promising = highs.promising_assets(arrays, todays_park.values, options, 60)
    assert len(promising) > highs.NEIGHBOURS  # so more than one neighbourhood to try
    assert arrays.integer[promising].all() and (todays_park.values[promising] == 0).all()
    no_values = replace(todays_park, values=None)
    assert highs.search_neighbourhood(arrays, no_values, options) is no_values
    no_time = replace(todays_park, seconds=115.0)
    assert highs.search_neighbourhood(arrays, no_time, options) is no_time


def two_row_lp() -> pyo.ConcreteModel:
    """min x + y s.t. x + 2y >= 4 (row a), 3x + y >= 6 (row b), x, y >= 0: optimum 2.8 at
    (1.6, 1.2), duals 0.4 and 0.2."""
    m = pyo.ConcreteModel()
    m.x = pyo.Var(domain=pyo.NonNegativeReals)
    m.y = pyo.Var(domain=pyo.NonNegativeReals)
    m.a = pyo.Constraint(expr=m.x + 2 * m.y >= 4)
    m.b = pyo.Constraint(expr=3 * m.x + m.y >= 6)
    m.cost = pyo.Objective(expr=m.x + m.y)
    return m


def assert_is_an_answer(arrays, answer) -> None:
    """``answer`` is a point of the whole problem ``arrays`` (rows, bounds, integers), and its
    objective is its cost in the same terms."""
    import numpy as np
    import scipy.sparse as sp

    matrix = sp.csc_matrix((arrays.value, arrays.index, arrays.start), shape=(arrays.num_row, arrays.num_col))
    assert answer.objective == pytest.approx(arrays.cost @ answer.values + arrays.offset, rel=1e-9)
    rows = matrix @ answer.values
    assert np.all(rows >= arrays.row_lower - 1e-6) and np.all(rows <= arrays.row_upper + 1e-6)
    assert np.all(answer.values >= arrays.lower - 1e-9) and np.all(answer.values <= arrays.upper + 1e-9)
    integers = answer.values[arrays.integer]
    assert np.allclose(integers, np.round(integers), atol=1e-6)


def test_a_model_solved_in_a_process_of_its_own_gives_the_same_answer(tmp_path, monkeypatch) -> None:
    """``hard_limit=True`` (the default for large models with a time limit) solves in a child
    process stopped at the limit; when HiGHS ends by itself the answer is the one it gives in
    this process: the same optimum, values loaded, the LP duals (the 2.8 LP of the
    interior-point test: duals 0.4 and 0.2) carried back, the child's folder gone."""
    import tempfile
    from pathlib import Path

    # a temporary folder of this test's own: other solves on the machine make theirs too
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    before = set(Path(tempfile.gettempdir()).glob("symbiosis-deadline-*"))
    here = solve(raufoss_model(), SolveOptions(mip_gap=1e-6, time_limit=120, hard_limit=False))
    model = raufoss_model()
    there = solve(model, SolveOptions(mip_gap=1e-6, time_limit=120, hard_limit=True))
    assert not here.details["own_process"] and there.details["own_process"]
    assert there.status is Status.OPTIMAL
    assert there.objective == pytest.approx(here.objective, rel=1e-7)
    assert pyo.value(model.objective) == pytest.approx(there.objective, rel=1e-9)
    # From a design (its unbuilt assets given as Pyomo variables): here every binary held.
    design = raufoss_model()
    held = tuple(v for v in design.component_data_objects(pyo.Var) if v.is_binary())
    from_design = solve(design, SolveOptions(mip_gap=1e-6, time_limit=120, hard_limit=True, start="design",
                                             start_held=held))
    assert from_design.objective == pytest.approx(here.objective, rel=1e-7)
    assert from_design.details["start"].source == "design"

    m = two_row_lp()
    lp = solve(m, SolveOptions(duals=True, time_limit=60, hard_limit=True))
    assert (lp.objective, pyo.value(m.x)) == pytest.approx((2.8, 1.6))
    assert (lp.details["duals"][m.a], lp.details["duals"][m.b]) == pytest.approx((0.4, 0.2))
    assert set(Path(tempfile.gettempdir()).glob("symbiosis-deadline-*")) == before


def test_the_child_streams_each_better_answer_and_where_it_stands(tmp_path) -> None:
    """What the child writes as it goes, read when it has to be killed: its last streamed
    answer is a point of the whole problem no better than the optimum, and its last streamed
    progress has a bound no higher than the optimum (Raufoss, solved in this process by the
    child's own function)."""
    import importlib
    import time

    deadline = importlib.import_module("symbiosis.solvers.deadline")
    arrays, _ = to_arrays(raufoss_model())
    options = SolveOptions(mip_gap=1e-6, start="none")
    job = (arrays, None, options, str(tmp_path / "highs.log"), time.time() + 120, None)
    deadline.write_answer(tmp_path, deadline.JOB, job)
    deadline._work(tmp_path)
    optimum = deadline.read_answer(tmp_path / deadline.RESULT).objective
    values, objective = deadline.read_answer(tmp_path / deadline.INCUMBENT)
    progress = deadline.read_answer(tmp_path / deadline.PROGRESS)

    class Streamed:
        pass

    streamed = Streamed()
    streamed.values, streamed.objective = values, objective
    assert_is_an_answer(arrays, streamed)
    assert objective >= optimum * (1 - 1e-9)
    assert progress.bound <= optimum * (1 + 1e-9)
    assert progress.bound > 0.9 * optimum  # a real bound, not minus infinity


def test_a_running_solve_tells_where_it_stands() -> None:
    """``SolveOptions(progress=...)`` is told, while branch and bound runs, of its answer and
    bound: never an answer below the optimum nor a bound above it, the time moving on, in this
    process and from a process of its own."""
    optimum = solve(raufoss_model(), SolveOptions(mip_gap=1e-6)).objective
    for hard_limit in (False, True):
        told = []
        solve(raufoss_model(), SolveOptions(mip_gap=1e-6, start="none", time_limit=120, hard_limit=hard_limit,
                                            progress=told.append))
        assert told
        for progress in told:
            assert not progress.objective < optimum * (1 - 1e-9)
            assert not progress.bound > optimum * (1 + 1e-9)
            assert progress.gap >= 0 or math.isnan(progress.gap)
        assert [p.seconds for p in told] == sorted(p.seconds for p in told)


def test_highs_overrunning_its_limit_is_stopped_and_its_streamed_answers_kept(monkeypatch, tmp_path) -> None:
    """A child that never stops by itself (HiGHS inside one long LP) is killed KILL_AFTER
    seconds past the limit, with the worker it started; the answer is the cheapest one it
    streamed, HiGHS's or the worker's, measured against its last bound, and the status says
    the time ran out. Simulated: a stand-in child that sleeps (and starts a sleeping worker)
    after the answers a real child would have streamed are written: HiGHS's at 110, the
    worker's at 100, the bound at 90, so the gap is (100 - 90) / 100."""
    import importlib
    import subprocess
    import sys
    import time
    from pathlib import Path

    import numpy as np

    highs = importlib.import_module("symbiosis.solvers.highs")
    deadline = importlib.import_module("symbiosis.solvers.deadline")
    arrays, _ = to_arrays(raufoss_model())
    worker_pid = tmp_path / "worker.pid"

    def stand_in(module: str, folder: Path, *, own_group: bool = False):
        assert own_group
        deadline.write_answer(folder, deadline.INCUMBENT, (np.full(arrays.num_col, 1.0), 110.0))
        (folder / deadline.WORKER).mkdir()
        deadline.write_answer(folder / deadline.WORKER, deadline.IMPROVING,
                              highs.FirstAnswer(np.full(arrays.num_col, 2.0), 100.0, 80.0, 3, 1.0))
        deadline.write_answer(folder, deadline.PROGRESS, SolveProgress(1.0, 110.0, 90.0))
        sleeper = "import time; time.sleep(120)"
        child = ("import subprocess, sys, time; "
                 f"w = subprocess.Popen([sys.executable, '-c', {sleeper!r}]); "
                 f"open({str(worker_pid)!r}, 'w').write(str(w.pid)); time.sleep(120)")
        return subprocess.Popen([sys.executable, "-c", child], start_new_session=True)

    monkeypatch.setattr(deadline, "start_process", stand_in)
    clock = time.perf_counter()
    told = []
    answer = deadline.solve_by_deadline(arrays, None, SolveOptions(time_limit=2.0, progress=told.append),
                                        str(tmp_path / "log"))
    took = time.perf_counter() - clock
    assert 2.0 + deadline.KILL_AFTER <= took < 2.0 + deadline.KILL_AFTER + 10
    assert answer.status is Status.TIME_LIMIT and answer.has_solution
    assert answer.objective == 100.0 and (answer.values == 2.0).all()
    assert (answer.bound, answer.gap) == pytest.approx((90.0, 0.1))
    assert [(p.objective, p.bound) for p in told] == [(100.0, 90.0)]  # told once: nothing moved after
    for _ in range(100):  # the killed worker is reaped by whoever adopted it
        if not _alive(int(worker_pid.read_text())):
            break
        time.sleep(0.05)
    assert not _alive(int(worker_pid.read_text()))


def test_an_answer_beside_branch_and_bound_within_the_gap_ends_the_solve(monkeypatch, tmp_path) -> None:
    """HiGHS may not take the answer the worker beside it offers: with --gap 0.05 a run held an
    answer 3.3 % from the bound at 33 s and went on to its 60 s limit, then called it
    time_limit (an audit). The waiting process now stops the child once the best answer
    streamed lies within the gap of the bound streamed: here the worker's 100 against a bound
    of 96 (4 %), HiGHS's own 110; the answer is optimal within the gap asked, long before the
    limit. Without a time limit a large model whose Ctrl-C keeps the answer is solved in a
    process of its own too (Ctrl-C inside HiGHS's root LP took 104-150 s to act)."""
    import importlib
    import subprocess
    import sys
    import time
    from pathlib import Path

    import numpy as np

    highs = importlib.import_module("symbiosis.solvers.highs")
    deadline = importlib.import_module("symbiosis.solvers.deadline")
    arrays, _ = to_arrays(raufoss_model())

    def stand_in(module: str, folder: Path, *, own_group: bool = False):
        deadline.write_answer(folder, deadline.INCUMBENT, (np.full(arrays.num_col, 1.0), 110.0))
        (folder / deadline.WORKER).mkdir()
        deadline.write_answer(folder / deadline.WORKER, deadline.IMPROVING,
                              highs.FirstAnswer(np.full(arrays.num_col, 2.0), 100.0, 80.0, 3, 1.0))
        deadline.write_answer(folder, deadline.PROGRESS, SolveProgress(1.0, 110.0, 96.0))
        return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"],
                                start_new_session=True)

    monkeypatch.setattr(deadline, "start_process", stand_in)
    clock = time.perf_counter()
    answer = deadline.solve_by_deadline(arrays, None, SolveOptions(time_limit=60.0, mip_gap=0.05),
                                        str(tmp_path / "log"))
    assert time.perf_counter() - clock < 20
    assert answer.status is Status.OPTIMAL and answer.message.startswith("Optimal within the gap asked")
    assert answer.objective == 100.0 and answer.gap == pytest.approx(0.04)
    from types import SimpleNamespace

    large = SimpleNamespace(num_col=HARD_LIMIT_FROM_COLUMNS)
    assert deadline.holds_deadline(large, SolveOptions(stop_keeps_answer=True))  # no time limit
    assert not deadline.holds_deadline(large, SolveOptions())


def test_a_crashed_or_interrupted_highs_process_says_why_and_is_cleaned_up(monkeypatch, tmp_path) -> None:
    """A child that dies (here of a MemoryError) gives an error naming what happened, not a
    silent empty answer; Ctrl-C while waiting kills the child and goes on to the caller; the
    temporary folder is gone either way."""
    import importlib
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    deadline = importlib.import_module("symbiosis.solvers.deadline")
    arrays, _ = to_arrays(raufoss_model())
    before = set(Path(tempfile.gettempdir()).glob("symbiosis-deadline-*"))
    children = []

    def stand_in(code: str):
        def start(module: str, folder: Path, *, own_group: bool = False):
            with open(folder / "stderr.txt", "wb") as errors:
                children.append(subprocess.Popen([sys.executable, "-c", code], stderr=errors,
                                                 start_new_session=True))
            return children[-1]
        return start

    monkeypatch.setattr(deadline, "start_process", stand_in("raise MemoryError"))
    answer = deadline.solve_by_deadline(arrays, None, SolveOptions(time_limit=60), str(tmp_path / "log"))
    assert answer.status is Status.ERROR and not answer.has_solution
    assert "MemoryError" in answer.message

    monkeypatch.setattr(deadline, "start_process", stand_in("import time; time.sleep(120)"))
    waits = []

    def interrupted(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr(deadline.time, "sleep", interrupted)
    with pytest.raises(KeyboardInterrupt):
        deadline.solve_by_deadline(arrays, None, SolveOptions(time_limit=60), str(tmp_path / "log"))
    monkeypatch.undo()
    assert children[-1].poll() is not None  # killed, not left running
    assert set(Path(tempfile.gettempdir()).glob("symbiosis-deadline-*")) == before


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie, killed but not yet reaped, does not)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False


def test_optimize_shows_the_best_answer_while_it_solves() -> None:
    """``optimize(progress=...)`` (the command line's progress line) is told, besides its stages,
    the best answer while branch and bound runs, in the park's currency and never below the
    optimum it ends on."""
    from pathlib import Path

    stages = []
    park = symbiosis.load_park(Path(__file__).resolve().parents[1] / "parks" / "raufoss")
    result = symbiosis.optimize(park, gap=1e-6, progress=stages.append)
    shown = [stage for stage in stages if stage.startswith("solving with highs: best ")]
    assert shown, stages
    best = float(shown[-1].removeprefix("solving with highs: best ").split(" ")[0].replace(",", ""))
    assert shown[-1].split(" ")[5].rstrip(",") == park.currency
    assert best >= result.summary["objective"] * (1 - 1e-6)


def _hard_knapsacks(items: int = 60, rows: int = 30, seed: int = 3):
    """A multi-dimensional 0-1 knapsack HiGHS needs minutes for (correlated weights)."""
    import highspy
    import numpy as np

    rng = np.random.default_rng(seed)
    weights = rng.integers(20, 60, size=(rows, items)).astype(float)
    value = weights.mean(axis=0) + rng.integers(0, 5, size=items)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = items, rows
    lp.col_cost_ = -value
    lp.col_lower_, lp.col_upper_ = np.zeros(items), np.ones(items)
    lp.row_lower_, lp.row_upper_ = np.full(rows, -highspy.kHighsInf), weights.sum(axis=1) / 2
    matrix = np.asfortranarray(weights)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.arange(0, rows * items + 1, rows, dtype=np.int32)
    lp.a_matrix_.index_ = np.tile(np.arange(rows, dtype=np.int32), items)
    lp.a_matrix_.value_ = matrix.T.ravel()
    lp.integrality_ = [highspy.HighsVarType.kInteger] * items
    h.passModel(lp)
    return h


def test_ctrl_c_during_a_highs_solve_stops_it_and_leaves_highs_usable() -> None:
    """Ctrl-C (here ``interrupt_main``, what SIGINT does) while HiGHS runs in its thread: the
    solve is cancelled within moments, the KeyboardInterrupt reaches the caller, and the same
    Highs object solves again (through highspy's own interrupt handling it stopped at once: the
    flag HiGHS keeps from the interrupted run)."""
    import _thread
    import signal
    import threading
    import time

    import highspy

    from symbiosis.solvers.highs import _run

    # Python's own Ctrl-C handler, whatever an earlier test (Dask, a CLI run) left in place:
    # interrupt_main calls the handler installed, and does nothing for SIG_IGN or SIG_DFL.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        h = _hard_knapsacks()
        h.setOptionValue("time_limit", 60.0)  # should the interrupt not come: a failure, not a hang
        timer = threading.Timer(0.5, _thread.interrupt_main)
        timer.start()
        clock = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            _run(h)
        assert time.monotonic() - clock < 10
        assert h.getModelStatus() == highspy.HighsModelStatus.kInterrupt
        h.setOptionValue("time_limit", 0.5)
        _run(h)  # again, to its time limit: returns
        assert h.getModelStatus() == highspy.HighsModelStatus.kTimeLimit
    finally:
        signal.signal(signal.SIGINT, previous)


def test_a_second_ctrl_c_while_highs_stops_ends_at_once(monkeypatch) -> None:
    """A second Ctrl-C while HiGHS was stopping after the first came out as a first one: with
    ``stop_keeps_answer`` the run read HiGHS's answer while it still solved, saved a false "no
    solution" result and the process aborted (exit 134). It is now ``StopNow``, which no layer
    takes for a first stop; the command line leaves with 130 (test_reliability)."""
    import time

    import highspy

    from symbiosis.solvers import highs
    from symbiosis.solvers.status import StopNow

    real_sleep, looks = time.sleep, []

    def ctrl_c_twice(seconds: float) -> None:  # the first two looks at the solve are Ctrl-C
        looks.append(seconds)
        if len(looks) <= 2:
            raise KeyboardInterrupt
        real_sleep(seconds)

    h = _hard_knapsacks()
    h.setOptionValue("time_limit", 60.0)
    monkeypatch.setattr(highs.time, "sleep", ctrl_c_twice)
    with pytest.raises(StopNow):
        highs._run(h)
    monkeypatch.undo()
    deadline = time.monotonic() + 30  # HiGHS was asked to stop: it does, in its thread
    while h.getModelStatus() != highspy.HighsModelStatus.kInterrupt and time.monotonic() < deadline:
        time.sleep(0.05)
    assert h.getModelStatus() == highspy.HighsModelStatus.kInterrupt


def _knapsack_arrays():
    """``_hard_knapsacks`` as ``HighsArrays`` (a MIP HiGHS needs minutes for)."""
    import numpy as np

    from symbiosis.solvers.highs import HighsArrays

    lp = _hard_knapsacks().getLp()
    return HighsArrays(offset=0.0, cost=np.asarray(lp.col_cost_), lower=np.asarray(lp.col_lower_),
                       upper=np.asarray(lp.col_upper_), row_lower=np.asarray(lp.row_lower_),
                       row_upper=np.asarray(lp.row_upper_), start=np.asarray(lp.a_matrix_.start_),
                       index=np.asarray(lp.a_matrix_.index_), value=np.asarray(lp.a_matrix_.value_),
                       integer=np.ones(lp.num_col_, dtype=bool))


@pytest.mark.parametrize("own_process", [False, True])
def test_ctrl_c_with_stop_keeps_answer_returns_the_best_answer_so_far(tmp_path, own_process: bool) -> None:
    """``SolveOptions(stop_keeps_answer=True)`` (what ``optimize`` asks for its main solve):
    Ctrl-C once branch and bound has an answer stops the search and returns that answer, as a
    time limit would (status TIME_LIMIT, a gap against the bound, the message naming Ctrl-C),
    in this process and from HiGHS's own process (``solvers/deadline.py``). Without the option
    the KeyboardInterrupt goes on (``test_ctrl_c_during_a_highs_solve...``)."""
    import _thread
    import signal
    import threading
    import time

    import numpy as np

    from symbiosis.solvers.highs import solve_arrays, solve_here
    from symbiosis.solvers.status import STOPPED_MESSAGE

    arrays = _knapsack_arrays()
    seen = []

    def on_progress(progress) -> None:  # the first answer: "Ctrl-C" a moment later
        if not seen and math.isfinite(progress.objective):
            seen.append(progress)
            threading.Timer(0.3, _thread.interrupt_main).start()

    options = SolveOptions(time_limit=60.0, start="none", threads=1, stop_keeps_answer=True,
                           hard_limit=own_process, progress=on_progress)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        clock = time.monotonic()
        solver = solve_arrays if own_process else solve_here
        answer = solver(arrays, None, options, str(tmp_path / "log"))
        waited = time.monotonic() - clock
    finally:
        signal.signal(signal.SIGINT, previous)
    assert seen, "no progress with an answer was told"
    assert waited < 30, f"{waited:.0f} s: the 60 s limit, not Ctrl-C, ended the solve"
    assert answer.status is Status.TIME_LIMIT and answer.message == STOPPED_MESSAGE
    assert answer.has_solution and answer.own_process == own_process
    assert answer.objective <= seen[0].objective + 1e-6  # no worse than the answer that was shown
    assert answer.bound <= answer.objective and 0 < answer.gap < 1
    values = np.asarray(answer.values)
    assert np.all(np.abs(values - np.round(values)) < 1e-6)
    assert float(arrays.cost @ np.round(values)) == pytest.approx(answer.objective)


def test_the_solver_log_is_shown_as_highs_writes_it(tmp_path, capsys) -> None:
    """``--log`` showed the log only once the solve had ended (a long solve, or one ended by
    Ctrl-C, gave nothing to follow); it is echoed as HiGHS writes it, and the whole of it once."""
    import time

    from symbiosis.solvers.handoff import echoing

    log = tmp_path / "highs.log"
    log.write_text("")
    with echoing(str(log), True, every=0.01):
        with open(log, "a") as handle:
            handle.write("Running HiGHS\n")
        deadline = time.monotonic() + 10
        while "Running HiGHS" not in capsys.readouterr().err and time.monotonic() < deadline:
            time.sleep(0.01)
        assert time.monotonic() < deadline, "the first line was not shown while the solve ran"
        with open(log, "a") as handle:
            handle.write("Solving report\n")
    assert capsys.readouterr().err == "Solving report\n"


def test_optimize_with_log_shows_highs_log_once(tmp_path, capsys) -> None:
    from symbiosis.cli.doctor import tiny_model

    outcome = solve(tiny_model(), SolveOptions(log=True))
    err = capsys.readouterr().err
    assert outcome.has_solution and err.count("Running HiGHS") == 1


def _tied_model(binary: bool = False) -> pyo.ConcreteModel:
    """Three ways to meet 3 units: two at 1 a unit (tied), one at 2; ``binary`` adds a switch."""
    m = pyo.ConcreteModel()
    m.x = pyo.Var(range(3), within=pyo.NonNegativeReals)
    m.need = pyo.Constraint(expr=m.x[0] + m.x[1] + m.x[2] >= 3)
    m.cost = pyo.Objective(expr=m.x[0] + m.x[1] + 2 * m.x[2])
    if binary:
        m.on = pyo.Var(within=pyo.Binary)
        m.switch = pyo.Constraint(expr=m.x[2] <= 3 * m.on)
    return m


@pytest.mark.parametrize("solver", ["highs", "appsi_highs"])
@pytest.mark.parametrize("binary", [False, True])
def test_a_second_objective_is_minimised_with_the_first_held(solver: str, binary: bool) -> None:
    """solve_held: the least of a second objective among the answers whose own objective stays at
    most a value. HiGHS solves the LP on its own objective first and goes on from that basis (an
    hourly park's least store throughput took 17-37 s from scratch, 3.4 s so: benchmarks/held.py);
    a MIP, and other solvers, take the held row on the Pyomo model. Each must give the same
    answer: with the cost held at its least, 3, the least of x0 is 0 (x1 = 3); allowed a cost of
    4.5, the least of x0 + x1 takes x2 = 1.5, and the cost is then 4.5."""
    m = _tied_model(binary)
    options = SolveOptions(solver=solver)
    held = solve_held(m, [(m.x[0], 1.0)], 3.0, options)
    assert held.status is Status.OPTIMAL and held.objective == pytest.approx(0.0, abs=1e-9)
    assert [pyo.value(m.x[i]) for i in range(3)] == pytest.approx([0.0, 3.0, 0.0], abs=1e-9)
    held = solve_held(m, [(m.x[0], 1.0), (m.x[1], 1.0)], 4.5, options)
    assert held.objective == pytest.approx(1.5, abs=1e-9)
    assert pyo.value(m.cost) == pytest.approx(4.5, abs=1e-9)
    # the model is as it was: its own objective active, no held row left
    assert m.cost.active and len(list(m.component_objects(pyo.Constraint))) == 1 + binary
    assert solve(m, options).objective == pytest.approx(3.0)


def test_least_emissions_that_built_every_asset_does_not_solve_its_second_mip_twice(make_park) -> None:
    """The least cost at the least CO2 starts from the first answer's design, its unbuilt assets
    held at zero. When it built every candidate nothing is held, and that "restricted" MIP was
    the whole second MIP, solved once as the start and again after it (a cliff hunt: two
    identical solves at Pareto's emissions end). Now it starts as any MIP does; same answer."""
    park = make_park(FIRMS)
    least = symbiosis.optimize(park, objective="emissions")
    assert least.candidates["built"].all()  # the one pipe: nothing held back
    assert least.summary["start_source"] != "design"
    cheapest = symbiosis.optimize(park)
    assert least.summary["emissions"] <= cheapest.summary["emissions"] + 1e-9


def test_least_emissions_with_no_time_left_hands_no_second_solve_over(make_park, monkeypatch) -> None:
    """With the time limit spent by the least CO2, its least cost is not handed to the solver at
    all (the hand-off alone took a second on 67,000 columns, with nothing left to solve): the
    least-CO2 answer stands, its status the time limit and its gap unknown (its cost never
    minimised); had the least CO2 itself run out of time, its own status and gap stand."""
    import symbiosis.optimization as optimization
    from symbiosis.candidates import find_candidates
    from symbiosis.models import build_model
    from symbiosis.problem import to_model_data
    from symbiosis.time import time_steps

    park = make_park(FIRMS)
    data = to_model_data(park, find_candidates(park), time_steps(park))
    model = build_model(data, objective="emissions")
    first = solve(model, SolveOptions())
    assert first.status is Status.OPTIMAL
    monkeypatch.setattr(optimization, "solve", lambda *args, **kwargs: pytest.fail("handed to the solver"))
    no_time = SolveOptions(time_limit=0.0)
    stands = optimization._least_cost_at_least_emissions(model, data, no_time, first)
    assert stands.status is Status.TIME_LIMIT and math.isnan(stands.gap)
    assert stands.objective == first.objective
    assert stands.message == "the least emissions found; no time was left to find their least cost"
    del model.emissions_cap
    unproven = replace(first, status=Status.TIME_LIMIT, bound=first.objective / 2, gap=0.5)
    stood = optimization._least_cost_at_least_emissions(model, data, no_time, unproven)
    assert replace(stood, details=unproven.details) == unproven
    assert stood.details["gap_of"] == "emissions"  # its bound and gap are the CO2's


@pytest.mark.parametrize(("own_process", "beside"), [(False, False), (True, False), (False, True)],
                         ids=["here", "own-process", "worker-beside"])
def test_an_answer_start_gives_highs_the_models_values(own_process: bool, beside: bool) -> None:
    """``start="answer"`` hands HiGHS the model's values as they are (least emissions' second
    solve starts from the first's answer, which meets its rows): with no time at all, that
    answer is what comes back, where HiGHS alone has only its own first guess (Raufoss:
    278.9 M against the 268.9 M answer). In HiGHS's own process too (``solvers/deadline.py``),
    and with a worker beside branch and bound (large models), which searches from its design."""
    model = raufoss_model()
    found = solve(model, SolveOptions(mip_gap=1e-3))
    options = SolveOptions(time_limit=0.0, hard_limit=own_process, concurrent=beside)
    again = solve(model, replace(options, start="answer"))
    assert again.details["own_process"] is own_process
    assert (again.details["start"] is not None) is beside  # the worker's report, had it one
    assert again.has_solution and again.objective == pytest.approx(found.objective, rel=1e-9)
    alone = solve(raufoss_model(), replace(options, start="none"))
    assert not alone.has_solution or alone.objective > found.objective * (1 + 1e-3)


def test_the_progress_line_measures_against_the_one_step_bound_where_higher() -> None:
    """The line said 674 % from HiGHS's trivial bound while the result, a second later and with
    the same answer, said 11.5 % against the one-step model's bound (an audit)."""
    from symbiosis.optimization import _telling

    said: list[str] = []
    tell = _telling(said.append, "solving with highs", "EUR", floor=90.0)
    tell(SolveProgress(5.0, 100.0, -1e6))
    tell(SolveProgress(6.0, 100.0, 95.0))  # HiGHS's own, once higher, is taken
    assert said == ["solving with highs: best 100 EUR, 10.0% from the bound (5 s)",
                    "solving with highs: best 100 EUR, 5.0% from the bound (6 s)"]


@pytest.mark.parametrize("own_process", [False, True], ids=["here", "own-process"])
def test_an_answer_within_the_gap_of_a_bound_known_before_ends_the_search(tmp_path, own_process) -> None:
    """``SolveOptions.known_bound`` (the one-step model's bound, which ``optimize`` knows from the
    coarse start): branch and bound stops as soon as its answer lies within the gap asked of it.
    The knapsack takes HiGHS minutes to prove; its answer after 2 s, given as the known bound,
    is found again on the same path and ends the search there, optimal, long before the limit."""
    import time

    from symbiosis.solvers.highs import solve_arrays
    from symbiosis.solvers.status import KNOWN_BOUND_MESSAGE

    arrays = _knapsack_arrays()
    log = str(tmp_path / "log")
    first = solve_arrays(arrays, None, SolveOptions(time_limit=2.0, start="none", hard_limit=False), log)
    assert first.status is Status.TIME_LIMIT and first.has_solution and first.gap > 1e-3
    options = SolveOptions(time_limit=60.0, start="none", hard_limit=own_process, known_bound=first.objective)
    clock = time.perf_counter()
    answer = solve_arrays(arrays, None, options, log)
    assert time.perf_counter() - clock < 30
    assert answer.status is Status.OPTIMAL and answer.message.startswith(KNOWN_BOUND_MESSAGE)
    assert answer.objective <= first.objective + 1e-4 * abs(first.objective)
    assert answer.gap > 1e-3  # HiGHS's own bound proves less: the known one ended it


def test_a_given_answer_within_the_gap_of_the_known_bound_needs_no_branch_and_bound(tmp_path) -> None:
    """A given answer (``start="answer"``) that keeps every row, bound and integer and lies within
    the gap of ``known_bound`` is the answer at once (the knapsack above takes HiGHS minutes);
    one that breaks a row, or lies outside the gap, goes to HiGHS as before."""
    import time

    import numpy as np

    from symbiosis.solvers.highs import solve_arrays
    from symbiosis.solvers.status import KNOWN_BOUND_MESSAGE

    arrays = _knapsack_arrays()
    log = str(tmp_path / "log")
    found = solve_arrays(arrays, None, SolveOptions(time_limit=1.0, start="none", hard_limit=False), log)
    options = SolveOptions(time_limit=1.0, start="none", hard_limit=False, known_bound=found.objective)
    clock = time.perf_counter()
    answer = solve_arrays(arrays, None, options, log, answer=found.values)
    assert time.perf_counter() - clock < 0.5
    assert answer.status is Status.OPTIMAL and answer.message == KNOWN_BOUND_MESSAGE
    assert answer.objective == pytest.approx(found.objective, rel=1e-12) and answer.gap == 0.0
    every_item = np.ones(arrays.num_col)  # over every knapsack's capacity
    cheaper = replace(options, known_bound=float(arrays.cost.sum()))
    assert solve_arrays(arrays, None, cheaper, log, answer=every_item).message != KNOWN_BOUND_MESSAGE
    lower = replace(options, known_bound=found.objective * 1.01)  # 1 % more value may exist
    assert solve_arrays(arrays, None, lower, log, answer=found.values).message != KNOWN_BOUND_MESSAGE
