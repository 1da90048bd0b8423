"""The jobs an exchange creates, who holds them, and what kind of work they are.

Per tonne moved from a declared output (activities.toml says why each figure):

- `work`: the work of the link's activity, done by the receiver of a direct
  exchange or the operator of a facility; none for a candidate facility that
  declares its posts (they are counted once, as fixed jobs, when it runs; an
  existing facility's posts exist today and are not the plan's);
- `collection`: a separate collection the plan creates, only where none
  exists today (today's route is landfill or incineration and the material
  does not already travel apart), done by the territory's collector;
- `displaced`: the work of today's route, which stops (nobody's in the
  territory when it is `outside`).

Energy creates no job counted here, nor an intake an existing facility
receives today (`unchanged`). A job is an insertion job only in an
SIAE, adapted work only in an ESAT or EA (`companies.csv` `structure`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from symbiosis.catalogue.models import DISPOSAL_ROUTES, Catalogue
from symbiosis.inventory.schema import ADAPTED_STRUCTURES, INSERTION_STRUCTURES
from symbiosis.matching.economics import on_pairs

if TYPE_CHECKING:
    from symbiosis.flows import Inventory

KINDS: tuple[str, ...] = ("insertion", "adapted", "other")
"""Kinds of jobs, by the structure that holds them (contract §4)."""

COLLECTION = "collection"
"""The activity of a new separate collection."""


def work_per_unit(catalogue: Catalogue, material: object, key: object) -> float:
    """FTE per unit of `material` for an activity or route: the material's own
    figure where it states one, else the activity's (0 for an unknown key)."""
    own = catalogue.materials.get(str(material))
    if own is not None and str(key) in own.jobs_per_kt:
        return own.jobs_per_kt[str(key)].value / 1000
    activity = catalogue.activities.get(str(key))
    return activity.jobs_per_kt.value / 1000 if activity is not None else 0.0


def job_parts(inventory: Inventory, links: pd.DataFrame) -> pd.DataFrame:
    """Per link, per unit that travels: `work`, `collection`, `displaced` (FTE),
    `worker` and `collector` (company ids, '' for an unnamed one)."""
    catalogue = inventory.catalogue
    n = len(links)
    counted = ((links["from_kind"] == "output") & (links["unit"] == "t") & ~links["unchanged"].astype(bool)).to_numpy(dtype=bool)
    material = links["material"].fillna("").astype(object)
    work = on_pairs(material, links["activity"].fillna("").astype(object),
                    lambda m, a: work_per_unit(catalogue, m, a)).astype(float) if n else np.zeros(0)
    displaced = on_pairs(material, links["today_route"].fillna("").astype(object),
                         lambda m, r: work_per_unit(catalogue, m, r)).astype(float) if n else np.zeros(0)
    to_facility = (links["to_kind"] == "facility").to_numpy(dtype=bool)
    facilities = inventory.facilities.set_index("id")
    built = facilities[(facilities["status"] == "candidate") & pd.to_numeric(facilities["jobs"], errors="coerce").notna()]
    posts = links["to"].isin(built.index).to_numpy(dtype=bool)
    # A facility built with declared posts has those jobs, counted once (an
    # existing one's posts exist today: what the plan brings it is work by the
    # tonne); an exchange whose activity is collection has no work but that
    # collection, counted where new.
    work = np.where((to_facility & posts) | (links["activity"] == COLLECTION).to_numpy(dtype=bool), 0.0, work)
    apart = {k for k, m in catalogue.materials.items() if m.collected_apart}
    new_collection = links["today_route"].isin(DISPOSAL_ROUTES).to_numpy(dtype=bool) & ~material.isin(apart).to_numpy()
    collection = np.where(new_collection, work_per_unit(catalogue, "", COLLECTION), 0.0)
    companies = set(inventory.companies["id"])
    operator = links["to"].map(facilities["operator"]).astype(object)
    worker = links["to_company"].astype(object).where(~to_facility, operator)
    worker = worker.where(worker.isin(companies), "")
    collector = inventory.territory.collector or ""
    return pd.DataFrame(
        {
            "work": np.where(counted, work, 0.0),
            "collection": np.where(counted, collection, 0.0),
            "displaced": np.where(counted, displaced, 0.0),
            "worker": worker.to_numpy(dtype=object),
            "collector": np.where(counted & new_collection, collector, ""),
        },
        index=links.index,
    )


def kind_of(inventory: Inventory, ids: pd.Series) -> np.ndarray:
    """The kind of jobs each company id holds ('' and unknown ids: other)."""
    structure = inventory.companies.set_index("id")["structure"]
    kinds = ids.map(structure).fillna("other")
    return np.where(kinds.isin(INSERTION_STRUCTURES), "insertion",
                    np.where(kinds.isin(ADAPTED_STRUCTURES), "adapted", "other"))


def jobs_by_kind(inventory: Inventory, parts: pd.DataFrame) -> pd.DataFrame:
    """Per link, FTE per unit of each kind: the work and collection where they
    are held, today's displaced work under `other`; `total` is their sum."""
    work_kind = kind_of(inventory, parts["worker"])
    collect_kind = kind_of(inventory, parts["collector"])
    columns = {
        kind: np.where(work_kind == kind, parts["work"], 0.0) + np.where(collect_kind == kind, parts["collection"], 0.0)
        for kind in KINDS
    }
    columns["other"] = columns["other"] - parts["displaced"].to_numpy(dtype=float)
    frame = pd.DataFrame(columns, index=parts.index)
    frame["total"] = frame[list(KINDS)].sum(axis=1)
    return frame
