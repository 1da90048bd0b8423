"""Matching: every plausible exchange between outputs, inputs and facilities.

A link is proposed when the material is compatible (same EWC code, same
catalogue material, or a catalogue rule), the regulation allows it (a waste
goes only to a receiver authorised for it; a hazardous waste only to an
input declaring that exact code), and the distance is within both ends'
limits. Candidates are never found by comparing every output with every
input: flows are grouped into compatibility classes, and each compatible
pair of classes is joined with a KD-tree within the distance limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from symbiosis import economics
from symbiosis.catalogue import Catalogue, FacilityType, product_yield, value_of
from symbiosis.flows import NO_OUTLET, Inventory, months_available
from symbiosis.i18n import Lang, Messages, number, say

EARTH_RADIUS_KM = 6371.0088

LINK_COLUMNS = [
    "from_flow", "to", "from_kind", "to_kind", "from_company", "to_company", "material", "unit",
    "rule", "today_route", "route", "activity", "regulation", "distance_km", "potential", "cap",
    "disposal_eur_per_unit", "purchase_eur_per_unit", "value_eur_per_unit", "co2e_kg_per_unit",
    "jobs_per_unit", "facility_status",
]


@dataclass(frozen=True)
class Match:
    """The candidate links and the facility data the optimiser needs.

    `links`: one row per candidate link (LINK_COLUMNS); `potential` is what
    could travel on it alone, `cap` its own upper bound (seasonal overlap
    for heat, else infinite). `yields`: per facility and accepted material,
    the quantity of each product per unit of intake. `outlets`: products a
    facility can always dispose of (grid injection, land spreading).
    `shares`: upper bounds on a material's share of a facility's intake.
    """

    links: pd.DataFrame
    yields: pd.DataFrame
    outlets: pd.DataFrame
    shares: pd.DataFrame


# --- geometry ------------------------------------------------------------------


@dataclass(frozen=True)
class Projection:
    """Equirectangular projection about the territory's mean latitude.

    Planar distances only pre-select candidates; `inflate` widens the search
    radius so that no pair within the true great-circle limit is missed.
    """

    lat0: float
    inflate: float

    @classmethod
    def around(cls, lats: np.ndarray) -> Projection:
        lat0 = float(np.mean(lats)) if len(lats) else 0.0
        cos0 = np.cos(np.radians(lat0))
        cos_extreme = np.cos(np.radians(np.clip(np.abs(lats), 0, 89.0))) if len(lats) else np.ones(1)
        inflate = float(max(1.0, cos0 / float(np.min(cos_extreme)))) * 1.01
        return cls(lat0, inflate)

    def xy(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        x = EARTH_RADIUS_KM * np.radians(lon) * np.cos(np.radians(self.lat0))
        y = EARTH_RADIUS_KM * np.radians(lat)
        return np.column_stack([x, y])


@dataclass(frozen=True)
class Points:
    """Positions prepared once: planar coordinates for the KD-trees, radians
    and cosines for the great-circle distance of each candidate pair."""

    xy: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    cos_lat: np.ndarray

    @classmethod
    def of(cls, projection: Projection, frame: pd.DataFrame) -> Points:
        lat, lon = frame["lat"].to_numpy(dtype=float), frame["lon"].to_numpy(dtype=float)
        lat_r = np.radians(lat)
        return cls(projection.xy(lat, lon), lat_r, np.radians(lon), np.cos(lat_r))


def pair_distance_km(a: Points, i: np.ndarray, b: Points, j: np.ndarray) -> np.ndarray:
    """Great-circle distance between a[i] and b[j] (haversine, trigonometry of each point done once)."""
    h = np.sin((b.lat[j] - a.lat[i]) / 2) ** 2 + a.cos_lat[i] * b.cos_lat[j] * np.sin((b.lon[j] - a.lon[i]) / 2) ** 2
    distance: np.ndarray = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return distance


def join_within(
    projection: Projection,
    left: pd.DataFrame,
    right: pd.DataFrame,
    left_limit: np.ndarray,
    right_limit: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions (i, j) and distances of left/right rows within both limits."""
    empty = np.empty(0, dtype=np.int64)
    if left.empty or right.empty:
        return empty, empty, np.empty(0)
    radius = float(min(left_limit.max(), right_limit.max()))
    left_at, right_at = Points.of(projection, left), Points.of(projection, right)
    pairs = cKDTree(left_at.xy).sparse_distance_matrix(
        cKDTree(right_at.xy), radius * projection.inflate + 0.01, output_type="ndarray"
    )
    i, j = pairs["i"], pairs["j"]
    distance = pair_distance_km(left_at, i, right_at, j)
    keep = distance <= np.minimum(left_limit[i], right_limit[j]) + 1e-9
    return i[keep], j[keep], distance[keep]


