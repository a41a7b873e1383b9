"""Results: plain pandas tables of a solved park, export to JSON, CSV and Excel, and load."""

from symbiosis.results.assemble import assemble_result
from symbiosis.results.result import Result

__all__ = ["Result", "assemble_result"]
