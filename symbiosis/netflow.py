"""The pure-network fast path: most tonnes at least tonne-km, as a min-cost flow.

When every link goes from a declared output to a declared input (no
facility, hence no yields or share limits) and nothing couples the links
(no jobs floor, no siting, no epsilon floors), the allocation LP is a
transportation problem: an output sends at most what it declares, an input
receives at most what it needs, a heat link at most its seasonal overlap.
Tonne links and MWh links then touch disjoint flows, so the lexicographic
optimum of `optimize.optimise` (max tonnes, then min tonne-km, then max MWh)
is exactly a maximum flow of least cost, with tonne-km as the cost.

Two solvers, same answer:

- OR-Tools' min-cost flow (`ortools`, optional), always in a child process:
  ortools 9.15 and highspy 1.15 bundle clashing HiGHS builds and cannot be
  loaded in one process. Quantities and distances are scaled to integers
  (powers of ten chosen so the total cost fits in 64 bits).
- HiGHS from the arrays, in process, the three stages warm-started on one
  model (no model rebuilt, no PuLP): the fallback when ortools is absent.
"""

from __future__ import annotations

import importlib
import importlib.util
import io
import math
import subprocess
import sys
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

Backend = Literal["auto", "ortools", "highs"]
STAGE_SLACK = (1e-9, 1e-12)
"""As optimize.STAGE_SLACK: what a later stage may give up of an earlier optimum."""
COST_PER_KM = 1_000_000
"""Integer cost units per km for OR-Tools (millimetres)."""
INT_BUDGET = 2**62


@dataclass(frozen=True)
class Network:
    """A transportation problem: outputs (tails) to inputs (heads)."""

    tail: np.ndarray
    """Output position of each link."""
    head: np.ndarray
    """Input position of each link."""
    cap: np.ndarray
    """Upper bound of each link (inf: none but its ends)."""
    distance: np.ndarray
    """km charged per unit: the link's distance for tonnes, 0 for MWh."""
    mass: np.ndarray
    """True where the link moves tonnes (else MWh)."""
    supply: np.ndarray
    need: np.ndarray
    supply_ids: np.ndarray
    need_ids: np.ndarray


@dataclass(frozen=True)
class FlowSolution:
    status: str
    x: np.ndarray
    duals: dict[str, float]


def transport(
    tail_node: np.ndarray,
    head_node: np.ndarray,
    node_ids: np.ndarray,
    node_quantity: np.ndarray,
    cap: np.ndarray,
    distance_km: np.ndarray,
    mass: np.ndarray,
) -> Network:
    """The transportation problem of links given by node codes (flows numbered
    in `node_ids`, their declared quantities in `node_quantity`): outputs and
    inputs renumbered from 0, distance charged on tonnes only."""
    outputs, tail = np.unique(tail_node, return_inverse=True)
    inputs, head = np.unique(head_node, return_inverse=True)
    return Network(
        tail=tail.astype(np.int64),
        head=head.astype(np.int64),
        cap=cap,
        distance=np.where(mass, distance_km, 0.0),
        mass=mass,
        supply=node_quantity[outputs],
        need=node_quantity[inputs],
        supply_ids=node_ids[outputs],
        need_ids=node_ids[inputs],
    )


def network_of(links: Any, quantities: Any) -> Network:
    """The transportation problem of output-to-input links (a DataFrame).

    `quantities` maps every flow id to its declared quantity in its reference unit.
    """
    import pandas as pd

    ends, nodes = pd.factorize(pd.concat([links["from_flow"], links["to"]], ignore_index=True))
    n = len(links)
    return transport(
        ends[:n], ends[n:], np.asarray(nodes, dtype=object), quantities.loc[nodes].to_numpy(dtype=float),
        links["cap"].to_numpy(dtype=float), links["distance_km"].to_numpy(dtype=float), (links["unit"] == "t").to_numpy(),
    )


def ortools_available() -> bool:
    """Whether OR-Tools is installed (looked up, never imported here)."""
    return importlib.util.find_spec("ortools") is not None


def solve(net: Network, backend: Backend = "auto") -> FlowSolution:
    """Max flow at least cost; OR-Tools when installed, else HiGHS."""
    if not len(net.tail):
        return FlowSolution("optimal", np.zeros(0), {})
    if backend == "ortools" or (backend == "auto" and ortools_available()):
        solution = solve_ortools(net)
        if solution.status == "optimal" or backend == "ortools":
            return solution
    return solve_highs(net)


# --- OR-Tools, in a child process -------------------------------------------------


def scales(net: Network) -> tuple[float, float]:
    """Integer units per tonne (or MWh) and per km, so that costs fit in int64."""
    total = float(np.sum(net.supply)) + 1.0
    longest = float(net.distance.max()) if len(net.distance) else 0.0
    cost_max = max(longest * COST_PER_KM, 1.0)
    per_unit = 10.0 ** math.floor(math.log10(INT_BUDGET / (16.0 * total * cost_max)))
    return min(per_unit, 1e6), float(COST_PER_KM)


