"""The Pyomo formulation (installed as ``symbiosis.models``): plain numbers in, a model out.

Knows nothing of files, units or parks: :func:`symbiosis.problem.to_model_data` makes
the :class:`ModelData` it reads.
"""

from symbiosis.models.build import asset_binaries, build_model
from symbiosis.models.data import HeatSegment, LinkData, ModelData, StreamData
from symbiosis.models.objectives import OBJECTIVES, set_objective

__all__ = ["OBJECTIVES", "HeatSegment", "LinkData", "ModelData", "StreamData", "asset_binaries",
           "build_model", "set_objective"]
