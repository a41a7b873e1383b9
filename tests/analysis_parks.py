"""Small parks for the analysis tests (tests/test_analysis_*.py), each with its hand figures.

Conventions (DESIGN section 2): a year is 8760 h; CRF = r(1+r)^n / ((1+r)^n - 1) at 7 %;
a link's investment = investment + investment_per_capacity x capacity + investment_per_length
x length, length = straight distance x 1.3; annual cost = CRF x investment (no fixed O&M here)
+ running cost x delivered.
"""

from __future__ import annotations

from typing import Any

from conftest import park_dict

HOURS = 8760.0


def crf(rate: float, years: float) -> float:
    """Capital recovery factor, written out from DESIGN section 2 (not the package's)."""
    growth = (1 + rate) ** years
    return rate * growth / (growth - 1)


CRF20, CRF40 = crf(0.07, 20), crf(0.07, 40)


def at(x_m: float, y_m: float = 0.0) -> dict:
    return {"x": f"{x_m} m", "y": f"{y_m} m"}


def hydrogen(direction: str, amount: str = "0.05 t/h") -> dict:
    """Hydrogen flared for free (supply), or bought as grey hydrogen (demand)."""
    return {"direction": direction, "carrier": "hydrogen", "amount": amount,
            "current": "flare" if direction == "supply" else "grey_hydrogen"}


def surplus(amount: str) -> dict:
    """Heat cooled 90 -> 60 degC, today to the cooling tower (15 NOK/MWh)."""
    return {"direction": "supply", "carrier": "heat", "temperature": "90 degC",
            "target_temperature": "60 degC", "amount": amount, "current": "cooling"}


def need(amount: str) -> dict:
    """Heat warmed 40 -> 70 degC, today from the boiler (80 NOK/MWh)."""
    return {"direction": "demand", "carrier": "heat", "temperature": "40 degC",
            "target_temperature": "70 degC", "amount": amount, "current": "boiler"}


ROUTES = {"boiler": {"carrier": "heat", "price": "80 NOK/MWh", "temperature": "250 degC"},
          "cooling": {"carrier": "heat", "price": "15 NOK/MWh", "temperature": "10 degC"},
          "flare": {"carrier": "hydrogen", "price": "0 NOK/t"},
          "grey_hydrogen": {"carrier": "hydrogen", "price": "35 NOK/kg", "emissions": "10 t/t"}}
# Hydrogen pipe: 1 MNOK + 500 NOK/m + 100 kNOK per t/h, 40 years. Over 1 km (1.3 km of pipe) at 0.05 t/h:
# 1,655,000 NOK -> CRF(7 %, 40) x 1,655,000 = 124,140 NOK a year.
H2_PIPE = {"investment": "1000000 NOK", "investment_per_capacity": "100000 NOK/(t/h)",
           "investment_per_length": "500 NOK/m", "lifetime": "40 year", "fixed_om": "0 %",
           "loss_per_km": "0 %", "min_capacity": "0 t/h"}
# Heat pipe: 500 kNOK + 1000 NOK/m + 100 kNOK/MW, 2 NOK/MWh, 20 years. Over 1 km (1.3 km) at 2 MW:
# 2,000,000 NOK -> CRF(7 %, 20) x 2,000,000 = 188,786 NOK a year, plus 2 x 17,520 MWh = 35,040 NOK.
HEAT_PIPE = {"investment": "500000 NOK", "investment_per_capacity": "100000 NOK/MW",
             "investment_per_length": "1000 NOK/m", "running_cost": "2 NOK/MWh", "loss_per_km": "0 %",
             "fixed_om": "0 %", "lifetime": "20 year", "min_approach": "10 K", "min_capacity": "0 MW"}
TECHNOLOGIES = {"hydrogen_pipe": H2_PIPE, "hot_water_pipe": HEAT_PIPE, "heat_pump": {"enabled": False}}

# The hydrogen exchange: 0.05 t/h = 438 t a year no longer bought at 35,000 NOK/t, nothing lost by the flare.
H2_AVOIDED = 0.05 * HOURS * 35_000  # 15,330,000 NOK
H2_CAPITAL = CRF40 * (1_000_000 + 500 * 1300 + 100_000 * 0.05)
H2_SAVING = H2_AVOIDED - H2_CAPITAL  # 15,205,860 NOK
# The heat exchange: 2 MW = 17,520 MWh a year no longer from the boiler (80) nor to the cooling tower (15).
HEAT_BOILER_AVOIDED = 2 * HOURS * 80  # 1,401,600 NOK
HEAT_COOLING_AVOIDED = 2 * HOURS * 15  # 262,800 NOK
HEAT_CAPITAL = CRF20 * (500_000 + 1000 * 1300 + 100_000 * 2)
HEAT_RUNNING = 2 * 2 * HOURS
HEAT_SAVING = HEAT_BOILER_AVOIDED + HEAT_COOLING_AVOIDED - HEAT_CAPITAL - HEAT_RUNNING  # 1,440,574 NOK