BAND_RATIO = 1.25
"""Flows whose distance limits lie within this factor of each other share one search radius."""


class BandedJoin:
    """Candidate pairs between subsets of two point sets, within their limits.

    A class's left rows are split into bands of similar distance limits, so
    that one far-reaching flow (40 km) does not widen the search of all the
    others of its class (15 km): the candidates stay close to the pairs kept.
    Trees are built once per subset key and reused across class pairs.
    """

    def __init__(self, projection: Projection, left: Points, left_limit: np.ndarray, right: Points, right_limit: np.ndarray):
        self.inflate = projection.inflate
        self.left, self.right = left, right
        self.left_limit, self.right_limit = left_limit, right_limit
        self._bands: dict[object, list[tuple[np.ndarray, cKDTree, float]]] = {}
        self._trees: dict[object, cKDTree] = {}

    def _banded(self, key: object, rows: np.ndarray) -> list[tuple[np.ndarray, cKDTree, float]]:
        if key not in self._bands:
            limit = self.left_limit[rows]
            band = np.floor(np.log(np.maximum(limit, 1e-3)) / np.log(BAND_RATIO)).astype(np.int64)
            groups = []
            for value in np.unique(band):
                members = rows[band == value]
                groups.append((members, cKDTree(self.left.xy[members]), float(self.left_limit[members].max())))
            self._bands[key] = groups
        return self._bands[key]

    def pairs(self, left_key: object, left_rows: np.ndarray, right_key: object, right_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Row pairs (left, right) whose planar distance may be within both limits."""
        if not len(left_rows) or not len(right_rows):
            empty = np.empty(0, dtype=np.int64)
            return empty, empty
        if right_key not in self._trees:
            self._trees[right_key] = cKDTree(self.right.xy[right_rows])
        tree = self._trees[right_key]
        reach = float(self.right_limit[right_rows].max())
        lefts, rights = [], []
        for members, band_tree, band_limit in self._banded(left_key, left_rows):
            radius = min(band_limit, reach) * self.inflate + 0.01
            found = band_tree.sparse_distance_matrix(tree, radius, output_type="ndarray")
            lefts.append(members[found["i"]])
            rights.append(right_rows[found["j"]])
        return np.concatenate(lefts), np.concatenate(rights)


# --- compatibility -------------------------------------------------------------


def direct_rule(
    catalogue: Catalogue, out_ewc: str, out_material: str, hazardous: bool, in_ewc: str, in_material: str
) -> str | None:
    """The rule that lets an output class reach an input class, if any."""
    if out_ewc and out_ewc == in_ewc:
        return "same_ewc"
    if hazardous:
        return None  # a hazardous waste goes only to an input declaring its exact code
    for key, rule in catalogue.rules.items():
        if out_material in rule.from_materials and in_material in rule.to_materials:
            return key  # a rule's words say more than "same material"
    if out_material and out_material == in_material:
        return "same_material"
    return None


def _limits(flows: pd.DataFrame, default_km: float, heat_km: float) -> np.ndarray:
    default = np.where(flows["ref_unit"].to_numpy() == "MWh", heat_km, default_km)
    own = pd.to_numeric(flows["max_distance_km"], errors="coerce").to_numpy(dtype=float)
    return np.where(np.isnan(own), default, own)


# --- the matcher -------------------------------------------------------------


def match(
    inventory: Inventory,
    *,
    max_distance_km: float | None = None,
    exclude_companies: Iterable[str] = (),
    include_candidates: bool = True,
) -> Match:
    """Every candidate link of an inventory, with its economics and reason."""
    catalogue = inventory.catalogue
    excluded = set(exclude_companies)
    default_km = max_distance_km or inventory.parameter("max_distance_km")
    heat_km = min(inventory.parameter("heat_max_distance_km"), default_km)
    companies = inventory.companies.set_index("id")
    flows = inventory.flows
    if excluded:
        flows = flows[~flows["company"].isin(excluded)].reset_index(drop=True)
    flows = flows.assign(
        lat=flows["company"].map(companies["lat"]).astype(float),
        lon=flows["company"].map(companies["lon"]).astype(float),
        limit=_limits(flows, default_km, heat_km),
        ewc_key=flows["ewc"].fillna(""),
        material_key=flows["material"].fillna(""),
    )
    if max_distance_km is not None:
        flows["limit"] = np.minimum(flows["limit"], max_distance_km)
    facilities = inventory.facilities
    if not include_candidates:
        facilities = facilities[facilities["status"] == "existing"]
    facilities = facilities.reset_index(drop=True).assign(
        limit=lambda f: pd.to_numeric(f["max_distance_km"], errors="coerce").fillna(default_km).clip(upper=default_km)
    )
    lats = np.concatenate([flows["lat"].to_numpy(), facilities["lat"].to_numpy(dtype=float)])
    projection = Projection.around(lats)
    is_output = (flows["direction"] == "output").to_numpy()
    outputs = flows[is_output].reset_index(drop=True)
    inputs = flows[~is_output].reset_index(drop=True)
    ends = economics.Ends.of(catalogue, outputs, inputs)
    parts = [
        _direct_links(catalogue, projection, outputs, inputs, ends),
        _intake_links(inventory, projection, outputs, facilities, ends),
        _product_links(catalogue, projection, facilities, inputs, heat_km, ends),
    ]
    links = pd.concat([p for p in parts if not p.empty] or [pd.DataFrame(columns=LINK_COLUMNS)], ignore_index=True)
    links = links[LINK_COLUMNS]
    yields, outlets, shares = facility_tables(inventory, facilities)
    return Match(links, yields, outlets, shares)


REGULATIONS = ("declared_code", "energy", "by_product", "authorised")
"""Why the regulation lets a direct link through, in the order they are checked."""


def _direct_links(
    catalogue: Catalogue, projection: Projection, outputs: pd.DataFrame, inputs: pd.DataFrame, ends: economics.Ends
) -> pd.DataFrame:
    """Output-to-input links: candidate pairs per compatible class pair, then
    one vectorised pass for distances, seasons and economics.

    The regulation is applied before searching: a pair of classes with the
    same declared code is open to every output; otherwise heat and by-products
    reach any compatible input, a waste only an authorised one, and a
    hazardous waste none.
    """
    if outputs.empty or inputs.empty:
        return pd.DataFrame(columns=LINK_COLUMNS)
    out_at, in_at = Points.of(projection, outputs), Points.of(projection, inputs)
    out_limit, in_limit = outputs["limit"].to_numpy(dtype=float), inputs["limit"].to_numpy(dtype=float)
    join = BandedJoin(projection, out_at, out_limit, in_at, in_limit)
    energy = outputs["ref_unit"].to_numpy(dtype=object) == "MWh"
    not_waste = outputs["status"].to_numpy(dtype=object) != "waste"
    free = energy | not_waste
    authorised = inputs["authorised"].fillna(False).to_numpy(dtype=bool)
    out_classes = outputs.groupby(["ewc_key", "material_key", "hazardous"]).indices
    in_classes = inputs.groupby(["ewc_key", "material_key"]).indices
    lefts: list[np.ndarray] = []
    rights: list[np.ndarray] = []
    rules: list[np.ndarray] = []
    declared: list[np.ndarray] = []
    rule_names: list[str] = []

    def add(pairs: tuple[np.ndarray, np.ndarray], rule: str, by_code: bool) -> None:
        if rule not in rule_names:
            rule_names.append(rule)
        lefts.append(pairs[0])
        rights.append(pairs[1])
        rules.append(np.full(len(pairs[0]), rule_names.index(rule), dtype=np.int64))
        declared.append(np.full(len(pairs[0]), by_code))

    for o_key, o_rows in out_classes.items():
        o_ewc, o_mat, hazardous = o_key
        for i_key, i_rows in in_classes.items():
            i_ewc, i_mat = i_key
            rule = direct_rule(catalogue, o_ewc, o_mat, bool(hazardous), i_ewc, i_mat)
            if rule is None:
                continue
            if o_ewc and o_ewc == i_ewc:
                add(join.pairs((o_key, "all"), o_rows, (i_key, "all"), i_rows), rule, True)
            elif not hazardous:
                add(join.pairs((o_key, "free"), o_rows[free[o_rows]], (i_key, "all"), i_rows), rule, False)
                add(join.pairs((o_key, "waste"), o_rows[~free[o_rows]], (i_key, "authorised"), i_rows[authorised[i_rows]]), rule, False)
    if not lefts:
        return pd.DataFrame(columns=LINK_COLUMNS)
    li, ri = np.concatenate(lefts), np.concatenate(rights)
    rule_code, by_code = np.concatenate(rules), np.concatenate(declared)
    company_codes = pd.factorize(np.concatenate([outputs["company"].to_numpy(dtype=object), inputs["company"].to_numpy(dtype=object)]))[0]
    out_company, in_company = company_codes[: len(outputs)], company_codes[len(outputs):]
    distance = pair_distance_km(out_at, li, in_at, ri)
    keep = (distance <= np.minimum(out_limit[li], in_limit[ri]) + 1e-9) & (out_company[li] != in_company[ri])
    li, ri, rule_code, by_code, distance = li[keep], ri[keep], rule_code[keep], by_code[keep], distance[keep]
    regulation = np.where(by_code, 0, np.where(energy[li], 1, np.where(not_waste[li], 2, 3)))
    season_out, season_in = _season_share(outputs["months_mask"].to_numpy()[li], inputs["months_mask"].to_numpy()[ri])
    out_qty, in_qty = outputs["quantity_ref"].to_numpy(dtype=float)[li], inputs["quantity_ref"].to_numpy(dtype=float)[ri]
    is_energy = energy[li]
    cap = np.where(is_energy, np.minimum(out_qty * season_out, in_qty * season_in), np.inf)
    material = outputs["material_key"].to_numpy(dtype=object)
    columns: dict[str, Any] = {
        "from_flow": economics.text(outputs["id"]).take(li), "to": economics.text(inputs["id"]).take(ri),
        "from_kind": "output", "to_kind": "input",
        "from_company": economics.text(outputs["company"]).take(li), "to_company": economics.text(inputs["company"]).take(ri),
        "material": economics.text(np.where(material != "", material, None)).take(li),
        "unit": economics.text(outputs["ref_unit"]).take(li),
        "rule": economics.text(rule_names).take(rule_code),
        "regulation": economics.text(REGULATIONS).take(regulation),
        "distance_km": distance,
        "potential": np.minimum(np.minimum(out_qty, in_qty), cap), "cap": cap,
        "facility_status": "",
    }
    per_t = (outputs["ref_unit"].to_numpy(dtype=object) == "t")[li]
    columns.update(economics.direct(catalogue, ends, li, ri, rule_names, rule_code, per_t))
    return pd.DataFrame(columns)


@cache
def _months_table() -> np.ndarray:
    """Number of months in each 12-bit availability mask."""
    return np.array([months_available(m) for m in range(1 << 12)])


def _season_share(out_mask: np.ndarray, in_mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Share of each side's months that the other side also covers."""
    months = _months_table()
    out_mask, in_mask = out_mask.astype(np.int64), in_mask.astype(np.int64)
    both = months[np.bitwise_and(out_mask, in_mask)]
    return both / np.maximum(months[out_mask], 1), both / np.maximum(months[in_mask], 1)


def _intake_links(
    inventory: Inventory, projection: Projection, outputs: pd.DataFrame, facilities: pd.DataFrame, ends: economics.Ends
) -> pd.DataFrame:
    """Outputs to the shared facilities that accept their material (never a hazardous waste)."""
    catalogue = inventory.catalogue
    kwh = inventory.parameter("methane_kwh_per_nm3")
    frames = []
    usable = ~outputs["hazardous"].to_numpy(dtype=bool)
    for ftype_key, sites in facilities.groupby("type"):
        ftype = catalogue.facility_types[str(ftype_key)]
        accepted = [a.material for a in ftype.accepts]
        rows = np.flatnonzero(usable & outputs["material_key"].isin(accepted).to_numpy())
        candidates = outputs.iloc[rows]
        i, j, distance = join_within(projection, candidates, sites, candidates["limit"].to_numpy(), sites["limit"].to_numpy())
        if not len(i):
            continue
        src, dst = candidates.iloc[i].reset_index(drop=True), sites.iloc[j].reset_index(drop=True)
        columns: dict[str, Any] = {
            "from_flow": src["id"], "to": dst["id"], "from_kind": "output", "to_kind": "facility",
            "from_company": src["company"], "to_company": dst["operator"].fillna(dst["id"]),
            "material": src["material_key"], "unit": src["ref_unit"],
            "rule": f"facility:{ftype_key}", "regulation": "facility",
            "distance_km": distance,
            "potential": np.minimum(src["quantity_ref"].to_numpy(), dst["capacity_ref"].to_numpy()),
            "cap": np.inf, "facility_status": dst["status"],
        }
        per_t = (src["ref_unit"] == "t").to_numpy()
        columns.update(economics.intake(catalogue, ends, rows[i], ftype, per_t, kwh))
        frames.append(pd.DataFrame(columns))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=LINK_COLUMNS)


