"""Run the benchmark ladder: symbiosis against the floor, each case in fresh processes.

    python benchmarks/run.py --ladder quick --out benchmarks/results
    python benchmarks/run.py --ladder full --out benchmarks/results
    python benchmarks/run.py --case 50:week:lp --out /tmp/one          # one case
    python benchmarks/run.py --profile 20:week:lp                     # cProfile of symbiosis

A case is ``FIRMS:RESOLUTION:PROBLEM[:build][@SECONDS]``: RESOLUTION is ``annual`` (1 step), ``week``
(the first 168 hours, weighted to stand for the year), ``tdN`` (N typical days, tsam),
``tdNsM`` (N typical days of M segments) or ``hourly`` (8760 steps); PROBLEM is ``milp`` or
``lp`` (binaries relaxed in both); ``:build`` stops after the hand-off; ``@SECONDS`` is the
case's time limit.

Each case runs symbiosis and the floor (benchmarks/floor.py) in two fresh subprocesses
(so peak memory is each one's own), on the same generated park; the results go to
``results.csv`` and ``results.md`` in ``--out`` (a folder that already holds them only with
``--force``). Each row says whether both sides handed HiGHS the same problem (a digest of its
arrays) and reached the same optimum; the command exits 1 when one did not, or when a case
failed for another reason than this machine's memory or time.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import hashlib
import json
import math
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

LADDERS = {
    # Under ~3 minutes on the 2-core benchmark machine.
    "quick": ["5:annual:milp", "20:annual:milp", "5:week:lp", "10:week:lp", "5:td4:milp", "10:td4:milp",
              "20:week:lp:build", "50:annual:milp:build"],
    # About 50 minutes with --jobs 2 (longest first): the targets (50 firms over a week, LP;
    # 50 firms at typical days, MILP), the scale case (200 firms at typical days to 1 % within
    # 600 s), growth with firms and with time steps, and where it stops (":build": build and
    # hand-off only).
    "full": ["200:td2s4:milp@600", "50:week:lp@600", "50:td8s6:milp", "100:td4s6:milp", "50:annual:milp",
             "5:annual:milp", "10:annual:milp", "20:annual:milp", "35:annual:milp",
             "100:annual:milp:build", "200:annual:milp:build",
             "5:week:lp", "10:week:lp", "20:week:lp",
             "5:td8s6:milp", "10:td8s6:milp", "20:td8s6:milp",
             "20:td8:milp", "50:td8:milp:build", "20:td32:lp:build",
             "5:hourly:lp", "20:hourly:lp:build", "50:hourly:lp:build"],
}
SEED = 1
WEEK = 168


def parse_case(case: str) -> dict:
    """``FIRMS:RESOLUTION:lp|milp[:build][@SECONDS]``; ``@SECONDS`` is this case's time limit."""
    body, _, seconds = case.partition("@")
    parts = body.split(":")
    firms, resolution, problem, *rest = parts if len(parts) >= 3 else ("", "", "")
    known = resolution in RESOLUTIONS or re.fullmatch(r"td\d+(s\d+)?", resolution)
    if not (firms.isdigit() and known and problem in ("lp", "milp") and rest in ([], ["build"])) or \
            (seconds and not re.fullmatch(r"\d+(\.\d*)?", seconds)):
        raise ValueError(f"a case is FIRMS:RESOLUTION:lp|milp[:build][@SECONDS] with RESOLUTION one of "
                         f"{', '.join(RESOLUTIONS)}, tdN or tdNsM (e.g. 50:td8s6:milp@600), not {case!r}")
    return {"case": case, "firms": int(firms), "resolution": resolution, "relax": problem == "lp",
            "solve": not rest, "time_limit": float(seconds) if seconds else None}


def park_folder(work: Path, firms: int, seed: int = SEED) -> Path:
    from generate import generate_park

    folder = work / f"park_{firms}_{seed}"
    if not (folder / "park.yaml").exists():
        generate_park(folder, firms, seed)
    return folder


RESOLUTIONS = ("annual", "week", "hourly")


def time_steps(park, resolution: str):
    """The steps of a resolution word (see the module docstring)."""
    import numpy as np

    from symbiosis.time import HOURS_PER_YEAR, TimeSteps, annual, hourly, typical_days

    if resolution == "annual":
        return annual()
    if resolution == "hourly":
        return hourly()
    if resolution == "week":
        return TimeSteps("week", np.full(WEEK, HOURS_PER_YEAR / WEEK), tuple(np.arange(WEEK)[:, None]),
                         period=np.zeros(WEEK, dtype=int))
    if resolution.startswith("td"):  # tdN, or tdNsM: N typical days of M segments
        days, _, segments = resolution[2:].partition("s")
        return typical_days(park, int(days), segments=int(segments) if segments else None)
    raise ValueError(f"unknown resolution {resolution!r}")


