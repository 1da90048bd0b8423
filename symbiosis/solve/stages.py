"""Lexicographic optimisation: the objective first, then each tie-break in turn.

After a stage is solved, its optimum becomes a row (`hold`) so that a later
stage may only choose among the plans that keep it, give or take one slack
rule. The same loop runs the whole LP or MILP, the network fast path and
column generation.

The stages of a plan optimised for `objective`:

1. the objective;
2. the scores a trade-off curve asks for next (`Options.tie_breaks`);
3. with `tonnes`, the fewest tonne-kilometres (the contract: among plans
   with as many tonnes, the least haulage);
4. what the other objectives gain, in this fixed order: `tonnes`, `mwh`,
   `jobs`, `co2`, `value`, so that nothing useful is dropped because it
   scores nothing on the chosen objective;
5. the fewest tonne-kilometres, then the fewest MWh·km of heat pipe.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from symbiosis.model.linear import Sense
from symbiosis.model.options import Objective
from symbiosis.model.scores import Scores
from symbiosis.solve.backends import Session, Solution

GAINS: tuple[str, ...] = ("tonnes", "mwh", "jobs", "co2", "value")
"""What a plan gains, in the order the tie-breaks keep it."""
COSTS: tuple[str, ...] = ("tkm", "mwh_km")
"""What a plan costs in haulage and pipe, minimised last."""

SLACKS: tuple[tuple[float, float], ...] = ((1e-12, 1e-9), (1e-9, 1e-6), (1e-7, 1e-6))
"""What a later stage may give up of an earlier optimum: relative to the
optimum, and per unit of the stage's largest coefficient, tightest first.

An LP starts with the first, about the solvers' feasibility tolerance, so
that a tie-break cannot trade a visible part of an earlier optimum (nor
leave grams on other links). A model with decisions (siting, fixed costs)
starts with the second: a mixed-integer solver proves its rows to about
1e-6, and CBC reads its model through a text file. A tie-break that its
slack leaves infeasible is tried again with every earlier optimum held to
the next one. Measured: on a 60-candidate siting a 1e-12 relative slack made
CBC call the next stage infeasible (the plan silently stopped at its first
stage); on Val de Fensch with every company's no-loss row, 1e-9 per
coefficient left a tie-break infeasible under HiGHS or CBC for each of the
four objectives, 1e-6 proves them; with quantities drawn ±1 % around the
inventory, a scenario's siting MIP needed the third (a ten-millionth of the
optimum, 7 kg of Val de Fensch's 73,000 t) in 3 draws of 4, and without it
stopped at its first stage with no heat used at all."""


@dataclass(frozen=True)
class Stage:
    name: str
    cost: np.ndarray
    sense: Sense


def stage_names(objective: Objective, tie_breaks: Sequence[str] = ()) -> list[str]:
    """The order of the stages, as the module's docstring says."""
    names = [objective, *(t for t in tie_breaks if t != objective)]
    if objective == "tonnes" and "tkm" not in names:
        names.append("tkm")
    names += [name for name in (*GAINS, *COSTS) if name not in names]
    return names


def stages_for(objective: Objective, scores: Scores, tie_breaks: Sequence[str] = ()) -> list[Stage]:
    """The stages of a plan for `objective`, with each score's coefficients; stages
    whose score is zero on every column are left out (they cannot change the plan)."""
    stages = []
    for position, name in enumerate(stage_names(objective, tie_breaks)):
        cost = scores[name]
        if position and not np.any(cost):
            continue
        stages.append(Stage(name, cost, "min" if name in COSTS else "max"))
    return stages


def stage_bounds(cost: np.ndarray, best: float, sense: Sense, level: int = 0) -> tuple[float, float]:
    """The row that keeps a stage's optimum `best` for the stages after it, to `SLACKS[level]`."""
    scale = float(np.abs(cost).max(initial=0.0))
    relative, per_coefficient = SLACKS[level]
    slack = relative * abs(best) + per_coefficient * scale
    return (best - slack, np.inf) if sense == "max" else (-np.inf, best + slack)


@dataclass(frozen=True)
class Outcome:
    """The plan of the last stage that gave one, the first stage's own answer, and each stage's status."""

    solution: Solution
    first: Solution
    statuses: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @property
    def complete(self) -> bool:
        return all(status == "optimal" for _, status in self.statuses)


class Deadline:
    """The time left of a run's limit, shared by every solve of the run."""

    def __init__(self, limit_s: float | None) -> None:
        self.end = None if limit_s is None else time.monotonic() + limit_s

    def left(self) -> float | None:
        """Seconds left (at least a hundredth, so a solver still returns its best), or None without a limit."""
        return None if self.end is None else max(0.01, self.end - time.monotonic())

    def passed(self) -> bool:
        return self.end is not None and time.monotonic() >= self.end


def lexicographic(
    session: Session, stages: Sequence[Stage], deadline: Deadline | None = None, *, integer: bool = False
) -> Outcome:
    """Solve each stage in turn, holding every optimum for the next.

    A first stage without a plan ends the loop with its answer (the caller
    says so). A stage stopped by the time limit keeps the plan it found (it
    meets every earlier optimum) and ends the loop; a tie-break that fails
    otherwise keeps the previous stage's plan. Either way its status is kept.
    A tie-break that the slack leaves without a plan is tried again with
    every earlier optimum held to the next slack of `SLACKS`.
    """
    deadline = deadline or Deadline(None)
    first: Solution | None = None
    kept: Solution | None = None
    statuses: list[tuple[str, str]] = []
    held: list[tuple[np.ndarray, float, Sense]] = []
    level = 1 if integer else 0
    for position, stage in enumerate(stages):
        if position and deadline.passed():
            statuses.append((stage.name, "time_limit"))
            break
        attempt = session.run(stage.cost, stage.sense, position, deadline.left())
        while position and attempt.status in {"infeasible", "not_solved"} and level + 1 < len(SLACKS):
            level += 1
            session.loosen([stage_bounds(cost, best, sense, level) for cost, best, sense in held])
            attempt = session.run(stage.cost, stage.sense, position, deadline.left())
        statuses.append((stage.name, attempt.status))
        if position == 0:
            first = attempt
        if attempt.status == "time_limit" and attempt.x.size:
            kept = attempt
            break
        if attempt.status != "optimal":
            break
        kept = attempt
        if position < len(stages) - 1:
            best = float(stage.cost @ attempt.x)
            held.append((stage.cost, best, stage.sense))
            session.hold(stage.cost, *stage_bounds(stage.cost, best, stage.sense, level), f"stage:{stage.name}")
    assert first is not None
    return Outcome(kept or first, first, tuple(statuses))
