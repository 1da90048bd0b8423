"""The min-cost-flow child process: arcs on stdin, arc flows on stdout.

Run as `python -m symbiosis.solve.mincostflow` by `netflow.solve_ortools`.
It imports OR-Tools and nothing of the engine: ortools and highspy bundle
clashing HiGHS builds and cannot share one interpreter.
"""

from __future__ import annotations

import importlib
import io
import sys
from typing import Any

import numpy as np


def main() -> None:
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


if __name__ == "__main__":
    main()
