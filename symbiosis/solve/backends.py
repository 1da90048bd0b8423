"""Solver back-ends: HiGHS from the arrays, or CBC through PuLP, behind one interface.

A `Session` holds one model and solves it stage after stage: `run` with a
stage's objective (and the time left), `hold` to keep a stage's optimum as
a row for the next. HiGHS keeps its model and warm-starts each stage from
the last basis; CBC (through PuLP) is rebuilt for each stage. Both answer
with a `Solution` whose status says what the solver really proved:
`optimal`, `time_limit` (a feasible plan, not proven optimal; `mip_gap`
gives the relative gap), `time_limit_no_plan`, `infeasible`, `unbounded`,
or another word for a failure. CBC's status is read from its solution
status (PuLP's `sol_status`), not from PuLP's problem status, which says
"Optimal" for a plan stopped on time.

Solver libraries are imported inside the functions that use them, so that a
module importing this one (the min-cost-flow child process) loads neither.
"""

from __future__ import annotations

import math
import re
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from symbiosis.model.linear import LinearModel, Sense
from symbiosis.model.options import Solver

MIP_GAP = 1e-6
"""Relative gap at which a mixed-integer optimum counts as proven."""


@dataclass(frozen=True)
class Solution:
    status: str
    x: np.ndarray
    objective: float
    duals: np.ndarray | None = None
    """Row duals of an LP (None for a MIP or when the solver gives none)."""
    mip_gap: float | None = None

    @property
    def feasible(self) -> bool:
        """Whether `x` is a plan that meets every constraint (proven optimal or not)."""
        return self.status in {"optimal", "time_limit"}


class Session(Protocol):
    """One model solved stage by stage."""

    def run(self, cost: np.ndarray, sense: Sense, position: int, time_limit_s: float | None = None) -> Solution: ...

    def hold(self, cost: np.ndarray, lo: float, hi: float, name: str) -> None: ...

    def loosen(self, bounds: list[tuple[float, float]]) -> None:
        """New bounds for the rows held, in the order they were held (the last rows of the model)."""
        ...


CBC_MAX_COLUMNS = 150_000
"""Past this many columns PuLP takes longer to write a model than HiGHS to solve it."""


def backend(model: LinearModel, solver: Solver) -> Solver:
    """The back-end `auto` means for this model.

    Measured on a 6,000-flow region with 60 candidate facilities (a siting
    MILP of 72,637 columns, 60 decisions, seven lexicographic stages): CBC
    proves every stage in 548 s; HiGHS takes 24 s for the first, 576 s for
    the second and had not proven the third after 900 s (HiGHS 1.16). On
    linear programs HiGHS, from the arrays and warm-started, is far faster
    (PuLP alone needs seconds to write a large model). So `auto` takes CBC
    for a model with decisions that PuLP can write quickly, HiGHS otherwise.
    """
    if solver != "auto":
        return solver
    return "cbc" if model.integer.any() and model.n <= CBC_MAX_COLUMNS else "highs"


def session(model: LinearModel, solver: Solver) -> Session:
    """A session on `model` with the chosen back-end."""
    if backend(model, solver) == "highs":
        return HighsSession(model)
    return PulpSession(model)


def solve(model: LinearModel, solver: Solver, time_limit_s: float | None = None) -> Solution:
    """One solve of `model` with its own objective."""
    return session(model, solver).run(model.c, model.sense, 0, time_limit_s)


def _finite(values: np.ndarray, infinity: float) -> np.ndarray:
    return np.where(np.isposinf(values), infinity, np.where(np.isneginf(values), -infinity, values))