def _product_links(
    catalogue: Catalogue, projection: Projection, facilities: pd.DataFrame, inputs: pd.DataFrame, heat_km: float,
    ends: economics.Ends,
) -> pd.DataFrame:
    """Facility products to the inputs and facilities that can use them."""
    frames = []
    for ftype_key, sites in facilities.groupby("type"):
        ftype = catalogue.facility_types[str(ftype_key)]
        for product in ftype.products:
            material = catalogue.materials[product.product]
            site_limit = sites["limit"].to_numpy(dtype=float)
            if material.unit == "MWh":
                site_limit = np.minimum(site_limit, heat_km)
            rules = {
                in_mat: direct_rule(catalogue, "", product.product, False, "", in_mat)
                for in_mat in inputs["material_key"].unique()
            }
            used = np.flatnonzero(inputs["material_key"].map(rules).notna().to_numpy())
            users = inputs.iloc[used]
            i, j, distance = join_within(projection, sites, users, site_limit, users["limit"].to_numpy())
            if len(i):
                src, dst = sites.iloc[i].reset_index(drop=True), users.iloc[j].reset_index(drop=True)
                columns: dict[str, Any] = {
                    "from_flow": src["id"], "to": dst["id"], "from_kind": "facility", "to_kind": "input",
                    "from_company": src["operator"].fillna(src["id"]), "to_company": dst["company"],
                    "material": product.product, "unit": material.unit,
                    "rule": dst["material_key"].map(rules).to_numpy(), "regulation": "product",
                    "distance_km": distance, "potential": dst["quantity_ref"].to_numpy(),
                    "cap": np.inf, "facility_status": src["status"],
                }
                columns.update(economics.product(ends, used[j], material))
                frames.append(pd.DataFrame(columns))
            # Facility to facility: a product another facility accepts (chips -> boiler).
            takers = [k for k, t in catalogue.facility_types.items() if product.product in {a.material for a in t.accepts}]
            downstream = facilities[facilities["type"].isin(takers)]
            i, j, distance = join_within(projection, sites, downstream, site_limit, downstream["limit"].to_numpy(dtype=float))
            keep = sites["id"].to_numpy()[i] != downstream["id"].to_numpy()[j] if len(i) else np.zeros(0, bool)
            if keep.any():
                src = sites.iloc[i[keep]].reset_index(drop=True)
                dst = downstream.iloc[j[keep]].reset_index(drop=True)
                columns = {
                    "from_flow": src["id"], "to": dst["id"], "from_kind": "facility", "to_kind": "facility",
                    "from_company": src["operator"].fillna(src["id"]), "to_company": dst["operator"].fillna(dst["id"]),
                    "material": product.product, "unit": material.unit,
                    "rule": "facility:" + dst["type"].astype(str), "regulation": "product",
                    "distance_km": distance[keep], "potential": dst["capacity_ref"].to_numpy(),
                    "cap": np.inf,
                    "facility_status": np.where((src["status"] == "candidate") | (dst["status"] == "candidate"), "candidate", "existing"),
                }
                columns.update(economics.product(ends, None, material))
                frames.append(pd.DataFrame(columns))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=LINK_COLUMNS)


