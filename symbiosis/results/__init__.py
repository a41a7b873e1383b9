"""Results: plain pandas tables of a solved park, export to JSON, CSV and Excel, and load."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from symbiosis.results.assemble import assemble_result
    from symbiosis.results.result import Result

__all__ = ["Result", "assemble_result"]

# Loaded on first use (PEP 562): reading a saved result needs pandas, not the Pyomo model
# that assembling one from a solve reads.
_HOME = {"Result": "symbiosis.results.result", "assemble_result": "symbiosis.results.assemble"}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'symbiosis.results' has no attribute {name!r}")
    return getattr(importlib.import_module(_HOME[name]), name)
