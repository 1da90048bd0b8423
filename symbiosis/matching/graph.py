"""The compatibility graph (networkx): where chains through facilities are followed.

Two graphs are built from the candidate links:

- the *chain graph*, the one place where chains through shared facilities
  are followed and checked. Its nodes are a facility's intake of a
  material (`intake`), a facility's product (`product`) and the one `use`
  (a declared input, or an outlet such as grid injection). An intake leads
  to every product it yields; a product leads to the inputs and outlets
  that take it, and to the intakes of other facilities that accept it. An
  intake is useful only when each of its products reaches a use (what a
  facility delivers equals what it takes times its yields); a product is
  useful when one of its takers is. Links into an intake that is not
  useful, or out of a product that is not, can carry nothing and are left
  out of the model. A chain never returns to a facility it came from: a
  product sent to a facility that can send products back to it (the two
  are in one strongly connected part of the facility graph) would let
  tonnes go round and round, counted at each pass; such links are left out
  too, unless the receiving facility's type says why it may (`loops` in
  the catalogue).
- the *compatibility graph* for people (`compatibility_graph`): companies,
  flows and facilities as nodes, declarations and every candidate link as
  edges, exported as GraphML for Gephi or yEd (`symbiosis match --graph`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from symbiosis.core.files import write_bytes
from symbiosis.core.frames import rows
from symbiosis.flows import Inventory

USE = ("use", "", "")
"""The sink of the chain graph: a declared input or an outlet."""

Node = tuple[str, str, str]
"""(kind, facility, material): `("intake", "K01", "green_waste")`, `("product", "K01", "compost")`."""


def chain_graph(links: pd.DataFrame, yields: pd.DataFrame, outlets: pd.DataFrame) -> nx.DiGraph[Node]:
    """Intakes, products and the use, with the edges described in the module's docstring."""
    graph: nx.DiGraph[Node] = nx.DiGraph()
    graph.add_node(USE)
    graph.add_edges_from(
        (("intake", str(f), str(m)), ("product", str(f), str(p)))
        for f, m, p in zip(yields["facility"], yields["material"], yields["product"], strict=True)
    )
    graph.add_edges_from(
        (("product", str(f), str(p)), USE) for f, p in zip(outlets["facility"], outlets["product"], strict=True)
    )
    from_facility = links[links["from_kind"] == "facility"]
    to_input = from_facility["to_kind"] == "input"
    graph.add_edges_from(
        (("product", str(f), str(m)), USE)
        for f, m in zip(from_facility.loc[to_input, "from_flow"], from_facility.loc[to_input, "material"], strict=True)
    )
    onward = from_facility[~to_input]
    graph.add_edges_from(
        (("product", str(f), str(m)), ("intake", str(g), str(m)))
        for f, g, m in zip(onward["from_flow"], onward["to"], onward["material"], strict=True)
    )
    return graph


def useful_nodes(graph: nx.DiGraph[Node]) -> set[Node]:
    """Intakes and products from which a use is reached, the least fixed point:
    a product when one of its successors is useful, an intake when all are.

    Propagated backwards from the use, so that each edge is looked at once;
    a loop that never leaves the facilities is never useful.
    """
    waiting = {node: graph.out_degree(node) for node in graph if node[0] == "intake"}
    useful: set[Node] = {USE}
    frontier = [USE]
    while frontier:
        node = frontier.pop()
        for before in graph.predecessors(node):
            if before in useful:
                continue
            if before[0] == "intake":
                waiting[before] -= 1
                if waiting[before] > 0:
                    continue
            useful.add(before)
            frontier.append(before)
    return useful


CARRIES, RETURNS, NO_USE = 0, 1, 2
"""What `blocked_links` says of a link: it may carry flow, it returns to its chain, its chain reaches no use."""


def blocked_links(
    links: pd.DataFrame, yields: pd.DataFrame, outlets: pd.DataFrame, loops_allowed: Iterable[str] = ()
) -> np.ndarray:
    """Per link: CARRIES, RETURNS (back to a facility of its chain) or NO_USE (its chain reaches no use)."""
    verdict = np.where(returning_links(links, set(loops_allowed)), RETURNS, CARRIES)
    open_links = links[verdict == CARRIES]
    useful = useful_links(open_links, yields, outlets)
    verdict[np.flatnonzero(verdict == CARRIES)[~useful]] = NO_USE
    return verdict