class HighsSession:
    """HiGHS (highspy) on one model, each stage warm-started from the last."""

    def __init__(self, model: LinearModel) -> None:
        import highspy

        self._h = highspy
        self.model = model
        inf = highspy.kHighsInf
        csc = model.a.tocsc()
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = model.n, model.a.shape[0]
        lp.col_cost_ = model.c
        lp.col_lower_ = model.col_lo
        lp.col_upper_ = _finite(model.col_hi, inf)
        lp.row_lower_ = _finite(model.row_lo, inf)
        lp.row_upper_ = _finite(model.row_hi, inf)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = csc.indptr
        lp.a_matrix_.index_ = csc.indices
        lp.a_matrix_.value_ = csc.data
        lp.sense_ = highspy.ObjSense.kMaximize if model.sense == "max" else highspy.ObjSense.kMinimize
        if model.integer.any():
            lp.integrality_ = [
                highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in model.integer
            ]
        self.highs = quiet_highs()
        # Prove the optimum of a model with decisions to a millionth, not HiGHS's default ten-thousandth.
        self.highs.setOptionValue("mip_rel_gap", MIP_GAP)
        self.highs.passModel(lp)
        self.columns = np.arange(model.n, dtype=np.int32)

    def run(self, cost: np.ndarray, sense: Sense, position: int, time_limit_s: float | None = None) -> Solution:
        if self.model.n == 0:  # nothing to decide: HiGHS calls such a model "empty"
            return Solution("optimal", np.zeros(0), 0.0, np.zeros(self.model.a.shape[0]))
        h, highs = self._h, self.highs
        highs.setOptionValue("time_limit", float(time_limit_s) if time_limit_s else float("inf"))
        highs.changeObjectiveSense(h.ObjSense.kMaximize if sense == "max" else h.ObjSense.kMinimize)
        highs.changeColsCost(self.model.n, self.columns, cost)
        highs.run()
        return highs_solution(highs, self.model.n)

    def hold(self, cost: np.ndarray, lo: float, hi: float, name: str) -> None:
        inf = self._h.kHighsInf
        used = np.flatnonzero(cost)
        self.highs.addRow(max(lo, -inf), min(hi, inf), len(used), used.astype(np.int32), cost[used])

    def loosen(self, bounds: list[tuple[float, float]]) -> None:
        loosen_last_rows(self.highs, self._h.kHighsInf, bounds)


def quiet_highs() -> Any:
    """A HiGHS instance that prints nothing.

    highspy 1.16 prints its banner when its Python wrapper enables callbacks,
    before any option can be set; we use no callback, so the solver class
    under the wrapper is taken when it is there, the wrapper otherwise.
    """
    import highspy

    solver_class = getattr(getattr(highspy, "_core", None), "_Highs", None) or highspy.Highs
    highs = solver_class()
    highs.setOptionValue("output_flag", False)
    return highs


def highs_solution(highs: Any, n: int) -> Solution:
    """What a HiGHS run proved, read honestly from its model status."""
    status = highs.modelStatusToString(highs.getModelStatus()).lower()
    solution = highs.getSolution()
    x = np.array(solution.col_value) if solution.value_valid else np.zeros(0)
    duals = np.array(solution.row_dual) if solution.dual_valid else None
    info = highs.getInfo()
    gap = float(info.mip_gap) if math.isfinite(float(info.mip_gap)) else None
    if status == "optimal":
        label = "optimal"
    elif "time" in status or "iteration" in status:
        label = "time_limit" if solution.value_valid else "time_limit_no_plan"
    elif "infeasible" in status:
        label = "infeasible"
    elif "unbounded" in status:
        label = "unbounded"
    else:
        label = status
    return Solution(label, x if x.size == n else np.zeros(0), float(info.objective_function_value), duals,
                    gap if label == "time_limit" else None)


