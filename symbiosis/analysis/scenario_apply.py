"""A scenario applied to an inventory: a new inventory and optimiser options.

The inventory folder is never touched: every change is made on the frames
in memory, and companies, flows and facilities a scenario adds are read
back through the inventory reader, with the same checks as its files.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from symbiosis.analysis.scenario_file import (
    MESSAGES,
    AddCompany,
    AddFacility,
    Change,
    ChooseFacilities,
    OpenFacility,
    RemoveCompany,
    RemoveFacility,
    ScaleFlows,
    Scenario,
    SetParameter,
)
from symbiosis.catalogue.load import CatalogueError, parse_catalogue
from symbiosis.core.problems import InputError, Problem, problem
from symbiosis.core.words import Messages, Text, joined
from symbiosis.flows import Inventory, load_inventory
from symbiosis.inventory.schema import Company, Defaults, Facility, Flow
from symbiosis.model.options import Options


@dataclass(frozen=True)
class Applied:
    """An inventory changed by a scenario, and how to optimise it."""

    scenario: Scenario
    inventory: Inventory
    options: Options


def apply(inventory: Inventory, scenario: Scenario, options: Options, source: str) -> Applied:
    """Apply every change in order; unknown references are reported together."""
    problems: list[Problem] = []
    companies, flows, facilities = inventory.companies, inventory.flows, inventory.facilities
    catalogue = inventory.catalogue
    defaults = inventory.territory.defaults
    force_open = list(options.force_open)
    max_open = dict(options.max_open)
    candidates: list[str] = []
    siting = options.siting
    edits: dict[str, float] = {}
    new_companies: list[dict[str, Any]] = []
    new_flows: list[dict[str, Any]] = []
    new_facilities: list[dict[str, Any]] = []
    for position, change in enumerate(scenario.change, start=1):
        def fail(key: str, change: Change = change, position: int = position, **params: object) -> None:
            prefix = Text(MESSAGES, "change", {"n": position, "action": getattr(change, "action", "?")})
            problems.append(problem(MESSAGES, "in_change", source, change=prefix, message=Text(MESSAGES, key, params)))

        known_facilities = set(facilities["id"]) | {f["id"] for f in new_facilities}
        if isinstance(change, OpenFacility):
            status = dict(zip(facilities["id"], facilities["status"], strict=True))
            if change.facility not in known_facilities:
                fail("unknown_facility", value=change.facility)
            elif status.get(change.facility, "candidate") != "candidate":
                fail("not_candidate", value=change.facility)
            else:
                force_open.append(change.facility)
        elif isinstance(change, ChooseFacilities):
            if change.type not in catalogue.facility_types:
                fail("unknown_type", value=change.type)
                continue
            pool = facilities[(facilities["type"] == change.type) & (facilities["status"] == "candidate")]["id"].tolist()
            pool += [f["id"] for f in new_facilities if f["type"] == change.type and f["status"] == "candidate"]
            chosen = change.candidates if change.candidates is not None else pool
            for value in chosen:
                if value not in pool:
                    fail("not_candidate", value=value)
            siting = True
            candidates += [c for c in chosen if c in pool]
            max_open[change.type] = change.max
        elif isinstance(change, AddFacility):
            if change.type not in catalogue.facility_types:
                fail("unknown_type", value=change.type)
            elif change.id in known_facilities:
                fail("duplicate", value=change.id)
            else:
                row = change.model_dump(exclude={"action", "build"})
                row["status"] = "candidate"
                new_facilities.append(row)
                if change.build:
                    force_open.append(change.id)
        elif isinstance(change, RemoveFacility):
            if change.facility not in known_facilities:
                fail("unknown_facility", value=change.facility)
            facilities = facilities[facilities["id"] != change.facility]
            new_facilities = [f for f in new_facilities if f["id"] != change.facility]
        elif isinstance(change, RemoveCompany):
            if change.company not in set(companies["id"]):
                fail("unknown_company", value=change.company)
            companies = companies[companies["id"] != change.company]
            flows = flows[flows["company"] != change.company]
        elif isinstance(change, AddCompany):
            if change.id in set(companies["id"]):
                fail("duplicate", value=change.id)
            new_companies.append(change.model_dump(exclude={"action", "flows"}))
            new_flows += [{**f.model_dump(), "company": change.id} for f in change.flows]
        elif isinstance(change, ScaleFlows):
            if change.company is None and change.material is None:
                fail("scale_what")
                continue
            if change.company is not None and change.company not in set(companies["id"]):
                fail("unknown_company", value=change.company)
            if change.material is not None and change.material not in catalogue.materials:
                fail("unknown_material", value=change.material)
            mask = pd.Series(True, index=flows.index)
            if change.company is not None:
                mask &= flows["company"] == change.company
            if change.material is not None:
                mask &= flows["material"] == change.material
            if change.direction is not None:
                mask &= flows["direction"] == change.direction
            flows = flows.assign(
                quantity=np.where(mask, flows["quantity"] * change.factor, flows["quantity"]),
                quantity_ref=np.where(mask, flows["quantity_ref"] * change.factor, flows["quantity_ref"]),
            )
            flows = flows[flows["quantity_ref"] > 0]
        elif isinstance(change, SetParameter):
            if change.parameter in Defaults.model_fields:
                defaults = defaults.model_copy(update={change.parameter: change.value})
            elif "." in change.parameter:
                edits[change.parameter] = change.value
            else:
                fail("unknown_parameter", value=change.parameter, allowed=", ".join(Defaults.model_fields))
    if edits:
        try:
            catalogue = _edit_catalogue(inventory, edits)
        except (KeyError, CatalogueError) as error:
            problems.append(problem(MESSAGES, "bad_parameter", source, value=", ".join(edits), detail=str(error)))
    if problems:
        raise InputError(problems)
    changed = replace(
        inventory,
        territory=inventory.territory.model_copy(update={"defaults": defaults}),
        companies=companies.reset_index(drop=True),
        flows=flows.reset_index(drop=True),
        facilities=facilities.reset_index(drop=True),
        catalogue=catalogue,
    )
    if new_companies or new_flows or new_facilities or edits:
        changed = _revalidate(changed, new_companies, new_flows, new_facilities, source)
    objective = scenario.objective or options.objective
    return Applied(
        scenario,
        changed,
        replace(
            options,
            objective=objective,
            force_open=tuple(dict.fromkeys(force_open)),
            max_open=max_open,
            siting=siting,
            candidates=tuple(dict.fromkeys(candidates)) if siting and candidates else options.candidates,
        ),
    )


def _edit_catalogue(inventory: Inventory, edits: dict[str, float]) -> Any:
    """A copy of the catalogue with some figures changed (sources kept, noted)."""
    document = inventory.catalogue.model_dump()
    for path, value in edits.items():
        node: Any = document
        parts = path.split(".")
        for part in parts[:-1]:
            node = node[part]
        leaf = node[parts[-1]]
        if isinstance(leaf, dict) and "value" in leaf:
            leaf["value"] = value
            leaf["note"] = f"changed by scenario to {value}"
        else:
            node[parts[-1]] = value
    return parse_catalogue(document)


def _revalidate(
    inventory: Inventory,
    companies: list[dict[str, Any]],
    flows: list[dict[str, Any]],
    facilities: list[dict[str, Any]],
    source: str,
) -> Inventory:
    """Write the changed inventory to a temporary folder and read it back,
    so that added companies, flows and facilities get the same checks and
    conversions as those of the inventory files."""
    import tempfile

    import tomli_w

    with tempfile.TemporaryDirectory(prefix="symbiosis-scenario-") as temp:
        folder = Path(temp)
        territory = inventory.territory.model_dump(exclude_none=True)
        (folder / "territory.toml").write_text(tomli_w.dumps(territory), "utf-8")
        for name, frame, extra, model in (
            ("companies.csv", inventory.companies, companies, Company),
            ("flows.csv", inventory.flows, flows, Flow),
            ("facilities.csv", inventory.facilities, facilities, Facility),
        ):
            columns = [c for c in model.model_fields if c != "hazardous"]
            base = frame.reindex(columns=columns)
            if name == "flows.csv":
                # Keep scaled quantities exact: write them in the reference unit.
                base = base.assign(quantity=frame["quantity_ref"], unit=frame["ref_unit"])
                base["ewc"] = [f"{code}*" if code and haz else code for code, haz in zip(frame["ewc"].fillna(""), frame["hazardous"], strict=True)]
            table = pd.concat([base, pd.DataFrame(extra).reindex(columns=columns)], ignore_index=True)
            table.to_csv(folder / name, index=False)
        try:
            return load_inventory(folder, inventory.catalogue)
        except InputError as error:
            detail = joined([_located(found) for found in error.problems], "; ")
            raise InputError([problem(MESSAGES, "invalid_inventory", source, detail=detail)]) from error


_LOCATED: Messages = {"at": ("{where}: {message}", "{where}: {message}")}


def _located(found: Problem) -> Text:
    where = ": ".join(part for part in (found.where(), found.column) if part)
    return Text(_LOCATED, "at", {"where": where, "message": found.text}) if where else found.text
