"""A seeded synthetic region: thousands of companies in clustered industrial zones.

The region is a square of about 300 x 300 km (Grand Est's size) around a
centre; companies sit in industrial zones grouped around urban poles, as in
a real region, plus a share scattered in the countryside. Flows use the
shipped catalogue's materials and EWC codes, with the mix of statuses,
hazardous codes, authorisations, per-flow distance limits, heat with
seasons and unit spellings that real inventories have. Everything is drawn
from one `numpy` generator, so a seed gives the same territory every time.

    python -m benchmarks.generate OUT --companies 10000 --flows 100000 --seed 1
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from symbiosis.catalogue.ewc import list_of_waste
from symbiosis.catalogue.load import load_catalogue
from symbiosis.catalogue.models import Catalogue

KM_PER_DEG_LAT = 111.195

# Relative frequency of each material among declared outputs and inputs.
OUTPUT_MIX: dict[str, float] = {
    "cardboard_paper": 12, "plastic_film": 8, "rigid_plastics": 6, "wood_pallets": 10,
    "untreated_wood": 5, "treated_wood": 2, "ferrous_metals": 10, "non_ferrous_metals": 4,
    "mill_scale": 1, "steel_slag": 1, "food_industry_waste": 5, "canteen_biowaste": 5,
    "edible_oil": 2, "green_waste": 3, "sludge": 2, "waste_oil": 3, "textiles": 2, "glass": 3,
    "absorbents": 1, "machining_emulsions": 1, "tyres": 1, "weee": 2, "inert_rubble": 4,
    "foundry_sand": 1, "mixed_waste": 8, "waste_heat": 3,
}
INPUT_MIX: dict[str, float] = {
    "cardboard_paper": 3, "plastic_film": 2, "rigid_plastics": 3, "untreated_wood": 3,
    "wood_chips": 4, "wood_pallets": 4, "ferrous_metals": 3, "non_ferrous_metals": 2,
    "mill_scale": 0.3, "food_industry_waste": 1, "edible_oil": 1, "sludge": 0.5,
    "waste_oil": 1, "textiles": 1, "glass": 1, "absorbents": 0.3, "machining_emulsions": 0.5,
    "tyres": 0.5, "weee": 0.5, "inert_rubble": 4, "canteen_biowaste": 0.5, "green_waste": 1,
    "heat": 4,
}
FACILITY_MIX: dict[str, float] = {
    "biomass_boiler": 4, "methanisation": 2, "composting": 2, "wood_shredding": 1, "pallet_repair": 1,
}


@dataclass(frozen=True)
class Spec:
    """What to generate; sizes are exact, everything else follows the seed."""

    companies: int = 10_000
    flows: int = 100_000
    facilities: int | None = None
    """Shared facilities (None: one per 500 companies, at least 2)."""
    seed: int = 0
    output_share: float = 0.85
    width_km: float = 300.0
    centre: tuple[float, float] = (48.7, 6.2)
    max_distance_km: float = 15.0
    """Territory default: low-value wastes rarely travel further in a region."""
    candidate_share: float = 0.0
    """Share of facilities that are candidates (not built unless sited)."""
    pole_spread_km: float = 8.0
    """Standard deviation of zones around their urban pole."""
    companies_per_zone: int = 40
    zone_size_shape: float = 1.5
    """Pareto shape of zone sizes: smaller means a few very large zones."""

    @property
    def n_facilities(self) -> int:
        return max(2, self.companies // 500) if self.facilities is None else self.facilities


def generate(folder: Path | str, spec: Spec = Spec(), catalogue: Catalogue | None = None) -> Path:
    """Write an inventory folder for `spec` and return its path."""
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    catalogue = catalogue or load_catalogue()
    rng = np.random.default_rng(spec.seed)
    companies = _companies(rng, spec)
    flows = _flows(rng, spec, companies, catalogue)
    facilities = _facilities(rng, spec, companies)
    (root / "territory.toml").write_text(
        f'name = "Région synthétique {spec.seed}"\nyear = 2025\n'
        f'description = "{spec.companies} entreprises, {spec.flows} flux (benchmarks/generate.py)"\n'
        f"[defaults]\nmax_distance_km = {spec.max_distance_km}\n",
        encoding="utf-8",
    )
    companies.to_csv(root / "companies.csv", index=False, lineterminator="\n")
    flows.to_csv(root / "flows.csv", index=False, lineterminator="\n")
    if len(facilities):
        facilities.to_csv(root / "facilities.csv", index=False, lineterminator="\n")
    else:
        (root / "facilities.csv").unlink(missing_ok=True)
    return root


def _to_degrees(spec: Spec, x_km: np.ndarray, y_km: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lat0, lon0 = spec.centre
    lat = lat0 + y_km / KM_PER_DEG_LAT
    lon = lon0 + x_km / (KM_PER_DEG_LAT * np.cos(np.radians(lat0)))
    return np.round(lat, 6), np.round(lon, 6)


def _companies(rng: np.random.Generator, spec: Spec) -> pd.DataFrame:
    """Zones clustered around urban poles; a tenth of companies scattered."""
    n = spec.companies
    half = spec.width_km / 2
    n_poles = max(1, round(np.sqrt(n) / 4))
    n_zones = max(1, n // spec.companies_per_zone)
    poles = rng.uniform(-half * 0.85, half * 0.85, size=(n_poles, 2))
    pole_of_zone = rng.integers(0, n_poles, n_zones)
    zones = poles[pole_of_zone] + rng.normal(0.0, spec.pole_spread_km, size=(n_zones, 2))
    zone_radius = rng.uniform(0.3, 2.0, n_zones)
    zone_size = rng.pareto(spec.zone_size_shape, n_zones) + 1.0
    scattered = rng.random(n) < 0.1
    zone = rng.choice(n_zones, size=n, p=zone_size / zone_size.sum())
    xy = zones[zone] + rng.normal(0.0, 1.0, size=(n, 2)) * zone_radius[zone, None]
    xy[scattered] = rng.uniform(-half, half, size=(int(scattered.sum()), 2))
    xy = np.clip(xy, -half, half)
    lat, lon = _to_degrees(spec, xy[:, 0], xy[:, 1])
    ids = np.char.add("E", np.char.zfill(np.arange(1, n + 1).astype(str), 6))
    employees = np.maximum(1, rng.lognormal(3.0, 1.2, n)).astype(int)
    return pd.DataFrame(
        {
            "id": ids,
            "name": np.char.add("Établissement ", ids),
            "lat": lat,
            "lon": lon,
            "zone": np.where(scattered, "", np.char.add("ZA-", zone.astype(str))),
            "employees": employees,
            "ess": rng.random(n) < 0.03,
        }
    )


def _codes(catalogue: Catalogue) -> dict[str, list[str]]:
    return {key: list(m.ewc) for key, m in catalogue.materials.items()}


def _flows(rng: np.random.Generator, spec: Spec, companies: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    n = spec.flows
    weight = companies["employees"].to_numpy(dtype=float) ** 0.5
    company = companies["id"].to_numpy()[rng.choice(len(companies), size=n, p=weight / weight.sum())]
    output = rng.random(n) < spec.output_share
    material = np.empty(n, dtype=object)
    for mask, mix in ((output, OUTPUT_MIX), (~output, INPUT_MIX)):
        keys = list(mix)
        p = np.array([mix[k] for k in keys], dtype=float)
        material[mask] = np.array(keys, dtype=object)[rng.choice(len(keys), size=int(mask.sum()), p=p / p.sum())]
    codes = _codes(catalogue)
    hazardous_codes = {c for c, e in list_of_waste().items() if e.hazardous}
    # An EWC code from the material's list (none for energy and wood chips).
    ewc = np.array(
        [codes[m][int(u * len(codes[m]))] if codes[m] else "" for m, u in zip(material, rng.random(n), strict=True)],
        dtype=object,
    )
    hazardous = np.isin(ewc, list(hazardous_codes))
    energy = np.isin(material, ["waste_heat", "heat"])
    has_code = ewc != ""
    # Outputs: code always where one exists, material half the time; inputs: a
    # code a third of the time (always for hazardous materials), else the material.
    give_code = np.where(output, has_code, has_code & ((rng.random(n) < 0.33) | hazardous))
    give_material = ~give_code | ~has_code | (rng.random(n) < 0.5)
    status = np.where(~output, "", rng.choice(["waste", "by_product", "end_of_waste"], n, p=[0.75, 0.2, 0.05]))
    status = np.where(output & hazardous, "waste", status)
    authorised = np.where(~output & ~give_code & (rng.random(n) < 0.15), "true", "")
    quantity = np.round(rng.lognormal(np.where(energy, 6.0, 3.5), 1.3, n), 3)
    unit = np.where(energy, "MWh", "t")
    as_kg = ~energy & (rng.random(n) < 0.05)
    quantity = np.where(as_kg, np.round(quantity * 1000.0), quantity)
    unit = np.where(as_kg, "kg", unit)
    limit = np.where(~energy & (rng.random(n) < 0.3), np.round(rng.uniform(5.0, 40.0, n)), np.nan)
    months = np.where(energy & (rng.random(n) < 0.4), rng.choice(["10-4", "11-3", "1-12", "9-5", "5-9"], n), "")
    ids = np.char.add("F", np.char.zfill(np.arange(1, n + 1).astype(str), 7))
    # Hazardous outputs keep their asterisk, as inventories write them.
    written = np.where(hazardous & (rng.random(n) < 0.7), ewc + "*", ewc)
    frame = pd.DataFrame(
        {
            "id": ids,
            "company": company,
            "direction": np.where(output, "output", "input"),
            "ewc": np.where(give_code, written, ""),
            "material": np.where(give_material, material, ""),
            "quantity": quantity,
            "unit": unit,
            "max_distance_km": limit,
            "status": status,
            "authorised": authorised,
            "months": months,
        }
    )
    return frame


def _facilities(rng: np.random.Generator, spec: Spec, companies: pd.DataFrame) -> pd.DataFrame:
    """Facilities next to companies (in zones), with round capacities."""
    n = spec.n_facilities
    if n == 0:
        return pd.DataFrame()
    keys = list(FACILITY_MIX)
    p = np.array([FACILITY_MIX[k] for k in keys], dtype=float)
    types = np.array(keys)[rng.choice(len(keys), size=n, p=p / p.sum())]
    host = rng.choice(len(companies), size=n, replace=False)
    lat = np.round(companies["lat"].to_numpy()[host] + rng.normal(0, 0.005, n), 6)
    lon = np.round(companies["lon"].to_numpy()[host] + rng.normal(0, 0.005, n), 6)
    capacity = np.round(rng.choice([500, 1000, 2000, 5000, 10000], n) * rng.uniform(0.8, 1.2, n), -1)
    status = np.where(rng.random(n) < spec.candidate_share, "candidate", "existing")
    ids = np.char.add("K", np.char.zfill(np.arange(1, n + 1).astype(str), 4))
    return pd.DataFrame(
        {
            "id": ids,
            "type": types,
            "lat": lat,
            "lon": lon,
            "capacity": capacity,
            "unit": "t",
            "status": status,
            "capex_eur": np.round(capacity * 300.0, -3),
            "opex_eur_per_year": np.round(capacity * 20.0, -3),
            "jobs": np.round(capacity / 1000.0, 1),
            "operator": companies["id"].to_numpy()[host],
        }
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write a synthetic regional inventory.")
    parser.add_argument("out", type=Path)
    parser.add_argument("--companies", type=int, default=10_000)
    parser.add_argument("--flows", type=int, default=100_000)
    parser.add_argument("--facilities", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    spec = Spec(companies=args.companies, flows=args.flows, facilities=args.facilities, seed=args.seed)
    print(generate(args.out, spec))


if __name__ == "__main__":
    main()
