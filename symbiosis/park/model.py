"""The validated, immutable ``Park``: every quantity a float in the base units of
:mod:`symbiosis.units`. Candidates and the model read only this, never the file."""

from __future__ import annotations

import array
import hashlib
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Any

from symbiosis.units import HOURS_PER_YEAR

# The route of what a hub's units make and no link takes (vented at no cost); a park with hubs
# may not name a route of its own so.
HUB_VENT_ROUTE = "vent"


class Carrier(StrEnum):
    HEAT = "heat"
    STEAM = "steam"
    HYDROGEN = "hydrogen"
    ELECTRICITY = "electricity"
    OXYGEN = "oxygen"
    MATERIAL = "material"

    @property
    def is_energy(self) -> bool:
        return self in (Carrier.HEAT, Carrier.STEAM, Carrier.ELECTRICITY)

    @property
    def rate_unit(self) -> str:
        """Unit of amounts and capacities: MW for energy, t/h for mass."""
        return "MW" if self.is_energy else "t/h"

    @property
    def annual_unit(self) -> str:
        """Unit of annual amounts: MWh for energy, t for mass."""
        return "MWh" if self.is_energy else "t"


class FrozenMapping(Mapping):
    """A read-only mapping that pickles (a park goes to worker processes: Dask, joblib,
    ``concurrent.futures``), which ``types.MappingProxyType`` does not."""

    __slots__ = ("_items",)

    def __init__(self, items: Mapping) -> None:
        self._items = dict(items)

    def __getitem__(self, key: Any) -> Any:
        return self._items[key]

    def __iter__(self) -> Iterator:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"FrozenMapping({self._items!r})"

    def __reduce__(self) -> tuple:
        return FrozenMapping, (self._items,)


def frozen_mapping(items: Mapping) -> Mapping:
    return FrozenMapping(items)


@dataclass(frozen=True)
class Route:
    """Today's way to buy, or get rid of, a carrier; price per MWh or t, emissions t CO2 per MWh or t."""

    id: str
    carrier: Carrier
    price: float
    emissions: float = 0.0
    temperature: float | None = None
    material: str | None = None
    purity: float | None = None
    pressure: float | None = None


@dataclass(frozen=True)
class Stream:
    """A firm's surplus (supply) or need (demand) of one carrier; ``amount`` is the mean rate."""

    firm: str
    id: str
    direction: str
    carrier: Carrier
    amount: float
    current: str
    temperature: float | None = None
    target_temperature: float | None = None
    material: str | None = None
    purity: float | None = None
    pressure: float | None = None
    profile: tuple[float, ...] | None = None
    keep_current: bool = False

    @property
    def key(self) -> str:
        return f"{self.firm}.{self.id}"

    @property
    def is_supply(self) -> bool:
        return self.direction == "supply"

    @property
    def annual_amount(self) -> float:
        return self.amount * HOURS_PER_YEAR

    @cached_property
    def peak(self) -> float:
        """Largest rate over the year (the mean without a profile); kept once found, as the
        candidates ask it of each stream for every link (a max over 8,760 hours each time was
        most of finding 200 firms' candidates)."""
        return self.amount if self.profile is None else self.amount * max(self.profile)

    @property
    def t_high(self) -> float:
        """Highest temperature of a heat stream (K)."""
        assert self.temperature is not None
        return max(self.temperature, self.target_temperature or self.temperature)

    @property
    def t_low(self) -> float:
        """Lowest temperature of a heat stream (K)."""
        assert self.temperature is not None
        return min(self.temperature, self.target_temperature or self.temperature)


@dataclass(frozen=True)
class Location:
    """Either geographic (lat, lon in degrees) or local (x, y in km)."""

    lat: float | None = None
    lon: float | None = None
    x: float | None = None
    y: float | None = None

    @property
    def is_geographic(self) -> bool:
        return self.lat is not None


EARTH_RADIUS_KM = 6371.0


def straight_distance(a: Location, b: Location) -> float:
    """Straight distance in km: haversine (radius 6371 km) for lat/lon, Euclidean for x/y."""
    if a.is_geographic and b.is_geographic:
        lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
        h = (
            math.sin((lat2 - lat1) / 2) ** 2
            + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
        )
        return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
    if not a.is_geographic and not b.is_geographic:
        return math.hypot(a.x - b.x, a.y - b.y)
    raise ValueError("cannot measure between a lat/lon and an x/y location")


