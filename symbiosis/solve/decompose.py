"""Independent parts of a region, solved apart and in parallel.

Distance limits and materials cut a region's link graph into connected
components that share no flow and no facility: the allocation model is
block-diagonal, and every objective is a sum over columns, so the
lexicographic optimum of the whole is the union of each part's. Each part
is solved on its own: pure transportation parts by the min-cost flow of
`netflow` (objective `tonnes`), the others (facilities with yields, other
objectives) as LPs on the part's own links and facilities, with HiGHS when
installed, large ones by column generation (`solve/columns.py`). Parts run
in `workers` threads, each solving in a child process when there are
several workers, so that OR-Tools and HiGHS never meet in one interpreter
and the GIL is never the bottleneck.

A company's account (no participant worse off, `model/sharing.py`) joins
the parts its exchanges touch into one. Whatever couples parts (a jobs
floor, siting, epsilon floors) makes the model whole again: `optimise_scaled` then solves it whole (`solve/lp.py`).
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from symbiosis.core.problems import Infeasible
from symbiosis.core.words import Text
from symbiosis.flows import Inventory
from symbiosis.matcher import Match
from symbiosis.model.layout import layout_of
from symbiosis.model.options import Options
from symbiosis.model.plan import Plan, plan_of
from symbiosis.model.scores import link_scores, scores_of
from symbiosis.model.sharing import guarded
from symbiosis.solve import netflow
from symbiosis.solve.columns import optimise_by_columns
from symbiosis.solve.lp import MESSAGES, solve_model
from symbiosis.solve.stages import Deadline

NETWORK_BATCH_LINKS = 200_000
"""Small pure parts are grouped into one min-cost flow up to this many links
(one child process each), so that hundreds of tiny parts cost one start-up."""
LP_BATCH_LINKS = 20_000
"""Small LP parts are grouped into one model up to this many links."""
LP_CHILD_MIN_LINKS = 50_000
"""With several workers, LP parts at least this large run in a child process
(a fresh interpreter costs a second or two); smaller ones in a thread here."""
COLUMNS_MIN_LINKS = 50_000
"""LP parts with at least this many links are solved by column generation."""


@dataclass(frozen=True)
class Parts:
    """The connected components of a link table."""

    count: int
    link_part: np.ndarray
    """Component of each link (row of `found.links`); -1 for a link left out."""
    pure: np.ndarray
    """Per component: a transportation problem (outputs to inputs only, one unit per input)."""
    tail: np.ndarray
    """Node code of each link's origin (codes index `nodes`)."""
    head: np.ndarray
    nodes: pd.Index
    """Flow and facility ids, by node code."""

    def sizes(self) -> np.ndarray:
        return np.bincount(self.link_part[self.link_part >= 0], minlength=self.count)


def components(found: Match, keep: np.ndarray | None = None, coupled: np.ndarray | None = None,
               joined: tuple[np.ndarray, np.ndarray] | None = None) -> Parts:
    """Label each kept link with its connected component (flows and facilities are the nodes).

    `coupled` links (a fixed cost, a balance by period) make their part an LP,
    never a plain transportation problem. `joined` (link positions, group)
    puts the links of one group in one part, and makes it an LP: the links of
    one company's account (`model/sharing.py`)."""
    links = found.links
    n = len(links)
    keep = np.ones(n, dtype=bool) if keep is None else keep
    ends, nodes = pd.factorize(pd.concat([links["from_flow"], links["to"]], ignore_index=True))
    tail, head = ends[:n], ends[n:]
    if not keep.any():
        return Parts(0, np.full(n, -1, dtype=np.int64), np.zeros(0, dtype=bool), tail, head, pd.Index(nodes))
    size = len(nodes)
    rows, cols = [tail[keep]], [head[keep]]
    groups = 0
    if joined is not None:
        positions, group = joined
        kept = keep[positions]
        groups = int(group.max(initial=-1)) + 1
        rows.append(tail[positions[kept]])
        cols.append(size + group[kept])  # one extra node per group
    total = size + groups
    edges = np.concatenate(rows)
    graph = sparse.coo_matrix((np.ones(len(edges), dtype=np.int8), (edges, np.concatenate(cols))), shape=(total, total))
    count, label = connected_components(graph, directed=False)
    link_part = np.where(keep, label[tail], -1).astype(np.int64)
    direct = ((links["from_kind"] == "output") & (links["to_kind"] == "input")).to_numpy()
    impure = np.zeros(count, dtype=bool)
    impure[link_part[keep & ~direct]] = True
    if coupled is not None:
        impure[link_part[keep & coupled]] = True
    if joined is not None:
        impure[link_part[joined[0][keep[joined[0]]]]] = True
    # An input reached by both tonnes and MWh couples the tonnes and MWh stages.
    mass = (links["unit"] == "t").to_numpy()
    with_mass = np.zeros(size, dtype=bool)
    with_energy = np.zeros(size, dtype=bool)
    with_mass[head[keep & mass]] = True
    with_energy[head[keep & ~mass]] = True
    impure[link_part[keep & (with_mass & with_energy)[head]]] = True
    return Parts(int(count), link_part, ~impure, tail, head, pd.Index(nodes))


