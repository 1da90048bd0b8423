"""The engine's optimum against an independent model written here with scipy.

On generated inventories (hypothesis) with seasonal heat, candidate
facilities, share limits, loops between workshops and fixed costs per
link, the allocation model is written again in this file, one constraint
at a time from the inventory and the candidate links, by loops (no code of
`symbiosis/model/` is used), balanced month by month where the engine
balances by period, and solved with `scipy.optimize.milp`. Both must reach
the same optimum of the objective, not merely feasible plans.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from symbiosis.analysis.accounts import detailed, holder_accounts
from symbiosis.flows import Inventory, load_inventory
from symbiosis.matcher import Match, match
from symbiosis.model.options import Options
from symbiosis.optimize import optimise
from tests.helpers import small_catalogue, write_inventory

KINDS = [
    ("output", "15 01 03", "", "t"),
    ("output", "20 01 08", "", "t"),
    ("output", "19 08 05", "", "t"),
    ("output", "17 04 05", "", "t"),
    ("output", "", "waste_heat", "MWh"),
    ("input", "", "wood_pallets", "t"),
    ("input", "", "wood_chips", "t"),
    ("input", "17 04 05", "", "t"),
    ("input", "19 06 06", "", "t"),
    ("input", "", "heat", "MWh"),
]
MONTHS = ["", "", "10-3", "5-9", "11-2"]
FACILITY_TYPES = ["biomass_boiler", "methanisation", "pallet_repair", "pallet_repair"]

sites = st.lists(st.tuples(st.floats(49.0, 49.02), st.floats(6.0, 6.03)), min_size=2, max_size=5)
flows = st.lists(
    st.tuples(st.integers(0, 4), st.sampled_from(KINDS), st.integers(1, 300), st.sampled_from(["waste", "by_product"]),
              st.sampled_from(MONTHS), st.sampled_from([0, 0, 0, 200, 5000])),
    min_size=0, max_size=8,
)
facilities = st.lists(
    st.tuples(st.sampled_from(FACILITY_TYPES), st.floats(49.0, 49.02), st.floats(6.0, 6.03), st.integers(20, 400),
              st.sampled_from(["existing", "candidate"]), st.sampled_from([0, 2, 5])),
    max_size=3,
)
heat_cluster = st.tuples(
    st.integers(50, 1500), st.sampled_from(MONTHS),
    st.lists(st.tuples(st.integers(30, 800), st.sampled_from(MONTHS)), min_size=1, max_size=3),
)
"""A heat source (yearly MWh, months) and its users (need, months), all within reach of each other."""
loop_cluster = st.tuples(st.integers(20, 200), st.integers(0, 60), st.sampled_from(["existing", "candidate"]))
"""Pallets (t), what a pallet user takes back (t), and the status of two repair workshops side by side."""


def clusters(places: list[tuple[float, float]], heat: Any, loop: Any) -> tuple[list[Any], list[Any]]:
    """The flows and facilities of the two clusters, at the first site (companies C0 and C1)."""
    source, source_months, users = heat
    declared = [(0, KINDS[4], source, "waste", source_months, 0)]
    declared += [(1, KINDS[9], need, "waste", months, 0) for need, months in users]
    pallets, taken, status = loop
    declared.append((0, KINDS[0], pallets, "waste", "", 0))
    if taken:
        declared.append((1, KINDS[5], taken, "waste", "", 0))
    la, lo = places[0]
    shared = [("pallet_repair", la + 0.001, lo, 400, status, 2), ("pallet_repair", la + 0.002, lo, 400, "existing", 0)]
    return declared, shared


def build(places: list[tuple[float, float]], declared: list[Any], shared: list[Any], folder: Path) -> Inventory:
    company_rows = "".join(f"C{i},Site {i},{la:.6f},{lo:.6f}\n" for i, (la, lo) in enumerate(places))
    flow_rows = "".join(
        f"F{n},C{c % len(places)},{d},{e},{m},{q},{u},{s if d == 'output' else ''},"
        f"{months if u == 'MWh' else ''},{cost if d == 'output' and cost else ''}\n"
        for n, (c, (d, e, m, u), q, s, months, cost) in enumerate(declared)
    )
    # Every other facility is operated by a company, whose account holds it.
    facility_rows = "".join(
        f"K{n},{t},{la:.6f},{lo:.6f},{cap},t,{status},{200 * cap},{jobs},"
        f"{'wood_chips' if t == 'pallet_repair' else ''},{'C1' if n % 2 else ''}\n"
        for n, (t, la, lo, cap, status, jobs) in enumerate(shared)
    )
    write_inventory(
        folder,
        companies="id,name,lat,lon\n" + company_rows,
        flows="id,company,direction,ewc,material,quantity,unit,status,months,link_fixed_cost_eur\n" + flow_rows,
        facilities="id,type,lat,lon,capacity,unit,status,capex_eur,jobs,outlets,operator\n" + facility_rows,
    )
    return load_inventory(folder, small_catalogue())


# --- the independent model ---------------------------------------------------------------------


class Columns:
    """Variables by name, with bounds and integrality."""

    def __init__(self) -> None:
        self.index: dict[Any, int] = {}
        self.lo: list[float] = []
        self.hi: list[float] = []
        self.integer: list[int] = []

    def add(self, key: Any, lo: float, hi: float, integer: bool = False) -> int:
        self.index[key] = len(self.lo)
        self.lo.append(lo)
        self.hi.append(hi)
        self.integer.append(int(integer))
        return self.index[key]


def months_of(mask: int, profile: object) -> np.ndarray:
    """Share of the year in each month, from the 12-bit mask (every flow here is evenly spread)."""
    bits = np.array([(mask >> m) & 1 for m in range(12)], dtype=float)
    return bits / bits.sum()


def in_a_loop(links: pd.DataFrame) -> set[tuple[str, str]]:
    """Facility-to-facility links whose receiver can send products back to the sender (a reachability closure)."""
    between = links[(links["from_kind"] == "facility") & (links["to_kind"] == "facility")]
    edges = set(zip(between["from_flow"], between["to"], strict=True))
    nodes = {n for edge in edges for n in edge}
    reach = {n: {b for a, b in edges if a == n} for n in nodes}
    changed = True
    while changed:
        changed = False
        for n in nodes:
            more = set().union(*(reach[m] for m in reach[n])) - reach[n] if reach[n] else set()
            if more:
                reach[n] |= more
                changed = True
    return {(a, b) for a, b in edges if a in reach.get(b, set())}


NAMES = ("tonnes", "mwh", "value", "co2", "jobs")


def operator_of(facilities: pd.DataFrame, fid: str) -> str:
    """The company that holds a facility's account, or the facility itself."""
    operator = facilities.loc[fid, "operator"]
    return fid if operator is None or pd.isna(operator) else str(operator)


