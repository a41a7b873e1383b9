"""``Result``: frozen pandas tables of one optimisation, with export and load.

Units (the JSON contract of DESIGN section 2): energy MWh per year, power MW,
mass t per year (rates t/h), money the park's currency per year, emissions
t CO2 per year.
"""

from __future__ import annotations

import ast
import hashlib
import json
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:  # figures load matplotlib only when asked for
    from symbiosis.report.plots import PlotAccessor

TABLES = ("exchanges", "firms", "routes", "flows", "candidates", "values")
# The exchanges' columns a notebook shows (``Result._repr_html_``).
NOTEBOOK_EXCHANGE_COLUMNS = ["id", "kind", "from_firm", "from_stream", "to_firm", "to_stream", "carrier",
                             "technology", "capacity", "capacity_unit", "annual_amount", "amount_unit",
                             "investment", "saving", "co2_avoided", "payback_years"]
_TEXT, _NUMBER = "str", "float64"
EXCHANGE_COLUMNS = {
    **dict.fromkeys(
        ["id", "from_firm", "from_stream", "to_firm", "to_stream", "carrier", "technology", "kind"], _TEXT),
    "capacity": _NUMBER, "capacity_unit": _TEXT, "annual_amount": _NUMBER, "amount_unit": _TEXT,
    "annual_taken": _NUMBER, "taken_unit": _TEXT,
    **dict.fromkeys(["length_km", "cop", "investment", "annual_cost", "electricity", "electricity_cost",
                     "avoided_cost", "saving", "co2_avoided", "transport_emissions", "payback_years"],
                    _NUMBER),
    "existing": "bool", "transfer": _NUMBER, "transfer_price": _NUMBER,
}
"""The exchanges table's columns and their dtypes (``dual_price`` follows), whether or not anything
is built: a result with no exchange keeps its numbers float, so many runs' tables concatenate."""
FLOW_COLUMNS = {"id": _TEXT, "step": "int64", "hours": _NUMBER, "taken": _NUMBER, "delivered": _NUMBER}
ROUTE_COLUMNS = {"route": _TEXT, "carrier": _TEXT, "annual_amount": _NUMBER, "amount_unit": _TEXT,
                 "annual_cost": _NUMBER, "emissions": _NUMBER, "price": _NUMBER, "emission_factor": _NUMBER}
_SCHEMAS = {"exchanges": EXCHANGE_COLUMNS | {"dual_price": _NUMBER}, "flows": FLOW_COLUMNS,
            "routes": ROUTE_COLUMNS}


def typed_table(rows: list, columns: dict[str, str]) -> pd.DataFrame:
    """A table of these columns and dtypes, also when it has no rows."""
    return pd.DataFrame(rows, columns=list(columns)).astype(columns)


# Kinds of ``exchanges`` rows that are no link between two sites: a store, a hub's unit.
NOT_LINKS = ("storage", "electrolyser", "heat_pump_hub")
# What a link connects, by which technology: with ``existing`` it names one link whatever its id
# (an existing link and a new one laid beside it share these five).
LINK_KEY = ("from_firm", "from_stream", "to_firm", "to_stream", "technology")


def link_identity(row: Any) -> tuple:
    """One link whatever its id: what it connects (:data:`LINK_KEY`) and whether it is the
    existing link. ``row`` is a row of ``exchanges`` (``existing``) or of the candidates
    (``existing_capacity``), as a namedtuple or a Series."""
    existing = getattr(row, "existing", None)
    if existing is None:
        existing = getattr(row, "existing_capacity", 0.0) > 0
    return (*(str(getattr(row, column)) for column in LINK_KEY), bool(existing))
