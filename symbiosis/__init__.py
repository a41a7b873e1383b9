"""symbiosis: optimise exchanges of heat, steam, hydrogen, electricity and materials
between the firms of an industrial park (Pyomo + HiGHS).

>>> import symbiosis
>>> park = symbiosis.load_park("parks/raufoss")          # doctest: +SKIP
>>> result = symbiosis.optimize(park)                     # doctest: +SKIP
>>> result.exchanges                                      # doctest: +SKIP
"""

from symbiosis.analysis import explain, fair_shares, pareto, partner_risk, plot_pareto, sweep
from symbiosis.candidates import Candidates, find_candidates
from symbiosis.optimize import optimize
from symbiosis.park import Park, ParkError, load_park
from symbiosis.results import Result

__version__ = "0.1.0"
__all__ = ["Candidates", "Park", "ParkError", "Result", "__version__", "explain", "fair_shares",
           "find_candidates", "load_park", "optimize", "pareto", "partner_risk", "plot_pareto", "sweep"]
