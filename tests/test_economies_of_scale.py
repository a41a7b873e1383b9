"""Economies of scale: a technology's cost curve enters as a piecewise-linear investment."""

from __future__ import annotations

import pytest

import symbiosis
from symbiosis.park import capital_recovery_factor

FIRMS = {
    "foundry": {
        "location": {"x": "0 m", "y": "0 m"},
        "streams": {
            "flue": {
                "direction": "supply",
                "carrier": "heat",
                "temperature": "150 degC",
                "target_temperature": "100 degC",
                "amount": "30 MW",
                "current": "cooling_tower",
            }
        },
    },
    "town": {
        "location": {"x": "1000 m", "y": "0 m"},
        "streams": {
            "network": {
                "direction": "demand",
                "carrier": "heat",
                "temperature": "50 degC",
                "target_temperature": "80 degC",
                "amount": "12 MW",
                "current": "gas_boiler",
            }
        },
    },
}
PIPE = {
    "investment": "0 NOK",
    "investment_per_length": "0 NOK/m",
    "running_cost": "0 NOK/MWh",
    "loss_per_km": "0 %",
    "min_capacity": "0 MW",
    "fixed_om": "0 %",
    "lifetime": "30 year",
}
CURVE = [
    {"capacity": "10 MW", "investment": "10000000 NOK"},
    {"capacity": "20 MW", "investment": "15000000 NOK"},
]


def test_investment_follows_the_curve(make_park) -> None:
    """12 MW lies on the second segment: 10 MNOK + (15 - 10) MNOK x (12 - 10) / (20 - 10) = 11 MNOK."""
    park = make_park(
        FIRMS, technologies={"hot_water_pipe": {**PIPE, "cost_curve": CURVE}, "heat_pump": {"enabled": False}}
    )
    result = symbiosis.optimize(park)
    (pipe,) = result.exchanges.itertuples()
    assert pipe.capacity == pytest.approx(12)
    assert pipe.investment == pytest.approx(11e6)
    crf = capital_recovery_factor(0.07, 30)
    boiler = 0.55e3  # NOK/MWh, conftest's gas boiler; the cooling tower costs 10 NOK/MWh
    expected = crf * 11e6 + (30 - 12) * 8760 * 10
    assert result.total_cost == pytest.approx(expected, rel=1e-6)
    assert result.summary["baseline_cost"] == pytest.approx(12 * 8760 * boiler + 30 * 8760 * 10)


def test_a_parks_own_linear_price_replaces_the_catalogue_curve(make_park) -> None:
    park = make_park(
        FIRMS,
        technologies={
            "hot_water_pipe": {**PIPE, "investment_per_capacity": "500000 NOK/MW"},
            "heat_pump": {"enabled": False},
        },
    )
    assert park.technologies["hot_water_pipe"].cost_curve == ()
    result = symbiosis.optimize(park)
    assert result.exchanges.iloc[0]["investment"] == pytest.approx(12 * 500000)
