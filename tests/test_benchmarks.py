"""The benchmark harness (benchmarks/, issue 7): no timings here, only what its tables claim:
that the floor hands HiGHS the same problem as symbiosis, and that a case where it does not,
or where the optima differ, fails the run."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import run  # noqa: E402  (benchmarks/run.py)


@pytest.mark.parametrize("case", ["5:annual", "5:weekly:lp", "x:annual:milp", "5:td8s6:milp:solve",
                                  "5:annual:milp@soon"])
def test_a_malformed_case_is_refused_before_anything_runs(case: str) -> None:
    with pytest.raises(ValueError, match="FIRMS:RESOLUTION"):
        run.parse_case(case)


def test_a_case_reads_its_parts() -> None:
    spec = run.parse_case("50:td8s6:milp@600")
    assert (spec["firms"], spec["resolution"], spec["relax"], spec["solve"], spec["time_limit"]) == \
        (50, "td8s6", False, True, 600.0)
    assert run.parse_case("20:week:lp:build")["solve"] is False


def test_a_generated_park_reads_without_warnings(tmp_path: Path) -> None:
    """The generator wrote locations as '1.810 km' and purities as '99.927 %', each warned of as
    a decimal point or a thousands separator (34 warnings on 20 firms); now metres and four
    decimals, the same values."""
    from symbiosis.park import load_park
    from symbiosis.park.scaling import scaling_warnings

    assert scaling_warnings(load_park(run.park_folder(tmp_path, 20))) == []


def test_the_floor_hands_highs_the_same_problem_bit_for_bit(tmp_path: Path) -> None:
    """The floor (benchmarks/floor.py) is the same formulation written with NumPy: on a
    generated 10-firm park over 4 typical days, as a MILP, both sides' arrays have one digest."""
    from floor import build_floor

    import symbiosis.solvers.handoff as handoff
    from symbiosis.candidates import find_candidates
    from symbiosis.models import build_model
    from symbiosis.park import load_park
    from symbiosis.problem import to_model_data

    park = load_park(run.park_folder(tmp_path, 10))
    data = to_model_data(park, find_candidates(park), run.time_steps(park, "td4"))
    ours, _ = handoff.to_arrays(build_model(data))
    floor = build_floor(data, relax=False).to_arrays()
    assert ours.num_col > 1000 and ours.integer.any()
    assert run.problem_digest(ours) == run.problem_digest(floor)
    assert ours.offset == pytest.approx(floor.offset, rel=1e-12)
    floor.cost[0] *= 1.002  # a 0.2 % dearer column is another problem
    assert run.problem_digest(ours) != run.problem_digest(floor)


def _row(**values) -> dict:
    return {"case": "20:annual:milp", "same_problem": True, "same_optimum": "yes", "objective": 43.6e6,
            "floor_objective": 43.6e6} | values


def test_a_run_fails_on_another_problem_another_optimum_or_a_broken_case() -> None:
    assert run.failed_cases([_row(), _row(same_optimum="within gap")]) == []
    assert "different problems" in run.failed_cases([_row(same_problem=False)])[0]
    assert "against the floor's" in run.failed_cases([_row(same_optimum="NO", floor_objective=43.5e6)])[0]
    # where the machine stops is a finding, not a failure; a crash is a failure
    limits = {"case": "50:hourly:lp:build",
              "error": "symbiosis: out of memory (MemoryError); floor: timeout after 3600 s"}
    crash = {"case": "5:week:lp", "error": "symbiosis: KeyError: 'week'"}
    assert run.failed_cases([limits]) == []
    assert run.failed_cases([crash]) == ["5:week:lp: symbiosis: KeyError: 'week'"]


def test_the_committed_tables_are_not_replaced_without_force(tmp_path: Path) -> None:
    (tmp_path / "results.csv").write_text("case\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        run.main(["--case", "5:annual:milp", "--out", str(tmp_path), "--work", str(tmp_path / "parks")])
    assert (tmp_path / "results.csv").read_text(encoding="utf-8") == "case\n"


def test_decomposition_by_time_step_reaches_the_whole_relaxations_optimum(tmp_path: Path) -> None:
    """benchmarks/decompose.py: Benders over the design, one LP per step. Its bound is a lower
    bound and its answer a priced design, so both must meet the LP relaxation HiGHS finds on the
    whole model of a generated 5-firm park over a week (168 steps)."""
    import decompose

    arrays, column_step = decompose.model_arrays(5, "week", tmp_path)
    assert column_step.max() == 167 and (column_step < 0).sum() > 0  # design columns found
    whole, _ = decompose.monolithic(arrays, time_limit=60)
    last = decompose.benders(arrays, column_step, time_limit=60, gap=1e-7)[-1]
    assert last["gap"] <= 1e-7
    assert last["bound"] == pytest.approx(whole, rel=1e-6)
    assert last["answer"] == pytest.approx(whole, rel=1e-6)


def test_decomposition_refuses_a_row_over_two_steps() -> None:
    """A store's row ties two steps: no split by step is exact then, so it is refused."""
    import numpy as np
    import scipy.sparse as sp
    from decompose import split

    from symbiosis.solvers.highs import HighsArrays

    # columns: design, step 0, step 1; one row holds both steps (content carried over)
    matrix = sp.csc_matrix(np.array([[1.0, 1.0, -1.0]]))
    arrays = HighsArrays(offset=0.0, cost=np.ones(3), lower=np.zeros(3), upper=np.ones(3),
                         row_lower=np.zeros(1), row_upper=np.zeros(1), start=matrix.indptr,
                         index=matrix.indices, value=matrix.data, integer=np.zeros(3, dtype=bool))
    with pytest.raises(ValueError, match="two time steps"):
        split(arrays, np.array([-1, 0, 1]))
