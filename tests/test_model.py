"""The allocation model says what is physically and economically true, checked by hand.

Each test is one of the points a reviewer found wrong (issue 14), on an
inventory small enough to solve on paper, with the test catalogue
(tests/fixtures/catalogue): heat is worth 60 EUR/MWh to its user, pallets
avoid 100 EUR/t of landfill, a repair workshop turns 1 t of pallets into
0.8 t of repaired pallets and 0.2 t of chips, every candidate runs at 10 %
of its capacity at least.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from symbiosis.analysis.indicators import allocation, indicators
from symbiosis.analysis.pareto import front, trace
from symbiosis.analysis.sensitivity import STEP, binding_limits
from symbiosis.core.problems import InputError
from symbiosis.matcher import match
from symbiosis.model.linear import LinearModel
from symbiosis.model.options import Options
from symbiosis.optimize import optimise
from symbiosis.solve.backends import Solution, solve
from symbiosis.solve.stages import Deadline, Stage, lexicographic, stage_names
from tests.test_optimize import flows_of, inventory, lat

SOLVERS = ["highs", "cbc"]

HEAT_COMPANIES = f"""\
id,name,lat,lon
S,Aciérie,{lat(0)},6.0
U1,Piscine,{lat(0.5)},6.0
U2,Lycée,{lat(1.0)},6.0
U3,Blanchisserie,{lat(1.5)},6.0
"""


# --- 1. heat is balanced month by month ---------------------------------------------------


@pytest.mark.parametrize("solver", SOLVERS)
def test_seasonal_heat_is_not_over_allocated(tmp_path: Path, solver: str) -> None:
    # 1,200 MWh a year from a source that runs all year: 100 MWh a month. Two
    # users need 600 MWh each from October to March (100 MWh a month each):
    # in each of those 6 months the source covers 100 of their 200 MWh.
    inv = inventory(tmp_path, HEAT_COMPANIES, """\
        id,company,direction,material,quantity,unit,months
        O1,S,output,waste_heat,1200,MWh,
        I1,U1,input,heat,600,MWh,10-3
        I2,U2,input,heat,600,MWh,10-3
        """)
    plan = optimise(inv, match(inv), Options(solver=solver))  # type: ignore[arg-type]
    assert indicators(inv, plan)["valorised_mwh"] == pytest.approx(600.0)
    assert plan.periods is not None
    winter = plan.periods[plan.periods["months"] == "1;2;3;10;11;12"]
    assert winter["quantity"].sum() == pytest.approx(600.0)


@pytest.mark.parametrize("solver", SOLVERS)
def test_a_year_round_user_takes_what_winter_leaves(tmp_path: Path, solver: str) -> None:
    # A third user needs 600 MWh all year (50 a month). Winter: 100 MWh a month
    # for three users (600); summer: only the laundry, 50 a month (300).
    inv = inventory(tmp_path, HEAT_COMPANIES, """\
        id,company,direction,material,quantity,unit,months
        O1,S,output,waste_heat,1200,MWh,
        I1,U1,input,heat,600,MWh,10-3
        I2,U2,input,heat,600,MWh,10-3
        I3,U3,input,heat,600,MWh,
        """)
    plan = optimise(inv, match(inv), Options(solver=solver))  # type: ignore[arg-type]
    assert indicators(inv, plan)["valorised_mwh"] == pytest.approx(900.0)


def test_a_monthly_profile_replaces_an_even_spread(tmp_path: Path) -> None:
    # The same source, profiled on winter: 200 MWh a month from October to March.
    inv = inventory(tmp_path, HEAT_COMPANIES, """\
        id,company,direction,material,quantity,unit,months,monthly_profile
        O1,S,output,waste_heat,1200,MWh,,2;2;2;0;0;0;0;0;0;2;2;2
        I1,U1,input,heat,600,MWh,10-3,
        I2,U2,input,heat,600,MWh,10-3,
        """)
    plan = optimise(inv, match(inv), Options())
    assert indicators(inv, plan)["valorised_mwh"] == pytest.approx(1200.0)


def test_a_profile_must_agree_with_the_months(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        inventory(tmp_path, HEAT_COMPANIES, """\
            id,company,direction,material,quantity,unit,months,monthly_profile
            O1,S,output,waste_heat,1200,MWh,5-9,2;2;2;0;0;0;0;0;0;2;2;2
            O2,S,output,waste_heat,10,MWh,,1;2;3
            """)
    assert caught.value.render("en") == [
        "flows.csv:2: monthly_profile: the monthly profile (2;2;2;0;0;0;0;0;0;2;2;2) does not cover the same months as "
        "the months column (5-9)",
        "flows.csv:3: monthly_profile: '1;2;3': 12 numbers separated by ; expected, one per month from January to "
        "December (0: no flow that month)",
    ]


# --- 2. no mass launders through a loop of facilities -----------------------------------------

WORKSHOPS = f"""\
id,type,lat,lon,capacity,unit,status,outlets
R1,pallet_repair,{lat(1)},6.0,500,t,existing,wood_chips
R2,pallet_repair,{lat(2)},6.0,500,t,existing,wood_chips
"""
"""Two repair workshops whose chips always have an outlet (a chip buyer outside)."""

LOOP_COMPANIES = f"""\
id,name,lat,lon
S1,Menuiserie,{lat(0)},6.0
C1,Chaufferie,{lat(3)},6.0
P1,Logisticien,{lat(4)},6.0
"""


@pytest.mark.parametrize("solver", SOLVERS)
def test_two_workshops_cannot_launder_pallets(tmp_path: Path, solver: str) -> None:
    # Nothing takes repaired pallets: the workshops could only send them to
    # each other, round and round (20 % leaving as chips at each pass, so 100 t
    # in would look "valorised"); nothing is (one workshop alone: 0 t too).
    inv = inventory(tmp_path, LOOP_COMPANIES, """\
        id,company,direction,ewc,material,quantity,unit
        O1,S1,output,15 01 03,,100,t
        """, WORKSHOPS)
    plan = optimise(inv, match(inv), Options(solver=solver))  # type: ignore[arg-type]
    assert indicators(inv, plan)["valorised_t"] == pytest.approx(0.0)
    assert indicators(inv, plan)["jobs_fte"] == pytest.approx(0.0)


@pytest.mark.parametrize("solver", SOLVERS)
def test_workshops_repair_only_what_users_take(tmp_path: Path, solver: str) -> None:
    # A logistician takes 10 t of repaired pallets: 10 / 0.8 = 12.5 t can be
    # repaired (2.5 t of chips to the outlet), never passed from one workshop
    # to the other (the waste goes to no company directly: it is not authorised).
    inv = inventory(tmp_path, LOOP_COMPANIES, """\
        id,company,direction,ewc,material,quantity,unit
        O1,S1,output,15 01 03,,100,t
        I2,P1,input,,wood_pallets,10,t
        """, WORKSHOPS)
    plan = optimise(inv, match(inv), Options(solver=solver, objective="jobs"))  # type: ignore[arg-type]
    flows = flows_of(plan)
    assert ("R1", "R2") not in flows and ("R2", "R1") not in flows
    into_workshops = flows.get(("O1", "R1"), 0.0) + flows.get(("O1", "R2"), 0.0)
    assert into_workshops == pytest.approx(12.5, abs=1e-4)


# --- 3. a solve stopped on time says so ------------------------------------------------------


class StoppedAtSecondStage:
    """A session whose second stage runs out of time with a plan in hand."""

    def __init__(self) -> None:
        self.held: list[tuple[float, float]] = []

    def run(self, cost: np.ndarray, sense: str, position: int, time_limit_s: float | None = None) -> Solution:
        x = np.array([1.0, 2.0]) if position == 0 else np.array([1.0, 1.5])
        return Solution("optimal" if position == 0 else "time_limit", x, float(cost @ x), None, 0.25 if position else None)

    def hold(self, cost: np.ndarray, lo: float, hi: float, name: str) -> None:
        self.held.append((lo, hi))


def test_a_tie_break_stopped_on_time_keeps_its_plan_and_says_so() -> None:
    stages = [Stage("tonnes", np.array([1.0, 1.0]), "max"), Stage("tkm", np.array([0.0, 1.0]), "min"),
              Stage("mwh", np.array([1.0, 0.0]), "max")]
    session = StoppedAtSecondStage()
    outcome = lexicographic(session, stages, Deadline(60.0))
    assert outcome.statuses == (("tonnes", "optimal"), ("tkm", "time_limit"))
    assert outcome.solution.x.tolist() == [1.0, 1.5]  # the second stage's incumbent, within the held optimum
    assert session.held[0][0] == pytest.approx(3.0 - 3e-12 - 1e-9)


def _hard_mip(n: int = 120, seed: int = 3) -> LinearModel:
    """A multi-dimensional knapsack with correlated weights: far from solved in a few milliseconds."""
    from scipy import sparse

    rng = np.random.default_rng(seed)
    weights = rng.integers(20, 100, size=(15, n)).astype(float)
    value = weights.mean(axis=0) + rng.integers(0, 10, size=n)
    capacity = weights.sum(axis=1) / 2
    return LinearModel(value, sparse.csr_matrix(weights), np.full(15, -np.inf), capacity,
                       np.zeros(n), np.ones(n), np.ones(n, dtype=bool))


@pytest.mark.parametrize("solver", SOLVERS)
def test_a_solver_stopped_on_time_never_says_optimal(solver: str) -> None:
    answer = solve(_hard_mip(), solver, 0.05)  # type: ignore[arg-type]
    assert answer.status in {"time_limit", "time_limit_no_plan"}
    if answer.status == "time_limit":
        assert answer.x.size == 120
        assert answer.mip_gap is None or answer.mip_gap >= 0


def test_the_time_limit_is_the_whole_runs() -> None:
    deadline = Deadline(0.2)
    first = deadline.left()
    assert first is not None and 0.0 < first <= 0.2
    assert Deadline(None).left() is None and not Deadline(None).passed()


# --- 5. an idle facility is never a gain -------------------------------------------------------

FAR_BOILER = f"""\
id,type,lat,lon,capacity,unit,status,capex_eur,jobs
B1,biomass_boiler,{lat(200)},6.0,500,t,candidate,1000000,2
"""


@pytest.mark.parametrize("solver", SOLVERS)
def test_a_boiler_with_nothing_in_reach_is_not_built_for_its_jobs(tmp_path: Path, solver: str) -> None:
    inv = inventory(tmp_path, LOOP_COMPANIES, """\
        id,company,direction,ewc,material,quantity,unit,status
        O1,S1,output,15 01 03,,100,t,by_product
        I2,P1,input,,wood_pallets,100,t,
        """, FAR_BOILER)
    plan = optimise(inv, match(inv), Options(solver=solver, objective="jobs", siting=True))  # type: ignore[arg-type]
    kpis = indicators(inv, plan)
    assert kpis["facilities_built"] == []
    assert kpis["jobs_fte"] == pytest.approx(0.2)  # the pallets' collection only (2 FTE per 1 000 t)


def test_a_boiler_built_below_its_minimum_load_creates_no_job(tmp_path: Path) -> None:
    # A scenario builds a 500 t boiler; 30 t of pallets reach it, below 10 % of
    # its capacity: it is built (its cost counts) but does not run.
    inv = inventory(tmp_path, LOOP_COMPANIES, """\
        id,company,direction,ewc,material,quantity,unit
        O1,S1,output,15 01 03,,30,t
        I1,C1,input,,heat,1000,MWh
        """, f"""\
        id,type,lat,lon,capacity,unit,status,capex_eur,jobs
        B1,biomass_boiler,{lat(1)},6.0,500,t,candidate,100000,2
        """)
    plan = optimise(inv, match(inv), Options(objective="jobs", force_open=("B1",)))
    kpis = indicators(inv, plan)
    assert kpis["facilities_built"] == ["B1"] and kpis["facilities_idle"] == ["B1"]
    assert kpis["jobs_fte"] == pytest.approx(0.0)
    assert kpis["investment_eur"] == pytest.approx(100_000)
    assert kpis["valorised_t"] == pytest.approx(0.0)


# --- 6. the other objectives' gains are kept ------------------------------------------------------


def test_stage_order_is_the_documented_one() -> None:
    assert stage_names("tonnes") == ["tonnes", "tkm", "mwh", "jobs", "co2", "value", "mwh_km"]
    assert stage_names("jobs") == ["jobs", "tonnes", "mwh", "co2", "value", "tkm", "mwh_km"]
    assert stage_names("value", ("co2",)) == ["value", "co2", "tonnes", "mwh", "jobs", "tkm", "mwh_km"]


@pytest.mark.parametrize("solver", SOLVERS)
def test_a_plan_for_jobs_keeps_the_heat_that_creates_none(tmp_path: Path, solver: str) -> None:
    # Heat creates no job counted here; a plan for jobs still moves it (the
    # old tie-break, fewest t.km, dropped it), beside the scrap that does
    # (2 FTE per 1 000 t of collection).
    inv = inventory(tmp_path, HEAT_COMPANIES, """\
        id,company,direction,ewc,material,quantity,unit
        O1,S,output,,waste_heat,500,MWh
        I1,U1,input,,heat,400,MWh
        O2,S,output,17 04 05,,70,t
        I2,U2,input,17 04 05,,50,t
        """)
    plan = optimise(inv, match(inv), Options(solver=solver, objective="jobs"))  # type: ignore[arg-type]
    kpis = indicators(inv, plan)
    assert kpis["jobs_fte"] == pytest.approx(0.1)
    assert kpis["valorised_mwh"] == pytest.approx(400.0)
    assert kpis["valorised_t"] == pytest.approx(50.0)


# --- 7. the trade-off curve holds only plans nobody beats -----------------------------------------


def test_a_front_drops_dominated_points() -> None:
    xs, ys = np.array([1.0, 2.0, 2.0, 3.0, 0.5]), np.array([3.0, 2.0, 1.0, 1.0, 3.0])
    assert front(xs, ys).tolist() == [True, True, False, True, False]


def test_tonnes_and_jobs_have_one_plan_when_one_plan_is_best_at_both(tmp_path: Path) -> None:
    # test_optimize's case: every route valorises 100 t, the repair workshop makes
    # the most jobs (1 FTE of repair and 0.2 FTE of new collection); the
    # most-tonnes extreme must be that plan, not the nearest wood user (100 t,
    # 0.2 FTE of collection), which it dominates.
    from tests.test_optimize import COMPANIES

    inv = inventory(tmp_path, COMPANIES, """\
        id,company,direction,ewc,material,quantity,unit,status
        O1,S1,output,15 01 03,,100,t,by_product
        I1,R1,input,,untreated_wood,100,t,
        I2,R2,input,,wood_pallets,100,t,
        I3,R2,input,,wood_chips,20,t,
        """, f"""\
        id,type,lat,lon,capacity,unit,status
        P1,pallet_repair,{lat(11)},6.0,100,t,existing
        """)
    curve = trace(inv, match(inv), Options(solver="highs"), "tonnes", "jobs", points=5)
    assert curve[["tonnes", "jobs"]].to_numpy().tolist() == [[100.0, 1.2]]
    assert not curve["knee"].any()


# --- 8. what limits the plan is re-solved with every constraint of the run ---------------------------


def test_sensitivity_keeps_the_jobs_floor(tmp_path: Path) -> None:
    from dataclasses import replace

    inv = inventory(tmp_path, HEAT_COMPANIES, """\
        id,company,direction,ewc,material,quantity,unit
        O1,S,output,15 01 03,,300,t
        I1,U1,input,,untreated_wood,100,t
        I2,U2,input,,wood_pallets,80,t
        I3,U3,input,,wood_chips,20,t
        """, f"""\
        id,type,lat,lon,capacity,unit,status
        P1,pallet_repair,{lat(0.2)},6.0,500,t,existing
        """)
    found = match(inv)
    options = Options(min_jobs=1.0)
    plan = optimise(inv, found, options)
    table = binding_limits(inv, plan, options, found=found)
    assert len(table)
    for row in table.itertuples(index=False):
        kind, key = str(row.limit), str(row.id)
        frame = inv.facilities if kind == "capacity" else inv.flows
        column = "capacity_ref" if kind == "capacity" else "quantity_ref"
        bigger = frame.assign(**{column: np.where(frame["id"] == key, frame[column] + STEP, frame[column])})
        relaxed = replace(inv, **{"facilities" if kind == "capacity" else "flows": bigger})
        again = optimise(relaxed, match(relaxed), options)  # with the jobs floor, as the run
        assert row.gain_for_step == pytest.approx(again.scores["tonnes"] - plan.scores["tonnes"], abs=1e-6)


def test_sensitivity_of_a_siting_plan_fixes_its_sites_and_says_so(tmp_path: Path) -> None:
    inv = inventory(tmp_path, LOOP_COMPANIES, """\
        id,company,direction,ewc,material,quantity,unit
        O1,S1,output,15 01 03,,200,t
        I1,C1,input,,heat,400,MWh
        """, f"""\
        id,type,lat,lon,capacity,unit,status,capex_eur,jobs
        B1,biomass_boiler,{lat(1)},6.0,100,t,candidate,10000,1
        """)
    found = match(inv)
    options = Options(siting=True)
    plan = optimise(inv, found, options)
    assert plan.decisions == {"build:B1": 1.0}
    table = binding_limits(inv, plan, options, found=found)
    assert len(table) and table["decisions_fixed"].all()
    assert all("décisions du plan gardées" in sentence for sentence in table["sentence"])


# --- 9. units never mix -----------------------------------------------------------------------------


def test_a_heat_need_declared_with_a_wood_code_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        inventory(tmp_path, LOOP_COMPANIES, """\
            id,company,direction,ewc,material,quantity,unit
            O1,S1,output,15 01 03,,100,t
            I1,C1,input,15 01 03,heat,300,MWh
            """)
    assert caught.value.render("en") == [
        "flows.csv:3: material: waste code 15 01 03 is Pallets, measured in t, and material heat is measured in MWh: "
        "a flow does not mix tonnes and MWh".replace("material heat", "material Heat"),
    ]


# --- 10. fixed costs per link, and the shortest heat pipe ------------------------------------------------


@pytest.mark.parametrize(("fixed", "used"), [(500.0, True), (2000.0, False)])
def test_a_link_with_a_fixed_cost_is_used_only_when_it_pays(tmp_path: Path, fixed: float, used: bool) -> None:
    # 10 t of pallets (a by-product), 3 km: 100 (landfill avoided) + 50 (purchase
    # avoided) - 3 x 0.5 (transport) = 148.5 EUR/t, 1,485 EUR a year, against
    # the link's fixed cost.
    inv = inventory(tmp_path, LOOP_COMPANIES, f"""\
        id,company,direction,ewc,material,quantity,unit,status,link_fixed_cost_eur
        O1,S1,output,15 01 03,,10,t,by_product,{fixed}
        I2,C1,input,,wood_pallets,10,t,,
        """)
    plan = optimise(inv, match(inv), Options(objective="value"))
    kpis = indicators(inv, plan)
    assert (kpis["valorised_t"] > 0) is used
    gain = 10 * (100 + 50 - 0.5 * 3) - fixed
    assert kpis["net_value_eur_per_year"] == pytest.approx(gain if used else 0.0, abs=0.01)
    assert kpis["link_fixed_costs_eur_per_year"] == pytest.approx(fixed if used else 0.0)
    if used:
        assert allocation(inv, plan)["fixed_cost_eur"].tolist() == [fixed]
    # Tonnes first: the sender holds the link's fixed cost and half its gain
    # (742.5 EUR): it takes the link only where that covers the cost, unless
    # losses are allowed; then the link is used whatever it costs, and counted.
    plan = optimise(inv, match(inv), Options(objective="tonnes"))
    assert (indicators(inv, plan)["valorised_t"] > 0) is (fixed <= 742.5)
    plan = optimise(inv, match(inv), Options(objective="tonnes", allow_losses=True))
    assert indicators(inv, plan)["net_value_eur_per_year"] == pytest.approx(10 * (150 - 1.5) - fixed, abs=0.01)


def test_the_shorter_heat_pipe_wins_for_the_same_heat(tmp_path: Path) -> None:
    companies = f"""\
        id,name,lat,lon
        A,Four proche,{lat(1.4)},6.0
        B,Four lointain,{lat(-5.6)},6.0
        U,Piscine,{lat(0)},6.0
        """
    inv = inventory(tmp_path, companies, """\
        id,company,direction,material,quantity,unit,max_distance_km
        O1,A,output,waste_heat,300,MWh,10
        O2,B,output,waste_heat,300,MWh,10
        I1,U,input,heat,300,MWh,10
        """)
    plan = optimise(inv, match(inv), Options())
    assert flows_of(plan) == {("O1", "I1"): 300.0}
    assert indicators(inv, plan)["heat_mwh_km"] == pytest.approx(300 * 1.4, rel=1e-3)
