"""What a user asks of the optimiser: the objective, the solver, and the decisions it may take."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Objective = Literal["tonnes", "value", "co2", "jobs"]
OBJECTIVES: tuple[Objective, ...] = ("tonnes", "value", "co2", "jobs")
Solver = Literal["auto", "highs", "cbc"]
"""`auto`: HiGHS for a linear program, CBC for a model with decisions (see solve/backends.py)."""


@dataclass(frozen=True)
class Options:
    objective: Objective = "tonnes"
    solver: Solver = "auto"
    time_limit_s: float | None = None
    """The whole run's limit: every solve it makes (stages, checks) shares it."""
    min_jobs: float | None = None
    siting: bool = False
    """Candidate facilities may be opened (a mixed-integer model); else only existing ones run."""
    candidates: tuple[str, ...] | None = None
    """With siting: only these candidates are open to the decision (None: all of them)."""
    max_open: dict[str, int] = field(default_factory=dict)
    """Facility type -> at most this many candidates opened."""
    force_open: tuple[str, ...] = ()
    """Candidate facilities that are built whatever (a scenario's decision)."""
    floors: tuple[tuple[str, float], ...] = ()
    """(score, least value) pairs: the epsilon constraints of a trade-off curve."""
    tie_breaks: tuple[str, ...] = ()
    """Scores to optimise right after the objective, before the usual order (a trade-off curve's other axis)."""
    decided: tuple[tuple[str, float], ...] = ()
    """Decisions taken already (`build:K04`, `run:K07`, `switch:F12>F40`), fixed at these values."""