def solve_ortools(net: Network) -> FlowSolution:
    """OR-Tools' max flow with min cost, in a fresh interpreter (see module doc)."""
    per_unit, per_km = scales(net)
    n_out, n_in = len(net.supply), len(net.need)
    # Nodes: source, outputs, inputs, sink.
    source, sink = 0, 1 + n_out + n_in
    cap_links = np.minimum(np.minimum(net.cap, net.supply[net.tail]), net.need[net.head])
    tails = np.concatenate([np.zeros(n_out, np.int64), 1 + net.tail, 1 + n_out + np.arange(n_in)])
    heads = np.concatenate([1 + np.arange(n_out), 1 + n_out + net.head, np.full(n_in, sink)])
    caps = np.concatenate([net.supply, cap_links, net.need])
    costs = np.concatenate([np.zeros(n_out), net.distance, np.zeros(n_in)])
    payload = io.BytesIO()
    np.savez(
        payload,
        tails=tails.astype(np.int32),
        heads=heads.astype(np.int32),
        caps=np.rint(caps * per_unit).astype(np.int64),
        costs=np.rint(costs * per_km).astype(np.int64),
        ends=np.array([source, sink], dtype=np.int32),
    )
    done = subprocess.run(
        [sys.executable, "-m", "symbiosis.netflow"], input=payload.getvalue(), capture_output=True, check=False
    )
    if done.returncode != 0:
        return FlowSolution(f"ortools_failed: {done.stderr.decode(errors='replace')[-200:]}", np.zeros(len(net.tail)), {})
    flows = np.load(io.BytesIO(done.stdout))
    x = flows[n_out : n_out + len(net.tail)].astype(float) / per_unit
    return FlowSolution("optimal", x, {})


def _child() -> None:
    """Read arcs on stdin, write arc flows on stdout (OR-Tools only here)."""
    data = np.load(io.BytesIO(sys.stdin.buffer.read()))
    module: Any = importlib.import_module("ortools.graph.python.min_cost_flow")
    mcf = module.SimpleMinCostFlow()
    arcs = mcf.add_arcs_with_capacity_and_unit_cost(data["tails"], data["heads"], data["caps"], data["costs"])
    source, sink = (int(v) for v in data["ends"])
    offered = int(data["caps"][data["tails"] == source].sum())
    mcf.set_node_supply(source, offered)
    mcf.set_node_supply(sink, -offered)
    status = mcf.solve_max_flow_with_min_cost()
    if status != mcf.OPTIMAL:
        sys.exit(f"min-cost flow status {status}")
    out = io.BytesIO()
    np.save(out, mcf.flows(arcs))
    sys.stdout.buffer.write(out.getvalue())


# --- HiGHS, in process ------------------------------------------------------------------


def solve_highs(net: Network) -> FlowSolution:
    """The three stages of optimise() on one HiGHS model, each warm-starting the next."""
    import highspy

    inf = highspy.kHighsInf
    n, n_out, n_in = len(net.tail), len(net.supply), len(net.need)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, n_out + n_in
    tonnes = net.mass.astype(float)
    lp.col_cost_ = tonnes
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.where(np.isinf(net.cap), inf, net.cap)
    lp.row_lower_ = np.full(n_out + n_in, -inf)
    lp.row_upper_ = np.concatenate([net.supply, net.need])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.arange(0, 2 * n + 1, 2, dtype=np.int32)
    lp.a_matrix_.index_ = np.column_stack([net.tail, n_out + net.head]).ravel().astype(np.int32)
    lp.a_matrix_.value_ = np.ones(2 * n)
    lp.sense_ = highspy.ObjSense.kMaximize
    highs = highspy.Highs()  # type: ignore[no-untyped-call]
    highs.setOptionValue("output_flag", False)
    highs.passModel(lp)
    stages: list[tuple[np.ndarray, bool]] = [(tonnes, True), (net.distance, False), ((~net.mass).astype(float), True)]
    x = np.zeros(n)
    duals: dict[str, float] = {}
    columns = np.arange(n, dtype=np.int32)
    for position, (cost, maximise) in enumerate(stages):
        if position:
            highs.changeObjectiveSense(highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize)
            highs.changeColsCost(n, columns, cost)
        highs.run()
        status = highs.modelStatusToString(highs.getModelStatus()).lower()
        if status != "optimal":
            if position == 0:
                return FlowSolution(status, x, {})
            break  # as optimise(): a tie-break that fails keeps the previous plan
        solution = highs.getSolution()
        x = np.array(solution.col_value)
        if position == 0 and solution.dual_valid:
            names = [f"supply:{i}" for i in net.supply_ids] + [f"need:{i}" for i in net.need_ids]
            duals = {k: float(v) for k, v in zip(names, solution.row_dual, strict=True) if abs(v) > 1e-9}
        if position < len(stages) - 1:
            best = float(cost @ x)
            slack = STAGE_SLACK[0] * float(np.abs(cost).max(initial=0.0)) + STAGE_SLACK[1] * abs(best)
            lo, hi = (best - slack, inf) if maximise else (-inf, best + slack)
            used = np.flatnonzero(cost)
            highs.addRow(lo, hi, len(used), used.astype(np.int32), cost[used])
    return FlowSolution("optimal", x, duals)


if __name__ == "__main__":
    _child()
