"""The KD-tree matcher against a brute-force one written from the rules.

`matcher.match` groups flows into compatibility classes and joins them with
KD-trees; the matcher here compares every output with every input and every
facility in plain loops, applying the contract's rules one by one. On small
random territories (hazardous codes, waste and by-product statuses,
authorised inputs, per-flow distance limits, heat with its own limit,
facilities, several flows per company) both must give the same links.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from symbiosis.catalogue.load import load_catalogue
from symbiosis.catalogue.models import Catalogue
from symbiosis.flows import Inventory, load_inventory
from symbiosis.matcher import match
from symbiosis.matching.compatibility import direct_rule
from symbiosis.matching.geometry import EARTH_RADIUS_KM

DEFAULT_KM = 12.0
HEAT_KM = 2.5

# Outputs cover ordinary, hazardous and rule-linked materials; inputs the same
# and the rule targets (wood chips, rubble, heat).
OUTPUT_CODES = {
    "wood_pallets": ["15 01 03"],
    "untreated_wood": ["17 02 01", "20 01 38"],
    "treated_wood": ["17 02 04"],
    "ferrous_metals": ["12 01 01", "17 04 05"],
    "waste_oil": ["13 02 05"],
    "steel_slag": ["10 02 01"],
    "canteen_biowaste": ["20 01 08"],
    "green_waste": ["20 02 01"],
    "edible_oil": ["20 01 25"],
    "waste_heat": [],
}
INPUT_MATERIALS = [
    "wood_pallets", "untreated_wood", "wood_chips", "ferrous_metals", "waste_oil",
    "inert_rubble", "canteen_biowaste", "edible_oil", "heat", "treated_wood", "digestate",
]
FACILITY_TYPES = ["biomass_boiler", "methanisation", "composting", "wood_shredding", "pallet_repair"]


def random_territory(folder: Path, seed: int) -> Path:
    """A small territory where every rule of the matcher has cases on both sides."""
    rng = np.random.default_rng(seed)
    n_companies, n_flows, n_facilities = 25, 140, 5
    lat0, lon0 = 49.3, 6.1
    # Two clusters 1-2 km wide about 10 km apart, so limits matter on both scales.
    centre = rng.integers(0, 2, n_companies)
    lat = lat0 + centre * 0.09 + rng.normal(0, 0.012, n_companies)
    lon = lon0 + rng.normal(0, 0.018, n_companies)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "territory.toml").write_text(
        f'name = "Brute force {seed}"\nyear = 2025\n[defaults]\n'
        f"max_distance_km = {DEFAULT_KM}\nheat_max_distance_km = {HEAT_KM}\n",
        encoding="utf-8",
    )
    rows = ["id,name,lat,lon"] + [f"C{i},Entreprise {i},{lat[i]:.6f},{lon[i]:.6f}" for i in range(n_companies)]
    (folder / "companies.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    lines = ["id,company,direction,ewc,material,quantity,unit,status,authorised,max_distance_km,months"]
    materials = list(OUTPUT_CODES)
    for k in range(n_flows):
        company = f"C{rng.integers(0, n_companies)}"
        limit = f"{rng.uniform(0.5, 15):.2f}" if rng.random() < 0.3 else ""
        months = rng.choice(["", "", "10-4", "5-9"])
        if rng.random() < 0.55:
            material = str(rng.choice(materials))
            codes = OUTPUT_CODES[material]
            code = str(rng.choice(codes)) if codes else ""
            if code and material in {"treated_wood", "waste_oil"} and rng.random() < 0.5:
                code += "*"
            shown = material if (not code or rng.random() < 0.5) else ""
            status = str(rng.choice(["waste", "waste", "by_product", "end_of_waste", ""]))
            unit = "MWh" if material == "waste_heat" else "t"
            lines.append(f"O{k},{company},output,{code},{shown},{rng.uniform(1, 500):.3f},{unit},{status},,{limit},"
                         f"{months if unit == 'MWh' else ''}")
        else:
            material = str(rng.choice(INPUT_MATERIALS))
            codes = OUTPUT_CODES.get(material, [])
            code = str(rng.choice(codes)) if codes and rng.random() < 0.5 else ""
            shown = "" if code and rng.random() < 0.5 else material
            authorised = str(rng.choice(["", "true", "false"]))
            unit = "MWh" if material == "heat" else "t"
            lines.append(f"I{k},{company},input,{code},{shown},{rng.uniform(1, 500):.3f},{unit},,{authorised},{limit},"
                         f"{months if unit == 'MWh' else ''}")
    (folder / "flows.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    facilities = ["id,type,lat,lon,capacity,unit,status,max_distance_km"]
    for k in range(n_facilities):
        c = rng.integers(0, n_companies)
        ftype = FACILITY_TYPES[k % len(FACILITY_TYPES)]
        limit = f"{rng.uniform(1, 15):.2f}" if rng.random() < 0.4 else ""
        status = str(rng.choice(["existing", "candidate"]))
        facilities.append(f"K{k},{ftype},{lat[c] + 0.002:.6f},{lon[c]:.6f},{rng.integers(100, 5000)},t,{status},{limit}")
    (folder / "facilities.csv").write_text("\n".join(facilities) + "\n", encoding="utf-8")
    return folder


def haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(max(a, 0.0), 1.0)))


def text(value: object) -> str:
    return value if isinstance(value, str) else ""


def brute_force(inventory: Inventory) -> dict[tuple[str, str, str], float]:
    """Every link, by loops over every pair, from the contract's rules."""
    catalogue: Catalogue = inventory.catalogue
    default_km = inventory.parameter("max_distance_km")
    heat_km = min(inventory.parameter("heat_max_distance_km"), default_km)
    where = {str(c.id): (float(c.lat), float(c.lon)) for c in inventory.companies.itertuples()}
    flows = list(inventory.flows.itertuples())

    def limit(flow: Any) -> float:
        own = flow.max_distance_km
        if own is not None and not (isinstance(own, float) and math.isnan(own)):
            return float(own)
        return heat_km if flow.ref_unit == "MWh" else default_km

    outputs = [f for f in flows if f.direction == "output"]
    inputs = [f for f in flows if f.direction == "input"]
    links: dict[tuple[str, str, str], float] = {}
    for out in outputs:
        o_ewc, o_mat = text(out.ewc), text(out.material)
        for inp in inputs:
            if out.company == inp.company:
                continue  # a company does not exchange with itself
            i_ewc, i_mat = text(inp.ewc), text(inp.material)
            rule = direct_rule(catalogue, o_ewc, o_mat, bool(out.hazardous), i_ewc, i_mat)
            if rule is None:
                continue
            same_code = o_ewc != "" and o_ewc == i_ewc
            if out.hazardous:
                allowed = same_code
            elif out.ref_unit == "MWh":
                allowed = True  # surplus heat is energy, not a waste
            else:
                allowed = same_code or out.status != "waste" or inp.authorised is True
            if not allowed:
                continue
            d = haversine(*where[str(out.company)], *where[str(inp.company)])
            if d <= min(limit(out), limit(inp)) + 1e-9:
                links[(str(out.id), str(inp.id), rule)] = d
    facilities = list(inventory.facilities.itertuples())

    def site_limit(fac: Any) -> float:
        own = fac.max_distance_km
        if own is None or (isinstance(own, float) and math.isnan(own)):
            return default_km
        return min(float(own), default_km)

    for fac in facilities:
        ftype = catalogue.facility_types[str(fac.type)]
        accepted = {a.material for a in ftype.accepts}
        for out in outputs:  # waste may go to a shared facility; hazardous waste never
            if out.hazardous or text(out.material) not in accepted:
                continue
            d = haversine(*where[str(out.company)], float(fac.lat), float(fac.lon))
            if d <= min(limit(out), site_limit(fac)) + 1e-9:
                links[(str(out.id), str(fac.id), f"facility:{fac.type}")] = d
        for product in ftype.products:
            unit = catalogue.materials[product.product].unit
            reach = min(site_limit(fac), heat_km) if unit == "MWh" else site_limit(fac)
            for inp in inputs:
                rule = direct_rule(catalogue, "", product.product, False, "", text(inp.material))
                if rule is None:
                    continue
                d = haversine(float(fac.lat), float(fac.lon), *where[str(inp.company)])
                if d <= min(reach, limit(inp)) + 1e-9:
                    links[(str(fac.id), str(inp.id), rule)] = d
            for other in facilities:
                taker = catalogue.facility_types[str(other.type)]
                if other.id == fac.id or product.product not in {a.material for a in taker.accepts}:
                    continue
                d = haversine(float(fac.lat), float(fac.lon), float(other.lat), float(other.lon))
                if d <= min(reach, site_limit(other)) + 1e-9:
                    links[(str(fac.id), str(other.id), f"facility:{other.type}")] = d
    return links


