"""Confidentiality: pseudonyms for companies and bands for their quantities.

A company marked `confidential` (every company with `--anonymise`) must
never be recognisable in a report meant for circulation. The masking is
done once, on the report's frames, before anything is drawn or written:
templates, charts and metadata only ever receive the pseudonym ("Entreprise
A") and a number inside a band ("100–500 t"), so none of them can leak what
it never had. Free text (flow descriptions, facility names, the territory's
description) is scrubbed of the masked companies' names too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace

import numpy as np
import pandas as pd

from symbiosis.core.words import Lang, number, quantity
from symbiosis.report.data import ReportData, company_key

EDGES: tuple[float, ...] = (
    0.0, 1.0, 5.0, 10.0, 50.0, 100.0, 500.0, 1e3, 5e3, 1e4, 5e4, 1e5, 5e5, 1e6, 5e6, 1e7,
)
"""Band limits: 1-5-10 steps, wide enough that a band says an order of magnitude only."""

ALIAS_WORD: Mapping[Lang, str] = {"fr": "Entreprise", "en": "Company"}
HIDDEN_WORD: Mapping[Lang, str] = {"fr": "[entreprise]", "en": "[company]"}
COORDINATE_DECIMALS = 2
"""Masked sites are placed to 0.01° (about 1 km): on the map, not on the doorstep."""
MIN_VARIANT = 4
MIN_HIDDEN = 3


def letters(position: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: spreadsheet-style, for any number of companies."""
    text = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        text = chr(ord("A") + rest) + text
    return text


def band_limits(value: float) -> tuple[float, float | None]:
    """The band [low, high) holding |value|; `high` is None above the last limit."""
    size = abs(value)
    position = int(np.searchsorted(EDGES, size, side="right")) - 1
    low = EDGES[max(position, 0)]
    high = EDGES[position + 1] if position + 1 < len(EDGES) else None
    return low, high


def representative(values: pd.Series) -> pd.Series:
    """The middle of each value's band, sign kept: the only number a masked row keeps.

    It lies inside the band, so that a figure drawn or summed from it stays in
    the right order of magnitude and its own band is the original one.
    """
    size = values.astype(float).abs().to_numpy()
    edges = np.asarray(EDGES)
    position = np.clip(np.searchsorted(edges, size, side="right") - 1, 0, len(edges) - 1)
    low = edges[position]
    high = np.where(position + 1 < len(edges), edges[np.minimum(position + 1, len(edges) - 1)], low * 2)
    middle = np.where(size == 0, 0.0, (low + high) / 2)
    return pd.Series(np.sign(values.astype(float).to_numpy()) * middle, index=values.index)


def band_label(value: float, unit: str, lang: Lang) -> str:
    """`100–500 t` (French digits and spaces in French); `−(100–500) €` when negative."""
    low, high = band_limits(value)
    if high is None:
        text = ("plus de " if lang == "fr" else "over ") + number(low, lang, 0)
    else:
        text = f"{number(low, lang, 0)}–{number(high, lang, 0)}"
        if value < 0:
            text = f"−({text})"
    return f"{text}\u00a0{unit}" if unit else text


@dataclass(frozen=True)
class Spec:
    """Where a report frame keeps company keys, names, free text and figures."""

    keys: tuple[str, ...] = ()
    """Columns holding a company key: a row naming a masked company is masked."""
    groups: tuple[str, ...] = ()
    """Columns holding the keys of the companies a total is made of: masked when
    one or two of them are masked (fewer than `MIN_HIDDEN`), as a sum of three
    or more hidden companies reveals none of them."""
    names: Mapping[str, str] = field(default_factory=dict)
    """Key column -> the column naming it (replaced by the pseudonym)."""
    texts: tuple[str, ...] = ()
    quantities: tuple[str, ...] = ()
    distances: tuple[str, ...] = ()
    coordinates: tuple[str, str] | None = None


SPECS: Mapping[str, Spec | None] = {
    "companies": Spec(keys=("key",), names={"key": "name"}, coordinates=("lat", "lon")),
    "facilities": Spec(groups=("contributors",), texts=("name",), quantities=("intake",)),
    "exchanges": Spec(
        keys=("from_key", "to_key"),
        names={"from_key": "from_name", "to_key": "to_name"},
        quantities=("quantity",),
        distances=("km",),
    ),
    "outputs": Spec(keys=("key",), texts=("description",), quantities=("declared", "valorised")),
    "balances": Spec(
        keys=("key",),
        groups=("contributors",),
        names={"key": "name"},
        quantities=("sent_t", "sent_mwh", "received_t", "received_mwh", "saved_eur"),
    ),
    "sankey_nodes": Spec(groups=("contributors",), quantities=("quantity",)),
    "sankey_edges": Spec(groups=("contributors",), quantities=("quantity",)),
    "structures": Spec(keys=("key",), names={"key": "name"}, quantities=("fte",)),
    "activities": None,
    "reconciliation": None,
    "sources": Spec(texts=("source",)),
    "comparison": None,
}
"""Every frame of `ReportData`; None for frames of territory totals or catalogue
figures, which name no company. A frame missing here fails loudly."""