def independent_optimum(inv: Inventory, found: Match, options: Options, order: tuple[str, ...] = (),
                        scales: list[float] | None = None) -> list[float] | None:
    """The lexicographic optima (the objective, then `order`) of the same plan rules, written
    from scratch; None when infeasible. `scales` receives each stage's largest coefficient:
    the engine keeps a mixed-integer stage to a millionth of it (solve/stages.py)."""
    links, yields, outlets, shares = found.links, found.yields, found.outlets, found.shares
    flows = inv.flows.set_index("id")
    facilities = inv.facilities.set_index("id")
    types = inv.catalogue.facility_types
    cost_tkm = inv.parameter("transport_cost_eur_per_tkm")
    co2_tkm = inv.parameter("transport_co2e_kg_per_tkm")
    cols = Columns()
    score: dict[str, dict[int, float]] = {name: {} for name in NAMES}
    rows: list[tuple[dict[int, float], float, float]] = []
    loops = in_a_loop(links)
    alpha = inv.territory.sharing.seller_share
    companies = set(inv.companies["id"])

    def holder(party: str) -> str:
        return party if party in companies else f"territory:{party}"

    account: dict[str, dict[int, float]] = {}

    def credit(party: str, column: int, eur: float) -> None:
        book = account.setdefault(holder(party), {})
        book[column] = book.get(column, 0.0) + eur

    for r, link in enumerate(links.itertuples(index=False)):
        direct = link.from_kind == "output" and link.to_kind == "input"
        no_price = direct and link.value_eur_per_unit < 0  # the buyer pays less than the seller gets today
        hi = 0.0 if (link.from_flow, link.to) in loops or no_price else float(link.cap)
        column = cols.add(("x", r), 0.0, hi)
        t = link.unit == "t"
        tkm = link.distance_km if t and not link.unchanged else 0.0
        # Who gains what: the two companies split the gain; a company trading with
        # a facility gets its share of what it saves itself; the facility the rest.
        gain = link.value_eur_per_unit - cost_tkm * tkm
        haul = cost_tkm * tkm
        if direct:
            sender = alpha * gain
        elif link.from_kind == "output":
            sender = alpha * max(link.disposal_eur_per_unit - haul, 0.0)
        elif link.to_kind == "input":
            sender = gain - (1 - alpha) * max(link.purchase_eur_per_unit - haul, 0.0)
        else:
            sender = gain
        credit(link.from_company, column, sender)
        credit(link.to_company, column, gain - sender)
        score["tonnes"][column] = 1.0 if (link.from_kind == "output" and t) else 0.0
        score["mwh"][column] = 1.0 if (link.from_kind == "output" and not t) else 0.0
        score["value"][column] = link.value_eur_per_unit - cost_tkm * tkm
        score["co2"][column] = (link.co2e_kg_per_unit - co2_tkm * tkm) / 1000
        score["jobs"][column] = link.jobs_per_unit
    for k, outlet in enumerate(outlets.itertuples(index=False)):
        column = cols.add(("o", k), 0.0, np.inf)
        tkm = outlet.distance_km
        score["value"][column] = outlet.value_eur_per_unit - cost_tkm * tkm
        score["co2"][column] = (outlet.co2e_kg_per_unit - co2_tkm * tkm) / 1000
        credit(operator_of(facilities, outlet.facility), column, outlet.value_eur_per_unit - cost_tkm * tkm)
    # Facilities: existing run; a candidate runs only if built (the optimiser's
    # choice with siting, a scenario's force_open); a built candidate runs or not.
    discount = inv.parameter("discount_rate")
    constant = 0.0  # what a scenario's facilities cost whatever the plan
    runs: dict[str, int | None] = {}
    for fid, facility in facilities.iterrows():
        if facility["status"] == "existing":
            runs[str(fid)] = None
            continue
        forced = fid in options.force_open
        if not forced and not options.siting:
            runs[str(fid)] = -1  # never built
            continue
        run = cols.add(("run", fid), 0.0, 1.0, integer=True)
        runs[str(fid)] = run
        life = types[str(facility["type"])].lifetime_years.value
        annual = float(facility["capex_eur"] or 0.0) * (1 / life if discount == 0 else discount / (1 - (1 + discount) ** -life))
        jobs = float(facility["jobs"] or 0.0)
        score["jobs"][run] = jobs
        if forced:
            constant -= annual  # a scenario's choice: shown, not guarded
        else:
            score["value"][run] = -annual
            credit(operator_of(facilities, str(fid)), run, -annual)
    # Fixed costs: the link is used only if switched on.
    for r, link in enumerate(links.itertuples(index=False)):
        cost = flows["link_fixed_cost_eur"].get(link.from_flow) if link.from_kind == "output" else None
        if cost is None or pd.isna(cost) or cost <= 0:
            continue
        z = cols.add(("z", r), 0.0, 1.0, integer=True)
        ends = [flows.loc[link.from_flow, "quantity_ref"], link.cap]
        ends.append(flows.loc[link.to, "quantity_ref"] if link.to_kind == "input" else facilities.loc[link.to, "capacity_ref"])
        rows.append(({cols.index[("x", r)]: 1.0, z: -float(min(ends))}, -np.inf, 0.0))
        score["value"][z] = -float(cost)
        credit(link.from_company, z, -float(cost))
    x = {r: cols.index[("x", r)] for r in range(len(links))}
    # Supply and need.
    for end, kind in (("from_flow", "output"), ("to", "input")):
        for fid, group in links[links["from_kind" if end == "from_flow" else "to_kind"] == kind].groupby(end):
            rows.append(({x[r]: 1.0 for r in group.index}, -np.inf, float(flows.loc[fid, "quantity_ref"])))
    # Capacity and minimum load.
    for fid, facility in facilities.iterrows():
        into = links.index[links["to"] == fid]
        cap = float(facility["capacity_ref"])
        run = runs[str(fid)]
        coefficients = {x[r]: 1.0 for r in into}
        if run is None:
            rows.append((coefficients, -np.inf, cap))
        elif run == -1:
            rows.append((coefficients, -np.inf, 0.0))
        else:
            rows.append(({**coefficients, run: -cap}, -np.inf, 0.0))
            least = types[str(facility["type"])].min_load_share.value * cap
            rows.append(({**coefficients, run: -least}, 0.0, np.inf))
    # Balance of every facility product.
    for (fid, product), group in yields.groupby(["facility", "product"]):
        coefficients: dict[int, float] = {}
        for r, link in links.iterrows():
            if link["from_flow"] == fid and link["material"] == product:
                coefficients[x[r]] = coefficients.get(x[r], 0.0) + 1.0
            if link["to"] == fid:
                per_unit = group.loc[group["material"] == link["material"], "per_unit"]
                if len(per_unit):
                    coefficients[x[r]] = coefficients.get(x[r], 0.0) - float(per_unit.iloc[0])
        for k, outlet in outlets.iterrows():
            if outlet["facility"] == fid and outlet["product"] == product:
                coefficients[cols.index[("o", k)]] = 1.0
        rows.append((coefficients, 0.0, 0.0))
    # Share limits.
    for share in shares.itertuples(index=False):
        into = links.index[links["to"] == share.facility]
        coefficients = {x[r]: (1.0 if links.loc[r, "material"] == share.material else 0.0) - share.max_share for r in into}
        rows.append((coefficients, -np.inf, 0.0))
    # Heat month by month: flows joined by heat links, one of them seasonal.
    heat = [r for r in range(len(links)) if links.loc[r, "unit"] == "MWh" and links.loc[r, "from_kind"] == "output"
            and links.loc[r, "to_kind"] == "input"]
    group_of = {f: f for f in flows.index}

    def root(f: str) -> str:
        while group_of[f] != f:
            f = group_of[f]
        return f

    for r in heat:
        group_of[root(links.loc[r, "from_flow"])] = root(links.loc[r, "to"])
    seasonal_roots = {root(f) for f in flows.index if flows.loc[f, "ref_unit"] == "MWh" and flows.loc[f, "months_mask"] != 4095}
    monthly = {f for f in flows.index if root(f) in seasonal_roots}
    shares_by_flow = {f: months_of(int(flows.loc[f, "months_mask"]), None) for f in monthly}
    per_month: dict[tuple[str, int], dict[int, float]] = {}
    for r, link in links.iterrows():
        ends = [e for e in (link["from_flow"], link["to"]) if e in monthly]
        if not ends:
            continue
        total: dict[int, float] = {x[r]: 1.0}
        for m in range(12):
            if all(shares_by_flow[e][m] > 0 for e in ends):
                y = cols.add(("y", r, m), 0.0, np.inf)
                total[y] = -1.0
                for e in ends:
                    per_month.setdefault((e, m), {})[y] = 1.0
        rows.append((total, 0.0, 0.0))
    for (f, m), coefficients in per_month.items():
        rows.append((coefficients, -np.inf, float(flows.loc[f, "quantity_ref"]) * shares_by_flow[f][m]))
    # No company worse off than today (facilities no company operates are the territory's).
    for name, book in account.items():
        if name in companies:
            rows.append((book, 0.0, np.inf))
    n = len(cols.lo)
    stages = (options.objective, *order)
    offsets = {name: constant if name == "value" else 0.0 for name in NAMES}
    if n == 0:
        return [offsets[name] for name in stages]  # nothing to decide
    a = np.zeros((len(rows), n))
    for i, (coefficients, _, _) in enumerate(rows):
        for column, value in coefficients.items():
            a[i, column] += value
    lower, upper = [lo for _, lo, _ in rows], [hi for _, _, hi in rows]
    optima = []
    for name in stages:
        c = np.zeros(n)
        for column, value in score[name].items():
            c[column] = value
        constraints = [LinearConstraint(a, lower, upper)] if len(lower) else []
        result = milp(-c, constraints=constraints, integrality=np.array(cols.integer), bounds=Bounds(cols.lo, cols.hi),
                      options={"mip_rel_gap": 1e-9})
        if result.status == 2:
            return None
        assert result.success, result.message
        best = -float(result.fun)
        optima.append(best + offsets[name])
        if scales is not None:  # the engine also carries a built facility's yearly cost as a coefficient
            scales.append(max(float(np.abs(c).max(initial=0.0)), abs(offsets[name])))
        # Keep this optimum for the next stage (the engine's own slack is smaller than this).
        a = np.vstack([a, c[None, :]]) if len(lower) else c[None, :]
        lower, upper = [*lower, best - 1e-9 * abs(best) - 1e-7], [*upper, np.inf]
    return optima


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(sites, flows, facilities, heat_cluster, loop_cluster, st.sampled_from(["tonnes", "value", "jobs", "co2"]),
       st.booleans(), st.booleans())
