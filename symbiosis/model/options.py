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
    """Least `jobs_fte` (contract §4 `--min-jobs`)."""
    min_insertion_jobs: float | None = None
    """Least `insertion_jobs`: FTE in SIAE (`--min-insertion-jobs`)."""
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
    allow_losses: bool = False
    """Let a company lose money against today (`--allow-losses`); else every account
    holds (model/sharing.py) and a direct exchange with no price is refused."""
    decided: tuple[tuple[str, float], ...] = ()
    """Decisions taken already (`build:K04`, `run:K07`, `switch:F12>F40`), fixed at these values."""


JOB_FLOORS: tuple[tuple[str, str], ...] = (("min_jobs", "jobs"), ("min_insertion_jobs", "insertion_jobs"))
"""Each jobs floor of the options and the score it holds up."""


def job_floors(options: Options) -> list[tuple[str, str, float]]:
    """The jobs floors asked for: (option, score, least value)."""
    return [(name, score, float(getattr(options, name))) for name, score in JOB_FLOORS if getattr(options, name) is not None]
