"""Beyond the floor: what changes HiGHS's own time on the same park.

    python benchmarks/experiments.py --case 35:annual:milp --case 20:td4:milp --out benchmarks/results

The floor is the same formulation as symbiosis, so it cannot be faster at solving; a
better formulation or a better start can. Each variant below is handed to HiGHS as
arrays, solved to the ladder's gap within a time limit, and its time, objective, final
gap and branch-and-bound nodes written to ``experiments.md``, with its solve time as a
ratio to the naive formulation's:

- ``naive``: the heat cascade over every segment pair, no per-step bound on flows if
  built, HiGHS alone (the model as first written).
- ``naive + step rows``: the same with the ``flow_if_built`` valid inequalities.
- ``symbiosis, HiGHS alone``: today's formulation (Hall cascade), no start.
- ``symbiosis`` (the default): with the first answer from the LP relaxation
  (``solvers/highs.py``: ``relaxation_start``), its time included.
- ``+ pruned``: links that can never pay for themselves removed first (:func:`prune_unprofitable`).
- ``+ step bounds``: each flow's upper bound set to what its streams allow in that step
  (the bound the ``flow_if_built`` rows imply), so presolve sees it without reading rows.
- ``no presolve``, ``no symmetry``: HiGHS's presolve or symmetry detection off.
- ``previous scenario``: a sweep's next scenario (gas and electricity 10 % dearer) started
  from this scenario's answer, against the same scenario from the relaxation start.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def flow_profit(data) -> np.ndarray:
    """What one unit of each link's flow saves in step t, before any investment (links x steps)."""
    w = np.asarray(data.weights, dtype=float)
    cp = data.carbon_price
    rows = []
    for link in data.links:
        sup, dem = data.streams[link.supply], data.streams[link.demand]
        taken, delivered = link.taken_per_flow, link.delivered_per_flow
        electricity = link.electricity_per_flow
        cost = (link.running_cost * delivered + link.transport_cost * taken
                + data.electricity_price * electricity
                - (sup.price + cp * sup.emissions) * taken - (dem.price + cp * dem.emissions) * delivered
                + cp * (data.electricity_emissions * electricity + link.transport_emissions * taken))
        rows.append(-cost * w)
    return np.array(rows).reshape(len(data.links), len(w))


def step_bounds(data) -> np.ndarray:
    """Most each link can carry in each step (links x steps), ``models.links.step_bounds``."""
    from symbiosis.models.links import step_bounds as link_bounds

    bounds = [link_bounds(data, link) for link in data.links]
    return np.array(bounds).reshape(len(data.links), len(data.weights))


def smallest_investment(link) -> float:
    """The least a built link can cost: its fixed part plus its smallest size's cost."""
    size = link.min_capacity
    if link.cost_curve:
        caps, costs = zip(*link.cost_curve, strict=True)
        return link.investment_fixed + float(np.interp(size, caps, costs))
    return link.investment_fixed + link.investment_per_capacity * size


def prune_unprofitable(data):
    """Drop new links whose largest possible yearly saving is below their least yearly cost.

    A link's saving in a step is at most its flow's profit times the most it can carry; the
    heat cascade, stream limits and other links only lower it. If even that cannot pay
    the annuity of its fixed part and smallest size, building it makes any solution worse,
    so no optimum builds it, and dropping it changes neither the optimum nor its value
    (for the cost objective on parks without stores or hubs, as the benchmark parks).
    Returns the smaller data and how many links went.
    """
    saving = (np.maximum(flow_profit(data), 0.0) * step_bounds(data)).sum(axis=1)
    keep = [link for link, most in zip(data.links, saving, strict=True)
            if link.existing_capacity > 0 or most > link.annuity * smallest_investment(link)]
    kept = {link.id for link in keep}
    pairs = {lid: p for lid, p in data.segment_pairs.items() if lid in kept}
    hot_cold = {link.supply for link in keep if link.id in pairs} | {link.demand for link in keep
                                                                      if link.id in pairs}
    segments = {key: segs for key, segs in data.segments.items() if key in hot_cold}
    dropped = len(data.links) - len(keep)
    return replace(data, links=tuple(keep), segment_pairs=pairs, segments=segments), dropped


def arrays_of(data, *, revert=(), step_rows: bool = True):
    """The HiGHS arrays symbiosis hands over for ``data`` (with old model code if asked)."""
    import baseline

    import symbiosis.models.build as build
    from symbiosis.models import build_model
    from symbiosis.solvers.handoff import to_arrays

    kept = build.add_heat_cascade
    try:
        baseline.apply(revert)
        model = build_model(data)
    finally:
        build.add_heat_cascade = kept
    if not step_rows:
        model.links.flow_if_built.deactivate()
    return to_arrays(model)[0]


