"""Shared helpers: tiny parks written from Python dicts into a temporary folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import symbiosis

REPO = Path(__file__).resolve().parent.parent
PARKS = REPO / "parks"

BASE_ROUTES = {
    "gas_boiler": {"carrier": "heat", "price": "0.55 NOK/kWh", "emissions": "0.23 kg/kWh",
                   "temperature": "250 degC"},
    "cooling_tower": {"carrier": "heat", "price": "0.01 NOK/kWh", "temperature": "10 degC"},
    "grid": {"carrier": "electricity", "price": "0.65 NOK/kWh", "emissions": "0.019 kg/kWh"},
}


def park_dict(firms: dict[str, Any], **sections: Any) -> dict[str, Any]:
    """A minimal park: NOK, 7 %, no carbon price unless given, the base routes."""
    settings = {"name": "test park", "currency": "NOK", "discount_rate": "7 %",
                "carbon_price": "0 NOK/t", "electricity": "grid"}
    settings.update(sections.pop("park", {}))
    routes = dict(BASE_ROUTES)
    routes.update(sections.pop("routes", {}))
    return {"park": settings, "routes": routes, "firms": firms, **sections}


def write_park(folder: Path, data: dict[str, Any] | str, files: dict[str, str] | None = None) -> Path:
    """Write ``park.yaml`` (a dict, or YAML text as is) and extra files; return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    (folder / "park.yaml").write_text(text, encoding="utf-8")
    for name, content in (files or {}).items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return folder


@pytest.fixture
def make_park(tmp_path: Path):
    """``make_park(firms, **sections)`` -> a loaded ``Park`` written under tmp_path."""
    counter = iter(range(10_000))

    def make(firms: dict[str, Any], files: dict[str, str] | None = None, **sections: Any):
        folder = write_park(tmp_path / f"park{next(counter)}", park_dict(firms, **sections), files)
        return symbiosis.load_park(folder)

    return make


def raufoss_model():
    """The Pyomo model of the Raufoss example park at its own time steps, as ``optimize`` builds it."""
    from symbiosis.candidates import find_candidates
    from symbiosis.models import build_model
    from symbiosis.problem import to_model_data
    from symbiosis.time import time_steps

    park = symbiosis.load_park(PARKS / "raufoss")
    return build_model(to_model_data(park, find_candidates(park), time_steps(park)))


def count_worker_pools(monkeypatch, module) -> list[int]:
    """Patch ``module.workers_for`` (analysis/side_by_side.py) to record the size of each pool of
    worker processes it opens; the returned list fills as they open."""
    pools: list[int] = []
    original = module.workers_for

    def counted(park, workers):
        pools.append(workers)
        return original(park, workers)

    monkeypatch.setattr(module, "workers_for", counted)
    return pools
