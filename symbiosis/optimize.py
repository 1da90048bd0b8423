"""Optimisation: choose the flows that make sense together.

One variable per candidate link (quantity per year in the link's unit), one
per facility outlet (grid injection, land spreading) and one opening
decision per candidate facility when siting is asked. The model is built
from the matcher's link table as a sparse matrix in one go, then handed to
CBC through PuLP (the default) or to HiGHS directly.

Constraints: an output never sends more than it declares; an input never
receives more than it needs; a facility never takes more than its capacity
(and nothing unless opened); what a facility delivers equals its intake
times its yields, so its intake counts only as far as its products reach a
use; optional share limits per material, a jobs floor.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse

from symbiosis.flows import Inventory
from symbiosis.i18n import Lang, Messages, number, say
from symbiosis.matcher import Match

Objective = Literal["tonnes", "value", "co2", "jobs"]
OBJECTIVES: tuple[Objective, ...] = ("tonnes", "value", "co2", "jobs")
Solver = Literal["cbc", "highs"]
Sense = Literal["max", "min"]

TOLERANCE = 1e-6
STAGE_SLACK = (1e-9, 1e-12)
"""Slack when an optimised stage constrains the next, per unit of the
largest objective coefficient and relative to the optimum: about the
solvers' feasibility tolerance, so that a later stage cannot trade a visible
part of an earlier optimum for its own."""


@dataclass(frozen=True)
class Options:
    objective: Objective = "tonnes"
    solver: Solver = "cbc"
    time_limit_s: float | None = None
    min_jobs: float | None = None
    siting: bool = False
    """Candidate facilities may be opened (a mixed-integer model); else only existing ones run."""
    candidates: tuple[str, ...] | None = None
    """With siting: only these candidates are open to the decision (None: all of them)."""
    max_open: dict[str, int] = field(default_factory=dict)
    """Facility type -> at most this many candidates opened."""
    force_open: tuple[str, ...] = ()
    """Candidate facilities that are built whatever (a scenario's decision)."""
    floors: tuple[tuple[str, float], ...] = ()
    """(objective, least score) pairs: the epsilon constraints of a trade-off curve."""


@dataclass(frozen=True)
class LinearModel:
    """max or min c.x subject to row_lo <= A x <= row_hi, col_lo <= x <= col_hi."""

    c: np.ndarray
    a: sparse.csr_matrix
    row_lo: np.ndarray
    row_hi: np.ndarray
    col_lo: np.ndarray
    col_hi: np.ndarray
    integer: np.ndarray
    sense: Sense = "max"
    row_names: tuple[str, ...] = ()

    def with_objective(self, c: np.ndarray, sense: Sense) -> LinearModel:
        return replace(self, c=c, sense=sense)

    def with_row(self, coefficients: np.ndarray, lo: float, hi: float, name: str) -> LinearModel:
        row = sparse.csr_matrix(coefficients.reshape(1, -1))
        return replace(
            self,
            a=sparse.vstack([self.a, row], format="csr"),
            row_lo=np.append(self.row_lo, lo),
            row_hi=np.append(self.row_hi, hi),
            row_names=(*self.row_names, name),
        )


@dataclass(frozen=True)
class Solution:
    status: str
    x: np.ndarray
    objective: float
    duals: np.ndarray | None = None


@dataclass(frozen=True)
class Plan:
    """An optimised allocation and everything needed to explain it."""

    status: str
    objective: Objective
    links: pd.DataFrame
    """The matcher's links with `quantity` (the chosen flow, 0 when unused)."""
    outlets: pd.DataFrame
    """Facility outlets with `quantity` delivered to them."""
    opened: pd.DataFrame
    """Facilities with `open` (existing ones always) and `capacity_ref`."""
    message: str | None = None
    duals: dict[str, float] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)
    """Each objective's value for this plan, in the optimiser's own terms."""


