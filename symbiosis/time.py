"""Time steps of a model run: annual, hourly, or typical days.

- ``annual``: one step of 8760 h; every stream at its mean rate.
- ``hourly``: 8760 steps of 1 h; each stream's rate follows its profile.
- ``typical_days: N``: the year's 365 days clustered into N typical days of 24 hourly
  steps (tsam, k-means on all profiles together, column means preserved); a step's
  weight is the number of days its typical day stands for.
- ``{typical_days: N, segments: M}``: each typical day in M steps of consecutive hours
  with like rates (tsam's segmentation, Pineda and Morales 2018; Hoffmann, Kotzur and
  Stolten 2021): a step lasts its segment's hours and weighs them times its day's count.
  Far fewer steps for large parks, at some loss of within-day detail (reported as the
  aggregation error).

A step's weight is its number of hours in the year, so annual sums are
``sum(weight * rate)``. Storage is cyclic within each *period*: the whole year for
``hourly``, each typical day for ``typical_days``.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from symbiosis.park import Park, Stream
from symbiosis.units import HOURS_PER_YEAR

if TYPE_CHECKING:
    from symbiosis.candidates import Candidates

HOURS = int(HOURS_PER_YEAR)


@dataclass(frozen=True)
class TimeSteps:
    """Weights (hours) of the steps and how each stream's rate maps onto them.

    ``factors`` (typical days) gives each profiled stream's factor per step; otherwise
    ``hours`` says which hours of the year each step stands for. ``period`` numbers the
    period each step belongs to (storage is cyclic within a period).
    """

    mode: str
    weights: np.ndarray
    hours: tuple[np.ndarray, ...] = ()
    factors: Mapping[str, np.ndarray] = field(default_factory=dict)
    period: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=int))
    day_order: np.ndarray | None = None
    aggregation_error: Mapping[str, float] = field(default_factory=dict)
    step_hours: np.ndarray | None = None  # segmented typical days: hours each step lasts

    def __len__(self) -> int:
        return len(self.weights)

    def rates(self, stream: Stream) -> np.ndarray:
        """Mean rate of ``stream`` in each step (MW or t/h)."""
        if stream.profile is None:
            return np.full(len(self), stream.amount)
        if self.mode == "typical_days":
            factor = self.factors.get(stream.key)  # none: in no link, clustered out at its mean rate
            return stream.amount * factor if factor is not None else np.full(len(self), stream.amount)
        hourly = np.asarray(stream.profile) * stream.amount
        if self.mode == "hourly":
            return hourly
        return np.array([hourly[h].mean() for h in self.hours])

    def durations(self) -> np.ndarray:
        """Hours each step lasts within its period: 8760 for the annual step, a segment's
        hours for segmented typical days, else 1."""
        if self.step_hours is not None:
            return np.asarray(self.step_hours, dtype=float)
        return np.full(len(self), HOURS_PER_YEAR) if self.mode == "annual" else np.ones(len(self))

    def next_step(self) -> np.ndarray:
        """The step after each step within its period, wrapping to the period's first."""
        following = np.arange(1, len(self) + 1)
        for period in np.unique(self.period):
            steps = np.flatnonzero(self.period == period)
            following[steps[-1]] = steps[0]
        return following


def annual() -> TimeSteps:
    return TimeSteps("annual", np.array([HOURS_PER_YEAR]), (np.arange(HOURS),))


def hourly() -> TimeSteps:
    return TimeSteps("hourly", np.ones(HOURS), tuple(np.arange(HOURS)[:, None]),
                     period=np.zeros(HOURS, dtype=int))


