"""A large LP by column generation, on one warm-started HiGHS model.

A transportation-like LP uses few of its links at the optimum: start with
each flow's nearest links and every facility link, solve, price every other
link with the row duals (reduced cost c - A'y, one sparse product), add
those that would improve, solve again from the last basis; stop when none
would. Each lexicographic stage continues from the previous one, its
optimum held as a row. The answer is the full LP's optimum, not an
approximation.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from symbiosis.flows import Inventory
from symbiosis.matcher import Match
from symbiosis.model.layout import Layout
from symbiosis.model.linear import LinearModel, Sense
from symbiosis.model.options import Options
from symbiosis.model.plan import Plan, plan_of
from symbiosis.solve.backends import Solution, highs_solution, loosen_last_rows, quiet_highs
from symbiosis.solve.lp import checked, model_of, named_duals, solve_model
from symbiosis.solve.stages import Deadline, lexicographic, stages_for

FIRST_LINKS_PER_FLOW = 3
COLUMNS_PER_ROUND = 20_000


def optimise_by_columns(inventory: Inventory, found: Match, options: Options, deadline: Deadline | None = None) -> Plan:
    """`solve_model`'s plan for a large LP, by column generation."""
    deadline = deadline or Deadline(options.time_limit_s)
    model, layout, scores = model_of(inventory, found, options)
    if model.integer.any():
        return solve_model(inventory, found, options, deadline)
    columns = ColumnSession(model, first_columns(found, layout))
    outcome = lexicographic(columns, stages_for(options.objective, scores, options.tie_breaks), deadline)
    solution = checked(outcome, options)
    return plan_of(inventory, found, layout, solution.x, outcome.first.status, options.objective, scores,
                   named_duals(model.row_names, outcome.first), stages=outcome.statuses, mip_gap=outcome.first.mip_gap)


class ColumnSession:
    """The stage session of `stages.lexicographic`, pricing columns in at each run."""

    def __init__(self, model: LinearModel, start: np.ndarray) -> None:
        import highspy

        self._h = highspy
        self.model = model
        self.inf = highspy.kHighsInf
        self.a = model.a.tocsc()
        self.col_hi = np.where(np.isinf(model.col_hi), self.inf, model.col_hi)
        self.order = np.flatnonzero(start)
        self.active = np.zeros(model.n, dtype=bool)
        self.active[self.order] = True
        self.rows = model.a.shape[0]
        highs = quiet_highs()
        inf = self.inf
        highs.addRows(self.rows, np.where(np.isinf(model.row_lo), -inf, model.row_lo),
                      np.where(np.isinf(model.row_hi), inf, model.row_hi), 0,
                      np.zeros(self.rows, np.int32), np.zeros(0, np.int32), np.zeros(0))
        self.highs = highs
        self._add(self.order, model.c)

    def _add(self, columns: np.ndarray, cost: np.ndarray) -> None:
        block = self.a[:, columns]
        self.highs.addCols(len(columns), cost[columns], self.model.col_lo[columns], self.col_hi[columns], block.nnz,
                           block.indptr[:-1].astype(np.int32), block.indices.astype(np.int32), block.data)

    def run(self, cost: np.ndarray, sense: Sense, position: int, time_limit_s: float | None = None) -> Solution:
        h, highs = self._h, self.highs
        highs.setOptionValue("time_limit", float(time_limit_s) if time_limit_s else float("inf"))
        highs.changeObjectiveSense(h.ObjSense.kMaximize if sense == "max" else h.ObjSense.kMinimize)
        highs.changeColsCost(len(self.order), np.arange(len(self.order), dtype=np.int32), cost[self.order])
        # Measured at 780k links: dual simplex suits the tonne-km stage, but after two
        # stage rows it stalls (61 s) where primal goes on from the last basis (0.4 s).
        highs.setOptionValue("simplex_strategy", 4 if position >= 2 else 1)
        tolerance = 1e-7 * max(1.0, float(np.abs(cost).max(initial=0.0)))
        while True:
            highs.run()
            answer = highs_solution(highs, len(self.order))
            if answer.status != "optimal":
                if not answer.x.size:
                    return answer
                x = np.zeros(self.model.n)
                x[self.order] = answer.x
                return Solution(answer.status, x, float(cost @ x), None, answer.mip_gap)
            values = answer.x
            y = _dual_sign(self.a, cost, self.order, values, self.col_hi,
                           answer.duals if answer.duals is not None else np.zeros(self.a.shape[0]))
            reduced = cost - self.a.T @ y
            better = ~self.active & ((reduced > tolerance) if sense == "max" else (reduced < -tolerance))
            if not better.any():
                x = np.zeros(self.model.n)
                x[self.order] = values
                return Solution("optimal", x, float(cost @ x), y[: self.rows] if position == 0 else None)
            candidates = np.flatnonzero(better)
            most = max(COLUMNS_PER_ROUND, len(self.order) // 2)
            if len(candidates) > most:
                gain = np.abs(reduced[candidates])
                candidates = candidates[np.argpartition(-gain, most)[:most]]
            self._add(candidates, cost)
            self.order = np.concatenate([self.order, candidates])
            self.active[candidates] = True

    def hold(self, cost: np.ndarray, lo: float, hi: float, name: str) -> None:
        used = np.flatnonzero(cost[self.order])
        self.highs.addRow(max(lo, -self.inf), min(hi, self.inf), len(used), used.astype(np.int32), cost[self.order][used])
        self.a = sparse.vstack([self.a.tocsr(), sparse.csr_matrix(cost.reshape(1, -1))], format="csc")

    def loosen(self, bounds: list[tuple[float, float]]) -> None:
        loosen_last_rows(self.highs, self.inf, bounds)


def first_columns(found: Match, layout: Layout) -> np.ndarray:
    """Each output's and input's nearest links, every facility link, every other column."""
    links = found.links
    keep = np.ones(layout.n, dtype=bool)
    distance = links["distance_km"].to_numpy(dtype=float)
    near = np.zeros(len(links), dtype=bool)
    for column in ("from_flow", "to"):
        codes, _ = pd.factorize(links[column])
        ranked = np.lexsort((distance, codes))
        starts = np.r_[True, codes[ranked][1:] != codes[ranked][:-1]]
        rank = np.arange(len(ranked)) - np.maximum.accumulate(np.where(starts, np.arange(len(ranked)), 0))
        near[ranked[rank < FIRST_LINKS_PER_FLOW]] = True
    direct = ((links["from_kind"] == "output") & (links["to_kind"] == "input")).to_numpy()
    keep[: layout.n_links] = near | ~direct
    return keep


def _dual_sign(a: Any, cost: np.ndarray, order: np.ndarray, values: np.ndarray,
               hi: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Row duals in the convention reduced = c - A'y, whatever the solver's for maximising."""
    between = (values > 1e-9) & (values < hi[order] - 1e-9)
    if not between.any():
        return y
    basic = order[between]
    plain = np.abs(cost[basic] - a[:, basic].T @ y).max()
    flipped = np.abs(cost[basic] + a[:, basic].T @ y).max()
    return y if plain <= flipped else -y