@dataclass(frozen=True)
class Rules:
    exclude_partners: frozenset[str] = frozenset()
    max_partners: int | None = None
    keep_current: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Firm:
    id: str
    name: str
    sector: str | None
    location: Location
    streams: tuple[Stream, ...]
    rules: Rules = Rules()
    storage: tuple[str, ...] = ()


@dataclass(frozen=True)
class CostPoint:
    capacity: float
    investment: float


@dataclass(frozen=True)
class Technology:
    """A catalogue entry merged with the park's overrides, in base units.

    Money in the park's currency; per capacity is per MW (energy) or per t/h (mass);
    per length is per km; shares (fixed_om, loss_per_km, efficiencies) are fractions.
    """

    name: str
    carrier: Carrier
    kind: str
    investment: float = 0.0
    investment_per_capacity: float = 0.0
    investment_per_length: float = 0.0
    lifetime: float = 20.0
    fixed_om: float = 0.0
    running_cost: float = 0.0
    cost_per_tonne_km: float = 0.0
    emissions_per_tonne_km: float = 0.0
    loss_per_km: float = 0.0
    min_approach: float = 0.0
    carnot_efficiency: float = 0.5
    efficiency: float = 1.0
    max_distance: float = math.inf
    min_capacity: float = 0.0
    cost_curve: tuple[CostPoint, ...] = ()
    standing_loss: float = 0.0  # storage: share of the content lost per hour
    charge_rate: float = 1.0  # storage: largest charge or discharge per hour, share of capacity
    heat_recovery: float = 0.0  # electrolyser: recoverable heat per MWh of electricity
    heat_temperature: float | None = None  # electrolyser heat: supply temperature, K
    heat_return_temperature: float | None = None  # electrolyser heat: cooled to, K
    max_temperature: float | None = None  # heat pump, direct heat link: hottest it delivers, K
    purity: float | None = None  # electrolyser: hydrogen purity
    pressure: float | None = None  # electrolyser: delivery pressure, bar
    enabled: bool = True
    source: str = ""

    def crf(self, discount_rate: float) -> float:
        """Capital recovery factor r(1+r)^n / ((1+r)^n - 1); 1/n when r = 0."""
        return capital_recovery_factor(discount_rate, self.lifetime)


def capital_recovery_factor(rate: float, years: float) -> float:
    if rate == 0:
        return 1.0 / years
    growth = (1 + rate) ** years
    return rate * growth / (growth - 1)


@dataclass(frozen=True)
class MaterialRule:
    by_product: str
    replaces: str
    ratio: float = 1.0
    max_share: float = 1.0


@dataclass(frozen=True)
class ExistingLink:
    from_firm: str
    from_stream: str
    to_firm: str
    to_stream: str
    technology: str
    capacity: float


@dataclass(frozen=True)
class Hub:
    id: str
    location: Location
    technologies: tuple[str, ...]
    max_capacity: Mapping[str, float] = field(default_factory=dict)
    # A heat pump hub: the pooled loop it cools (K, warmed from -> to by the firms' surplus)
    # and the heat it delivers (K, cooled from -> to by the firms' demands).
    collect: tuple[float, float] | None = None
    deliver: tuple[float, float] | None = None


@dataclass(frozen=True)
class TimeMode:
    """``annual`` (one step of 8760 h), ``hourly`` (8760 steps) or ``typical_days``."""

    kind: str = "annual"
    typical_days: int | None = None
    segments: int | None = None  # steps per typical day (None: 24 hourly steps)

    def __str__(self) -> str:
        if not self.typical_days:
            return self.kind
        segments = f", segments: {self.segments}" if self.segments else ""
        return f"typical_days: {self.typical_days}{segments}"


@dataclass(frozen=True)
class Settings:
    name: str
    currency: str
    discount_rate: float
    carbon_price: float
    electricity: str | None
    time: TimeMode
    routing_factor: float = 1.3
    internal_links: bool = False
    description: str | None = None
    carbon_price_given: bool = True  # False: the file names no carbon price, so CO2 is free (0)
    per_eur: float = 1.0  # the park's currency per EUR: what the EUR catalogue and prices were converted at


