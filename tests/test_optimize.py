"""The allocation model on small cases whose answers are checked by hand.

All cases use the small test catalogue (tests/fixtures/catalogue): pallets
burn at 4 MWh/t in a boiler of efficiency 0.85 (3.4 MWh of heat per t),
biowaste gives 100 Nm3 x 10 kWh = 1 MWh of biogas and 0.9 t of digestate
per t, transport costs 0.5 EUR and emits 0.1 kg CO2e per t.km.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from symbiosis.analysis.indicators import allocation, indicators
from symbiosis.core.problems import Infeasible
from symbiosis.flows import Inventory, load_inventory
from symbiosis.matcher import match
from symbiosis.model.options import Options
from symbiosis.model.plan import Plan
from symbiosis.optimize import optimise
from tests.helpers import small_catalogue, write_inventory

# One degree of latitude is 111.195 km on the sphere used here.
KM_PER_DEG = 111.19508


def lat(km: float) -> float:
    """Latitude of a point `km` north of 49.0 N on the same meridian."""
    return 49.0 + km / KM_PER_DEG


def inventory(tmp_path: Path, companies: str, flows: str, facilities: str | None = None) -> Inventory:
    folder = write_inventory(tmp_path, companies=companies, flows=flows, facilities=facilities)
    return load_inventory(folder, small_catalogue())


def solved(inv: Inventory, solver: str = "cbc", **options: object) -> tuple[Plan, dict[str, object]]:
    plan = optimise(inv, match(inv), Options(solver=solver, **options))  # type: ignore[arg-type]
    return plan, indicators(inv, plan)


def flows_of(plan: Plan) -> dict[tuple[str, str], float]:
    used = plan.links[plan.links["quantity"] > 0]
    return {(a, b): round(q, 4) for a, b, q in zip(used["from_flow"], used["to"], used["quantity"], strict=True)}


COMPANIES = f"""\
id,name,lat,lon
S1,Source 1,{lat(0)},6.0
S2,Source 2,{lat(10)},6.0
R1,Receveur 1,{lat(2)},6.0
R2,Receveur 2,{lat(12)},6.0
"""


@pytest.mark.parametrize("solver", ["cbc", "highs"])
def test_pure_transportation(tmp_path: Path, solver: str) -> None:
    # Two sources of scrap (100 t, 50 t), two buyers (80 t, 90 t): 150 t can move.
    inv = inventory(
        tmp_path,
        COMPANIES,
        """\
        id,company,direction,ewc,material,quantity,unit
        O1,S1,output,17 04 05,,100,t
        O2,S2,output,17 04 05,,50,t
        I1,R1,input,17 04 05,,80,t
        I2,R2,input,17 04 05,,90,t
        """,
    )
    plan, kpis = solved(inv, solver)
    # Least tonne-km: O1 -> I1 80 t (2 km), O1 -> I2 20 t (12 km), O2 -> I2 50 t (2 km).
    assert flows_of(plan) == {("O1", "I1"): 80.0, ("O1", "I2"): 20.0, ("O2", "I2"): 50.0}
    assert kpis["valorised_t"] == pytest.approx(150.0)
    assert kpis["declared_output_t"] == pytest.approx(150.0)
    assert kpis["valorised_share"] == pytest.approx(1.0)
    assert kpis["transport_tkm"] == pytest.approx(80 * 2 + 20 * 12 + 50 * 2, rel=1e-4)
    assert kpis["links"] == 3
    assert kpis["companies_involved"] == 4


def test_distance_tie_break(tmp_path: Path) -> None:
    # One output of 60 t, two buyers of 60 t each, 2 km and 12 km away: the closer wins.
    inv = inventory(
        tmp_path,
        COMPANIES,
        """\
        id,company,direction,ewc,material,quantity,unit
        O1,S1,output,17 04 05,,60,t
        I1,R1,input,17 04 05,,60,t
        I2,R2,input,17 04 05,,60,t
        """,
    )
    plan, kpis = solved(inv)
    assert flows_of(plan) == {("O1", "I1"): 60.0}
    assert kpis["transport_tkm"] == pytest.approx(120.0, rel=1e-4)


BOILER_COMPANIES = f"""\
id,name,lat,lon
S1,Menuiserie,{lat(0)},6.0
H1,Piscine,{lat(1)},6.0
"""


@pytest.mark.parametrize("solver", ["cbc", "highs"])
def test_boiler_chain_limited_by_heat_need(tmp_path: Path, solver: str) -> None:
    # 100 t of pallets; the pool needs 170 MWh of heat; 1 t gives 3.4 MWh,
    # so only 170 / 3.4 = 50 t of wood can be valorised.
    inv = inventory(
        tmp_path,
        BOILER_COMPANIES,
        """\
        id,company,direction,ewc,material,quantity,unit
        O1,S1,output,15 01 03,,100,t
        I1,H1,input,,heat,170,MWh
        """,
        f"""\
        id,type,lat,lon,capacity,unit,status
        B1,biomass_boiler,{lat(0.5)},6.0,500,t,existing
        """,
    )
    plan, kpis = solved(inv, solver)
    assert flows_of(plan) == {("O1", "B1"): 50.0, ("B1", "I1"): 170.0}
    assert kpis["valorised_t"] == pytest.approx(50.0)
    assert kpis["valorised_mwh"] == pytest.approx(0.0)
    # Pallets leave landfill (700 kg) for a boiler (0 kg), 0.5 km at 0.1 kg/t.km;
    # the heat replaces gas heat at 270 kg/MWh.
    expected = (50 * 700 - 50 * 0.5 * 0.1 + 170 * 270) / 1000
    assert kpis["co2e_avoided_t"] == pytest.approx(expected, rel=1e-4)
    # Boiler operation creates 1 FTE per 1 000 t, and the pallets, landfilled
    # with residual waste today, need a new collection (2 FTE per 1 000 t).
    assert kpis["jobs_fte"] == pytest.approx(50 * (1.0 + 2.0) / 1000)


def test_methanisation_chain_with_two_products(tmp_path: Path) -> None:
    # 400 t of biowaste and 200 t of sludge; the digester takes 500 t, sludge at
    # most 25 % of the intake. A farm needs 100 t of digestate, the rest is spread.
    inv = inventory(
        tmp_path,
        BOILER_COMPANIES + f"F1,Ferme,{lat(3)},6.0\nC1,Cantine,{lat(0)},6.0\nW1,Station,{lat(3)},6.0\n",
        """\
        id,company,direction,ewc,material,quantity,unit
        O1,C1,output,20 01 08,,400,t
        O2,W1,output,19 08 05,,200,t
        I1,F1,input,19 06 06,,100,t
        """,
        f"""\
        id,type,lat,lon,capacity,unit,status
        M1,methanisation,{lat(1)},6.0,500,t,existing
        """,
    )
    plan, kpis = solved(inv)
    moved = flows_of(plan)
    # Intake 500 t: biowaste 400 t and sludge 100 t (within 25 % of 500; the
    # sludge comes from farther away, so no more than needed).
    assert moved[("O1", "M1")] == 400.0
    assert moved[("O2", "M1")] == 100.0
    assert moved[("M1", "I1")] == 100.0
    outlets = {(r.product, r.route): round(r.quantity, 4) for r in plan.outlets.itertuples() if r.quantity > 0}
    # Biogas: 400 x 1 + 100 x 0.2 MWh = 420 MWh injected; digestate 0.9 x 500 = 450 t, 100 t to the farm.
    assert outlets == {("biogas", "grid_injection"): 420.0, ("digestate", "spreading"): 350.0}
    assert kpis["valorised_t"] == pytest.approx(500.0)


def test_treated_wood_never_reaches_a_boiler(tmp_path: Path) -> None:
    inv = inventory(
        tmp_path,
        BOILER_COMPANIES,
        """\
        id,company,direction,ewc,material,quantity,unit
        O1,S1,output,20 01 37*,,100,t
        I1,H1,input,,heat,170,MWh
        """,
        f"""\
        id,type,lat,lon,capacity,unit,status
        B1,biomass_boiler,{lat(0.5)},6.0,500,t,existing
        """,
    )
    plan, kpis = solved(inv)
    assert flows_of(plan) == {}
    assert kpis["valorised_t"] == 0.0


def test_objectives_change_the_answer(tmp_path: Path) -> None:
    # 100 t of pallets (a by-product, free to go to any compatible user): a wood
    # user 2 km away, a pallet user 12 km away, or a repair workshop 11 km away
    # whose repaired pallets (80 %) go to the pallet user and chips (20 %) to a
    # chip user, both 1 km from the workshop.
    inv = inventory(
        tmp_path,
        COMPANIES,
        """\
        id,company,direction,ewc,material,quantity,unit,status
        O1,S1,output,15 01 03,,100,t,by_product
        I1,R1,input,,untreated_wood,100,t,
        I2,R2,input,,wood_pallets,100,t,
        I3,R2,input,,wood_chips,20,t,
        """,
        f"""\
        id,type,lat,lon,capacity,unit,status
        P1,pallet_repair,{lat(11)},6.0,100,t,existing
        """,
    )
    # Tonnes: every route valorises 100 t; the wood user is the fewest t.km (200).
    plan, kpis = solved(inv, objective="tonnes")
    assert flows_of(plan) == {("O1", "I1"): 100.0}
    assert kpis["transport_tkm"] == pytest.approx(200.0, rel=1e-4)
    # Jobs: repair makes 10 FTE per 1 000 t against none for a direct exchange;
    # either way the pallets, landfilled today, need a new collection (2).
    plan, kpis = solved(inv, objective="jobs")
    assert flows_of(plan) == {("O1", "P1"): 100.0, ("P1", "I2"): 80.0, ("P1", "I3"): 20.0}
    assert kpis["jobs_fte"] == pytest.approx(100 * (10 + 2) / 1000)
    # Value per t: landfill avoided 100 EUR, plus the purchase avoided, less
    # 0.5 EUR per t.km: wood user 100 + 40 - 1 = 139; pallet user 100 + 50 - 6
    # = 144; workshop 100 - 5.5 + 0.8 x (50 - 0.5) + 0.2 x (0 - 0.5) = 134.
    plan, kpis = solved(inv, objective="value")
    assert flows_of(plan) == {("O1", "I2"): 100.0}
    assert kpis["net_value_eur_per_year"] == pytest.approx(14400.0, rel=1e-4)


def test_min_jobs_infeasible_says_how_many_are_possible(tmp_path: Path) -> None:
    inv = inventory(
        tmp_path,
        COMPANIES,
        """\
        id,company,direction,ewc,material,quantity,unit
        O1,S1,output,17 04 05,,100,t
        I1,R1,input,17 04 05,,80,t
        """,
    )
    with pytest.raises(Infeasible) as caught:
        solved(inv, min_jobs=40)
    assert caught.value.render("fr") == ["au moins 40,0 emplois ont été demandés, au plus 0,2 peuvent être créés"]
    assert caught.value.render("en") == ["at least 40.0 jobs were asked, at most 0.2 can be created"]


def test_allocation_rows_carry_the_contract_columns(tmp_path: Path) -> None:
    inv = inventory(
        tmp_path,
        COMPANIES,
        """\
        id,company,direction,ewc,material,quantity,unit
        O1,S1,output,17 04 05,,100,t
        I1,R1,input,17 04 05,,80,t
        """,
    )
    plan, _ = solved(inv)
    table = allocation(inv, plan)
    assert list(table.columns[:5]) == ["from_flow", "to", "quantity", "unit", "distance_km"]
    assert table.loc[0, "distance_km"] == pytest.approx(2.0, rel=1e-4)


def test_no_new_credit_when_today_route_is_the_same(tmp_path: Path) -> None:
    # The pallets are burnt for energy today, and the territory has an existing
    # boiler: they are taken to go there today. Keeping them there changes no
    # CO2e, no money, no job and no haul; the tonnes are re-routed, not added.
    inv = inventory(
        tmp_path,
        BOILER_COMPANIES,
        """\
        id,company,direction,ewc,material,quantity,unit,route
        O1,S1,output,15 01 03,,100,t,energy_recovery
        I1,H1,input,,heat,170,MWh,
        """,
        f"""\
        id,type,lat,lon,capacity,unit,status
        B1,biomass_boiler,{lat(0.5)},6.0,500,t,existing
        """,
    )
    plan, kpis = solved(inv)
    assert kpis["valorised_t"] == pytest.approx(50.0)
    assert kpis["rerouted_t"] == pytest.approx(50.0)
    assert allocation(inv, plan).set_index("to").loc["B1", "tkm"] == pytest.approx(0.0)
    for key in ("co2e_avoided_t", "net_value_eur_per_year", "jobs_fte", "transport_tkm"):
        assert kpis[key] == pytest.approx(0.0, abs=1e-6), key


def test_company_savings_with_a_local_sale(tmp_path: Path) -> None:
    from symbiosis.analysis.accounts import company_table, detailed

    # Scrap sold today 100 EUR/t; the buyer pays 150 EUR/t today; the 2 km haul
    # costs 1 EUR/t. The exchange gains 150 - 100 - 1 = 49 EUR/t, shared evenly
    # (seller_share 0.5): the price is 150 - 24.5 = 125.5 EUR/t, between the
    # two; the seller earns 125.5 - 1 - 100 = 24.5 EUR/t, the buyer saves 24.5.
    inv = inventory(
        tmp_path,
        COMPANIES,
        """\
        id,company,direction,ewc,material,quantity,unit,cost_eur_per_t
        O1,S1,output,17 04 05,,80,t,-100
        I1,R1,input,17 04 05,,80,t,150
        """,
    )
    plan, kpis = solved(inv)
    detail = detailed(inv, plan)
    saved = company_table(inv, plan, detail).set_index("id")["saved_eur_per_year"]
    assert saved["S1"] == pytest.approx(80 * 24.5, rel=1e-4)
    assert saved["R1"] == pytest.approx(80 * 24.5, rel=1e-4)
    assert float(saved.sum()) == pytest.approx(kpis["net_value_eur_per_year"], abs=0.01)
    assert allocation(inv, plan)["price_eur_per_unit"].tolist() == pytest.approx([125.5], rel=1e-4)
