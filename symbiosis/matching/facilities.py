"""What each shared facility makes of its intake: yields, outlets and share limits."""

from __future__ import annotations

import pandas as pd

from symbiosis.catalogue.models import FacilityType, product_yield, value_of
from symbiosis.core.frames import rows
from symbiosis.flows import Inventory
from symbiosis.inventory.schema import NO_OUTLET


def facility_tables(inventory: Inventory, facilities: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Yields, outlets and share limits for each facility of the inventory."""
    catalogue = inventory.catalogue
    kwh = inventory.parameter("methane_kwh_per_nm3")
    haul_km = inventory.parameter("outlet_distance_km")
    yields, outlets, shares = [], [], []
    for row in rows(facilities):  # facilities are few
        ftype: FacilityType = catalogue.facility_types[str(row.type)]
        for acceptance in ftype.accepts:
            material = catalogue.materials[acceptance.material]
            for product in ftype.products:
                value = product_yield(material, product.basis, product.factor.value, kwh)
                if value > 0:
                    yields.append((row.id, acceptance.material, product.product, value))
            if acceptance.max_share is not None:
                shares.append((row.id, acceptance.material, acceptance.max_share.value))
        declared = declared_outlets(row.outlets)
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


def declared_outlets(text: object) -> list[str] | None:
    """None: the catalogue's default outlets; a list (maybe empty) otherwise."""
    if not isinstance(text, str) or not text.strip():
        return None
    parts = [p.strip() for p in text.split(";") if p.strip()]
    return [] if any(p in NO_OUTLET for p in parts) else parts