# --- facility tables -----------------------------------------------------------


def facility_tables(inventory: Inventory, facilities: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Yields, outlets and share limits for each facility of the inventory."""
    catalogue = inventory.catalogue
    kwh = inventory.parameter("methane_kwh_per_nm3")
    haul_km = inventory.parameter("outlet_distance_km")
    yields, outlets, shares = [], [], []
    for row in facilities.itertuples(index=False):  # facilities are few
        ftype: FacilityType = catalogue.facility_types[str(row.type)]
        for acceptance in ftype.accepts:
            material = catalogue.materials[acceptance.material]
            for product in ftype.products:
                value = product_yield(material, product.basis, product.factor.value, kwh)
                if value > 0:
                    yields.append((row.id, acceptance.material, product.product, value))
            if acceptance.max_share is not None:
                shares.append((row.id, acceptance.material, acceptance.max_share.value))
        declared = _declared_outlets(row.outlets)
        routes = ftype.outlets if declared is None else {p: ftype.outlets.get(p, "recycling") for p in declared}
        for product_key, route in routes.items():
            made = catalogue.materials[product_key]
            price = value_of(made.price_eur_per_unit)
            credit = value_of(made.substitution_co2e_kg_per_unit)
            distance = haul_km if made.unit == "t" else 0.0
            outlets.append((row.id, product_key, made.unit, route, distance, price, credit))
    return (
        pd.DataFrame(yields, columns=["facility", "material", "product", "per_unit"]),
        pd.DataFrame(
            outlets,
            columns=["facility", "product", "unit", "route", "distance_km", "value_eur_per_unit", "co2e_kg_per_unit"],
        ),
        pd.DataFrame(shares, columns=["facility", "material", "max_share"]),
    )


def _declared_outlets(text: object) -> list[str] | None:
    """None: the catalogue's default outlets; a list (maybe empty) otherwise."""
    if not isinstance(text, str) or not text.strip():
        return None
    parts = [p.strip() for p in text.split(";") if p.strip()]
    return [] if any(p in NO_OUTLET for p in parts) else parts


# --- the graph -------------------------------------------------------------------


def build_graph(inventory: Inventory, links: pd.DataFrame) -> nx.MultiDiGraph:
    """Companies, flows and facilities as nodes; declarations and links as edges."""
    graph: nx.MultiDiGraph = nx.MultiDiGraph()
    for row in inventory.companies.itertuples(index=False):
        graph.add_node(str(row.id), kind="company", name=row.name, lat=row.lat, lon=row.lon)
    for row in inventory.facilities.itertuples(index=False):
        graph.add_node(str(row.id), kind="facility", type=row.type, status=row.status, lat=row.lat, lon=row.lon)
    flows = inventory.flows
    graph.add_nodes_from(
        (fid, {"kind": direction, "material": material, "quantity": qty, "unit": unit})
        for fid, direction, material, qty, unit in zip(
            flows["id"], flows["direction"], flows["material"], flows["quantity_ref"], flows["ref_unit"], strict=True
        )
    )
    graph.add_edges_from(
        (c, f, {"kind": "declares"}) if d == "output" else (f, c, {"kind": "declares"})
        for c, f, d in zip(flows["company"], flows["id"], flows["direction"], strict=True)
    )
    attributes = links.drop(columns=["from_flow", "to"]).to_dict("records")
    graph.add_edges_from(
        (a, b, {"kind": "link", **attrs}) for a, b, attrs in zip(links["from_flow"], links["to"], attributes, strict=True)
    )
    return graph


# --- words -------------------------------------------------------------------------

MESSAGES: Messages = {
    "same_ewc": ("même code déchet {ewc}", "same waste code {ewc}"),
    "same_material": ("même matière ({material})", "same material ({material})"),
    "facility": ("accepté par {facility} ({status})", "accepted by {facility} ({status})"),
    "product": ("{material} produit par l'installation", "{material} made by the facility"),
    "declared_code": ("le destinataire déclare ce code en entrée", "the receiver declares this code as an input"),
    "by_product": ("sous-produit ou sortie de statut de déchet : toute entrée compatible", "by-product or end-of-waste: any compatible input"),
    "authorised": ("déchet : le destinataire est autorisé à le recevoir", "waste: the receiver is authorised to take it"),
    "facility_reg": ("déchet : les installations partagées sont autorisées", "waste: shared facilities are authorised"),
    "product_reg": ("produit, hors statut de déchet", "a product, not a waste"),
    "energy": ("énergie, hors statut de déchet", "energy, not a waste"),
    "existing": ("existante", "existing"),
    "candidate": ("en projet", "candidate"),
    "km": ("{km} km", "{km} km"),
}


def reasons(inventory: Inventory, links: pd.DataFrame, lang: Lang = "fr") -> pd.Series:
    """Each link's reason in words: compatibility, regulation, distance."""
    catalogue = inventory.catalogue
    flows = inventory.flows.set_index("id")
    texts = []
    for row in links.itertuples(index=False):  # words are built only for what is shown or written
        texts.append("; ".join(_reason_parts(catalogue, flows, row, lang)))
    return pd.Series(texts, index=links.index, dtype=object)


def _reason_parts(catalogue: Catalogue, flows: pd.DataFrame, row: Any, lang: Lang) -> Sequence[str]:
    rule, regulation = str(row.rule), str(row.regulation)
    material_key = row.material
    material = catalogue.materials.get(str(material_key)) if isinstance(material_key, str) else None
    label = (material.label_fr if lang == "fr" else material.label_en) if material else "?"
    parts: list[str] = []
    if rule == "same_ewc":
        parts.append(say(MESSAGES, "same_ewc", lang, ewc=flows.loc[row.from_flow, "ewc"]))
    elif rule == "same_material":
        parts.append(say(MESSAGES, "same_material", lang, material=label))
    elif rule.startswith("facility:"):
        ftype = catalogue.facility_types[rule.split(":", 1)[1]]
        name = ftype.label_fr if lang == "fr" else ftype.label_en
        parts.append(say(MESSAGES, "facility", lang, facility=name, status=say(MESSAGES, row.facility_status or "existing", lang)))
    elif rule in catalogue.rules:
        parts.append(catalogue.rules[rule].label_fr if lang == "fr" else catalogue.rules[rule].label_en)
    if regulation == "product":
        parts.insert(0, say(MESSAGES, "product", lang, material=label))
        parts.append(say(MESSAGES, "product_reg", lang))
    elif regulation == "facility":
        parts.append(say(MESSAGES, "facility_reg", lang))
    else:
        parts.append(say(MESSAGES, regulation, lang))
    parts.append(say(MESSAGES, "km", lang, km=number(float(row.distance_km), lang, 1)))
    return parts