def two_exchanges() -> dict[str, Any]:
    """chlor -> ammonia (hydrogen) and ammonia -> town (heat): two independent exchanges that share
    the firm ammonia; no other candidate exists."""
    return park_dict({
        "chlor": {"location": at(0), "streams": {"hydrogen": hydrogen("supply", "0.1 t/h")}},
        "ammonia": {"location": at(1000), "streams": {"hydrogen": hydrogen("demand"),
                                                      "cooling": surplus("3 MW")}},
        "town": {"location": at(1000, 1000), "streams": {"heat": need("2 MW")}},
    }, routes=ROUTES, technologies=TECHNOLOGIES)


def one_supplier_two_buyers() -> dict[str, Any]:
    """chlor has 0.05 t/h of hydrogen; east and west (each 1 km away) each need 0.05 t/h. Only one of
    them can have it: v({chlor, east}) = v({chlor, west}) = v(N) = H2_SAVING, every other v = 0."""
    return park_dict({
        "chlor": {"location": at(0), "streams": {"hydrogen": hydrogen("supply")}},
        "east": {"location": at(1000), "streams": {"hydrogen": hydrogen("demand")}},
        "west": {"location": at(-1000), "streams": {"hydrogen": hydrogen("demand")}},
    }, routes=ROUTES, technologies=TECHNOLOGIES)


# A hub electrolyser of 10 MW (fixed investment 200 MNOK, 20 years, free electricity): per MWh of
# electricity it makes 0.6 / 33.33 t of hydrogen, 0.25 MWh of heat and 7.94 x as much oxygen as hydrogen.
ELECTROLYSER_MW = 10.0
HUB_HYDROGEN = ELECTROLYSER_MW * 0.6 / 33.33 * HOURS  # t a year
HUB_HEAT = ELECTROLYSER_MW * 0.25 * HOURS  # MWh a year
HUB_OXYGEN = HUB_HYDROGEN * 7.94  # t a year
HUB_VALUE = {"steel": HUB_HYDROGEN * 5000, "town": HUB_HEAT * 400, "hospital": HUB_OXYGEN * 600}
HUB_CAPITAL = CRF20 * 200_000_000
FREE = {"investment": "0 NOK", "investment_per_length": "0 NOK/m", "fixed_om": "0 %", "loss_per_km": "0 %"}


def three_way_synergy() -> dict[str, Any]:
    """The hub electrolyser pays only if its hydrogen (steel), heat (town) and oxygen (hospital) all
    find a buyer: any two outputs are worth less than its capital (free pipes)."""
    firms = {
        "steel": {"location": at(0), "streams": {"hydrogen": {
            "direction": "demand", "carrier": "hydrogen", "amount": "1 t/h", "current": "grey_hydrogen"}}},
        "town": {"location": at(500), "streams": {"heat": {
            "direction": "demand", "carrier": "heat", "temperature": "30 degC",
            "target_temperature": "60 degC", "amount": "20 MW", "current": "boiler"}}},
        "hospital": {"location": at(0, 500), "streams": {"oxygen": {
            "direction": "demand", "carrier": "oxygen", "amount": "5 t/h", "current": "liquid_oxygen"}}},
    }
    return park_dict(
        firms,
        routes={"grey_hydrogen": {"carrier": "hydrogen", "price": "5000 NOK/t"},
                "boiler": {"carrier": "heat", "price": "400 NOK/MWh", "temperature": "250 degC"},
                "liquid_oxygen": {"carrier": "oxygen", "price": "600 NOK/t"},
                "grid": {"carrier": "electricity", "price": "0 NOK/MWh"}},
        hubs={"h2_hub": {"location": at(250, 250), "technologies": ["electrolyser"],
                         "max_capacity": {"electrolyser": f"{ELECTROLYSER_MW} MW"}}},
        technologies={
            "hot_water_pipe": {**FREE, "investment_per_capacity": "0 NOK/MW", "running_cost": "0 NOK/MWh",
                               "min_capacity": "0 MW", "cost_curve": []},
            "heat_pump": {"enabled": False},
            "hydrogen_pipe": {**FREE, "investment_per_capacity": "0 NOK/(t/h)", "running_cost": "0 NOK/t",
                              "min_capacity": "0 t/h"},
            "oxygen_pipe": {**FREE, "investment_per_capacity": "0 NOK/(t/h)", "running_cost": "0 NOK/t",
                            "min_capacity": "0 t/h"},
            "electrolyser": {"investment": "200000000 NOK", "investment_per_capacity": "0 NOK/MW",
                             "fixed_om": "0 %", "running_cost": "0 NOK/t", "lifetime": "20 year",
                             "efficiency": "60 %", "heat_recovery": "25 %", "min_capacity": "0 MW"}})


