"""What each quantity field holds, declared once: base unit, words, example.

``CUR`` stands for the park's currency. Fields whose unit depends on the
carrier (amounts, prices, capacities) have one entry for energy carriers and
one for mass carriers.
"""

from __future__ import annotations

from symbiosis.park.model import Carrier
from symbiosis.units import Quantity

TEMPERATURE = Quantity("K", "a temperature", "85 degC")
TEMPERATURE_DIFFERENCE = Quantity("K", "a temperature difference", "10 K", difference=True)
SHARE = Quantity("", "a share", "30 %", allow_bare=True)
RATIO = Quantity("", "a number", "1.0", allow_bare=True)
PRESSURE = Quantity("bar", "a pressure", "30 bar")
LENGTH = Quantity("km", "a length", "1200 m")
MONEY = Quantity("CUR", "an amount of money", "150000 EUR")
MONEY_PER_LENGTH = Quantity("CUR/km", "money per length", "600 EUR/m")
LIFETIME = Quantity("year", "a lifetime", "30 year")
CARBON_PRICE = Quantity("CUR/t", "money per tonne of CO2", "900 NOK/t")
COST_PER_TONNE_KM = Quantity("CUR/(t*km)", "money per tonne-km", "0.6 NOK/(t*km)")
EMISSIONS_PER_TONNE_KM = Quantity("t/(t*km)", "CO2 mass per tonne-km", "0.06 kg/(t*km)")
LOSS_PER_KM = Quantity("1/km", "a share lost per km", "0.5 %/km")
HEAT_CAPACITY_RATE = Quantity("MW/K", "a heat capacity rate", "150 kW/K")
STORAGE_CAPACITY = {
    True: Quantity("MWh", "an energy", "50 MWh"),
    False: Quantity("t", "a mass", "20 t"),
}

RATE = {
    True: Quantity("MW", "a power (energy per time)", "12 GWh/year"),
    False: Quantity("t/h", "a mass per time", "3000 t/year"),
}
CAPACITY = {  # a link's size: a rate as RATE, with a size for its example (not a yearly amount)
    True: Quantity("MW", "a power (energy per time)", "10 MW"),
    False: Quantity("t/h", "a mass per time", "5 t/h"),
}
GAS_AMOUNT = {
    Carrier.HYDROGEN: Quantity("t/h", "a mass per time, a normal volume per time (Nm3/h) or a power "
                                      "by lower heating value (MW)", "1200 t/year"),
    Carrier.OXYGEN: Quantity("t/h", "a mass per time or a normal volume per time (Nm3/h)", "3000 t/year"),
}
PRICE = {
    True: Quantity("CUR/MWh", "money per energy", "0.55 NOK/kWh"),
    False: Quantity("CUR/t", "money per mass", "35 NOK/kg"),
}
EMISSIONS = {
    True: Quantity("t/MWh", "CO2 mass per energy", "0.2 kg/kWh"),
    False: Quantity("t/t", "CO2 mass per mass", "0.02 t/t"),
}
MONEY_PER_CAPACITY = {
    True: Quantity("CUR/MW", "money per MW", "800000 EUR/MW"),
    False: Quantity("CUR/(t/h)", "money per t/h", "50000 EUR/(t/h)"),
}

# The largest size a quantity may have, in its base unit (money in EUR, then in the park's currency):
# far beyond any real park (1e7 MW is half the world's power use), and small enough that the
# model's numbers keep their precision (next to prices of 1 NOK/MWh, one of 1e14 NOK/MWh leaves
# the solver's answer off by more than its audit allows). Any other quantity: LARGEST_OTHER.
LARGEST: dict[Quantity, float] = {
    PRICE[True]: 1e8, PRICE[False]: 1e8, CARBON_PRICE: 1e4, EMISSIONS[True]: 1e5, EMISSIONS[False]: 1e5,
    RATE[True]: 1e7, RATE[False]: 1e7, CAPACITY[True]: 1e7, CAPACITY[False]: 1e7,
    HEAT_CAPACITY_RATE: 1e5, TEMPERATURE: 1e5, TEMPERATURE_DIFFERENCE: 1e5,
    **dict.fromkeys(GAS_AMOUNT.values(), 1e7),
}
LARGEST_OTHER = 1e12


def by_carrier(table: dict[bool, Quantity], carrier: Carrier | str) -> Quantity:
    """The entry of a carrier-dependent field for ``carrier``."""
    return table[Carrier(carrier).is_energy]


# Fields of a technology: which quantity each holds (None: carrier-dependent, see TECHNOLOGY_BY_CARRIER).
TECHNOLOGY_FIELDS: dict[str, Quantity | dict[bool, Quantity]] = {
    "investment": MONEY,
    "investment_per_capacity": MONEY_PER_CAPACITY,
    "investment_per_length": MONEY_PER_LENGTH,
    "lifetime": LIFETIME,
    "fixed_om": SHARE,
    "running_cost": PRICE,
    "cost_per_tonne_km": COST_PER_TONNE_KM,
    "emissions_per_tonne_km": EMISSIONS_PER_TONNE_KM,
    "loss_per_km": LOSS_PER_KM,
    "min_approach": TEMPERATURE_DIFFERENCE,
    "carnot_efficiency": SHARE,
    "efficiency": SHARE,
    "max_distance": LENGTH,
    "min_capacity": CAPACITY,
    "standing_loss": Quantity("1/h", "a share lost per hour", "0.02 %/h"),
    "charge_rate": Quantity("1/h", "a share of the capacity per hour", "25 %/h"),
    "heat_recovery": SHARE,
    "heat_temperature": TEMPERATURE,
    "heat_return_temperature": TEMPERATURE,
    "max_temperature": TEMPERATURE,
    "purity": SHARE,
    "pressure": PRESSURE,
}
MONEY_PER_STORED = {
    True: Quantity("CUR/MWh", "money per MWh stored", "3000 EUR/MWh"),
    False: Quantity("CUR/t", "money per tonne stored", "500000 EUR/t"),
}


def capacity_is_energy(carrier: Carrier | str, kind: str) -> bool:
    """Whether a technology's capacity is energy-based (MW, MWh) rather than mass-based.

    An electrolyser is rated by its electric input (MW) although it makes hydrogen.
    """
    return kind == "electrolyser" or Carrier(carrier).is_energy
