"""An independent check of every answer: from the reported flows and capacities alone
(the ``Result`` tables) and the park's own data, recompute every balance, capacity
limit, temperature feasibility, material share and rule, and the total cost, and
compare them with what the solver said. It reads no Pyomo object.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from symbiosis.candidates import Candidates, investment_at
from symbiosis.hubs import all_streams, unit_sides
from symbiosis.park import Park, Stream
from symbiosis.park.exchange import SAME_TEMPERATURE_K
from symbiosis.results import Result
from symbiosis.time import TimeSteps

RELATIVE = 1e-5  # solver tolerances are 1e-7 on rows; sums over a year are checked at this
ABSOLUTE = 1e-4


@dataclass(frozen=True)
class AuditFinding:
    check: str
    subject: str
    found: float
    limit: float

    def __str__(self) -> str:
        return f"{self.check} of {self.subject}: {self.found:.6g} against {self.limit:.6g}"


class AuditError(RuntimeError):
    """The solver's answer does not hold up: a bug or a numerical failure, never to be shown as valid."""

    def __init__(self, findings: list[AuditFinding]) -> None:
        self.findings = findings
        super().__init__("the answer failed its audit:\n" + "\n".join(f"  - {f}" for f in findings))


def _exceeds(found: float, limit: float) -> bool:
    return found > limit + ABSOLUTE + RELATIVE * abs(limit)


def audit(park: Park, candidates: Candidates, steps: TimeSteps, result: Result) -> list[AuditFinding]:
    """Every violation found in ``result`` (an empty list when it holds)."""
    if not result.has_solution:
        return []
    findings: list[AuditFinding] = []
    streams = {s.key: s for s in all_streams(park)}
    links = {c.id: c for c in candidates.links}
    flows = result.flows
    exchanges = result.exchanges.set_index("id") if len(result.exchanges) else result.exchanges
    n = len(steps)
    taken: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(n))
    delivered: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(n))
    adjust: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(n))
    for link_id, rows in flows.groupby("id"):
        rows = rows.sort_values("step")
        take, give = rows["taken"].to_numpy(), rows["delivered"].to_numpy()
        if link_id in links:
            c = links[link_id]
            _check_link(c, exchanges.loc[link_id], take, give, findings)
            taken[f"{c.from_firm}.{c.from_stream}"] += take
            delivered[f"{c.to_firm}.{c.to_stream}"] += give
    for store in candidates.storage:
        rows = flows[flows["id"] == store.id].sort_values("step")
        if len(rows):
            sign = 1.0 if store.on_supply else -1.0
            adjust[store.stream] += sign * (rows["delivered"].to_numpy() - rows["taken"].to_numpy())
    for unit in candidates.converters:
        rows = flows[flows["id"] == unit.id].sort_values("step")
        if len(rows):
            taken_per_power, made_per_power = unit_sides(unit)
            power = (rows["delivered"].to_numpy() / made_per_power if unit.inputs
                     else rows["taken"].to_numpy() / taken_per_power)
            for key, gain in (*unit.outputs, *unit.inputs):
                adjust[key] += gain * power

    # each stream's rate in each step as links see it (stores and hub units included)
    available = {key: (steps.rates(stream) if stream.firm in park.firms else np.zeros(n)) + adjust[key]
                 for key, stream in streams.items()}
    for key, stream in streams.items():
        used = taken[key] if stream.is_supply else delivered[key]
        worst = int(np.argmax(used - available[key]))
        if _exceeds(used[worst], available[key][worst]):
            findings.append(
                AuditFinding("balance", f"stream {key} in step {worst}", used[worst], available[key][worst])
            )
    _check_heat(candidates, flows, streams, available, findings)
    _check_shares(park, candidates, steps, delivered, flows, findings)
    _check_partners(park, result, findings)
    _check_cost(result, findings)
    return findings


def _check_link(c, row: pd.Series, take: np.ndarray, give: np.ndarray, findings: list[AuditFinding]) -> None:
    flow = give if c.kind == "heat_pump" else take
    capacity = float(row["capacity"])
    if _exceeds(float(flow.max(initial=0.0)), capacity):
        findings.append(AuditFinding("capacity", f"link {c.id}", float(flow.max()), capacity))
    if (take < -ABSOLUTE).any() or (give < -ABSOLUTE).any():
        findings.append(AuditFinding("sign", f"link {c.id}", float(min(take.min(), give.min())), 0.0))
    if not c.is_existing and capacity + ABSOLUTE < c.min_capacity:
        findings.append(AuditFinding("smallest size", f"link {c.id}", capacity, c.min_capacity))
    if c.kind == "heat_pump":  # takes (COP - 1) of every COP it delivers, and the pipe's loss
        expected = give.sum() * (c.cop - 1) / c.cop / c.efficiency
        if abs(take.sum() - expected) > ABSOLUTE + RELATIVE * give.sum():
            findings.append(AuditFinding("heat pump COP", f"link {c.id}", take.sum(), expected))
    elif abs(give.sum() - take.sum() * c.efficiency) > ABSOLUTE + RELATIVE * take.sum():
        findings.append(
            AuditFinding("losses and ratio", f"link {c.id}", give.sum(), take.sum() * c.efficiency)
        )
    investment = investment_at(c, capacity)
    if abs(investment - float(row["investment"])) > ABSOLUTE + RELATIVE * abs(investment):
        findings.append(AuditFinding("investment", f"link {c.id}", float(row["investment"]), investment))