@dataclass(frozen=True)
class Masker:
    """Which companies are masked, their pseudonyms, and how to scrub text."""

    aliases: Mapping[str, str]
    """Company key -> pseudonym, for masked companies only."""
    pattern: re.Pattern[str] | None
    replacements: Mapping[str, str]
    """Lower-cased name variant -> what replaces it in free text."""

    @classmethod
    def build(cls, ids: Sequence[str], names: Sequence[str], masked: Sequence[bool], lang: Lang) -> Masker:
        """Pseudonyms in id order; name variants of masked companies for scrubbing."""
        order = sorted((str(i), str(n)) for i, n, m in zip(ids, names, masked, strict=True) if m)
        aliases = {company_key(i): f"{ALIAS_WORD[lang]} {letters(k)}" for k, (i, _) in enumerate(order)}
        owners: dict[str, set[str]] = {}
        for company_id, name in zip(ids, names, strict=True):
            for variant in _variants(str(name)):
                owners.setdefault(variant.lower(), set()).add(company_key(company_id))
        replacements: dict[str, str] = {}
        for company_id, name in order:
            key = company_key(company_id)
            for variant in _variants(name):
                who = owners.get(variant.lower(), {key})
                # A variant several companies share ("ArcelorMittal France") hides
                # behind a neutral word rather than one company's pseudonym.
                replacements[variant.lower()] = aliases[key] if who == {key} else HIDDEN_WORD[lang]
        pattern = None
        if replacements:
            alternatives = "|".join(re.escape(v) for v in sorted(replacements, key=len, reverse=True))
            pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
        return cls(aliases, pattern, replacements)

    @property
    def active(self) -> bool:
        return bool(self.aliases)

    def text(self, value: object) -> object:
        """Free text with every masked company's name replaced."""
        if self.pattern is None or not isinstance(value, str):
            return value
        return self.pattern.sub(lambda m: self.replacements[m.group(0).lower()], value)

    def texts(self, column: pd.Series) -> pd.Series:
        if self.pattern is None:
            return column
        return column.map(self.text)

    def masked_rows(self, frame: pd.DataFrame, spec: Spec) -> pd.Series:
        """Rows naming a masked company, or totals of too few hidden companies."""
        hidden = frozenset(self.aliases)
        result = pd.Series(False, index=frame.index)
        for column in spec.keys:
            result |= frame[column].isin(hidden)
        for column in spec.groups:
            count = frame[column].map(lambda keys: len(hidden.intersection(keys)))
            result |= (count > 0) & (count < MIN_HIDDEN)
        return result

    def frame(self, frame: pd.DataFrame, spec: Spec) -> pd.DataFrame:
        """One frame masked: pseudonyms, scrubbed text, banded figures, rounded places."""
        before = frame["masked"].astype(bool) if "masked" in frame else False
        out = frame.assign(masked=self.masked_rows(frame, spec) | before)
        for key_column, name_column in spec.names.items():
            alias = out[key_column].map(self.aliases)
            out[name_column] = alias.where(alias.notna(), self.texts(out[name_column]))
        for column in spec.texts:
            out[column] = self.texts(out[column])
        rows = out["masked"].to_numpy(dtype=bool)
        for column in spec.quantities:
            values = out[column].astype(float)
            out[column] = values.where(~rows, representative(values))
        for column in spec.distances:
            values = out[column].astype(float)
            out[column] = values.where(~rows, values.round(0))
        if spec.coordinates is not None:
            own = out[spec.keys[0]].isin(set(self.aliases))
            for column in spec.coordinates:
                values = out[column].astype(float)
                out[column] = values.where(~own, values.round(COORDINATE_DECIMALS))
        return out


def _variants(name: str) -> list[str]:
    """A name and its shorter forms: without a bracket, before a dash or a comma."""
    found = [name.strip()]
    plain = re.sub(r"\s*\([^)]*\)\s*$", "", name).strip()
    found.append(plain)
    for separator in (" – ", " — ", " - ", ", "):
        if separator in plain:
            found.append(plain.split(separator, 1)[0].strip())
    return [v for v in dict.fromkeys(found) if len(v) >= MIN_VARIANT]


def anonymise(data: ReportData, masker: Masker) -> ReportData:
    """The report's data with every masked company hidden, in every frame and text."""
    if not masker.active:
        return data
    changes: dict[str, object] = {}
    for item in fields(data):
        value = getattr(data, item.name)
        if not isinstance(value, pd.DataFrame):
            continue
        if item.name not in SPECS:
            raise KeyError(f"report frame {item.name!r} has no confidentiality spec")
        spec = SPECS[item.name]
        if spec is not None:
            changes[item.name] = masker.frame(value, spec)
    changes["description"] = masker.text(data.description)
    changes["scenarios"] = [(key, str(masker.text(title)), str(masker.text(text))) for key, title, text in data.scenarios]
    changes["masked_count"] = len(masker.aliases)
    return replace(data, **changes)  # type: ignore[arg-type]


def shown(value: float, unit: str, masked: bool, lang: Lang, decimals: int = 1) -> str:
    """A figure as the reader sees it: its band when masked, else the number itself."""
    if masked:
        return band_label(value, unit, lang)
    return quantity(value, unit, lang, decimals) if unit else number(value, lang, decimals)