def typical_days(park: Park, days: int, *, segments: int | None = None, seed: int = 0,
                 only: Collection[str] | None = None) -> TimeSteps:
    """Cluster the year's days into ``days`` typical days with tsam (Kotzur et al. 2018),
    each in ``segments`` steps of consecutive hours if given (else 24 hourly steps).

    ``only`` (stream keys) limits the clustering to those streams' profiles: the others, in no
    candidate link, run at their mean rate, which gives their routes the same year, and a firm
    with nothing to exchange no longer moves the typical days of those that have (an audit: a
    lonely firm's summer steam demand changed a park's answer by 6,368 EUR a year).

    The aggregation error of each profile is the RMSE of the hourly profile rebuilt from
    the typical days against the original, relative to its mean.
    """
    profiles = {s.key: np.asarray(s.profile, dtype=float) for s in park.streams
                if s.profile is not None and (only is None or s.key in only)}
    if not profiles:
        return _flat_days(min(days, 365))
    if days >= 365 and (segments is None or segments >= 24):  # every day its own: the hours
        return hourly()
    profile_bytes = tuple((key, profile.tobytes()) for key, profile in profiles.items())
    return _clustered(days, segments, seed, profile_bytes)


@functools.lru_cache(maxsize=4)
def _clustered(days: int, segments: int | None, seed: int,
               profile_bytes: tuple[tuple[str, bytes], ...]) -> TimeSteps:
    """The clustering of :func:`typical_days`, kept for the same profiles: an analysis re-solves
    one park tens of times (explain, pareto, risk), and tsam takes 0.3 s a time on Herøya."""
    import tsam  # imported here: only typical-day runs pay for it

    profiles = {key: np.frombuffer(raw, dtype=float) for key, raw in profile_bytes}
    segmented = segments is not None and segments < 24
    index = pd.date_range("2023-01-01", periods=HOURS, freq="h")  # a 365-day year
    frame = pd.DataFrame(profiles, index=index)
    np.random.seed(seed)  # tsam's k-means draws from numpy's global generator
    aggregation = tsam.aggregate(frame, n_clusters=days, period_duration=24,
                                 segments=tsam.SegmentConfig(n_segments=segments) if segmented else None)
    counts = aggregation.cluster_counts
    clusters = sorted(counts)
    representatives = aggregation.cluster_representatives
    factors = {key: np.concatenate([representatives.loc[c, key].to_numpy() for c in clusters])
               for key in profiles}
    steps_per_day = segments if segmented else 24
    hours = (np.concatenate([np.asarray(aggregation.segment_durations[c], dtype=float) for c in clusters])
             if segmented else None)
    rebuilt = aggregation.reconstructed
    error = {key: float(np.sqrt(((rebuilt[key].to_numpy() - frame[key].to_numpy()) ** 2).mean())
                        / max(frame[key].mean(), 1e-12)) for key in profiles}
    weights = np.repeat([float(counts[c]) for c in clusters], steps_per_day)
    if hours is not None:
        weights = weights * hours
    return TimeSteps(
        "typical_days", weights, factors=factors, period=np.repeat(np.arange(len(clusters)), steps_per_day),
        day_order=np.asarray(aggregation.cluster_assignments), aggregation_error=error, step_hours=hours,
    )


def _flat_days(days: int) -> TimeSteps:
    """No profiles at all: one typical day stands for the whole year."""
    return TimeSteps("typical_days", np.full(24, 365.0), period=np.zeros(24, dtype=int),
                     day_order=np.zeros(365, dtype=int))


def time_steps(park: Park, candidates: Candidates | None = None) -> TimeSteps:
    """The time steps the park's ``time:`` setting asks for; typical days of the streams in
    ``candidates``' links, when given (:func:`typical_days`' ``only``)."""
    mode = park.settings.time
    if mode.kind == "hourly":
        return hourly()
    if mode.kind == "typical_days":
        linked = None if candidates is None else frozenset(
            key for link in candidates.links
            for key in (f"{link.from_firm}.{link.from_stream}", f"{link.to_firm}.{link.to_stream}"))
        return typical_days(park, mode.typical_days or 8, segments=mode.segments, only=linked)
    return annual()
