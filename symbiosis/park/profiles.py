"""Hourly profiles from CSV: a shape over one year, scaled so its mean is 1.

A profile file has one numeric column (a header line is allowed; with several
columns the last one is the value, and every row has as many). Columns before it may date the
rows (times in order, one step apart, a year from 1 January) or count them; a second column of
values is refused (which one is the profile?). Columns are separated by
``;`` or a tab (then a decimal comma is read as such: ``1;12,5``) or by ``,`` (where a quoted
``"12,5"`` is a decimal comma). A comma file whose rows are all
``12,5`` or ``7`` is one column written with decimal commas, unless the part before
the comma counts rows (an index: ``0,5`` ``1,7`` ``2,3``); where that reading is not
the only sensible one (``0.95`` next to ``1,5``; ``1,200`` next to ``950``: a
thousands comma?) the file is refused. Accepted lengths, all mapped to 8760 hours:

=========  ==============================================================
rows       meaning
=========  ==============================================================
8760       hourly, a 365-day year
8784       hourly, a leap year: 29 February (hours 1417-1440) is dropped
365 / 366  daily, each day's value held for 24 hours (366: 29 Feb dropped)
12         monthly, each month's value held for its days (365-day year)
168        one week, repeated (the year starts on the week's first hour)
24         one day, repeated
=========  ==============================================================
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import math
import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from symbiosis.park.profile_times import (
    TimeProblem,
    among_times,
    calendar_name,
    check_times,
    row_times,
    time_of,
)
from symbiosis.units import THOUSANDS_SPACE, spaced_thousands

HOURS = 8760
DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
LEAP_DAY_INDEX = 59  # 29 February is the 60th day of a leap year
ACCEPTED_LENGTHS = (8760, 8784, 365, 366, 12, 168, 24)
LENGTHS_HINT = "give 8760 (or 8784) hourly, 365 daily, 12 monthly, 168 weekly or 24 daily-shape rows"
# A year of hourly rows with a time stamp is well under 1 MB; past this it is not a profile.
MAX_BYTES = 50_000_000


class ProfileProblem(ValueError):
    def __init__(self, found: str, hint: str, line: int | None = None) -> None:
        super().__init__(found)
        self.found = found
        self.hint = hint
        self.line = line

    @classmethod
    def of_times(cls, problem: TimeProblem) -> ProfileProblem:
        """The rows' times against the calendar (:mod:`symbiosis.park.profile_times`) said as a
        profile problem."""
        return cls(problem.found, problem.hint, line=problem.line)


def read_values(path: Path) -> np.ndarray:
    """The numbers in a profile CSV, or a :class:`ProfileProblem` naming the bad line."""
    text = _read_text(path)
    _quotes_closed(text)
    text, delimiter = _excel_separator(text)
    rows = _rows(text, delimiter)
    if not rows:  # an empty file, or blank lines only
        raise ProfileProblem("an empty file (no line with a value)",
                             "write the profile's values, one a line (8,760 for a year of hours; a header "
                             "line above them is allowed), or remove 'profile:' for a flat rate")
    _no_notes_above_the_header(rows)
    _one_header_line(rows)
    joined = delimiter == "," and _one_column_of_decimal_commas(rows)
    if not joined:
        _same_columns(rows)
        if delimiter == ",":
            _no_index_before_a_split_decimal(rows)
    _one_value_a_row(rows)
    if not joined:
        _columns_of_time_and_one_value(rows)
    dot_thousands = delimiter != "," and _dots_are_thousands(rows)
    header, data = _header_and_data(rows)
    year_in_header = header is not None and _is_number(header[-1])  # 'Dato;2023'
    values: list[float] = []
    for number, cells in rows:
        if number == rows[0][0] and year_in_header:
            continue
        written = ",".join(cells) if joined else cells[-1]
        if dot_thousands and _DOT_THOUSANDS.match(written):
            written = written.replace(".", "")  # 1.200,5 with a decimal comma: 1200.5
        written = spaced_thousands(written) or written  # 1 000,5, as Nordic sheets write it
        if written.count(",") == 1 and "." not in written:
            if delimiter == "," and not joined:  # a quoted cell ("12,5") of a comma file
                _not_a_thousands_comma(written, number)
            written = written.replace(",", ".")  # a decimal comma
        try:
            value = float(written)
        except ValueError:
            if number == rows[0][0]:
                continue  # a header line (the first row: blank lines or Excel's sep= before it)
            raise ProfileProblem(f"'{cells[-1]}' on line {number}", "every row needs a number",
                                 line=number) from None
        if not math.isfinite(value):
            raise ProfileProblem(f"'{cells[-1]}' on line {number}", "use finite numbers",
                                 line=number)
        if value < 0:
            raise ProfileProblem(f"a negative value {value:g} on line {number}",
                                 "profiles are shapes of a rate: use values >= 0", line=number)
        values.append(value)
        if len(values) > max(ACCEPTED_LENGTHS):
            rows_in_file = sum(1 for line in text.splitlines() if line.strip())
            raise ProfileProblem(f"{rows_in_file:,} rows, more than {max(ACCEPTED_LENGTHS)} values",
                                 _length_hint(rows_in_file - (header is not None)), line=number)
    numbers = [number for number, _ in (rows if header is None else rows[1:])]
    gaps = [a + 1 for a, b in zip(numbers, numbers[1:], strict=False) if b > a + 1]
    if gaps:  # an empty line where a value was meant: every later value would move up a step
        if len(values) not in ACCEPTED_LENGTHS:
            raise ProfileProblem(f"{len(values)} values and an empty line {gaps[0]}", LENGTHS_HINT,
                                 line=gaps[0])
        raise ProfileProblem(f"an empty line {gaps[0]} between values (a missing value?)",
                             "fill in the value that belongs there (for a meter gap, the usual rate of that "
                             "hour or day); every later value would be read a step early", line=gaps[0])
    return np.asarray(values, dtype=float)


def _no_notes_above_the_header(rows: list[tuple[int, list[str]]]) -> None:
    """Refuse an export's notes above its header (``Målepunkt: 7070...``, ``Enhet: kWh``, a
    title): two lines or more, a line of fewer columns, or a line naming a meter or the like by its
    number (``Målepunkt;707057500012345678``, ``Meter;4711-22``) before the header line (the last
    line without a number at its end above the values). They were called a second header line,
    or a row without a number or time."""
    top = rows[:20]
    words = [index for index, (_, cells) in enumerate(top) if not _reads_as_number(cells[-1])]
    header = words[-1] if words else 0
    line, names = top[header]
    values = top[header + 1:]
    timed = all(time_of(cells[0]) or _reads_as_number(cells[0]) for _, cells in values)  # not 'jan;5'

    def note(cells: list[str]) -> bool:  # a word, then a number or id, above rows of times or numbers
        return timed and len(cells) > 1 and _is_label(cells[0]) \
            and any(_has_digits(cell) and not _has_letters(cell) for cell in cells[1:])

    numbered = sum(_reads_as_number(cells[-1]) and not note(cells) for _, cells in top[:header])
    named = all(not time_of(cell) and not _reads_as_number(cell) for cell in names) \
        and any(map(_has_letters, names))
    if header == 0 or numbered > 1 or not named or len(values) < min(5, len(rows) - header - 1) \
            or any(len(cells) != len(names) for _, cells in values):
        return  # no line above a header, or words among the values ('1.200,5', 'n/a', '-'), said below
    if header < 2 and len(top[0][1]) >= len(names) and not note(top[0][1]):
        return  # a second header line (a row of units), said by _one_header_line
    first, notes = top[0][0], top[:header]
    shown = "; ".join(" ".join(cells).strip() for _, cells in notes if any(cell.strip() for cell in cells))
    lines = f"lines {first}-{line - 1}" if line - 1 > first else f"line {first}"
    raise ProfileProblem(f"{lines} above the header '{';'.join(names)}' (line {line}): notes of the export "
                         f"('{shown[:60]}')", "delete the lines above the header, so that the file starts "
                         "with its header line (or the first value); the profile's unit and meter belong in "
                         "the park file", line=first)


def _has_letters(cell: str) -> bool:
    return any(char.isalpha() for char in cell)


def _has_digits(cell: str) -> bool:
    return any(char.isdigit() for char in cell)


def _is_label(cell: str) -> bool:
    """A word or name (``Målepunkt``, ``Meter 4711``): letters, and no time or number."""
    return _has_letters(cell) and not time_of(cell) and not _reads_as_number(cell)


def _one_header_line(rows: list[tuple[int, list[str]]]) -> None:
    """Refuse a second header line (names, then units: ``Tid;Effekt`` over ``;MW``): a row of
    words where the numbers should start."""
    header, data = _header_and_data(rows)
    if header is None or not data:
        return
    line, cells = data[0]
    no_digits = not any(ch.isdigit() for cell in cells for ch in cell)
    words = not any(_reads_as_number(cell) or time_of(cell) for cell in cells)  # 'dd.mm.yyyy;m3'
    # one cell with digits ('18,920 MW') is a value written with its unit, said as such below
    if no_digits or (len(cells) > 1 and words):
        raise ProfileProblem(f"'{';'.join(cells)}' on line {line}, a second header line",
                             "keep one header line (the names; a unit may stand in a name: 'Effekt MW'), "
                             "then one number a row", line=line)


def _excel_separator(text: str) -> tuple[str, str]:
    """The text and its column separator: Excel's ``sep=;`` first line names it (the line is
    kept empty, so line numbers stay those of the file); else judged by :func:`_delimiter`."""
    first, newline, rest = text.partition("\n")
    marker = re.fullmatch(r"\s*sep=(.)\s*", first)
    if marker:
        return newline + rest, marker.group(1)
    return text, _delimiter(text[:2048])


def _length_hint(rows: int) -> str:
    """How to bring a profile of ``rows`` values to an accepted length, where the cause is likely."""
    for per_hour, what in ((4, "15-minute"), (2, "half-hourly"), (12, "5-minute"), (6, "10-minute")):
        if abs(rows - per_hour * HOURS) <= 2 * per_hour * 24 or abs(rows - per_hour * 8784) <= per_hour:
            return f"{what} data? Average each hour's {per_hour} values to one; " + LENGTHS_HINT
    if rows in (HOURS - 1, 8783):
        return ("one hour short: a day of 23 hours where the clock moves to summer time? Export the hours "
                "in UTC or in normal (winter) time all year; " + LENGTHS_HINT)
    if rows in (HOURS + 1, 8785):
        return ("one hour more than a year: the first hour of the next year at the end (an end "
                "included), or a day of 25 hours where the clock moves back? Remove that row; "
                + LENGTHS_HINT)
    return LENGTHS_HINT


def _delimiter(sample: str) -> str:
    """``;`` or a tab (Excel's "Text (Tab delimited)", or cells pasted from a sheet) when the file
    uses one, else ``,``. With ``;`` or a tab between columns a comma is a decimal mark. Judged by
    the rows below the first: a header's names may hold commas (``Effekt, MW;Tid, h``), and a
    row of ``0,5;1,5`` has more commas than semicolons."""
    if "\t" in sample:
        return "\t"
    lines = [line for line in sample.splitlines() if line.strip()]
    below = lines[1:] or lines
    with_semicolons = sum(";" in line for line in below)
    return ";" if with_semicolons and 2 * with_semicolons >= len(below) else ","


def _quotes_closed(text: str) -> None:
    """Refuse a quote left open: the CSV reader would read every row after it as one cell (read
    as no values at all, or failing past its 131,072-character cell limit)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.count('"') % 2:
            raise ProfileProblem(f"a quote (\") on line {number} that is not closed ('{line[:40]}')",
                                 "remove the quote, or close it on the same line", line=number)


def _one_value_a_row(rows: list[tuple[int, list[str]]]) -> None:
    """Refuse a profile written across one row (12 monthly values side by side): the value is
    the last column of each row, so it would read as one value."""
    _, data = _header_and_data(rows)
    if len(data) == 1 and len(data[0][1]) > 2:
        line, cells = data[0]
        raise ProfileProblem(f"{len(cells)} values side by side on line {line}, one row",
                             "write one value a line, in one column (transpose the row in the "
                             "spreadsheet); " + LENGTHS_HINT, line=line)


# A number with thousands points and maybe a decimal comma, as Nordic sheets write it: 1.200, 12.500,5
_DOT_THOUSANDS = re.compile(r"^[-+]?[1-9]\d{0,2}(\.\d{3})+(,\d+)?$")
_DECIMAL_COMMA = re.compile(rf"^[-+]?(?:[\d.]|{THOUSANDS_SPACE})*\d,\d+$")


def _dots_are_thousands(rows: list[tuple[int, list[str]]]) -> bool:
    """In a ``;`` or tab file, whether points in the values are thousands points: yes where the
    file writes decimal commas (``1.200,5``, or ``1.200`` beside ``850,5``); no where other values
    show a decimal point (``0.85``); where every pointed value reads both ways (``1.200`` beside
    ``850``: 1200, or 1.2?) the file is refused."""
    _, data = _header_and_data(rows)
    values = [(line, cells[-1]) for line, cells in data]
    if any(_DECIMAL_COMMA.match(value) for _, value in values):
        return True
    pointed = [(line, value) for line, value in values if "." in value and _is_number(value)]
    if pointed and all(_DOT_THOUSANDS.match(value) for _, value in pointed):
        line, value = pointed[0]
        whole, _, fraction = value.partition(".")
        raise ProfileProblem(f"'{value}' on line {line}: {whole}{fraction} with a thousands point or "
                             f"{whole}.{fraction} with a decimal point?",
                             "write the values without thousands points (1200), or with a decimal "
                             "comma (1200,0) in a ';' file", line=line)
    return False


def _not_a_thousands_comma(written: str, line: int) -> None:
    """A quoted ``"12,5"`` in a comma file is a decimal comma; ``"1,200"`` could be 1200 too."""
    whole, _, fraction = written.partition(",")
    if len(fraction) == 3 and whole.lstrip("+-") != "0":
        raise ProfileProblem(f"'{written}' on line {line}: {whole}{fraction} with a thousands comma or "
                             f"{whole}.{fraction} with a decimal comma?", COMMA_HINT, line=line)


def _no_index_before_a_split_decimal(rows: list[tuple[int, list[str]]]) -> None:
    """Refuse a comma file of three or more whole-number cells a row with no header naming them:
    ``0,11,37`` is as much an index and 11,37 with a decimal comma as three columns."""
    header, data = _header_and_data(rows)
    if not data or (header and len(header) >= len(data[0][1])):
        return
    if all(len(cells) >= 3 and all(_DIGITS.match(cell) or time_of(cell) for cell in cells)
           and sum(map(bool, map(_DIGITS.match, cells))) >= 2 for _, cells in data):
        line, cells = data[0]  # '2023-01-01 00:00,18,92' too: a time, then 18 and 92, or 18,92?
        raise ProfileProblem(f"'{','.join(cells)}' on line {line}: {len(cells)} columns, or "
                             f"{','.join(cells[:-2])} and {cells[-2]},{cells[-1]} with a decimal comma?",
                             COMMA_HINT, line=line)


def _read_text(path: Path) -> str:
    """The text of a profile file, or a :class:`ProfileProblem` saying why it cannot be read."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES and path.is_file():
            raise ProfileProblem(f"a file of {size / 1e6:,.0f} MB", LENGTHS_HINT)
        text = _decoded(path.read_bytes())
    except FileNotFoundError:
        raise ProfileProblem("no such file", _missing_file_hint(path)) from None
    except IsADirectoryError:
        raise ProfileProblem("a folder, not a file", "name the CSV file inside it") from None
    except UnicodeDecodeError:
        raise ProfileProblem("a file that is not UTF-8 text", "save it as CSV in UTF-8") from None
    except OSError as exc:
        raise ProfileProblem(f"an unreadable file ({exc.strerror})", "check its permissions") from None
    return text


def _decoded(raw: bytes) -> str:
    """The text of a profile file: UTF-8 (with or without a byte-order mark), UTF-16 with its
    mark (Excel's "Unicode text"), else Windows-1252, as Excel's "CSV (semicolon separated)" saves
    it on a Norwegian or Swedish Windows (æ, ø, å in a header). A workbook renamed .csv, or
    another binary file, is refused."""
    if raw.startswith(b"PK\x03\x04") or raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise ProfileProblem("an Excel workbook, not a CSV file", "in Excel, save it as 'CSV (semicolon "
                             "separated)' or 'CSV UTF-8'")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        if b"\x00" in raw:
            raise UnicodeDecodeError("utf-8", raw, 0, 1, "binary") from None
        return raw.decode("cp1252", errors="strict")


def _missing_file_hint(path: Path) -> str:
    """How to name a profile that is not there: '/' between folders (a Windows path's '\\' is
    part of a file name elsewhere), or the file whose name differs only in case."""
    if "\\" in path.name:
        slashed = path.name.replace("\\", "/")
        return f"write the path with '/' between folders ({slashed}), as on every system"
    folder = path.parent
    alike = sorted(p.name for p in folder.iterdir() if p.name.casefold() == path.name.casefold()) \
        if folder.is_dir() else []
    if alike:
        return f"did you mean '{alike[0]}'? (file names are case-sensitive)"
    return "check the path; it is relative to the park folder"


def _rows(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """The non-empty rows of a profile file (line number, cells); no more than a profile can have
    plus one: reading a million rows would take seconds, and they are refused anyway."""
    rows = ((number, [cell.strip() for cell in row if cell.strip()])
            for number, row in enumerate(csv.reader(text.splitlines(), delimiter=delimiter), start=1))
    return list(itertools.islice(((n, cells) for n, cells in rows if cells), max(ACCEPTED_LENGTHS) + 2))


_DIGITS = re.compile(r"^\d+$")
# A whole number: 1500, or 1 500 as Nordic sheets write it.
_WHOLE = re.compile(rf"^(\d+|\d{{1,3}}({THOUSANDS_SPACE}\d{{3}})+)$")
_WHOLE_SPACES = re.compile(THOUSANDS_SPACE)
_DOTTED = re.compile(r"^[-+]?(\d+\.\d*|\.\d+|\d+[eE][-+]?\d+)$")
COMMA_HINT = ("save it with ';' between columns (then 12,5 is read as 12.5), or write decimals with a point "
              "(12.5) and no thousands commas")


def _is_split_decimal(cells: list[str]) -> bool:
    """Two cells that a decimal comma may have split: a whole number (``1 500``), then digits."""
    return len(cells) == 2 and bool(_WHOLE.match(cells[0]) and _DIGITS.match(cells[1]))


def _one_column_of_decimal_commas(rows: list[tuple[int, list[str]]]) -> bool:
    """Whether a comma-separated profile is one column of decimal-comma numbers, each ``12,5`` split
    into two cells. Not when a header names columns, a row has other columns (``0,1.5``) or the first
    cells count rows (an index); refused where the reading is not the only sensible one."""
    header, data = _header_and_data(rows)
    pairs = [(number, cells) for number, cells in data if _is_split_decimal(cells)]
    if not pairs or any(len(cells) > 1 for _, cells in data if not _is_split_decimal(cells)):
        return False
    singles = [(number, cells[0]) for number, cells in data if len(cells) == 1]
    if not singles and _is_index([int(_WHOLE_SPACES.sub("", cells[0])) for _, cells in pairs]):
        return False
    (line, (whole, fraction)), *_ = pairs
    spaced = any(_WHOLE_SPACES.search(cells[0]) for _, cells in pairs)  # 1 500,0: a decimal comma
    if header and len(header) > 1 and not spaced:  # "Effekt, MW" over 0,85: two columns, or a comma?
        raise ProfileProblem(f"'{whole},{fraction}' on line {line} under the header "
                             f"'{','.join(header)}': two columns, or {whole}.{fraction} with a decimal "
                             "comma?", COMMA_HINT, line=line)
    dotted = next(((number, cell) for number, cell in singles if _DOTTED.match(cell)), None)
    if dotted:
        raise ProfileProblem(f"'{whole},{fraction}' on line {line} (a decimal comma, or two columns?) and "
                             f"'{dotted[1]}' with a decimal point on line {dotted[0]}", COMMA_HINT, line=line)
    if singles and all(len(cells[1]) == 3 and cells[0].lstrip("+-") != "0" for _, cells in pairs):
        raise ProfileProblem(f"'{whole},{fraction}' on line {line}: {whole}{fraction} with a thousands comma "
                             f"or {whole}.{fraction} with a decimal comma?", COMMA_HINT, line=line)
    return True


def _header_and_data(rows: list[tuple[int, list[str]]]
                     ) -> tuple[list[str] | None, list[tuple[int, list[str]]]]:
    """The header's cells (a first line whose last cell is no number; None without one) and the
    rows of data."""
    if rows and not _reads_as_number(rows[0][1][-1]):
        return rows[0][1], rows[1:]
    if len(rows) > 1 and len(rows[0][1]) > 1 and time_of(rows[1][1][0]) \
            and not time_of(rows[0][1][0]) and not _is_number(rows[0][1][0]):
        return rows[0][1], rows[1:]  # 'Dato;2023' over dates: a header whose last name is a year
    if len(rows) > 1 and len(rows[0][1]) == 1 and re.fullmatch(r"(19|20)\d\d", rows[0][1][0]):
        rest = [number for _, cells in rows[1:50] if (number := _as_number(cells[-1])) is not None]
        if rest and max(rest) < int(rows[0][1][0]) / 5:
            return rows[0][1], rows[1:]  # a column headed by its year ('2023') over smaller values
    return None, rows


def _as_number(cell: str) -> float | None:
    """The number a cell writes as a profile may write it (``12.5``, ``12,5``, ``1 500,0``);
    None for anything else."""
    written = spaced_thousands(cell) or cell
    for candidate in (written, written.replace(",", ".") if written.count(",") == 1 else None):
        if candidate is not None and _is_number(candidate):
            return float(candidate)
    return None


def _reads_as_number(cell: str) -> bool:
    return _as_number(cell) is not None


def _same_columns(rows: list[tuple[int, list[str]]]) -> None:
    """Every data row has as many columns as the first: the value is the last column, so a row
    with more (``1,200,000`` among ``950``: a thousands comma) would be read as its last part."""
    _, data = _header_and_data(rows)
    if not data:
        return
    first_line, first = data[0]
    odd = next(((number, cells) for number, cells in data if len(cells) != len(first)), None)
    if odd:
        number, cells = odd
        if time_of(first[0]) and not time_of(cells[0]) and not _reads_as_number(cells[0]):
            raise ProfileProblem.of_times(among_times(cells[0], number))
        if len(cells) < len(first) and all(time_of(cell) for cell in cells):
            raise ProfileProblem(f"line {number} has a time and no value ('{','.join(cells)}')",
                                 "fill in the value (for a meter gap, the usual rate of that hour)",
                                 line=number)
        raise ProfileProblem(f"line {number} has {len(cells)} columns ('{','.join(cells)}'), "
                             f"line {first_line} has {len(first)}",
                             "give every row the same columns; " + COMMA_HINT, line=number)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _is_index(firsts: list[int]) -> bool:
    """Whether numbers count rows: 0, 1, 2, ... (from any start), or repeat such a count of at least
    12 (hours of each day 0..23, months 1..12)."""
    run = next((i for i in range(1, len(firsts)) if firsts[i] != firsts[i - 1] + 1), len(firsts))
    if run == len(firsts):
        return len(firsts) > 1
    return run >= 12 and all(first == firsts[0] + i % run for i, first in enumerate(firsts))


def to_hourly(values: np.ndarray) -> np.ndarray:
    """Map a profile of an accepted length onto 8760 hours, with mean 1."""
    n = len(values)
    if n == 8784:
        values = np.delete(values, np.s_[LEAP_DAY_INDEX * 24 : (LEAP_DAY_INDEX + 1) * 24])
    elif n == 366:
        values = np.repeat(np.delete(values, LEAP_DAY_INDEX), 24)
    elif n == 365:
        values = np.repeat(values, 24)
    elif n == 12:
        values = np.repeat(values, [days * 24 for days in DAYS_IN_MONTH])
    elif n in (24, 168):
        values = np.resize(values, HOURS)
    elif n != HOURS:
        raise ProfileProblem(f"{n} values", _length_hint(n))
    peak = float(values.max())
    if peak <= 0:
        raise ProfileProblem("only zeros", "a profile needs some positive values")
    values = values / peak  # first to at most 1: the mean of values near 1e308 would overflow
    return values / float(values.mean())


def load_profile(path: Path) -> tuple[float, ...]:
    """A profile file as 8760 hourly factors with mean 1. A file is parsed once while its bytes
    are the same (streams share files: a 100-firm park parsed 21 files 168 times, 10 s of its
    load); keyed by its bytes, not its time of change, which a rewrite may leave as it was."""
    try:
        digest = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    except OSError:  # read_values names the problem
        return _hourly_factors(path)
    return _cached_factors(str(path.resolve()), digest)


def _hourly_factors(path: Path) -> tuple[float, ...]:
    return tuple(to_hourly(read_values(path)).round(12).tolist())


@lru_cache(maxsize=256)
def _cached_factors(path: str, digest: str) -> tuple[float, ...]:
    """Keyed by the file's bytes too (``digest``), so an edited file is parsed again."""
    return _hourly_factors(Path(path))


# -- columns before the value: times, counts, labels; never a second column of values -----------
def _columns_of_time_and_one_value(rows: list[tuple[int, list[str]]]) -> None:
    """Check the columns before the value (the last): the rows' times follow the calendar
    (:mod:`symbiosis.park.profile_times`), and no other column holds values (the last column of
    ``Tid;Effekt (MW);Kvalitet`` is a quality code)."""
    header, data = _header_and_data(rows)
    if not data or len(data[0][1]) < 2:
        return
    width = len(data[0][1])
    try:
        times, dating = row_times(header, data)
        if times is not None:
            check_times(times, data, dating)
    except TimeProblem as exc:
        raise ProfileProblem.of_times(exc) from None
    for column in range(dating, width - 1):
        cells = [row[column] for _, row in data]
        if not all(map(_reads_as_number, cells)):
            continue  # text: times in another format (1/1/2023 0:00), labels; not values
        name = header[column] if header is not None and column < len(header) else None
        dates_or_counts = _calendar_numbers(cells) if name is None else calendar_name(name)
        if not _counts_rows(cells) and not dates_or_counts:
            names = (f" ('{name}' and '{header[-1]}')" if header is not None and len(header) == width else "")
            hint = ("keep one column of values (beside a time or hour column if you like): a profile is one "
                    "series, and symbiosis reads the last column")
            line, why = data[0][0], ""
            off = _off_the_calendar(cells, data, column) if name is None else None
            if off is not None:  # 12;0 over 7;1: values and a quality code, or a day and its values?
                line, why = off
                hint += (f"; if column {column + 1} dates the rows, add a header line naming the columns "
                         "(as 'Dag;Verdi')")
            raise ProfileProblem(f"two columns of values{names}: column {column + 1} and the last, column "
                                 f"{width}{why}", hint, line=line)


def _counts_rows(cells: list[str]) -> bool:
    """Whether a column counts the rows: numbers one step apart (0, 1, 2 or 0.5, 1.5, 2.5), or a
    count of whole numbers that repeats (the hour of each day)."""
    try:
        numbers = [float(cell.replace(",", ".")) for cell in cells]
    except ValueError:
        return False
    if all(number.is_integer() for number in numbers) and _is_index([int(number) for number in numbers]):
        return True
    steps = {round(b - a, 9) for a, b in zip(numbers, numbers[1:], strict=False)}
    return len(steps) == 1 and steps.pop() > 0


def _calendar_numbers(cells: list[str]) -> bool:
    """Whether a column without a name dates the rows: years, compact dates (20230101, 2023010100),
    or whole numbers of a month, day, hour or day of the year (0-366) that step as the calendar does
    (see :func:`_calendar_steps`). Not values: 1500;0 is a value and its quality code, and so is
    12;0 over 7;1 (a value of 0-31 goes down where no day, month or hour does)."""
    numbers = _whole_numbers(cells)
    if numbers is None:
        return False  # '1 500' (spaced thousands) is a value
    compact = {len(cell) for cell in cells} <= {8, 10} and all(cell[:2] in ("19", "20") for cell in cells)
    if all(1900 <= number <= 2100 for number in numbers) or compact:
        return True
    return max(numbers) <= 366 and _calendar_steps(numbers) is None


def _whole_numbers(cells: list[str]) -> list[int] | None:
    """The cells as whole numbers, if each is written as digits alone (no sign, point or spaces)."""
    return [int(cell) for cell in cells] if all(_DIGITS.match(cell) for cell in cells) else None


def _calendar_steps(numbers: list[int]) -> int | None:
    """Where whole numbers stop stepping as a day, month, hour or day-of-year column of rows in time
    order does (the index of the first number off it; 0 for one number in every row); None where
    they do. Each is the one before, one more, or back to 0 or 1 (a new day, month or year), and
    not the same all along (a day of a 24-hour file, or a value that never changes beside a quality
    code that does? Not told apart)."""
    for index in range(1, len(numbers)):
        if numbers[index] - numbers[index - 1] not in (0, 1) and numbers[index] > 1:
            return index
    return 0 if len(set(numbers)) == 1 else None


def _off_the_calendar(cells: list[str], data: list[tuple[int, list[str]]], column: int
                      ) -> tuple[int, str] | None:
    """For a column of whole numbers of 0-366 that does not step as the calendar does (values, or
    rows dated out of order: which, a header can say), the line where it leaves the calendar and
    what it does there; None for any other column."""
    numbers = _whole_numbers(cells)
    if numbers is None or max(numbers) > 366:
        return None
    index = _calendar_steps(numbers)
    if index is None:
        return None
    if index == 0:
        return data[0][0], (f" (column {column + 1} is '{cells[0]}' in every row: the rows' day or month, "
                            "or a value that never changes?)")
    return data[index][0], (f" ('{cells[index]}' after '{cells[index - 1]}' on line {data[index][0]}: column "
                            f"{column + 1}'s whole numbers step as no day, month or hour column does)")