def _peak_mib() -> float:
    """This process's peak resident memory plus its largest child's (HiGHS's own process for a
    large model with a time limit, and the worker beside branch and bound): an upper bound of
    what the case held at once."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) / 1024.0


def worker(spec: dict) -> dict:
    """One side of one case, in this (fresh) process."""
    import numpy as np

    from symbiosis.candidates import find_candidates
    from symbiosis.park import load_park
    from symbiosis.problem import to_model_data

    out: dict = {"side": spec["side"], "start_mib": _peak_mib()}
    if spec.get("revert"):
        import baseline

        out["reverted"] = baseline.apply(spec["revert"])
    clock = time.perf_counter()
    park = load_park(spec["folder"])
    out["load_s"] = time.perf_counter() - clock

    clock = time.perf_counter()
    candidates = find_candidates(park)
    steps = time_steps(park, spec["resolution"])
    data = to_model_data(park, candidates, steps)
    out["candidates_s"] = time.perf_counter() - clock
    out["candidates"] = len(candidates)
    out["steps"] = len(steps)
    if spec.get("prune"):
        from experiments import prune_unprofitable

        data, out["pruned"] = prune_unprofitable(data)
    out.update(_symbiosis(data, spec) if spec["side"] == "symbiosis" else _floor(data, spec))
    out["peak_mib"] = _peak_mib()
    solution = out.pop("solution", None)
    out["flow_sum"] = float(sum(np.sum(v) for v in solution.flows.values())) if solution else math.nan
    return out


def _symbiosis(data, spec: dict) -> dict:
    """Build with symbiosis.models, solve through symbiosis.solvers.handoff.solve_highs, with
    its phases timed by wrapping to_arrays and the Highs object's passModel and run."""
    import highspy
    import pyomo.environ as pyo

    import symbiosis.solvers.handoff as sh
    from symbiosis.models import build_model
    from symbiosis.results.extract import solution_of
    from symbiosis.solvers.status import SolveOptions

    out: dict = {}
    handed: list = []  # the arrays solve_highs hands to HiGHS, for their digest after the timing
    to_arrays = sh.to_arrays

    def keeping(model):
        arrays, form = to_arrays(model)
        handed.append(arrays)
        return arrays, form

    sh.to_arrays = keeping
    clock = time.perf_counter()
    model = build_model(data)
    if spec["relax"]:
        pyo.TransformationFactory("core.relax_integer_vars").apply_to(model)
    out["build_s"] = time.perf_counter() - clock
    out["build_mib"] = _peak_mib()
    if not spec.get("solve", True):  # build and hand-off only, as solve_highs does them
        clock = time.perf_counter()
        arrays, _ = sh.to_arrays(model)
        arrays.pass_to(highspy.Highs())
        out["handoff_s"] = time.perf_counter() - clock
        out.update(variables=arrays.num_col, constraints=arrays.num_row, nonzeros=len(arrays.value),
                   binaries=int(arrays.integer.sum()), digest=problem_digest(arrays), offset=arrays.offset)
        return out

    options = SolveOptions(time_limit=spec.get("time_limit"), mip_gap=spec["gap"],
                           start=spec.get("start", "auto"), lp_method=spec.get("lp_method", "auto"))
    clock = time.perf_counter()
    outcome = sh.solve_highs(model, options)
    end = time.perf_counter()
    solution = solution_of(model, data)
    done = time.perf_counter()
    details = outcome.details
    out["handoff_s"] = details["to_arrays_seconds"] + details["pass_seconds"]
    out["solve_s"] = outcome.seconds  # the first answer (MIPs) and the run, in its own process or not
    out["extract_s"] = (end - clock) - out["handoff_s"] - outcome.seconds + (done - end)
    out["solve_total_s"] = done - clock
    out.update(objective=outcome.objective, bound=outcome.bound, status=str(outcome.status),
               variables=details["columns"], constraints=details["rows"], nonzeros=details["nonzeros"],
               binaries=details["integers"], solution=solution, gap=outcome.gap,
               digest=problem_digest(handed[-1]), offset=handed[-1].offset)
    return out


def problem_digest(arrays) -> str:
    """SHA-256 of the problem handed to HiGHS (costs, bounds, integrality, every matrix entry):
    equal on both sides exactly when they hand HiGHS the same problem bit for bit, but for the
    objective's constant (``offset``, a sum taken in another order: compared to 1e-12 apart)."""
    import numpy as np

    digest = hashlib.sha256()
    for name in ("cost", "lower", "upper", "row_lower", "row_upper", "start", "index", "value", "integer"):
        digest.update(np.ascontiguousarray(getattr(arrays, name)).tobytes())
    return digest.hexdigest()