TIE_BREAKS = ("jobs", "co2", "value", "mwh_km")
"""The later stages a transportation part carries for the in-process HiGHS path."""


def network(
    found: Match, parts: Parts, rows: np.ndarray, quantity: np.ndarray, scores: pd.DataFrame | None = None
) -> netflow.Network:
    """The transportation problem of some output-to-input links, from the node codes (no string work)."""
    links = found.links
    net = netflow.transport(
        parts.tail[rows], parts.head[rows], parts.nodes.to_numpy(), quantity,
        links["cap"].to_numpy(dtype=float)[rows], links["distance_km"].to_numpy(dtype=float)[rows],
        links["unit"].to_numpy()[rows] == "t",
    )
    if scores is None:
        return net
    return replace(net, tie_breaks={name: scores[name].to_numpy(dtype=float)[rows] for name in TIE_BREAKS})


def closed_links(inventory: Inventory, found: Match, options: Options) -> np.ndarray:
    """Links to or from a candidate facility that is not built: they carry nothing.

    Dropping them splits the regions that an unbuilt facility would join.
    """
    facilities = inventory.facilities
    closed = facilities.loc[
        (facilities["status"] == "candidate") & ~facilities["id"].isin(options.force_open), "id"
    ]
    if not len(closed):
        return np.zeros(len(found.links), dtype=bool)
    mask: np.ndarray = (found.links["from_flow"].isin(closed) | found.links["to"].isin(closed)).to_numpy()
    return mask


def separable(options: Options) -> bool:
    """Whether the model splits into independent parts (nothing couples them)."""
    return (
        options.min_jobs is None
        and options.min_insertion_jobs is None
        and not options.siting
        and not options.max_open
        and not options.floors
    )


