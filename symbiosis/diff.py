"""What changed between two inventories, for the yearly update.

Companies are matched by id, flows by id. A flow present in both counts as
changed when its company, direction, EWC code or material differs, or when
its quantity in the reference unit moved by more than a relative threshold;
a change of declared unit alone (2 500 kg become 2,5 t) is no change.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

from symbiosis.flows import Inventory
from symbiosis.i18n import Lang, Messages, number, say

CHANGES = ("company_added", "company_removed", "flow_added", "flow_removed", "flow_changed")
COLUMNS = [
    "change", "id", "old_name", "new_name", "old_company", "new_company", "old_direction", "new_direction",
    "old_ewc", "new_ewc", "old_material", "new_material", "old_quantity", "new_quantity", "unit",
    "relative_change", "fields",
]
COMPARED = ("company", "direction", "ewc", "material")

MESSAGES: Messages = {
    "title": ("Changements entre {old} et {new}", "Changes between {old} and {new}"),
    "counts": (
        "Entreprises : {company_added} ajoutée(s), {company_removed} retirée(s). Flux : {flow_added} ajouté(s), "
        "{flow_removed} retiré(s), {flow_changed} modifié(s) (seuil : {threshold} de variation de quantité).",
        "Companies: {company_added} added, {company_removed} removed. Flows: {flow_added} added, "
        "{flow_removed} removed, {flow_changed} changed (threshold: {threshold} change in quantity).",
    ),
    "none": ("Aucun changement.", "No change."),
    "written": ("Changements écrits dans {path}", "Changes written to {path}"),
    "change": ("Changement", "Change"),
    "id": ("Identifiant", "Id"),
    "company": ("Entreprise", "Company"),
    "before": ("Avant", "Before"),
    "after": ("Après", "After"),
    "variation": ("Variation", "Change"),
    "company_added": ("entreprise ajoutée", "company added"),
    "company_removed": ("entreprise retirée", "company removed"),
    "flow_added": ("flux ajouté", "flow added"),
    "flow_removed": ("flux retiré", "flow removed"),
    "flow_changed": ("flux modifié", "flow changed"),
}


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
    return table.where(table.notna(), None)


def _describe(row: pd.Series, side: str, lang: Lang) -> str:
    if row[f"{side}_quantity"] is None:
        return ""
    parts = [str(row[f"{side}_direction"])]
    parts += [str(row[f"{side}_{name}"]) for name in ("ewc", "material") if row[f"{side}_{name}"]]
    parts.append(f"{number(float(row[f'{side}_quantity']), lang, 1)} {row['unit']}")
    return " · ".join(parts)


def print_diff(
    table: pd.DataFrame, old: Inventory, new: Inventory, threshold: float,
    console: Console, lang: Lang, out: Path | None = None,
) -> None:
    """The changes as a table, with counts first."""
    names = {**dict(zip(old.companies["id"], old.companies["name"], strict=True)),
             **dict(zip(new.companies["id"], new.companies["name"], strict=True))}
    label_old = f"{old.territory.name} {old.territory.year}"
    label_new = f"{new.territory.name} {new.territory.year}"
    counts = table["change"].value_counts()
    console.print(say(MESSAGES, "title", lang, old=label_old, new=label_new), style="bold", markup=False)
    console.print(
        say(MESSAGES, "counts", lang, threshold=f"{number(threshold * 100, lang, 0)} %",
            **{change: int(counts.get(change, 0)) for change in CHANGES}),
        markup=False,
    )
    if out is not None:
        console.print(say(MESSAGES, "written", lang, path=out), style="green", markup=False)
    if table.empty:
        console.print(say(MESSAGES, "none", lang))
        return
    view = Table(title_justify="left")
    for key in ("change", "id", "company", "before", "after", "variation"):
        view.add_column(say(MESSAGES, key, lang), justify="right" if key == "variation" else "left")
    for _, row in table.iterrows():
        change = str(row["change"])
        if change.startswith("company"):
            company = str(row["new_name"] or row["old_name"])
            before = after = variation = ""
        else:
            owner = str(row["new_company"] or row["old_company"])
            company = f"{owner} – {names.get(owner, '')}".rstrip(" –")
            before, after = _describe(row, "old", lang), _describe(row, "new", lang)
            rel = row["relative_change"]
            variation = "" if rel is None else f"{'+' if rel > 0 else ''}{number(float(rel) * 100, lang, 0)} %"
        view.add_row(say(MESSAGES, change, lang), str(row["id"]), company, before, after, variation)
    console.print(view)
