"""Independent parts of a region, solved apart and in parallel.

Distance limits and materials cut a region's link graph into connected
components that share no flow and no facility: the allocation model is
block-diagonal, and every objective is a sum over columns, so the
lexicographic optimum of the whole is the union of each part's. Each part
is solved on its own: pure transportation parts by the min-cost flow of
`netflow` (objective `tonnes`), the others (facilities with yields, other
objectives) as LPs on the part's own links and facilities, with HiGHS when
installed, large ones by column generation (`optimise_by_columns`). Parts run
in `workers` threads, each solving in a child process when there are
several workers, so that OR-Tools and HiGHS never meet in one interpreter
and the GIL is never the bottleneck.

Whatever couples parts (a jobs floor, siting, epsilon floors) makes the
model whole again: `optimise_scaled` then hands it to `optimize.optimise`
(with HiGHS when installed: CBC through PuLP cannot build a region's model).
"""

from __future__ import annotations

import importlib.util
import os
import pickle
import subprocess
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from symbiosis import netflow
from symbiosis.flows import Inventory
from symbiosis.i18n import say
from symbiosis.matcher import Match
from symbiosis.optimize import (
    MESSAGES,
    STAGE_SLACK,
    InfeasibleError,
    Layout,
    Options,
    Plan,
    Sense,
    Solution,
    _objectives,
    _plan,
    build,
    optimise,
)

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
FIRST_LINKS_PER_FLOW = 3
COLUMNS_PER_ROUND = 20_000


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


def components(found: Match, keep: np.ndarray | None = None) -> Parts:
    """Label each kept link with its connected component (flows and facilities are the nodes)."""
    links = found.links
    n = len(links)
    keep = np.ones(n, dtype=bool) if keep is None else keep
    ends, nodes = pd.factorize(pd.concat([links["from_flow"], links["to"]], ignore_index=True))
    tail, head = ends[:n], ends[n:]
    if not keep.any():
        return Parts(0, np.full(n, -1, dtype=np.int64), np.zeros(0, dtype=bool), tail, head, pd.Index(nodes))
    size = len(nodes)
    graph = sparse.coo_matrix((np.ones(int(keep.sum()), dtype=np.int8), (tail[keep], head[keep])), shape=(size, size))
    count, label = connected_components(graph, directed=False)
    link_part = np.where(keep, label[tail], -1).astype(np.int64)
    direct = ((links["from_kind"] == "output") & (links["to_kind"] == "input")).to_numpy()
    impure = np.zeros(count, dtype=bool)
    impure[link_part[keep & ~direct]] = True
    # An input reached by both tonnes and MWh couples the tonnes and MWh stages.
    mass = (links["unit"] == "t").to_numpy()
    with_mass = np.zeros(size, dtype=bool)
    with_energy = np.zeros(size, dtype=bool)
    with_mass[head[keep & mass]] = True
    with_energy[head[keep & ~mass]] = True
    impure[link_part[keep & (with_mass & with_energy)[head]]] = True
    return Parts(int(count), link_part, ~impure, tail, head, pd.Index(nodes))


def network(found: Match, parts: Parts, rows: np.ndarray, quantity: np.ndarray) -> netflow.Network:
    """The transportation problem of some output-to-input links, from the node codes (no string work)."""
    links = found.links
    return netflow.transport(
        parts.tail[rows], parts.head[rows], parts.nodes.to_numpy(), quantity,
        links["cap"].to_numpy(dtype=float)[rows], links["distance_km"].to_numpy(dtype=float)[rows],
        links["unit"].to_numpy()[rows] == "t",
    )


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
        and not options.siting
        and not options.max_open
        and not options.floors
    )


