"""One computation of each score: the objective, every floor and kpis.json agree.

Hand-checked on the boiler chain of test_optimize (100 t of pallets, a pool
that needs 170 MWh, 3.4 MWh of heat per t burnt, 1 FTE per 1 000 t burnt):
only 50 t can be burnt; the boiler is a candidate that a scenario builds,
with 2 fixed FTE (a facility that declares its jobs gets no per-tonne work on
top: its jobs are counted once), the 50 t newly collected add 0.1 FTE (2 FTE
per 1 000 t) and 100 000 EUR of capex over 20
years at the test catalogue's 0 % discount rate (5 000 EUR a year), plus
5 000 EUR a year of running cost.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from symbiosis.analysis.indicators import allocation, indicators
from symbiosis.core.problems import Infeasible
from symbiosis.matcher import match
from symbiosis.model.options import Options
from symbiosis.model.scores import annuity
from symbiosis.optimize import optimise
from tests.test_optimize import BOILER_COMPANIES, inventory, lat

FLOWS = """\
id,company,direction,ewc,material,quantity,unit
O1,S1,output,15 01 03,,100,t
I1,H1,input,,heat,170,MWh
"""

FACILITIES = f"""\
id,type,lat,lon,capacity,unit,status,capex_eur,opex_eur_per_year,jobs
B1,biomass_boiler,{lat(0.5)},6.0,500,t,candidate,100000,5000,2
"""

ANNUAL_COST = 100_000 / 20 + 5_000


def test_annuity_by_hand() -> None:
    assert annuity(0.04, 20) == pytest.approx(0.0735818, rel=1e-6)
    assert annuity(0.0, 10) == pytest.approx(0.1)
    assert annuity(0.04, 0) == 1.0


@pytest.mark.parametrize("solver", ["cbc", "highs"])
def test_a_built_facility_is_scored_alike_by_objective_floor_and_indicator(tmp_path: Path, solver: str) -> None:
    inv = inventory(tmp_path, BOILER_COMPANIES, FLOWS, FACILITIES)
    found = match(inv)
    built = Options(objective="jobs", solver=solver, force_open=("B1",))
    plan = optimise(inv, found, built)
    kpis = indicators(inv, plan)
    # 50 t collected (0.1 FTE) and the boiler's 2 fixed FTE, in the objective and in kpis.json.
    assert plan.scores["jobs"] == pytest.approx(2.1)
    assert kpis["jobs_fte"] == pytest.approx(2.1)
    assert kpis["jobs_by_activity"] == pytest.approx({"boiler_operation_fixed": 2.0, "collection": 0.1})
    assert kpis["investment_eur"] == pytest.approx(100_000)
    assert kpis["annualised_facility_cost_eur_per_year"] == pytest.approx(ANNUAL_COST, rel=1e-6)
    # The allocation's rows and the built facility add up to the plan's scores.
    table = allocation(inv, plan)
    assert float(table["jobs_fte"].sum()) + 2.0 == pytest.approx(kpis["jobs_fte"])
    assert float(table["value_eur"].sum()) - ANNUAL_COST == pytest.approx(kpis["net_value_eur_per_year"], abs=0.01)
    # A jobs floor at the indicator's value is met; one a hair above is refused with that value.
    floor = replace_objective(built, "tonnes", min_jobs=2.1 - 1e-6)
    assert optimise(inv, found, floor).scores["jobs"] == pytest.approx(2.1)
    with pytest.raises(Infeasible) as refused:
        optimise(inv, found, replace_objective(built, "tonnes", min_jobs=2.5))
    assert refused.value.render("en") == ["at least 2.5 jobs were asked, at most 2.1 can be created"]


def test_trade_off_floors_hold_on_the_same_score(tmp_path: Path) -> None:
    inv = inventory(tmp_path, BOILER_COMPANIES, FLOWS, FACILITIES)
    found = match(inv)
    options = Options(objective="tonnes", solver="highs", force_open=("B1",), floors=(("jobs", 2.04),))
    plan = optimise(inv, found, options)
    assert plan.scores["jobs"] >= 2.04 - 1e-9
    assert indicators(inv, plan)["jobs_fte"] == pytest.approx(plan.scores["jobs"])


def replace_objective(options: Options, objective: str, **changes: object) -> Options:
    from dataclasses import replace

    return replace(options, objective=objective, **changes)  # type: ignore[arg-type]
