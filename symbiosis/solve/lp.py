"""One allocation model solved as a whole: build it, add the user's floors, run the stages.

Used for a whole territory and for each independent part of a region alike.
"""

from __future__ import annotations

import numpy as np

from symbiosis.core.problems import Infeasible
from symbiosis.core.words import Messages, Text
from symbiosis.flows import Inventory
from symbiosis.matcher import Match
from symbiosis.model.constraints import constraints
from symbiosis.model.layout import Layout, layout_of
from symbiosis.model.linear import LinearModel
from symbiosis.model.options import Options, job_floors
from symbiosis.model.plan import Plan, plan_of
from symbiosis.model.scores import Scores, scores_of
from symbiosis.solve.backends import Solution, session, solve
from symbiosis.solve.stages import Deadline, Outcome, lexicographic, stages_for

TOLERANCE = 1e-6

MESSAGES: Messages = {
    "min_jobs": (
        "au moins {asked:.1f} emplois ont été demandés, au plus {best:.1f} peuvent être créés",
        "at least {asked:.1f} jobs were asked, at most {best:.1f} can be created",
    ),
    "min_insertion_jobs": (
        "au moins {asked:.1f} emplois d'insertion (SIAE) ont été demandés, au plus {best:.1f} peuvent être créés",
        "at least {asked:.1f} insertion jobs (SIAE) were asked, at most {best:.1f} can be created",
    ),
    "solver_failed": (
        "le solveur n'a pas trouvé de solution ({status})",
        "the solver found no solution ({status})",
    ),
    "no_plan_in_time": (
        "aucun plan trouvé dans la limite de temps ({seconds:.0f} s) : relancez avec plus de temps (--time-limit)",
        "no plan found within the time limit ({seconds:.0f} s): run again with more time (--time-limit)",
    ),
}


def model_of(inventory: Inventory, found: Match, options: Options) -> tuple[LinearModel, Layout, Scores]:
    """The model with every constraint of the run: the matrix, the jobs floor, the epsilon floors."""
    layout = layout_of(inventory, found, options)
    scores = scores_of(inventory, found, layout)
    model = constraints(inventory, found, options, layout)
    for name, score, least in job_floors(options):
        model = model.with_row(scores[score], least, np.inf, name)
    for name, least in options.floors:
        model = model.with_row(scores[name], least, np.inf, f"floor:{name}")
    return model, layout, scores


def solve_model(inventory: Inventory, found: Match, options: Options, deadline: Deadline | None = None) -> Plan:
    """The lexicographic optimum of the whole model, as a Plan; `Infeasible` when there is none."""
    deadline = deadline or Deadline(options.time_limit_s)
    model, layout, scores = model_of(inventory, found, options)
    check_job_floors(model, scores, options, deadline)
    stages = stages_for(options.objective, scores, options.tie_breaks)
    outcome = lexicographic(session(model, options.solver), stages, deadline, integer=bool(model.integer.any()))
    solution = checked(outcome, options)
    return plan_of(inventory, found, layout, solution.x, outcome.first.status, options.objective, scores,
                   named_duals(model.row_names, outcome.first), stages=outcome.statuses, mip_gap=outcome.first.mip_gap)


def checked(outcome: Outcome, options: Options) -> Solution:
    """The outcome's plan, or `Infeasible` when its first stage found none."""
    status = outcome.first.status
    if status == "time_limit_no_plan":
        raise Infeasible(Text(MESSAGES, "no_plan_in_time", {"seconds": options.time_limit_s or 0.0}))
    if status not in {"optimal", "time_limit"}:
        raise Infeasible(Text(MESSAGES, "solver_failed", {"status": status}))
    return outcome.solution


def named_duals(names: tuple[str, ...], first: Solution) -> dict[str, float]:
    """The first stage's non-zero row duals, by row name."""
    if first.duals is None or len(first.duals) != len(names):
        return {}
    return {name: float(value) for name, value in zip(names, first.duals, strict=True) if abs(value) > 1e-9}


def check_job_floors(model: LinearModel, scores: Scores, options: Options, deadline: Deadline) -> None:
    """Say how many jobs are possible at all when a jobs floor asks for more."""
    floors = job_floors(options)
    if not floors:
        return
    relaxed = model
    for _ in (*options.floors, *floors):
        relaxed = relaxed.without_last_row()
    for name, score, least in floors:
        best = solve(relaxed.with_objective(scores[score], "max"), options.solver, deadline.left())
        if best.status not in {"optimal", "time_limit"}:
            return  # the solve of the model itself will say what is wrong
        most = float(scores[score] @ best.x)
        if best.status == "optimal" and most + TOLERANCE < least:
            raise Infeasible(Text(MESSAGES, name, {"asked": least, "best": most}))
