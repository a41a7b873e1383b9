"""The park file contract (DESIGN section 2) as pydantic models: keys, types, words.

These models check the *shape* of ``park.yaml`` (which keys, which types); the
quantities stay strings here and are read with their units in
:mod:`symbiosis.park.convert`. Unknown keys are errors, so a typo is never kept.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, StrictFloat, StrictInt

Value = Annotated[str | StrictInt | StrictFloat, Field(union_mode="left_to_right")]
"""A quantity as written: ``"12 GWh/year"``, ``"85 degC"`` or a bare number for ratios
(never ``true``: a YAML boolean is not silently read as 1)."""
Degrees = Annotated[float, Strict()]

CarrierName = Literal["heat", "steam", "hydrogen", "electricity", "oxygen", "material"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class TypicalDays(Strict):
    typical_days: StrictInt = Field(gt=0, le=365,
                                    description="number of typical days (the model year has 365)")
    segments: StrictInt | None = Field(
        default=None, gt=0, le=24,
        description="steps per typical day: consecutive hours of like load merged (default: 24 hourly steps)")


class Settings(Strict):
    """The ``park:`` section."""

    name: str = Field(min_length=1, description="name of the park")
    currency: str = Field(description="currency of every price in the file: NOK, SEK, EUR ...")
    discount_rate: Value = Field(description="yearly discount rate, e.g. 7 %")
    carbon_price: Value | None = Field(
        default=None, description="price of a tonne of CO2 (not given: 0, with a warning)")
    electricity: str | None = Field(
        default=None, description="route that heat pumps and electrolysers buy electricity from"
    )
    time: Literal["annual", "hourly"] | TypicalDays = Field(
        default="annual", description="annual | hourly | {typical_days: N, segments: M}"
    )
    routing_factor: Value = Field(default=1.3, description="pipe or road length / straight distance")
    internal_links: bool = Field(default=False, description="links between streams of one firm")
    exchange_rates: dict[str, Value] = Field(
        default_factory=dict, description="EUR: 11.5 NOK: units of the park currency per currency"
    )
    description: str | None = None


class Route(Strict):
    """A way firms buy, or get rid of, a carrier today."""

    carrier: CarrierName = Field(description="the carrier it buys or disposes of")
    price: Value = Field(description="paid per unit; negative is income")
    emissions: Value = Field(default=0, description="t CO2 per unit (kg/kWh, t/t)")
    temperature: Value | None = Field(default=None, description="heat routes: their temperature")
    material: str | None = Field(default=None, description="material routes: which material")
    purity: Value | None = None
    pressure: Value | None = None
    source: str | None = None


class CostPoint(Strict):
    capacity: Value
    investment: Value


class Technology(Strict):
    """A technology's fields; in a park file every field is optional (it overrides the catalogue)."""

    carrier: CarrierName | None = None
    kind: Literal["link", "heat_pump", "electrolyser", "storage"] | None = None
    investment: Value | None = None
    investment_per_capacity: Value | None = None
    investment_per_length: Value | None = None
    lifetime: Value | None = None
    fixed_om: Value | None = None
    running_cost: Value | None = None
    cost_per_tonne_km: Value | None = None
    emissions_per_tonne_km: Value | None = None
    loss_per_km: Value | None = None
    min_approach: Value | None = None
    carnot_efficiency: Value | None = None
    efficiency: Value | None = None
    max_distance: Value | None = None
    min_capacity: Value | None = None
    cost_curve: list[CostPoint] | None = None
    standing_loss: Value | None = Field(default=None, description="storage: share lost per hour")
    charge_rate: Value | None = Field(default=None, description="storage: largest charge per hour, share")
    heat_recovery: Value | None = Field(default=None, description="electrolyser: heat out / electricity in")
    heat_temperature: Value | None = None
    heat_return_temperature: Value | None = None
    max_temperature: Value | None = Field(
        default=None, description="heat pump or direct heat link: highest temperature it heats a demand to")
    purity: Value | None = None
    pressure: Value | None = None
    enabled: bool | None = None
    source: str | None = None


class MaterialRule(Strict):
    by_product: str = Field(description="the material a stream supplies, e.g. fly_ash")
    replaces: str = Field(description="the material a demand needs, e.g. cement_clinker")
    ratio: Value = 1.0
    max_share: Value = "100 %"


class Location(Strict):
    lat: Degrees | None = Field(default=None, ge=-90, le=90, description="latitude in degrees north")
    lon: Degrees | None = Field(default=None, ge=-180, le=180, description="longitude in degrees east")
    x: Value | None = None
    y: Value | None = None


class Rules(Strict):
    exclude_partners: list[str] = Field(default_factory=list)
    max_partners: StrictInt | None = Field(default=None, ge=0, description="at most this many partner firms")
    keep_current: list[str] = Field(default_factory=list)


class Stream(Strict):
    direction: Literal["supply", "demand"] = Field(
        description="supply for a surplus, demand for a need")
    carrier: CarrierName = Field(description="heat, steam, hydrogen, electricity, oxygen or material")
    amount: Value | None = Field(default=None, description="a rate: MW, GWh/year, t/year ...")
    heat_capacity_rate: Value | None = Field(default=None, description="heat: kW/K instead of amount")
    temperature: Value | None = None
    target_temperature: Value | None = None
    material: str | None = None
    purity: Value | None = None
    pressure: Value | None = None
    profile: str | None = None
    current: str = Field(description="today's route for the stream, a name under 'routes:'")
    source: str | None = None


class Firm(Strict):
    name: str | None = None
    sector: str | None = None
    location: Location = Field(description="{lat, lon} in degrees or {x, y} with units")
    rules: Rules = Field(default_factory=Rules)
    storage: list[str] = Field(default_factory=list)
    streams: dict[str, Stream] = Field(default_factory=dict)
    source: str | None = None


class Existing(Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    from_: str = Field(alias="from", description="firm.stream of the supply")
    to: str = Field(description="firm.stream of the demand")
    technology: str = Field(description="a technology name, e.g. hot_water_pipe")
    capacity: Value = Field(description="e.g. 5 MW")


class HeatRange(Strict):
    """A heat stream's temperatures at a hub: where it starts and where it ends."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    from_: Value = Field(alias="from")
    to: Value


class Hub(Strict):
    location: Location = Field(description="{lat, lon} in degrees or {x, y} with units")
    technologies: list[str] = Field(description="e.g. [electrolyser, hydrogen_storage]")
    max_capacity: dict[str, Value] = Field(default_factory=dict)
    collect: HeatRange | None = Field(
        default=None,
        description="heat pump hub: the pooled low-temperature loop, e.g. {from: 25 degC, to: 35 degC}")
    deliver: HeatRange | None = Field(
        default=None, description="heat pump hub: the heat it sends out, e.g. {from: 85 degC, to: 50 degC}")


class ParkFile(Strict):
    """The whole ``park.yaml``."""

    park: Settings = Field(description="the park's settings: name, currency, discount_rate ...")
    routes: dict[str, Route] = Field(default_factory=dict)
    technologies: dict[str, Technology] = Field(default_factory=dict)
    materials: list[MaterialRule] = Field(default_factory=list)
    firms: dict[str, Firm] = Field(description="the firms by id, each with a location and streams")
    existing: list[Existing] = Field(default_factory=list)
    hubs: dict[str, Hub] = Field(default_factory=dict)


class ScenarioFile(Strict):
    """A scenario: the same keys as a park file, all optional, plus ``remove_firms``."""

    model_config = ConfigDict(extra="allow", frozen=True)
    remove_firms: list[str] = Field(default_factory=list)
    description: str | None = None
