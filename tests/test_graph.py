"""The compatibility graph: chains through facilities followed in one place, and exported."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd

from symbiosis.matcher import match
from symbiosis.matching.graph import chain_graph, facility_cycles, useful_links, useful_nodes
from symbiosis.model.options import Options
from symbiosis.optimize import optimise
from tests.helpers import run_cli
from tests.test_optimize import BOILER_COMPANIES, inventory, lat

DATA = Path(__file__).parent.parent / "data" / "val_de_fensch"


def _links(rows: list[tuple[str, str, str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["from_flow", "to", "from_kind", "to_kind", "material"])


YIELDS = pd.DataFrame(
    [("R1", "wood_pallets", "wood_pallets"), ("R2", "wood_pallets", "wood_pallets"), ("B1", "wood_pallets", "heat")],
    columns=["facility", "material", "product"],
)
NO_OUTLET = pd.DataFrame(columns=["facility", "product"])


def test_a_loop_between_two_workshops_reaches_no_use() -> None:
    # Two repair workshops send repaired pallets to each other; nothing leaves the loop.
    links = _links([
        ("O1", "R1", "output", "facility", "wood_pallets"),
        ("R1", "R2", "facility", "facility", "wood_pallets"),
        ("R2", "R1", "facility", "facility", "wood_pallets"),
    ])
    assert facility_cycles(links) == [["R1", "R2"]]
    assert not useful_links(links, YIELDS, NO_OUTLET).any()


def test_a_chain_is_useful_when_it_ends_at_a_use() -> None:
    links = _links([
        ("O1", "R1", "output", "facility", "wood_pallets"),
        ("R1", "R2", "facility", "facility", "wood_pallets"),
        ("R2", "I1", "facility", "input", "wood_pallets"),
        ("O2", "B1", "output", "facility", "wood_pallets"),
    ])
    assert useful_links(links, YIELDS, NO_OUTLET).tolist() == [True, True, True, False]
    graph = chain_graph(links, YIELDS, NO_OUTLET)
    assert ("intake", "B1", "wood_pallets") not in useful_nodes(graph)  # its heat has no user
    assert nx.has_path(graph, ("intake", "R1", "wood_pallets"), ("use", "", ""))


def test_an_intake_needs_every_product_to_reach_a_use() -> None:
    yields = pd.DataFrame([("M1", "canteen_biowaste", "biogas"), ("M1", "canteen_biowaste", "digestate")],
                          columns=["facility", "material", "product"])
    links = _links([("O1", "M1", "output", "facility", "canteen_biowaste")])
    biogas_only = pd.DataFrame([("M1", "biogas")], columns=["facility", "product"])
    both = pd.DataFrame([("M1", "biogas"), ("M1", "digestate")], columns=["facility", "product"])
    assert not useful_links(links, yields, biogas_only).any()
    assert useful_links(links, yields, both).all()


def test_a_boiler_without_a_heat_user_carries_nothing(tmp_path: Path) -> None:
    inv = inventory(
        tmp_path, BOILER_COMPANIES,
        "id,company,direction,ewc,material,quantity,unit\nO1,S1,output,15 01 03,,100,t\n",
        f"id,type,lat,lon,capacity,unit,status\nB1,biomass_boiler,{lat(0.5)},6.0,500,t,existing\n",
    )
    found = match(inv)
    assert len(found.links) == 1  # compatible: listed by `match`
    plan = optimise(inv, found, Options(solver="highs"))
    assert plan.scores["tonnes"] == 0.0  # but it reaches no use


def test_match_exports_the_graph_for_gephi(tmp_path: Path) -> None:
    out, graph = tmp_path / "links.csv", tmp_path / "graphe.graphml"
    code, output = run_cli("match", str(DATA), "--out", str(out), "--graph", str(graph))
    assert code == 0, output
    read = nx.read_graphml(graph)
    links = pd.read_csv(out)
    kinds = nx.get_node_attributes(read, "kind")
    assert sum(1 for k in kinds.values() if k == "company") == 86
    assert sum(1 for _, _, d in read.edges(data=True) if d["kind"] == "link") == len(links)
    first = links.iloc[0]
    assert read.has_edge(first["from_flow"], first["to"])
    assert "Graphe des compatibilités écrit dans" in output


def test_the_graph_is_never_written_into_the_inventory(tmp_path: Path) -> None:
    code, output = run_cli("match", str(DATA), "--out", str(tmp_path / "l.csv"), "--graph", str(DATA / "g.graphml"))
    assert code == 1 and "refus d'écrire dans le dossier d'inventaire" in output
    assert not (DATA / "g.graphml").exists()
