"""Readable names for what the report shows: catalogue items, materials, routes."""

from __future__ import annotations

from typing import Any

import pandas as pd

from symbiosis.catalogue.ewc import list_of_waste
from symbiosis.catalogue.models import Catalogue
from symbiosis.core.words import Lang, say
from symbiosis.report.messages import MESSAGES, ROUTES


def label(item: Any, lang: Lang) -> str:
    return str(item.label_fr if lang == "fr" else item.label_en)


def short(text: str) -> str:
    """A catalogue label without its bracketed detail, for tight spaces."""
    return text.split(" (", 1)[0].strip()


def material_labels(catalogue: Catalogue, keys: pd.Series, codes: pd.Series, lang: Lang) -> pd.Series:
    """A readable name for each material key, or for the EWC code when there is none."""
    known = {k: label(m, lang) for k, m in catalogue.materials.items()}
    waste = list_of_waste()

    def of_code(code: object) -> str:
        if not isinstance(code, str) or not code:
            return say(MESSAGES, "uncatalogued", lang)
        entry = waste.get(code)
        name = "" if entry is None else (entry.label_fr if lang == "fr" else entry.label_en)
        text = say(MESSAGES, "ewc", lang, code=code) + (f" ({name})" if name else "")
        return text if len(text) <= 70 else text[:69] + "…)"

    by_key = keys.map(known)
    return by_key.where(by_key.notna(), codes.map(of_code)).astype(str)


def target_label(node: str, lang: Lang) -> str:
    """`local:recycling` -> "Recyclage"; `today:landfill` -> "Enfouissement"."""
    route = node.split(":", 1)[1]
    text = say(ROUTES, route, lang) if route in ROUTES else route
    return text[:1].upper() + text[1:]


def job_key(line: str) -> str:
    """The activity behind a line of `jobs_by_activity` (`displaced:<route>`, `<activity>_fixed`)."""
    return line.removeprefix("displaced:").removesuffix("_fixed")


def job_line_label(catalogue: Catalogue, key: str, lang: Lang) -> str:
    """A line of `kpis.json` `jobs_by_activity` in words: an activity, a facility's
    fixed posts (`…_fixed`) or today's work that stops (`displaced:<route>`)."""
    base = job_key(key)
    activity = catalogue.activities.get(base)
    name = base if activity is None else label(activity, lang)
    if key.startswith("displaced:"):
        return say(MESSAGES, "displaced", lang, label=name)
    return say(MESSAGES, "fixed", lang, label=name) if key.endswith("_fixed") else name
