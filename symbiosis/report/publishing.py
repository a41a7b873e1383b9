"""Publish a report: pick its folder, compare with the previous run, write HTML, PDF and the
result files into place, and record the run in the history.

A new folder is moved into place in one rename. Into an existing folder (``--name``) only
the report's own files are written, one by one with ``result.json`` last; anything else there
(a user's minutes, notes) is left as it is."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import pandas as pd

from symbiosis.park import Park
from symbiosis.report.changes import Changes, compare
from symbiosis.report.document import Report, build_report
from symbiosis.report.history import History, Run, default_path, overrides_text, series_words
from symbiosis.report.html import render_html
from symbiosis.report.inputs import check_front, check_why
from symbiosis.report.pdf import write_pdf
from symbiosis.results import Result
from symbiosis.results.result import SAVED_FILES

log = logging.getLogger(__name__)
STAMP = "%Y-%m-%d_%H%M%S"
PARK_DATA = "park_data.json"  # the park data as read (Park.data_as_read): the next report compares it
# Every file a report writes (Result.save's too); an existing one is replaced only with --force.
WRITTEN_FILES = ("report.html", "report.pdf", PARK_DATA, *SAVED_FILES)


@dataclass(frozen=True)
class Published:
    """Where a report went and what it said."""

    folder: Path
    html: Path
    pdf: Path
    run_id: int | None
    changes: Changes
    report: Report


def write_report(result: Result, park: Park, folder: str | Path, *, changes: Changes | None = None,
                 pareto: pd.DataFrame | None = None, why: pd.DataFrame | None = None,
                 overwrite: bool = False, generated: datetime | None = None) -> Report:
    """Write ``report.html``, ``report.pdf`` and the result files (:meth:`Result.save`) into ``folder``.

    Everything is written into a hidden folder beside it first and then moved into place. A
    file of an earlier report there is replaced only when ``overwrite``; other files in
    ``folder`` are never touched. Raises ``ValueError`` when ``park`` is not the park data
    ``result`` was solved from (their fingerprints differ): its settings would be wrong.
    """
    folder = Path(folder)
    check_same_data(result, park)
    if folder.exists() and not folder.is_dir():
        raise FileExistsError(f"{folder} is a file, not a folder: choose another --name")
    taken = existing_files(folder)
    if taken and not overwrite:
        raise FileExistsError(f"{folder} already holds {', '.join(taken)}: add --force to replace "
                              "them (other files there are kept), or let it write a new dated folder")
    report = build_report(result, park, changes=changes, pareto=pareto, why=why, generated=generated)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.partial-"))
    staging.chmod(0o755)  # mkdtemp makes it private; a report is for readers
    try:
        (staging / "report.html").write_text(render_html(report), encoding="utf-8")
        write_pdf(report, staging / "report.pdf")
        values = dict(park.data_as_read)
        kept = {"fingerprint": park.fingerprint, "digest": _digest(values), "values": values}
        (staging / PARK_DATA).write_text(json.dumps(kept, ensure_ascii=False, indent=0, default=str),
                                         encoding="utf-8")
        result.save(staging)
        clash = [p.name for p in staging.iterdir() if (folder / p.name).exists()]
        if clash and not overwrite:  # a file that came into the folder while the report was written
            raise FileExistsError(f"{folder} already holds {', '.join(sorted(clash))}: add --force to "
                                  "replace them, or let it write a new dated folder")
        _move_into_place(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return report


class UnknownRun(ValueError):
    """``since`` names no run of the history this report could be compared with."""


def publish(result: Result, park: Park, out: str | Path, *, history: str | Path | History | None = None,
            name: str | None = None, force: bool = False, pareto: pd.DataFrame | None = None,
            why: pd.DataFrame | None = None, now: datetime | None = None,
            since: int | str | Path | None = None, with_earlier: bool = True) -> Published:
    """Write the report of ``result`` under ``out`` and record it in the history.

    The folder is ``out/YYYY-MM-DD_HHMMSS`` (never an existing one), or ``out/name`` when
    ``name`` is given (its report files replaced only with ``force``, other files kept). The
    report compares with the previous run of the same park, scenario, ``--set`` overrides and
    objective in ``history`` (default ``out/../history.sqlite``). Earlier runs recorded in a folder this
    run writes into keep their figures in the history but lose their paths. A ``pareto`` or
    ``why`` table made for other park data is refused (``NotOfThisResult``) before anything is
    written.

    ``since`` compares with a chosen run instead, say the last meeting's: a run id of the
    history, a report folder (a path, or a folder name under ``out``), or a date ``YYYY-MM-DD``
    (the latest run of the series recorded on or before it); one it does not find is refused
    (``UnknownRun``) before anything is written. ``with_earlier=False``: compare with no run (the
    report of a result that was the first of its series, made again).
    """
    if pareto is not None:
        check_front(pareto, result)
    if why is not None:
        check_why(why, result)
    now = now or datetime.now().astimezone()
    out = Path(out)
    folder = out / name if name else dated_folder(out, now)
    store = history if isinstance(history, History) else History(
        history if history is not None else default_path(out))
    park_name = str(result.summary.get("park", park.name))
    scenario = str(result.summary.get("scenario", "") or "")
    park_path = park.folder.resolve() if park.folder else ""
    overrides = overrides_text(result.summary.get("overrides"))
    objective = str(result.summary.get("objective_kind") or "cost")
    if not with_earlier:
        previous_run = None
    elif since is None:
        previous_run = store.previous(park_name, scenario, overrides, park_path=park_path,
                                      objective=objective)
    else:
        previous_run = chosen_run(store, since, out, park_name, scenario, overrides, park_path=park_path,
                                  objective=objective)
    previous = _load(previous_run)
    data_then, unread = _park_data(previous_run)
    changes = compare(result, previous, previous_run,
                      data=(data_then, park.data_as_read) if data_then is not None else None)
    if unread:
        changes = replace(changes, inputs_note=unread)
    if previous_run is not None and since is None:
        changes = replace(changes, passed_over=tuple(store.passed_over(
            previous_run, park_name, scenario, overrides, park_path=park_path, objective=objective)))
    replaced = previous_run is not None and bool(previous_run.result_path) \
        and Path(previous_run.result_path).resolve() == folder.resolve()  # --name NAME --force
    if replaced:  # its report is this folder's, about to be this report: no link to itself (an audit)
        changes = replace(changes, previous_replaced=True)
    elif previous_run is not None and previous_run.report_path and Path(previous_run.report_path).is_file():
        # relative, so the link holds when the meeting's folder of reports is copied or served
        changes = replace(changes, previous_report=Path(os.path.relpath(
            Path(previous_run.report_path).resolve(), folder.resolve())).as_posix())
    log.info("comparing with %s", f"run {previous_run.id} of {previous_run.time}" if previous_run
             else "nothing")
    report = write_report(result, park, folder, changes=changes, pareto=pareto, why=why, overwrite=force,
                          generated=now)
    folder = folder.resolve()
    run_id = store.record(Run.of(result, result_path=folder, report_path=folder / "report.html",
                                 park_path=park_path, time=now),
                          replaces=True)
    log.info("recorded run %s in %s", run_id, store.path)
    return Published(folder=folder, html=folder / "report.html", pdf=folder / "report.pdf", run_id=run_id,
                     changes=changes, report=report)


def chosen_run(store: History, since: int | str | Path, out: Path, park: str, scenario: str, overrides: str,
               *, park_path: str | Path = "", objective: str = "cost") -> Run:
    """The run ``since`` names (see :func:`publish`), refused when the history has none or it
    is of another park."""
    text = str(since).strip()
    lists = f"`symbiosis history {out}` lists the runs of {store.path}"
    if isinstance(since, int) or text.isdigit():
        run = store.run(int(text))
        if run is None:
            raise UnknownRun(f"the history {store.path} holds no run {text}; {lists}")
    elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            datetime.strptime(text, "%Y-%m-%d")
        except ValueError:
            raise UnknownRun(f"{text} is no date; give YYYY-MM-DD, a run id or a report folder") from None
        run = store.previous(park, scenario, overrides, park_path=park_path, objective=objective,
                             on_or_before=text)
        if run is None:
            series = series_words(scenario, overrides, objective)
            raise UnknownRun(f"no run of {park} ({series}) was recorded on or before {text}; {lists}")
    else:
        folder = Path(text) if Path(text).is_dir() else out / text
        run = store.in_folder(folder)
        if run is None:
            raise UnknownRun(f"no run of the history {store.path} was reported in {folder}; give a report "
                             f"folder, a run id or a date YYYY-MM-DD; {lists}")
    if run.park != park:
        raise UnknownRun(f"run {run.id} is of park '{run.park}', not of '{park}'; {lists}")
    return run


def dated_folder(out: Path, now: datetime) -> Path:
    """``out/YYYY-MM-DD_HHMMSS``, with ``_2``, ``_3`` ... when that second is taken."""
    base = out / now.strftime(STAMP)
    folder, count = base, 1
    while folder.exists():
        count += 1
        folder = base.with_name(f"{base.name}_{count}")
    return folder


def existing_files(folder: Path) -> list[str]:
    """The files in ``folder`` that a report would replace (:data:`WRITTEN_FILES`)."""
    return [name for name in WRITTEN_FILES if (folder / name).exists()] if folder.is_dir() else []


def check_same_data(result: Result, park: Park) -> None:
    """Refuse to describe ``result`` with the settings of other park data (another fingerprint)."""
    if not result.solved_from(*park.fingerprints):
        made_from = result.summary["fingerprint"]
        raise ValueError(f"the result was solved from other park data (fingerprint {made_from}) than "
                         f"{park.name} as given (fingerprint {park.data_fingerprint}): its report would show "
                         "the wrong settings")


def _move_into_place(staging: Path, folder: Path) -> None:
    """A new (or empty) folder in one rename; else the staged files one by one, ``result.json``
    out first and in last (it marks a complete result), every other file of ``folder`` kept."""
    if not folder.exists():
        os.rename(staging, folder)
        return
    if not any(folder.iterdir()):
        folder.rmdir()
        os.rename(staging, folder)
        return
    (folder / "result.json").unlink(missing_ok=True)
    names = sorted((p.name for p in staging.iterdir()), key=lambda n: n == "result.json")
    for name in names:
        os.replace(staging / name, folder / name)


def _park_data(run: Run | None) -> tuple[dict | None, str]:
    """The park data as read for ``run`` (its report's ``park_data.json``), or None and why
    not, in words for the report ('' where the run's files are gone, which the report says)."""
    folder = Path(run.result_path) if run is not None and run.result_path else None
    if run is None or folder is None or not (folder / "result.json").is_file():
        return None, ""
    path = folder / PARK_DATA
    if not path.is_file():
        return None, (f"Run {run.id} was reported before the park data were kept beside a report: its "
                      "values are not compared, only its fingerprint.")
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        log.warning("could not read %s: %s", path, exc)
        kept = None
    values = kept.get("values") if isinstance(kept, dict) else None
    plain = isinstance(values, dict) and all(
        value is None or isinstance(value, bool | int | float | str) for value in values.values())
    if not plain or kept.get("fingerprint") != run.fingerprint \
            or kept.get("digest") != _digest(values):  # type: ignore[union-attr,arg-type]
        return None, (f"The park data kept with run {run.id} ({path}) were changed since or cannot be read: "
                      "the park's values are not compared, only its fingerprint.")
    return values, ""  # type: ignore[return-value]


def _digest(values: dict) -> str:
    """A digest of the park values kept with a report: one edited by hand is told from the run's."""
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _load(run: Run | None) -> Result | None:
    if run is None or not run.result_path or not (Path(run.result_path) / "result.json").is_file():
        return None
    try:
        return Result.load(run.result_path)
    except Exception as exc:  # an unreadable old result only loses the detailed comparison
        log.warning("could not read the previous result in %s: %s", run.result_path, exc)
        return None
