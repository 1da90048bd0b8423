"""The fast paths give the LP's optimum: min-cost flow, components, workers.

On small seeded regions (benchmarks/generate.py), the pure-network fast
path (`netflow`), the LP (`optimize.optimise` with HiGHS) and the
decomposed, parallel path (`decompose.optimise_scaled`) must agree on the
optimal tonnes, tonne-km and MWh; sizes stay small so that the tests are
quick (timings belong to `python -m benchmarks.run`).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from benchmarks.generate import Spec, generate
from symbiosis.analysis.indicators import indicators
from symbiosis.flows import Inventory, load_inventory
from symbiosis.matcher import Match, match
from symbiosis.model.layout import layout_of
from symbiosis.model.options import Options
from symbiosis.model.plan import Plan
from symbiosis.optimize import optimise
from symbiosis.solve import columns, decompose, netflow

HAS_ORTOOLS = importlib.util.find_spec("ortools") is not None


def region(tmp_path: Path, seed: int, facilities: int, candidates: float = 0.0) -> tuple[Inventory, Match]:
    spec = Spec(companies=120, flows=900, facilities=facilities, seed=seed, max_distance_km=20.0, width_km=120.0,
                candidate_share=candidates)
    inventory = load_inventory(generate(tmp_path / f"r{seed}-{facilities}-{candidates}", spec))
    return inventory, match(inventory)


def optimum(inventory: Inventory, plan: Plan) -> tuple[float, float, float]:
    kpis = indicators(inventory, plan)
    return float(kpis["valorised_t"]), float(kpis["transport_tkm"]), float(kpis["valorised_mwh"])


def same(a: tuple[float, float, float], b: tuple[float, float, float]) -> None:
    assert a[0] == pytest.approx(b[0], rel=1e-6, abs=1e-3)
    assert a[1] == pytest.approx(b[1], rel=1e-5, abs=1e-2)
    assert a[2] == pytest.approx(b[2], rel=1e-6, abs=1e-3)


def feasible(inventory: Inventory, plan: Plan) -> None:
    """No output sends more than it declares, no input receives more than it needs
    (a heat need receives what the pipe delivers)."""
    used = plan.links[plan.links["quantity"] > 0]
    quantity = inventory.flows.set_index("id")["quantity_ref"]
    sent = used[used["from_kind"] == "output"].groupby("from_flow")["quantity"].sum()
    into = used[used["to_kind"] == "input"]
    received = (into["quantity"] * into["delivered_share"]).groupby(into["to"]).sum()
    assert (sent <= quantity.loc[sent.index] * (1 + 1e-9) + 1e-6).all()
    assert (received <= quantity.loc[received.index] * (1 + 1e-9) + 1e-6).all()


@pytest.mark.parametrize("seed", [1, 2])
def test_pure_network_three_ways(tmp_path: Path, seed: int) -> None:
    inventory, found = region(tmp_path, seed, facilities=0)
    assert decompose.components(found).pure.all()
    lp = optimise(inventory, found, Options(solver="highs"))
    fast = decompose.optimise_scaled(inventory, found, Options(), workers=1)
    parallel = decompose.optimise_scaled(inventory, found, Options(), workers=2)
    reference = optimum(inventory, lp)
    assert reference[0] > 0 and reference[1] > 0
    for plan in (fast, parallel):
        assert plan.status == "optimal"
        same(optimum(inventory, plan), reference)
        feasible(inventory, plan)
        assert plan.scores["tonnes"] == pytest.approx(lp.scores["tonnes"], rel=1e-6)


@pytest.mark.skipif(not HAS_ORTOOLS, reason="OR-Tools not installed: the fast path falls back to HiGHS")
def test_min_cost_flow_matches_the_lp_on_the_whole_network(tmp_path: Path) -> None:
    inventory, found = region(tmp_path, 3, facilities=0)
    net = netflow.network_of(found.links, inventory.flows.set_index("id")["quantity_ref"])
    by_flow = netflow.solve(net, "ortools")
    by_lp = netflow.solve(net, "highs")
    assert by_flow.status == by_lp.status == "optimal"
    mass = net.mass
    assert by_flow.x[mass].sum() == pytest.approx(by_lp.x[mass].sum(), rel=1e-7)
    assert by_flow.x @ net.distance == pytest.approx(by_lp.x @ net.distance, rel=1e-6)
    assert by_flow.x[~mass].sum() == pytest.approx(by_lp.x[~mass].sum(), rel=1e-7)


@pytest.mark.parametrize("seed", [4, 5])
def test_facilities_decomposed_like_the_whole_lp(tmp_path: Path, seed: int) -> None:
    # Facilities with yields make some components LPs; the rest stay networks.
    inventory, found = region(tmp_path, seed, facilities=3)
    parts = decompose.components(found)
    assert parts.count > 1 and not parts.pure.all() and parts.pure.any()
    whole = optimise(inventory, found, Options(solver="highs"))
    split = decompose.optimise_scaled(inventory, found, Options(), workers=2)
    same(optimum(inventory, split), optimum(inventory, whole))
    feasible(inventory, split)
    # Facility outlets come back from their component, in the LP's terms.
    assert split.outlets["quantity"].sum() == pytest.approx(whole.outlets["quantity"].sum(), rel=1e-5, abs=1e-3)


def test_unbuilt_candidates_carry_nothing(tmp_path: Path) -> None:
    # Half the facilities are candidates: unbuilt, their links are left out of the
    # components; one is forced open by a scenario and runs.
    inventory, found = region(tmp_path, 9, facilities=4, candidates=0.5)
    candidates = inventory.facilities.loc[inventory.facilities["status"] == "candidate", "id"].tolist()
    assert candidates
    for forced in ((), (candidates[0],)):
        options = Options(force_open=forced)
        whole = optimise(inventory, found, Options(solver="highs", force_open=forced))
        split = decompose.optimise_scaled(inventory, found, options, workers=1)
        same(optimum(inventory, split), optimum(inventory, whole))
        closed = set(candidates) - set(forced)
        touching = split.links["from_flow"].isin(closed) | split.links["to"].isin(closed)
        assert (split.links.loc[touching, "quantity"] == 0).all()
        assert set(split.opened.loc[split.opened["open"], "id"]) == set(whole.opened.loc[whole.opened["open"], "id"])


def test_other_objectives_decompose_as_lps(tmp_path: Path) -> None:
    inventory, found = region(tmp_path, 6, facilities=2)
    whole = optimise(inventory, found, Options(objective="value", solver="highs"))
    split = decompose.optimise_scaled(inventory, found, Options(objective="value"), workers=1)
    assert split.scores["value"] == pytest.approx(whole.scores["value"], rel=1e-6)


def test_components_split_far_apart_clusters(tmp_path: Path) -> None:
    _inventory, found = region(tmp_path, 7, facilities=0)
    parts = decompose.components(found)
    links = found.links
    # Every flow and facility belongs to exactly one component.
    for column in ("from_flow", "to"):
        per_node = links.assign(part=parts.link_part).groupby(column)["part"].nunique()
        assert (per_node == 1).all()
    assert parts.count == len(np.unique(parts.link_part))
    tasks = decompose.plan_tasks(parts, network=True)
    assert sorted(np.concatenate([t.parts for t in tasks]).tolist()) == list(range(parts.count))


def test_coupled_models_are_solved_whole(tmp_path: Path) -> None:
    assert not decompose.separable(Options(min_jobs=1.0))
    assert not decompose.separable(Options(siting=True))
    assert decompose.separable(Options())
    inventory, found = region(tmp_path, 8, facilities=0)
    floor = optimise(inventory, found, Options(solver="highs", min_jobs=0.0))
    scaled = decompose.optimise_scaled(inventory, found, Options(min_jobs=0.0))
    same(optimum(inventory, scaled), optimum(inventory, floor))


def test_installed_solvers_import_apart() -> None:
    """highspy and OR-Tools each import in a fresh interpreter; ours imports neither."""
    code = "import sys, symbiosis.solve.decompose, symbiosis.solve.netflow, symbiosis.solve.mincostflow; print('highspy' in sys.modules, 'ortools' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
    subprocess.run([sys.executable, "-c", "import highspy, pulp"], check=True)
    if HAS_ORTOOLS:
        subprocess.run([sys.executable, "-c", "from ortools.graph.python import min_cost_flow"], check=True)


@pytest.mark.parametrize("objective", ["tonnes", "value"])
def test_column_generation_reaches_the_lp_optimum(tmp_path: Path, objective: str) -> None:
    # Large facility components are solved by pricing links in; on a small
    # region (forced through that path) the optimum must be the full LP's.
    inventory, found = region(tmp_path, 10, facilities=3)
    options = Options(objective=objective, solver="highs")  # type: ignore[arg-type]
    whole = optimise(inventory, found, options)
    priced = columns.optimise_by_columns(inventory, found, options)
    assert priced.status == "optimal"
    same(optimum(inventory, priced), optimum(inventory, whole))
    assert priced.scores[objective] == pytest.approx(whole.scores[objective], rel=1e-6, abs=1e-6)
    feasible(inventory, priced)
    # It did start from a subset of the links.
    layout = layout_of(inventory, found, options)
    assert columns.first_columns(found, layout)[: layout.n_links].sum() < layout.n_links
