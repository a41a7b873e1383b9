"""The audit recomputes every answer from the reported tables; a tampered answer fails it."""

from __future__ import annotations

from dataclasses import replace

import pytest

import symbiosis
from symbiosis.audit import AuditError, audit
from symbiosis.candidates import find_candidates
from symbiosis.time import time_steps

FIRMS = {
    "smelter": {
        "location": {"x": "0 m", "y": "0 m"},
        "streams": {
            "flue_gas": {
                "direction": "supply",
                "carrier": "heat",
                "temperature": "120 degC",
                "target_temperature": "60 degC",
                "amount": "20 MW",
                "current": "cooling_tower",
            }
        },
    },
    "town": {
        "location": {"x": "800 m", "y": "0 m"},
        "streams": {
            "network": {
                "direction": "demand",
                "carrier": "heat",
                "temperature": "40 degC",
                "target_temperature": "90 degC",
                "amount": "10 MW",
                "current": "gas_boiler",
            }
        },
    },
}


@pytest.fixture
def solved(make_park):
    park = make_park(FIRMS, technologies={"heat_pump": {"enabled": False}})
    result = symbiosis.optimize(park)
    return park, find_candidates(park), time_steps(park), result


def test_a_true_answer_passes(solved) -> None:
    park, candidates, steps, result = solved
    assert audit(park, candidates, steps, result) == []
    assert result.summary["audit"] == "passed"
    assert result.to_dict()["audit"] == "passed"


def test_more_heat_than_the_demand_needs_is_caught(solved) -> None:
    """12 MW delivered to a 10 MW demand breaks its balance."""
    park, candidates, steps, result = solved
    flows = result.flows.copy()
    flows.loc[:, "delivered"] = 12.0
    flows.loc[:, "taken"] = 12.0 / candidates.links[0].efficiency
    exchanges = result.exchanges.copy()
    exchanges.loc[:, "capacity"] = 13.0
    tampered = replace(result, flows=flows, exchanges=exchanges)
    checks = {finding.check for finding in audit(park, candidates, steps, tampered)}
    assert "balance" in checks


def test_a_cost_that_does_not_add_up_is_caught(solved) -> None:
    park, candidates, steps, result = solved
    summary = result.summary.copy()
    summary["total_cost"] = summary["total_cost"] * 0.9
    findings = audit(park, candidates, steps, replace(result, summary=summary))
    assert any(f.check == "total cost from the tables" for f in findings)
    with pytest.raises(AuditError, match="failed its audit"):
        raise AuditError(findings)


def test_flow_above_capacity_is_caught(solved) -> None:
    park, candidates, steps, result = solved
    exchanges = result.exchanges.copy()
    exchanges.loc[:, "capacity"] = exchanges["capacity"] / 2
    findings = audit(park, candidates, steps, replace(result, exchanges=exchanges))
    assert any(f.check == "capacity" for f in findings)


def test_heat_against_the_temperature_cut_is_caught(make_park) -> None:
    """Supply 100 -> 70 degC (60 MW, 2 MW/K), demand 50 -> 95 degC (45 MW, 1 MW/K), approach
    10 K. The demand's part above 90 degC needs heat above 100 degC, of which there is none: at
    the cut T = 90 degC, supply above 100 degC (0) + demand below 90 degC (40 MW) = 40 MW is
    the most the link can deliver. 44 MW passes both balances (44 <= 45, 44/eta <= 60) but
    breaks the cut."""
    firms = {
        "a": {
            "location": {"x": "0 m", "y": "0 m"},
            "streams": {
                "hot": {
                    "direction": "supply",
                    "carrier": "heat",
                    "temperature": "100 degC",
                    "target_temperature": "70 degC",
                    "amount": "60 MW",
                    "current": "cooling_tower",
                }
            },
        },
        "b": {
            "location": {"x": "100 m", "y": "0 m"},
            "streams": {
                "cold": {
                    "direction": "demand",
                    "carrier": "heat",
                    "temperature": "50 degC",
                    "target_temperature": "95 degC",
                    "amount": "45 MW",
                    "current": "gas_boiler",
                }
            },
        },
    }
    park = make_park(firms, technologies={"heat_pump": {"enabled": False}})
    result = symbiosis.optimize(park)
    candidates, steps = find_candidates(park), time_steps(park)
    assert audit(park, candidates, steps, result) == []
    flows = result.flows.copy()
    efficiency = candidates.links[0].efficiency
    flows.loc[:, "delivered"] = 44.0
    flows.loc[:, "taken"] = 44.0 / efficiency
    exchanges = result.exchanges.copy()
    exchanges.loc[:, "capacity"] = 50.0
    findings = audit(park, candidates, steps, replace(result, flows=flows, exchanges=exchanges))
    assert [f.check for f in findings if f.check == "temperature feasibility"]
