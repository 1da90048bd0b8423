"""A plan's files: kpis.json, allocation.csv, companies.csv and facilities.csv."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from symbiosis.analysis.accounts import company_table, detailed, facility_table
from symbiosis.analysis.indicators import ALLOCATION_COLUMNS, indicators
from symbiosis.core.files import write_csv, write_json
from symbiosis.flows import Inventory
from symbiosis.model.plan import Plan


def write_results(folder: Path, inventory: Inventory, plan: Plan) -> dict[str, Any]:
    """kpis.json, allocation.csv, companies.csv, facilities.csv; returns the KPIs."""
    detail = detailed(inventory, plan)
    kpis = indicators(inventory, plan, detail)
    write_json(folder / "kpis.json", kpis)
    write_csv(folder / "allocation.csv", detail[ALLOCATION_COLUMNS])
    write_csv(folder / "companies.csv", company_table(inventory, plan, detail))
    write_csv(folder / "facilities.csv", facility_table(plan, detail))
    return kpis