class InfeasibleError(Exception):
    """A user constraint cannot be met; the message says by how much."""

    def __init__(self, message_fr: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_fr, self.message_en = message_fr, message_en

    def render(self, lang: Lang) -> str:
        return self.message_fr if lang == "fr" else self.message_en


MESSAGES: Messages = {
    "min_jobs": (
        "au moins {asked} emplois ont été demandés, au plus {best} peuvent être créés",
        "at least {asked} jobs were asked, at most {best} can be created",
    ),
    "solver_failed": (
        "le solveur n'a pas trouvé de solution ({status})",
        "the solver found no solution ({status})",
    ),
}


# --- model building ----------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """Which column is which: links first, then outlets, then openings."""

    n_links: int
    n_outlets: int
    candidates: pd.DataFrame  # facility id, capacity_ref, capex, opex, jobs, type

    @property
    def n(self) -> int:
        return self.n_links + self.n_outlets + len(self.candidates)


def build(inventory: Inventory, found: Match, options: Options) -> tuple[LinearModel, Layout, dict[str, np.ndarray]]:
    """The constraint matrix and the per-column coefficients of each objective."""
    links, outlets = found.links, found.outlets
    facilities = inventory.facilities.set_index("id")
    n_links, n_outlets = len(links), len(outlets)
    chooseable = facilities["status"] == "candidate"
    if options.candidates is not None:
        chooseable &= facilities.index.isin(options.candidates)
    siting = facilities[chooseable & ~facilities.index.isin(options.force_open)] if options.siting else facilities.iloc[0:0]
    layout = Layout(n_links, n_outlets, siting.reset_index())
    n = layout.n
    rows: list[sparse.coo_matrix] = []
    lo: list[np.ndarray] = []
    hi: list[np.ndarray] = []
    names: list[str] = []
    link_cols = np.arange(n_links)

    def add(row_ids: np.ndarray, cols: np.ndarray, data: np.ndarray, n_rows: int,
            row_lo: np.ndarray, row_hi: np.ndarray, label: Callable[[int], str]) -> None:
        rows.append(sparse.coo_matrix((data, (row_ids, cols)), shape=(n_rows, n)))
        lo.append(row_lo)
        hi.append(row_hi)
        names.extend(label(i) for i in range(n_rows))

    quantities = inventory.flows.set_index("id")["quantity_ref"]
    # Supply: what leaves an output never exceeds what it declares.
    from_output = (links["from_kind"] == "output").to_numpy()
    codes, keys = pd.factorize(links.loc[from_output, "from_flow"])
    add(codes, link_cols[from_output], np.ones(len(codes)), len(keys),
        np.full(len(keys), -np.inf), quantities.loc[keys].to_numpy(dtype=float), lambda i: f"supply:{keys[i]}")
    # Need: what reaches an input never exceeds what it needs.
    to_input = (links["to_kind"] == "input").to_numpy()
    codes, keys_in = pd.factorize(links.loc[to_input, "to"])
    add(codes, link_cols[to_input], np.ones(len(codes)), len(keys_in),
        np.full(len(keys_in), -np.inf), quantities.loc[keys_in].to_numpy(dtype=float), lambda i: f"need:{keys_in[i]}")
    # Capacity: intake <= capacity (x opening for candidates).
    to_facility = (links["to_kind"] == "facility").to_numpy()
    fac_ids = pd.Index(facilities.index)
    codes = fac_ids.get_indexer(links.loc[to_facility, "to"])
    capacity = facilities["capacity_ref"].to_numpy(dtype=float)
    cand_pos = fac_ids.get_indexer(layout.candidates["id"]) if len(layout.candidates) else np.zeros(0, int)
    cap_hi = capacity.copy()
    # Candidates run only when opened: by the siting decision, or forced by a scenario.
    unbuilt = (facilities["status"] == "candidate").to_numpy() & ~facilities.index.isin(options.force_open)
    cap_hi[unbuilt] = 0.0
    cap_hi[cand_pos] = 0.0
    open_cols = n_links + n_outlets + np.arange(len(cand_pos))
    add(
        np.concatenate([codes, cand_pos]),
        np.concatenate([link_cols[to_facility], open_cols]),
        np.concatenate([np.ones(len(codes)), -capacity[cand_pos]]),
        len(fac_ids), np.full(len(fac_ids), -np.inf), cap_hi, lambda i: f"capacity:{fac_ids[i]}",
    )
    # Product balance: delivered + outlet - intake x yield = 0, per facility and product.
    balance = _balance_rows(links, found, fac_ids)
    if balance is not None:
        b_rows, b_cols, b_data, b_keys = balance
        add(b_rows, b_cols, b_data, len(b_keys), np.zeros(len(b_keys)), np.zeros(len(b_keys)),
            lambda i: f"balance:{b_keys[i][0]}:{b_keys[i][1]}")
    # Share limits: intake of a material <= share x total intake.
    if len(found.shares):
        intake = links[to_facility].assign(col=link_cols[to_facility])
        merged = intake.merge(found.shares, left_on="to", right_on="facility")
        if len(merged):
            share_keys = pd.MultiIndex.from_frame(found.shares[["facility", "material"]])
            r = share_keys.get_indexer(pd.MultiIndex.from_frame(merged[["facility", "material_y"]]))
            coef = (merged["material_x"] == merged["material_y"]).astype(float) - merged["max_share"]
            add(r, merged["col"].to_numpy(), coef.to_numpy(), len(share_keys),
                np.full(len(share_keys), -np.inf), np.zeros(len(share_keys)),
                lambda i: f"share:{share_keys[i][0]}:{share_keys[i][1]}")
    # Siting choices: at most k candidates of a type; forced openings.
    for ftype, most in options.max_open.items():
        name = f"max_open:{ftype}"
        mask = (layout.candidates["type"] == ftype).to_numpy() if len(layout.candidates) else np.zeros(0, bool)
        if mask.any():
            add(np.zeros(int(mask.sum()), int), open_cols[mask], np.ones(int(mask.sum())), 1,
                np.array([-np.inf]), np.array([float(most)]), _constant(name))

    a = sparse.vstack(rows, format="csr") if rows else sparse.csr_matrix((0, n))
    col_lo = np.zeros(n)
    col_hi = np.full(n, np.inf)
    col_hi[:n_links] = links["cap"].to_numpy(dtype=float)
    integer = np.zeros(n, dtype=bool)
    if len(open_cols):
        col_hi[open_cols] = 1.0
        integer[open_cols] = True
        forced = layout.candidates["id"].isin(options.force_open).to_numpy()
        col_lo[open_cols[forced]] = 1.0
    objectives = _objectives(inventory, found, layout)
    model = LinearModel(objectives["tonnes"], a, np.concatenate(lo), np.concatenate(hi), col_lo, col_hi,
                        integer, "max", tuple(names))
    if options.min_jobs is not None:
        model = model.with_row(objectives["jobs"], options.min_jobs, np.inf, "min_jobs")
    return model, layout, objectives


def _constant(text: str) -> Callable[[int], str]:
    return lambda _: text


def _balance_rows(
    links: pd.DataFrame, found: Match, fac_ids: pd.Index
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[tuple[str, str]]] | None:
    yields = found.yields
    if yields.empty:
        return None
    keys = sorted(set(zip(yields["facility"], yields["product"], strict=True)))
    index = pd.MultiIndex.from_tuples(keys)
    cols = np.arange(len(links))
    parts_r, parts_c, parts_d = [], [], []
    # Deliveries of product p from facility f: +1.
    out = links["from_kind"].to_numpy() == "facility"
    r = index.get_indexer(pd.MultiIndex.from_arrays([links.loc[out, "from_flow"], links.loc[out, "material"]]))
    parts_r.append(r)
    parts_c.append(cols[out])
    parts_d.append(np.ones(len(r)))
    # Outlets: +1.
    if len(found.outlets):
        r = index.get_indexer(pd.MultiIndex.from_frame(found.outlets[["facility", "product"]]))
        parts_r.append(r)
        parts_c.append(len(links) + np.arange(len(found.outlets)))
        parts_d.append(np.ones(len(r)))
    # Intakes: - yield.
    intake = links[links["to_kind"] == "facility"].assign(col=cols[links["to_kind"].to_numpy() == "facility"])
    merged = intake.merge(yields, left_on=["to", "material"], right_on=["facility", "material"])
    r = index.get_indexer(pd.MultiIndex.from_frame(merged[["facility", "product"]]))
    parts_r.append(r)
    parts_c.append(merged["col"].to_numpy())
    parts_d.append(-merged["per_unit"].to_numpy(dtype=float))
    rows, columns, data = np.concatenate(parts_r), np.concatenate(parts_c), np.concatenate(parts_d)
    if (rows < 0).any():
        raise ValueError("a facility delivers a product it does not make")
    return rows, columns, data, keys


def _objectives(inventory: Inventory, found: Match, layout: Layout) -> dict[str, np.ndarray]:
    """Per-column coefficient of each indicator the plan is judged on."""
    links, outlets = found.links, found.outlets
    n = layout.n
    per_t = (links["unit"] == "t").to_numpy()
    from_output = (links["from_kind"] == "output").to_numpy()
    distance = links["distance_km"].to_numpy(dtype=float)
    cost_tkm = inventory.parameter("transport_cost_eur_per_tkm")
    co2_tkm = inventory.parameter("transport_co2e_kg_per_tkm")
    discount = inventory.parameter("discount_rate")

    def column(values: np.ndarray, outlet_values: np.ndarray | None = None, opening: np.ndarray | None = None) -> np.ndarray:
        full = np.zeros(n)
        full[: layout.n_links] = values
        if outlet_values is not None and layout.n_outlets:
            full[layout.n_links : layout.n_links + layout.n_outlets] = outlet_values
        if opening is not None and len(layout.candidates):
            full[layout.n_links + layout.n_outlets :] = opening
        return full

    tkm = np.where(per_t, distance, 0.0)
    outlet_tkm = outlets["distance_km"].to_numpy(dtype=float) if len(outlets) else np.zeros(0)
    cands = layout.candidates
    annual_cost = np.zeros(len(cands))
    fixed_jobs = np.zeros(len(cands))
    if len(cands):
        lifetimes = cands["type"].map(lambda t: inventory.catalogue.facility_types[t].lifetime_years.value)
        annuity = [_annuity(discount, float(life)) for life in lifetimes]
        capex = cands["capex_eur"].fillna(0.0).to_numpy(dtype=float)
        annual_cost = capex * np.array(annuity) + cands["opex_eur_per_year"].fillna(0.0).to_numpy(dtype=float)
        fixed_jobs = cands["jobs"].fillna(0.0).to_numpy(dtype=float)
    return {
        "tonnes": column(np.where(from_output & per_t, 1.0, 0.0)),
        "mwh": column(np.where(from_output & ~per_t, 1.0, 0.0)),
        "tkm": column(tkm, outlet_tkm),
        "value": column(
            links["value_eur_per_unit"].to_numpy(dtype=float) - cost_tkm * tkm,
            outlets["value_eur_per_unit"].to_numpy(dtype=float) - cost_tkm * outlet_tkm if len(outlets) else None,
            -annual_cost,
        ),
        "co2": column(
            (links["co2e_kg_per_unit"].to_numpy(dtype=float) - co2_tkm * tkm) / 1000,
            (outlets["co2e_kg_per_unit"].to_numpy(dtype=float) - co2_tkm * outlet_tkm) / 1000 if len(outlets) else None,
        ),
        "jobs": column(links["jobs_per_unit"].to_numpy(dtype=float), None, fixed_jobs),
        "capex": column(np.zeros(layout.n_links), None, cands["capex_eur"].fillna(0.0).to_numpy(dtype=float) if len(cands) else None),
    }


def _annuity(rate: float, years: float) -> float:
    """Share of an investment to count each year over its lifetime."""
    if years <= 0:
        return 1.0
    if rate == 0:
        return 1.0 / years
    return float(rate / (1 - (1 + rate) ** -years))


# --- solving ------------------------------------------------------------------------


def solve(model: LinearModel, solver: Solver, time_limit_s: float | None = None) -> Solution:
    """Solve with CBC (through PuLP) or HiGHS (directly from the arrays)."""
    if model.c.size == 0:
        return Solution("optimal", np.zeros(0), 0.0)
    if solver == "highs":
        return _solve_highs(model, time_limit_s)
    return _solve_pulp(model, time_limit_s)


def _solve_highs(model: LinearModel, time_limit_s: float | None) -> Solution:
    import highspy

    inf = highspy.kHighsInf
    csc = model.a.tocsc()
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = model.c.size, model.a.shape[0]
    lp.col_cost_ = model.c
    lp.col_lower_ = model.col_lo
    lp.col_upper_ = np.where(np.isinf(model.col_hi), inf, model.col_hi)
    lp.row_lower_ = np.where(np.isinf(model.row_lo), -inf, model.row_lo)
    lp.row_upper_ = np.where(np.isinf(model.row_hi), inf, model.row_hi)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = csc.indptr
    lp.a_matrix_.index_ = csc.indices
    lp.a_matrix_.value_ = csc.data
    lp.sense_ = highspy.ObjSense.kMaximize if model.sense == "max" else highspy.ObjSense.kMinimize
    if model.integer.any():
        lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in model.integer]
    highs = highspy.Highs()  # type: ignore[no-untyped-call]
    highs.setOptionValue("output_flag", False)
    if time_limit_s:
        highs.setOptionValue("time_limit", float(time_limit_s))
    highs.passModel(lp)
    highs.run()
    status = highs.modelStatusToString(highs.getModelStatus()).lower()
    solution = highs.getSolution()
    x = np.array(solution.col_value) if solution.value_valid else np.zeros(model.c.size)
    duals = np.array(solution.row_dual) if solution.dual_valid else None
    label = "optimal" if status == "optimal" else "time_limit" if "time" in status and solution.value_valid else status
    return Solution(label, x, float(highs.getInfo().objective_function_value), duals)


