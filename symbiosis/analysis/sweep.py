"""Scenario sweeps on Dask: many runs of one park, gathered into one tidy table.

A sweep crosses scenarios with a grid of overrides: every scenario (``None`` is the park as
it is) with every combination of the grid's values (a full cartesian product). A grid value
is a list of values, or a range ``START..STOP:STEP`` with an optional unit after it:

    park.carbon_price: "500..2000:250 NOK/t"    -> 500 NOK/t, 750 NOK/t, ..., 2000 NOK/t
    park.carbon_price: "500..2000:250"          -> the same: the unit of the park's own value
    park.routing_factor: "1.2..1.5:0.1"         -> 1.2, 1.3, 1.4, 1.5 (a plain number stays one)

STOP is included when the steps land on it; the arithmetic is decimal, so 0.1 steps stay exact.

Each run is one task on a Dask cluster: a local one by default (``LocalCluster`` with two
worker processes, one thread each), or any cluster by its scheduler address. Neighbouring runs
differ in one value, so their answers are alike: the runs are cut into as many chains as the
cluster has threads, and each run of a chain starts from the design its predecessor built
(``optimize(start=...)``; six carbon prices on a 35-firm park: 150 s -> 34 s, the same answers
within the gap, ``benchmarks/results/sweep.md``). Workers get the
park's PATH, the scenario and the overrides, and load the park themselves (a ``Park`` holds
read-only mappings that need not pickle); symbiosis must be installed on every worker. A run
that fails (bad data, no solution, a worker lost) is a row with its status and error
message; the others go on.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from symbiosis.analysis.common import KEY_COLUMNS, key_text, link_key, records
from symbiosis.park import Park
from symbiosis.results.result import atomic_write, json_value, refuse_to_replace, write_csv
from symbiosis.units import UnitProblem, split_number, unit_written

if TYPE_CHECKING:
    from matplotlib.figure import Figure

SWEEP_FILES = ("runs.csv", "exchanges.csv", "sweep.png", "sweep.json")  # as written: sweep.json last
RUN_COLUMNS = ["run", "scenario", "overrides", "status", "total_cost", "baseline_cost", "saving", "emissions",
               "co2_avoided", "investment", "gap", "bound", "exchanges", "built", "start", "solve_s", "error"]
EXCHANGE_COLUMNS = [*KEY_COLUMNS, "carrier", "built_in", "runs", "robustness", "saving_min", "saving_max",
                    "capacity_min", "capacity_max", "capacity_unit"]
NUMBER = r"[-+]?(?:\d+[.,]?\d*|[.,]\d+)(?:[eE][-+]?\d+)?"  # a decimal point or comma, as in park files
RANGE = re.compile(rf"^\s*(?P<start>{NUMBER})\s*\.\.\s*(?P<stop>{NUMBER})\s*:\s*(?P<step>{NUMBER})"
                   r"\s*(?P<unit>.*?)\s*$")
MAX_VALUES = 10_000
# A local cluster: two worker processes of one thread each (HiGHS runs one solve per process).
LOCAL_WORKERS = 2

RunDone = Callable[[int, int, dict[str, Any]], None]


@dataclass(frozen=True)
class SweepResult:
    """What a sweep found.

    Attributes
    ----------
    runs
        One row a run: ``run``, ``scenario`` ('' for the park as it is), ``overrides``
        (``key=value; ...``), one column per grid key, ``status`` (the solver's, or ``failed``),
        ``total_cost``, ``baseline_cost``, ``saving``, ``emissions``, ``co2_avoided``,
        ``investment``, ``exchanges`` (how many proposed: links running today are not
        counted, nor listed in ``exchanges`` below), ``built`` (those proposed exchanges,
        ``from.stream -> to.stream (technology)`` joined by ``; ``), ``start`` (``design`` when the run
        started from its neighbour's design, ``relaxation`` or '' otherwise), ``solve_s``
        (seconds in the solver) and ``error`` (for a run without a solution: why, as
        ``optimize`` explains it, such as the rule or balance that makes the park infeasible).
    exchanges
        One row an exchange built in at least one run (by from, to and technology):
        ``built_in`` runs of ``runs`` with a solution, ``robustness`` (the share), the least and
        largest ``saving`` and ``capacity`` where it is built; most robust first.
    about
        What was swept: ``park``, ``currency``, ``objective``, ``solver``, ``time_limit``,
        ``gap``, ``scenarios`` and ``grid``.
    """

    runs: pd.DataFrame
    exchanges: pd.DataFrame
    about: dict[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> pd.DataFrame:
        """The runs without a solution: not loaded (``failed``), infeasible, stopped before an answer."""
        return self.runs[~self.runs["status"].isin(["optimal", "time_limit"]) | self.runs["saving"].isna()]

    def to_dict(self) -> dict[str, Any]:
        return {**{key: json_value(value) if not isinstance(value, list | dict) else value
                   for key, value in self.about.items()},
                "runs": records(self.runs), "exchanges": records(self.exchanges)}

    def plot(self) -> Figure:
        """Saving and CO2 avoided across the runs, and each exchange's robustness (:func:`plot_sweep`)."""
        from symbiosis.analysis.sweep_plot import plot_sweep

        return plot_sweep(self)

    def save(self, folder: str | Path, *, overwrite: bool = False) -> Path:
        """Write ``runs.csv``, ``exchanges.csv``, ``sweep.png`` and ``sweep.json`` (last: it marks a
        complete sweep) into ``folder``, as ``symbiosis sweep --out`` does; refuses to replace any of
        them already there unless ``overwrite``."""
        folder = Path(folder)
        refuse_to_replace(folder, SWEEP_FILES, overwrite=overwrite, saver="SweepResult.save")
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write(folder / "runs.csv", write_csv(self.runs))
        atomic_write(folder / "exchanges.csv", write_csv(self.exchanges))
        atomic_write(folder / "sweep.png", lambda path: self.plot().savefig(path, dpi=120, format="png"))
        document = json.dumps(self.to_dict(), indent=2)
        atomic_write(folder / "sweep.json", lambda path: Path(path).write_text(document, encoding="utf-8"))
        return folder

    def __repr__(self) -> str:
        ok = len(self.runs) - len(self.failed)
        return (f"SweepResult({len(self.runs)} runs, {ok} with a solution, {len(self.failed)} failed, "
                f"{len(self.exchanges)} exchanges built somewhere)")


def grid_values(text: Any, *, unit_of: str | None = None) -> list[Any]:
    """The values of one grid entry: a range ``START..STOP:STEP [unit]``, or one value.

    ``unit_of`` is the unit to put after a range written without one (the park's own).
    """
    if isinstance(text, list | tuple):
        return list(text)
    if not isinstance(text, str):
        return [text]
    match = RANGE.match(text)
    if match is None:
        if ".." in text:
            raise ValueError(f"'{text}' is no range: write START..STOP:STEP with an optional unit, "
                             "e.g. 500..2000:250 NOK/t")
        return [text]
    try:
        start, stop, step = (_decimal(match[name]) for name in ("start", "stop", "step"))
    except (InvalidOperation, UnitProblem) as exc:
        why = f" ({exc.hint})" if isinstance(exc, UnitProblem) else ""
        raise ValueError(f"'{text}': START, STOP and STEP must be numbers{why}") from None
    if step <= 0:
        raise ValueError(f"'{text}': STEP must be positive")
    if stop < start:
        raise ValueError(f"'{text}': STOP is below START")
    count = int((stop - start) / step) + 1
    if count > MAX_VALUES:
        raise ValueError(f"'{text}' gives {count} values; at most {MAX_VALUES}")
    unit = match["unit"] or unit_of
    values = [start + k * step for k in range(count)]
    if unit:
        return [f"{_decimal_text(value)} {unit}" for value in values]
    return [int(value) if value == value.to_integral_value() else float(value) for value in values]


def _decimal(written: str) -> Decimal:
    """A number of a range as park files read it (``499,5``), exactly; ``1,000`` is refused as there."""
    split = split_number(written, "a number")
    if split is None:
        raise InvalidOperation(written)
    return Decimal(repr(split[0]))


def _decimal_text(value: Decimal) -> str:
    return format(value.normalize(), "f")


def park_unit(park_path: str | Path, key: str) -> str | None:
    """The unit of the value at ``key`` (``park.carbon_price``) in the park file, if it has one;
    None for a percentage, whose bare numbers are shares as anywhere (an audit: ``0.05..0.08:0.01``
    on a ``7 %`` ran 0.05 % to 0.08 %, where ``--set park.discount_rate=0.05`` is 5 %)."""
    from ruamel.yaml import YAML

    path = Path(park_path)
    path = path / "park.yaml" if path.is_dir() else path
    try:
        node: Any = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    except Exception:  # the workers will report a broken park file; a unit is only a convenience
        return None
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    unit = unit_written(node) if isinstance(node, str) else ""
    return unit if unit and unit.strip() not in ("%", "percent") else None


MAX_RUNS = 10_000
"""Most runs one sweep's grid may make (before its scenarios multiply them): a grid of two ranges
of 10,000 values was 10^8 runs, and the command's memory ran away before any started (an audit)."""


def expand_grid(park_path: str | Path, grid: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """Every combination of the grid's values (one empty combination for no grid); more than
    :data:`MAX_RUNS` combinations are refused before they are made."""
    keys = list(grid or {})
    choices = [grid_values(grid[key], unit_of=park_unit(park_path, key)) for key in keys]  # type: ignore[index]
    runs = math.prod(len(values) for values in choices)
    if runs > MAX_RUNS:
        sizes = " x ".join(f"{len(values):,} ({key})" for key, values in zip(keys, choices, strict=True))
        raise ValueError(f"the grid makes {runs:,} runs ({sizes}), more than {MAX_RUNS:,}: take larger "
                         "steps, or split the sweep")
    return [dict(zip(keys, combination, strict=True)) for combination in itertools.product(*choices)]


def _folder_of(park: str | Path | Park) -> Path:
    """Where the workers read the park: a folder (or its park.yaml) as given, or the folder a
    loaded Park came from, if it is the folder's own base case (a scenario or override would be
    lost on the way: give them as ``scenarios`` and ``grid``)."""
    if not isinstance(park, Park):
        return Path(park)
    if park.folder is None:
        raise ValueError("this Park was not loaded from a folder; give sweep the park's folder")
    if park.scenario is not None or park.overrides:
        raise ValueError(f"sweep reads the park from its folder on each worker, so give it "
                         f"{str(park.folder)!r} with scenarios=[{park.scenario!r}] and the overrides as grid "
                         "values, not a Park loaded with them")
    if not park.as_loaded:
        raise ValueError("sweep reads the park from its folder on each worker, so a Park changed in memory "
                         "(dataclasses.replace) would be lost on the way: write the change as a grid value "
                         "(grid={'park.carbon_price': '2000 NOK/t'}) or into a scenario file")
    return park.folder


def sweep(
    park_path: str | Path | Park,
    scenarios: Sequence[str | None] | None = None,
    grid: Mapping[str, Any] | None = None,
    *,
    client: Any = None,
    scheduler: str | None = None,
    objective: str = "cost",
    solver: str = "highs",
    time_limit: float | None = None,
    gap: float = 1e-4,
    on_run: RunDone | None = None,
    warm_start: bool = True,
    check_memory: bool = True,
) -> SweepResult:
    """Run every scenario with every combination of the grid on Dask, and gather the answers.

    Parameters
    ----------
    park_path
        The park folder (or its ``park.yaml``, or a Park loaded from it without a scenario or
        overrides); every worker must be able to read it.
    scenarios
        Scenario names (``scenarios/NAME.yaml``); ``None`` in the list is the park as it is.
        Default: only the park as it is.
    grid
        ``{"park.carbon_price": "500..2000:250 NOK/t", "routes.grid.price": ["0.4 NOK/kWh", ...]}``.
    client
        A ``dask.distributed.Client`` to use (left open). Without it, one is made for the sweep
        and closed after: connected to ``scheduler`` (``tcp://host:8786``) when given, else a
        ``LocalCluster`` of two worker processes.
    objective, solver, time_limit, gap
        As for :func:`symbiosis.optimize`, for every run.
    on_run
        Called as each run ends, in the order they end: ``on_run(done, total, row)``.
    warm_start
        Start each run from the design of the run before it in its chain (see above); the
        answers are the same within the gap, the time is not. ``False``: every run on its own.
    check_memory
        Refuse (``ModelTooLarge``, before the cluster starts) a run whose model would not fit
        in memory, as :func:`symbiosis.optimize` does; ``False`` builds it anyway.
    """
    _check_sweep(park_path, scenarios, grid, client, objective, solver, time_limit, gap)
    path = str(_folder_of(park_path).resolve())
    if not Path(path).exists():
        raise FileNotFoundError(f"no park at {park_path}")
    combinations = expand_grid(path, grid)
    chosen = list(scenarios) if scenarios else [None]
    park = check_plan(path, chosen, combinations, check_memory=check_memory)
    for message in shadowed_settings(path, chosen, grid):
        warnings.warn(message, ShadowedSetting, stacklevel=2)
    plan = [(scenario, overrides) for scenario in chosen for overrides in combinations]
    options = {"objective": objective, "solver": solver, "time_limit": time_limit, "gap": gap,
               "check_memory": check_memory}
    with _Cluster(client, scheduler) as dask_client:
        chains = sum(dask_client.nthreads().values()) if warm_start else len(plan)
        answers = _run_all(dask_client, path, plan, options, on_run, chains)
    runs = pd.DataFrame([answer["row"] for answer in answers])
    keys = list(grid or {})
    for key in keys:
        runs[key] = [overrides.get(key) for _, overrides in plan]
    runs = runs[RUN_COLUMNS[:3] + keys + RUN_COLUMNS[3:]]
    runs["exchanges"] = runs["exchanges"].astype("Int64")  # a count, also beside a failed run's none
    about = {"park": park.name, "currency": park.currency, "objective": objective, "solver": solver,
             "time_limit": time_limit, "gap": gap, "scenarios": [name or "" for name in chosen],
             "grid": {key: str(value) for key, value in (grid or {}).items()}}
    return SweepResult(runs=runs, exchanges=_robustness(answers), about=about)


def _check_sweep(park_path: object, scenarios: object, grid: object, client: object, objective: object,
                 solver: object, time_limit: object, gap: object) -> None:
    """Refuse what no run can mean before the cluster starts (found by an audit: a negative time
    limit or a misspelt solver started Dask and failed every run; a scenario name given as text
    was split into letters)."""
    from symbiosis.optimization import check_goal
    from symbiosis.solvers import check_available

    if not isinstance(park_path, str | Path | Park):
        raise TypeError(f"sweep expects a park folder (or a Park loaded from one), not "
                        f"{type(park_path).__name__} {park_path!r:.60}")
    if isinstance(scenarios, str) or not (scenarios is None or isinstance(scenarios, Sequence)):
        raise TypeError(f"scenarios must be a list of scenario names, e.g. [{scenarios!r:.40}], not "
                        f"{type(scenarios).__name__} {scenarios!r:.60}")
    if grid is not None and not isinstance(grid, Mapping):
        raise TypeError(f"grid must map keys to values or ranges, e.g. {{'park.carbon_price': "
                        f"'500..2000:250 NOK/t'}}, not {type(grid).__name__} {grid!r:.60}")
    if client is not None and not hasattr(client, "nthreads"):
        raise TypeError(f"client must be a dask.distributed.Client, not {type(client).__name__} "
                        f"{client!r:.60}; give a scheduler's address as scheduler='tcp://host:8786'")
    check_goal(objective, time_limit, gap)
    if not isinstance(solver, str):
        raise TypeError(f"solver must be a solver's name, such as 'highs', not {solver!r:.60}")
    check_available(solver)


class ShadowedSetting(UserWarning):
    """A key that both a scenario and the grid set: the grid's value wins in every run."""


def shadowed_settings(path: str | Path, scenarios: Sequence[str | None], grid: dict[str, Any] | None
                      ) -> list[str]:
    """A sentence for each scenario that sets a key the grid sweeps: the grid is applied over the
    scenario, so that scenario's own value of the key is in none of its runs (its runs with
    ``high_carbon_price`` and a carbon-price grid are the base case's)."""
    from symbiosis.park.load import scenario_keys

    folder = Path(path)
    folder = folder.parent if folder.is_file() else folder  # its park.yaml
    swept = list(grid or {})
    messages = []
    for scenario in (name for name in scenarios if name is not None):
        both = [key for key in scenario_keys(folder, scenario) for g in swept
                if key == g or key.startswith(f"{g}.") or g.startswith(f"{key}.")]
        if both:
            messages.append(f"scenario '{scenario}' sets {', '.join(both)}, which the grid also sets: the "
                            "grid's values replace the scenario's in all its runs; leave the key out of the "
                            "grid to keep the scenario's")
    return messages


def check_plan(path: str, scenarios: Sequence[str | None], combinations: Sequence[dict[str, Any]], *,
               check_memory: bool = True) -> Park:
    """Load the park with each scenario at the grid's first and last combination before any
    run: a misspelt key, a wrong unit or a missing scenario raises its ``ParkError`` here, not as
    a failed row in every run after the cluster has started. So does a model too large for
    memory (``ModelTooLarge``), checked at those ends and at the first combination of each time
    resolution the grid sweeps. The first park loaded is returned (its name and currency)."""
    from symbiosis.optimization import check_memory_of
    from symbiosis.park import load_park

    ends = [combinations[0], combinations[-1]] if len(combinations) > 1 else list(combinations)
    times = {str(overrides.get("park.time")): overrides for overrides in reversed(combinations)}
    first = None
    for scenario in scenarios:
        for overrides in [*ends, *times.values()]:
            park = load_park(path, scenario=scenario, overrides=overrides)
            first = first or park
            if check_memory:
                check_memory_of(park)
    return first


class _Cluster:
    """The given client, or one made (and closed) for the sweep."""

    def __init__(self, client: Any, scheduler: str | None) -> None:
        self.given, self.scheduler = client, scheduler
        self.made: list[Any] = []

    def __enter__(self) -> Any:
        if self.given is not None:
            return self.given
        from dask.distributed import Client, LocalCluster

        if self.scheduler:
            client = Client(self.scheduler)
        else:
            cluster = LocalCluster(n_workers=LOCAL_WORKERS, threads_per_worker=1, processes=True,
                                   dashboard_address=":0")  # any free port: two sweeps may run at once
            self.made.append(cluster)
            client = Client(cluster)
        self.made.insert(0, client)
        return client

    def __exit__(self, *exc: object) -> None:
        for thing in self.made:
            thing.close()


def chains_of(count: int, chains: int) -> list[range]:
    """Runs 0 .. count-1 cut into at most ``chains`` consecutive stretches of near-equal length."""
    chains = max(1, min(chains, count))
    bounds = [round(k * count / chains) for k in range(chains + 1)]
    return [range(bounds[k], bounds[k + 1]) for k in range(chains)]


def _run_all(client: Any, path: str, plan: list[tuple[str | None, dict[str, Any]]], options: dict[str, Any],
             on_run: RunDone | None, chains: int) -> list[dict[str, Any]]:
    from dask.distributed import as_completed

    futures = {}
    for chain in chains_of(len(plan), chains):
        previous = None  # a run's future: Dask hands its answer to the next run of the chain
        for index in chain:
            scenario, overrides = plan[index]
            previous = client.submit(run_one, path, scenario, overrides, options, previous, pure=False)
            futures[previous] = index
    answers: list[dict[str, Any] | None] = [None] * len(plan)
    for done, future in enumerate(as_completed(futures), start=1):
        index = futures[future]
        scenario, overrides = plan[index]
        try:
            answer = future.result()
        except Exception as exc:  # the task itself was lost (a worker died): report it, keep the rest
            answer = _failed(scenario, overrides, f"{type(exc).__name__}: {exc}")
        answer["row"]["run"] = index
        answers[index] = answer
        if on_run is not None:
            on_run(done, len(plan), answer["row"])
    return [answer for answer in answers if answer is not None]


def run_one(path: str, scenario: str | None, overrides: dict[str, Any],
            options: dict[str, Any], previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """One run, on a worker: load the park, solve (from the ``previous`` answer's design when
    it has one), and return plain rows (never raises)."""
    from symbiosis.optimization import optimize
    from symbiosis.park import load_park

    start = previous["design"] if previous and previous.get("solved") else "auto"
    try:
        park = load_park(path, scenario=scenario, overrides=overrides)
        result = optimize(park, objective=options["objective"], solver=options["solver"],
                          time_limit=options["time_limit"], gap=options["gap"], start=start,
                          check_memory=options.get("check_memory", True), keep_on_interrupt=False)
    except Exception as exc:
        return _failed(scenario, overrides, _message(exc))
    s = result.summary
    why = result.why_no_solution_text or str(s.get("solver_message", "") or result.status)
    proposed = result.exchanges[~result.exchanges["existing"].astype(bool)]
    row = {"run": -1, "scenario": scenario or "", "overrides": _overrides_text(overrides),
           "status": result.status, "error": "" if result.has_solution else why,
           **{key: json_value(s.get(key)) for key in ("total_cost", "baseline_cost", "saving", "emissions",
                                                 "co2_avoided", "investment", "gap", "bound")},
           "exchanges": len(proposed) if result.has_solution else None,
           "built": "; ".join(key_text(link_key(row)) for _, row in proposed.iterrows())
           if result.has_solution else None, "start": s.get("start_source", ""),
           "solve_s": json_value(s.get("solve_s"))}
    exchanges = records(proposed[[*KEY_COLUMNS, "carrier", "saving", "capacity", "capacity_unit"]]) \
        if result.has_solution else []
    design = sorted(result.exchanges["id"]) if result.has_solution else []
    return {"row": row, "exchanges": exchanges, "solved": result.has_solution, "design": design}


def _failed(scenario: str | None, overrides: dict[str, Any], message: str) -> dict[str, Any]:
    row = {"run": -1, "scenario": scenario or "", "overrides": _overrides_text(overrides), "status": "failed",
           "error": message, "total_cost": None, "baseline_cost": None, "saving": None, "emissions": None,
           "co2_avoided": None, "investment": None, "gap": None, "bound": None, "exchanges": None,
           "built": None, "start": "", "solve_s": None}
    return {"row": row, "exchanges": [], "solved": False}


def _message(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if type(exc).__name__ in ("ParkError", "AuditError") else f"{type(exc).__name__}: {text}"


def _overrides_text(overrides: Mapping[str, Any]) -> str:
    return "; ".join(f"{key}={value}" for key, value in overrides.items())


def _robustness(answers: Iterable[dict[str, Any]]) -> pd.DataFrame:
    answers = list(answers)
    solved = sum(1 for answer in answers if answer["solved"])
    found: dict[tuple, dict[str, Any]] = {}
    for answer in answers:
        for exchange in answer["exchanges"]:
            key = link_key(exchange)
            entry = found.setdefault(key, {**dict(zip(KEY_COLUMNS, key, strict=True)),
                                           "carrier": exchange["carrier"],
                                           "capacity_unit": exchange["capacity_unit"], "savings": [],
                                           "capacities": []})
            entry["savings"].append(exchange["saving"])
            entry["capacities"].append(exchange["capacity"])
    rows = [{**{k: v for k, v in entry.items() if k not in ("savings", "capacities")},
             "built_in": len(entry["savings"]), "runs": solved,
             "robustness": len(entry["savings"]) / solved if solved else float("nan"),
             "saving_min": min(entry["savings"]), "saving_max": max(entry["savings"]),
             "capacity_min": min(entry["capacities"]), "capacity_max": max(entry["capacities"])}
            for entry in found.values()]
    frame = pd.DataFrame(rows, columns=EXCHANGE_COLUMNS)
    return frame.sort_values(["built_in", "saving_max"], ascending=[False, False], kind="stable") \
        .reset_index(drop=True)
