"""The times a profile file gives its rows, and the checks that the rows follow the calendar.

A meter or spreadsheet export dates its rows in one of a few ways: a time column (ISO 8601,
``01.01.2023 00:00``; a from and a to column), a date column and an hour column (``Dato;Time``,
hours 0-23 or 1-24, or ``00:00``), year, month, day and hour columns named so, or month names.
The profile is read in the order its rows stand, so the rows must stand in time order, one step
apart, and a year must start in January: each check here refuses a file that would otherwise be
read against the calendar without a word (a year from October, rows newest first, local time
across a clock change, a total row at the end).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta


class TimeProblem(ValueError):
    """Rows that do not follow the calendar: what was found, how to fix it, and the line."""

    def __init__(self, found: str, hint: str, line: int) -> None:
        super().__init__(found)
        self.found, self.hint, self.line = found, hint, line


Rows = Sequence[tuple[int, list[str]]]

_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{1,2}(:\d{2}){0,2}(\.\d+)?)?\s?(Z|[+-]\d{2}(:?\d{2})?)?$")
_DOTTED_TIME = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T]+(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?)?$")
# 7, 07:00, 07:00 - 08:00; 2A and 2B (02-03A): the hour the clock turns back to winter time twice
_CLOCK = re.compile(r"^(\d{1,2})(?::(\d{2}))?(?::\d{2})?(?:\s*[-–]\s*\d{1,2}(?::\d{2})?)?\s*[AaBb]?$")
_WHOLE = re.compile(r"^\d+$")
_CLOCK_TIME = r"(?:[ T]+(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\s*([AaPp]\.?[Mm]\.?)?)?$"
# 1/2/2023 13:00 or 1/2/2023 1:00 PM (day or month first: see `date_order`), 2023/01/02 00:00
_SLASHED_TIME = re.compile(r"^(\d{1,4})([/-])(\d{1,2})\2(\d{4}|\d{2})" + _CLOCK_TIME)
# 01-Jan-2023 00:00, 1. januar 2023, 1 jan. 23
_APART = r"(?:\s*-\s*|\s+)"
_SPELLED_DATE = re.compile(rf"^(\d{{1,2}})\.?{_APART}([^\W\d_]+)\.?{_APART}(\d{{4}}|\d{{2}})" + _CLOCK_TIME)
# Month names (and their short forms) in English, Norwegian and Swedish.
_MONTHS = {name: number for number, names in enumerate((
    ("january", "januar", "januari", "jan"), ("february", "februar", "februari", "feb"),
    ("march", "mars", "mar"), ("april", "apr"), ("may", "mai", "maj"), ("june", "juni", "jun"),
    ("july", "juli", "jul"), ("august", "augusti", "aug"), ("september", "sept", "sep"),
    ("october", "oktober", "okt", "oct"), ("november", "nov"), ("december", "desember", "des", "dec")),
    start=1) for name in names}
# Header words that name what a column of whole numbers counts (English, Norwegian, Swedish).
_ROLES = {"year": ("year", "years", "yr", "yyyy", "år", "aar", "ar"),
          "month": ("month", "måned", "maaned", "maned", "mnd", "månad", "manad", "mo", "mm"),
          "day": ("day", "dag", "dd", "dy", "døgn", "dygn", "dato", "date", "datum"),
          "hour": ("hour", "hours", "hr", "hh", "h", "time", "timer", "timme", "kl", "klokkeslett",
                   "klockslag", "tid")}
# Words a header of a column that dates or counts the rows may hold besides its name.
_QUALIFIERS = frozenset({"of", "the", "utc", "cet", "cest", "local", "lokal", "normaltid", "start", "end",
                         "slutt", "fra", "til", "from", "to", "från", "till", "nr", "no", "number", "index",
                         "idx", "timestamp", "datetime", "timenummer", "timenr", "period", "periode", "week",
                         "uke", "vecka", "minute", "minutt", "tidspunkt", "tidpunkt", "interval", "d",
                         "doy", "dayofyear", "ukenr", "ukedag", "weekday", "veckodag", "veckonr", "yyyymmdd",
                         "ddmmyyyy", "hhmm", "iso"})


def time_of(cell: str, order: str | None = None) -> datetime | None:
    """The time a cell writes (``2023-01-01 00:00``, ``2023-01-01T00:00:00+01:00``,
    ``01.01.2023 00:00``, ``01.01.2023``, ``01-Jan-2023``, ``1/2/2023 1:00 PM``), as its wall
    clock with its offset if given; None for anything else (a number, a word). A slashed date
    is read in the ``order`` given (``dmy``, ``mdy`` or ``ymd``: a column's, by `date_order`),
    else day first, or month first where that makes no date."""
    if len(cell) < 8 or not cell[0].isdigit():
        return None
    if re.search(r"[ T]24:00(:00)?", cell):  # the end of a day, stamped at its end: the next day's 00:00
        start = time_of(re.sub(r"([ T])24:00(:00)?", r"\g<1>00:00", cell), order)
        return start + timedelta(days=1) if start is not None else None
    if _ISO_TIME.match(cell):
        try:
            return datetime.fromisoformat(cell.replace("Z", "+00:00").replace(" +", "+").replace(" -", "-"))
        except ValueError:
            return None
    dotted = _DOTTED_TIME.match(cell)
    if dotted:
        day, month, year, hour, minute, second = (int(part or 0) for part in dotted.groups())
        try:
            return datetime(year, month, day, hour, minute, second)
        except ValueError:
            return None
    slashed = _SLASHED_TIME.match(cell)
    if slashed:
        first, _, second, last = slashed.groups()[:4]
        if len(first) == 4:  # 2023/01/02
            return _date_and_clock(int(first), int(second), int(last), slashed) if len(last) == 2 else None
        for reading in [order] if order else ["dmy", "mdy"]:
            year, month, day = {"dmy": (last, second, first), "mdy": (last, first, second),
                                "ymd": (first, second, last)}[reading]
            stamp = _date_and_clock(_full_year(year), int(month), int(day), slashed)
            if stamp is not None:
                return stamp
        return None
    spelled = _SPELLED_DATE.match(cell)
    if spelled:
        month = _MONTHS.get(spelled.group(2).casefold())
        return _date_and_clock(_full_year(spelled.group(3)), month, int(spelled.group(1)), spelled) \
            if month else None
    return None


def _full_year(written: str) -> int:
    return int(written) + (2000 if len(written) == 2 else 0)


def _date_and_clock(year: int, month: int, day: int, match: re.Match[str]) -> datetime | None:
    """The date with the clock a match of `_CLOCK_TIME` found after it (its last four groups);
    None for no such date or hour."""
    hour, minute, second = (int(part or 0) for part in match.groups()[-4:-1])
    half = (match.groups()[-1] or "").casefold().replace(".", "")
    if half:  # 12 AM is midnight, 12 PM noon
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


def _slashed_dates(cells: Sequence[str]) -> list[tuple[str, str, str]]:
    """The three parts of each slashed date of a column whose first part is no four-digit year
    (``13/01/2023``, ``01/13/2023``, ``23-01-13``): a day, month or two-digit year first."""
    return [(m.group(1), m.group(3), m.group(4)) for cell in cells
            if (m := _SLASHED_TIME.match(cell)) and len(m.group(1)) <= 2]


def date_order(parts: Sequence[tuple[str, str, str]]) -> str | None:
    """The order of a column's slashed dates (their `_slashed_dates`): ``dmy`` (``13/01/2023``),
    ``mdy`` (``01/13/2023``), ``ymd`` with a two-digit year (``23-01-13``: the first part the same
    all along while the last runs through the days), or None where the column does not show it
    (every day 12 or less, or no slashed dates)."""
    if not parts:
        return None
    firsts, lasts = {first for first, _, _ in parts}, {last for _, _, last in parts}
    if all(len(last) == 2 for last in lasts) and len(firsts) == 1 and len(lasts) > 1:
        return "ymd"
    if any(int(first) > 12 for first in firsts):
        return "dmy"
    if any(int(second) > 12 for _, second, _ in parts):
        return "mdy"
    return None


def calendar_name(name: str) -> bool:
    """Whether a header name names a column that dates or counts the rows (``Time``, ``Dato``,
    ``Tid (UTC)``, ``Hour of year``): every word of it a calendar word, so that ``NO1``, ``From
    grid`` or ``Day-ahead load`` name values."""
    words = re.findall(r"[^\W\d_]+", name.casefold())
    known = _QUALIFIERS.union(*_ROLES.values())
    numbered = re.search(r"[^\W\d_]\d", name.casefold())  # NO1, H2: an area, a gas
    return bool(words) and all(word in known for word in words) and not numbered


def row_times(header: list[str] | None, data: Rows) -> tuple[list[datetime] | None, int]:
    """The time of each row as its columns write it, and how many leading columns date the rows
    (0 when none do). None for times when the rows are dated in a way not followed here (a
    slashed date, a date repeated with an hour written otherwise): they are then not checked."""
    width = len(data[0][1])
    if width < 2:
        return None, 0
    firsts = [cells[0] for _, cells in data]
    slashed = _slashed_dates(firsts)
    order = date_order(slashed)
    if order is None and slashed and len({cell[:5] for cell in firsts}) > 1:
        return None, 1  # 01/02 .. 12/12: day or month first? Not checked rather than guessed
    stamps = [time_of(cell, order) for cell in firsts]
    dated = sum(stamp is not None for stamp in stamps)
    if dated == len(stamps):
        return _with_hours(stamps, data, width, header)
    if dated >= max(2, len(stamps) - 2):  # a total or average row among the times
        index = next(i for i, stamp in enumerate(stamps) if stamp is None)
        raise among_times(firsts[index], data[index][0])
    months = [_month_of(cell) for cell in firsts]
    if all(months):  # one row a month; a month column of daily or hourly rows is left unchecked
        repeats = any(a == b for a, b in zip(months, months[1:], strict=False))
        return (None, 1) if repeats or len(months) > 24 else (_months(months, data), 1)  # type: ignore[arg-type]
    return _from_named_columns(header, data)


def among_times(cell: str, line: int) -> TimeProblem:
    """A row that is no time where every other one has a time: a total or average row."""
    return TimeProblem(f"'{cell}' on line {line} where every other row has a time",
                       "remove that row (a total or average?): a profile holds one value a period", line)


def _with_hours(stamps: list[datetime], data: Rows, width: int,
                header: list[str] | None) -> tuple[list[datetime] | None, int]:
    """Times of a time column, with the hour column after a date column (``Dato;Time``: a date
    repeated each hour of its day) added; None where such an hour cannot be read (a column of whole
    numbers past 25 is then no hour column: a value, and maybe a quality code after it; so is one
    without a header naming it whose numbers do not count the hours of each date)."""
    columns = 1
    while columns < width - 1 and all(time_of(cells[columns]) for _, cells in data):
        columns += 1
    days = len({stamp.date() for stamp in stamps})
    each_day_repeated = days <= len(stamps) / 2  # a date a row of each hour; not one date written twice
    if not (each_day_repeated and all(stamp.time() == datetime.min.time() for stamp in stamps)):
        return stamps, columns
    if columns >= width - 1:
        return None, columns
    hours = [_hours_of(cells[columns]) for _, cells in data]
    whole = all(_WHOLE.match(cells[columns]) for _, cells in data)
    if any(hour is None for hour in hours):
        # an hour written otherwise is left unchecked; whole numbers past 25 are values, not hours
        return None, columns if whole else columns + 1
    named = header is not None and columns < len(header) and calendar_name(header[columns])
    if whole and not named and not _counts_hours(stamps, hours):  # type: ignore[arg-type]
        return None, columns  # 2023-01-01;12;0 over 2023-01-01;7;1: a value and a quality code
    return ([stamp + timedelta(hours=hour) for stamp, hour in zip(stamps, hours, strict=True)],  # type: ignore[operator]
            columns + 1)


def _counts_hours(stamps: list[datetime], hours: list[float]) -> bool:
    """Whether whole numbers beside a repeated date count its hours: one more each row of the
    same date (a clock change may repeat or skip one), from 0 or 1 at each new date."""
    for index in range(1, len(hours)):
        step = hours[index] - hours[index - 1]
        if hours[index] > 1 if stamps[index] != stamps[index - 1] else not 0 <= step <= 2:
            return False
    return True


def _hours_of(cell: str) -> float | None:
    """The hour a cell writes: ``7`` (0-24), ``07:00``, ``07:00 - 08:00``; None otherwise."""
    match = _CLOCK.match(cell.strip())
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    return hour + minute / 60 if hour <= 25 and minute < 60 else None  # 25: a day of 25 hours


_MONTH_CELL = re.compile(r"^([^\W\d_]+)\.?(?:\s*[-' ]\s*(\d{4}|\d{2}))?$")


def _month_of(cell: str) -> int | None:
    """The month a cell names (``jan``, ``Januar``, ``okt 2022``, ``Jan-23``); None otherwise
    (``01-Jan-2023`` and ``2. januar 2023`` are dates, not months)."""
    match = _MONTH_CELL.match(cell.strip().casefold())
    return _MONTHS.get(match.group(1)) if match else None


def _months(months: list[int], data: Rows) -> list[datetime]:
    """Months by name as times, the year turning where the months start again (``okt .. des,
    jan .. sep``)."""
    year, times = 2001, []
    for month, (_, cells) in zip(months, data, strict=True):
        written = re.search(r"\d{4}|(?<=[-' ])\d{2}$", cells[0])
        if written:
            year = int(written.group()) + (2000 if len(written.group()) == 2 else 0)
        elif times and month <= times[-1].month:
            year += 1
        times.append(datetime(year, month, 1))
    return times


def _from_named_columns(header: list[str] | None, data: Rows) -> tuple[list[datetime] | None, int]:
    """Times from whole-number columns a header names year, month, day and hour (``År;Måned;Dag;
    Time``): the leading columns so named, with at least a year and a month."""
    if header is None:
        return None, 0
    roles: dict[str, int] = {}
    for column, name in enumerate(header[: len(data[0][1]) - 1]):
        role = next((role for role, words in _ROLES.items()
                     if re.sub(r"[^\w]", "", name.casefold()) in words), None)
        readable = _hours_of if role == "hour" else _WHOLE.match  # an hour may be written 00:00 or 00-01
        if role is None or role in roles or not all(readable(cells[column]) is not None for _, cells in data):
            break
        roles[role] = column
    if not {"year", "month"} <= roles.keys():
        return None, 0

    def number(cells: list[str], role: str, default: int) -> int:
        return int(cells[roles[role]]) if role in roles else default

    def hour(cells: list[str]) -> float:
        return _hours_of(cells[roles["hour"]]) or 0.0 if "hour" in roles else 0.0

    times = []
    for line, cells in data:
        year, month, day = number(cells, "year", 0), number(cells, "month", 1), number(cells, "day", 1)
        if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(max(year, 1), month)[1]):
            raise TimeProblem(f"'{';'.join(cells)}' on line {line}: no date", "check the year, month and day "
                              "columns", line)
        times.append(datetime(year, month, day) + timedelta(hours=hour(cells)))
    return times, len(roles)


def check_times(times: list[datetime], data: Rows, columns: int) -> None:
    """Refuse rows out of time order, a time twice, a step unlike the others, and a year (8760,
    8784, 365, 366 or 12 rows) that does not start in January; ``columns``: how many leading
    columns date the rows (what a message shows of a row)."""
    count = len(data)
    instants = [_to_the_minute(time.astimezone(UTC).replace(tzinfo=None) if time.tzinfo else time)
                for time in times]  # a meter's seconds of jitter are no other step
    walls = [_to_the_minute(time.replace(tzinfo=None)) for time in times]
    steps = [b - a for a, b in zip(instants, instants[1:], strict=False)]
    usual = max(set(steps[:50]), key=steps[:50].count) if steps else None
    monthly = usual is not None and usual.days >= 28
    for index, step in enumerate(steps, start=1):
        line, cells = data[index]
        shown = " ".join(cells[: max(columns, 1)])
        if step.total_seconds() == 0:
            clock = instants[index].month in (3, 10)
            raise TimeProblem(f"line {line} repeats the time '{shown}' of the line before",
                              ("where the clock moves back to winter time, export the hours in UTC or in "
                               "normal (winter) time all year" if clock else "remove the repeated row"), line)
        if step.total_seconds() < 0:
            raise TimeProblem(f"'{shown}' on line {line} comes before the line above",
                              "sort the rows by time, oldest first (dates written as text sort as text: "
                              "31.01 before 01.02 fails)", line)
        if monthly:
            before, now = instants[index - 1], instants[index]
            if (now.year * 12 + now.month) - (before.year * 12 + before.month) != 1:
                raise TimeProblem(f"'{shown}' on line {line} is not the month after the line above",
                                  "give the months in order, one row each", line)
        elif usual is not None and step != usual and not _same_day_step(step, usual) \
                and not _skips_29_february(walls[index - 1], step, usual):
            raise TimeProblem(f"'{shown}' on line {line} is {_duration(step)} after the line above, where "
                              f"the rows are {_duration(usual)} apart", "give every step its row (a "
                              "missing hour where the clock moves to summer time: export in UTC or in normal "
                              "time all year)", line)
    if usual is not None:
        _step_fits_the_count(usual, count, data[1][0])
    if count in (8760, 365) and any((time.month, time.day) == (2, 29) for time in walls):
        line = data[next(i for i, t in enumerate(walls) if (t.month, t.day) == (2, 29))][0]
        raise TimeProblem(f"{count} rows of a leap year with 29 February (line {line}): they end a day "
                          "before the year does", "give the whole leap year (8784 hours or 366 days: 29 "
                          "February is then dropped), or remove 29 February", line)
    if count in (8760, 8784, 365, 366, 12):
        _starts_the_year(instants[0], times[0], usual, data[0][0])
    if count in (8784, 366) and not calendar.isleap(walls[0].year + (walls[0].month == 12)):
        raise TimeProblem(f"{count} rows from '{walls[0]:%Y-%m-%d %H:%M}', a year of 365 days: the last "
                          "is of the next year", "remove the last row (an end included), or give a leap "
                          "year's rows", data[-1][0])


def _to_the_minute(time: datetime) -> datetime:
    return (time + timedelta(seconds=30)).replace(second=0, microsecond=0)


# What rows of each step make: the counts accepted, and how to say them.
HOURLY, DAILY, MONTHLY = timedelta(hours=1), timedelta(days=1), timedelta(days=31)
STEPS = {HOURLY: ("an hour", (8760, 8784, 168, 24),
                  "8760 (or 8784) hourly rows, 168 for a week or 24 for a day"),
         DAILY: ("a day", (365, 366), "365 (or 366) daily rows"),
         MONTHLY: ("a month", (12,), "12 monthly rows")}


def _step_fits_the_count(usual: timedelta, count: int, line: int) -> None:
    """Refuse rows whose times step otherwise than their count says: 8760 rows 15 minutes apart
    are no year, 24 monthly rows no day, 365 hourly rows no year of days."""
    step = MONTHLY if usual.days >= 28 else DAILY if abs(usual - DAILY) <= HOURLY else usual
    if step not in STEPS:
        raise TimeProblem(f"rows {_duration(usual)} apart", "give hourly, daily or monthly rows (average "
                          "each hour's values to one row)", line)
    period, counts, give = STEPS[step]
    if count not in counts:
        raise TimeProblem(f"{count} rows {period} apart", f"give {give}", line)


def _same_day_step(step: timedelta, usual: timedelta) -> bool:
    """A day of 23 or 25 hours between daily rows written with their offsets."""
    return usual.days == 1 and abs(step.total_seconds() - usual.total_seconds()) <= 3600


def _skips_29_february(before: datetime, step: timedelta, usual: timedelta) -> bool:
    """A step over 29 February left out of a leap year's rows (as a 365-day profile has it)."""
    skipped = before + usual
    return step - usual == timedelta(days=1) and (skipped.month, skipped.day) == (2, 29)


def _starts_the_year(instant: datetime, written: datetime, usual: timedelta | None, line: int) -> None:
    """A profile of a year starts in January: its first row dated from 31 December 12:00 (a year
    in UTC of a time zone east of it) to one step into 1 January (a period stamped at its end);
    a monthly one in January, at any day. One from October (a heating season's year) would shift
    every month."""
    first = written.replace(tzinfo=None)
    if usual is not None and usual.days >= 28:
        if first.month == 1:
            return
    else:
        start = datetime(first.year + (first.month == 12), 1, 1)
        if start - timedelta(hours=12) <= first <= start + (usual or timedelta(0)):
            return
    raise TimeProblem(f"the rows start at '{first:%Y-%m-%d %H:%M}' (line {line}), not in January",
                      "a profile of a year runs from 1 January: move the rows from 1 January to the top "
                      "(one calendar year, in time order)", line)


def _duration(step: timedelta) -> str:
    hours = step.total_seconds() / 3600
    return f"{hours / 24:.1f} days" if hours >= 48 else f"{hours:g} hour" + ("s" if hours != 1 else "")