def solve(arrays, gap: float, time_limit: float, options: dict | None = None, start: str = "none",
          values=None) -> dict:
    """Solve with HiGHS as solve_highs does (optionally from the relaxation start or ``values``),
    but at HiGHS's default ``mip_heuristic_effort``, as ``results/experiments.md`` was measured
    (the product's is ``MIP_HEURISTIC_EFFORT``: pass it in ``options`` to compare)."""
    import highspy

    from symbiosis.solvers.highs import choose_lp_method, give_first_answer
    from symbiosis.solvers.status import SolveOptions

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", gap)
    h.setOptionValue("time_limit", time_limit)
    h.setOptionValue("random_seed", 0)
    choose_lp_method(h, arrays, SolveOptions())  # as solve_highs
    for name, value in (options or {}).items():
        h.setOptionValue(name, value)
    arrays.pass_to(h)
    clock = time.perf_counter()
    if start == "relaxation":
        give_first_answer(h, arrays, SolveOptions(time_limit=time_limit, mip_gap=gap))
    if values is not None:
        solution = highspy.HighsSolution()
        solution.col_value = list(values)
        solution.value_valid = True
        h.setSolution(solution)
    h.run()
    seconds = time.perf_counter() - clock
    info = h.getInfo()
    return {"seconds": seconds, "status": h.modelStatusToString(h.getModelStatus()),
            "objective": info.objective_function_value, "gap": info.mip_gap,
            "values": np.asarray(h.getSolution().col_value), "nodes": info.mip_node_count,
            "columns": arrays.num_col}


def dearer(data, factor: float = 1.1):
    """The same park with every bought route ``factor`` dearer (a sweep's next scenario)."""
    streams = {key: replace(s, price=s.price * factor) if s.price > 0 else s
               for key, s in data.streams.items()}
    return replace(data, streams=streams, electricity_price=data.electricity_price * factor)


def run(case: str, work: Path, gap: float, time_limit: float) -> list[dict]:
    from run import park_folder, parse_case, time_steps

    from symbiosis.candidates import find_candidates
    from symbiosis.park import load_park
    from symbiosis.problem import to_model_data

    spec = parse_case(case)
    park = load_park(park_folder(work, spec["firms"]))
    data = to_model_data(park, find_candidates(park), time_steps(park, spec["resolution"]))
    rows: list[dict] = []

    def record(name: str, result: dict, note: str = "") -> None:
        naive = rows[0]["seconds"] if rows else result["seconds"]
        rows.append({"case": case, "variant": name, **{k: v for k, v in result.items() if k != "values"},
                     "ratio": result["seconds"] / naive, "note": note})
        print(f"  {case} {name}: {result['seconds']:.1f} s, {result['status']}, "
              f"{result['objective']:.8g}, gap {result['gap']:.2%} {note}", flush=True)

    record("naive", solve(arrays_of(data, revert=["heat_cascade"], step_rows=False), gap, time_limit))
    record("naive + step rows", solve(arrays_of(data, revert=["heat_cascade"]), gap, time_limit))
    arrays = arrays_of(data)
    record("symbiosis, HiGHS alone", solve(arrays, gap, time_limit))
    ours = solve(arrays, gap, time_limit, start="relaxation")
    record("symbiosis (relaxation start)", ours)
    pruned, dropped = prune_unprofitable(data)
    record("+ pruned", solve(arrays_of(pruned), gap, time_limit, start="relaxation"),
           f"{dropped} of {len(data.links)} links dropped")
    from floor import build_floor

    flows = build_floor(data).names["flow"]
    upper = arrays.upper.copy()
    upper[flows] = np.minimum(upper[flows], step_bounds(data).ravel())
    record("+ step bounds", solve(replace(arrays, upper=upper), gap, time_limit, start="relaxation"))
    record("no presolve", solve(arrays, gap, time_limit, {"presolve": "off"}, start="relaxation"))
    record("no symmetry", solve(arrays, gap, time_limit, {"mip_detect_symmetry": False}, start="relaxation"))
    if math.isfinite(ours["objective"]):
        next_arrays = arrays_of(dearer(data))
        record("next scenario, relaxation start", solve(next_arrays, gap, time_limit, start="relaxation"))
        record("next scenario, from this answer", solve(next_arrays, gap, time_limit, values=ours["values"]),
               "prices change the objective only, so this answer is feasible there")
    return rows


def main(argv: list[str] | None = None) -> None:
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--case", action="append", required=True)
    parser.add_argument("--out", default=str(HERE / "results"))
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "symbiosis-bench"))
    parser.add_argument("--gap", type=float, default=0.01)
    parser.add_argument("--time-limit", type=float, default=300.0)
    args = parser.parse_args(argv)
    rows = []
    for case in args.case:
        rows += run(case, Path(args.work), args.gap, args.time_limit)
    from run import write_markdown

    lines = ["# HiGHS time, variant by variant\n",
             f"Gap {args.gap:g}, time limit {args.time_limit:g} s, {time.strftime('%Y-%m-%d %H:%M')}. "
             "Seconds from hand-off to answer (a start's own time included); ratio: to `naive`.\n",
             "| case | variant | columns | seconds | ratio | status | objective | gap | B&B nodes | note |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['case']} | {r['variant']} | {r['columns']:,} | {r['seconds']:.1f} "
                     f"| {r['ratio']:.2f} | {r['status']} | {r['objective']:.8g} | {r['gap']:.2%} "
                     f"| {r['nodes']} | {r['note']} |")
    print(write_markdown(lines, Path(args.out), "experiments.md"), end="")


if __name__ == "__main__":
    main()