def _floor(data, spec: dict) -> dict:
    import highspy
    from floor import build_floor, floor_solution

    from symbiosis.solvers.highs import solve_arrays
    from symbiosis.solvers.status import SolveOptions

    out: dict = {}
    clock = time.perf_counter()
    floor = build_floor(data, relax=spec["relax"])
    out["build_s"] = time.perf_counter() - clock
    out["build_mib"] = _peak_mib()
    clock = time.perf_counter()
    arrays = floor.to_arrays()
    to_arrays_s = time.perf_counter() - clock
    out.update(variables=floor.num_col, constraints=floor.num_row, nonzeros=floor.nonzeros,
               binaries=int(floor.integer.sum()), digest=problem_digest(arrays), offset=arrays.offset)
    if not spec.get("solve", True):
        clock = time.perf_counter()
        arrays.pass_to(highspy.Highs())
        out["handoff_s"] = to_arrays_s + time.perf_counter() - clock
        return out
    options = SolveOptions(time_limit=spec.get("time_limit"), mip_gap=spec["gap"],
                           start=spec.get("start", "auto"), lp_method=spec.get("lp_method", "auto"))
    log_path = os.path.join(tempfile.gettempdir(), f"floor-highs-{os.getpid()}.log")
    answer = solve_arrays(arrays, None, options, log_path)  # the same path as solve_highs
    out["handoff_s"] = to_arrays_s + answer.pass_seconds
    out["solve_s"] = answer.seconds
    clock = time.perf_counter()
    solution = floor_solution(floor, answer.values, data) if answer.has_solution else None
    out["extract_s"] = time.perf_counter() - clock
    with contextlib.suppress(OSError):
        os.remove(log_path)
    out.update(objective=answer.objective, bound=answer.bound, status=str(answer.status), solution=solution,
               gap=answer.gap if arrays.is_mip else 0.0)
    return out


# ------------------------------------------------------------------ the parent

PHASES = ("load_s", "candidates_s", "build_s", "handoff_s", "solve_s", "extract_s")


def run_side(spec: dict, timeout: float, memory_gib: float | None) -> dict:
    """Run one side of a case in a fresh interpreter; its JSON answer, or what went wrong."""
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(spec)]
    if memory_gib:
        command += ["--memory-gib", str(memory_gib)]
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"timeout after {timeout:.0f} s"}
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["?"])[-1]
        if "MemoryError" in done.stderr or done.returncode in (-9, 137):
            tail = f"out of memory ({tail})"
        return {"error": tail[:200], "wall_s": time.perf_counter() - started}
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_case(case: str, work: Path, args) -> dict:
    spec = parse_case(case)
    folder = park_folder(work, spec["firms"])
    base = {"folder": str(folder), "resolution": spec["resolution"], "relax": spec["relax"],
            "gap": args.gap, "time_limit": spec["time_limit"] or args.time_limit, "solve": spec["solve"]}
    row: dict = {"case": case, "firms": spec["firms"], "resolution": spec["resolution"],
                 "problem": "LP" if spec["relax"] else "MILP"}
    for side in ("symbiosis", "floor"):
        result = run_side({**base, "side": side}, args.timeout, args.memory_gib)
        # one whole line per side: with --jobs 2 two cases print side by side
        seconds = sum(result.get(p, 0) for p in PHASES)
        print(f"  {case} {side}: " + (result.get("error") or f"{seconds:.1f} s"), flush=True)
        row[side] = result
    return summarise(row)


def summarise(row: dict) -> dict:
    s, f = row.pop("symbiosis"), row.pop("floor")
    out = dict(row)
    if "error" in s or "error" in f:
        out["error"] = "; ".join(f"{k}: {v['error']}" for k, v in (("symbiosis", s), ("floor", f))
                                 if "error" in v)
        for key in ("candidates", "steps"):
            out[key] = s.get(key, f.get(key))
        return out
    out.update(steps=s["steps"], candidates=s["candidates"], variables=s["variables"],
               constraints=s["constraints"], binaries=s["binaries"], nonzeros=s["nonzeros"])
    out["same_shape"] = all(s[k] == f[k] for k in ("variables", "constraints", "binaries", "nonzeros"))
    out["same_problem"] = s["digest"] == f["digest"] and math.isclose(s["offset"], f["offset"], rel_tol=1e-12)
    out["peak_mib"] = s["peak_mib"]
    out["floor_peak_mib"] = f["peak_mib"]
    out["ratio_build_handoff"] = (s["build_s"] + s["handoff_s"]) / (f["build_s"] + f["handoff_s"])
    out["ratio_memory"] = s["peak_mib"] / f["peak_mib"]
    for phase in PHASES:
        out[phase] = s.get(phase)
    for phase in PHASES:  # the floor loads the park and finds candidates with the same code
        out["floor_" + phase] = f.get(phase)
    if "solve_s" not in s:  # build and hand-off only
        out["status"] = "not solved"
        return out
    out["total_s"] = sum(s[p] for p in PHASES)
    out["floor_total_s"] = sum(f[p] for p in PHASES)
    out["ratio_total"] = out["total_s"] / out["floor_total_s"]
    out["objective"] = s["objective"]
    out["floor_objective"] = f["objective"]
    out["gap"] = s["gap"]
    out["same_optimum"] = same_optimum(s, f)
    out["status"] = f"{s['status']} / {f['status']}"
    return out