def returning_links(links: pd.DataFrame, loops_allowed: set[str]) -> np.ndarray:
    """Facility-to-facility links inside a loop of facilities (to a receiver whose type allows none)."""
    between = ((links["from_kind"] == "facility") & (links["to_kind"] == "facility")).to_numpy()
    found = np.zeros(len(links), dtype=bool)
    if not between.any():
        return found
    chain: nx.DiGraph[str] = nx.DiGraph()
    sources, targets = links.loc[between, "from_flow"].astype(str), links.loc[between, "to"].astype(str)
    chain.add_edges_from(zip(sources, targets, strict=True))
    part = {node: number for number, nodes in enumerate(nx.strongly_connected_components(chain)) for node in nodes}
    inside = np.array([part[a] == part[b] and b not in loops_allowed for a, b in zip(sources, targets, strict=True)])
    found[np.flatnonzero(between)[inside]] = True
    return found


def useful_links(links: pd.DataFrame, yields: pd.DataFrame, outlets: pd.DataFrame) -> np.ndarray:
    """Per link: whether it can carry anything (every direct link can; a facility's only if its chain reaches a use)."""
    graph = chain_graph(links, yields, outlets)
    useful = useful_nodes(graph)
    keep = np.ones(len(links), dtype=bool)
    to_facility = (links["to_kind"] == "facility").to_numpy()
    from_facility = (links["from_kind"] == "facility").to_numpy()
    if to_facility.any():
        intakes = zip(links.loc[to_facility, "to"], links.loc[to_facility, "material"], strict=True)
        keep[to_facility] = [("intake", str(f), str(m)) in useful for f, m in intakes]
    if from_facility.any():
        products = zip(links.loc[from_facility, "from_flow"], links.loc[from_facility, "material"], strict=True)
        keep[from_facility] &= np.array([("product", str(f), str(m)) in useful for f, m in products], dtype=bool)
    return keep


def facility_cycles(links: pd.DataFrame) -> list[list[str]]:
    """Chains of facilities whose products come back to a facility they came from."""
    chain: nx.DiGraph[str] = nx.DiGraph()
    both = links[(links["from_kind"] == "facility") & (links["to_kind"] == "facility")]
    chain.add_edges_from(zip(both["from_flow"].astype(str), both["to"].astype(str), strict=True))
    return sorted(sorted(cycle) for cycle in nx.simple_cycles(chain))


# --- the graph for people ----------------------------------------------------------------

LINK_ATTRIBUTES = ("material", "unit", "rule", "regulation", "route", "distance_km", "potential")


def compatibility_graph(inventory: Inventory, links: pd.DataFrame) -> nx.MultiDiGraph[str]:
    """Companies, flows and facilities as nodes; declarations and candidate links as edges."""
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for row in rows(inventory.companies):
        graph.add_node(str(row.id), kind="company", name=str(row.name), lat=float(row.lat), lon=float(row.lon))
    for row in rows(inventory.facilities):
        graph.add_node(str(row.id), kind="facility", type=str(row.type), status=str(row.status),
                       lat=float(row.lat), lon=float(row.lon))
    flows = inventory.flows
    graph.add_nodes_from(
        (str(fid), {"kind": str(direction), "material": _plain(material), "quantity": float(qty), "unit": str(unit)})
        for fid, direction, material, qty, unit in zip(
            flows["id"], flows["direction"], flows["material"], flows["quantity_ref"], flows["ref_unit"], strict=True
        )
    )
    graph.add_edges_from(
        (str(c), str(f), {"kind": "declares"}) if d == "output" else (str(f), str(c), {"kind": "declares"})
        for c, f, d in zip(flows["company"], flows["id"], flows["direction"], strict=True)
    )
    columns = [links[name].to_numpy() for name in LINK_ATTRIBUTES]
    graph.add_edges_from(
        (str(a), str(b), {"kind": "link", **{name: _plain(value) for name, value in zip(LINK_ATTRIBUTES, values, strict=True)}})
        for a, b, *values in zip(links["from_flow"], links["to"], *columns, strict=True)
    )
    return graph


def _plain(value: object) -> str | float | bool:
    """An attribute GraphML can hold: no None, no NaN, no numpy scalar."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
        return number if math.isfinite(number) else ""
    return "" if value is None or value is pd.NA else str(value)


def write_graphml(graph: nx.MultiDiGraph[str], path: Path) -> None:
    """The graph as GraphML (Gephi, yEd, Cytoscape), written atomically."""
    lines: Iterable[str] = nx.generate_graphml(graph, encoding="utf-8", prettyprint=True)
    write_bytes(path, ("\n".join(lines) + "\n").encode("utf-8"))


def graph_summary(graph: nx.MultiDiGraph[str]) -> dict[str, Any]:
    """How many nodes and links of each kind the graph holds."""
    kinds: dict[str, int] = {}
    for _, kind in graph.nodes(data="kind"):
        kinds[str(kind)] = kinds.get(str(kind), 0) + 1
    links = sum(1 for _, _, data in graph.edges(data=True) if data.get("kind") == "link")
    return {"nodes": kinds, "links": links}
