"""Beyond the floor: what changes HiGHS's own time on the same park.

    python benchmarks/experiments.py --case 35:annual:milp --case 10:td8:milp --out benchmarks/results

On the floor's problem (the same matrix symbiosis hands over), each variant is solved to
the ladder's gap within a time limit, and its time, objective and final gap are written
to ``experiments.md``:

- ``baseline``: HiGHS defaults.
- ``pruned``: links that can never be built removed first (:func:`prune_unprofitable`).
- ``step bounds``: each flow's upper bound set to what its streams allow in that step
  (the bound the ``flow_if_built`` rows imply), so presolve sees it without reading rows.
- ``no presolve``: presolve off (how much presolve does).
- ``no symmetry``: ``mip_detect_symmetry`` off.
- ``warm start``: the builds of the annual problem, their flows solved as an LP, given
  to HiGHS as a starting solution.
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
    """Most each link can carry in each step (links x steps), as ``models.links.step_bound``."""
    out = []
    for link in data.links:
        supply = np.asarray(data.streams[link.supply].rate, dtype=float) / link.taken_per_flow
        demand = np.asarray(data.streams[link.demand].rate, dtype=float) * link.max_share / \
            link.delivered_per_flow
        out.append(np.minimum(np.minimum(supply, demand), link.max_capacity))
    return np.array(out).reshape(len(data.links), len(data.weights))


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
    so no optimum builds it, and dropping it changes neither the optimum nor its value.
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


def solve(floor, gap: float, time_limit: float, options: dict | None = None, start=None) -> dict:
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", gap)
    h.setOptionValue("time_limit", time_limit)
    for name, value in (options or {}).items():
        h.setOptionValue(name, value)
    floor.pass_to(h)
    if start is not None:
        solution = highspy.HighsSolution()
        solution.col_value = list(start)
        solution.value_valid = True
        h.setSolution(solution)
    clock = time.perf_counter()
    h.run()
    seconds = time.perf_counter() - clock
    info = h.getInfo()
    return {"seconds": seconds, "status": h.modelStatusToString(h.getModelStatus()),
            "objective": info.objective_function_value, "gap": info.mip_gap,
            "values": np.asarray(h.getSolution().col_value), "nodes": info.mip_node_count}


def warm_start(park, data, floor, gap: float, time_limit: float):
    """The annual problem's builds, with this problem's flows for them from an LP."""
    from floor import build_floor
    from run import time_steps

    from symbiosis.candidates import find_candidates
    from symbiosis.problem import to_model_data

    annual = to_model_data(park, find_candidates(park), time_steps(park, "annual"))
    first = build_floor(annual)
    found = solve(first, gap, time_limit)
    if not math.isfinite(found["objective"]):
        return None
    x = found["values"]
    built = {link.id: x[first.build_col[i]] > 0.5 for i, link in enumerate(annual.links)
             if first.build_col[i] >= 0}
    # The same problem with integer columns fixed: builds as the annual answer, curve steps and
    # partners left to an LP with them relaxed, then rounded through a short MILP.
    lower, upper = floor.lower.copy(), floor.upper.copy()
    for i, link in enumerate(data.links):
        col = floor.build_col[i]
        if col >= 0 and link.id in built:
            lower[col] = upper[col] = float(built[link.id])
    fixed = replace(floor, lower=lower, upper=upper)
    completed = solve(fixed, gap, time_limit)
    return completed["values"] if math.isfinite(completed["objective"]) else None


def run(case: str, work: Path, gap: float, time_limit: float) -> list[dict]:
    from floor import build_floor
    from run import park_folder, parse_case, time_steps

    from symbiosis.candidates import find_candidates
    from symbiosis.park import load_park
    from symbiosis.problem import to_model_data

    spec = parse_case(case)
    park = load_park(park_folder(work, spec["firms"]))
    data = to_model_data(park, find_candidates(park), time_steps(park, spec["resolution"]))
    floor = build_floor(data, relax=spec["relax"])
    rows = []

    def record(name: str, result: dict, note: str = "") -> None:
        rows.append({"case": case, "variant": name, "columns": floor_of.get(name, floor).num_col,
                     "seconds": result["seconds"], "status": result["status"],
                     "objective": result["objective"], "gap": result["gap"], "nodes": result["nodes"],
                     "note": note})
        print(f"  {case} {name}: {result['seconds']:.1f} s, {result['status']}, "
              f"{result['objective']:.8g}, gap {result['gap']:.2%} {note}", flush=True)

    floor_of: dict = {}
    record("baseline", solve(floor, gap, time_limit))
    pruned_data, dropped = prune_unprofitable(data)
    floor_of["pruned"] = build_floor(pruned_data, relax=spec["relax"])
    record("pruned", solve(floor_of["pruned"], gap, time_limit),
           f"{dropped} of {len(data.links)} links dropped")
    bounds = step_bounds(data).ravel()
    flows = floor.names["flow"]
    upper = floor.upper.copy()
    upper[flows] = np.minimum(upper[flows], bounds)
    floor_of["step bounds"] = replace(floor, upper=upper)
    record("step bounds", solve(floor_of["step bounds"], gap, time_limit))
    record("no presolve", solve(floor, gap, time_limit, {"presolve": "off"}))
    if not spec["relax"]:
        record("no symmetry", solve(floor, gap, time_limit, {"mip_detect_symmetry": False}))
        if spec["resolution"] != "annual":
            clock = time.perf_counter()
            start = warm_start(park, data, floor, gap, time_limit)
            prepared = time.perf_counter() - clock
            if start is not None:
                record("warm start", solve(floor, gap, time_limit, start=start),
                       f"start found in {prepared:.1f} s (not counted)")
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
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    lines = ["# HiGHS time on the floor's problem, variant by variant\n",
             f"Gap {args.gap:g}, time limit {args.time_limit:g} s, {time.strftime('%Y-%m-%d %H:%M')}.\n",
             "| case | variant | columns | seconds | status | objective | gap | B&B nodes | note |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['case']} | {r['variant']} | {r['columns']:,} | {r['seconds']:.1f} "
                     f"| {r['status']} | {r['objective']:.8g} | {r['gap']:.2%} | {r['nodes']} "
                     f"| {r['note']} |")
    (out / "experiments.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