# Every file ``Result.save`` writes, in the order it moves them into place: result.json last.
SAVED_FILES = (*(f"{name}.csv" for name in TABLES), "result.xlsx", "result.json")
# Data rows an Excel sheet holds (1,048,576 rows less the header): an hourly table of 120
# streams (values) or links (flows) is longer, and goes on over sheets values_2, values_3 ...
EXCEL_ROWS = 1_048_575
CONTRACT_EXCHANGE = [
    "from_firm",
    "from_stream",
    "to_firm",
    "to_stream",
    "carrier",
    "technology",
    "capacity",
    "capacity_unit",
    "annual_amount",
    "amount_unit",
    "investment",
    "annual_cost",
]
CONTRACT_ROUTE = ["route", "annual_amount", "amount_unit", "annual_cost"]
CONTRACT_FIRM = ["firm", "baseline_cost", "total_cost", "saving"]
# What a saved result must hold to be read back: the contract's columns and what reports rank by.
REQUIRED_COLUMNS = {"exchanges": [*CONTRACT_EXCHANGE, "id", "kind", "saving"], "firms": CONTRACT_FIRM,
                    "routes": [*CONTRACT_ROUTE, "carrier"], "flows": [], "candidates": []}


class ResultFileError(ValueError):
    """A result folder that is not as :meth:`Result.save` wrote it (edited, cut short, or another
    program's); the message names the file."""

    def __init__(self, problem: str, fix: str = "not as symbiosis wrote it; write the result again "
                 "(symbiosis optimize PARK --out DIR)") -> None:
        super().__init__(f"{problem}: {fix}")


