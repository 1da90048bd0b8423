"""Lexicographic optimisation: the objective first, then each tie-break in turn.

After a stage is solved, its optimum becomes a row (`hold`) so that a later
stage may only choose among the plans that keep it, give or take one slack
rule: about the solvers' feasibility tolerance, so that a tie-break cannot
trade a visible part of an earlier optimum for its own. The same loop runs
the whole LP, the network fast path and column generation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from symbiosis.model.linear import Sense
from symbiosis.model.options import Objective
from symbiosis.model.scores import Scores
from symbiosis.solve.backends import Session, Solution

STAGE_SLACK = (1e-9, 1e-12)
"""What a later stage may give up of an earlier optimum: per unit of the
largest coefficient of that stage's objective, and relative to the optimum."""


@dataclass(frozen=True)
class Stage:
    name: str
    cost: np.ndarray
    sense: Sense


def stages_for(objective: Objective, scores: Scores, siting: bool) -> list[Stage]:
    """The stages of a plan optimised for `objective`.

    `tonnes`: most tonnes valorised, then fewest tonne-kilometres (the
    contract), then most MWh of surplus energy used. Other objectives: their
    own score, then fewest tonne-kilometres. With siting, the least
    investment breaks the remaining ties.
    """
    names: list[tuple[str, Sense]] = [(objective, "max"), ("tkm", "min")]
    if objective == "tonnes":
        names.append(("mwh", "max"))
    if siting:
        names.append(("capex", "min"))
    return [Stage(name, scores[name], sense) for name, sense in names]


def stage_bounds(cost: np.ndarray, best: float, sense: Sense) -> tuple[float, float]:
    """The row that keeps a stage's optimum `best` for the stages after it."""
    scale = float(np.abs(cost).max(initial=0.0))
    slack = STAGE_SLACK[0] * scale + STAGE_SLACK[1] * abs(best)
    return (best - slack, np.inf) if sense == "max" else (-np.inf, best + slack)


@dataclass(frozen=True)
class Outcome:
    """The plan of the last stage that succeeded, and the first stage's own answer."""

    solution: Solution
    first: Solution
    stopped: str | None = None
    """The status of a tie-break that did not succeed (its predecessor's plan is kept)."""


def lexicographic(session: Session, stages: Sequence[Stage]) -> Outcome:
    """Solve each stage in turn, holding every optimum for the next.

    A first stage that is not optimal ends the loop with its answer (the
    caller decides what to say); a tie-break that fails keeps the previous
    stage's plan.
    """
    first: Solution | None = None
    kept: Solution | None = None
    for position, stage in enumerate(stages):
        attempt = session.run(stage.cost, stage.sense, position)
        if position == 0:
            first = attempt
        if attempt.status != "optimal":
            assert first is not None
            return Outcome(kept or attempt, first, None if kept is None else attempt.status)
        kept = attempt
        if position < len(stages) - 1:
            lo, hi = stage_bounds(stage.cost, float(stage.cost @ attempt.x), stage.sense)
            session.hold(stage.cost, lo, hi, f"stage:{stage.name}")
    assert kept is not None and first is not None
    return Outcome(kept, first)
