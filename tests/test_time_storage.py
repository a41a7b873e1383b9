"""Time, storage and conversion: reference cases with hand-derived optima."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import symbiosis
from symbiosis.hubs import OXYGEN_PER_HYDROGEN
from symbiosis.park import capital_recovery_factor
from symbiosis.units import HYDROGEN_LHV_MWH_PER_T

FREE_PIPE = {
    "investment": "0 NOK",
    "investment_per_capacity": "0 NOK/MW",
    "investment_per_length": "0 NOK/m",
    "running_cost": "0 NOK/MWh",
    "loss_per_km": "0 %",
    "min_capacity": "0 MW",
    "fixed_om": "0 %",
}
DAY = "value\n" + "\n".join(["1"] * 12 + ["0"] * 12)
NIGHT = "value\n" + "\n".join(["0"] * 12 + ["1"] * 12)


def _shift_park(make_park, storage: bool, time: dict | None = None, *, tank: dict | None = None,
                overnight: bool = False, cooling: str = "0 NOK/MWh", store_at: str = "a",
                same_hours: bool = False, need: str = "8760 MWh/year", tower_emissions: str | None = None):
    """Firm A has 2 MW of surplus heat in hours 0-11 of every day, firm B needs 2 MW in hours
    12-23 (each 8,760 MWh a year). Without a store nothing can pass; with one at A, 24 MWh of
    tank (12 h x 2 MW) shifts all of it. ``overnight`` swaps the hours (surplus 12-23, need
    0-11 of the next day), ``tank`` changes the store's data, ``cooling`` the cooling tower's price,
    ``store_at`` the firm with the store, ``same_hours`` puts the need in the surplus's hours."""
    day, night = (NIGHT, DAY) if overnight else (DAY, NIGHT)
    night = day if same_hours else night
    firms = {
        "a": {
            "location": {"x": "0 m", "y": "0 m"},
            "storage": ["thermal_storage"] if storage and store_at == "a" else [],
            "streams": {
                "surplus": {
                    "direction": "supply",
                    "carrier": "heat",
                    "temperature": "90 degC",
                    "target_temperature": "60 degC",
                    "amount": "8760 MWh/year",
                    "profile": "profiles/day.csv",
                    "current": "cooling_tower",
                }
            },
        },
        "b": {
            "location": {"x": "300 m", "y": "0 m"},
            "storage": ["thermal_storage"] if storage and store_at == "b" else [],
            "streams": {
                "need": {
                    "direction": "demand",
                    "carrier": "heat",
                    "temperature": "40 degC",
                    "target_temperature": "70 degC",
                    "amount": need,
                    "profile": "profiles/night.csv",
                    "current": "gas_boiler",
                }
            },
        },
    }
    return make_park(
        firms,
        files={"profiles/day.csv": day, "profiles/night.csv": night},
        park={"time": time or {"typical_days": 1}},
        routes={
            "gas_boiler": {"carrier": "heat", "price": "500 NOK/MWh", "temperature": "250 degC"},
            "cooling_tower": {"carrier": "heat", "price": cooling, "temperature": "10 degC"}
            | ({"emissions": tower_emissions} if tower_emissions else {}),
        },
        technologies={
            "hot_water_pipe": FREE_PIPE,
            "heat_pump": {"enabled": False},
            "thermal_storage": {
                "investment": "0 NOK",
                "investment_per_capacity": "1000 NOK/MWh",
                "fixed_om": "0 %",
                "efficiency": "100 %",
                "standing_loss": "0 %/h",
                "charge_rate": "100 %/h",
                "min_capacity": "0 MWh",
                "lifetime": "40 year",
            } | (tank or {}),
        },
    )


def test_storage_shifts_a_surplus_to_a_later_demand(make_park) -> None:
    without = symbiosis.optimize(_shift_park(make_park, storage=False))
    assert without.total_cost == pytest.approx(8760 * 500)  # every MWh from the boiler
    result = symbiosis.optimize(_shift_park(make_park, storage=True))
    tank = result.exchanges[result.exchanges["kind"] == "storage"].iloc[0]
    assert tank["capacity"] == pytest.approx(24.0)  # 12 h x 2 MW
    expected = capital_recovery_factor(0.07, 40) * 1000 * 24  # only the tank costs anything
    assert result.total_cost == pytest.approx(expected, rel=1e-6)
    assert result.routes.set_index("route").loc["gas_boiler", "annual_amount"] == pytest.approx(0, abs=1e-6)


@pytest.mark.parametrize("time", [{"typical_days": 1}, {"typical_days": 2}])
def test_a_lossy_store_at_a_demand_is_no_cooling_tower(make_park, time) -> None:
    """The surplus (2 MW in hours 0-11) and the need (2 MW, the same hours) meet directly: nothing
    to shift. With the cooling tower at 20 NOK/MWh the 50 % tank at the demand had been charged
    4 MW and discharged 2 MW an hour (its content unchanged), so the pipe could bring 4 MW... of a
    2 MW surplus, and in a park with more surplus than need (a differential audit: 2 MW piped to
    a flat 1 MW need) the rest vanished in the tank instead of going to the cooling tower. What
    links deliver of its losses goes back to the supply's cooling tower, so the answer is the pipe
    alone: nothing bought, nothing cooled, and no tank."""
    park = _shift_park(make_park, storage=True, time=time, store_at="b", same_hours=True,
                       cooling="20 NOK/MWh", tank={"efficiency": "50 %"})
    result = symbiosis.optimize(park)
    assert set(result.exchanges["kind"]) == {"direct"}
    assert result.total_cost == pytest.approx(0, abs=1e-3)
    # the need halved: the other half of the surplus must be cooled, and paid
    park = _shift_park(make_park, storage=True, time=time, store_at="b", same_hours=True,
                       cooling="20 NOK/MWh", tank={"efficiency": "50 %"}, need="4380 MWh/year")
    result = symbiosis.optimize(park)
    assert set(result.exchanges["kind"]) == {"direct"}
    assert result.total_cost == pytest.approx(4380 * 20, rel=1e-6)



@pytest.mark.parametrize("time", [{"typical_days": 1}, {"typical_days": 2}])
def test_a_lossy_tank_costs_the_same_at_either_end_of_a_free_pipe(make_park, time) -> None:
    """2 MW of surplus in hours 0-11, 2 MW of need in hours 12-23 (24 MWh a day each), a 90 %
    tank, a free pipe. Hand-derived, wherever the tank stands: it takes the day's 24 MWh of
    surplus, keeps 21.6 and gives them to the need; the boiler (500 NOK/MWh) makes up 2.4 MWh a
    day, and the 2.4 MWh lost leave as surplus through the cooling tower (20 NOK/MWh), as a
    supply store's losses do: 365 x 2.4 x (500 + 20) NOK, plus 21.6 MWh of tank at 1,000 NOK/MWh
    over 40 years at 7 %. At the demand the tank had been filled to keep 24 MWh, 2.67 a day of
    it boiler heat (links could not deliver its losses): 10 % dearer than the same tank at the
    supply (an audit)."""
    cooling, tank = "20 NOK/MWh", {"efficiency": "90 %"}
    at_supply = symbiosis.optimize(_shift_park(make_park, storage=True, time=time, store_at="a",
                                               cooling=cooling, tank=tank), gap=1e-7)
    at_demand = symbiosis.optimize(_shift_park(make_park, storage=True, time=time, store_at="b",
                                               cooling=cooling, tank=tank), gap=1e-7)
    expected = 365 * 2.4 * (500 + 20) + capital_recovery_factor(0.07, 40) * 1000 * 21.6
    for result in (at_supply, at_demand):
        assert result.total_cost == pytest.approx(expected, rel=1e-6)
        routes = result.routes.set_index("route")["annual_amount"]
        assert routes["gas_boiler"] == pytest.approx(365 * 2.4, rel=1e-6)
        assert routes["cooling_tower"] == pytest.approx(365 * 2.4, rel=1e-6)
        tank_row = result.exchanges.set_index("kind").loc["storage"]
        assert tank_row["capacity"] == pytest.approx(21.6, rel=1e-6)
        # the rows' savings add up to the park's
        assert result.exchanges["saving"].sum() == pytest.approx(result.saving, rel=1e-6)



@pytest.mark.parametrize("store_at", ["a", "b"])
def test_heat_lost_in_a_store_is_not_sold(make_park, store_at) -> None:
    """A surplus sold today at 50 NOK/MWh (a negative price), a 50 % tank, the need by day
    (boiler 500 NOK/MWh), a free pipe. Each MWh stored keeps 0.5 MWh worth 250 NOK of boiler
    heat against 50 NOK sold, so all 24 MWh a day go through the tank: 12 kept, 12 lost and
    not sold, the boiler makes up 12. Cost = 365 x 12 x 500 + CRF(7 %, 40) x 12 MWh x 1,000 NOK,
    at either end. The lost heat had been booked as sold (4,380 MWh, 219,000 NOK a year of income
    for heat lost in a tank; an audit)."""
    park = _shift_park(make_park, storage=True, store_at=store_at, cooling="-50 NOK/MWh",
                       tank={"efficiency": "50 %"})
    result = symbiosis.optimize(park, gap=1e-7)
    expected = 365 * 12 * 500 + capital_recovery_factor(0.07, 40) * 12 * 1000
    assert result.total_cost == pytest.approx(expected, rel=1e-6)
    routes = result.routes.set_index("route")["annual_amount"]
    assert routes.get("cooling_tower", 0.0) == pytest.approx(0, abs=1e-3)
    assert result.exchanges["saving"].sum() == pytest.approx(result.saving, rel=1e-6)


