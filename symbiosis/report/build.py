"""The report's data as it may circulate: collected exact, then masked once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

import pandas as pd

from symbiosis.core.words import Lang
from symbiosis.flows import Inventory
from symbiosis.model.plan import Plan
from symbiosis.report.anonymise import Masker, anonymise
from symbiosis.report.data import ReportData, collect
from symbiosis.report.view import largest_first


def prepare(
    inventory: Inventory,
    plan: Plan,
    *,
    lang: Lang = "fr",
    anonymise_all: bool = False,
    today: date | None = None,
    comparison: pd.DataFrame | None = None,
    scenarios: Sequence[tuple[str, str, str]] = (),
) -> ReportData:
    """The report's data, with confidential companies (or all of them) masked."""
    data = collect(inventory, plan, lang=lang, today=today, comparison=comparison, scenarios=scenarios)
    companies = inventory.companies
    hidden = companies["confidential"].astype(bool) | anonymise_all
    masker = Masker.build(
        companies["id"].astype(str).tolist(), companies["name"].astype(str).tolist(), hidden.tolist(), lang
    )
    masked = anonymise(data, masker)
    # Ordered only now, on the figures shown: an order taken from exact
    # figures would tell where a band lies between its neighbours.
    return replace(masked, exchanges=largest_first(masked.exchanges).reset_index(drop=True))