@pytest.mark.parametrize("seed", range(6))
def test_matcher_agrees_with_brute_force(tmp_path: Path, seed: int) -> None:
    inventory = load_inventory(random_territory(tmp_path / f"t{seed}", seed), load_catalogue())
    links = match(inventory).links
    found = {
        (str(a), str(b), str(r)): float(d)
        for a, b, r, d in zip(links["from_flow"], links["to"], links["rule"], links["distance_km"], strict=True)
    }
    # One link per pair and material (a facility may send two products to another).
    assert not links.duplicated(["from_flow", "to", "rule", "material"]).any()
    expected = brute_force(inventory)
    missing = sorted(set(expected) - set(found))
    extra = sorted(set(found) - set(expected))
    assert not missing and not extra, f"missing {missing[:10]}, extra {extra[:10]}"
    for key, distance in expected.items():
        assert found[key] == pytest.approx(distance, abs=1e-6), key
    # The territories do exercise the rules the test is about.
    rules = {r for _, _, r in expected}
    assert {"same_ewc", "wood_to_wood_users", "waste_heat_to_heat_users"} <= rules
    assert any(r.startswith("facility:") for r in rules)
    assert any(str(r).startswith("K") and str(t).startswith("K") for r, t, _ in expected)


UNCODED = {
    "territory.toml": 'name = "x"\nyear = 2025\n',
    "companies.csv": "id,name,lat,lon\nA,A,49.30,6.10\nB,B,49.31,6.10\n",
    "flows.csv": (
        "id,company,direction,ewc,material,quantity,unit,status,authorised\n"
        "O1,A,output,,ferrous_metals,10,t,waste,\n"
        "O2,A,output,12 01 01,,10,t,waste,\n"
        "I1,B,input,,ferrous_metals,10,t,,false\n"
    ),
}


def test_waste_without_code_needs_an_authorised_receiver(tmp_path: Path) -> None:
    for name, content in UNCODED.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    links = match(load_inventory(tmp_path, load_catalogue())).links
    # The coded waste O2 is refused (I1 is not authorised); the same scrap declared
    # by material only must be refused too.
    assert set(links["from_flow"]) == set()
