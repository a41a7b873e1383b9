"""Hourly profiles from CSV: a shape over one year, scaled so its mean is 1.

A profile file has one numeric column (a header line is allowed; with several
columns the last one is the value). Accepted lengths, all mapped to 8760 hours:

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
import math
from pathlib import Path

import numpy as np

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


def read_values(path: Path) -> np.ndarray:
    """The numbers in a profile CSV, or a :class:`ProfileProblem` naming the bad line."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES and path.is_file():
            raise ProfileProblem(f"a file of {size / 1e6:,.0f} MB", LENGTHS_HINT)
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ProfileProblem("no such file", "check the path; it is relative to the park folder") from None
    except IsADirectoryError:
        raise ProfileProblem("a folder, not a file", "name the CSV file inside it") from None
    except UnicodeDecodeError:
        raise ProfileProblem("a file that is not UTF-8 text", "save it as CSV in UTF-8") from None
    except OSError as exc:
        raise ProfileProblem(f"an unreadable file ({exc.strerror})", "check its permissions") from None
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    values: list[float] = []
    for number, row in enumerate(csv.reader(text.splitlines(), delimiter=delimiter), start=1):
        cells = [cell.strip() for cell in row if cell.strip()]
        if not cells:
            continue
        try:
            value = float(cells[-1])
        except ValueError:
            if number == 1:
                continue  # a header line
            raise ProfileProblem(f"'{cells[-1]}' on line {number}", "every row needs a number",
                                 line=number) from None
        if not math.isfinite(value):
            raise ProfileProblem(f"'{cells[-1]}' on line {number}", "use finite numbers",
                                 line=number)
        if value < 0:
            raise ProfileProblem(f"a negative value {value:g} on line {number}",
                                 "profiles are shapes of a rate: use values >= 0", line=number)
        values.append(value)
        if len(values) > max(ACCEPTED_LENGTHS):  # stop reading: a million rows would take seconds
            raise ProfileProblem(f"more than {max(ACCEPTED_LENGTHS)} values", LENGTHS_HINT, line=number)
    return np.asarray(values, dtype=float)


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
        raise ProfileProblem(f"{n} values", LENGTHS_HINT)
    peak = float(values.max())
    if peak <= 0:
        raise ProfileProblem("only zeros", "a profile needs some positive values")
    values = values / peak  # first to at most 1: the mean of values near 1e308 would overflow
    return values / float(values.mean())


def load_profile(path: Path) -> tuple[float, ...]:
    """A profile file as 8760 hourly factors with mean 1."""
    return tuple(to_hourly(read_values(path)).round(12).tolist())
