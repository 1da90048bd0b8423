"""Jobs that mean what they say: who holds them, what kind they are, counted once.

Hand-checked on the test catalogue (tests/fixtures/catalogue): pallet repair
is 10 FTE per 1 000 t, a new separate collection 2 FTE per 1 000 t, landfill
no work; slag travels apart already (no new collection), its recycling is
0.5 FTE and its landfilling 0.2 FTE per 1 000 t (its own figures).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from symbiosis.core.problems import Infeasible, InputError
from symbiosis.flows import Inventory, load_inventory
from symbiosis.matcher import match
from symbiosis.model.options import Options
from symbiosis.optimize import optimise
from tests.helpers import TERRITORY, small_catalogue, write_inventory
from tests.test_optimize import lat, solved

WORKSHOP_FLOWS = """\
id,company,direction,ewc,material,quantity,unit
O1,A,output,15 01 03,,100,t
I1,R,input,,wood_pallets,80,t
I2,R2,input,,wood_chips,20,t
"""


def companies(workshop: str, collector: str, receiver: str = "other") -> str:
    return f"""\
        id,name,lat,lon,structure
        A,Usine,{lat(0)},6.0,other
        W,Atelier,{lat(1)},6.0,{workshop}
        C,Collecte,{lat(1)},6.0,{collector}
        R,Receveur,{lat(2)},6.0,{receiver}
        R2,Chaufferie,{lat(2)},6.0,other
        """


def workshop(tmp_path: Path, structure: str, collector: str, *, named: bool = True, jobs: str = "",
             status: str = "existing") -> Inventory:
    territory = TERRITORY.replace("[defaults]", 'collector = "C"\n[defaults]') if named else TERRITORY
    folder = write_inventory(
        tmp_path, territory=territory, companies=companies(structure, collector), flows=WORKSHOP_FLOWS,
        facilities=f"""\
        id,type,lat,lon,capacity,unit,status,operator,jobs
        P1,pallet_repair,{lat(1)},6.0,500,t,{status},W,{jobs}
        """)
    return load_inventory(folder, small_catalogue())


@pytest.mark.parametrize(("structure", "kind"), [("ei", "insertion_jobs"), ("aci", "insertion_jobs"),
                                                 ("esat", "adapted_jobs"), ("ea", "adapted_jobs"),
                                                 ("other", "other_jobs")])
def test_the_operator_holds_the_repair_work_and_its_structure_says_its_kind(tmp_path: Path, structure: str, kind: str) -> None:
    # 100 t repaired at W's workshop: 100 x 10 / 1 000 = 1.0 FTE, W's; the new
    # collection, 100 x 2 / 1 000 = 0.2 FTE, the collector's (an ETTI here).
    inv = workshop(tmp_path, structure, "etti")
    _, kpis = solved(inv, objective="jobs")
    assert kpis["jobs_fte"] == pytest.approx(1.2)
    holder = "other" if structure == "other" else "W"  # only SIAE, ESAT and EA are named
    assert kpis["jobs_by_structure"] == pytest.approx({holder: 1.0, "C": 0.2})
    expected = {"insertion_jobs": 0.2, "adapted_jobs": 0.0, "other_jobs": 0.0}
    expected[kind] += 1.0
    assert {k: kpis[k] for k in expected} == pytest.approx(expected)
    assert kpis["insertion_jobs"] + kpis["adapted_jobs"] + kpis["other_jobs"] == pytest.approx(kpis["jobs_fte"])


def test_an_esat_is_adapted_work_never_insertion(tmp_path: Path) -> None:
    inv = workshop(tmp_path, "esat", "esat")
    _, kpis = solved(inv, objective="jobs")
    assert kpis["insertion_jobs"] == 0.0
    assert kpis["adapted_jobs"] == pytest.approx(1.2)


def test_without_a_named_collector_collection_is_an_unnamed_haulers(tmp_path: Path) -> None:
    inv = workshop(tmp_path, "ei", "ei", named=False)
    _, kpis = solved(inv, objective="jobs")
    assert kpis["insertion_jobs"] == pytest.approx(1.0)
    assert kpis["other_jobs"] == pytest.approx(0.2)
    assert kpis["jobs_by_structure"] == pytest.approx({"W": 1.0, "other": 0.2})


def test_a_facility_that_declares_its_jobs_counts_them_once(tmp_path: Path) -> None:
    # A workshop built with 3 FTE declared: no per-tonne repair work on top; the
    # collection of its intake still counts (0.2 FTE).
    inv = workshop(tmp_path, "ei", "other", jobs="3", status="candidate")
    _, kpis = solved(inv, objective="jobs", force_open=("P1",))
    assert kpis["jobs_by_activity"] == pytest.approx({"pallet_repair_fixed": 3.0, "collection": 0.2})
    assert kpis["jobs_fte"] == pytest.approx(3.2)
    assert kpis["insertion_jobs"] == pytest.approx(3.0)


def test_an_existing_facilitys_declared_jobs_exist_today(tmp_path: Path) -> None:
    # The 3 FTE of a workshop that runs today are not created by the plan; the
    # intake the plan brings is repaired by the tonne (1.0 FTE) and collected (0.2).
    inv = workshop(tmp_path, "ei", "other", jobs="3")
    _, kpis = solved(inv, objective="jobs")
    assert kpis["jobs_by_activity"] == pytest.approx({"pallet_repair": 1.0, "collection": 0.2})


def test_a_floor_on_insertion_jobs_holds_or_says_the_most_possible(tmp_path: Path) -> None:
    inv = workshop(tmp_path, "ei", "other")
    found = match(inv)
    plan = optimise(inv, found, Options(solver="highs", min_insertion_jobs=0.9))
    assert plan.scores["insertion_jobs"] >= 0.9 - 1e-9
    with pytest.raises(Infeasible) as refused:
        optimise(inv, found, Options(solver="highs", min_insertion_jobs=1.5))
    assert "1.5" in refused.value.render("en")[0] and "1.0" in refused.value.render("en")[0]


SLAG_COMPANIES = f"""\
id,name,lat,lon,structure
A,Aciérie,{lat(0)},6.0,other
B,Cimenterie,{lat(2)},6.0,ei
"""


@pytest.mark.parametrize(("route", "jobs"), [("landfill", 0.05 - 0.02), ("recycling", 0.0)])
def test_a_stream_that_travels_apart_gets_no_new_collection_and_displaces_todays_work(
        tmp_path: Path, route: str, jobs: float) -> None:
    # 100 t of slag to a local user: recycling work 100 x 0.5 / 1 000 = 0.05 FTE
    # (B's, insertion); today's landfilling, 0.02 FTE, stops; slag already
    # travels apart, so no collection. Re-routed from recycling: 0 (unchanged work).
    folder = write_inventory(tmp_path, companies=SLAG_COMPANIES, flows=f"""\
        id,company,direction,ewc,material,quantity,unit,route
        O1,A,output,10 02 02,,100,t,{route}
        I1,B,input,10 02 02,,100,t,
        """)
    inv = load_inventory(folder, small_catalogue())
    _, kpis = solved(inv)
    assert kpis["valorised_t"] == pytest.approx(100.0)
    assert kpis["jobs_fte"] == pytest.approx(jobs, abs=1e-9)
    assert "collection" not in kpis["jobs_by_activity"]
    assert kpis["jobs_by_activity"][f"displaced:{route}"] == pytest.approx(-100 * {"landfill": 0.2, "recycling": 0.5}[route] / 1000)
    assert kpis["insertion_jobs"] == pytest.approx(0.05)


def test_a_collector_outside_the_inventory_is_a_clear_error(tmp_path: Path) -> None:
    territory = TERRITORY.replace("[defaults]", 'collector = "Z9"\n[defaults]')
    folder = write_inventory(tmp_path, territory=territory, companies=companies("ei", "ei"), flows=WORKSHOP_FLOWS)
    with pytest.raises(InputError) as caught:
        load_inventory(folder, small_catalogue())
    (line,) = caught.value.render("en")
    assert line.startswith("territory.toml:3:") and "Z9" in line