# Three hydrogen pairs 100 km apart (no cross links: a pipe reaches 20 km at most). Each supplier
# flares 0.1 t/h; each buyer needs 0.05 t/h (438 t a year) at 500 NOK/t and 10 t CO2/t. The pipe costs
# 1000 NOK/m only, and pair k is d_k = 1, 5, 10 km apart (1.3 d_k km of pipe).
PAIR_DISTANCE_KM = (1.0, 5.0, 10.0)
PAIR_CAPITAL = tuple(CRF40 * 1_000_000 * 1.3 * d for d in PAIR_DISTANCE_KM)
PAIR_TONNES = 0.05 * HOURS  # 438 t of hydrogen, 4380 t CO2 a year per pair


def pair_benefit(carbon_price: float) -> float:
    return PAIR_TONNES * (500 + 10 * carbon_price)


def three_pairs(carbon_price: float = 20.0) -> dict[str, Any]:
    firms = {}
    for k, distance in enumerate(PAIR_DISTANCE_KM, start=1):
        y = 100_000 * k
        firms[f"s{k}"] = {"location": at(0, y), "streams": {"hydrogen": hydrogen("supply", "0.1 t/h")}}
        firms[f"d{k}"] = {"location": at(1000 * distance, y), "streams": {"hydrogen": hydrogen("demand")}}
    return park_dict(
        firms, park={"carbon_price": f"{carbon_price:g} NOK/t"},
        routes={"flare": {"carrier": "hydrogen", "price": "0 NOK/t"},
                "grey_hydrogen": {"carrier": "hydrogen", "price": "500 NOK/t", "emissions": "10 t/t"}},
        technologies={"hydrogen_pipe": {"investment": "0 NOK", "investment_per_capacity": "0 NOK/(t/h)",
                                        "investment_per_length": "1000 NOK/m", "lifetime": "40 year",
                                        "fixed_om": "0 %", "loss_per_km": "0 %", "min_capacity": "0 t/h"}})


def heat_and_hydrogen() -> dict[str, Any]:
    """a sends heat to b, its only buyer; c sends hydrogen to d, 50 km away."""
    return park_dict({
        "a": {"location": at(0), "streams": {"surplus": surplus("3 MW")}},
        "b": {"location": at(1000), "streams": {"need": need("2 MW")}},
        "c": {"location": at(0, 50_000), "streams": {"hydrogen": hydrogen("supply", "0.1 t/h")}},
        "d": {"location": at(1000, 50_000), "streams": {"hydrogen": hydrogen("demand")}},
    }, routes=ROUTES, technologies=TECHNOLOGIES)


GAS_HEAT = 550.0  # NOK/MWh: what a demand heated by gas pays (heat_buyers)
SMALL_PIPE = {"investment": "100000 NOK", "investment_per_capacity": "1000000 NOK/MW",
              "investment_per_length": "0 NOK/m", "lifetime": "20 year", "fixed_om": "0 %",
              "running_cost": "20 NOK/MWh", "loss_per_km": "0 %", "min_capacity": "0.1 MW"}


def heat_buyers(*, electric_buyer: bool = False, **sections: Any) -> dict[str, Any]:
    """A has 1 MW of heat (90 -> 60 degC, cooling tower at 10 NOK/MWh); B, 100 m away, needs
    2 MW (40 -> 70 degC) heated by gas at 550 NOK/MWh; with ``electric_buyer`` D, 100 m the
    other way, needs 1 MW heated electrically at 100 NOK/MWh. Pipes: 100,000 NOK + 1 MNOK/MW,
    20 years, 20 NOK/MWh, at least 0.1 MW."""
    heat = {"carrier": "heat", "temperature": "40 degC", "target_temperature": "70 degC"}
    firms = {
        "a": {"location": at(0), "streams": {"hot": {
            "direction": "supply", "carrier": "heat", "temperature": "90 degC",
            "target_temperature": "60 degC", "amount": "1 MW", "current": "cooling_tower"}}},
        "b": {"location": at(100), "streams": {"need": {
            "direction": "demand", **heat, "amount": "2 MW", "current": "gas_boiler"}}},
    }
    routes = {"gas_boiler": {"carrier": "heat", "price": f"{GAS_HEAT:g} NOK/MWh", "temperature": "250 degC"},
              "cooling_tower": {"carrier": "heat", "price": "10 NOK/MWh", "temperature": "10 degC"}}
    if electric_buyer:
        firms["d"] = {"location": at(0, 100), "streams": {"need": {
            "direction": "demand", **heat, "amount": "1 MW", "current": "electric"}}}
        routes["electric"] = {"carrier": "heat", "price": "100 NOK/MWh", "temperature": "90 degC"}
    technologies = {"hot_water_pipe": SMALL_PIPE, "heat_pump": {"enabled": False}}
    return park_dict(firms, routes=routes, technologies=technologies, **sections)
