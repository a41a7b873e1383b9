"""Run history in an embedded SQLite database: one row a run, safe for runs at the same time.

Each write is one ``BEGIN IMMEDIATE`` transaction in WAL mode with a busy timeout, so two
processes recording at once wait for each other instead of failing or corrupting the file.
A database of an older version gains the columns added since (``ADDED_COLUMNS``) when opened.
"""

from __future__ import annotations

import math
import socket
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from pathlib import Path

import pandas as pd

from symbiosis.results import Result
from symbiosis.units import written_one_way

BUSY_TIMEOUT_MS = 60_000
SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    park          TEXT NOT NULL,
    scenario      TEXT NOT NULL DEFAULT '',
    overrides     TEXT NOT NULL DEFAULT '',
    fingerprint   TEXT NOT NULL DEFAULT '',
    time          TEXT NOT NULL,
    status        TEXT NOT NULL,
    saving        REAL,
    co2_avoided   REAL,
    investment    REAL,
    total_cost    REAL,
    baseline_cost REAL,
    emissions     REAL,
    exchanges     INTEGER,
    gap           REAL,
    currency      TEXT NOT NULL DEFAULT '',
    result_path   TEXT NOT NULL DEFAULT '',
    report_path   TEXT NOT NULL DEFAULT '',
    park_path     TEXT NOT NULL DEFAULT '',
    host          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS runs_by_park ON runs (park, scenario, id);
"""
# Columns added after the first release, added to older databases when opened: (name, declaration).
ADDED_COLUMNS = (("overrides", "TEXT NOT NULL DEFAULT ''"), ("objective", "TEXT NOT NULL DEFAULT ''"))


@dataclass(frozen=True)
class Run:
    """One recorded run: what was solved, how it ended, its headline figures, where it is stored."""

    park: str
    scenario: str
    fingerprint: str
    time: str
    status: str
    saving: float | None = None
    co2_avoided: float | None = None
    investment: float | None = None
    total_cost: float | None = None
    baseline_cost: float | None = None
    emissions: float | None = None
    exchanges: int | None = None
    gap: float | None = None
    currency: str = ""
    result_path: str = ""
    report_path: str = ""
    park_path: str = ""
    host: str = ""
    overrides: str = ""  # the --set KEY=VALUE of the run (:func:`overrides_text`); '' for none
    objective: str = "cost"  # what the run minimised; '' in a row of an older version: cost
    id: int | None = None

    @classmethod
    def of(cls, result: Result, *, result_path: str | Path = "", report_path: str | Path = "",
           park_path: str | Path = "", time: datetime | None = None) -> Run:
        """The history row of ``result``."""
        s = result.summary

        def figure(key: str) -> float | None:
            value = s.get(key)
            try:
                value = float(value)
            except (TypeError, ValueError):
                return None
            return value if math.isfinite(value) else None

        exchanges = figure("exchanges")
        return cls(
            park=str(s.get("park", "")), scenario=str(s.get("scenario", "") or ""),
            fingerprint=str(s.get("fingerprint", "") or ""),
            time=(time or datetime.now().astimezone()).isoformat(timespec="seconds"),
            status=str(s.get("status", "")),
            saving=figure("saving"), co2_avoided=figure("co2_avoided"), investment=figure("investment"),
            total_cost=figure("total_cost"), baseline_cost=figure("baseline_cost"),
            emissions=figure("emissions"), exchanges=None if exchanges is None else int(exchanges),
            gap=figure("gap"), currency=str(s.get("currency", "")), result_path=str(result_path),
            report_path=str(report_path), park_path=str(park_path), host=socket.gethostname(),
            overrides=overrides_text(s.get("overrides")), objective=str(s.get("objective_kind") or "cost"))

    @property
    def has_solution(self) -> bool:
        return self.status in ("optimal", "time_limit") and self.total_cost is not None

    @property
    def minimised(self) -> str:
        """What the run minimised: ``cost`` for a row of an older version, without the column."""
        return self.objective or "cost"

    @property
    def series(self) -> tuple[str, str, str, str]:
        """What tells a run's series apart: park, scenario, --set overrides and objective."""
        return self.park, self.scenario, self.overrides, self.minimised


COLUMNS = [f.name for f in fields(Run) if f.name != "id"]