def test_a_demand_stores_returned_losses_count_in_its_co2(make_park) -> None:
    """The tank at the demand; its losses (2.4 MWh a day of a 90 % tank) go back to the supply's
    cooling tower, which emits 0.05 t/MWh: 43.8 t a year. The store's row said 0 t avoided while
    its cost counted that carbon, so the rows' CO2 did not add up to the park's (an audit)."""
    park = _shift_park(make_park, storage=True, store_at="b", cooling="20 NOK/MWh",
                       tank={"efficiency": "90 %"}, tower_emissions="0.05 t/MWh")
    result = symbiosis.optimize(park, gap=1e-7)
    avoided = result.summary["baseline_emissions"] - result.summary["emissions"]
    assert result.exchanges["co2_avoided"].sum() == pytest.approx(avoided, rel=1e-6)
    store = result.exchanges.set_index("kind").loc["storage"]
    assert store["co2_avoided"] == pytest.approx(-365 * 2.4 * 0.05, rel=1e-6)


def test_annual_time_warns_of_links_its_means_overstate_and_of_storage_it_leaves_out(make_park) -> None:
    """A surplus in hours 0-11 and a need in hours 12-23 never meet in an hour, yet on annual
    means the free pipe carries all 8,760 MWh a year, without a word, and firm B's storage is
    left out silently (an audit). Now a warning names the link (8,760 against at most 0 MWh) and
    the storage; hourly or typical days need neither."""
    annual = symbiosis.optimize(_shift_park(make_park, storage=True, time="annual", store_at="b"))
    said = annual.summary["warnings"]
    assert any("a.surplus -> b.need (hot_water_pipe) 8,760 against at most 0 MWh" in w for w in said)
    assert any("the storage of b (thermal_storage) is not proposed" in w for w in said)
    shifted = symbiosis.optimize(_shift_park(make_park, storage=True, store_at="b"))
    assert not any("time is annual" in w for w in shifted.summary["warnings"])


