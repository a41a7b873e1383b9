"""Which in-memory route from a Pyomo model to HiGHS is fastest, on a symbiosis model.

    python benchmarks/interfaces.py --case 20:week:lp --case 50:annual:milp

For each case the symbiosis model is built once per route, in a fresh process, and only
the hand-off is timed (the model is in HiGHS, ready to run; no solve):

- ``compiler + arrays``: what ``symbiosis.solvers.handoff`` does: Pyomo's
  ``LinearStandardFormCompiler`` to SciPy arrays, one array ``passModel``.
- ``compiler + HighsLp``: the same arrays copied into a ``HighsLp`` first (the old path).
- ``appsi``: ``pyomo.contrib.appsi.solvers.Highs().set_instance(model)``.
- ``contrib``: ``pyomo.contrib.solver.solvers.highs.Highs().set_instance(model)``.
- ``lp file``: Pyomo's LP writer, then ``Highs.readModel``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

ROUTES = ("compiler + arrays", "compiler + HighsLp", "appsi", "contrib", "lp file")


def hand_off(route: str, model) -> int:
    """Put ``model`` into a HiGHS instance by ``route``; returns HiGHS's column count."""
    import highspy

    if route == "compiler + arrays":
        from symbiosis.solvers.handoff import to_arrays

        arrays, _ = to_arrays(model)
        h = highspy.Highs()
        arrays.pass_to(h)
        return h.getNumCol()
    if route == "compiler + HighsLp":
        from symbiosis.solvers.handoff import to_highs

        lp, _ = to_highs(model)
        h = highspy.Highs()
        h.passModel(lp)
        return h.getNumCol()
    if route == "appsi":
        from pyomo.contrib.appsi.solvers import Highs

        opt = Highs()
        opt.set_instance(model)
        return opt._solver_model.getNumCol()
    if route == "contrib":
        from pyomo.contrib.solver.solvers.highs import Highs

        opt = Highs()
        opt.set_instance(model)
        return opt._solver_model.getNumCol()
    if route == "lp file":
        path = os.path.join(tempfile.gettempdir(), f"symbiosis-bench-{os.getpid()}.lp")
        model.write(path, io_options={"symbolic_solver_labels": False})
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.readModel(path)
        os.remove(path)
        return h.getNumCol()
    raise ValueError(route)


def worker(case: str, route: str) -> dict:
    import pyomo.environ as pyo
    from run import park_folder, parse_case, time_steps

    from symbiosis.candidates import find_candidates
    from symbiosis.models import build_model
    from symbiosis.park import load_park
    from symbiosis.problem import to_model_data

    spec = parse_case(case)
    park = load_park(park_folder(Path(tempfile.gettempdir()) / "symbiosis-bench", spec["firms"]))
    data = to_model_data(park, find_candidates(park), time_steps(park, spec["resolution"]))
    model = build_model(data)
    if spec["relax"]:
        pyo.TransformationFactory("core.relax_integer_vars").apply_to(model)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    clock = time.perf_counter()
    columns = hand_off(route, model)
    seconds = time.perf_counter() - clock
    return {"case": case, "route": route, "seconds": seconds, "columns": columns,
            "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "model_mib": before}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--case", action="append")
    parser.add_argument("--out", default=str(HERE / "results"))
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(*args.worker)))
        return
    if not args.case:
        parser.error("give --case")
    rows = []
    for case in args.case:
        for route in ROUTES:
            try:
                done = subprocess.run([sys.executable, __file__, "--worker", case, route],
                                      capture_output=True, text=True, timeout=args.timeout, check=True)
                row = json.loads(done.stdout.strip().splitlines()[-1])
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
                tail = getattr(exc, "stderr", "") or ""
                row = {"case": case, "route": route, "error": (tail.strip().splitlines() or [str(exc)])[-1]}
            rows.append(row)
            print(f"  {case} {route}: " + (f"{row['seconds']:.2f} s" if "seconds" in row else row["error"]),
                  flush=True)
    from run import write_markdown

    lines = ["# Hand-off from a built Pyomo model into HiGHS, by route\n",
             f"{time.strftime('%Y-%m-%d %H:%M')}; each line a fresh process; no solve.\n",
             "| case | route | seconds | x fastest | columns in HiGHS | peak MiB |",
             "|---|---|---|---|---|---|"]
    for case in args.case:
        best = min((r["seconds"] for r in rows if r["case"] == case and "seconds" in r), default=float("nan"))
        for r in (r for r in rows if r["case"] == case):
            if "seconds" in r:
                lines.append(f"| {case} | {r['route']} | {r['seconds']:.2f} | {r['seconds'] / best:.1f} "
                             f"| {r['columns']:,} | {r['peak_mib']:.0f} |")
            else:
                lines.append(f"| {case} | {r['route']} | failed: {r['error'][:80]} | | | |")
    print(write_markdown(lines, Path(args.out), "interfaces.md"), end="")


if __name__ == "__main__":
    main()