class History:
    """The run history of one SQLite file (created on first use).

    >>> history = History("reports/history.sqlite")      # doctest: +SKIP
    >>> history.record(Run.of(result, result_path="reports/raufoss/2025-01-01_060000"))  # doctest: +SKIP
    >>> history.runs("Raufoss industripark")              # doctest: +SKIP
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _refuse_other_database(self.path)
        with self._connect() as connection:
            connection.executescript(SCHEMA)
            self._add_columns(connection)
            self._relative_paths(connection)

    @property
    def _home(self) -> Path:
        """The database's folder, against which the runs' folders inside it are stored."""
        return self.path.parent.resolve()

    def _stored(self, folder: str) -> str:
        """``folder`` as a row stores it: relative to the database's folder when inside it, so that
        a tree of reports moved or copied whole (with its history.sqlite) keeps its runs' files
        (an audit: a moved tree said every earlier report was gone; a copied one compared with,
        and linked to, the original's files); else absolute."""
        if not folder:
            return folder
        where = Path(folder).resolve()  # a relative path is the caller's, not the database's
        try:
            return str(where.relative_to(self._home))
        except ValueError:
            return str(where)

    def _run(self, row: sqlite3.Row) -> Run:
        """The run of ``row``, its folders absolute again."""
        values = dict(row)
        for key in ("result_path", "report_path"):
            if values[key] and not Path(values[key]).is_absolute():
                values[key] = str(self._home / values[key])
        return Run(**values)

    def _relative_paths(self, connection: sqlite3.Connection) -> None:
        """Rows of an older version store absolute folders: those inside the database's folder are
        made relative (while the tree is still where they point)."""
        rows = connection.execute("SELECT id, result_path, report_path FROM runs WHERE result_path LIKE '/%' "
                                  "OR report_path LIKE '/%'").fetchall()
        stored = [(self._stored(result), self._stored(report), ident, result, report)
                  for ident, result, report in rows]
        changed = [(new_result, new_report, ident) for new_result, new_report, ident, result, report in stored
                   if (new_result, new_report) != (result, report)]
        if not changed:
            return
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.executemany("UPDATE runs SET result_path = ?, report_path = ? WHERE id = ?", changed)
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise

    @staticmethod
    def _add_columns(connection: sqlite3.Connection) -> None:
        """Bring a database of an older version up to date (one transaction; two processes may try)."""
        if not _missing_columns(connection):
            return
        connection.execute("BEGIN IMMEDIATE")
        try:
            for name, declaration in _missing_columns(connection):
                connection.execute(f"ALTER TABLE runs ADD COLUMN {name} {declaration}")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.row_factory = sqlite3.Row
            yield connection
        finally:
            connection.close()

    def record(self, run: Run, *, replaces: bool = False) -> int:
        """Add ``run`` in one transaction; returns its id.

        ``replaces``: the run's files replaced whatever was in its folder (``--name --force``);
        earlier rows pointing at that folder keep their figures but lose their paths, since the
        files there are no longer theirs.
        """
        values = asdict(run)
        values["result_path"] = self._stored(run.result_path)
        values["report_path"] = self._stored(run.report_path)
        with self._connect() as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                if replaces and run.result_path:
                    connection.execute("UPDATE runs SET result_path = '', report_path = '' WHERE "
                                       "result_path IN (?, ?)", [values["result_path"], run.result_path])
                cursor = connection.execute(
                    f"INSERT INTO runs ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
                    [values[c] for c in COLUMNS])
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            return int(cursor.lastrowid)

    def runs(self, park: str | None = None, scenario: str | None = None, *, overrides: str | None = None,
             limit: int | None = None) -> list[Run]:
        """Recorded runs, newest first; only those of ``park`` (``scenario``, ``overrides``) when given."""
        where, parameters = [], []
        for column, value in (("park", park), ("scenario", scenario), ("overrides", overrides)):
            if value is not None:
                where.append(f"{column} = ?")
                parameters.append(value)
        query = "SELECT * FROM runs" + (f" WHERE {' AND '.join(where)}" if where else "")
        query += " ORDER BY id DESC"
        if limit is not None:
            query += f" LIMIT {int(limit)}"
        with self._connect() as connection:
            return [self._run(row) for row in connection.execute(query, parameters)]

    def previous(self, park: str, scenario: str, overrides: str = "", *, before: int | None = None,
                 park_path: str | Path = "", objective: str = "cost", on_or_before: str | None = None
                 ) -> Run | None:
        """The latest run of the same park, scenario, overrides and objective (before run
        ``before``; recorded on or before the date ``on_or_before``, ``YYYY-MM-DD``), preferring
        one that found a solution and whose result is still on disk; of those, runs from the park
        folder ``park_path`` when any were (a copy of a park folder keeps the park's name: its
        runs are another park's history), else any (a moved folder). A run for least emissions
        is no earlier state of the least-cost series: it would read as most exchanges changed."""
        candidates = [r for r in self._comparable(park, scenario, overrides, before=before,
                                                  park_path=park_path, objective=objective)
                      if on_or_before is None or r.time[:10] <= on_or_before]
        for run in candidates:
            if run.has_solution and run.result_path and (Path(run.result_path) / "result.json").is_file():
                return run
        return candidates[0] if candidates else None

    def passed_over(self, chosen: Run, park: str, scenario: str, overrides: str = "", *,
                    park_path: str | Path = "", objective: str = "cost") -> list[Run]:
        """The runs :meth:`previous` passed over for ``chosen``, newest first: later runs with no
        solution or whose result files are gone (a report says so rather than skip them)."""
        series = self._comparable(park, scenario, overrides, park_path=park_path, objective=objective)
        return [r for r in series if (r.id or 0) > (chosen.id or 0)]

    def run(self, run_id: int) -> Run | None:
        """The run recorded as ``run_id``, None when there is none."""
        with self._connect() as connection:
            row = connection.execute("SELECT * FROM runs WHERE id = ?", [int(run_id)]).fetchone()
        return self._run(row) if row is not None else None

    def in_folder(self, folder: str | Path) -> Run | None:
        """The latest run whose result files are in ``folder`` (a report's folder), None when none."""
        where = str(Path(folder).resolve())
        return next((r for r in self.runs() if r.result_path and str(Path(r.result_path).resolve()) == where),
                    None)

    def _comparable(self, park: str, scenario: str, overrides: str, *, before: int | None = None,
                    park_path: str | Path = "", objective: str = "cost") -> list[Run]:
        """Runs of the same park, scenario, overrides and objective (before run ``before``),
        newest first; those from the park folder ``park_path`` when any were."""
        runs = [r for r in self.runs(park, scenario, overrides=overrides)
                if (before is None or (r.id or 0) < before) and r.minimised == objective]
        same_folder = [r for r in runs if park_path and r.park_path == str(park_path)]
        return same_folder or runs

    def table(self, park: str | None = None, scenario: str | None = None) -> pd.DataFrame:
        """:meth:`runs` as a DataFrame."""
        return pd.DataFrame([asdict(r) for r in self.runs(park, scenario)], columns=["id", *COLUMNS])

    def integrity(self) -> str:
        """SQLite's ``PRAGMA integrity_check``: ``'ok'`` for a sound file."""
        with self._connect() as connection:
            return str(connection.execute("PRAGMA integrity_check").fetchone()[0])


class NotAHistory(sqlite3.DatabaseError):
    """A SQLite file that holds something other than a symbiosis run history."""


# What a run history holds: its table and its index (and SQLite's own sqlite_* tables:
# the AUTOINCREMENT counter, the statistics of ANALYZE).
HISTORY_OBJECTS = {"runs", "runs_by_park"}


def _refuse_other_database(path: Path) -> None:
    """Refuse, before anything is written to it, a file that is a database of something else:
    opening it as a history would add tables to it and switch its journal mode.

    The file is read without a write (SQLite's read-only mode): a file that is no database at
    all fails here with SQLite's own ``DatabaseError``."""
    if not path.is_file() or path.stat().st_size == 0:
        return  # a new history
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                                 timeout=BUSY_TIMEOUT_MS / 1000)  # a writer may hold it a while
    try:
        names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        columns = {row[1] for row in connection.execute("PRAGMA table_info(runs)")}
    finally:
        connection.close()
    others = sorted(name for name in names - HISTORY_OBJECTS if not name.startswith("sqlite_"))
    if others or (names and not {"park", "time", "status"} <= columns):
        held = ", ".join(others) if others else "a table 'runs' of other columns"
        raise NotAHistory(f"a database of something else, holding {held}; left as it was")


