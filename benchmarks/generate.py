"""A seeded generator of realistic synthetic parks, written in the real park file format.

``generate_park(folder, firms=50, seed=0)`` writes ``folder/park.yaml`` and
``folder/profiles/*.csv``: firms scattered over a square that grows with the park
(about 0.8 km x sqrt(firms) a side, so density stays that of a real park), each
of a sector drawn from :data:`SECTORS` with its typical streams: waste heat and
heat demands with temperature ranges, steam, hydrogen (by-product and demand),
oxygen, electricity, and materials (slag, fly ash and gypsum replacing clinker
and natural gypsum). Rates follow hourly profiles (continuous, seasonal, day-shift,
batch) written as 8760-value CSVs. Some firms limit their partners or exclude one;
a few exchanges already run (``existing:``). Same seed, same park, byte for byte.

    python benchmarks/generate.py --firms 50 --seed 1 --out /tmp/park50
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np
import yaml

HOURS = 8760
PROFILE_VARIANTS = 4  # variants of each shape, so streams of one sector do not move in lockstep

ROUTES = {
    "cooling_tower": {"carrier": "heat", "price": "2 EUR/MWh", "temperature": "20 degC"},
    "gas_boiler": {"carrier": "heat", "price": "55 EUR/MWh", "emissions": "0.23 t/MWh",
                   "temperature": "250 degC"},
    "dh_boilers": {"carrier": "heat", "price": "45 EUR/MWh", "emissions": "0.05 t/MWh",
                   "temperature": "120 degC"},
    "steam_boiler": {"carrier": "steam", "price": "50 EUR/MWh", "emissions": "0.22 t/MWh",
                     "pressure": "20 bar"},
    "steam_condenser": {"carrier": "steam", "price": "1 EUR/MWh"},
    "grid": {"carrier": "electricity", "price": "70 EUR/MWh", "emissions": "0.02 t/MWh"},
    "curtailment": {"carrier": "electricity", "price": "0 EUR/MWh"},
    "grey_hydrogen": {"carrier": "hydrogen", "price": "2200 EUR/t", "emissions": "11 t/t"},
    "hydrogen_flare": {"carrier": "hydrogen", "price": "0 EUR/t"},
    "oxygen_contract": {"carrier": "oxygen", "price": "110 EUR/t", "emissions": "0.01 t/t"},
    "oxygen_vent": {"carrier": "oxygen", "price": "0 EUR/t"},
    "landfill": {"carrier": "material", "price": "60 EUR/t", "emissions": "0.02 t/t"},
    "clinker_purchase": {"carrier": "material", "material": "cement_clinker", "price": "85 EUR/t",
                         "emissions": "0.85 t/t"},
    "gypsum_purchase": {"carrier": "material", "material": "gypsum", "price": "25 EUR/t",
                        "emissions": "0.01 t/t"},
}

MATERIAL_RULES = [
    {"by_product": "fly_ash", "replaces": "cement_clinker", "ratio": 1.0, "max_share": "25 %"},
    {"by_product": "slag", "replaces": "cement_clinker", "ratio": 0.9, "max_share": "35 %"},
    {"by_product": "fgd_gypsum", "replaces": "gypsum", "ratio": 1.0, "max_share": "80 %"},
]

# A stream template: (name, direction, carrier, extra fields, amount range, unit, profile shape).
# Heat: (t_start, t_end) ranges in degC; amounts in GWh/year (energy) or t/year (mass).
SECTORS: dict[str, list[tuple]] = {
    "chemicals": [
        ("process_cooling", "supply", "heat", {"temperature": (80, 120), "target": (50, 70)},
         (10, 60), "GWh/year", "continuous"),
        ("excess_steam", "supply", "steam", {"pressure": (15, 30)}, (10, 40), "GWh/year", "continuous"),
        ("hydrogen", "supply", "hydrogen", {"purity": (99.9, 99.99), "pressure": (20, 35)},
         (300, 3000), "t/year", "continuous"),
        ("reactor_heat", "demand", "heat", {"temperature": (90, 110), "target": (140, 180)},
         (5, 30), "GWh/year", "continuous"),
    ],
    "fertiliser": [
        ("hydrogen", "demand", "hydrogen", {"purity": (98, 99.5), "pressure": (15, 25)},
         (2000, 20000), "t/year", "continuous"),
        ("nitrate_heat", "supply", "heat", {"temperature": (95, 110), "target": (65, 75)},
         (20, 60), "GWh/year", "continuous"),
        ("oxygen", "demand", "oxygen", {"purity": (95, 99.5)}, (2000, 10000), "t/year", "continuous"),
    ],
    "metals": [
        ("furnace_heat", "supply", "heat", {"temperature": (140, 220), "target": (80, 110)},
         (20, 100), "GWh/year", "batch"),
        ("cooling_water", "supply", "heat", {"temperature": (35, 45), "target": (25, 30)},
         (20, 80), "GWh/year", "batch"),
        ("slag", "supply", "material", {"material": "slag"}, (10000, 80000), "t/year", None),
        ("oxygen", "demand", "oxygen", {"purity": (99, 99.5)}, (3000, 20000), "t/year", "batch"),
    ],
    "food": [
        ("refrigeration", "supply", "heat", {"temperature": (30, 40), "target": (22, 28)},
         (3, 20), "GWh/year", "dayshift"),
        ("hot_water", "demand", "heat", {"temperature": (15, 30), "target": (60, 85)},
         (3, 20), "GWh/year", "dayshift"),
        ("steam", "demand", "steam", {"pressure": (6, 12)}, (5, 25), "GWh/year", "dayshift"),
    ],
    "paper": [
        ("steam", "demand", "steam", {"pressure": (8, 14)}, (30, 120), "GWh/year", "continuous"),
        ("drying_heat", "demand", "heat", {"temperature": (40, 60), "target": (90, 110)},
         (10, 50), "GWh/year", "continuous"),
        ("fly_ash", "supply", "material", {"material": "fly_ash"}, (5000, 30000), "t/year", None),
        ("effluent_heat", "supply", "heat", {"temperature": (40, 55), "target": (25, 30)},
         (10, 40), "GWh/year", "continuous"),
    ],
    "cement": [
        ("clinker", "demand", "material", {"material": "cement_clinker"}, (100000, 600000), "t/year", None),
        ("gypsum", "demand", "material", {"material": "gypsum"}, (10000, 40000), "t/year", None),
        ("kiln_heat", "supply", "heat", {"temperature": (200, 300), "target": (120, 150)},
         (20, 80), "GWh/year", "continuous"),
    ],
    "power": [
        ("fgd_gypsum", "supply", "material", {"material": "fgd_gypsum"}, (10000, 50000), "t/year", None),
        ("fly_ash", "supply", "material", {"material": "fly_ash"}, (10000, 60000), "t/year", None),
        ("condenser_heat", "supply", "heat", {"temperature": (30, 45), "target": (20, 25)},
         (50, 200), "GWh/year", "seasonal_inverse"),
        ("surplus_power", "supply", "electricity", {}, (10, 80), "GWh/year", "dayshift"),
    ],
    "district_heating": [
        ("network", "demand", "heat", {"temperature": (40, 55), "target": (75, 95)},
         (30, 200), "GWh/year", "seasonal"),
    ],
    "data_centre": [
        ("server_heat", "supply", "heat", {"temperature": (30, 40), "target": (22, 27)},
         (10, 80), "GWh/year", "continuous"),
        ("power", "demand", "electricity", {}, (20, 100), "GWh/year", "continuous"),
    ],
    "greenhouse": [
        ("heating", "demand", "heat", {"temperature": (15, 25), "target": (35, 50)},
         (5, 40), "GWh/year", "seasonal"),
    ],
    "buildings": [
        ("space_heat", "demand", "heat", {"temperature": (35, 45), "target": (60, 75)},
         (3, 20), "GWh/year", "seasonal"),
    ],
    "electrolysis": [
        ("hydrogen", "supply", "hydrogen", {"purity": (99.9, 99.999), "pressure": (30, 30)},
         (1000, 5000), "t/year", "electrolyser"),
        ("oxygen", "supply", "oxygen", {"purity": (99.5, 99.5)}, (8000, 40000), "t/year", "electrolyser"),
        ("stack_heat", "supply", "heat", {"temperature": (60, 70), "target": (40, 45)},
         (20, 60), "GWh/year", "electrolyser"),
    ],
}
SECTOR_WEIGHTS = {"chemicals": 3, "fertiliser": 1, "metals": 2, "food": 3, "paper": 2, "cement": 1,
                  "power": 1, "district_heating": 1, "data_centre": 1, "greenhouse": 2, "buildings": 3,
                  "electrolysis": 1}
CURRENT = {  # today's route of each (carrier, direction), by material where it matters
    ("heat", "supply"): "cooling_tower", ("steam", "supply"): "steam_condenser",
    ("steam", "demand"): "steam_boiler", ("hydrogen", "supply"): "hydrogen_flare",
    ("hydrogen", "demand"): "grey_hydrogen", ("oxygen", "supply"): "oxygen_vent",
    ("oxygen", "demand"): "oxygen_contract", ("electricity", "supply"): "curtailment",
    ("electricity", "demand"): "grid", ("material", "supply"): "landfill",
}
HEAT_DEMAND_ROUTE = {"district_heating": "dh_boilers", "greenhouse": "dh_boilers", "buildings": "dh_boilers"}
MATERIAL_DEMAND_ROUTE = {"cement_clinker": "clinker_purchase", "gypsum": "gypsum_purchase"}


def profile_shape(kind: str, rng: np.random.Generator) -> np.ndarray:
    """An hourly shape over a 365-day year (mean about 1, never negative)."""
    hour = np.arange(HOURS)
    day_hour, day, weekday = hour % 24, hour // 24, (hour // 24) % 7
    noise = rng.normal(0.0, 0.05, HOURS)
    if kind == "continuous":
        shape = 1.0 + noise
        for start in rng.integers(0, HOURS - 24 * 14, size=2):  # maintenance stops
            shape[start:start + int(rng.integers(24, 24 * 10))] = 0.0
    elif kind == "seasonal":
        season = 1.0 + 0.7 * np.cos(2 * math.pi * (day - 15) / 365)
        daily = 1.0 + 0.15 * np.sin(2 * math.pi * (day_hour - 6) / 24)
        shape = season * daily + noise
    elif kind == "seasonal_inverse":
        shape = 1.0 - 0.4 * np.cos(2 * math.pi * (day - 15) / 365) + noise
    elif kind == "dayshift":
        start, end = int(rng.integers(5, 8)), int(rng.integers(15, 23))
        on = (day_hour >= start) & (day_hour < end) & (weekday < 5)
        shape = np.where(on, 1.0, 0.1) + noise
    elif kind == "batch":
        block = rng.integers(4, 12)
        runs = rng.random(HOURS // block + 1) < 0.7
        shape = np.repeat(runs, block)[:HOURS].astype(float) * (1.0 + noise)
    elif kind == "electrolyser":  # runs in the cheap hours: nights and windy spells
        wind = np.convolve(rng.normal(0, 1, HOURS + 48), np.ones(48) / 48, mode="valid")[:HOURS]
        shape = ((day_hour < 7) | (day_hour >= 22) | (wind > 0.05)).astype(float)
    else:
        raise ValueError(kind)
    return np.clip(shape, 0.0, None)


def _pick(rng: np.random.Generator, low: float, high: float, digits: int = 1) -> float:
    return round(float(rng.uniform(low, high)), digits)


def make_park(firms: int, seed: int = 0, *, time: str = "annual") -> tuple[dict, dict[str, np.ndarray]]:
    """The park document and its profiles (file name -> values) for ``firms`` firms."""
    rng = np.random.default_rng(seed)
    side_km = 0.8 * math.sqrt(firms)
    sectors = list(SECTOR_WEIGHTS)
    weights = np.array([SECTOR_WEIGHTS[s] for s in sectors], dtype=float)
    profiles: dict[str, np.ndarray] = {}
    shapes = {"continuous", "seasonal", "seasonal_inverse", "dayshift", "batch", "electrolyser"}
    for kind in sorted(shapes):
        for variant in range(PROFILE_VARIANTS):
            profiles[f"{kind}_{variant}.csv"] = profile_shape(kind, rng)

    doc_firms: dict[str, dict] = {}
    heat_streams: list[tuple[str, str, str, float, float, float]] = []  # firm, stream, dir, t0, t1, MW
    for number in range(firms):
        # The first firms cover the main sectors so that even a small park has exchanges to find.
        sector = sectors[number] if number < len(sectors) and firms >= len(sectors) else \
            str(rng.choice(sectors, p=weights / weights.sum()))
        firm_id = f"f{number:03d}_{sector}"
        streams: dict[str, dict] = {}
        for name, direction, carrier, extra, (low, high), unit, shape in SECTORS[sector]:
            if rng.random() < 0.2 and len(SECTORS[sector]) > 1:
                continue  # not every firm of a sector has every stream
            amount = _pick(rng, low, high, 1 if unit == "GWh/year" else 0)
            stream: dict = {"direction": direction, "carrier": carrier, "amount": f"{amount:g} {unit}"}
            if carrier == "heat":
                t0 = 5 * round(_pick(rng, *extra["temperature"]) / 5)  # as engineers write them
                t1 = 5 * round(_pick(rng, *extra["target"]) / 5)
                stream["temperature"] = f"{t0:g} degC"
                stream["target_temperature"] = f"{t1:g} degC"
                heat_streams.append((firm_id, name, direction, t0, t1, amount / 8.76))
            if "material" in extra:
                stream["material"] = extra["material"]
            if "purity" in extra:
                # four decimals: '99.927 %' reads as a point or a thousands separator (a warning)
                stream["purity"] = f"{_pick(rng, *extra['purity'], 3):.4f} %"
            if "pressure" in extra:
                stream["pressure"] = f"{_pick(rng, *extra['pressure'], 0):g} bar"
            if shape is not None and rng.random() < 0.9:
                stream["profile"] = f"profiles/{shape}_{int(rng.integers(PROFILE_VARIANTS))}.csv"
            if carrier == "heat" and direction == "demand":
                stream["current"] = HEAT_DEMAND_ROUTE.get(sector, "gas_boiler")
            elif carrier == "material" and direction == "demand":
                stream["current"] = MATERIAL_DEMAND_ROUTE[extra["material"]]
            else:
                stream["current"] = CURRENT[carrier, direction]
            streams[name] = stream
        x, y = rng.uniform(0, side_km, size=2)
        firm: dict = {"name": f"Firm {number} ({sector})", "sector": sector,
                      "location": {"x": f"{x * 1000:.0f} m", "y": f"{y * 1000:.0f} m"}, "streams": streams}
        roll = rng.random()
        if roll < 0.10:
            firm["rules"] = {"max_partners": int(rng.integers(2, 5))}
        elif roll < 0.15 and number > 0:
            firm["rules"] = {"exclude_partners": [list(doc_firms)[int(rng.integers(len(doc_firms)))]]}
        doc_firms[firm_id] = firm

    materials = {stream.get("material") for firm in doc_firms.values() for stream in firm["streams"].values()}
    existing = []
    supplies = [h for h in heat_streams if h[2] == "supply"]
    demands = [h for h in heat_streams if h[2] == "demand"]
    for _ in range(max(0, firms // 20)):  # a few heat links already run
        options = [(s, d) for s in supplies for d in demands
                   if s[0] != d[0] and s[3] - 10 >= d[4] and (s, d) not in existing]
        if not options:
            break
        s, d = options[int(rng.integers(len(options)))]
        existing.append((s, d))
    doc = {
        "park": {"name": f"Synthetic park, {firms} firms, seed {seed}", "currency": "EUR",
                 "discount_rate": "7 %", "carbon_price": "80 EUR/t", "electricity": "grid", "time": time,
                 "routing_factor": 1.3},
        "routes": ROUTES,
        "technologies": {},
        "materials": [rule for rule in MATERIAL_RULES if rule["by_product"] in materials],
        "firms": doc_firms,
        "existing": [{"from": f"{s[0]}.{s[1]}", "to": f"{d[0]}.{d[1]}", "technology": "hot_water_pipe",
                      "capacity": f"{round(0.3 * min(s[5], d[5]), 2):g} MW"} for s, d in existing],
    }
    used = {stream["profile"].split("/")[1] for firm in doc_firms.values()
            for stream in firm["streams"].values() if "profile" in stream}
    return doc, {name: values for name, values in profiles.items() if name in used}


def generate_park(folder: str | Path, firms: int, seed: int = 0, *, time: str = "annual") -> Path:
    """Write the park to ``folder`` (created if needed); returns the folder."""
    folder = Path(folder)
    (folder / "profiles").mkdir(parents=True, exist_ok=True)
    doc, profiles = make_park(firms, seed, time=time)
    with open(folder / "park.yaml", "w", encoding="utf-8") as handle:
        handle.write(f"# Generated by benchmarks/generate.py --firms {firms} --seed {seed}\n")
        yaml.safe_dump(doc, handle, sort_keys=False, allow_unicode=True, width=110)
    for name, values in profiles.items():
        np.savetxt(folder / "profiles" / name, values, fmt="%.4f", header="value", comments="")
    return folder


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--firms", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time", default="annual", help="annual | hourly")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    print(generate_park(args.out, args.firms, args.seed, time=args.time))


if __name__ == "__main__":
    main()
