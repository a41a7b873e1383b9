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


def test_the_yearly_value_of_a_profiled_stream_is_one_more_unit_along_its_profile(make_park) -> None:
    """One more MWh of a year's surplus comes along the stream's profile: three quarters of it
    in the 12 hours a day the plant runs at 1.5 (1.5 x 12 of 24), where the town can take it all,
    a quarter at night, where it cannot. So the stream's yearly value, and the exchange's
    dual price, weight each step's value by its share of the amount (``amount_share``), not by
    its hours; the finite difference of the annual amount holds them to it."""
    day = "\n".join(["1.5"] * 12 + ["0.5"] * 12)
    firms = {
        "plant": {"location": {"x": "0 m", "y": "0 m"}, "streams": {
            "cooling": {"direction": "supply", "carrier": "heat", "temperature": "95 degC",
                        "target_temperature": "60 degC", "amount": "12 GWh/year", "profile": "day.csv",
                        "current": "cooling_tower"}}},
        "town": {"location": {"x": "700 m", "y": "0 m"}, "streams": {
            "network": {"direction": "demand", "carrier": "heat", "temperature": "40 degC",
                        "target_temperature": "70 degC", "amount": "10 GWh/year", "current": "gas_boiler"}}},
    }

    def solve(amount: str, fixed=None):
        firms["plant"]["streams"]["cooling"]["amount"] = amount
        settings = {"carbon_price": "900 NOK/t", "time": {"typical_days": 1}}
        park = make_park(firms, files={"day.csv": day}, park=settings,
                         technologies={"hot_water_pipe": {"cost_curve": []}})
        return symbiosis.optimize(park, gap=1e-9, fixed_links=fixed)

    reference = solve("12000 MWh/year")
    built = {link: True for link in reference.exchanges["id"]}
    assert built, "the pipe pays: the test needs it built"
    step = 10.0
    moved = solve(f"{12000 + step} MWh/year", fixed=built)
    finite_difference = -(moved.total_cost - reference.total_cost) / step  # a supply: what one more saves

    from symbiosis.results.values import yearly_values

    values = reference.values[reference.values["stream"] == "plant.cooling"]
    assert values["amount_share"].sum() == pytest.approx(1.0)
    yearly = yearly_values(reference.values)["plant.cooling"]
    assert yearly == pytest.approx(finite_difference, rel=1e-4, abs=1e-6)
    assert reference.exchanges["dual_price"].iloc[0] == pytest.approx(yearly)
    by_hours = (values["value"] * values["hours"]).sum() / values["hours"].sum()
    assert abs(by_hours - finite_difference) > 1.0, "the profile must make the hours-weighted mean wrong here"
