"""The links' largest sizes and step bounds (``models/links.py: link_limits``) tighten the LP
relaxation and keep every optimum.

A direct heat link carries at most what the two streams' temperatures let pass between them
(the minimum cut of its segment transport), and a new link never needs more capacity than it
carries in its busiest step. Both are cuts of the model's own feasible set or of sizes no
optimum uses; so the shipped parks must give the same optimum with the loosest valid limits
(every link up to its candidate's size in every step), and a stronger relaxation.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo
import pytest
from conftest import PARKS

import symbiosis
from symbiosis.models import links as link_module


def loose_limits(data):
    """The weakest valid limits: the candidates' sizes, the same in every step."""
    steps = len(data.weights)
    return ({link.id: link for link in data.links},
            {link.id: np.full(steps, link.max_capacity) for link in data.links if link.existing_capacity <= 0
             and not ({link.supply, link.demand} & link_module.varying_streams(data))})


def relaxation(park) -> float:
    from symbiosis.candidates import find_candidates
    from symbiosis.models import build_model
    from symbiosis.problem import to_model_data
    from symbiosis.solvers import SolveOptions, solve
    from symbiosis.time import time_steps

    data = to_model_data(park, find_candidates(park), time_steps(park))
    model = build_model(data)
    pyo.TransformationFactory("core.relax_integer_vars").apply_to(model)
    return solve(model, SolveOptions()).objective


@pytest.mark.parametrize("name", ["hofors_borlange", "mo_industripark", "raufoss"])
def test_the_limits_keep_the_optimum_and_tighten_the_relaxation(name, monkeypatch) -> None:
    park = symbiosis.load_park(PARKS / name)
    tight = symbiosis.optimize(park, gap=1e-6, values=False)
    tight_relaxation = relaxation(park)
    monkeypatch.setattr(link_module, "link_limits", loose_limits)
    loose = symbiosis.optimize(park, gap=1e-6, values=False)
    loose_relaxation = relaxation(park)
    assert tight.summary["objective"] == pytest.approx(loose.summary["objective"], rel=1e-5)
    # Measured 2026-12-03: the relaxation rises 0.07 % (Mo), 0.27 % (Hofors-Borlänge) and 0.70 %
    # (Raufoss: 1.1 % below the optimum before, 0.4 % after). 2026-12-04, a new link beside an
    # existing one alike to it sized to what that one leaves: Hofors-Borlänge's relaxation 0.44 %
    # -> 0.27 % below its optimum (552.72 -> 553.66 M NOK; optimum 555.16 M, the same either way).
    assert tight_relaxation > loose_relaxation * (1 + 1e-4)
    assert tight_relaxation <= tight.summary["objective"] * (1 + 1e-9)
