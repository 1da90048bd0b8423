"""The inventory: territory, companies, flows and facilities.

An inventory is a folder (see docs/inventory.md). Reading it goes in three
steps, so that 100,000 flows validate in a few seconds and every problem is
reported at once with its file, line and column:

1. split the CSV text and normalise it column by column with pandas
   (decimal commas, blanks, yes/no words, unit spellings): `inventory/csvtable.py`,
   `inventory/cells.py`;
2. validate each column against its field's type in pydantic's compiled
   core (types and bounds): `inventory/schema.py`;
3. cross-check whole columns with pandas (duplicate ids, unknown companies,
   EWC codes outside the List of Waste, unit conversions): `inventory/derive.py`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from symbiosis.catalogue.load import load_catalogue
from symbiosis.catalogue.models import Catalogue
from symbiosis.core.problems import InputError, Problem, problem
from symbiosis.core.words import Messages
from symbiosis.inventory.cells import empty_frame, read_table, validated
from symbiosis.inventory.csvtable import read_rows
from symbiosis.inventory.derive import derive_facilities, derive_flows, duplicate_ids, unknown_refs
from symbiosis.inventory.messages import MESSAGES
from symbiosis.inventory.schema import Company, Facility, Flow, Territory
from symbiosis.inventory.territory import read_territory, unknown_collector


@dataclass(frozen=True)
class Inventory:
    """A validated inventory: the territory and one frame per table.

    Frames carry the contract's columns plus derived ones: `line` (source
    line, for messages), and for flows `hazardous`, `family`, `ref_unit`,
    `quantity_ref` (in the material's reference unit) and `months_mask`
    (bit m-1 set when the flow is available in month m).
    """

    folder: Path
    territory: Territory
    companies: pd.DataFrame
    flows: pd.DataFrame
    facilities: pd.DataFrame
    catalogue: Catalogue = field(repr=False)

    def parameter(self, name: str) -> float:
        """A territory default, else the catalogue's value."""
        own = getattr(self.territory.defaults, name, None)
        if own is not None:
            return float(own)
        figure = getattr(self.catalogue.parameters, name)
        return float(figure.value)


def load_inventory(folder: Path | str, catalogue: Catalogue | None = None) -> Inventory:
    """Read and validate an inventory folder; raise `InputError` with every problem."""
    root = Path(folder)
    catalogue = catalogue or load_catalogue()
    if not root.is_dir():
        raise InputError([problem(MESSAGES, "not_a_folder", str(root), path=root)])
    problems: list[Problem] = []
    territory = read_territory(root / "territory.toml", problems)
    company_rows = read_rows(root / "companies.csv", ("id", "name", "lat", "lon"), problems)
    companies = None if company_rows is None else validated(company_rows, Company, "companies.csv", problems)
    flows = read_table(
        root / "flows.csv", Flow, ("id", "company", "direction", "quantity", "unit"), problems
    )
    facilities_path = root / "facilities.csv"
    facilities = (
        read_table(
            facilities_path,
            Facility,
            ("id", "type", "lat", "lon", "capacity", "unit", "status"),
            problems,
        )
        if facilities_path.exists()
        else empty_frame(Facility)
    )
    # Ids of every company row, valid or not: a flow of a company whose latitude
    # is wrong is not also reported as pointing to an unknown company.
    company_ids = frozenset() if company_rows is None else frozenset(company_rows["id"].str.strip())
    if companies is not None:
        problems += duplicate_ids(companies, "companies.csv")
        if territory is not None:
            problems += unknown_collector(root / "territory.toml", territory, company_ids)
    if flows is not None:
        problems += duplicate_ids(flows, "flows.csv")
        if companies is not None:
            problems += unknown_refs(flows, "company", company_ids, "flows.csv", "unknown_company")
        flows = derive_flows(flows, catalogue, problems)
    if facilities is not None:
        problems += duplicate_ids(facilities, "facilities.csv")
        if companies is not None:
            known = facilities[facilities["operator"].notna()]
            problems += unknown_refs(known, "operator", company_ids, "facilities.csv", "unknown_operator")
        facilities = derive_facilities(facilities, catalogue, problems)
    if problems or territory is None or companies is None or flows is None or facilities is None:
        raise InputError(problems)
    return Inventory(root, territory, companies, flows, facilities, catalogue)


EXCLUDE_MESSAGES: Messages = {
    "unknown": ("entreprise « {value} » inconnue de l'inventaire", "company '{value}' is not in the inventory"),
}


def without_companies(inventory: Inventory, ids: Iterable[str]) -> Inventory:
    """The inventory as if these companies had left the territory."""
    leaving = set(ids)
    unknown = sorted(leaving - set(inventory.companies["id"]))
    if unknown:
        raise InputError(
            [problem(EXCLUDE_MESSAGES, "unknown", "--exclude-company", value=value) for value in unknown]
        )
    if not leaving:
        return inventory
    companies = inventory.companies[~inventory.companies["id"].isin(leaving)].reset_index(drop=True)
    flows = inventory.flows[~inventory.flows["company"].isin(leaving)].reset_index(drop=True)
    return replace(inventory, companies=companies, flows=flows)