def optimise_scaled(
    inventory: Inventory, found: Match, options: Options, workers: int = 1, *,
    timings: dict[str, float] | None = None, deadline: Deadline | None = None,
) -> Plan:
    """`optimize.optimise`'s plan, solved part by part in `workers` parallel workers.

    Same Plan, same optimal tonnes and tonne-km (up to solver tolerances);
    the first stage's duals are kept for parts solved as LPs only.
    `timings`, when given, receives the seconds spent building the parts,
    solving them and merging the plan.
    """
    clock = _Clock(timings)
    if not separable(options) or found.links.empty:
        plan = solve_model(inventory, found, options, deadline)
        clock.lap("solve")
        return plan
    layout = layout_of(inventory, found, options)
    coupled = np.zeros(len(found.links), dtype=bool)
    coupled[layout.switched] = True
    coupled[layout.seasons.links] = True
    coupled |= found.links["delivered_share"].to_numpy(dtype=float) < 1.0  # a pipe's losses: not a plain transport
    guard = guarded(inventory, found, layout, options)
    in_links = guard.cols < len(found.links) if guard is not None else np.zeros(0, dtype=bool)
    joined = (guard.cols[in_links], guard.rows[in_links]) if guard is not None else None
    parts = components(found, ~closed_links(inventory, found, options), coupled, joined)
    tasks = plan_tasks(parts, network=options.objective == "tonnes")
    x = np.zeros(len(found.links))
    outlet_x = np.zeros(len(found.outlets))
    statuses: list[str] = []
    duals: dict[str, float] = {}
    sub_plans: list[Plan] = []
    quantity = inventory.flows.set_index("id")["quantity_ref"].reindex(parts.nodes).to_numpy(dtype=float)
    scores = link_scores(inventory, found.links)
    workers = max(1, int(workers))
    deadline = deadline or Deadline(options.time_limit_s)
    with ThreadPoolExecutor(max_workers=workers) as threads:
        futures: list[tuple[Task, Future[Any]]] = []
        for task in tasks:
            task.rows = np.flatnonzero(np.isin(parts.link_part, task.parts))
            if task.network:
                net = network(found, parts, task.rows, quantity, scores)
                futures.append((task, threads.submit(netflow.solve, net)))
            else:
                sub_inventory, sub_match, task.outlet_rows = _subproblem(inventory, found, task.rows)
                alone = workers > 1 and task.links >= LP_CHILD_MIN_LINKS
                solver = _solve_lp_child if alone else _solve_lp
                lp = replace(options, time_limit_s=deadline.left())
                futures.append((task, threads.submit(solver, sub_inventory, sub_match, lp)))
        clock.lap("build")
        for task, future in futures:
            result = future.result()
            statuses.append(result.status)
            duals.update(result.duals)
            if task.network:
                x[task.rows] = result.x
            else:
                sub_plans.append(result)
                x[task.rows] = result.links["quantity"].to_numpy(dtype=float)
                outlet_x[task.outlet_rows] = result.outlets["quantity"].to_numpy(dtype=float)
    clock.lap("solve")
    failed = [s for s in statuses if s != "optimal"]
    if any(s != "time_limit" for s in failed):
        raise Infeasible(Text(MESSAGES, "solver_failed", {"status": failed[0]}))
    status = failed[0] if failed else "optimal"
    plan = merged_plan(inventory, found, options, np.concatenate([x, outlet_x]), status, duals, sub_plans)
    clock.lap("merge")
    return plan


class _Clock:
    """Seconds between laps, added to a caller's dict (or nowhere)."""

    def __init__(self, sink: dict[str, float] | None) -> None:
        self.sink = sink
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        if self.sink is not None:
            self.sink[name] = self.sink.get(name, 0.0) + now - self.last
        self.last = now


def merged_plan(
    inventory: Inventory, found: Match, options: Options, x: np.ndarray, status: str, duals: dict[str, float],
    parts: Sequence[Plan] = (),
) -> Plan:
    """The Plan of the whole for the column values `x` of its parts (links, then outlets).

    Facilities a scenario builds keep their columns, so that their cost and
    fixed jobs are scored as in a whole solve; whether each runs, and the
    quantities by period, come from the part that holds it.
    """
    layout = layout_of(inventory, found, options)
    values = np.zeros(layout.n)
    values[: len(x)] = x
    values[layout.switch_cols] = (values[layout.switched] > 0).astype(float)  # each part settled its switches
    running = set().union(*(set(p.opened.loc[p.opened["runs"], "id"]) for p in parts)) if parts else set()
    values[layout.run_cols] = layout.openings["id"].isin(running).to_numpy(dtype=float) if len(layout.openings) else 0.0
    plan = plan_of(inventory, found, layout, values, status, options.objective, scores_of(inventory, found, layout),
                   duals, stages=_stages_of(parts))
    periods = [p.periods for p in parts if p.periods is not None]
    return replace(plan, periods=pd.concat(periods, ignore_index=True) if periods else plan.periods)


def _stages_of(parts: Sequence[Plan]) -> tuple[tuple[str, str], ...]:
    """Each stage's status over the parts: optimal where every part's was."""
    merged: dict[str, str] = {}
    for part in parts:
        for name, status in part.stages:
            if merged.get(name, "optimal") == "optimal":
                merged[name] = status
    return tuple(merged.items())


