"""``symbiosis optimize`` and ``candidates`` through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import park_dict, write_park

from symbiosis.cli import cli

FIRMS = {
    "smelter": {"location": {"x": "0 m", "y": "0 m"}, "streams": {
        "flue_gas": {"direction": "supply", "carrier": "heat", "temperature": "180 degC",
                     "target_temperature": "90 degC", "amount": "40 GWh/year", "current": "cooling_tower"}}},
    "district_heating": {"location": {"x": "800 m", "y": "0 m"}, "streams": {
        "network": {"direction": "demand", "carrier": "heat", "temperature": "50 degC",
                    "target_temperature": "80 degC", "amount": "30 GWh/year", "current": "gas_boiler"}}},
}


def _park(tmp_path: Path) -> Path:
    return write_park(tmp_path / "park", park_dict(FIRMS, park={"carbon_price": "900 NOK/t"}))


def test_json_is_the_only_thing_on_stdout(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["optimize", str(_park(tmp_path)), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    for key in ("status", "objective", "total_cost", "baseline_cost", "saving", "emissions",
                "baseline_emissions", "currency", "exchanges", "routes", "firms"):
        assert key in document
    assert document["status"] == "optimal"
    assert document["currency"] == "NOK"
    (exchange,) = document["exchanges"]
    assert (exchange["from_firm"], exchange["to_firm"]) == ("smelter", "district_heating")
    assert exchange["capacity_unit"] == "MW" and exchange["amount_unit"] == "MWh"
    assert document["total_cost"] == pytest.approx(document["baseline_cost"] - document["saving"])


def test_terminal_output_names_the_exchange_and_the_firms(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["optimize", str(_park(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "smelter.flue_gas" in result.stdout
    assert "district_heating" in result.stdout
    assert "saving" in result.stdout


def test_out_writes_result_and_refuses_to_overwrite(tmp_path: Path) -> None:
    park, out = _park(tmp_path), tmp_path / "out"
    runner = CliRunner()
    first = runner.invoke(cli, ["optimize", str(park), "--out", str(out)])
    assert first.exit_code == 0, first.output
    assert {p.name for p in out.iterdir()} >= {"result.json", "exchanges.csv", "firms.csv", "result.xlsx"}
    before = (out / "result.json").read_text()
    second = runner.invoke(cli, ["optimize", str(park), "--out", str(out)])
    assert second.exit_code == 2
    assert "--force" in second.output
    assert (out / "result.json").read_text() == before
    third = runner.invoke(cli, ["optimize", str(park), "--out", str(out), "--force"])
    assert third.exit_code == 0


def test_unknown_solver_is_a_clear_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["optimize", str(_park(tmp_path)), "--solver", "nosuchsolver"])
    assert result.exit_code == 2
    assert "nosuchsolver" in result.output and "Traceback" not in result.output


def test_set_overrides_a_park_value(tmp_path: Path) -> None:
    park = _park(tmp_path)
    runner = CliRunner()
    cheap = json.loads(runner.invoke(cli, ["optimize", str(park), "--json"]).stdout)
    dear = json.loads(runner.invoke(cli, ["optimize", str(park), "--json",
                                          "--set", "park.carbon_price=1800 NOK/t"]).stdout)
    assert dear["baseline_cost"] > cheap["baseline_cost"]


def test_candidates_lists_links(tmp_path: Path) -> None:
    csv = tmp_path / "candidates.csv"
    result = CliRunner().invoke(cli, ["candidates", str(_park(tmp_path)), "--csv", str(csv)])
    assert result.exit_code == 0, result.output
    assert "hot_water_pipe" in result.stdout
    assert csv.read_text().count("\n") == 2  # header + one candidate


def test_values_show_what_streams_are_worth(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["optimize", str(_park(tmp_path)), "--values"])
    assert result.exit_code == 0, result.output
    assert "worth" in result.stdout
    assert "smelter.flue_gas" in result.stdout and "NOK/MWh" in result.stdout
