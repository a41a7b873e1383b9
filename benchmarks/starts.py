"""First answers for large time-resolved MIPs: HiGHS alone, the relaxation start, and the
annual (coarse) design, through ``symbiosis.optimize`` as a user calls it.

    python benchmarks/starts.py --case 50:td8s6@300 --case 200:td2s4@600 --jobs 2 --out benchmarks/results

Each (case, start) runs in a fresh process on the generated park (``run.py``'s), with the time
step setting of the case, at a 1 % gap; ``starts.md`` gets the status, the answer, the bound,
where the bound comes from (HiGHS, or the one-step model's when that is the higher), the gap
left and the seconds of the whole ``optimize`` call (the coarse solve included).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
STARTS = ("none", "relaxation", "coarse")


def time_setting(resolution: str) -> dict:
    days, _, segments = resolution.removeprefix("td").partition("s")
    return {"typical_days": int(days), **({"segments": int(segments)} if segments else {})}


def one(folder: str, resolution: str, start: str, seconds: float, gap: float) -> dict:
    """In this process: optimize the park as a user would, and say how it ended."""
    import symbiosis

    park = symbiosis.load_park(folder, overrides={"park.time": time_setting(resolution)})
    clock = time.perf_counter()
    result = symbiosis.optimize(park, start=start, time_limit=seconds, gap=gap, values=False)
    s = result.summary
    return {"seconds": time.perf_counter() - clock, "status": result.status,
            "objective": float(s["objective"]), "bound": float(s["bound"]), "gap": float(s["gap"]),
            "start_source": s["start_source"], "start_objective": float(s["start_objective"]),
            "columns": int(s["columns"]), "binaries": int(s["binaries"]), "bound_source": s["bound_source"]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", action="append", default=[], help="FIRMS:tdN[sM]@SECONDS")
    parser.add_argument("--start", action="append", default=None, choices=STARTS)
    parser.add_argument("--gap", type=float, default=0.01)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/symbiosis-bench"))
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--one", default=None, help=argparse.SUPPRESS)  # a worker's job, as JSON
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(one(**json.loads(args.one))))
        return

    from run import park_folder, write_markdown

    jobs = []
    for case in args.case or ["50:td8s6@300"]:
        body, _, seconds = case.partition("@")
        firms, resolution = body.split(":")
        folder = str(park_folder(args.work, int(firms)))
        for start in args.start or STARTS:
            jobs.append({"case": case, "folder": folder, "resolution": resolution, "start": start,
                         "seconds": float(seconds or 300), "gap": args.gap})

    def run(job: dict) -> dict:
        spec = {k: job[k] for k in ("folder", "resolution", "start", "seconds", "gap")}
        done = subprocess.run([sys.executable, __file__, "--one", json.dumps(spec)], capture_output=True,
                              text=True, timeout=job["seconds"] * 3 + 600)
        answer = json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else \
            {"status": "failed: " + (done.stderr.strip().splitlines() or ["?"])[-1]}
        print(f"  {job['case']} {job['start']}: {answer.get('status')} {answer.get('gap')}", file=sys.stderr)
        return {**job, **answer}

    with ThreadPoolExecutor(args.jobs) as pool:
        rows = list(pool.map(run, jobs))
    lines = ["# First answers for large time-resolved MIPs", "",
             f"`symbiosis.optimize(park, start=...)` at a {args.gap:.0%} gap, 2 cores, {args.jobs} run(s) "
             f"at a time, {datetime.now():%Y-%m-%d %H:%M}. Seconds: the whole call (a coarse solve "
             "included).", "",
             "| case | columns | binaries | start | status | first answer | answer | bound | bound from "
             "| gap left | seconds |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        def num(key: str, r: dict = r) -> str:
            value = r.get(key)
            return "-" if value is None or value != value else f"{value:,.0f}"
        gap = r.get("gap")
        gap_text = "-" if gap is None or gap != gap else f"{gap:.1%}"
        lines.append(f"| {r['case']} | {r.get('columns', 0):,} | {r.get('binaries', 0):,} | {r['start']} | "
                     f"{r.get('status')} | {num('start_objective')} | {num('objective')} | {num('bound')} | "
                     f"{r.get('bound_source', '-')} | {gap_text} | {r.get('seconds', 0):.0f} |")
    print(write_markdown(lines, args.out, "starts.md"))


if __name__ == "__main__":
    main()
