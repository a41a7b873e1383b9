"""Time steps of a model run: annual (one step of 8760 h) or hourly (8760 steps of 1 h).

A stream's rate in a step is its mean rate times the mean of its profile over
the hours of that step; a step's weight is its number of hours, so annual sums
are ``sum(weight * rate)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from symbiosis.park import Park, Stream
from symbiosis.units import HOURS_PER_YEAR


@dataclass(frozen=True)
class TimeSteps:
    """Weights (hours) of the steps, and which hours of the year each step stands for."""

    mode: str
    weights: np.ndarray
    hours: tuple[np.ndarray, ...]

    def __len__(self) -> int:
        return len(self.weights)

    def rates(self, stream: Stream) -> np.ndarray:
        """Mean rate of ``stream`` in each step (MW or t/h)."""
        if stream.profile is None:
            return np.full(len(self), stream.amount)
        hourly = np.asarray(stream.profile) * stream.amount
        if self.mode == "hourly":
            return hourly
        return np.array([hourly[h].mean() for h in self.hours])


def annual() -> TimeSteps:
    return TimeSteps("annual", np.array([HOURS_PER_YEAR]), (np.arange(int(HOURS_PER_YEAR)),))


def hourly() -> TimeSteps:
    hours = int(HOURS_PER_YEAR)
    return TimeSteps("hourly", np.ones(hours), tuple(np.arange(hours)[:, None]))


class TimeModeNotAvailable(ValueError):
    """A time mode this version cannot build yet."""


def time_steps(park: Park) -> TimeSteps:
    """The time steps the park's ``time:`` setting asks for."""
    mode = park.settings.time
    if mode.kind == "annual":
        return annual()
    if mode.kind == "hourly":
        return hourly()
    raise TimeModeNotAvailable(
        f"park: time: {mode} is not available yet; use 'annual' or 'hourly'"
    )
