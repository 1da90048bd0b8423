"""What changed between two inventories, for the yearly update.

Companies are matched by id, flows by id. A flow present in both counts as
changed when its company, direction, EWC code or material differs, or when
its quantity in the reference unit moved by more than a relative threshold;
a change of declared unit alone (2 500 kg become 2,5 t) is no change.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from symbiosis.flows import Inventory

CHANGES = ("company_added", "company_removed", "flow_added", "flow_removed", "flow_changed")
COLUMNS = [
    "change", "id", "old_name", "new_name", "old_company", "new_company", "old_direction", "new_direction",
    "old_ewc", "new_ewc", "old_material", "new_material", "old_quantity", "new_quantity", "unit",
    "relative_change", "fields",
]
COMPARED = ("company", "direction", "ewc", "material")



def _flow_frame(inventory: Inventory) -> pd.DataFrame:
    flows = inventory.flows
    code = flows["ewc"].astype(object).where(flows["ewc"].notna(), "")
    starred = code.where(~flows["hazardous"].astype(bool) | (code == ""), code + "*")
    return pd.DataFrame({
        "id": flows["id"].astype(object),
        "company": flows["company"].astype(object),
        "direction": flows["direction"].astype(object),
        "ewc": starred.astype(object),
        "material": flows["material"].astype(object).where(flows["material"].notna(), ""),
        "quantity": flows["quantity_ref"].astype(float),
        "unit": flows["ref_unit"].astype(object),
    })


def diff_inventories(old: Inventory, new: Inventory, threshold: float = 0.1) -> pd.DataFrame:
    """One row per change, in the order of `CHANGES` then by id (the CSV of `symbiosis diff`)."""
    companies = pd.merge(
        old.companies[["id", "name"]].astype(object),
        new.companies[["id", "name"]].astype(object),
        on="id", how="outer", suffixes=("_old", "_new"), indicator=True,
    )
    company_rows = pd.DataFrame({
        "change": np.where(companies["_merge"] == "right_only", "company_added", "company_removed"),
        "id": companies["id"],
        "old_name": companies["name_old"],
        "new_name": companies["name_new"],
    })[(companies["_merge"] != "both").to_numpy()]

    flows = pd.merge(
        _flow_frame(old), _flow_frame(new), on="id", how="outer", suffixes=("_old", "_new"), indicator=True
    )
    both = flows["_merge"] == "both"
    before, after = flows["quantity_old"], flows["quantity_new"]
    relative = (after - before) / before.where(before != 0)
    moved = both & (relative.abs() > threshold + 1e-12)
    differs = {name: both & (flows[f"{name}_old"] != flows[f"{name}_new"]) for name in COMPARED}
    changed = moved | np.logical_or.reduce(list(differs.values()))
    fields = pd.Series("", index=flows.index)
    for name, mask in [*differs.items(), ("quantity", moved)]:
        fields = fields + np.where(mask, f"{name};", "")
    change = np.select(
        [flows["_merge"] == "right_only", flows["_merge"] == "left_only", changed],
        ["flow_added", "flow_removed", "flow_changed"],
        default="",
    )
    flow_rows = pd.DataFrame({
        "change": change,
        "id": flows["id"],
        **{f"{side}_{name}": flows[f"{name}_{side}"] for name in (*COMPARED, "quantity")
           for side in ("old", "new")},
        "unit": flows["unit_new"].where(~flows["unit_new"].isna(), flows["unit_old"]),
        "relative_change": relative.where(changed & both).round(4),
        "fields": fields.str.rstrip(";"),
    })[change != ""]
    for name in ("ewc", "material"):
        # Blank codes and materials were compared as ""; show them as empty cells.
        for side in ("old", "new"):
            column = f"{side}_{name}"
            flow_rows[column] = flow_rows[column].where(flow_rows[column] != "", None)
    table = pd.concat([company_rows, flow_rows], ignore_index=True).reindex(columns=COLUMNS)
    order = table["change"].map({change: rank for rank, change in enumerate(CHANGES)})
    table = table.assign(_order=order).sort_values(["_order", "id"], kind="stable")
    table = table.drop(columns="_order").reset_index(drop=True).astype(object)
    result: pd.DataFrame = table.where(table.notna(), None)
    return result




