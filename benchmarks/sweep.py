"""A sweep with and without warm starts: the same runs, each started from the design of the
run before it in its chain (``symbiosis.analysis.sweep``), or each on its own.

    python benchmarks/sweep.py --firms 35 --prices 40..140:20 --out benchmarks/results

Both sweeps run on the same local Dask cluster (two worker processes, one thread each), one
after the other, at the ladder's gap; ``sweep.md`` gets their wall time, the solver time of
each run, and whether both found the same answers (total cost within the gap).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=35)
    parser.add_argument("--prices", default="40..140:20", help="carbon prices, EUR/t (a sweep range)")
    parser.add_argument("--gap", type=float, default=0.01)
    parser.add_argument("--time-limit", type=float, default=300.0)
    parser.add_argument("--work", type=Path, default=Path("/tmp/symbiosis-bench"))
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)

    from dask.distributed import Client, LocalCluster
    from run import park_folder, write_markdown

    from symbiosis.analysis import sweep

    folder = park_folder(args.work, args.firms)
    grid = {"park.carbon_price": f"{args.prices} EUR/t"}
    rows, runs = [], {}
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        for warm in (False, True):
            clock = time.perf_counter()
            result = sweep(folder, grid=grid, client=client, gap=args.gap, time_limit=args.time_limit,
                           warm_start=warm)
            wall = time.perf_counter() - clock
            runs[warm] = result.runs
            rows.append((warm, wall, result.runs))
            print(f"warm start {warm}: {wall:.1f} s", file=sys.stderr)
    cold, warm = runs[False], runs[True]
    same = ((warm["total_cost"] - cold["total_cost"]).abs()
            <= args.gap * cold["total_cost"].abs().clip(lower=1.0)).all()
    lines = [
        "# Sweep with and without warm starts",
        "",
        f"{len(cold)} runs of the {args.firms}-firm synthetic park (seed 1, annual), carbon price "
        f"{args.prices} EUR/t, gap {args.gap}, time limit {args.time_limit:.0f} s per run, on a local Dask "
        f"cluster of 2 processes; {datetime.now():%Y-%m-%d %H:%M}.",
        "",
        "| warm start | wall s | solver s (sum of runs) | runs started from a design | ratio (wall) |",
        "|---|---|---|---|---|",
    ]
    base = rows[0][1]
    for is_warm, wall, table in rows:
        lines.append(f"| {'yes' if is_warm else 'no'} | {wall:.1f} | {table['solve_s'].sum():.1f} | "
                     f"{int((table['start'] == 'design').sum())} of {len(table)} | {wall / base:.2f} |")
    lines += ["", f"Same answers (total cost within the gap): {'yes' if same else 'no'}.", "",
              "| carbon price | cold: solver s | warm: solver s | start | cold: total cost "
              "| warm: total cost |",
              "|---|---|---|---|---|---|"]
    for (_, c), (_, w) in zip(cold.iterrows(), warm.iterrows(), strict=True):
        lines.append(f"| {c['park.carbon_price']} | {c['solve_s']:.1f} | {w['solve_s']:.1f} | "
                     f"{w['start'] or '-'} | {c['total_cost']:,.0f} | {w['total_cost']:,.0f} |")
    print(write_markdown(lines, args.out, "sweep.md"))


if __name__ == "__main__":
    main()
