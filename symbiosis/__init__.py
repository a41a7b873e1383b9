"""symbiosis: optimise exchanges of heat, steam, hydrogen, electricity and materials
between the firms of an industrial park (Pyomo + HiGHS).

>>> import symbiosis
>>> park = symbiosis.load_park("parks/raufoss")          # doctest: +SKIP
>>> result = symbiosis.optimize(park)                     # doctest: +SKIP
>>> result.exchanges                                      # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from symbiosis.lazy import lazy_names

__version__ = "0.1.0"

# Each public name and the module that defines it, imported on first use (``lazy.py``): a
# process that needs only part of the package (HiGHS's own process, `symbiosis --version`)
# does not pay about 2.5 s for Pyomo, pandas and matplotlib.
_HOME = {
    "Candidates": "symbiosis.candidates", "find_candidates": "symbiosis.candidates",
    "candidates_between": "symbiosis.candidates",
    "Park": "symbiosis.park", "ParkError": "symbiosis.park", "load_park": "symbiosis.park",
    "Result": "symbiosis.results",
    "optimize": "symbiosis.optimization",
    "explain": "symbiosis.analysis", "fair_shares": "symbiosis.analysis", "pareto": "symbiosis.analysis",
    "partner_risk": "symbiosis.analysis", "plot_pareto": "symbiosis.analysis",
    "plot_sweep": "symbiosis.analysis", "sweep": "symbiosis.analysis",
}

__all__ = ["Candidates", "Park", "ParkError", "Result", "__version__", "candidates_between", "explain",
           "fair_shares", "find_candidates", "load_park", "optimize", "pareto", "partner_risk", "plot_pareto",
           "plot_sweep", "sweep"]

if TYPE_CHECKING:
    from symbiosis.analysis import explain, fair_shares, pareto, partner_risk, plot_pareto, plot_sweep, sweep
    from symbiosis.candidates import Candidates, candidates_between, find_candidates
    from symbiosis.optimization import optimize
    from symbiosis.park import Park, ParkError, load_park
    from symbiosis.results import Result


__getattr__ = lazy_names(__name__, _HOME)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
