"""Problems found in park data, collected and raised once as a :class:`ParkError`."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


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
            text += f" Fix: {self.hint}."
        return text


class ParkError(Exception):
    """Park data that cannot be used, with every problem found in it."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        lines = [f"{count} problem{'s' if count != 1 else ''} in the park data:"]
        lines += [f"  - {problem}" for problem in self.problems]
        super().__init__("\n".join(lines))


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``"did you mean 'x'"`` when a close choice exists, else a list of the choices."""
    options = sorted(str(choice) for choice in choices)
    close = difflib.get_close_matches(str(word), options, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    if not options:
        return "none are defined"
    shown = ", ".join(options[:12]) + (", ..." if len(options) > 12 else "")
    return f"choose one of: {shown}"
