"""Problems found in park data, collected and raised once as a :class:`ParkError`."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One mistake in park data: where it is, what was found, what was expected, how to fix it."""

    file: str
    field: str
    found: str
    expected: str
    hint: str = ""
    line: int | None = None
    firm: str | None = None
    stream: str | None = None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        who = []
        if self.firm:
            who.append(f"firm '{self.firm}'")
        if self.stream:
            who.append(f"stream '{self.stream}'")
        head = f"{where}: " + (", ".join(who) + ", " if who else "") + f"field '{self.field}'"
        text = f"{head}: found {self.found}; expected {self.expected}."
        if self.hint:
            text += f" Fix: {self.hint}" + ("" if self.hint[-1] in ".?!" else ".")
        return text


def dotted(loc: tuple) -> str:
    """``("materials", 0, "ratio")`` -> ``materials[0].ratio``: items counted from 0, as
    ``--set materials.0.ratio=...`` and overrides write them."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def problem_at(file: str, line: int | None, loc: tuple, found: str, expected: str, hint: str = "",
               *, firm: str | None = None, stream: str | None = None) -> Problem:
    """A :class:`Problem` at ``loc`` in the park data: ``firms.F.streams.S.field`` names firm,
    stream and field; elsewhere the field is the dotted path (``routes.grid.price``)."""
    rest = loc
    if len(loc) >= 2 and loc[0] == "firms":
        firm, rest = str(loc[1]), loc[2:]
        if len(loc) >= 4 and loc[2] == "streams":
            stream, rest = str(loc[3]), loc[4:]
    field = dotted(rest) or ("stream" if stream else "firm" if firm else dotted(loc) or "park file")
    return Problem(file, field, found, expected, hint, line, firm, stream)


class ParkError(Exception):
    """Park data that cannot be used, with every problem found in it."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        # Each file's problems in the order of its lines, as a compiler lists them (those without a
        # line last); the files in the order their first problem was found.
        found = tuple(problems)
        files = {problem.file: rank for rank, problem in reversed(list(enumerate(found)))}
        self.problems = tuple(sorted(found, key=lambda p: (files[p.file], p.line is None, p.line or 0)))
        count = len(self.problems)
        lines = [f"{count} problem{'s' if count != 1 else ''} in the park data:"]
        lines += [f"  - {problem}" for problem in self.problems]
        super().__init__("\n".join(lines))


def closest(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The choice ``word`` most likely misspells, if one is close enough: never its opposite
    (``max_capacity`` is not a misspelt ``min_capacity``, whose value it would then set)."""
    word = str(word)
    opposite = re.sub(r"\b(min|max)(?=_|\b)", lambda m: {"min": "max", "max": "min"}[m.group(1)], word)
    options = sorted(str(choice) for choice in choices if opposite == word or str(choice) != opposite)
    close = difflib.get_close_matches(word, options, n=1, cutoff=cutoff)
    return close[0] if close else None


def a_or_an(words: str) -> str:
    """``words`` after its indefinite article: ``an electricity route``, ``a heat route``."""
    return ("an " if words[:1].lower() in "aeiou" else "a ") + words


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``"did you mean 'x'"`` when a close choice exists, else a list of the choices."""
    options = sorted(str(choice) for choice in choices)
    close = closest(word, options)
    if close:
        return f"did you mean '{close}'?"
    if not options:
        return "none are defined"
    shown = ", ".join(options[:12]) + (", ..." if len(options) > 12 else "")
    return f"choose one of: {shown}"


def value_words(value: Any, *, whole_file: bool = False) -> str:
    """A value as a problem says it was found: ``the text 'abc'``, ``a mapping``, ``'3'``."""
    if value is None:
        return "an empty file" if whole_file else "nothing (an empty value)"
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    return {dict: "a mapping", list: "a list", str: f"the text '{value}'"}.get(
        type(value), f"'{value}'")