def _solve_pulp(model: LinearModel, time_limit_s: float | None) -> Solution:
    import pulp

    problem = pulp.LpProblem("symbiosis", pulp.LpMaximize if model.sense == "max" else pulp.LpMinimize)
    n = model.c.size
    variables = [
        pulp.LpVariable(
            f"x{i}",
            lowBound=float(model.col_lo[i]),
            upBound=None if math.isinf(model.col_hi[i]) else float(model.col_hi[i]),
            cat=pulp.LpInteger if model.integer[i] else pulp.LpContinuous,
        )
        for i in range(n)
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
    command = pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit_s)
    problem.solve(command)
    status = pulp.LpStatus[problem.status].lower()
    x = np.array([v.varValue or 0.0 for v in variables])
    duals = None if model.integer.any() else np.array([c.pi or 0.0 for c in constraints])
    label = {"optimal": "optimal", "infeasible": "infeasible", "unbounded": "unbounded"}.get(status, status)
    if label == "not solved" and time_limit_s:
        label = "time_limit"
    objective = float(pulp.value(problem.objective) or 0.0)
    return Solution(label, x, objective, duals)


# --- the plan ---------------------------------------------------------------------------


def optimise(inventory: Inventory, found: Match, options: Options = Options()) -> Plan:
    """Solve the allocation for one objective, lexicographically for tonnes.

    `tonnes`: most tonnes valorised, then fewest tonne-kilometres (the
    contract), then most MWh of surplus energy used. Other objectives: their
    own indicator, then fewest tonne-kilometres. With siting, the least
    investment breaks the remaining ties.
    """
    model, layout, objectives = build(inventory, found, options)
    if options.min_jobs is not None:
        _check_min_jobs(model, objectives, options)
    for name, least in options.floors:
        model = model.with_row(objectives[name], least, np.inf, f"floor:{name}")
    stages: list[tuple[str, Sense]] = [(options.objective, "max"), ("tkm", "min")]
    if options.objective == "tonnes":
        stages.append(("mwh", "max"))
    if layout.candidates.size:
        stages.append(("capex", "min"))
    solution = first = None
    names_first: tuple[str, ...] = ()
    for position, (name, sense) in enumerate(stages):
        model = model.with_objective(objectives[name], sense)
        attempt = solve(model, options.solver, options.time_limit_s)
        if position == 0:
            first, names_first = attempt, model.row_names
        if attempt.status != "optimal":
            if position == 0:
                raise InfeasibleError(
                    say(MESSAGES, "solver_failed", "fr", status=attempt.status),
                    say(MESSAGES, "solver_failed", "en", status=attempt.status),
                )
            break  # a tie-break that fails numerically keeps the previous stage's plan
        solution = attempt
        if position < len(stages) - 1:
            best = float(objectives[name] @ attempt.x)
            scale = float(np.abs(objectives[name]).max()) if objectives[name].size else 1.0
            slack = STAGE_SLACK[0] * scale + STAGE_SLACK[1] * abs(best)
            lo, hi = (best - slack, np.inf) if sense == "max" else (-np.inf, best + slack)
            model = model.with_row(objectives[name], lo, hi, f"stage:{name}")
    assert solution is not None and first is not None
    duals: dict[str, float] = {}
    if first.duals is not None and len(first.duals) == len(names_first):
        duals = {n: float(v) for n, v in zip(names_first, first.duals, strict=True) if abs(v) > 1e-9}
    return _plan(inventory, found, layout, solution, options, duals, objectives)