# A built candidate's yearly cost is a coefficient of the value stage: the stages after it keep
# that optimum to a millionth of this cost, not of the objective (found by this test once).
@example(places=[(49.0, 6.0), (49.0, 6.0)], declared=[], shared=[("biomass_boiler", 49.0, 6.0, 20, "existing", 0)],
         heat=(50, "", [(30, ""), (30, "")]), loop=(20, 0, "candidate"), objective="value", siting=False, force=True)
def test_the_engine_reaches_the_independent_optimum(places, declared, shared, heat, loop, objective, siting, force) -> None:  # type: ignore[no-untyped-def]
    places = [(49.0, 6.0), (49.005, 6.0), *places[2:]]  # the clusters' two sites, half a kilometre apart
    extra_flows, extra_facilities = clusters(places, heat, loop)
    with tempfile.TemporaryDirectory() as temp:
        inv = build(places, extra_flows + declared, extra_facilities + shared, Path(temp))
        found = match(inv)
        candidates = tuple(inv.facilities.loc[inv.facilities["status"] == "candidate", "id"])
        options = Options(objective=objective, solver="highs", siting=siting and not force,
                          force_open=candidates[:1] if force else ())
        order = ("tonnes", "mwh") if objective != "tonnes" else ("mwh",)
        scales: list[float] = []
        expected = independent_optimum(inv, found, options, order, scales)
        plan = optimise(inv, found, replace(options, tie_breaks=order))
        accounts = holder_accounts(inv, plan, detailed(inv, plan))
    assert expected is not None  # every plan rule here can be met by carrying nothing
    # No company worse off than today, and every account adds up to the net value.
    companies = ~accounts["holder"].astype(str).str.startswith("territory:")
    per_company = accounts[companies].groupby("holder")["total_eur"].sum()
    assert (per_company >= -1e-3).all(), per_company[per_company < -1e-3]
    assert float(accounts["total_eur"].sum()) == pytest.approx(plan.scores["value"], abs=1e-3)
    got = [plan.scores[name] for name in (objective, *order)]
    # The engine proves a mixed-integer optimum to a relative gap of a millionth (backends.MIP_GAP),
    # and the stages after it keep it to a millionth of its largest coefficient.
    assert got[0] == pytest.approx(expected[0], rel=2e-6, abs=1e-6 + 1.01e-6 * scales[0])
    # Later stages: each model keeps the earlier optima give or take its own slack
    # (a mixed-integer one, a millionth per coefficient), worth a few kWh at most.
    assert got[1:] == pytest.approx(expected[1:], rel=1e-5, abs=0.05)


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_both_solvers_agree_with_the_independent_model_on_a_mixed_case(tmp_path: Path, solver: str) -> None:
    declared = [
        (0, KINDS[0], 120, "waste", "", 0), (1, KINDS[4], 900, "waste", "", 0), (2, KINDS[9], 400, "waste", "10-3", 0),
        (3, KINDS[9], 300, "waste", "", 0), (1, KINDS[5], 30, "waste", "", 0), (0, KINDS[3], 50, "by_product", "", 200),
        (4, KINDS[7], 40, "waste", "", 0), (2, KINDS[1], 90, "waste", "", 0),
    ]
    shared = [("biomass_boiler", 49.01, 6.01, 100, "candidate", 2), ("pallet_repair", 49.005, 6.0, 200, "existing", 0),
              ("pallet_repair", 49.006, 6.005, 200, "existing", 0), ("methanisation", 49.015, 6.02, 300, "candidate", 3)]
    places = [(49.0, 6.0), (49.004, 6.01), (49.012, 6.015), (49.008, 6.02), (49.016, 6.005)]
    inv = build(places, declared, shared, tmp_path)
    found = match(inv)
    for objective in ("tonnes", "value", "jobs"):
        options = Options(objective=objective, solver=solver, siting=True)  # type: ignore[arg-type]
        expected = independent_optimum(inv, found, options)
        assert expected is not None
        assert optimise(inv, found, options).scores[objective] == pytest.approx(expected[0], rel=2e-6, abs=1e-6)