def _check_heat(
    candidates: Candidates,
    flows: pd.DataFrame,
    streams: dict[str, Stream],
    available: dict[str, np.ndarray],
    findings: list[AuditFinding],
) -> None:
    """Temperature feasibility of each direct heat link in each step: the heat a demand gets
    above any temperature T must come from the supply's heat above T + dT, so
    delivered <= efficiency x supply_above(T + dT) + demand_below(T) for every T (the
    minimum cut of the pair's transportation problem; exact for one supply and one demand,
    a necessary condition when streams share links, with balances checked separately)."""
    direct = {c.id: c for c in candidates.links if c.carrier == "heat" and c.kind == "direct"}
    rows = flows[flows["id"].isin(list(direct))]
    epsilon = 1e-6
    for link_id, link_rows in rows.groupby("id", sort=False):
        c = direct[link_id]
        hot_key, cold_key = f"{c.from_firm}.{c.from_stream}", f"{c.to_firm}.{c.to_stream}"
        hot, cold, dt = streams[hot_key], streams[cold_key], c.min_approach_k
        points = {cold.t_low, cold.t_high, hot.t_low - dt, hot.t_high - dt}
        cuts = sorted(points | {p - epsilon for p in points})
        # the shares depend on temperatures only: once per link, then every step at once
        hot_share = np.array([_share_above(hot, cut + dt, at_the_level=1.0) for cut in cuts])
        cold_below = np.array([1 - _share_above(cold, cut, at_the_level=0.0) for cut in cuts])
        step = link_rows["step"].to_numpy(dtype=int)
        limit = np.min(c.efficiency * np.outer(available[hot_key][step], hot_share)
                       + np.outer(available[cold_key][step], cold_below), axis=1)
        for delivered, at, bound in zip(link_rows["delivered"].to_numpy(), step, limit, strict=True):
            if _exceeds(delivered, bound):
                findings.append(AuditFinding("temperature feasibility", f"link {c.id} in step {at}",
                                             float(delivered), float(bound)))


NOISE_K = 1e-9
"""Temperatures this close are one (float noise of sums near 300 K is about 1e-13 K); well
below the 1e-6 K offsets of the audit's cuts."""


def _share_above(stream: Stream, temperature: float, *, at_the_level: float) -> float:
    """Share of a stream's load that lies above ``temperature`` (constant heat capacity). A
    stream at one temperature that lies at ``temperature`` (to float noise: 33.91 degC less a
    12.5 K approach is 21.409999999999997 degC) counts ``at_the_level``: a supply's heat there
    still passes (1), a demand's load there is served from below it (0), as the problem table
    lets a condenser exactly the approach above an evaporator heat it."""
    low, high = stream.t_low, stream.t_high
    if high - low <= SAME_TEMPERATURE_K:
        if abs(low - temperature) <= NOISE_K:
            return at_the_level
        return 1.0 if low > temperature else 0.0
    return float(np.clip((high - temperature) / (high - low), 0.0, 1.0))



def _check_shares(
    park: Park,
    candidates: Candidates,
    steps: TimeSteps,
    delivered: dict,
    flows: pd.DataFrame,
    findings: list[AuditFinding],
) -> None:
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for c in candidates.links:
        if c.kind == "substitution" and c.max_share < 1:
            material = park.stream(f"{c.from_firm}.{c.from_stream}").material or ""
            groups[f"{c.to_firm}.{c.to_stream}", material].append(c)
    for (demand, material), members in groups.items():
        ids = [c.id for c in members]
        given = flows[flows["id"].isin(ids)].groupby("step")["delivered"].sum()
        rate = steps.rates(park.stream(demand))
        for step, amount in given.items():
            limit = members[0].max_share * rate[int(step)]
            if _exceeds(float(amount), float(limit)):
                findings.append(
                    AuditFinding(
                        "largest share",
                        f"{material} into {demand} in step {step}",
                        float(amount),
                        float(limit),
                    )
                )


def _check_partners(park: Park, result: Result, findings: list[AuditFinding]) -> None:
    partners: dict[str, set[str]] = defaultdict(set)
    for row in result.exchanges.itertuples():
        if row.from_firm != row.to_firm and row.kind not in ("storage", "electrolyser"):
            partners[row.from_firm].add(row.to_firm)
            partners[row.to_firm].add(row.from_firm)
    for firm in park.firms.values():
        limit = firm.rules.max_partners
        if limit is not None and len(partners[firm.id]) > limit:
            findings.append(AuditFinding("most partners", f"firm {firm.id}", len(partners[firm.id]), limit))
        for other in firm.rules.exclude_partners:
            if other in partners[firm.id]:
                findings.append(AuditFinding("excluded partner", f"firm {firm.id} with {other}", 1, 0))


def _check_cost(result: Result, findings: list[AuditFinding]) -> None:
    s = result.summary
    carbon = float(s["carbon_price"])
    total = float(
        result.routes["annual_cost"].sum()
        + result.exchanges["annual_cost"].sum()
        + carbon * float(s["emissions"])
    )
    if abs(total - float(s["total_cost"])) > ABSOLUTE + RELATIVE * abs(total):
        findings.append(AuditFinding("total cost from the tables", "park", float(s["total_cost"]), total))
    firms = float(result.firms["total_cost"].sum())
    if abs(firms - total) > ABSOLUTE + RELATIVE * abs(total):
        findings.append(AuditFinding("sum of firms' costs", "park", firms, total))
    if s["objective_kind"] == "cost" and s["status"] == "optimal":
        objective = float(s["objective"])
        if abs(objective - total) > 1e-3 + 1e-6 * abs(total):
            findings.append(
                AuditFinding("solver objective against the recomputed cost", "park", objective, total)
            )