@dataclass(frozen=True)
class Park:
    """A validated park. Build one with :func:`symbiosis.load_park`."""

    settings: Settings
    routes: Mapping[str, Route]
    technologies: Mapping[str, Technology]
    materials: tuple[MaterialRule, ...]
    firms: Mapping[str, Firm]
    existing: tuple[ExistingLink, ...] = ()
    hubs: Mapping[str, Hub] = field(default_factory=dict)
    folder: Path | None = None
    scenario: str | None = None
    fingerprint: str = ""
    # The fingerprint as symbiosis made it before 2026-12-05, of each value as written, units and
    # all: a result saved then is still known as one of this park data (:meth:`has_fingerprint`).
    fingerprint_as_written: str = ""
    overrides: tuple[tuple[str, str], ...] = ()  # --set KEY=VALUE applied, as (key, value text)
    added_routes: tuple[str, ...] = ()  # routes a scenario or --set added to those of park.yaml
    # Every value of the park files as read (scenario and --set applied) by its key path, and each
    # profile file's digest (``park.load.data_by_key``): what a report compares between runs.
    data_as_read: Mapping[str, Any] = field(default_factory=dict)
    # Values written like '16.000 MWh/year' (read as 16) as (key path, number, unit): thousands
    # meant? (a warning)
    points_in_thousands: tuple[tuple[str, str, str], ...] = ()
    # True on the Park ``load_park`` returns: its fingerprint vouches for its content. A Park made
    # from it (dataclasses.replace: init=False fields take their default) is not (data_fingerprint).
    as_loaded: bool = field(default=False, init=False, repr=False, compare=False)

    @property
    def name(self) -> str:
        return self.settings.name

    def has_fingerprint(self, fingerprint: str) -> bool:
        """Whether ``fingerprint`` (as a saved result records it) is of this park data: its own,
        or as symbiosis made it before 2026-12-05."""
        return bool(fingerprint) and fingerprint in self.fingerprints

    @property
    def fingerprints(self) -> tuple[str, ...]:
        """The fingerprints a result of this park data may record (:meth:`has_fingerprint`)."""
        if not self.as_loaded:
            return (self.data_fingerprint,)
        return tuple(f for f in (self.fingerprint, self.fingerprint_as_written) if f)

    def loaded(self) -> Park:
        """This park marked as ``load_park`` returns it (for the loader alone)."""
        object.__setattr__(self, "as_loaded", True)
        return self

    @property
    def data_fingerprint(self) -> str:
        """The fingerprint of the data this Park holds, as results record it: the park files'
        (with scenario and overrides) for a Park as loaded; for one changed in memory since
        (``dataclasses.replace(park, settings=...)``), that with a digest of its content, so that
        its results are not taken for the files' (an audit: a report then showed the files'
        carbon price beside an answer solved at another)."""
        if self.as_loaded or not self.fingerprint:
            return self.fingerprint
        return f"{self.fingerprint}~{self._content_digest}"

    @cached_property
    def _content_digest(self) -> str:
        digest = hashlib.blake2b(digest_size=6)
        for part in (self.settings, self.materials, self.existing):
            digest.update(repr(part).encode())
        for section in (self.routes, self.technologies, self.hubs):
            digest.update(repr(sorted(section.items())).encode())
        for firm_id, firm in sorted(self.firms.items()):
            digest.update(repr((firm_id, replace(firm, streams=()))).encode())
            for stream in firm.streams:
                digest.update(repr(replace(stream, profile=None)).encode())
                if stream.profile is not None:
                    digest.update(array.array("d", stream.profile).tobytes())
        return digest.hexdigest()

    @property
    def currency(self) -> str:
        return self.settings.currency

    @property
    def streams(self) -> tuple[Stream, ...]:
        return tuple(stream for firm in self.firms.values() for stream in firm.streams)

    def stream(self, key: str) -> Stream:
        firm, _, stream_id = key.partition(".")
        for stream in self.firms[firm].streams:
            if stream.id == stream_id:
                return stream
        raise KeyError(key)

    def __repr__(self) -> str:
        return (
            f"Park({self.name!r}, {len(self.firms)} firms, {len(self.streams)} streams, "
            f"currency={self.currency}, time={self.settings.time})"
        )