# --- tasks ----------------------------------------------------------------------------


@dataclass
class Task:
    """Components solved together in one call: one min-cost flow or one LP."""

    parts: np.ndarray
    links: int
    network: bool
    rows: np.ndarray | None = None
    outlet_rows: np.ndarray | None = None


def plan_tasks(parts: Parts, network: bool) -> list[Task]:
    """Group components into tasks, largest first: big ones alone, small ones together."""
    sizes = parts.sizes()
    order = np.argsort(-sizes, kind="stable")
    order = order[sizes[order] > 0]  # nodes only on links left out
    tasks: list[Task] = []
    for kind in (True, False):
        chosen = order[(parts.pure[order] & network) == kind]
        limit = NETWORK_BATCH_LINKS if kind else LP_BATCH_LINKS
        batch: list[int] = []
        total = 0
        for part in chosen.tolist():  # components, not links: a few thousand at most
            if batch and total + sizes[part] > limit:
                tasks.append(Task(np.array(batch), total, kind))
                batch, total = [], 0
            batch.append(part)
            total += int(sizes[part])
        if batch:
            tasks.append(Task(np.array(batch), total, kind))
    tasks.sort(key=lambda t: -t.links)
    return tasks


def _subproblem(inventory: Inventory, found: Match, rows: np.ndarray) -> tuple[Inventory, Match, np.ndarray]:
    """The inventory and match restricted to some links, their flows and facilities."""
    links = found.links.iloc[rows].reset_index(drop=True)
    ids = pd.Index(pd.concat([links["from_flow"], links["to"]], ignore_index=True).unique())
    flows = inventory.flows[inventory.flows["id"].isin(ids)].reset_index(drop=True)
    facilities = inventory.facilities[inventory.facilities["id"].isin(ids)].reset_index(drop=True)
    kept = set(facilities["id"])
    outlet_mask = found.outlets["facility"].isin(kept).to_numpy() if len(found.outlets) else np.zeros(0, bool)
    sub = Match(
        links,
        found.yields[found.yields["facility"].isin(kept)].reset_index(drop=True),
        found.outlets[outlet_mask].reset_index(drop=True),
        found.shares[found.shares["facility"].isin(kept)].reset_index(drop=True),
    )
    return replace(inventory, flows=flows, facilities=facilities), sub, np.flatnonzero(outlet_mask)


def _solve_lp(inventory: Inventory, found: Match, options: Options) -> Plan:
    """One LP part, in this process: by columns when large (on HiGHS, unless CBC was asked for)."""
    if len(found.links) >= COLUMNS_MIN_LINKS and options.solver != "cbc":
        return optimise_by_columns(inventory, found, options)
    return solve_model(inventory, found, options)


def _solve_lp_child(inventory: Inventory, found: Match, options: Options) -> Plan:
    """One LP part in a fresh interpreter (`python -m symbiosis.decompose`).

    A subprocess rather than multiprocessing: no dependence on how the
    caller's main module can be re-imported, and nothing inherited from a
    parent that may already hold OR-Tools or HiGHS.
    """
    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    payload = pickle.dumps((inventory, found, options), protocol=pickle.HIGHEST_PROTOCOL)
    done = subprocess.run(
        [sys.executable, "-m", "symbiosis.solve.decompose"], input=payload, capture_output=True, check=False, env=env
    )
    if done.returncode != 0:
        raise RuntimeError(f"LP worker failed: {done.stderr.decode(errors='replace')[-500:]}")
    kind, result = pickle.loads(done.stdout)
    if kind == "infeasible":
        raise result
    plan: Plan = result
    return plan


def _child() -> None:
    """Read (inventory, match, options) on stdin, write ("plan", plan) or the error on stdout."""
    inventory, found, options = pickle.loads(sys.stdin.buffer.read())
    try:
        answer: tuple[str, Any] = ("plan", _solve_lp(inventory, found, options))
    except Infeasible as error:
        answer = ("infeasible", error)
    sys.stdout.buffer.write(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    _child()
