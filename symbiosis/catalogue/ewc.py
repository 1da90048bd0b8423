"""The European List of Waste (EWC codes): normalisation and lookup.

Inventories write codes as `15 01 03`, `150103` or `15 01 03*`; everything
downstream compares the one canonical form `15 01 03` and a separate
hazardous flag (from the asterisk or from the List itself).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pandas as pd


@dataclass(frozen=True, slots=True)
class WasteEntry:
    code: str
    hazardous: bool
    label_fr: str
    label_en: str


@cache
def list_of_waste() -> dict[str, WasteEntry]:
    """The 842 six-digit entries, keyed by canonical code (`15 01 03`)."""
    text = resources.files("symbiosis.catalogue").joinpath("list_of_waste.csv").read_text("utf-8")
    entries: dict[str, WasteEntry] = {}
    for row in csv.DictReader(text.splitlines()):
        if row["level"] == "entry":
            entries[row["code"]] = WasteEntry(
                row["code"], row["hazardous"] == "true", row["label_fr"], row["label_en"]
            )
    return entries


def split_code(raw: str) -> tuple[str, bool] | None:
    """`'15 01 03*'` -> `('15 01 03', True)`; None when not six digits."""
    text = raw.strip()
    star = text.endswith("*")
    digits = text.rstrip("*").replace(" ", "").replace(".", "")
    if len(digits) != 6 or not digits.isdigit():
        return None
    return f"{digits[:2]} {digits[2:4]} {digits[4:]}", star


def normalise(codes: pd.Series) -> pd.DataFrame:
    """Vectorised `split_code` over a column of raw codes.

    Returns columns `ewc` (canonical code, or "" where blank or malformed),
    `starred` (an asterisk was written), `well_formed`, `known` (in the
    List) and `hazardous` (asterisk or List flag).
    """
    # A column repeats a few hundred codes: work on the distinct ones, then spread back.
    positions, distinct = pd.factorize(codes.fillna("").astype(str).to_numpy(dtype=object), use_na_sentinel=False)
    text = pd.Series(distinct, dtype=object).str.strip()
    starred = text.str.endswith("*")
    digits = text.str.rstrip("*").str.replace(r"[\s.]", "", regex=True)
    well_formed = digits.str.fullmatch(r"\d{6}").fillna(False).astype(bool)
    canonical = (digits.str[:2] + " " + digits.str[2:4] + " " + digits.str[4:]).where(well_formed, "")
    entries = list_of_waste()
    hazardous_codes = {code for code, entry in entries.items() if entry.hazardous}
    blank = text == ""
    table = pd.DataFrame(
        {
            "ewc": canonical.astype("str"),
            "starred": starred & well_formed,
            "well_formed": well_formed | blank,
            "known": canonical.isin(entries.keys()) | blank,
            "hazardous": (starred & well_formed) | canonical.isin(hazardous_codes),
        }
    )
    spread = table.take(positions)
    spread.index = codes.index
    return spread


def display(code: str, hazardous: bool) -> str:
    """The official way to print a code: `13 02 05*` for hazardous entries."""
    return f"{code}*" if code and hazardous else code