def _check_min_jobs(model: LinearModel, objectives: dict[str, np.ndarray], options: Options) -> None:
    assert options.min_jobs is not None
    # Drop the floor and ask how many jobs are possible at all.
    relaxed = replace(model, a=model.a[:-1], row_lo=model.row_lo[:-1], row_hi=model.row_hi[:-1], row_names=model.row_names[:-1])
    best = solve(relaxed.with_objective(objectives["jobs"], "max"), options.solver, options.time_limit_s)
    most = float(objectives["jobs"] @ best.x)
    if most + TOLERANCE < options.min_jobs:
        raise InfeasibleError(
            say(MESSAGES, "min_jobs", "fr", asked=number(options.min_jobs, "fr", 1), best=number(most, "fr", 1)),
            say(MESSAGES, "min_jobs", "en", asked=number(options.min_jobs, "en", 1), best=number(most, "en", 1)),
        )


def _plan(
    inventory: Inventory, found: Match, layout: Layout, solution: Solution, options: Options, duals: dict[str, float],
    objectives: dict[str, np.ndarray],
) -> Plan:
    """The solution as a Plan, with every objective's score (solved or not)."""
    x = np.where(np.abs(solution.x) < TOLERANCE, 0.0, solution.x)  # below a gram or a kWh
    links = found.links.assign(quantity=x[: layout.n_links])
    outlets = found.outlets.assign(quantity=x[layout.n_links : layout.n_links + layout.n_outlets])
    facilities = inventory.facilities[["id", "type", "status", "capacity_ref", "capex_eur", "opex_eur_per_year", "jobs", "operator"]].copy()
    opened = np.where(facilities["status"] == "existing", True, False)
    if len(layout.candidates):
        chosen = dict(zip(layout.candidates["id"], x[layout.n_links + layout.n_outlets :] > 0.5, strict=True))
        opened = np.array([True if s == "existing" else chosen.get(i, False) for i, s in zip(facilities["id"], facilities["status"], strict=True)])
    if options.force_open:
        opened = opened | facilities["id"].isin(options.force_open).to_numpy()
    scores = {str(name): float(objectives[name] @ solution.x) for name in OBJECTIVES}
    return Plan(solution.status, options.objective, links, outlets, facilities.assign(open=opened), None, duals, scores)