def optimise_scaled(
    inventory: Inventory, found: Match, options: Options, workers: int = 1, *, timings: dict[str, float] | None = None
) -> Plan:
    """`optimize.optimise`'s plan, solved part by part in `workers` parallel workers.

    Same Plan, same optimal tonnes and tonne-km (up to solver tolerances);
    the first stage's duals are kept for parts solved as LPs only.
    `timings`, when given, receives the seconds spent building the parts,
    solving them and merging the plan.
    """
    clock = _Clock(timings)
    if not separable(options) or found.links.empty:
        plan = optimise(inventory, found, lp_options(options))
        clock.lap("solve")
        return plan
    parts = components(found, ~closed_links(inventory, found, options))
    tasks = plan_tasks(parts, network=options.objective == "tonnes")
    x = np.zeros(len(found.links))
    outlet_x = np.zeros(len(found.outlets))
    statuses: list[str] = []
    duals: dict[str, float] = {}
    quantity = inventory.flows.set_index("id")["quantity_ref"].reindex(parts.nodes).to_numpy(dtype=float)
    workers = max(1, int(workers))
    lp = lp_options(options)
    with ThreadPoolExecutor(max_workers=workers) as threads:
        futures: list[tuple[Task, Future[Any]]] = []
        for task in tasks:
            task.rows = np.flatnonzero(np.isin(parts.link_part, task.parts))
            if task.network:
                net = network(found, parts, task.rows, quantity)
                futures.append((task, threads.submit(netflow.solve, net)))
            else:
                sub_inventory, sub_match, task.outlet_rows = _subproblem(inventory, found, task.rows)
                alone = workers > 1 and task.links >= LP_CHILD_MIN_LINKS
                solver = _solve_lp_child if alone else _solve_lp
                futures.append((task, threads.submit(solver, sub_inventory, sub_match, lp)))
        clock.lap("build")
        for task, future in futures:
            result = future.result()
            statuses.append(result.status)
            duals.update(result.duals)
            if task.network:
                x[task.rows] = result.x
            else:
                x[task.rows] = result.links["quantity"].to_numpy(dtype=float)
                outlet_x[task.outlet_rows] = result.outlets["quantity"].to_numpy(dtype=float)
    clock.lap("solve")
    failed = [s for s in statuses if s != "optimal"]
    if any(s != "time_limit" for s in failed):
        raise InfeasibleError(
            say(MESSAGES, "solver_failed", "fr", status=failed[0]),
            say(MESSAGES, "solver_failed", "en", status=failed[0]),
        )
    status = failed[0] if failed else "optimal"
    plan = merged_plan(inventory, found, options, np.concatenate([x, outlet_x]), status, duals)
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


def lp_options(options: Options) -> Options:
    """HiGHS when installed: CBC through PuLP builds a million-link model far too slowly."""
    if options.solver != "highs" and importlib.util.find_spec("highspy") is not None:
        return replace(options, solver="highs")
    return options


def merged_plan(
    inventory: Inventory, found: Match, options: Options, x: np.ndarray, status: str, duals: dict[str, float]
) -> Plan:
    """The Plan `optimise` would return for the column values `x` (links, then outlets)."""
    layout = Layout(len(found.links), len(found.outlets), pd.DataFrame({"id": pd.Series(dtype=object)}))
    objective = float(x[: len(found.links)] @ (found.links["unit"] == "t").to_numpy(dtype=float))
    return _plan(inventory, found, layout, Solution(status, x, objective), options, duals, _objectives(inventory, found, layout))


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
    """One LP part, in this process: by columns when large and HiGHS is there."""
    if len(found.links) >= COLUMNS_MIN_LINKS and options.solver == "highs":
        return optimise_by_columns(inventory, found, options)
    return optimise(inventory, found, options)