def test_annual_overstatement_counts_a_material_rules_share(make_park) -> None:
    """Slag (8,000 t a year, 1.3 on weekdays and 0.25 at weekends, so each week's mean is 1)
    replaces at most 40 % of a gravel need (20,000 t a year, 1 - 0.5 cos over the year) at 0.9 t
    per t. On annual means the truck delivers min(0.9 x 8,000, 0.4 x 20,000) = 7,200 t; hour by
    hour at most the sum of min(0.9 x slag, 0.4 x gravel), computed below: the warning, which
    had left the share out (and so found no overstatement; an audit), names it."""
    import math

    import numpy as np

    hours = np.arange(8760)
    weekday = np.where((hours // 24) % 7 < 5, 1.3, 0.25)
    weekday = weekday / weekday.mean()
    season = 1 - 0.5 * np.cos(2 * math.pi * hours / 8760)
    files = {"profiles/slag.csv": "value\n" + "\n".join(f"{v:.6f}" for v in weekday),
             "profiles/gravel.csv": "value\n" + "\n".join(f"{v:.6f}" for v in season)}
    firms = {"smelter": {"location": {"x": "0 m", "y": "0 m"}, "streams": {"slag": {
                 "direction": "supply", "carrier": "material", "material": "slag", "amount": "8000 t/year",
                 "profile": "profiles/slag.csv", "current": "landfill"}}},
             "cement": {"location": {"x": "800 m", "y": "0 m"}, "streams": {"gravel": {
                 "direction": "demand", "carrier": "material", "material": "gravel", "amount": "20000 t/year",
                 "profile": "profiles/gravel.csv", "current": "gravel_buy"}}}}
    park = make_park(firms, files=files, routes={
        "landfill": {"carrier": "material", "price": "80 NOK/t"},
        "gravel_buy": {"carrier": "material", "material": "gravel", "price": "20 NOK/t"}},
        materials=[{"by_product": "slag", "replaces": "gravel", "ratio": 0.9, "max_share": "40 %"}])
    result = symbiosis.optimize(park)
    (truck,) = result.exchanges.itertuples()
    assert truck.annual_amount == pytest.approx(7_200, rel=1e-6)
    most = float(np.minimum(0.9 * 8_000 / 8760 * weekday, 0.4 * 20_000 / 8760 * season).sum())
    assert most < 7_200 / 1.05
    (said,) = [w for w in result.summary["warnings"] if "time is annual" in w]
    assert f"7,200 against at most {most:,.0f} t" in said


def test_a_store_at_its_largest_at_typical_days_is_warned_of(make_park) -> None:
    """A surplus on days 1, 3, 5, ... and a need on days 2, 4, ... (10 MW on their days), a free
    tank at the need's firm of at most one day of its peak (240 MWh). Hourly the tank carries
    each surplus day into the next. At two typical days every surplus day is alike and every need
    day too, so over the year's 183 surplus and 182 need days the tank's content drifts, and at
    240 MWh it carries only half (an audit: 22,020 against 43,561 MWh a year). With four
    typical days the drift is absorbed and the answer is the hourly one, the tank a little below
    its largest (its last MWh of size costs more than the boiler heat it saves at 50 NOK/MWh). A
    warning now says when a store ends at its largest size at typical days."""
    days = np.arange(365)
    firms = {
        "a": {"location": {"x": "0 m", "y": "0 m"},
              "streams": {"surplus": {"direction": "supply", "carrier": "heat", "temperature": "90 degC",
                                      "target_temperature": "60 degC", "amount": "5 MW",
                                      "profile": "profiles/odd.csv", "current": "cooling_tower"}}},
        "b": {"location": {"x": "100 m", "y": "0 m"}, "storage": ["thermal_storage"],
              "streams": {"need": {"direction": "demand", "carrier": "heat", "temperature": "40 degC",
                                   "target_temperature": "70 degC", "amount": "5 MW",
                                   "profile": "profiles/even.csv", "current": "gas_boiler"}}},
    }
    files = {"profiles/odd.csv": "\n".join(str(1 - d % 2) for d in days) + "\n",
             "profiles/even.csv": "\n".join(str(d % 2) for d in days) + "\n"}
    routes = {"gas_boiler": {"carrier": "heat", "price": "50 NOK/MWh", "temperature": "250 degC"},
              "cooling_tower": {"carrier": "heat", "price": "1 NOK/MWh", "temperature": "10 degC"}}
    technologies = {"hot_water_pipe": FREE_PIPE, "heat_pump": {"enabled": False},
                    "thermal_storage": {"investment": "0 NOK", "investment_per_capacity": "1000 NOK/MWh",
                                        "fixed_om": "0 %", "efficiency": "100 %", "standing_loss": "0 %/h",
                                        "charge_rate": "100 %/h", "min_capacity": "0 MWh"}}

    def run(time):
        park = make_park(firms, files=files, park={"time": time}, routes=routes, technologies=technologies)
        return symbiosis.optimize(park)

    two, four = run({"typical_days": 2}), run({"typical_days": 4})
    assert two.exchanges.set_index("kind").loc["storage", "annual_amount"] < 0.6 * 43_560
    assert any("built at its largest size" in w and "compare with time: hourly" in w
               for w in two.summary["warnings"])
    assert four.exchanges.set_index("kind").loc["storage", "annual_amount"] > 0.99 * 43_560
    assert not any("largest size" in w for w in four.summary["warnings"])


def test_an_hourly_years_time_profile_is_drawn_by_day(make_park) -> None:
    """8,760 hourly steps drawn one by one were a solid block, the store's line hidden behind
    the pipe's (an audit of the reports): a year of hours is drawn by day, its mean a line and
    its hours a band; typical days keep their steps."""
    hourly = symbiosis.optimize(_shift_park(make_park, storage=True, time="hourly"))
    ax = hourly.plot.profile().axes[0]
    assert ax.get_xlabel().startswith("day of the year")
    assert {len(line.get_xdata()) for line in ax.get_lines()} == {365}
    typical = symbiosis.optimize(_shift_park(make_park, storage=True))
    ax = typical.plot.profile().axes[0]
    assert ax.get_xlabel().startswith("time step (24 steps")


def test_every_day_its_own_typical_day_still_takes_its_segments(make_park) -> None:
    """{typical_days: 365, segments: 4} built the hourly model (8,760 steps) where the README
    promises N x M: 1,460 (an audit); without segments 365 typical days are the hours."""
    from symbiosis.time import time_steps

    park = _shift_park(make_park, storage=False)
    every_day = {"typical_days": 365, "segments": 4}
    segmented = symbiosis.load_park(park.folder, overrides={"park.time": every_day})
    assert len(time_steps(segmented)) == 1460
    whole = symbiosis.load_park(park.folder, overrides={"park.time": {"typical_days": 365}})
    assert time_steps(whole).mode == "hourly" and len(time_steps(whole)) == 8760


def test_a_store_can_be_forbidden_or_forced_as_a_link_can(make_park) -> None:
    """``fixed_links`` took only links: a store's id, listed by ``symbiosis candidates``, met
    "no candidate link 'S001'; see symbiosis candidates". Forbidden, the tank of the case above
    leaves the need to the boiler (8,760 MWh x 500 NOK); forced, it is built as before."""
    park = _shift_park(make_park, storage=True)
    (store,) = [c.id for c in symbiosis.find_candidates(park).storage]
    forbidden = symbiosis.optimize(park, fixed_links={store: False})
    assert forbidden.exchanges.empty
    assert forbidden.total_cost == pytest.approx(8760 * 500)
    forced = symbiosis.optimize(park, fixed_links={store: True})
    assert store in set(forced.exchanges["id"])
    assert forced.total_cost == pytest.approx(capital_recovery_factor(0.07, 40) * 1000 * 24, rel=1e-6)
    with pytest.raises(KeyError, match="no candidate link, store or hub unit 'S999'"):
        symbiosis.optimize(park, fixed_links={"S999": False})


@pytest.mark.parametrize("time", [{"typical_days": 1}, {"typical_days": 3}, "hourly"])
@pytest.mark.parametrize("store_at", ["a", "b"])
def test_a_lossless_free_store_moves_what_it_shifts_not_any_amount(make_park, time, store_at) -> None:
    """The 24 MWh tank moves the 8,760 MWh a year the need takes; at 100 % efficiency and no
    running cost the solver could also charge and discharge in one hour, and the tank's
    annual_amount came out 40,880 (1 typical day), 64,926 (3) or 53,926 MWh (hourly). Netted
    per step: 8,760 MWh in, 8,760 out, never both in one step."""
    result = symbiosis.optimize(_shift_park(make_park, storage=True, time=time, store_at=store_at,
                                            tank={"investment": "10000 NOK", "fixed_om": "1 %"}))
    tank = result.exchanges.set_index("kind").loc["storage"]
    assert tank["annual_amount"] == pytest.approx(8760, rel=1e-6)
    assert tank["annual_taken"] == pytest.approx(8760, rel=1e-6)
    flows = result.flows[result.flows["id"] == tank["id"]]
    assert (flows[["taken", "delivered"]].min(axis=1) <= 1e-9).all()


def test_segmented_typical_days_keep_a_store_exact(make_park) -> None:
    """The day has two flat halves (surplus hours 0-11, need 12-23), so tsam's segmentation
    into 2 steps of 12 h loses nothing: the same 24 MWh tank (2 MW x 12 h, each step lasting
    12 h in the store's balance) and the same cost as with 24 hourly steps."""
    hourly_steps = symbiosis.optimize(_shift_park(make_park, storage=True))
    segmented = symbiosis.optimize(
        _shift_park(make_park, storage=True, time={"typical_days": 1, "segments": 2}))
    assert segmented.summary["time_steps"] == 2
    assert str(segmented.summary["time"]) == "typical_days: 1, segments: 2"
    tank = segmented.exchanges[segmented.exchanges["kind"] == "storage"].iloc[0]
    assert tank["capacity"] == pytest.approx(24.0)
    # Both answers' flows are the least throughput at their cost, held within 1e-9 + 1e-6 NOK.
    assert segmented.total_cost == pytest.approx(hourly_steps.total_cost, rel=1e-9, abs=3e-6)
    assert segmented.flows.groupby("step")["hours"].first().tolist() == pytest.approx([4380, 4380])


@pytest.mark.parametrize("loss", ["0.5 %/h", "1 %/h"])
def test_a_leaky_store_over_typical_days_is_the_hourly_store(make_park, loss: str) -> None:
    """The surplus comes in hours 12-23 and is needed in hours 0-11 of the next day, so the
    tank carries heat over midnight. One repeated typical day is then the hourly year exactly,
    but the content carried into a day decays through it: the bound 'carried + lowest within
    the day >= 0' let the day draw on heat already lost (at 1 %/h the tank started a day with
    20.6 MWh and drew 20.6 MWh below that by hour 11, while 2.2 MWh of it had leaked; 19 %
    too cheap, or reported infeasible after HiGHS's presolve)."""
    def solve(time: dict) -> symbiosis.Result:
        return symbiosis.optimize(_shift_park(make_park, storage=True, time=time, overnight=True,
                                              tank={"standing_loss": loss}))

    typical, hourly = solve({"typical_days": 1}), solve("hourly")
    assert typical.summary["status"] == "optimal"
    assert typical.total_cost == pytest.approx(hourly.total_cost, rel=1e-6)
    tank = typical.exchanges.set_index("kind").loc["storage", "capacity"]
    assert tank == pytest.approx(hourly.exchanges.set_index("kind").loc["storage", "capacity"], rel=1e-6)


def test_a_store_loses_over_a_long_step_what_it_loses_hour_by_hour(make_park) -> None:
    """Two steps of 12 h and a standing loss of 10 %/h: the tank keeps 0.9^12 = 28.24 % of the
    24 MWh it took in step 1 through step 2, so it delivers 24 x 0.9^12 = 6.778 MWh a day,
    2,474.1 MWh a year. The loss was taken as 1 - 10 %/h x 12 h = -20 %: the tank made heat
    (6,309 MWh in, 8,760 MWh out). What it loses goes to the cooling tower, as the surplus did."""
    park = _shift_park(make_park, storage=True, time={"typical_days": 1, "segments": 2},
                       tank={"standing_loss": "10 %/h"})
    result = symbiosis.optimize(park)
    delivered = 24 * 0.9**12 * 365
    routes = result.routes.set_index("route")["annual_amount"]
    assert routes["gas_boiler"] == pytest.approx(8760 - delivered, rel=1e-6)
    assert routes["cooling_tower"] == pytest.approx(8760 - delivered, rel=1e-6)
    tank_cost = capital_recovery_factor(0.07, 40) * 1000 * 24
    assert result.total_cost == pytest.approx(tank_cost + 500 * (8760 - delivered), rel=1e-6)


def test_a_supply_store_sends_what_it_loses_to_the_current_route(make_park) -> None:
    """A tank of 50 % efficiency at the surplus: of the 8,760 MWh it takes a year it gives back
    4,380 (a 12 MWh tank: 2 MW x 12 h x 50 %); the other 4,380 MWh were lost, and leave as the
    surplus did, through the cooling tower at 10 NOK/MWh. They vanished from the park before,
    so the tank was paid for as a free cooling tower (and material stores made slag vanish)."""
    park = _shift_park(make_park, storage=True, tank={"efficiency": "50 %"}, cooling="10 NOK/MWh")
    result = symbiosis.optimize(park)
    routes = result.routes.set_index("route")["annual_amount"]
    assert routes["cooling_tower"] == pytest.approx(4380, rel=1e-6)
    assert routes["gas_boiler"] == pytest.approx(4380, rel=1e-6)
    tank = result.exchanges.set_index("kind").loc["storage"]
    assert tank["capacity"] == pytest.approx(12)
    assert tank["avoided_cost"] == pytest.approx(0, abs=1e-3)  # a store saves by what its link carries
    expected = capital_recovery_factor(0.07, 40) * 1000 * 12 + 500 * 4380 + 10 * 4380
    assert result.total_cost == pytest.approx(expected, rel=1e-6)


def test_typical_days_with_a_repeated_day_are_exact(make_park) -> None:
    park = _shift_park(make_park, storage=True)
    result = symbiosis.optimize(park)
    assert result.summary["typical_days"] == 1
    assert max(result.summary["aggregation_error"].values()) == pytest.approx(0, abs=1e-9)


def _electrolyser_park(make_park, heat_need: str):
    """A hub electrolyser serves a hydrogen demand of 1 t/h (8,760 t a year); its cooling heat
    (25 % of the electricity, 70 -> 40 degC) can go to a district-heating demand (30 -> 60 degC)."""
    firms = {
        "steel": {
            "location": {"x": "0 m", "y": "0 m"},
            "streams": {
                "hydrogen": {
                    "direction": "demand",
                    "carrier": "hydrogen",
                    "purity": "99.9 %",
                    "pressure": "30 bar",
                    "amount": "1 t/h",
                    "current": "grey_hydrogen",
                }
            },
        },
        "town": {
            "location": {"x": "500 m", "y": "0 m"},
            "streams": {
                "district_heat": {
                    "direction": "demand",
                    "carrier": "heat",
                    "temperature": "30 degC",
                    "target_temperature": "60 degC",
                    "amount": heat_need,
                    "current": "gas_boiler",
                }
            },
        },
    }
    return make_park(
        firms,
        routes={
            "grey_hydrogen": {"carrier": "hydrogen", "price": "100 NOK/kg"},
            "gas_boiler": {"carrier": "heat", "price": "500 NOK/MWh", "temperature": "250 degC"},
            "grid": {"carrier": "electricity", "price": "300 NOK/MWh"},
        },
        hubs={
            "h2_hub": {
                "location": {"x": "250 m", "y": "0 m"},
                "technologies": ["electrolyser"],
                "max_capacity": {"electrolyser": "200 MW"},
            }
        },
        technologies={
            "hot_water_pipe": FREE_PIPE,
            "heat_pump": {"enabled": False},
            "hydrogen_pipe": {
                "investment": "0 NOK",
                "investment_per_capacity": "0 NOK/(t/h)",
                "investment_per_length": "0 NOK/m",
                "running_cost": "0 NOK/t",
                "fixed_om": "0 %",
                "min_capacity": "0 t/h",
            },
            "oxygen_pipe": {"enabled": False},
            "electrolyser": {
                "investment": "0 NOK",
                "investment_per_capacity": "1000000 NOK/MW",
                "fixed_om": "0 %",
                "running_cost": "0 NOK/t",
                "lifetime": "20 year",
                "efficiency": "60 %",
                "heat_recovery": "25 %",
                "min_capacity": "0 MW",
            },
        },
    )


def test_electrolyser_heat_is_reused_exactly(make_park) -> None:
    """Electricity for 1 t/h of hydrogen: 33.33 / 0.6 = 55.55 MW; heat 0.25 x 55.55 = 13.89 MW,
    all of it wanted by a 20 MW demand. Cost = CRF(7 %, 20) x 1 MNOK/MW x 55.55 MW
    + 55.55 MW x 8760 h x 300 NOK/MWh + (20 - 13.89) MW x 8760 h x 500 NOK/MWh."""
    result = symbiosis.optimize(_electrolyser_park(make_park, "20 MW"))
    power = HYDROGEN_LHV_MWH_PER_T / 0.6
    heat = 0.25 * power
    expected = capital_recovery_factor(0.07, 20) * 1e6 * power + power * 8760 * 300 + (20 - heat) * 8760 * 500
    assert result.total_cost == pytest.approx(expected, rel=1e-6)
    unit = result.exchanges.set_index("kind").loc["electrolyser"]
    assert unit["capacity"] == pytest.approx(power, rel=1e-6)
    # hydrogen out in t, electricity in in MWh (the row said "t" for both)
    assert (unit["amount_unit"], unit["taken_unit"]) == ("t", "MWh")
    assert unit["annual_taken"] == pytest.approx(power * 8760, rel=1e-6)
    heat_link = result.exchanges[(result.exchanges["carrier"] == "heat")].iloc[0]
    assert heat_link["from_firm"] == "h2_hub"
    assert heat_link["annual_amount"] == pytest.approx(heat * 8760, rel=1e-6)
    # one row a carrier, named apart: 'vent' twice (oxygen in t, heat in MWh) read by name added
    # tonnes to MWh (an audit of the JSON contract)
    assert result.routes["route"].is_unique
    vented = result.routes.set_index(["route", "carrier"]).loc[("vent_oxygen", "oxygen"), "annual_amount"]
    assert vented == pytest.approx(8760 * OXYGEN_PER_HYDROGEN, rel=1e-6)
    # Its time series: electricity in (MW), hydrogen out (t/h): 1 t/h every hour.
    flows = result.flows[result.flows["id"] == unit["id"]]
    assert (flows["hours"] * flows["taken"]).sum() == pytest.approx(power * 8760, rel=1e-6)
    assert flows["delivered"].to_numpy() == pytest.approx(1.0, rel=1e-6)


def test_a_route_of_the_parks_own_named_vent_keeps_its_name(make_park) -> None:
    """Without hubs a park may call its own route 'vent' (the name is refused only beside hubs);
    the routes table had renamed it 'vent_heat', beside the park's own 'vent_heat': two rows of
    one name, and no 'vent'. A 1 MW surplus on 'vent' and a 0.5 MW one on 'vent_heat' keep theirs."""
    firms = {"a": {"location": {"x": "0 m", "y": "0 m"}, "streams": {
        "one": {"direction": "supply", "carrier": "heat", "temperature": "30 degC", "amount": "1 MW",
                "current": "vent"},
        "two": {"direction": "supply", "carrier": "heat", "temperature": "30 degC", "amount": "0.5 MW",
                "current": "vent_heat"}}}}
    park = make_park(firms, routes={
        "vent": {"carrier": "heat", "price": "10 NOK/MWh", "temperature": "20 degC"},
        "vent_heat": {"carrier": "heat", "price": "20 NOK/MWh", "temperature": "20 degC"}})
    routes = symbiosis.optimize(park).routes.set_index("route")["annual_amount"]
    assert routes["vent"] == pytest.approx(8760, rel=1e-9)
    assert routes["vent_heat"] == pytest.approx(4380, rel=1e-9)
    assert routes.index.is_unique


def test_a_hub_unit_can_be_forbidden_and_then_vents_nothing(make_park) -> None:
    """The electrolyser forbidden (a hub unit's id in ``fixed_links``, which took only links): the
    hydrogen is bought grey, 8760 t x 100,000 NOK/t, the heat from the boiler, and the routes
    table lists no hub vent of 0 (Herøya's listed three: hydrogen, oxygen and heat)."""
    park = _electrolyser_park(make_park, "20 MW")
    (unit,) = [c.id for c in symbiosis.find_candidates(park).converters]
    result = symbiosis.optimize(park, fixed_links={unit: False})
    assert result.exchanges.empty
    assert result.total_cost == pytest.approx(8760 * 100_000 + 20 * 8760 * 500, rel=1e-9)
    assert not any(route.startswith("vent") for route in result.routes["route"])


def _steam_park(make_park, demand_pressure: str, temperatures: tuple[str | None, str | None] | None = None):
    firms = {
        "mill": {
            "location": {"x": "0 m", "y": "0 m"},
            "streams": {
                "steam": {
                    "direction": "supply",
                    "carrier": "steam",
                    "pressure": "20 bar",
                    "amount": "10 MW",
                    "current": "condenser",
                }
            },
        },
        "dairy": {
            "location": {"x": "400 m", "y": "0 m"},
            "streams": {
                "steam": {
                    "direction": "demand",
                    "carrier": "steam",
                    "pressure": demand_pressure,
                    "amount": "5 MW",
                    "current": "steam_boiler",
                }
            },
        },
    }
    if temperatures is not None:
        for firm, temperature in zip(("mill", "dairy"), temperatures, strict=True):
            if temperature is not None:
                firms[firm]["streams"]["steam"]["temperature"] = temperature
    return make_park(
        firms,
        routes={
            "condenser": {"carrier": "steam", "price": "0 NOK/MWh"},
            "steam_boiler": {"carrier": "steam", "price": "600 NOK/MWh", "emissions": "0.2 t/MWh"},
        },
    )


def test_steam_is_let_down_to_a_lower_pressure_but_never_raised(make_park) -> None:
    lower = symbiosis.optimize(_steam_park(make_park, "5 bar"))
    assert list(lower.exchanges["technology"]) == ["steam_pipe"]
    assert lower.exchanges.iloc[0]["capacity"] == pytest.approx(5 / (1 - 0.015 * 0.4 * 1.3), rel=1e-6)
    higher = symbiosis.optimize(_steam_park(make_park, "30 bar"))
    assert higher.exchanges.empty
    assert len(higher.candidates) == 0


def test_steam_is_never_heated_on_the_way(make_park) -> None:
    """A 250 degC supply was linked to a demand for 400 degC steam: the temperature was read and
    ignored. Let down through a valve, steam keeps or loses temperature, never gains it."""
    too_cold = symbiosis.optimize(_steam_park(make_park, "5 bar", ("250 degC", "400 degC")))
    assert len(too_cold.candidates) == 0
    hot_enough = symbiosis.optimize(_steam_park(make_park, "5 bar", ("300 degC", "180 degC")))
    assert list(hot_enough.exchanges["technology"]) == ["steam_pipe"]


def test_a_steam_supply_that_gives_only_its_pressure_is_at_least_at_saturation(make_park) -> None:
    """Water boils at 212.4 degC at 20 bar (steam tables): a 20 bar supply that gives no temperature
    serves a demand for 200 degC steam (it had been refused: "the supply does not state it") and
    not one for 250 degC; a 20 bar supply written at 150 degC is water, and refused."""
    served = symbiosis.optimize(_steam_park(make_park, "5 bar", (None, "200 degC")))
    assert list(served.exchanges["technology"]) == ["steam_pipe"]
    too_hot = _steam_park(make_park, "5 bar", (None, "250 degC"))
    assert len(symbiosis.find_candidates(too_hot).table) == 0
    (reason,) = symbiosis.candidates_between(too_hot, "mill", "dairy")["reason"]
    assert "the demand asks for temperature 250 degC or more, the supply has 212.4 degC" in reason
    with pytest.raises(symbiosis.ParkError) as caught:
        _steam_park(make_park, "5 bar", ("150 degC", None))
    (problem,) = caught.value.problems
    assert (problem.firm, problem.stream, problem.field) == ("mill", "steam", "temperature")
    assert "at or above its saturation temperature, 212.4 degC" in problem.expected


def _seasonal_weekday() -> tuple[dict, dict]:
    """A seasonal district-heating demand and a weekday process surplus (firms, files)."""
    import math

    hours = range(8760)
    seasonal = "value\n" + "\n".join(f"{1 + 0.6 * math.cos(2 * math.pi * h / 8760):.4f}" for h in hours)
    weekday = "value\n" + "\n".join("1" if (h // 24) % 7 < 5 else "0.3" for h in hours)
    firms = {
        "plant": {
            "location": {"x": "0 m", "y": "0 m"},
            "streams": {
                "cooling": {
                    "direction": "supply",
                    "carrier": "heat",
                    "temperature": "95 degC",
                    "target_temperature": "60 degC",
                    "amount": "18 GWh/year",
                    "profile": "profiles/weekday.csv",
                    "current": "cooling_tower",
                }
            },
        },
        "town": {
            "location": {"x": "700 m", "y": "0 m"},
            "streams": {
                "network": {
                    "direction": "demand",
                    "carrier": "heat",
                    "temperature": "40 degC",
                    "target_temperature": "70 degC",
                    "amount": "10 GWh/year",
                    "profile": "profiles/seasonal.csv",
                    "current": "gas_boiler",
                }
            },
        },
    }
    return firms, {"profiles/seasonal.csv": seasonal, "profiles/weekday.csv": weekday}


def test_hourly_and_typical_days_agree_within_a_stated_bound(make_park) -> None:
    """The park above: 12 typical days stay within 2 % of the full 8760-hour model's total
    cost (the bound the README states)."""
    firms, files = _seasonal_weekday()
    hourly = symbiosis.optimize(make_park(firms, files=files, park={"time": "hourly"}))
    typical = symbiosis.optimize(make_park(firms, files=files, park={"time": {"typical_days": 12}}))
    assert typical.total_cost == pytest.approx(hourly.total_cost, rel=0.02)
    assert hourly.summary["time_steps"] == 8760 and typical.summary["time_steps"] == 12 * 24


def test_a_firm_with_nothing_to_exchange_does_not_move_the_typical_days(make_park) -> None:
    """A laundry buying steam in summer only, with no steam anywhere to link to: at typical days
    its profile was clustered with the others' and moved their answer (an audit: 6,368 EUR a
    year on a 7-firm park). Clustered out, the park's saving and design stay as they were, and
    its total cost rises by the laundry's own bill: 2 GWh a year at the boiler's price."""
    import math

    firms, files = _seasonal_weekday()
    summer = "value\n" + "\n".join(f"{max(0.0, math.sin(math.pi * h / 8760)) ** 4 + 1e-3:.6f}"
                                    for h in range(8760))
    laundry = {"location": {"x": "0 m", "y": "900 m"}, "streams": {"steam": {
        "direction": "demand", "carrier": "steam", "pressure": "8 bar", "amount": "2 GWh/year",
        "profile": "profiles/summer.csv", "current": "steam_boiler"}}}
    routes = {"steam_boiler": {"carrier": "steam", "price": "600 NOK/MWh"}}
    time = {"time": {"typical_days": 4}}
    alone = symbiosis.optimize(make_park(firms, files=files, park=time, routes=routes))
    files_beside = {**files, "profiles/summer.csv": summer}
    beside = symbiosis.optimize(make_park({**firms, "laundry": laundry}, files=files_beside, park=time,
                                          routes=routes))
    assert beside.saving == pytest.approx(alone.saving, rel=1e-9)
    assert beside.total_cost == pytest.approx(alone.total_cost + 2_000 * 600, rel=1e-9)
    assert list(beside.exchanges["capacity"]) == pytest.approx(list(alone.exchanges["capacity"]), rel=1e-9)


def test_the_park_at_its_mean_rates_costs_no_more_than_over_time(make_park) -> None:
    """The coarse model (``averaged``: one step of the weighted mean rates) holds each stream at
    its annual amount over 8760 h (18 GWh and 10 GWh a year: 2.055 and 1.142 MW), and its
    optimum is a lower bound on the time-resolved one: averaging the time-resolved answer over
    the steps is an answer of the one-step model at the same cost. Here strictly lower: the
    weekday surplus and the winter demand do not coincide hour by hour."""
    from symbiosis.candidates import find_candidates
    from symbiosis.models import build_model
    from symbiosis.models.data import averaged
    from symbiosis.problem import to_model_data
    from symbiosis.solvers import SolveOptions, solve
    from symbiosis.time import time_steps

    firms, files = _seasonal_weekday()
    park = make_park(firms, files=files, park={"time": {"typical_days": 12}})
    data = to_model_data(park, find_candidates(park), time_steps(park))
    one_step = averaged(data)
    assert one_step.weights.tolist() == [8760]
    assert one_step.streams["plant.cooling"].rate[0] == pytest.approx(18e3 / 8760, rel=1e-9)
    assert one_step.streams["town.network"].rate[0] == pytest.approx(10e3 / 8760, rel=1e-9)
    assert one_step.links == data.links
    over_time = solve(build_model(data), SolveOptions()).objective
    at_the_mean = solve(build_model(one_step), SolveOptions()).objective
    assert at_the_mean < over_time * (1 - 1e-3)


def test_a_hub_store_lets_the_electrolyser_run_flat(make_park) -> None:
    """Hydrogen is wanted at 2 t/h for 12 hours a day and not at all for the other 12 (1 t/h on
    average). Without a store the hub's electrolyser must be sized for 2 t/h: 2 x 33.33 / 0.6 =
    111.1 MW. With a hydrogen tank at the hub it runs flat at 1 t/h (55.55 MW) and the tank
    keeps 12 t from the quiet half of the day (12 h x 1 t/h). Cost = CRF(7 %, 20) x 1 MNOK/MW
    x 55.55 MW + 55.55 MW x 8760 h x 300 NOK/MWh + CRF(7 %, 20) x 100,000 NOK/t x 12 t."""
    firms = {
        "steel": {
            "location": {"x": "0 m", "y": "0 m"},
            "streams": {
                "hydrogen": {
                    "direction": "demand",
                    "carrier": "hydrogen",
                    "purity": "99.9 %",
                    "pressure": "30 bar",
                    "amount": "1 t/h",
                    "profile": "profiles/day.csv",
                    "current": "grey_hydrogen",
                }
            },
        }
    }
    park = make_park(
        firms,
        files={"profiles/day.csv": DAY},
        park={"time": {"typical_days": 1}},
        routes={
            "grey_hydrogen": {"carrier": "hydrogen", "price": "100 NOK/kg"},
            "grid": {"carrier": "electricity", "price": "300 NOK/MWh"},
        },
        hubs={
            "h2_hub": {
                "location": {"x": "250 m", "y": "0 m"},
                "technologies": ["electrolyser", "hydrogen_storage"],
                "max_capacity": {"electrolyser": "200 MW", "hydrogen_storage": "50 t"},
            }
        },
        technologies={
            "hydrogen_pipe": {
                "investment": "0 NOK",
                "investment_per_capacity": "0 NOK/(t/h)",
                "investment_per_length": "0 NOK/m",
                "running_cost": "0 NOK/t",
                "fixed_om": "0 %",
                "min_capacity": "0 t/h",
            },
            "oxygen_pipe": {"enabled": False},
            "hot_water_pipe": {"enabled": False},
            "heat_pump": {"enabled": False},
            "electrolyser": {
                "investment": "0 NOK",
                "investment_per_capacity": "1000000 NOK/MW",
                "fixed_om": "0 %",
                "running_cost": "0 NOK/t",
                "lifetime": "20 year",
                "efficiency": "60 %",
                "min_capacity": "0 MW",
            },
            "hydrogen_storage": {
                "investment": "0 NOK",
                "investment_per_capacity": "100000 NOK/t",
                "fixed_om": "0 %",
                "running_cost": "0 NOK/t",
                "lifetime": "20 year",
                "efficiency": "100 %",
                "standing_loss": "0 %/h",
                "charge_rate": "100 %/h",
                "min_capacity": "0 t",
            },
        },
    )
    result = symbiosis.optimize(park)
    rows = result.exchanges.set_index("kind")
    power = HYDROGEN_LHV_MWH_PER_T / 0.6
    assert rows.loc["electrolyser", "capacity"] == pytest.approx(power, rel=1e-6)
    assert rows.loc["storage", "capacity"] == pytest.approx(12.0, rel=1e-6)
    crf = capital_recovery_factor(0.07, 20)
    expected = crf * 1e6 * power + power * 8760 * 300 + crf * 100_000 * 12
    assert result.total_cost == pytest.approx(expected, rel=1e-6)


def _heat_pump_hub_park(make_park, a_excludes: tuple[str, ...] = ()):
    """Two firms' cooling water, a heat pump hub 'loop' and a town (next test); firm a may
    exclude partners."""
    cooling = {
        "direction": "supply",
        "carrier": "heat",
        "temperature": "40 degC",
        "target_temperature": "30 degC",
        "amount": "2 MW",
        "current": "cooling_tower",
    }
    firms = {
        "a": {"location": {"x": "0 m", "y": "0 m"}, "streams": {"cooling": cooling},
              "rules": {"exclude_partners": list(a_excludes)}},
        "b": {"location": {"x": "0 m", "y": "800 m"}, "streams": {"cooling": cooling}},
        "town": {
            "location": {"x": "1500 m", "y": "400 m"},
            "streams": {
                "network": {
                    "direction": "demand",
                    "carrier": "heat",
                    "temperature": "40 degC",
                    "target_temperature": "70 degC",
                    "amount": "5 MW",
                    "current": "gas_boiler",
                }
            },
        },
    }
    return make_park(
        firms,
        routes={"grid": {"carrier": "electricity", "price": "300 NOK/MWh"}},
        hubs={
            "loop": {
                "location": {"x": "500 m", "y": "400 m"},
                "technologies": ["hub_heat_pump"],
                "max_capacity": {"hub_heat_pump": "20 MW"},
                "collect": {"from": "10 degC", "to": "20 degC"},
                "deliver": {"from": "95 degC", "to": "80 degC"},
            }
        },
        technologies={
            "hot_water_pipe": FREE_PIPE,
            "heat_pump": {"enabled": False},
            "hub_heat_pump": {
                "carrier": "heat",
                "kind": "heat_pump",
                "investment": "0 NOK",
                "investment_per_capacity": "1000000 NOK/MW",
                "fixed_om": "0 %",
                "running_cost": "0 NOK/MWh",
                "lifetime": "25 year",
                "carnot_efficiency": "50 %",
                "min_approach": "5 K",
                "min_capacity": "0 MW",
                "max_distance": "0.1 km",
            },
        },
    )


def test_a_heat_pump_hub_lifts_a_pooled_surplus(make_park) -> None:
    """Two firms' cooling water (40 -> 30 degC, 2 MW each) warms a hub's collecting loop
    (10 -> 20 degC); the hub's heat pump delivers 95 -> 80 degC to a district-heating demand
    (40 -> 70 degC, 5 MW). Both pipes lie wholly above their demands (30 - 10 >= 20; 80 - 10 >=
    70). COP = 0.5 x (95 + 5 + 273.15) / ((95 + 5) - (10 - 5)) = 0.5 x 373.15 / 95 = 1.964.
    For 5 MW delivered it takes 5 (COP - 1) / COP from the loop and buys 5 / COP. Cost =
    CRF(7 %, 25) x 1 MNOK/MW x 5 MW + 8760 x (5 / COP) x 300 + 8760 x (4 - 5 (COP - 1) / COP) x 10
    (the rest of the cooling water still goes to the cooling tower)."""
    park = _heat_pump_hub_park(make_park)
    result = symbiosis.optimize(park)
    cop = 0.5 * 373.15 / 95
    pump = result.exchanges.set_index("kind").loc["heat_pump_hub"]
    assert pump["cop"] == pytest.approx(cop, rel=1e-9)
    assert pump["capacity"] == pytest.approx(5.0, rel=1e-6)
    assert pump["electricity"] == pytest.approx(8760 * 5 / cop, rel=1e-6)
    pipes = result.exchanges[result.exchanges["kind"] == "direct"]
    into_loop = pipes[pipes["to_firm"] == "loop"]["annual_amount"].sum()
    assert into_loop == pytest.approx(8760 * 5 * (cop - 1) / cop, rel=1e-6)
    expected = (
        capital_recovery_factor(0.07, 25) * 1e6 * 5
        + 8760 * 5 / cop * 300
        + 8760 * (4 - 5 * (cop - 1) / cop) * 10
    )
    assert result.total_cost == pytest.approx(expected, rel=1e-6)
    # Its time series: the loop's heat taken, 5 MW of lifted heat delivered, every step.
    flows = result.flows[result.flows["id"] == pump["id"]]
    assert flows["delivered"].to_numpy() == pytest.approx(5.0, rel=1e-6)
    assert flows["taken"].to_numpy() == pytest.approx(5 * (cop - 1) / cop, rel=1e-6)


def test_a_firm_may_exclude_a_hub(make_park) -> None:
    """exclude_partners refused a hub's id ("expected a firm id"): a firm could not keep its heat
    from a hub. Excluded, firm a sends nothing to the loop; firm b still does."""
    result = symbiosis.optimize(_heat_pump_hub_park(make_park, a_excludes=("loop",)))
    links = result.exchanges[result.exchanges["from_firm"] != result.exchanges["to_firm"]]
    assert list(links.loc[links["to_firm"] == "loop", "from_firm"]) == ["b"]


def test_a_store_carries_heat_from_one_typical_day_to_the_next(make_park) -> None:
    """Firm A has 1 MW of surplus on even days 0-362 only, firm B needs 1 MW on odd days 1-363
    only (flat within a day); day 364 is quiet. Three typical days represent the year exactly,
    in their order. A store cyclic within each typical day could shift nothing; linked across
    the days in their order (Kotzur et al. 2018) a 24 MWh tank carries each even day's surplus
    to the next odd day, so all 182 odd days are served: the only cost is the tank. (Every day
    of a typical day runs the same way, so the numbers of surplus and demand days must match
    for a 24 MWh tank: hence the quiet last day.)"""
    even = "value\n" + "\n".join("1" if day % 2 == 0 and day < 364 else "0" for day in range(365))
    odd = "value\n" + "\n".join("1" if day % 2 == 1 else "0" for day in range(365))
    firms = {
        "a": {
            "location": {"x": "0 m", "y": "0 m"},
            "storage": ["thermal_storage"],
            "streams": {
                "surplus": {
                    "direction": "supply",
                    "carrier": "heat",
                    "temperature": "90 degC",
                    "target_temperature": "60 degC",
                    "amount": f"{182 * 24} MWh/year",
                    "profile": "profiles/even.csv",
                    "current": "cooling_tower",
                }
            },
        },
        "b": {
            "location": {"x": "300 m", "y": "0 m"},
            "streams": {
                "need": {
                    "direction": "demand",
                    "carrier": "heat",
                    "temperature": "40 degC",
                    "target_temperature": "70 degC",
                    "amount": f"{182 * 24} MWh/year",
                    "profile": "profiles/odd.csv",
                    "current": "gas_boiler",
                }
            },
        },
    }
    park = make_park(
        firms,
        files={"profiles/even.csv": even, "profiles/odd.csv": odd},
        park={"time": {"typical_days": 3}},
        routes={
            "gas_boiler": {"carrier": "heat", "price": "500 NOK/MWh", "temperature": "250 degC"},
            "cooling_tower": {"carrier": "heat", "price": "0 NOK/MWh", "temperature": "10 degC"},
        },
        technologies={
            "hot_water_pipe": FREE_PIPE,
            "heat_pump": {"enabled": False},
            "thermal_storage": {
                "investment": "0 NOK",
                "investment_per_capacity": "1000 NOK/MWh",
                "fixed_om": "0 %",
                "efficiency": "100 %",
                "standing_loss": "0 %/h",
                "charge_rate": "100 %/h",
                "min_capacity": "0 MWh",
                "lifetime": "40 year",
            },
        },
    )
    result = symbiosis.optimize(park)
    assert result.summary["typical_days"] == 3
    assert max(result.summary["aggregation_error"].values()) == pytest.approx(0, abs=1e-9)
    tank = result.exchanges[result.exchanges["kind"] == "storage"].iloc[0]
    assert tank["capacity"] == pytest.approx(24.0)
    assert result.total_cost == pytest.approx(capital_recovery_factor(0.07, 40) * 1000 * 24, rel=1e-6)


@pytest.mark.slow
def test_typical_days_against_the_full_hourly_model_on_an_example_park() -> None:
    """Hofors-Borlänge (9 firms, seasonal district heating, a steel mill's weekly rhythm): 16
    typical days against all 8760 hours, each solved to a 0.5 % gap. The bound stated in the
    README: total annual cost within 1 % of the hourly model's (measured: 0.01 %)."""
    from conftest import PARKS

    hourly = symbiosis.optimize(
        symbiosis.load_park(PARKS / "hofors_borlange", overrides={"park.time": "hourly"}), gap=0.005
    )
    typical = symbiosis.optimize(
        symbiosis.load_park(PARKS / "hofors_borlange", overrides={"park.time": {"typical_days": 16}}),
        gap=0.005,
    )
    assert hourly.summary["time_steps"] == 8760 and typical.summary["time_steps"] == 16 * 24
    assert typical.total_cost == pytest.approx(hourly.total_cost, rel=0.01)
    assert max(typical.summary["aggregation_error"].values()) < 0.5


def test_a_coarse_start_begins_from_the_annual_design_and_ends_at_the_same_optimum(make_park) -> None:
    """``start="coarse"`` solves the park as one annual step first and hands its design (here
    the pipe; the tank, which one step cannot value, is left to the typical-day model) as a
    first answer: no better than the optimum, and branch and bound ends at the same one as
    without a start."""
    park = _shift_park(make_park, storage=True)
    plain = symbiosis.optimize(park, start="none")
    coarse = symbiosis.optimize(park, start="coarse")
    assert coarse.summary["start_source"] == "design"
    assert coarse.summary["start_objective"] >= plain.total_cost * (1 - 1e-9)
    assert coarse.total_cost == pytest.approx(plain.total_cost, rel=1e-6)
    assert sorted(coarse.exchanges["kind"]) == sorted(plain.exchanges["kind"])


def test_a_store_lets_a_link_carry_more_than_its_supplys_peak(make_park) -> None:
    """Firm A has 1 MW of surplus heat all day; firm B needs none in hours 0-11 and 2 MW in hours
    12-23. A store at A (the catalogue's tank: 95 % round trip, 0.02 %/h standing loss) fills with
    1 MW for 12 h and holds E = 0.95 x sum_{i<12} (1 - 0.0002)^i = 11.3875 MWh; in hours 12-23 it
    releases d = 0.95 x (1 - 0.0002)^12 = 0.94772 MW beside the 1 MW A makes then, so the link is
    sized K = 1.94772 MW: more than A's peak. (The heat is worth 500 NOK/MWh to B; the tank's
    and the pipe's annual costs are far below what it shifts.) A link's largest size used to be
    its supply's peak (1 MW), so no store could pay and B got half of the shiftable heat
    (found by a hand check of the model's meanings)."""
    firms = {
        "a": {"location": {"x": "0 m", "y": "0 m"}, "storage": ["thermal_storage"],
              "streams": {"surplus": {"direction": "supply", "carrier": "heat", "temperature": "90 degC",
                                      "target_temperature": "70 degC", "amount": "1 MW",
                                      "current": "cooling_tower"}}},
        "b": {"location": {"x": "1000 m", "y": "0 m"},
              "streams": {"need": {"direction": "demand", "carrier": "heat", "temperature": "40 degC",
                                   "target_temperature": "60 degC", "amount": "1 MW",
                                   "profile": "profiles/afternoon.csv", "current": "gas_boiler"}}},
    }
    park = make_park(
        firms, files={"profiles/afternoon.csv": NIGHT}, park={"time": {"typical_days": 1}},
        routes={"gas_boiler": {"carrier": "heat", "price": "500 NOK/MWh", "temperature": "250 degC"},
                "cooling_tower": {"carrier": "heat", "price": "20 NOK/MWh", "temperature": "20 degC"}},
        technologies={"hot_water_pipe": {"investment_per_capacity": "1000000 NOK/MW"}},
    )
    result = symbiosis.optimize(park)
    kept = 1 - 0.0002
    released = 0.95 * kept**12
    held = 0.95 * sum(kept**i for i in range(12))
    built = result.exchanges.set_index("kind")
    assert built.loc["storage", "capacity"] == pytest.approx(held, rel=1e-6)
    assert built.loc["direct", "capacity"] == pytest.approx(1 + released, rel=1e-6)
    flows = result.flows[result.flows["id"] == built.loc["direct", "id"]].sort_values("step")
    assert flows["taken"].to_numpy()[12:] == pytest.approx(1 + released, rel=1e-6)


@pytest.mark.parametrize("weak", [-1e12, float("nan")])  # NaN: HiGHS's bound was infinite
def test_the_one_step_models_bound_stands_in_for_a_weaker_one(make_park, monkeypatch, weak: float) -> None:
    """Averaging a time-resolved answer over its steps gives an answer of the one-step model
    of mean rates at the same cost (a park without stores), so that model's bound bounds the
    time-resolved optimum too. On large parks branch and bound may stop before its root LP, on
    HiGHS's trivial bound (a 50-firm park said 1,355 % from a bound of -713 M, where the
    one-step model's gives 29 %); here the main solve's bound is made that weak. The one-step
    model of this park is its annual model: A's 1 MW mean surplus meets B's 1 MW mean need
    (hours apart, so the time-resolved optimum builds nothing)."""
    import symbiosis.optimization as optimization

    park = _shift_park(make_park, storage=False, time={"typical_days": 2})
    plain = symbiosis.optimize(park, start="none")
    annual = symbiosis.optimize(symbiosis.load_park(park.folder, overrides={"park.time": "annual"}))
    real_solve = optimization.solve

    def weak_main_bound(model, options):
        outcome = real_solve(model, options)
        main = options.start in ("design", "answer")  # from the coarse design, or its first answer
        return dataclasses.replace(outcome, bound=weak) if main else outcome

    monkeypatch.setattr(optimization, "solve", weak_main_bound)
    coarse = symbiosis.optimize(park, start="coarse")
    assert coarse.total_cost == pytest.approx(plain.total_cost, rel=1e-6)
    bound = coarse.summary["bound"]
    assert bound == pytest.approx(annual.total_cost, rel=0.01, abs=1e-3) and bound <= annual.total_cost + 1e-6
    assert bound <= plain.total_cost and annual.total_cost < plain.total_cost
    assert coarse.summary["bound_source"] == "one annual step of mean rates"
    assert coarse.summary["gap"] == pytest.approx((coarse.total_cost - bound) / coarse.total_cost, rel=1e-9)


def test_a_run_without_an_answer_says_what_the_optimum_costs_at_least(make_park, monkeypatch) -> None:
    """The main solve ended at its time limit with no answer: the one-step model's bound still
    says what the least cost is at least (the annual park's optimum, as above), and so does
    the run's account of why there is no answer."""
    import symbiosis.optimization as optimization
    from symbiosis.solvers import SolveOutcome, Status

    park = _shift_park(make_park, storage=False, time={"typical_days": 2})
    annual = symbiosis.optimize(symbiosis.load_park(park.folder, overrides={"park.time": "annual"}))
    real_solve = optimization.solve

    def no_answer_in_time(model, options):
        if options.start in ("design", "answer"):  # the main solve
            return SolveOutcome(status=Status.TIME_LIMIT, has_solution=False, message="Time limit reached")
        return real_solve(model, options)

    monkeypatch.setattr(optimization, "solve", no_answer_in_time)
    result = symbiosis.optimize(park, start="coarse")
    assert not result.has_solution and result.status == "time_limit"
    assert result.summary["bound"] == pytest.approx(annual.total_cost, rel=0.01, abs=1e-3)
    assert result.summary["bound_source"] == "one annual step of mean rates"
    said = result.why_no_solution_text
    assert "time limit" in said
    assert f"at least {result.summary['bound']:,.0f} NOK a year (the bound of one annual step" in said
    assert result.to_dict()["why"] == result.why_no_solution and annual.to_dict()["why"] == []  # --json


@pytest.mark.parametrize("store_at", ["a", "b"])
def test_a_free_store_with_nothing_to_shift_is_not_proposed(make_park, store_at: str) -> None:
    """Surplus and need in the same hours: the pipe carries all, a store has nothing to shift. A
    store that costs nothing at any size may then be left built by the solver at its largest
    size (24 MWh here) carrying nothing; it was listed as a proposed exchange, as free idle links
    are not."""
    park = _shift_park(make_park, storage=True, same_hours=True, store_at=store_at,
                       tank={"investment_per_capacity": "0 NOK/MWh"})
    result = symbiosis.optimize(park)
    assert result.exchanges["kind"].tolist() == ["direct"]
    assert result.exchanges["annual_amount"].iloc[0] == pytest.approx(8760)


def _lossy_supply_store_park(make_park):
    """A flat 1.5 MW surplus with a store, a 2 MW need in hours 8-19 (one typical day)."""
    need = "\n".join(["0"] * 8 + ["2"] * 12 + ["0"] * 4)
    firms = {
        "a": {"location": {"x": "0 m", "y": "0 m"}, "storage": ["thermal_storage"], "streams": {
            "hot": {"direction": "supply", "carrier": "heat", "temperature": "90 degC",
                    "target_temperature": "60 degC", "amount": "1.5 MW", "current": "cooling_tower"}}},
        "b": {"location": {"x": "300 m", "y": "0 m"}, "streams": {
            "w": {"direction": "demand", "carrier": "heat", "temperature": "40 degC",
                  "target_temperature": "70 degC", "amount": "1 MW", "current": "gas_boiler",
                  "profile": "profiles/b.csv"}}},
    }
    routes = {"gas_boiler": {"carrier": "heat", "price": "0.55 NOK/kWh", "temperature": "250 degC"},
              "cooling_tower": {"carrier": "heat", "price": "0.01 NOK/kWh", "temperature": "10 degC"}}
    technologies = {"heat_pump": {"enabled": False},
                    "hot_water_pipe": FREE_PIPE | {"investment": "100000 NOK"},
                    "thermal_storage": {"investment": "0 NOK", "investment_per_capacity": "100 NOK/MWh",
                                        "min_capacity": "0 MWh"}}
    park = make_park(firms, files={"profiles/b.csv": need}, park={"time": {"typical_days": 1}}, routes=routes,
                     technologies=technologies)
    return park


def test_a_lossy_supply_store_reports_only_what_it_must_shift(make_park) -> None:
    """A flat 1.5 MW surplus, a 2 MW need in hours 8-19 (1 MW a day on average): the pipe carries
    1.5 MW by day and a store on the surplus 0.5 MW x 12 h = 6 MWh a day, 2,190 MWh a year out
    (and that over its 95 % efficiency in, plus its standing loss). Cycling heat through the
    lossy store into the cooling tower costs nothing more (its losses go there anyway), so the
    solver had reported 3,806 MWh out, discharged in hours of no need; the least throughput at
    the same cost is what is reported."""
    park = _lossy_supply_store_park(make_park)
    result = symbiosis.optimize(park, gap=1e-7)
    store = result.exchanges.set_index("kind").loc["storage"]
    efficiency = park.technologies["thermal_storage"].efficiency
    assert efficiency < 1, "the test needs a lossy store"
    assert store["annual_amount"] == pytest.approx(0.5 * 12 * 365, rel=1e-6)
    assert store["annual_taken"] == pytest.approx(0.5 * 12 * 365 / efficiency, rel=0.01)  # + standing loss
    flows = result.flows[result.flows["id"] == store["id"]].sort_values("step")
    idle_hours = [hour not in range(8, 20) for hour in range(24)]
    assert (flows["delivered"].to_numpy()[idle_hours] < 1e-9).all()  # nothing out when nothing is needed
    assert ((flows["taken"] > 1e-9) & (flows["delivered"] > 1e-9)).sum() == 0


def test_the_typical_days_of_one_park_are_clustered_once() -> None:
    """An analysis re-solves one park tens of times; tsam's clustering (0.3 s a time on Herøya)
    is kept for the same profiles and settings, and is the clustering a fresh run makes."""
    import numpy as np
    from conftest import PARKS

    from symbiosis.time import _clustered, time_steps, typical_days

    park = symbiosis.load_park(PARKS / "heroya")
    kept = time_steps(park)
    assert time_steps(symbiosis.load_park(PARKS / "heroya")) is kept  # same profiles: kept
    assert typical_days(park, 4) is not kept and len(typical_days(park, 4)) == 4 * 24
    _clustered.cache_clear()
    fresh = time_steps(park)
    assert fresh is not kept
    np.testing.assert_array_equal(fresh.weights, kept.weights)
    np.testing.assert_array_equal(fresh.day_order, kept.day_order)
    for key, factors in kept.factors.items():
        np.testing.assert_array_equal(fresh.factors[key], factors)


def _heat(direction: str, temperature: float, target: float, amount: str, profile: str, current: str) -> dict:
    """A heat stream from ``temperature`` to ``target`` (degC) with its yearly amount and profile."""
    return {"direction": direction, "carrier": "heat", "temperature": f"{temperature} degC",
            "target_temperature": f"{target} degC", "amount": amount, "profile": profile, "current": current}


@pytest.mark.parametrize("time", [{"typical_days": 2}, "hourly"])
def test_a_lossless_store_carries_the_weekends_and_no_more(make_park, time) -> None:
    """Found by an audit: firm A has surplus on weekdays only (261 of the year's days), firm B
    needs a flat 1 MW. A lossless tank at A carries each weekend's 48 MWh, so over the year it
    moves what the 104 weekend days need: 104 x 24 = 2,496 MWh. At 100 % efficiency and no
    running cost the solver may also cycle heat through the tank into the cooling tower across
    steps (netting within a step does not catch it): reported 6,802.5 MWh at 2 typical days and
    2,565 hourly. The least-throughput LP now runs for lossless stores too."""
    week = "value\n" + "\n".join(["1"] * 120 + ["0"] * 48)
    flat = "value\n" + "\n".join(["1"] * 24)
    firms = {
        "a": {"location": {"x": "0 m", "y": "0 m"}, "storage": ["thermal_storage"], "streams": {
            "waste": _heat("supply", 90, 60, "15660 MWh/year", "profiles/week.csv", "cooling_tower")}},
        "b": {"location": {"x": "100 m", "y": "0 m"}, "streams": {
            "need": _heat("demand", 30, 50, "8760 MWh/year", "profiles/flat.csv", "gas_boiler")}},
    }
    park = make_park(
        firms, files={"profiles/week.csv": week, "profiles/flat.csv": flat},
        park={"time": time, "currency": "EUR"},
        routes={"gas_boiler": {"carrier": "heat", "price": "50 EUR/MWh", "temperature": "250 degC"},
                "cooling_tower": {"carrier": "heat", "price": "1 EUR/MWh", "temperature": "10 degC"}},
        technologies={
            "heat_pump": {"enabled": False},
            "hot_water_pipe": {**FREE_PIPE, "investment_per_capacity": "1000 EUR/MW", "investment": "0 EUR",
                               "investment_per_length": "0 EUR/m", "running_cost": "0 EUR/MWh"},
            "thermal_storage": {"investment": "0 EUR", "investment_per_capacity": "10 EUR/MWh",
                                "fixed_om": "0 %", "efficiency": "100 %", "standing_loss": "0 %/h",
                                "charge_rate": "100 %/h", "min_capacity": "0 MWh", "lifetime": "10 year"},
        },
    )
    result = symbiosis.optimize(park, gap=0)
    tank = result.exchanges.set_index("kind").loc["storage"]
    assert tank["annual_amount"] == pytest.approx(104 * 24, rel=1e-6)
    assert tank["annual_taken"] == pytest.approx(104 * 24, rel=1e-6)
    pipe = result.exchanges.set_index("technology").loc["hot_water_pipe"]
    assert pipe["annual_amount"] == pytest.approx(8760, rel=1e-6)  # all of B's need, none bought


def test_the_design_lps_of_a_park_with_a_store_go_to_dual_simplex(make_park, monkeypatch) -> None:
    """With the design fixed, a store ties every step to the next, and interior point (HiGHS's
    method from 20,000 columns) took 6-8 times dual simplex's time on an hourly park with one
    store (benchmarks/README.md, "Outside the model"): the LPs after the answer (least store
    throughput, stream values) ask for dual simplex when a store is built, the main solve does
    not, and the answer is the same as by the automatic choice; without a store nothing changes."""
    import symbiosis.optimization as optimization

    asked: list[tuple[str, str]] = []
    real_solve, real_held = optimization.solve, optimization.solve_held

    def solve(model, options):
        asked.append(("solve", options.lp_method))
        return real_solve(model, options)

    def solve_held(model, then, at_most, options):
        asked.append(("held", options.lp_method))
        return real_held(model, then, at_most, options)

    monkeypatch.setattr(optimization, "solve", solve)
    monkeypatch.setattr(optimization, "solve_held", solve_held)
    park = _shift_park(make_park, storage=True)
    result = symbiosis.optimize(park, values=True)
    assert "storage" in set(result.exchanges["kind"])
    assert asked == [("solve", "auto"), ("held", "simplex"), ("solve", "simplex")]
    monkeypatch.setattr(optimization, "_design_lp", lambda model, data, options: options)
    automatic = symbiosis.optimize(park, values=True)
    assert result.total_cost == pytest.approx(automatic.total_cost, rel=1e-9)
    assert result.values["value"].to_numpy() == pytest.approx(automatic.values["value"].to_numpy(), abs=1e-6)
    monkeypatch.undo()
    monkeypatch.setattr(optimization, "solve", solve)
    asked.clear()
    symbiosis.optimize(_shift_park(make_park, storage=False), values=True)
    assert {method for _, method in asked} == {"auto"}


def test_a_least_throughput_not_found_is_said(make_park, monkeypatch) -> None:
    """The least-throughput LP after the answer can end without an answer (HiGHS ended 'Unknown'
    on it under the least-emissions objective, found by a cliff hunt); the answer then stood
    with its flows, silently, and its store might cycle heat at no cost. Now a warning says so,
    the costs unchanged."""
    import symbiosis.optimization as optimization
    from symbiosis.solvers import SolveOutcome, Status

    park = _lossy_supply_store_park(make_park)
    plain = symbiosis.optimize(park, gap=1e-7)
    assert not [w for w in plain.summary["warnings"] if "least throughput" in w]

    def failing(*args, **kwargs) -> SolveOutcome:
        return SolveOutcome(status=Status.ERROR, has_solution=False, message="Unknown")

    monkeypatch.setattr(optimization, "solve_held", failing)
    failed = symbiosis.optimize(park, gap=1e-7)
    said = [w for w in failed.summary["warnings"] if "least throughput was not found" in w]
    assert said and "(error: Unknown)" in said[0] and "the costs and emissions are the answer's" in said[0]
    assert failed.total_cost == pytest.approx(plain.total_cost, rel=1e-6)



def test_a_least_throughput_with_no_time_left_is_not_handed_over_and_is_said(make_park, monkeypatch) -> None:
    """With the time limit spent, the least-throughput LP is not handed to the solver (the
    hand-off alone took a second on 67,000 columns, with nothing left to solve): the flows stand,
    and the warning says why."""
    import symbiosis.optimization as optimization
    from symbiosis.candidates import find_candidates
    from symbiosis.models import build_model
    from symbiosis.problem import to_model_data
    from symbiosis.solvers import SolveOptions, solve
    from symbiosis.time import time_steps

    park = _lossy_supply_store_park(make_park)
    data = to_model_data(park, find_candidates(park), time_steps(park))
    model = build_model(data, objective="cost")
    outcome = solve(model, SolveOptions(mip_gap=1e-7))
    assert optimization._built_stores(model, data)
    monkeypatch.setattr(optimization, "solve_held", lambda *a, **k: pytest.fail("handed to the solver"))
    stands = optimization._least_store_throughput(model, data, SolveOptions(time_limit=0.0), outcome, "cost")
    assert stands.objective == outcome.objective
    [said] = stands.details["warnings"]
    assert said.startswith("the stores' least throughput was not found (the time limit left its LP no time)")


def _hydrogen_hub_park_with_a_supply_store(make_park):
    """A cliff hunt's park (2026-12-06): a 40 GWh surplus at 90-60 degC with a store, a 35 GWh
    district-heating need, an ammonia plant's 0.1 t/h of grey hydrogen and a hub that may build
    an electrolyser and a hydrogen tank on grid power, at 8 typical days of seeded profiles."""
    import numpy as np

    rng = np.random.default_rng(1)
    hour = np.arange(8760)
    day, weekday = hour % 24, (hour // 24) % 7 < 5
    process = np.where(weekday, 1.0, 0.3) * (0.8 + 0.2 * rng.random(8760))
    process = np.where((day >= 6) & (day < 18), process * 1.4, process * 0.6)
    heating = (1.0 + 0.7 * np.cos(2 * np.pi * (hour // 24) / 365)) \
        * (1 + 0.25 * np.sin(2 * np.pi * (day - 6) / 24))
    heating *= 0.9 + 0.2 * rng.random(8760)
    flat = 0.9 + 0.2 * rng.random(8760)

    def csv(values: np.ndarray) -> str:
        return "value\n" + "\n".join(f"{v:.4f}" for v in values / values.mean())

    files = {"profiles/proc.csv": csv(process), "profiles/dh.csv": csv(heating),
             "profiles/flat.csv": csv(flat)}
    firms = {
        "plant": {"location": {"x": "0 m", "y": "0 m"}, "storage": ["thermal_storage"], "streams": {
            "surplus": _heat("supply", 90, 60, "40000 MWh/year", "profiles/proc.csv", "cooling_tower")}},
        "town": {"location": {"x": "800 m", "y": "300 m"}, "streams": {
            "dh": _heat("demand", 45, 75, "35000 MWh/year", "profiles/dh.csv", "gas_boiler")}},
        "ammonia": {"location": {"x": "500 m", "y": "-400 m"}, "streams": {
            "h2": {"direction": "demand", "carrier": "hydrogen", "amount": "0.1 t/h",
                   "profile": "profiles/flat.csv", "current": "grey_hydrogen"}}},
    }
    hubs = {"h2_hub": {"location": {"x": "300 m", "y": "-200 m"},
                       "technologies": ["electrolyser", "hydrogen_storage"],
                       "max_capacity": {"electrolyser": "20 MW", "hydrogen_storage": "20 t"}}}
    routes = {"grey_hydrogen": {"carrier": "hydrogen", "price": "30 NOK/kg", "emissions": "10 t/t"}}
    return make_park(firms, files=files, park={"time": {"typical_days": 8}, "carbon_price": "1000 NOK/t"},
                     hubs=hubs, routes=routes)


def test_the_least_store_throughput_is_found_under_the_least_emissions_objective(make_park) -> None:
    """With the design fixed and the emissions held exactly at their least, the LP of least
    store throughput ended 'Unknown' in HiGHS (from the answer's basis and from scratch alike):
    at the least, some 1e-6 t more CO2 lets the cost fall by about 1e5 NOK, a row nearly parallel
    to the held cost. Loosened by 1e-9 of the least plus 1e-6 t, and retried from scratch with
    presolve when the hot start ends otherwise than optimal, it is found; the answer's emissions
    move by no more than that loosening and its cost by no more than the held cost allows."""
    park = _hydrogen_hub_park_with_a_supply_store(make_park)
    result = symbiosis.optimize(park, objective="emissions")
    assert result.summary["status"] == "optimal"
    assert not [w for w in result.summary["warnings"] if "least throughput" in w]
    stores = result.exchanges[result.exchanges["kind"] == "storage"]
    assert "thermal_storage" in set(stores["technology"])  # the store whose throughput is taken
