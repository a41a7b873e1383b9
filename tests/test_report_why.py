"""The report's "why, and why not" section, from the explain table."""

from __future__ import annotations

import symbiosis
from symbiosis.analysis.explain import explain
from symbiosis.report.document import build_report

FIRMS = {
    "mill": {"location": {"x": "0 m", "y": "0 m"}, "streams": {
        "flue": {"direction": "supply", "carrier": "heat", "temperature": "150 degC",
                 "target_temperature": "90 degC", "amount": "10 MW", "current": "cooling_tower"}}},
    "town": {"location": {"x": "500 m", "y": "0 m"}, "streams": {
        "network": {"direction": "demand", "carrier": "heat", "temperature": "50 degC",
                    "target_temperature": "80 degC", "amount": "5 MW", "current": "gas_boiler"}}},
}


def test_the_report_says_why_each_link_is_built(make_park) -> None:
    park = make_park(FIRMS)
    result = symbiosis.optimize(park)
    why = explain(park, result)
    report = build_report(result, park, why=why)
    section = report.section("why")
    assert section is not None and section.title == "Why, and why not"
    (table,) = [block for block in section.blocks if block.kind == "table"]
    (row,) = table.rows
    assert row[0] == "L001" and row[3] == "built" and "NOK" in row[4]
    assert build_report(result, park).section("why") is None
