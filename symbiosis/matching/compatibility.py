"""Which output may reach which input: materials, rules, regulation, distance limits, seasons."""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from symbiosis.catalogue.models import Catalogue
from symbiosis.inventory.schema import months_available


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


def distance_limits(flows: pd.DataFrame, default_km: float, heat_km: float) -> np.ndarray:
    default = np.where(flows["ref_unit"].to_numpy() == "MWh", heat_km, default_km)
    own = pd.to_numeric(flows["max_distance_km"], errors="coerce").to_numpy(dtype=float)
    return np.where(np.isnan(own), default, own)


REGULATIONS = ("declared_code", "energy", "by_product", "authorised")
"""Why the regulation lets a direct link through, in the order they are checked."""


@cache
def _months_table() -> np.ndarray:
    """Number of months in each 12-bit availability mask."""
    return np.array([months_available(m) for m in range(1 << 12)])


def season_share(out_mask: np.ndarray, in_mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Share of each side's months that the other side also covers."""
    months = _months_table()
    out_mask, in_mask = out_mask.astype(np.int64), in_mask.astype(np.int64)
    both = months[np.bitwise_and(out_mask, in_mask)]
    return both / np.maximum(months[out_mask], 1), both / np.maximum(months[in_mask], 1)