def same_optimum(s: dict, f: dict) -> str:
    """'yes' when both objectives agree to 1e-6; 'within gap' when a MILP stopped at its time
    limit or gap on both sides and each incumbent lies within the other's bound and objective
    (the same problem can end on two answers within the gap: the first answer is found beside
    branch and bound, in a process of its own, and when it arrives steers the search). That
    the problems are the same is ``same_problem``'s check, bit for bit."""
    a, b = s["objective"], f["objective"]
    if not (math.isfinite(a) and math.isfinite(b)):
        return "no solution"
    scale = max(1.0, abs(a), abs(b))
    if abs(a - b) <= 1e-6 * scale:
        return "yes"
    lo_a, lo_b = s.get("bound", a), f.get("bound", b)
    if math.isfinite(lo_a) and math.isfinite(lo_b) and a >= lo_b - 1e-6 * scale and b >= lo_a - 1e-6 * scale:
        return "within gap"
    return "NO"


COLUMNS = ["case", "firms", "resolution", "problem", "steps", "candidates", "variables", "constraints",
           "binaries", "nonzeros", "load_s", "candidates_s", "build_s", "handoff_s", "solve_s", "extract_s",
           "total_s", "peak_mib", "floor_load_s", "floor_candidates_s", "floor_build_s", "floor_handoff_s",
           "floor_solve_s", "floor_extract_s", "floor_total_s", "floor_peak_mib", "ratio_build_handoff",
           "ratio_total", "ratio_memory", "objective", "floor_objective", "same_optimum", "same_shape",
           "same_problem", "gap", "status", "error"]


def _fmt(value, key: str) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float) and not math.isfinite(value):
        return "-"
    if isinstance(value, float):
        if key.startswith("ratio"):
            return f"{value:.2f}"
        if key.endswith("_s"):
            return f"{value:.2f}"
        if key.endswith("_mib"):
            return f"{value:.0f}"
        if key == "gap":
            return f"{value:.2%}" if math.isfinite(value) else "-"
        return f"{value:.6g}"
    if isinstance(value, int) and key in ("variables", "constraints", "nonzeros", "candidates", "binaries"):
        return f"{value:,}"
    return str(value)


MD_COLUMNS = [("case", "case"), ("candidates", "cand."), ("variables", "vars"), ("constraints", "rows"),
              ("binaries", "bin."), ("nonzeros", "nnz"), ("load_s", "load s"), ("candidates_s", "cand. s"),
              ("build_s", "build s"), ("handoff_s", "handoff s"), ("solve_s", "solve s"),
              ("extract_s", "extract s"), ("total_s", "total s"), ("peak_mib", "peak MiB"),
              ("floor_load_s", "floor load s"), ("floor_candidates_s", "floor cand. s"),
              ("floor_build_s", "floor build s"), ("floor_handoff_s", "floor handoff s"),
              ("floor_solve_s", "floor solve s"), ("floor_extract_s", "floor extract s"),
              ("floor_total_s", "floor total s"),
              ("floor_peak_mib", "floor peak MiB"), ("ratio_build_handoff", "(build+handoff)/floor"),
              ("ratio_total", "total/floor"), ("ratio_memory", "memory/floor"),
              ("same_problem", "same problem"), ("same_optimum", "same optimum"), ("gap", "gap")]


def write_markdown(lines: list[str], out: Path | None, name: str) -> str:
    """The text of ``lines``, written to ``out/name`` (the folder made if missing) when ``out``
    is given: every benchmark table goes out this way."""
    text = "\n".join(lines) + "\n"
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text, encoding="utf-8")
    return text


def write_tables(rows: list[dict], out: Path, note: str = "") -> None:
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "results.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row.get(k, "") for k in COLUMNS})
    lines = [f"# Benchmark results\n\n{note}\n",
             "| " + " | ".join(title for _, title in MD_COLUMNS) + " |",
             "|" + "---|" * len(MD_COLUMNS)]
    for row in rows:
        if row.get("error"):
            blank = [""] * (len(MD_COLUMNS) - 3)
            cells = [row["case"], _fmt(row.get("candidates"), "candidates"), *blank, row["error"]]
            lines.append("| " + " | ".join(cells) + " |")
            continue
        lines.append("| " + " | ".join(_fmt(row.get(key), key) for key, _ in MD_COLUMNS) + " |")
    write_markdown(lines, out, "results.md")


