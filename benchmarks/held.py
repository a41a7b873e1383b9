"""The least store throughput after the answer, two ways in one run: the held cost row solved
from scratch (``solvers/held.py``, as every solver but HiGHS does it) against HiGHS going on
from the design's optimal basis (``solvers.solve_held``, the product's way).

    python benchmarks/held.py --out benchmarks/results

The park: firm A has 2 MW of surplus heat in the first 4 hours of each day, firm B needs 1 MW
in the last 12, 300 m apart; a free pipe and a thermal store at A (80 % round trip, 1 %/h
loss, 25 %/h charge rate), hourly for a year (``tests/test_reference_time.py`` derives its
optimum by hand). Each way is timed through ``symbiosis.optimize`` in the same process, the
other way's turn first; ``held.md`` gets the whole call, the re-solve alone, the answers and
their ratio.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

PARK = """\
park: {name: one store, currency: NOK, discount_rate: 7 %, carbon_price: 100 NOK/t, electricity: grid,
       time: hourly}
routes:
  grid: {carrier: electricity, price: 0.5 NOK/kWh}
  gas_boiler: {carrier: heat, price: 500 NOK/MWh, emissions: 0.2 t/MWh, temperature: 250 degC}
  cooling_tower: {carrier: heat, price: 10 NOK/MWh, temperature: 10 degC}
technologies:
  hot_water_pipe: {investment: 0 NOK, investment_per_capacity: 0 NOK/MW, investment_per_length: 0 NOK/m,
                   running_cost: 0 NOK/MWh, loss_per_km: 0 %, min_capacity: 0 MW, fixed_om: 0 %}
  heat_pump: {enabled: false}
  thermal_storage: {investment: 50000 NOK, investment_per_capacity: 10000 NOK/MWh, lifetime: 20 year,
                    fixed_om: 1 %, efficiency: 80 %, standing_loss: 1 %/h, charge_rate: 25 %/h,
                    min_capacity: 0 MWh}
firms:
  a:
    location: {x: 0 m, y: 0 m}
    storage: [thermal_storage]
    streams:
      surplus: {direction: supply, carrier: heat, temperature: 90 degC, target_temperature: 60 degC,
                amount: 2920 MWh/year, current: cooling_tower, profile: surplus.csv}
  b:
    location: {x: 300 m, y: 0 m}
    streams:
      need: {direction: demand, carrier: heat, temperature: 40 degC, target_temperature: 70 degC,
             amount: 4380 MWh/year, current: gas_boiler, profile: need.csv}
"""


def write_park(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "park.yaml").write_text(PARK, encoding="utf-8")
    days = {"surplus.csv": ["1"] * 4 + ["0"] * 20, "need.csv": ["0"] * 12 + ["1"] * 12}
    for name, day in days.items():
        (folder / name).write_text("value\n" + "\n".join(day * 365) + "\n", encoding="utf-8")
    return folder


def timed_optimize(park, held) -> dict:
    """``optimize`` with ``held`` as its least-throughput re-solve, and how long each took."""
    import symbiosis
    import symbiosis.optimization as optimization

    spent: list[float] = []

    def timing(*args, **kwargs):
        clock = time.perf_counter()
        try:
            return held(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - clock)

    original = optimization.solve_held
    optimization.solve_held = timing
    try:
        clock = time.perf_counter()
        result = symbiosis.optimize(park)
        total = time.perf_counter() - clock
    finally:
        optimization.solve_held = original
    store = result.exchanges.set_index("kind").loc["storage"]
    return {"optimize_s": total, "held_s": sum(spent), "total_cost": result.total_cost,
            "store_MWh": float(store["annual_amount"]), "tank_MWh": float(store["capacity"])}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)

    from run import write_markdown

    import symbiosis
    from symbiosis.solvers import solve, solve_held
    from symbiosis.solvers.held import solve_pyomo_held

    def from_scratch(model, then, at_most, options):
        return solve_pyomo_held(model, then, at_most, options, solve)

    with tempfile.TemporaryDirectory() as work:
        park = symbiosis.load_park(write_park(Path(work) / "park"))
        ways = {"held row from scratch": from_scratch, "from the design's basis": solve_held}
        rows = {name: timed_optimize(park, way) for name, way in ways.items()}
    scratch, basis = rows.values()
    lines = [f"# The least store throughput (benchmarks/held.py, {datetime.now():%Y-%m-%d %H:%M})", "",
             "An hourly park of two firms, a pipe and a thermal store; each way through `optimize`.", "",
             "| way | optimize s | re-solve s | total cost | store delivers MWh | tank MWh |",
             "|---|---|---|---|---|---|"]
    lines += [f"| {name} | {row['optimize_s']:.1f} | {row['held_s']:.1f} | {row['total_cost']:,.2f} | "
              f"{row['store_MWh']:,.2f} | {row['tank_MWh']:.6f} |" for name, row in rows.items()]
    lines += ["", f"Re-solve from scratch / from the basis: **{scratch['held_s'] / basis['held_s']:.1f}x**; "
              f"optimize {scratch['optimize_s'] / basis['optimize_s']:.1f}x; the same cost to "
              f"{abs(scratch['total_cost'] - basis['total_cost']) / scratch['total_cost']:.1e}."]
    print(write_markdown(lines, args.out, "held.md"))


if __name__ == "__main__":
    main()
