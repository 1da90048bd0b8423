"""Optimisation: choose the flows that make sense together.

The driver of the pipeline's third step. The model (`symbiosis/model/`) has
one column per candidate link, one per facility outlet (grid injection,
land spreading) and one per candidate facility that may or must be built;
its rows keep every output within what it declares, every input within what
it needs and every facility within its capacity and its yields. It is
solved lexicographically (`symbiosis/solve/stages.py`): the chosen
objective, then the tie-breaks.

A territory is solved whole. A region is cut into independent parts
(`symbiosis/solve/decompose.py`) solved apart and in parallel when asked
(`workers > 1`) or when its model is large, unless something couples the
parts (a jobs floor, siting, trade-off floors).
"""

from __future__ import annotations

from symbiosis.flows import Inventory
from symbiosis.matcher import Match
from symbiosis.model.options import Options
from symbiosis.model.plan import Plan
from symbiosis.solve.lp import solve_model
from symbiosis.solve.stages import Deadline

LARGE_MODEL_LINKS = 200_000
"""Past this many links the model is split into independent parts."""


def optimise(inventory: Inventory, found: Match, options: Options | None = None, workers: int = 1) -> Plan:
    """The plan that is best for `options.objective`, ties broken as `stages.stage_names` says.

    `options.time_limit_s` is the whole run's: every solve shares it. Raises
    `core.problems.Infeasible` when no plan meets the user's constraints (or
    none was found in time).
    """
    options = options or Options()
    deadline = Deadline(options.time_limit_s)
    if workers > 1 or len(found.links) > LARGE_MODEL_LINKS:
        from symbiosis.solve.decompose import optimise_scaled

        return optimise_scaled(inventory, found, options, workers, deadline=deadline)
    return solve_model(inventory, found, options, deadline)
