"""The TGAP by year: catalogue disposal costs exclude it, the run's year adds it.

Hand-checked with the shipped catalogue (parameters.toml [tgap]): landfill
pays 65 EUR/t in 2025 and 79 EUR/t in 2027 (a bill's trajectory, an
assumption), +5 EUR/t above the regional threshold in 2025; inert rubble
(an ISDI) pays none.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from symbiosis.flows import load_inventory
from symbiosis.matcher import match
from tests.helpers import write_inventory

COMPANIES = """\
id,name,lat,lon
A,Usine,49.0,6.0
B,Menuisier,49.0,6.0
"""

FLOWS = """\
id,company,direction,ewc,material,quantity,unit,route,cost_eur_per_t,authorised
O1,A,output,15 01 03,,100,t,landfill,,
O2,A,output,15 01 03,,100,t,landfill,180,
O3,A,output,17 01 07,,100,t,landfill,,
I1,B,input,,untreated_wood,300,t,,,true
I2,B,input,17 01 07,,300,t,,,true
"""


def disposal(tmp_path: Path, defaults: str = "") -> dict[str, float]:
    territory = f'name = "T"\nyear = 2025\n[defaults]\nmax_distance_km = 30\n{defaults}'
    inv = load_inventory(write_inventory(tmp_path, territory=territory, companies=COMPANIES, flows=FLOWS))
    links = match(inv).links
    return dict(links.groupby("from_flow")["disposal_eur_per_unit"].first())


def test_the_inventory_year_charges_its_own_rate(tmp_path: Path) -> None:
    got = disposal(tmp_path)
    # Pallets: gate fee 105 + TGAP 65; declared 180 stays 180; rubble 15, no TGAP.
    assert got == pytest.approx({"O1": 170.0, "O2": 180.0, "O3": 15.0})


def test_and_in_2027(tmp_path: Path) -> None:
    # 79 - 65 = 14 EUR/t more, on the catalogue cost and on the declared one alike.
    got = disposal(tmp_path, "tgap_year = 2027\n")
    assert got == pytest.approx({"O1": 184.0, "O2": 194.0, "O3": 15.0})


def test_above_the_regional_threshold(tmp_path: Path) -> None:
    # The declared cost already includes what the site pays: only the catalogue cost moves.
    got = disposal(tmp_path, "tgap_landfill_surcharge = true\n")
    assert got == pytest.approx({"O1": 175.0, "O2": 180.0, "O3": 15.0})
