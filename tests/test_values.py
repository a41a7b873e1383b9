"""Stream values (dual prices with the build decisions fixed) against finite differences."""

from __future__ import annotations

import pytest

import symbiosis

FIRMS = {
    "plant": {"location": {"x": "0 m", "y": "0 m"}, "streams": {
        "cooling": {"direction": "supply", "carrier": "heat", "temperature": "95 degC",
                    "target_temperature": "60 degC", "amount": "18 GWh/year", "current": "cooling_tower"},
        "slag": {"direction": "supply", "carrier": "material", "material": "slag", "amount": "3000 t/year",
                 "current": "landfill"}}},
    "town": {"location": {"x": "700 m", "y": "0 m"}, "streams": {
        "network": {"direction": "demand", "carrier": "heat", "temperature": "40 degC",
                    "target_temperature": "70 degC", "amount": "10 GWh/year", "current": "gas_boiler"},
        "slag": {"direction": "demand", "carrier": "material", "material": "slag", "amount": "2000 t/year",
                 "current": "quarry"}}},
}
ROUTES = {"landfill": {"carrier": "material", "price": "1200 NOK/t"},
          "quarry": {"carrier": "material", "price": "300 NOK/t", "emissions": "0.01 t/t"}}


def _cost(make_park, changes: dict) -> float:
    firms = {f: {**firm, "streams": {s: {**stream, **changes.get(f"{f}.{s}", {})}
                                     for s, stream in firm["streams"].items()}} for f, firm in FIRMS.items()}
    park = make_park(firms, routes=ROUTES, park={"carbon_price": "900 NOK/t"},
                     technologies={"hot_water_pipe": {"cost_curve": []}})
    return symbiosis.optimize(park)


@pytest.mark.parametrize(("stream", "field", "base", "bumped", "step"), [
    ("town.network", "amount", 10000, 10010, 10),       # MWh/year
    ("plant.cooling", "amount", 18000, 18010, 10),
    ("town.slag", "amount", 2000, 2001, 1),              # t/year
])
def test_values_equal_the_change_in_cost(make_park, stream, field, base, bumped, step) -> None:
    unit = "MWh/year" if "network" in stream or "cooling" in stream else "t/year"
    reference = _cost(make_park, {})
    moved = _cost(make_park, {stream: {field: f"{bumped} {unit}"}})
    difference = (moved.total_cost - reference.total_cost) / step
    row = reference.values.set_index("stream").loc[stream]
    sign = -1 if row["direction"] == "supply" else 1
    assert sign * row["value"] == pytest.approx(difference, rel=1e-4, abs=1e-6)
