"""The dedicated reference: one OR-Tools min-cost flow on the whole link graph.

Runs alone in its own interpreter (OR-Tools and highspy cannot share one):

    python -m benchmarks.reference ARRAYS.npz

reads the transportation problem the engine wrote (tails, heads, caps,
supplies, needs, distances), solves max flow at least cost once, without
decomposition, and prints JSON: seconds (graph building and solving, not the
interpreter start), tonnes, tonne-km.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np


def solve(path: Path) -> dict[str, Any]:
    from ortools.graph.python import min_cost_flow  # type: ignore[import-untyped]

    data = np.load(path)
    tail, head, cap = data["tail"], data["head"], data["cap"]
    supply, need, distance, mass = data["supply"], data["need"], data["distance"], data["mass"]
    started = time.perf_counter()
    per_unit, per_km = 1000.0, 1000.0  # kg and metres: totals stay far below 2**63
    n_out, n_in = len(supply), len(need)
    source, sink = n_out + n_in, n_out + n_in + 1
    arc_cap = np.minimum(np.minimum(cap, supply[tail]), need[head])
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        tail, n_out + head, np.rint(arc_cap * per_unit).astype(np.int64), np.rint(distance * per_km).astype(np.int64)
    )
    zeros_out, zeros_in = np.zeros(n_out, np.int64), np.zeros(n_in, np.int64)
    offered = np.rint(supply * per_unit).astype(np.int64)
    flow.add_arcs_with_capacity_and_unit_cost(np.full(n_out, source), np.arange(n_out), offered, zeros_out)
    flow.add_arcs_with_capacity_and_unit_cost(
        n_out + np.arange(n_in), np.full(n_in, sink), np.rint(need * per_unit).astype(np.int64), zeros_in
    )
    flow.set_node_supply(source, int(offered.sum()))
    flow.set_node_supply(sink, -int(offered.sum()))
    status = flow.solve_max_flow_with_min_cost()
    seconds = time.perf_counter() - started
    x = flow.flows(arcs).astype(float) / per_unit
    return {
        "status": str(status),
        "seconds": seconds,
        "links": len(tail),
        "tonnes": float(x[mass].sum()),
        "tkm": float(x @ distance),
        "mwh": float(x[~mass].sum()),
    }


if __name__ == "__main__":
    print(json.dumps(solve(Path(sys.argv[1]))))