class PulpSession:
    """CBC through PuLP: the model rebuilt for each stage."""

    def __init__(self, model: LinearModel) -> None:
        self.model = model

    def run(self, cost: np.ndarray, sense: Sense, position: int, time_limit_s: float | None = None) -> Solution:
        return _solve_pulp(self.model.with_objective(cost, sense), time_limit_s)

    def hold(self, cost: np.ndarray, lo: float, hi: float, name: str) -> None:
        self.model = self.model.with_row(cost, lo, hi, name)

    def loosen(self, bounds: list[tuple[float, float]]) -> None:
        k = len(bounds)
        lo, hi = np.array([b[0] for b in bounds]), np.array([b[1] for b in bounds])
        self.model = replace(self.model, row_lo=np.concatenate([self.model.row_lo[:-k], lo]),
                             row_hi=np.concatenate([self.model.row_hi[:-k], hi]))


def loosen_last_rows(highs: Any, inf: float, bounds: list[tuple[float, float]]) -> None:
    """New bounds for a HiGHS model's last rows."""
    first = highs.getNumRow() - len(bounds)
    for offset, (lo, hi) in enumerate(bounds):
        highs.changeRowBounds(first + offset, max(lo, -inf), min(hi, inf))


def _solve_pulp(model: LinearModel, time_limit_s: float | None) -> Solution:
    import pulp

    if model.n == 0:
        return Solution("optimal", np.zeros(0), 0.0, np.zeros(model.a.shape[0]))
    problem = pulp.LpProblem("symbiosis", pulp.LpMaximize if model.sense == "max" else pulp.LpMinimize)
    variables = [
        pulp.LpVariable(
            f"x{i}",
            lowBound=float(model.col_lo[i]),
            upBound=None if math.isinf(model.col_hi[i]) else float(model.col_hi[i]),
            cat=pulp.LpInteger if model.integer[i] else pulp.LpContinuous,
        )
        for i in range(model.n)
    ]
    nonzero = np.flatnonzero(model.c)
    problem += pulp.LpAffineExpression([(variables[i], float(model.c[i])) for i in nonzero])
    a = model.a
    constraints = []
    for r in range(a.shape[0]):
        start, end = a.indptr[r], a.indptr[r + 1]
        expression = pulp.LpAffineExpression(
            [(variables[j], float(v)) for j, v in zip(a.indices[start:end], a.data[start:end], strict=True)]
        )
        lo, hi = model.row_lo[r], model.row_hi[r]
        if lo == hi:
            constraint = expression == float(lo)
        elif math.isinf(lo):
            constraint = expression <= float(hi)
        elif math.isinf(hi):
            constraint = expression >= float(lo)
        else:
            problem += expression <= float(hi), f"r{r}_hi"
            constraint = expression >= float(lo)
        problem += constraint, f"r{r}"
        constraints.append(problem.constraints[f"r{r}"])
    with tempfile.TemporaryDirectory(prefix="symbiosis-cbc-") as folder:
        log = Path(folder) / "cbc.log"
        command = pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit_s, gapRel=MIP_GAP, logPath=str(log))
        problem.solve(command)
        gap = _cbc_gap(log.read_text(errors="replace") if log.exists() else "")
    labels = {
        pulp.LpSolutionOptimal: "optimal",
        pulp.LpSolutionIntegerFeasible: "time_limit",
        pulp.LpSolutionInfeasible: "infeasible",
        pulp.LpSolutionUnbounded: "unbounded",
    }
    label = labels.get(problem.sol_status, "time_limit_no_plan" if time_limit_s else "not_solved")
    x = np.array([v.varValue or 0.0 for v in variables]) if label in {"optimal", "time_limit"} else np.zeros(model.n)
    duals = None if model.integer.any() else np.array([c.pi or 0.0 for c in constraints])
    objective = float(pulp.value(problem.objective) or 0.0)
    return Solution(label, x, objective, duals, gap if label == "time_limit" else None)


def _cbc_gap(log: str) -> float | None:
    """The relative gap CBC reports when it stops on a limit (`Gap: 0.0123`)."""
    found = re.findall(r"^\s*Gap:\s*([-+0-9.eE]+)", log, flags=re.MULTILINE)
    gap = float(found[-1]) if found else None
    return gap if gap is not None and gap >= 0 else None  # CBC writes -0.01 when it has no bound