def machine_note(args) -> str:
    from importlib.metadata import version

    cores = os.cpu_count()
    return (f"Ladder `{args.ladder or args.case}`, seed {SEED}, {time.strftime('%Y-%m-%d %H:%M')}, "
            f"{cores} cores, {args.jobs} case(s) at a time, Python {sys.version.split()[0]}, "
            f"Pyomo {version('pyomo')}, highspy {version('highspy')}; "
            f"MILP gap {args.gap:g}, time limit {args.time_limit:g} s per solve. "
            "Times in seconds, memory is each case's peak RSS (its process plus its largest child). "
            "Ratios: symbiosis / floor.")


def gains(cases: list[str], work: Path, out: Path, repeats: int, timeout: float) -> None:
    """Build and hand-off of each case with every change, with none (as before issue #7), and
    with each change alone undone: what each change gained, medians of fresh processes."""
    import statistics

    import baseline

    names = list(baseline.CHANGES)
    rows = []
    for case in cases:
        spec = parse_case(case)
        base = {"folder": str(park_folder(work, spec["firms"])), "resolution": spec["resolution"],
                "relax": spec["relax"], "gap": 0.01, "solve": False}
        variants = [("floor", "floor", []), ("before (all changes undone)", "symbiosis", names),
                    *((f"without {n}", "symbiosis", [n]) for n in names), ("after", "symbiosis", [])]
        measured = {}
        for label, side, revert in variants:
            runs = [run_side({**base, "side": side, "revert": revert}, timeout, None) for _ in range(repeats)]
            runs = [r for r in runs if "error" not in r]
            if not runs:
                continue
            median = {k: statistics.median(r[k] for r in runs) for k in ("build_s", "handoff_s", "peak_mib")}
            median["both_s"] = statistics.median(r["build_s"] + r["handoff_s"] for r in runs)
            measured[label] = median
            print(f"  {case} {label}: {median['both_s']:.2f} s", flush=True)
        floor = measured.get("floor")
        before = measured.get("before (all changes undone)")
        after = measured.get("after")
        for label, value in measured.items():
            rows.append({"case": case, "variant": label, **value,
                         "ratio_floor": value["both_s"] / floor["both_s"] if floor else math.nan,
                         "saved_vs_before_s": before["both_s"] - value["both_s"] if before else math.nan,
                         "cost_of_undoing_s": value["both_s"] - after["both_s"]
                         if after and label.startswith("without") else math.nan})
    out.mkdir(parents=True, exist_ok=True)
    keys = ["case", "variant", "build_s", "handoff_s", "both_s", "peak_mib", "ratio_floor",
            "saved_vs_before_s", "cost_of_undoing_s"]
    with open(out / "gains.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=keys)
        writer.writeheader()
        writer.writerows(rows)
    lines = ["# What each change gained (build + hand-off, no solve)\n",
             f"Medians of {repeats} fresh processes per line, {time.strftime('%Y-%m-%d %H:%M')}. "
             "'without X': every change but X. Changes: "
             + "; ".join(f"**{n}**: {baseline.CHANGES[n][3]}" for n in names) + ".\n",
             "| case | variant | build s | hand-off s | build + hand-off s | peak MiB | / floor "
             "| saved vs before s | cost of undoing it s |", "|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        cells = [_fmt(row[k], k) if not isinstance(row[k], float) or math.isfinite(row[k]) else ""
                 for k in keys]
        lines.append("| " + " | ".join(cells) + " |")
    print(write_markdown(lines, out, "gains.md"))


def growth(out: Path) -> str:
    """How size, time and memory grow, from ``results.csv``: the exponent b of y = a x^b fitted
    by least squares on logs, per resolution, over the cases that ran."""
    import numpy as np

    with open(out / "results.csv", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if not r["error"] and r["variables"]]
    lines = ["## Growth\n",
             "Exponent b of y = a x^b (least squares on logs); memory is peak RSS above the smallest "
             "case's (the interpreter and libraries).\n",
             "| resolution | cases | columns vs firms | symbiosis build+handoff vs columns "
             "| floor build+handoff vs columns | symbiosis memory vs columns | floor memory vs columns |",
             "|---|---|---|---|---|---|---|"]

    def slope(x, y):
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        keep = (x > 0) & (y > 0)
        return float(np.polyfit(np.log(x[keep]), np.log(y[keep]), 1)[0]) if keep.sum() >= 3 else math.nan

    for resolution in dict.fromkeys(r["resolution"] for r in rows):
        group = [r for r in rows if r["resolution"] == resolution]
        if len(group) < 3:
            continue
        def f(key, group=group):
            return [float(r[key]) for r in group]

        cols = f("variables")
        both = [a + b for a, b in zip(f("build_s"), f("handoff_s"), strict=True)]
        floor = [a + b for a, b in zip(f("floor_build_s"), f("floor_handoff_s"), strict=True)]
        mem, fmem = f("peak_mib"), f("floor_peak_mib")
        mem = [m - min(mem) for m in mem]
        fmem = [m - min(fmem) for m in fmem]
        cells = [slope(f("firms"), cols), slope(cols, both), slope(cols, floor), slope(cols, mem),
                 slope(cols, fmem)]
        lines.append(f"| {resolution} | {len(group)} | " + " | ".join(
            "-" if math.isnan(c) else f"{c:.2f}" for c in cells) + " |")
    lines += ["", "With the number of time steps, at one size of park:\n",
              "| firms | cases (steps) | columns vs steps | symbiosis build+handoff vs steps "
              "| floor build+handoff vs steps | symbiosis memory vs steps | floor memory vs steps |",
              "|---|---|---|---|---|---|---|"]
    for firms in sorted({int(r["firms"]) for r in rows}):
        # time-resolved cases only: the annual step has no per-step structure to repeat
        group = sorted((r for r in rows if int(r["firms"]) == firms and int(r["steps"]) > 1),
                       key=lambda r: int(r["steps"]))
        group = list({r["steps"]: r for r in group}.values())  # one case per number of steps
        if len(group) < 3:
            continue
        steps = [float(r["steps"]) for r in group]
        both = [float(r["build_s"]) + float(r["handoff_s"]) for r in group]
        floor = [float(r["floor_build_s"]) + float(r["floor_handoff_s"]) for r in group]
        mem = [float(r["peak_mib"]) for r in group]
        fmem = [float(r["floor_peak_mib"]) for r in group]
        cells = [slope(steps, [float(r["variables"]) for r in group]), slope(steps, both),
                 slope(steps, floor),
                 slope(steps, [m - min(mem) for m in mem]), slope(steps, [m - min(fmem) for m in fmem])]
        lines.append(f"| {firms} | {len(group)} ({', '.join(r['steps'] for r in group)}) | " + " | ".join(
            "-" if math.isnan(c) else f"{c:.2f}" for c in cells) + " |")
    return "\n".join(lines) + "\n"


def add_growth(out: Path) -> str:
    """Write :func:`growth` of ``out/results.csv`` at the end of ``out/results.md`` (in place of
    an earlier one); the growth text."""
    text = growth(out)
    md = out / "results.md"
    body = md.read_text(encoding="utf-8").split("## Growth")[0].rstrip() + "\n\n"
    md.write_text(body + text, encoding="utf-8")
    return text


def check(case: str, work: Path, solve: bool = True) -> bool:
    """Build a case both ways in this process and compare the HiGHS problems entry by entry:
    columns, rows, bounds, costs, offset, integrality and every matrix coefficient."""
    import highspy
    import numpy as np
    import pyomo.environ as pyo
    from floor import build_floor

    import symbiosis.solvers.handoff as sh
    from symbiosis.candidates import find_candidates
    from symbiosis.models import build_model
    from symbiosis.park import load_park
    from symbiosis.problem import to_model_data

    spec = parse_case(case)
    park = load_park(park_folder(work, spec["firms"]))
    data = to_model_data(park, find_candidates(park), time_steps(park, spec["resolution"]))
    model = build_model(data)
    if spec["relax"]:
        pyo.TransformationFactory("core.relax_integer_vars").apply_to(model)
    ours, form = sh.to_arrays(model)
    floor = build_floor(data, relax=spec["relax"])
    problems = []
    if (ours.num_row, ours.num_col, len(ours.value)) != (floor.num_row, floor.num_col, floor.nonzeros):
        problems.append(f"shape {ours.num_row} x {ours.num_col}, {len(ours.value)} nonzeros against the "
                        f"floor's {floor.num_row} x {floor.num_col}, {floor.nonzeros}")
    else:
        for name in ("cost", "lower", "upper", "row_lower", "row_upper"):
            a, b = getattr(ours, name), getattr(floor, name)
            bad = np.flatnonzero(~np.isclose(a, b, rtol=1e-12, atol=1e-9))
            names = [(form.columns if "row" not in name else form.constraints)[i].name
                     for i in bad[:3]]
            if len(bad):
                problems.append(f"{name}: {len(bad)} differ, first {names}")
        if (ours.integer != floor.integer).any():
            problems.append("integrality differs")
        A = sp_csc(ours)
        difference = abs(A - floor.matrix)
        if difference.nnz and difference.max() > 1e-9 * max(1.0, abs(A).max()):
            problems.append(f"matrix: {int((difference > 1e-9).sum())} coefficients differ")
        if not math.isclose(ours.offset, floor.offset, rel_tol=1e-12, abs_tol=1e-6):
            problems.append(f"offset {ours.offset} against {floor.offset}")
        exact = all(np.array_equal(getattr(ours, k), getattr(floor, k))
                    for k in ("cost", "lower", "upper", "row_lower", "row_upper")) and \
            np.array_equal(ours.value, floor.matrix.data) and np.array_equal(ours.index, floor.matrix.indices)
        if not problems:
            print(f"  {'bit for bit' if exact else 'equal to 1e-12 but not bit for bit'}")
    print(f"{case}: {ours.num_row} rows, {ours.num_col} columns, {len(ours.value)} nonzeros; "
          + ("identical to the floor" if not problems else "; ".join(problems)))
    if solve and spec["solve"]:
        objectives = []
        for problem in (ours, floor):
            h = highspy.Highs()
            h.setOptionValue("output_flag", False)
            h.setOptionValue("mip_rel_gap", 1e-6)
            h.setOptionValue("time_limit", 120.0)
            problem.pass_to(h)
            h.run()
            optimal = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
            objectives.append(h.getInfo().objective_function_value if optimal else math.nan)
        print(f"  optimum {objectives[0]:.10g} (symbiosis) and {objectives[1]:.10g} (floor)"
              + ("" if all(map(math.isfinite, objectives)) else ": not both optimal within 120 s"))
        if all(map(math.isfinite, objectives)) and not math.isclose(*objectives, rel_tol=1e-6):
            problems.append("optima differ")
    return not problems


def sp_csc(arrays):
    import scipy.sparse as sp

    return sp.csc_array((arrays.value, arrays.index, arrays.start), shape=(arrays.num_row, arrays.num_col))


def profile(case: str, work: Path, sort: str = "tottime", limit: int = 30) -> None:
    """cProfile of the symbiosis side of a case (build, hand-off, solve, extract)."""
    import cProfile
    import pstats

    spec = parse_case(case)
    spec_run = {"folder": str(park_folder(work, spec["firms"])), "resolution": spec["resolution"],
                "relax": spec["relax"], "gap": 0.01, "time_limit": 600, "side": "symbiosis",
                "solve": spec["solve"]}
    profiler = cProfile.Profile()
    profiler.enable()
    result = worker(spec_run)
    profiler.disable()
    print({k: v for k, v in result.items() if k.endswith("_s")})
    pstats.Stats(profiler).sort_stats(sort).print_stats(limit)


def blocks(case: str, work: Path) -> None:
    """Where build and hand-off time go: each building block of ``build_model`` timed, then the
    standard-form compiler and the arrays, with microseconds per row and column made."""
    import pyomo.environ as pyo

    import symbiosis.models.build as build
    import symbiosis.solvers.handoff as sh
    from symbiosis.candidates import find_candidates
    from symbiosis.park import load_park
    from symbiosis.problem import to_model_data

    spec = parse_case(case)
    park = load_park(park_folder(work, spec["firms"]))
    data = to_model_data(park, find_candidates(park), time_steps(park, spec["resolution"]))
    # building function -> the block it makes
    made = {"add_links": "links", "add_conversion": "conversion", "add_storage": "storage",
            "add_heat_cascade": "heat", "add_balances": "balances", "add_material_shares": "materials",
            "add_partner_limits": "rules", "add_costs": "cost"}
    spent: dict[str, float] = {}

    def timed(name, function):
        def run(m, d):
            clock = time.perf_counter()
            out = function(m, d)
            spent[name] = time.perf_counter() - clock
            return out
        return run

    originals = {n: getattr(build, n) for n in made}
    for n in made:
        setattr(build, n, timed(n, originals[n]))
    try:
        clock = time.perf_counter()
        model = build.build_model(data)
        total = time.perf_counter() - clock
    finally:
        for n, f in originals.items():
            setattr(build, n, f)
    clock = time.perf_counter()
    arrays, _ = sh.to_arrays(model)
    compile_s = time.perf_counter() - clock
    print(f"{case}: {arrays.num_col:,} columns, {arrays.num_row:,} rows, {len(arrays.value):,} nonzeros")
    print("| block | seconds | variables | constraints | us per variable + constraint |")
    print("|---|---|---|---|---|")
    for n, seconds in spent.items():
        block = model.component(made[n])
        if block is None:
            continue
        v = sum(1 for _ in block.component_data_objects(pyo.Var))
        c = sum(1 for _ in block.component_data_objects(pyo.Constraint))
        per = f"{1e6 * seconds / (v + c):.1f}" if v + c else ""
        print(f"| {made[n]} ({n}) | {seconds:.2f} | {v:,} | {c:,} | {per} |")
    print(f"| build_model in all | {total:.2f} | | | |")
    print(f"| to_arrays (compiler + arrays) | {compile_s:.2f} | | | "
          f"{1e6 * compile_s / (arrays.num_col + arrays.num_row):.1f} per column + row; "
          f"{1e6 * compile_s / len(arrays.value):.2f} per nonzero |")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ladder", choices=sorted(LADDERS))
    parser.add_argument("--case", action="append",
                        help="FIRMS:RESOLUTION:lp|milp[:build][@SECONDS], repeatable (50:td8s6:milp@600)")
    parser.add_argument("--out", default=str(HERE / "results"),
                        help="folder of results.csv and results.md (default benchmarks/results, the "
                        "committed tables: replaced only with --force)")
    parser.add_argument("--force", action="store_true", help="replace the tables already in --out")
    parser.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "symbiosis-bench"),
                        help="where generated parks are kept")
    parser.add_argument("--gap", type=float, default=0.01, help="relative MIP gap")
    parser.add_argument("--time-limit", type=float, default=300.0, help="seconds per solve")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per process")
    parser.add_argument("--memory-gib", type=float, default=16.0, help="address-space limit per process")
    parser.add_argument("--profile", help="cProfile the symbiosis side of one case")
    parser.add_argument("--blocks", help="CASE: build and hand-off time by building block")
    parser.add_argument("--growth", action="store_true", help="add the growth exponents to results.md")
    parser.add_argument("--check", action="append", help="CASE: compare the two problems entry by entry")
    parser.add_argument("--gains", action="append", help="CASE: what each speed change gained (repeatable)")
    parser.add_argument("--repeats", type=int, default=3, help="fresh processes per --gains variant")
    parser.add_argument("--jobs", type=int, default=1, help="cases run at a time (each on its own core)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        if args.memory_gib:
            limit = int(args.memory_gib * 2**30)
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        print(json.dumps(worker(json.loads(args.worker))))
        return
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    if args.profile:
        profile(args.profile, work)
        return
    if args.blocks:
        blocks(args.blocks, work)
        return
    if args.growth:
        print(add_growth(Path(args.out)))
        return
    if args.check:
        results = [check(case, work) for case in args.check]
        sys.exit(0 if all(results) else 1)
    if args.gains:
        gains(args.gains, work, Path(args.out), args.repeats, args.timeout)
        return
    cases = LADDERS[args.ladder] if args.ladder else (args.case or [])
    if not cases:
        parser.error("give --ladder or --case")
    try:
        for case in cases:
            parse_case(case)
    except ValueError as exc:
        parser.error(str(exc))
    out = Path(args.out)
    if (out / "results.csv").exists() and not args.force:
        parser.error(f"{out} holds the tables of an earlier run (results.csv, results.md); give "
                     "another --out, or --force to replace them")
    for case in cases:  # every park generated before any timing
        park_folder(work, parse_case(case)["firms"])
    started = time.perf_counter()
    done: dict[int, dict] = {}
    lock = threading.Lock()

    def one(index: int) -> None:
        row = run_case(cases[index], work, args)
        with lock:
            done[index] = row
            write_tables([done[i] for i in sorted(done)], out, machine_note(args))

    # --jobs 2: two cases at a time, each side of a case alone in its own process and the two
    # sides one after the other, so a case's ratios compare like with like.
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        list(pool.map(one, range(len(cases))))
    add_growth(out)
    print(f"{len(done)} cases in {time.perf_counter() - started:.0f} s; tables in {out}")
    print((out / "results.md").read_text())
    failures = failed_cases([done[i] for i in sorted(done)])
    for failure in failures:
        print(f"FAILED {failure}", file=sys.stderr)
    sys.exit(1 if failures else 0)


# Where a case stops on this machine is a finding of the ladder, not a failure of the benchmark.
LIMITS = ("out of memory", "timeout after")


def failed_cases(rows: list[dict]) -> list[str]:
    """Cases whose two sides did not hand HiGHS the same problem or reach the same optimum, or
    that failed for a reason other than this machine's limits."""
    failures = []
    for row in rows:
        if row.get("error"):
            if not all(any(limit in part for limit in LIMITS) for part in row["error"].split("; ")):
                failures.append(f"{row['case']}: {row['error']}")
        elif row.get("same_problem") is False:
            failures.append(f"{row['case']}: symbiosis and the floor handed HiGHS different problems "
                            "(run.py --check CASE says where)")
        elif row.get("same_optimum") == "NO":
            failures.append(f"{row['case']}: optimum {row['objective']:.10g} against the floor's "
                            f"{row['floor_objective']:.10g}")
    return failures


if __name__ == "__main__":
    main()
