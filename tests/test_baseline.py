"""Every figure is a change against today: each output's route today is the baseline.

Hand-checked on the test catalogue (tests/fixtures/catalogue): pallets cost
100 EUR/t and emit 700 kg CO2e/t in landfill, and a direct exchange reuses
them (-300 kg CO2e/t); transport costs 0.5 EUR and emits 0.1 kg per t.km.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from symbiosis.analysis.indicators import allocation
from symbiosis.core.problems import InputError
from symbiosis.matcher import match
from tests.test_optimize import inventory, lat, solved

COMPANIES = f"""\
id,name,lat,lon
A,Usine A,{lat(0)},6.0
B,Atelier B,{lat(1)},6.0
C,Fonderie C,{lat(2)},6.0
"""


def test_additional_and_rerouted_tonnes(tmp_path: Path) -> None:
    # 100 t of pallets landfilled today, 20 t leaving the territory, 50 t of
    # scrap recycled today: all reach a local user; only the first 120 t are
    # an addition, the 50 t are re-routed.
    inv = inventory(tmp_path, COMPANIES, """\
        id,company,direction,ewc,material,quantity,unit,route,authorised
        O1,A,output,15 01 03,,100,t,landfill,
        O2,A,output,15 01 03,,20,t,outside,
        O3,A,output,12 01 01,,50,t,recycling,
        I1,B,input,,wood_pallets,120,t,,true
        I2,C,input,12 01 01,,50,t,,
        """)
    _, kpis = solved(inv)
    assert kpis["valorised_t"] == pytest.approx(170.0)
    assert kpis["additional_valorised_t"] == pytest.approx(120.0)
    assert kpis["rerouted_t"] == pytest.approx(50.0)
    assert kpis["valorised_t_by_today_route"] == pytest.approx({"landfill": 100.0, "outside": 20.0, "recycling": 50.0})
    assert kpis["additional_valorised_t"] + kpis["rerouted_t"] == pytest.approx(kpis["valorised_t"])


def test_outside_counts_with_the_usual_route_figures(tmp_path: Path) -> None:
    # 20 t of pallets leaving the territory: the catalogue does not know where
    # they go, so their money and CO2e are those of the material's usual route
    # (landfill here): 100 EUR/t avoided, 700 - (-300) = 1,000 kg CO2e/t.
    inv = inventory(tmp_path, COMPANIES, """\
        id,company,direction,ewc,material,quantity,unit,route,authorised
        O2,A,output,15 01 03,,20,t,outside,
        I1,B,input,,wood_pallets,20,t,,true
        """)
    plan, _kpis = solved(inv)
    row = allocation(inv, plan).iloc[0]
    assert row["today_route"] == "outside"
    km = float(row["distance_km"])
    assert row["co2e_avoided_t"] == pytest.approx(20 * (1000 - 0.1 * km) / 1000)
    # The sender saves 100 EUR/t, the receiver buys 50 EUR/t less; haulage 0.5 EUR/t.km.
    assert row["value_eur"] == pytest.approx(20 * (100 + 50 - 0.5 * km))


def test_waste_heat_is_not_used_today_by_default(tmp_path: Path) -> None:
    inv = inventory(tmp_path, COMPANIES, """\
        id,company,direction,material,quantity,unit
        H1,A,output,waste_heat,500,MWh
        I1,B,input,heat,300,MWh
        """)
    plan, kpis = solved(inv)
    assert set(allocation(inv, plan)["today_route"]) == {"none"}
    assert kpis["valorised_mwh"] == pytest.approx(300.0)
    assert kpis["additional_valorised_mwh"] == pytest.approx(300.0)
    assert kpis["rerouted_mwh"] == pytest.approx(0.0)


def test_heat_recovered_today_is_rerouted(tmp_path: Path) -> None:
    inv = inventory(tmp_path, COMPANIES, """\
        id,company,direction,material,quantity,unit,route
        H1,A,output,waste_heat,500,MWh,energy_recovery
        I1,B,input,heat,300,MWh,
        """)
    _, kpis = solved(inv)
    assert kpis["additional_valorised_mwh"] == pytest.approx(0.0)
    assert kpis["rerouted_mwh"] == pytest.approx(300.0)


@pytest.mark.parametrize(
    ("material", "unit", "route", "message"),
    [
        ("waste_heat", "MWh", "landfill", "l'énergie"),
        ("wood_pallets", "t", "none", "la filière « none » est réservée à l'énergie"),
    ],
)
def test_a_route_that_does_not_suit_the_output_is_an_error(
    tmp_path: Path, material: str, unit: str, route: str, message: str
) -> None:
    with pytest.raises(InputError) as caught:
        inventory(tmp_path, COMPANIES, f"""\
            id,company,direction,material,quantity,unit,route
            O1,A,output,{material},10,{unit},{route}
            """)
    [found] = caught.value.problems
    assert (found.file, found.line, found.column) == ("flows.csv", 2, "route")
    assert message in found.render("fr")


@pytest.mark.parametrize(("written", "read"), [("land_spreading", "spreading"), ("Enfouissement", "landfill"),
                                               ("épandage", "spreading"), ("hors du territoire", None)])
def test_older_and_french_route_spellings(tmp_path: Path, written: str, read: str | None) -> None:
    flows = f"""\
        id,company,direction,ewc,material,quantity,unit,route
        O1,A,output,15 01 03,,10,t,{written}
        """
    if read is None:
        with pytest.raises(InputError):
            inventory(tmp_path, COMPANIES, flows)
        return
    inv = inventory(tmp_path, COMPANIES, flows)
    assert inv.flows["route"].iat[0] == read
    assert match(inv).links.empty
