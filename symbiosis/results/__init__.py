"""Results: plain pandas tables of a solved park, export to JSON, CSV and Excel, and load."""

from __future__ import annotations

from typing import TYPE_CHECKING

from symbiosis.lazy import lazy_names

if TYPE_CHECKING:
    from symbiosis.results.assemble import assemble_result
    from symbiosis.results.result import Result

__all__ = ["Result", "assemble_result"]

# Loaded on first use: reading a saved result needs pandas, not the Pyomo model that
# assembling one from a solve reads.
__getattr__ = lazy_names(__name__, {"Result": "symbiosis.results.result",
                                    "assemble_result": "symbiosis.results.assemble"})
