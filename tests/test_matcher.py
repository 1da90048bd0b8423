"""The exact set of links on a small inventory, refusals included."""

from __future__ import annotations

from pathlib import Path

import pytest

from symbiosis.matcher import match
from symbiosis.matching.graph import compatibility_graph
from symbiosis.matching.reasons import reasons
from tests.test_optimize import inventory, lat

COMPANIES = f"""\
id,name,lat,lon
S1,Menuiserie,{lat(0)},6.0
S2,Garage,{lat(1)},6.0
R1,Atelier palettes,{lat(2)},6.0
R2,Régénérateur,{lat(3)},6.0
R3,Lointain,{lat(40)},6.0
H1,Piscine,{lat(1.5)},6.0
H2,École loin,{lat(6)},6.0
"""

FLOWS = """\
id,company,direction,ewc,material,quantity,unit,status,authorised,max_distance_km
W1,S1,output,15 01 03,,100,t,waste,,
W2,S1,output,20 01 37*,,30,t,waste,,
W3,S2,output,13 02 05*,,5,t,waste,,
W4,S2,output,15 01 03,,20,t,by_product,,
W5,S2,output,,waste_heat,500,MWh,,,
N1,R1,input,15 01 03,,80,t,,,
N2,R1,input,,untreated_wood,50,t,,,
N3,R2,input,13 02 05,,10,t,,,
N4,R2,input,,waste_oil,10,t,,,
N5,R3,input,15 01 03,,80,t,,,
N6,H1,input,,heat,200,MWh,,,
N7,H2,input,,heat,200,MWh,,,
N8,R1,input,,wood_pallets,10,t,,,0.5
"""

FACILITIES = f"""\
id,type,lat,lon,capacity,unit,status
B1,biomass_boiler,{lat(0.5)},6.0,300,t,existing
"""


def test_exact_links_and_refusals(tmp_path: Path) -> None:
    inv = inventory(tmp_path, COMPANIES, FLOWS, FACILITIES)
    links = match(inv).links
    found = {(a, b, r) for a, b, r in zip(links["from_flow"], links["to"], links["rule"], strict=True)}
    assert found == {
        # Waste pallets reach the receiver that declares their code, not the
        # wood user that does not (N2: waste, not authorised), nor R3 (40 km).
        ("W1", "N1", "same_ewc"),
        ("W1", "B1", "facility:biomass_boiler"),
        # By-product pallets may go to any compatible input: N1 (same code),
        # N2 (catalogue rule), but not N8 (its own 0.5 km limit; 1 km away).
        ("W4", "N1", "same_ewc"),
        ("W4", "N2", "wood_to_wood_users"),
        ("W4", "B1", "facility:biomass_boiler"),
        # Hazardous oil only to the input declaring 13 02 05, not to N4 (material only).
        ("W3", "N3", "same_ewc"),
        # Treated wood (20 01 37*) goes nowhere: no boiler, no declared code.
        # Waste heat reaches the pool 0.5 km away, not the school 5 km away (heat 3 km).
        ("W5", "N6", "waste_heat_to_heat_users"),
        # Boiler heat reaches the pool 1 km away; the school is 5.5 km away.
        ("B1", "N6", "same_material"),
    }
    by_pair = links.set_index(["from_flow", "to"])
    assert by_pair.loc[("W1", "N1"), "distance_km"] == pytest.approx(2.0, rel=1e-4)
    assert by_pair.loc[("W1", "N1"), "potential"] == pytest.approx(80.0)
    assert by_pair.loc[("W5", "N6"), "potential"] == pytest.approx(200.0)


def test_reasons_read_well(tmp_path: Path) -> None:
    inv = inventory(tmp_path, COMPANIES, FLOWS, FACILITIES)
    links = match(inv).links.set_index(["from_flow", "to"], drop=False)
    words = reasons(inv, links).to_dict()
    assert words[("W1", "N1")] == "même code déchet 15 01 03; le destinataire déclare ce code en entrée; 2,0 km"
    assert words[("W4", "N2")] == (
        "Le bois de palettes remplace du bois brut; sous-produit ou sortie de statut de déchet : "
        "toute entrée compatible; 1,0 km"
    )
    assert words[("W1", "B1")] == (
        "accepté par Chaudière (existante); déchet : les installations partagées sont autorisées; 0,5 km"
    )
    english = reasons(inv, links, "en").to_dict()
    assert english[("W3", "N3")] == "same waste code 13 02 05; the receiver declares this code as an input; 2.0 km"


def test_graph_shows_the_boiler_chain(tmp_path: Path) -> None:
    inv = inventory(tmp_path, COMPANIES, FLOWS, FACILITIES)
    graph = compatibility_graph(inv, match(inv).links)
    # Menuiserie -> its pallets W1 -> boiler B1 -> pool's heat need N6 -> pool.
    assert graph.has_edge("S1", "W1")
    assert graph.has_edge("W1", "B1")
    assert graph.has_edge("B1", "N6")
    assert graph.has_edge("N6", "H1")