def overrides_text(overrides: object) -> str:
    """A result's ``--set`` overrides (``summary["overrides"]``, a mapping) as one canonical text,
    ``key=value; key=value`` sorted by key, each number written one way (``300.0 EUR / t`` is
    ``300 EUR/t``); ``''`` for none (or a result older than the field)."""
    if isinstance(overrides, str):
        return overrides
    if not isinstance(overrides, dict) or not overrides:
        return ""
    return "; ".join(f"{key}={written_one_way(value)}" for key, value in sorted(overrides.items()))


def series_words(scenario: str, overrides: str, objective: str | None = None) -> str:
    """A series of runs in words: ``base case``, ``scenario dear with --set park.carbon_price=1800
    NOK/t``, then ``, least emissions`` where an objective is given."""
    case = f"scenario {scenario}" if scenario else "base case"
    case += f" with --set {overrides}" if overrides else ""
    return case + (f", least {objective}" if objective else "")


def _missing_columns(connection: sqlite3.Connection) -> list[tuple[str, str]]:
    present = {row[1] for row in connection.execute("PRAGMA table_info(runs)")}
    return [(name, declaration) for name, declaration in ADDED_COLUMNS if name not in present]


def default_path(out: str | Path) -> Path:
    """``DIR/../history.sqlite``: one database beside the report folders of several parks."""
    return Path(out).resolve().parent / "history.sqlite"
