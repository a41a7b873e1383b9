"""Park data: the file contract, loading, units at the border, and checks."""

from symbiosis.park.load import load_park, raw_catalogue
from symbiosis.park.model import (
    Carrier,
    ExistingLink,
    Firm,
    Hub,
    Location,
    MaterialRule,
    Park,
    Route,
    Settings,
    Stream,
    Technology,
    capital_recovery_factor,
    straight_distance,
)
from symbiosis.park.problems import ParkError, Problem
from symbiosis.park.scaling import scaling_warnings

__all__ = [
    "Carrier", "ExistingLink", "Firm", "Hub", "Location", "MaterialRule", "Park", "ParkError",
    "Problem", "Route", "Settings", "Stream", "Technology", "capital_recovery_factor",
    "load_park", "raw_catalogue", "scaling_warnings", "straight_distance",
]
