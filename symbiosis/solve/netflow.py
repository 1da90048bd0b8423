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

- OR-Tools' min-cost flow (`ortools`, optional), always in a child process
  (`solve/mincostflow.py`): ortools 9.15 and highspy 1.15 bundle clashing
  HiGHS builds and cannot be loaded in one process. Quantities and distances
  are scaled to integers (powers of ten chosen so the total cost fits in 64
  bits).
- HiGHS from the arrays, in process, the three stages of `stages.lexicographic`
  warm-started on one model (no model rebuilt, no PuLP): the fallback when
  ortools is absent.
"""

from __future__ import annotations

import importlib.util
import io
import math
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from scipy import sparse

from symbiosis.model.linear import LinearModel
from symbiosis.solve.backends import HighsSession
from symbiosis.solve.stages import COSTS, Stage, lexicographic, stage_names

Backend = Literal["auto", "ortools", "highs"]
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
    tie_breaks: Mapping[str, np.ndarray] = field(default_factory=dict)
    """Per-link scores of the later stages (jobs, co2, value, mwh_km): HiGHS applies
    them after the fewest tonne-km; OR-Tools' min-cost flow stops at tonne-km
    (where links tie exactly on distance it picks one of them)."""


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
        [sys.executable, "-m", "symbiosis.solve.mincostflow"], input=payload.getvalue(), capture_output=True, check=False
    )
    if done.returncode != 0:
        return FlowSolution(f"ortools_failed: {done.stderr.decode(errors='replace')[-200:]}", np.zeros(len(net.tail)), {})
    flows = np.load(io.BytesIO(done.stdout))
    x = flows[n_out : n_out + len(net.tail)].astype(float) / per_unit
    return FlowSolution("optimal", x, {})


# --- HiGHS, in process ------------------------------------------------------------------


def solve_highs(net: Network) -> FlowSolution:
    """The three stages of a plan for tonnes (most tonnes, fewest tonne-km, most MWh)
    on one HiGHS model of the network, each warm-starting the next."""
    n, n_out, n_in = len(net.tail), len(net.supply), len(net.need)
    incidence = sparse.csr_matrix(
        (np.ones(2 * n), (np.concatenate([net.tail, n_out + net.head]), np.tile(np.arange(n), 2))),
        shape=(n_out + n_in, n),
    )
    tonnes = net.mass.astype(float)
    model = LinearModel(
        c=tonnes, a=incidence, row_lo=np.full(n_out + n_in, -np.inf), row_hi=np.concatenate([net.supply, net.need]),
        col_lo=np.zeros(n), col_hi=net.cap.astype(float), integer=np.zeros(n, dtype=bool),
        row_names=tuple([f"supply:{i}" for i in net.supply_ids] + [f"need:{i}" for i in net.need_ids]),
    )
    costs = {"tonnes": tonnes, "tkm": net.distance, "mwh": (~net.mass).astype(float), **net.tie_breaks}
    stages = [
        Stage(name, costs[name], "min" if name in COSTS else "max")
        for position, name in enumerate(stage_names("tonnes"))
        if name in costs and (position == 0 or np.any(costs[name]))
    ]
    outcome = lexicographic(HighsSession(model), stages)
    if outcome.first.status != "optimal":
        return FlowSolution(outcome.first.status, np.zeros(n), {})
    duals: dict[str, float] = {}
    if outcome.first.duals is not None:
        duals = {k: float(v) for k, v in zip(model.row_names, outcome.first.duals, strict=True) if abs(v) > 1e-9}
    return FlowSolution("optimal", outcome.solution.x, duals)
