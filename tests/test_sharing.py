"""No participant worse off: each exchange's gain shared by a price, every company's account kept.

Hand-checked on the test catalogue (tests/fixtures/catalogue), every site at
the same point (no haulage): pallets cost 100 EUR/t in landfill and a buyer
pays 50 EUR/t for them today; wood chips have no price; a pallet workshop
turns 1 t into 0.8 t of pallets and 0.2 t of chips and lasts 10 years at the
test catalogue's 0 % discount rate. The territory's seller share is 0.5.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from symbiosis.analysis.accounts import company_table, detailed
from symbiosis.analysis.indicators import allocation
from symbiosis.flows import Inventory, load_inventory
from symbiosis.report.data import collect
from symbiosis.report.view import view
from tests.helpers import TERRITORY, small_catalogue, write_inventory
from tests.test_optimize import lat, solved

COMPANIES = f"""\
id,name,lat,lon
S,Aciérie,{lat(0)},6.0
B,Fonderie,{lat(0)},6.0
A,Menuiserie,{lat(0)},6.0
W,Atelier d'insertion,{lat(0)},6.0
R,Négoce de palettes,{lat(0)},6.0
R2,Chaufferie,{lat(0)},6.0
"""

SCRAP = """\
id,company,direction,ewc,material,quantity,unit,cost_eur_per_t
O1,S,output,17 04 05,,80,t,-300
I1,B,input,17 04 05,,80,t,200
"""


def scrap(tmp_path: Path) -> Inventory:
    return load_inventory(write_inventory(tmp_path, companies=COMPANIES, flows=SCRAP), small_catalogue())


def test_no_price_between_what_the_seller_gets_and_the_buyer_pays_means_no_exchange(tmp_path: Path) -> None:
    # Scrap sold today at 300 EUR/t; the local buyer pays 200 EUR/t today: no price
    # keeps both whole, so the exchange is not proposed.
    inv = scrap(tmp_path)
    _, kpis = solved(inv)
    assert kpis["valorised_t"] == 0.0


def test_with_losses_allowed_the_report_names_who_loses_what(tmp_path: Path) -> None:
    # The exchange loses 100 EUR/t, shared evenly: each side loses 50 x 80 = 4,000 EUR.
    inv = scrap(tmp_path)
    plan, kpis = solved(inv, allow_losses=True)
    assert kpis["valorised_t"] == pytest.approx(80.0)
    saved = company_table(inv, plan, detailed(inv, plan)).set_index("id")["saved_eur_per_year"]
    assert saved.to_dict() == pytest.approx({"S": -4000.0, "B": -4000.0})
    assert kpis["net_value_eur_per_year"] == pytest.approx(-8000.0)
    summary = " ".join(view(collect(inv, plan, lang="en"), "", "")["sentences"])
    assert "costs 2 company(ies) money against today: " in summary
    assert "Aciérie (−4,000\xa0€)" in summary and "Fonderie (−4,000\xa0€)" in summary


def test_a_price_in_between_shares_the_gain(tmp_path: Path) -> None:
    # Sold today at 100, bought today at 200: 100 EUR/t to share, price 150 EUR/t.
    flows = SCRAP.replace("-300", "-100")
    inv = load_inventory(write_inventory(tmp_path, companies=COMPANIES, flows=flows), small_catalogue())
    plan, _ = solved(inv)
    assert allocation(inv, plan)["price_eur_per_unit"].tolist() == pytest.approx([150.0])
    saved = company_table(inv, plan, detailed(inv, plan)).set_index("id")["saved_eur_per_year"]
    assert saved.to_dict() == pytest.approx({"S": 4000.0, "B": 4000.0})
    # Another rule of the territory: 80 % to the seller.
    territory = TERRITORY + "[sharing]\nseller_share = 0.8\n"
    inv = load_inventory(write_inventory(tmp_path / "b", territory=territory, companies=COMPANIES, flows=flows),
                         small_catalogue())
    plan, _ = solved(inv)
    saved = company_table(inv, plan, detailed(inv, plan)).set_index("id")["saved_eur_per_year"]
    assert saved.to_dict() == pytest.approx({"S": 6400.0, "B": 1600.0})
    assert allocation(inv, plan)["price_eur_per_unit"].tolist() == pytest.approx([180.0])


WORKSHOP_FLOWS = """\
id,company,direction,ewc,material,quantity,unit,status
O1,A,output,15 01 03,,100,t,by_product
I1,R,input,,wood_pallets,80,t,
I2,R2,input,,wood_chips,20,t,
"""


def workshop(tmp_path: Path, capex: int, operator: str = "W", sharing: str = "") -> Inventory:
    folder = write_inventory(
        tmp_path, territory=TERRITORY + sharing, companies=COMPANIES, flows=WORKSHOP_FLOWS,
        facilities=f"""\
        id,type,lat,lon,capacity,unit,status,capex_eur,operator
        P1,pallet_repair,{lat(0)},6.0,500,t,candidate,{capex},{operator}
        """)
    return load_inventory(folder, small_catalogue())


@pytest.mark.parametrize(("capex", "built"), [(60_000, True), (80_000, False)])
def test_a_workshop_is_built_only_if_its_operator_breaks_even(tmp_path: Path, capex: int, built: bool) -> None:
    # Built, the workshop keeps half of the 100 EUR/t of landfill its intake avoids
    # (5,000 EUR) and half of the 50 EUR/t its pallets save their buyer (2,000 EUR),
    # against capex / 10 a year: 60,000 leaves W 1,000 EUR, 80,000 costs it 1,000.
    # Not built, the pallets go straight to their buyer (80 t) and to the boiler
    # house as wood (20 t, the catalogue's wood rule).
    inv = workshop(tmp_path, capex)
    plan, kpis = solved(inv, siting=True)
    assert kpis["facilities_built"] == (["P1"] if built else [])
    table = company_table(inv, plan, detailed(inv, plan)).set_index("id")
    if built:
        assert table["saved_eur_per_year"].to_dict() == pytest.approx({"A": 5000.0, "R": 2000.0, "R2": 0.0, "W": 1000.0})
        assert table.loc["W", "facilities_eur_per_year"] == pytest.approx(1000.0)
    else:
        assert kpis["valorised_t"] == pytest.approx(100.0)
        assert kpis["links"] == 2
        assert (table["saved_eur_per_year"] >= 0).all()
    assert float(table["saved_eur_per_year"].sum()) == pytest.approx(kpis["net_value_eur_per_year"], abs=0.01)
    # With losses allowed, the most tonnes build it whatever it costs W.
    plan, kpis = solved(inv, siting=True, allow_losses=True)
    assert kpis["facilities_built"] == ["P1"]
    saved = company_table(inv, plan, detailed(inv, plan)).set_index("id")["saved_eur_per_year"]
    assert saved["W"] == pytest.approx(7000.0 - capex / 10)


@pytest.mark.parametrize(("break_even", "built"), [("false", True), ("true", False)])
def test_a_facility_without_operator_is_the_territorys_unless_it_must_break_even(
        tmp_path: Path, break_even: str, built: bool) -> None:
    inv = workshop(tmp_path, 80_000, operator="", sharing=f"[sharing]\nbreak_even = {break_even}\n")
    plan, kpis = solved(inv, siting=True)
    assert kpis["facilities_built"] == (["P1"] if built else [])
    parts = dict(zip(*(collect(inv, plan, lang="en").reconciliation[c] for c in ("part", "eur")), strict=True))
    # The territory bears the workshop's -1,000 EUR; companies gain 7,000; the sum is the net value.
    assert parts["territory"] == pytest.approx(-1000.0 if built else 0.0)
    assert parts["companies"] == pytest.approx(7000.0 if built else 80 * 150.0 + 20 * 100.0)
    assert parts["total"] == pytest.approx(kpis["net_value_eur_per_year"], abs=0.01)


def test_an_unknown_sharing_key_is_a_clear_error(tmp_path: Path) -> None:
    from symbiosis.core.problems import InputError

    folder = write_inventory(tmp_path, territory=TERRITORY + "[sharing]\nseller_part = 0.5\n",
                             companies=COMPANIES, flows=SCRAP)
    with pytest.raises(InputError) as caught:
        load_inventory(folder, small_catalogue())
    (line,) = caught.value.render("en")
    assert line.startswith("territory.toml:6:") and "seller_share" in line