@dataclass(frozen=True)
class Result:
    """What one optimisation found; nothing here needs a live Pyomo model.

    Attributes
    ----------
    exchanges
        One row a built link, ranked by net annual benefit (``saving``), with capacity,
        annual amount, investment, annual cost, CO2 avoided and payback.
    firms
        Each firm's annual cost and emissions without and with the exchanges.
    routes
        What each route still buys or disposes of per year, its cost and emissions.
    flows
        Flow of every built link in every time step (``taken`` and ``delivered`` rates).
    candidates
        Every candidate link, with ``built`` and ``capacity``.
    summary
        Totals, objective, status, gap, times and sizes.
    values
        What each stream is worth to the park per MWh or t, in each time step (dual prices
        of the balances with the build decisions fixed): for a supply what one more unit
        would save, for a demand what one unit less would save.

    ``result.plot.map(park)``, ``.sankey()``, ``.savings()`` and ``.pareto(front)`` draw it;
    :meth:`save` and :meth:`load` write and read it back; :meth:`to_dict` is the JSON contract.
    """

    exchanges: pd.DataFrame
    firms: pd.DataFrame
    routes: pd.DataFrame
    flows: pd.DataFrame
    candidates: pd.DataFrame
    summary: pd.Series
    values: pd.DataFrame = field(default_factory=pd.DataFrame)

    # -- headline figures -------------------------------------------------------------
    @property
    def status(self) -> str:
        return str(self.summary["status"])

    @property
    def has_solution(self) -> bool:
        """Whether the solver found a solution (optimal, or the best within the time limit)."""
        return self.status in ("optimal", "time_limit") and math.isfinite(self.total_cost)

    @property
    def why_no_solution(self) -> list[str]:
        """Why there is no answer, one sentence each ([] when there is one): Ctrl-C or the time
        limit ended the solve first, or what makes the park infeasible (an emissions cap below
        the least the park can emit, a demand no route or link can meet)."""
        if self.has_solution:
            return []
        from symbiosis.solvers.status import STOPPED_MESSAGE

        s = self.summary
        reasons = []
        if s.get("solver_message") == STOPPED_MESSAGE:
            reasons.append("Ctrl-C stopped the solve before any solution was found")
        elif self.status == "time_limit":
            reasons.append("the time limit ended the solve before any solution was found; allow more time "
                           "(--time-limit SECONDS; time_limit= in Python)")
        bound = s.get("bound", math.nan)
        if self.status == "time_limit" and s.get("objective_kind") == "cost" and math.isfinite(bound):
            source = str(s.get("bound_source") or "the solver")
            source = f"the bound of {source}" if " " in source else f"{source}'s bound"
            currency = s.get("currency", "")
            reasons.append(f"the least cost is at least {bound:,.0f} {currency} a year ({source})")
        explained = s.get("infeasibility")
        reasons += [str(sentence) for sentence in explained] if isinstance(explained, list | tuple) else []
        return reasons

    @property
    def why_no_solution_text(self) -> str:
        """The reasons of `why_no_solution` as sentences ('' when there is an answer)."""
        return " ".join(f"{sentence[0].upper()}{sentence[1:]}." for sentence in self.why_no_solution)

    @property
    def saving(self) -> float:
        return float(self.summary["saving"])

    @property
    def running_today(self) -> int:
        """How many of the exchanges are existing links (running today, so no proposal)."""
        table = self.exchanges
        return int(table["existing"].astype(bool).sum()) if len(table) and "existing" in table.columns else 0

    @property
    def proposed(self) -> int:
        """How many of the exchanges are proposals: those not running today."""
        return len(self.exchanges) - self.running_today

    @property
    def worse_off(self) -> pd.DataFrame:
        """Firms whose saving under the half-and-half split is a loss of half a currency unit or
        more a year (an exchange they have today carries less, or a hub link costs them more than
        their half of it saves): ``firm``, ``name``, ``saving``."""
        firms = self.firms
        if firms.empty or "saving" not in firms.columns:
            return firms.iloc[0:0]
        return firms.loc[pd.to_numeric(firms["saving"], errors="coerce") <= -0.5, ["firm", "name", "saving"]]

    @property
    def plot(self) -> PlotAccessor:
        """Figures: ``result.plot.map(park)``, ``.sankey()``, ``.savings()``, ``.pareto(frame)``."""
        from symbiosis.report.plots import PlotAccessor

        return PlotAccessor(self)

    def solved_from(self, *fingerprints: str | None) -> bool:
        """Whether this result was solved from park data with one of ``fingerprints`` (the park
        files with their scenario and overrides; a park has two: ``Park.has_fingerprint``); True
        when either side has none recorded."""
        made_from = str(self.summary.get("fingerprint", "") or "")
        known = [fingerprint for fingerprint in fingerprints if fingerprint]
        return not (made_from and known and made_from not in known)

    @property
    def total_cost(self) -> float:
        return float(self.summary["total_cost"])

    def __repr__(self) -> str:
        s = self.summary
        return (
            f"Result({s['park']!r}: {s['status']}, {len(self.exchanges)} exchange"
            f"{'' if len(self.exchanges) == 1 else 's'}, saving "
            f"{s['saving']:,.0f} {s['currency']}/year, emissions {s['baseline_emissions']:,.0f}"
            f" -> {s['emissions']:,.0f} t CO2/year)"
        )

    def _repr_html_(self) -> str:
        """The result as a notebook shows it: the headline and the exchanges (the whole tables
        stay ``result.exchanges``, ``result.firms`` and the rest)."""
        import html

        from symbiosis.report.numbers import number  # the report's way with figures

        s = self.summary
        currency = html.escape(str(s.get("currency", "")))
        scenario = f" ({html.escape(str(s['scenario']))})" if s.get("scenario") else ""
        title = f"<h4>{html.escape(str(s.get('park', '')))}{scenario}: {html.escape(self.status)}</h4>"
        if not self.has_solution:
            return f"{title}<p>{html.escape(self.why_no_solution_text)}</p>"
        gap = s.get("gap", math.nan)
        headline = {
            "cost per year": f"{s['baseline_cost']:,.0f} &rarr; {s['total_cost']:,.0f} {currency}",
            "saving per year": f"{s['saving']:,.0f} {currency}",
            "emissions per year": f"{s['baseline_emissions']:,.0f} &rarr; {s['emissions']:,.0f} t CO2",
            "investment": f"{s.get('investment', 0.0):,.0f} {currency}",
            "gap from the bound": f"{gap:.2%}" if math.isfinite(gap) else "",
        }
        rows = "".join(f"<tr><th style='text-align:left'>{name}</th><td>{value}</td></tr>"
                       for name, value in headline.items())
        if self.exchanges.empty:
            return f"{title}<table>{rows}</table><p>No exchange pays in this park.</p>"
        shown = [column for column in NOTEBOOK_EXCHANGE_COLUMNS if column in self.exchanges.columns]
        exchanges = self.exchanges[shown].to_html(index=False, na_rep="", formatters={
            column: number for column in shown if self.exchanges[column].dtype.kind == "f"})
        return f"{title}<table>{rows}</table>{exchanges}"

    # -- the JSON contract --------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The output contract of ``symbiosis optimize --json`` (DESIGN section 2), plus extras."""
        s = self.summary
        data: dict[str, Any] = {
            key: json_value(s.get(key))
            for key in (
                "status",
                "objective",
                "total_cost",
                "baseline_cost",
                "saving",
                "emissions",
                "baseline_emissions",
                "currency",
                "audit",
                "objective_kind",
                "infeasibility",
            )
        }
        data["exchanges"] = json_records(
            self.exchanges,
            CONTRACT_EXCHANGE
            + [
                "id",
                "kind",
                "annual_taken",
                "taken_unit",
                "length_km",
                "cop",
                "electricity",
                "electricity_cost",
                "avoided_cost",
                "saving",
                "co2_avoided",
                "transport_emissions",
                "payback_years",
                "existing",
                "transfer",
                "transfer_price",
                "dual_price",
            ],
        )
        data["routes"] = json_records(self.routes, CONTRACT_ROUTE + ["carrier", "emissions"])
        data["firms"] = json_records(
            self.firms, CONTRACT_FIRM + ["name", "baseline_emissions", "emissions", "share_of_saving"]
        )
        data["summary"] = {key: json_value(value) for key, value in s.items()}
        data["why"] = self.why_no_solution  # why there is no answer, as the terminal says ([] if one)
        return data

    def to_json(self, *, values: bool = False, **kwargs: Any) -> str:
        """:meth:`to_dict` as JSON; ``values`` adds the stream values (``result.values``, one
        record a stream and step) as ``values``."""
        data = self.to_dict()
        if values:
            data["values"] = json_records(self.values)
        return json.dumps(data, **({"indent": 2} | kwargs))

    # -- export and load ----------------------------------------------------------------
    def save(self, folder: str | Path, *, overwrite: bool = False) -> Path:
        """Write ``result.json``, one CSV a table, and ``result.xlsx`` into ``folder``.

        Refuses to replace any file of :data:`SAVED_FILES` already in ``folder`` unless
        ``overwrite``. Every file is written into a hidden folder inside ``folder`` first and then
        moved into place, ``result.json`` last: it marks a complete result. A write that fails (or
        Ctrl-C) leaves the folder as it was.
        """
        folder = Path(folder)
        self._check_ties_out()
        refuse_to_replace(folder, SAVED_FILES, overwrite=overwrite, saver="Result.save")
        target = folder / "result.json"
        folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=folder, prefix=".result.partial-"))
        try:
            for name in TABLES:
                write_csv(getattr(self, name))(staging / f"{name}.csv")
            self.to_excel(staging / "result.xlsx")
            document = self.to_dict()
            document[DIGESTS] = {f"{name}.csv": _digest(staging / f"{name}.csv") for name in TABLES}
            document[FIGURES_DIGEST] = _figures_digest(document)
            (staging / "result.json").write_text(json.dumps(document, indent=2), encoding="utf-8")
            if target.exists():  # a replaced result is incomplete until its new result.json is in
                target.unlink()
            for name in SAVED_FILES:
                os.replace(staging / name, folder / name)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return folder

    def _check_ties_out(self) -> None:
        """Refuse to save figures that no longer add up as the solver's answer does (the park's
        saving = baseline - total = the firms' savings = the exchanges' savings): a table or the
        summary changed in memory would be saved with fresh digests and load back as the answer."""
        s = self.summary
        figures = [s.get(key) for key in ("saving", "baseline_cost", "total_cost")]
        if not self.has_solution or not all(isinstance(f, int | float) and math.isfinite(f) for f in figures):
            return
        saving = float(s["saving"])
        sums = {"baseline_cost - total_cost": float(s["baseline_cost"]) - float(s["total_cost"])}
        for name in ("firms", "exchanges"):
            table = getattr(self, name)
            if "saving" in table.columns and len(table):
                sums[f"the {name}' savings"] = float(pd.to_numeric(table["saving"], errors="coerce").sum())
        tolerance = 1e-6 * max(abs(float(s["baseline_cost"])), 1.0) + 1.0
        off = {what: value for what, value in sums.items() if not abs(value - saving) <= tolerance}
        if off:
            said = "; ".join(f"{what} {value:,.2f}" for what, value in off.items())
            raise ValueError(f"the result's figures no longer add up (saving {saving:,.2f}; {said}): a table "
                             "or the summary was changed after the solve, and save would record it as the "
                             "solver's answer; save the changed tables with DataFrame.to_csv instead")

    def to_excel(self, path: str | Path, *, overwrite: bool = False) -> None:
        """The summary and every table, one sheet each; a table longer than an Excel sheet
        (:data:`EXCEL_ROWS`) goes on over sheets ``name_2``, ``name_3`` ... (the CSV is whole).
        Refuses to replace a file already at ``path`` unless ``overwrite``."""
        if Path(path).exists() and not overwrite:
            raise FileExistsError(f"{path} already exists; choose another name or allow overwriting "
                                  "(overwrite=True)")
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            self.summary.rename("value").to_frame().to_excel(writer, sheet_name="summary")
            for name in TABLES:
                table = getattr(self, name)
                for part, start in enumerate(range(0, max(len(table), 1), EXCEL_ROWS), start=1):
                    sheet = name if part == 1 else f"{name}_{part}"
                    table.iloc[start:start + EXCEL_ROWS].to_excel(writer, sheet_name=sheet, index=False)

    @classmethod
    def load(cls, folder: str | Path) -> Result:
        """Read back a result written by :meth:`save` (``folder`` or its ``result.json``).

        Raises :class:`ResultFileError`, naming the file, for a folder not as :meth:`save` wrote it:
        no ``result.json``, a table or figure changed by hand, a table missing or cut short.
        """
        folder = Path(folder)
        if folder.is_file() and folder.name == "result.json":  # the result's own file: its folder
            folder = folder.parent
        written = "a folder written by Result.save or `symbiosis optimize --out`"
        if not (folder / "result.json").is_file():
            raise ResultFileError(f"{folder} holds no result.json", f"give {written}")
        try:
            document = json.loads((folder / "result.json").read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ResultFileError(f"{folder / 'result.json'} is not JSON ({exc})") from None
        if not isinstance(document, dict) or not isinstance(document.get("summary"), dict):
            raise ResultFileError(f"{folder / 'result.json'} holds no result summary")
        tables = {name: _read_table(folder / f"{name}.csv", _SCHEMAS.get(name, {}))
                  for name in TABLES if (folder / f"{name}.csv").exists()}
        for name, columns in REQUIRED_COLUMNS.items():
            if name not in tables:
                raise ResultFileError(f"{folder} has no {name}.csv")
            missing = [c for c in columns if c not in tables[name].columns]
            if missing:
                raise ResultFileError(f"{folder / (name + '.csv')} lacks the column(s) {', '.join(missing)}")
        _check_digests(folder, document.get(DIGESTS))
        if FIGURES_DIGEST in document and document[FIGURES_DIGEST] != _figures_digest(document):
            raise ResultFileError(
                f"{folder / 'result.json'} was changed after Result.save wrote it (its figures differ "
                f"from its '{FIGURES_DIGEST}')", "the figures of a result are the solver's answer; restore "
                "the file, or solve and save the park again")
        if "cost_curve" in tables.get("candidates", {}):
            tables["candidates"]["cost_curve"] = tables["candidates"]["cost_curve"].map(_curve_points)
        summary = pd.Series(
            {k: (math.nan if v is None else v) for k, v in document["summary"].items()}, dtype=object
        )
        return cls(summary=summary, **tables)


# Columns of names and words: read back as written (a firm "0815" or "NA" stays itself, not a
# number or a missing value; an empty note stays empty).
TEXT_COLUMNS = frozenset({"id", "firm", "name", "stream", "from_firm", "from_stream", "to_firm", "to_stream",
                          "carrier", "technology", "kind", "capacity_unit", "amount_unit", "taken_unit",
                          "route", "note", "direction", "unit"})


# result.json's record of each table file as saved (SHA-256 of its bytes): a table edited by hand
# would be read back, and reported, as the solver's answer. Folders saved before it have none.
DIGESTS = "table_digests"


FIGURES_DIGEST = "figures_digest"
"""result.json's record of its own figures and table digests (SHA-256 of them as canonical JSON):
a saving edited by hand would otherwise head the report (found by an audit)."""


def _digest(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def _figures_digest(document: dict) -> str:
    figures = {key: value for key, value in document.items() if key != FIGURES_DIGEST}
    return "sha256:" + hashlib.sha256(json.dumps(figures, sort_keys=True).encode()).hexdigest()


def _check_digests(folder: Path, digests: Any) -> None:
    """Refuse a table that is missing or not as :meth:`Result.save` wrote it."""
    if digests is None:
        return
    if not isinstance(digests, dict):
        raise ResultFileError(f"{folder / 'result.json'}: '{DIGESTS}' is not as Result.save wrote it")
    for name, digest in digests.items():
        path = folder / str(name)
        if not path.is_file():
            raise ResultFileError(f"{path} is missing", "the result was saved with it; restore it, or "
                                  "solve and save the park again")
        if _digest(path) != digest:
            raise ResultFileError(f"{path} was changed after Result.save wrote it (it differs from the "
                                  "digest in result.json)", "the tables of a result are the solver's answer; "
                                  "restore the file, or solve and save the park again")


def _read_table(path: Path, schema: dict[str, str]) -> pd.DataFrame:
    """A saved table; one with no rows gets its columns' dtypes (CSV holds none to read)."""
    try:
        header = pd.read_csv(path, nrows=0).columns
        table = pd.read_csv(path, converters={c: str for c in header if c in TEXT_COLUMNS})
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ResultFileError(f"{path} is not a table as Result.save wrote it ({exc})") from None
    if table.empty:
        table = table.astype({c: d for c, d in schema.items() if c in table.columns})
    return table


def _curve_points(text: Any) -> tuple[tuple[float, float], ...]:
    """A candidate's cost curve as written to CSV, ``((capacity, investment), ...)``, read back
    as the tuple of points it was (empty when the link has no curve)."""
    if not isinstance(text, str) or not text.strip():
        return ()
    return tuple((float(x), float(c)) for x, c in ast.literal_eval(text))


# Numbers written out (JSON, CSV) keep 12 significant digits: 18 GWh/year reads 18000 MWh, not
# the 17999.999999999996 of binary unit factors; no park figure is known that finely.
def _significant(value: float) -> float:
    return float(f"{value:.12g}") + 0.0  # + 0.0: -0.0 reads 0.0


def _csv_number(value: float) -> str:
    """A float as CSV text to 12 significant digits, still a float to a reader (12.0, not 12)."""
    return repr(_significant(value))


def write_csv(frame: pd.DataFrame) -> Callable[[str | Path], None]:
    """A writer of ``frame`` as CSV (no index, floats to 12 significant digits), for
    :func:`atomic_write` and the CLI's output files."""
    return lambda path: frame.to_csv(path, index=False, float_format=_csv_number)


def json_value(value: Any) -> Any:
    """A JSON value: numpy numbers as Python numbers, floats to 12 significant digits (-0.0 as
    0.0), NaN, infinity and pandas' missing values (``pd.NA``, ``NaT``) as null."""
    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float):
        return _significant(value) if math.isfinite(value) else None
    return value


def json_records(frame: pd.DataFrame, columns: list[str] | None = None) -> list[dict[str, Any]]:
    """The rows of ``frame`` (only ``columns`` of it, those it has, when given) as JSON-ready dicts."""
    present = list(frame.columns) if columns is None else [c for c in columns if c in frame.columns]
    return [{str(c): json_value(row[c]) for c in present} for _, row in frame.iterrows()]


def refuse_to_replace(folder: Path, names: Iterable[str], *, overwrite: bool, saver: str) -> None:
    """Before ``saver`` writes ``names`` into ``folder``: refuse a folder that is a file, and any of
    those files already there unless ``overwrite`` (nothing a user saved is replaced unasked)."""
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(f"{folder} is a file: give {saver} a folder (new, or with one saved before)")
    there = [name for name in names if (folder / name).exists()]
    if there and not overwrite:
        raise FileExistsError(f"{folder} already holds {', '.join(there)}; choose another folder or allow "
                              "overwriting (overwrite=True)")


def atomic_write(path: str | Path, write) -> None:
    """``write(temporary_path)``, then rename it to ``path``: never half a file, and nothing left
    behind when ``write`` fails."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix)
    os.close(handle)
    try:
        write(temporary)
        # mkstemp makes the file readable by its owner alone; a file written in place would
        # follow the umask (an audit: a sweep's tables were -rw------- beside optimize's -rw-r--r--)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