def optimise_by_columns(inventory: Inventory, found: Match, options: Options) -> Plan:
    """`optimise` for a large LP by column generation, on one warm-started HiGHS model.

    A transportation-like LP uses few of its links at the optimum: start with
    each flow's nearest links and every facility link, solve, price every
    other link with the row duals (reduced cost c - A'y, one sparse product),
    add those that would improve, solve again from the last basis; stop when
    none would. Each lexicographic stage (as `optimise`: objective, then
    tonne-km, then MWh) continues from the previous one with its optimum as
    a row. The answer is the full LP's optimum, not an approximation.
    """
    import highspy

    model, layout, objectives = build(inventory, found, options)
    if model.integer.any():
        return optimise(inventory, found, options)
    n, inf = model.c.size, highspy.kHighsInf
    a = model.a.tocsc()
    col_hi = np.where(np.isinf(model.col_hi), inf, model.col_hi)
    order = np.flatnonzero(first_columns(found, layout))
    active = np.zeros(n, dtype=bool)
    active[order] = True
    highs = highspy.Highs()  # type: ignore[no-untyped-call]
    highs.setOptionValue("output_flag", False)
    if options.time_limit_s:
        highs.setOptionValue("time_limit", float(options.time_limit_s))
    rows = model.a.shape[0]
    highs.addRows(rows, np.where(np.isinf(model.row_lo), -inf, model.row_lo),
                  np.where(np.isinf(model.row_hi), inf, model.row_hi), 0,
                  np.zeros(rows, np.int32), np.zeros(0, np.int32), np.zeros(0))
    _add_columns(highs, a, order, model.c, model.col_lo, col_hi)
    stages: list[tuple[str, Sense]] = [(options.objective, "max"), ("tkm", "min")]
    if options.objective == "tonnes":
        stages.append(("mwh", "max"))
    x = np.zeros(n)
    duals: dict[str, float] = {}
    status, failed = "optimal", False
    for position, (name, sense) in enumerate(stages):
        cost = objectives[name]
        highs.changeObjectiveSense(highspy.ObjSense.kMaximize if sense == "max" else highspy.ObjSense.kMinimize)
        highs.changeColsCost(len(order), np.arange(len(order), dtype=np.int32), cost[order])
        # Measured at 780k links: dual simplex suits the tonne-km stage, but after two
        # stage rows it stalls (61 s) where primal goes on from the last basis (0.4 s).
        highs.setOptionValue("simplex_strategy", 4 if position >= 2 else 1)
        tolerance = 1e-7 * max(1.0, float(np.abs(cost).max(initial=0.0)))
        while True:
            highs.run()
            attempt = highs.modelStatusToString(highs.getModelStatus()).lower()
            if attempt != "optimal":
                if position == 0:
                    raise InfeasibleError(
                        say(MESSAGES, "solver_failed", "fr", status=attempt),
                        say(MESSAGES, "solver_failed", "en", status=attempt),
                    )
                failed = True  # as optimise(): a tie-break that fails keeps the previous stage's plan
                break
            solution = highs.getSolution()
            values = np.array(solution.col_value)
            y = _dual_sign(a, cost, order, values, col_hi, np.array(solution.row_dual))
            reduced = cost - a.T @ y
            better = ~active & ((reduced > tolerance) if sense == "max" else (reduced < -tolerance))
            if not better.any():
                x = np.zeros(n)
                x[order] = values
                if position == 0:
                    duals = {r: float(v) for r, v in zip(model.row_names, y[:rows], strict=False) if abs(v) > 1e-9}
                break
            candidates = np.flatnonzero(better)
            most = max(COLUMNS_PER_ROUND, len(order) // 2)
            if len(candidates) > most:
                gain = np.abs(reduced[candidates])
                candidates = candidates[np.argpartition(-gain, most)[:most]]
            _add_columns(highs, a, candidates, cost, model.col_lo, col_hi)
            order = np.concatenate([order, candidates])
            active[candidates] = True
        if failed:
            break
        if position < len(stages) - 1:
            best = float(cost @ x)
            slack = STAGE_SLACK[0] * float(np.abs(cost).max(initial=1.0)) + STAGE_SLACK[1] * abs(best)
            lo, hi = (best - slack, inf) if sense == "max" else (-inf, best + slack)
            used = np.flatnonzero(cost[order])
            highs.addRow(lo, hi, len(used), used.astype(np.int32), cost[order][used])
            a = sparse.vstack([a.tocsr(), sparse.csr_matrix(cost.reshape(1, -1))], format="csc")
    return _plan(inventory, found, layout, Solution(status, x, float(objectives[options.objective] @ x)), options, duals, objectives)


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


def _add_columns(highs: Any, a: sparse.csc_matrix, columns: np.ndarray, cost: np.ndarray,
                 lo: np.ndarray, hi: np.ndarray) -> None:
    block = a[:, columns]
    highs.addCols(len(columns), cost[columns], lo[columns], hi[columns], block.nnz,
                  block.indptr[:-1].astype(np.int32), block.indices.astype(np.int32), block.data)


def _dual_sign(a: sparse.csc_matrix, cost: np.ndarray, order: np.ndarray, values: np.ndarray,
               hi: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Row duals in the convention reduced = c - A'y, whatever the solver's for maximising."""
    between = (values > 1e-9) & (values < hi[order] - 1e-9)
    if not between.any():
        return y
    basic = order[between]
    plain = np.abs(cost[basic] - a[:, basic].T @ y).max()
    flipped = np.abs(cost[basic] + a[:, basic].T @ y).max()
    return y if plain <= flipped else -y


def _solve_lp_child(inventory: Inventory, found: Match, options: Options) -> Plan:
    """One LP part in a fresh interpreter (`python -m symbiosis.decompose`).

    A subprocess rather than multiprocessing: no dependence on how the
    caller's main module can be re-imported, and nothing inherited from a
    parent that may already hold OR-Tools or HiGHS.
    """
    root = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    payload = pickle.dumps((inventory, found, options), protocol=pickle.HIGHEST_PROTOCOL)
    done = subprocess.run(
        [sys.executable, "-m", "symbiosis.decompose"], input=payload, capture_output=True, check=False, env=env
    )
    if done.returncode != 0:
        raise RuntimeError(f"LP worker failed: {done.stderr.decode(errors='replace')[-500:]}")
    kind, *result = pickle.loads(done.stdout)
    if kind == "infeasible":
        raise InfeasibleError(*result)
    plan: Plan = result[0]
    return plan


def _child() -> None:
    """Read (inventory, match, options) on stdin, write ("plan", plan) or the error on stdout."""
    inventory, found, options = pickle.loads(sys.stdin.buffer.read())
    try:
        answer: tuple[Any, ...] = ("plan", _solve_lp(inventory, found, options))
    except InfeasibleError as error:
        answer = ("infeasible", error.message_fr, error.message_en)
    sys.stdout.buffer.write(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    _child()
