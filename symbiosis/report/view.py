"""Everything the templates print, already worded and formatted.

The view receives the report's data masked (`build.prepare`): a masked
figure is a band here, never a number.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from symbiosis.analysis.scenarios import LABELS, indicator_text
from symbiosis.analysis.status import status_notes
from symbiosis.core.frames import rows
from symbiosis.core.words import Lang, long_date, number, quantity, say, sort_key
from symbiosis.report.anonymise import shown
from symbiosis.report.data import ReportData
from symbiosis.report.messages import MESSAGES


def fmt(value: float, unit: str, masked: bool, lang: Lang) -> str:
    """A quantity with the decimals its unit deserves (t: 1, MWh and €: 0)."""
    decimals = 1 if unit in {"t", "t CO2e", "km"} else 2 if unit in {"ETP", "FTE"} else 0
    text = shown(value, unit, masked, lang, decimals)
    return "−" + text[1:] if text.startswith("-") else text


KPI_CARDS: tuple[tuple[str, str, int], ...] = (
    ("additional_valorised_t", "t", 1),
    ("rerouted_t", "t", 1),
    ("valorised_share", "%", 1),
    ("landfill_avoided_t", "t", 1),
    ("co2e_avoided_t", "t CO2e", 1),
    ("net_value_eur_per_year", "€", 0),
    ("insertion_jobs", "fte", 1),
    ("jobs_fte", "fte", 1),
    ("companies_involved", "", 0),
    ("valorised_mwh", "MWh", 0),
)


def kpi_text(key: str, value: float, lang: Lang) -> str:
    """A territory total as the summary writes it."""
    for name, unit, decimals in KPI_CARDS:
        if name == key:
            if unit == "%":
                return f"{number(100 * value, lang, decimals)}\u00a0%"
            if unit == "fte":
                return quantity(value, say(MESSAGES, "fte", lang), lang, decimals)
            return quantity(value, unit, lang, decimals) if unit else number(value, lang, decimals)
    raise KeyError(key)


def view(data: ReportData, map_svg: str, sankey_svg: str) -> dict[str, Any]:
    """Everything the templates print, already worded and formatted."""
    lang, k = data.lang, data.kpis

    def t(key: str, **params: object) -> str:
        return say(MESSAGES, key, lang, **params)

    def q(key: str, unit: str, decimals: int = 1) -> str:
        return quantity(float(k[key]), unit, lang, decimals)

    objective = t(f"obj_{data.objective}")
    sentences = [note.render(lang) for note in status_notes(k)] + [
        t("s_links", links=k["links"], companies=k["companies_involved"]),
        t(
            "s_added",
            added=q("additional_valorised_t", "t"),
            heat=t("s_heat", mwh=q("additional_valorised_mwh", "MWh", 0)) if float(k["additional_valorised_mwh"]) > 0 else "",
        ),
        t(
            "s_rerouted",
            rerouted=q("rerouted_t", "t"),
            valorised=q("valorised_t", "t"),
            share=kpi_text("valorised_share", float(k["valorised_share"]), lang),
            declared=q("declared_output_t", "t"),
        ),
        t("s_landfill", landfill=q("landfill_avoided_t", "t"), incineration=q("incineration_avoided_t", "t")),
        t(
            "s_value",
            co2=q("co2e_avoided_t", "t CO2e"),
            value=q("net_value_eur_per_year", "€", 0),
            facilities=t("s_facilities") if float(k["investment_eur"]) > 0 else "",
        ),
    ]
    if float(k["investment_eur"]) > 0:
        built = data.facilities[data.facilities["id"].isin(k["facilities_built"])]
        sentences.append(t("s_investment", built=", ".join(built["name"]), investment=q("investment_eur", "€", 0)))
    sentences.append(
        t(
            "s_jobs",
            jobs=quantity(float(k["jobs_fte"]), t("fte"), lang, 1),
            insertion=quantity(float(k["insertion_jobs"]), t("fte"), lang, 1),
            adapted=quantity(float(k["adapted_jobs"]), t("fte"), lang, 1),
            collector=_name_of(data, data.collector) if data.collector else t("no_collector"),
        )
    )
    losers = [
        f"{row.name} ({fmt(float(row.saved_eur), '€', bool(row.masked), lang)})"
        for row in rows(data.balances.sort_values("saved_eur")) if float(row.saved_eur) < -0.5
    ]
    share = number(100 * data.seller_share, lang, 0)
    sentences.append(t("s_losers", count=len(losers), names=", ".join(losers)) if losers else t("s_sharing", share=share))
    cards = [
        {"key": key, "label": t(f"k_{key}"), "value": repr(float(k[key])), "text": kpi_text(key, float(k[key]), lang)}
        for key, _, _ in KPI_CARDS
    ]
    anchors = {key: f"entreprise-{i + 1}" for i, key in enumerate(by_name(data.balances)["key"])}
    exchanges = [_exchange_row(row, anchors, lang) for row in rows(largest_first(data.exchanges))]
    return {
        "lang": lang,
        "t": t,
        "title": t("title", territory=data.territory),
        "subtitle": t("subtitle", year=data.year),
        "objective": t("objective", objective=objective),
        "generated": t("generated", date=long_date(data.generated, lang), version=data.version),
        "version": data.version,
        "description": data.description or "",
        "sentences": sentences,
        "reconciliation": [(t(f"r_{r.part}"), quantity(float(r.eur), "€", lang, 0)) for r in rows(data.reconciliation)],
        "sharing": t("sharing_note", share=share),
        "cards": cards,
        "confidential": "" if not data.masked_count else t("confidential_1") if data.masked_count == 1
        else t("confidential", count=data.masked_count),
        "activities": [(r.label, number(float(r.fte), lang, 2)) for r in rows(data.activities)],
        "structures": [
            (str(r.name), fmt(float(r.fte), t("fte"), bool(r.masked), lang))
            for r in rows(data.structures.sort_values("fte", ascending=False))
        ],
        "map_svg": map_svg,
        "sankey_svg": sankey_svg,
        "sankey_caption": t("sankey_caption", declared=q("declared_output_t", "t"), valorised=q("valorised_t", "t")),
        "exchanges": exchanges,
        "facilities": [_facility_row(r, lang) for r in rows(data.facilities)],
        "companies": _company_pages(data, anchors),
        "comparison": _comparison(data),
        "method": [
            tuple(text.split(". ", 1)) for text in (
            t("m_inventory", companies=int(data.facts["companies"]), flows=int(data.facts["flows"]), year=data.year),
            t("m_matching", km=number(float(data.facts["max_distance_km"]), lang, 0)),
            t("m_optimisation", objective=objective),
            t("m_indicators"),
            t("m_estimates"),
        )],
        "sources": [
            (r.group, r.item, r.figure, "—" if r.value is None or pd.isna(r.value) else _figure_value(float(r.value), lang), r.unit, r.source)
            for r in rows(data.sources)
        ],
    }


def _name_of(data: ReportData, key: str) -> str:
    """A company's name as the report shows it (a pseudonym when it is confidential)."""
    named = data.companies.loc[data.companies["key"] == key, "name"]
    return str(named.iat[0]) if len(named) else key


def by_name(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in the alphabetical order a reader expects (case and accents aside)."""
    return frame.sort_values("name", key=lambda names: names.map(sort_key), kind="stable")


def largest_first(exchanges: pd.DataFrame) -> pd.DataFrame:
    """Tonnes before MWh, largest first: sorted after masking, on the figures shown."""
    return exchanges.assign(_energy=exchanges["unit"] != "t").sort_values(
        ["_energy", "quantity", "from_name", "to_name"], ascending=[True, False, True, True]
    ).drop(columns="_energy")


def _figure_value(value: float, lang: Lang) -> str:
    """As many decimals as the figure has, up to four."""
    for decimals in range(5):
        if abs(round(value, decimals) - value) < 1e-9:
            return number(value, lang, decimals)
    return number(value, lang, 4)


def _exchange_row(row: Any, anchors: Mapping[str, str], lang: Lang) -> dict[str, str]:
    return {
        "from": str(row.from_name),
        "from_anchor": anchors.get(str(row.from_key), ""),
        "to": str(row.to_name),
        "to_anchor": anchors.get(str(row.to_key), ""),
        "material": str(row.material),
        "quantity": fmt(float(row.quantity), str(row.unit), bool(row.masked), lang),
        "km": _km(float(row.km), bool(row.masked), lang),
        "route": str(row.route),
    }


def _km(value: float, masked: bool, lang: Lang) -> str:
    """A distance; rounded to the kilometre for a masked exchange."""
    if not masked:
        return number(value, lang, 1)
    return "<\u00a01" if value < 1 else "≈\u00a0" + number(value, lang, 0)


def _facility_row(row: Any, lang: Lang) -> dict[str, str]:
    status = "existing" if row.status == "existing" else "built" if bool(row.open) else "candidate"
    capacity = float(row.capacity)
    use = "—" if row.masked or capacity <= 0 else f"{number(100 * float(row.intake) / capacity, lang, 0)}\u00a0%"
    return {
        "name": f"{row.id} · {row.name}",
        "type": str(row.type_label),
        "status": say(MESSAGES, status, lang),
        "capacity": quantity(capacity, str(row.unit), lang, 0),
        "intake": fmt(float(row.intake), str(row.unit), bool(row.masked), lang),
        "use": use,
    }


def _company_pages(data: ReportData, anchors: Mapping[str, str]) -> list[dict[str, Any]]:
    lang = data.lang
    zones = dict(zip(data.companies["key"], data.companies["zone"], strict=True))
    ex = data.exchanges
    pages = []
    for row in rows(by_name(data.balances)):
        key, masked = str(row.key), bool(row.masked)

        def amount(t_value: float, mwh_value: float, masked: bool = masked) -> str:
            parts = []
            if t_value > 0:
                parts.append(fmt(t_value, "t", masked, lang))
            if mwh_value > 0:
                parts.append(fmt(mwh_value, "MWh", masked, lang))
            return say(MESSAGES, "and", lang).join(parts)

        sent = amount(float(row.sent_t), float(row.sent_mwh))
        received = amount(float(row.received_t), float(row.received_mwh))
        gives = largest_first(ex[ex["from_key"] == key])
        receives = largest_first(ex[ex["to_key"] == key])
        outputs = data.outputs[data.outputs["key"] == key].sort_values("declared", ascending=False)
        saved = float(row.saved_eur)
        pages.append(
            {
                "anchor": anchors[key],
                "name": str(row.name),
                "zone": say(MESSAGES, "zone", lang, zone=zones.get(key, "")) if zones.get(key) else "",
                "ess": say(MESSAGES, "ess", lang) if row.ess else "",
                "summary": say(MESSAGES, "c_both" if sent and received else "c_sent" if sent else "c_received",
                               lang, name=row.name, sent=sent, received=received),
                "saved": say(MESSAGES, "c_saved", lang, saved=("+" if saved > 0 and not masked else "") + fmt(saved, "€", masked, lang)),
                "gives": [_exchange_row(r, anchors, lang) for r in rows(gives)],
                "receives": [_exchange_row(r, anchors, lang) for r in rows(receives)],
                "outputs": [
                    {
                        "material": str(r.material),
                        "description": str(r.description),
                        "declared": fmt(float(r.declared), str(r.unit), bool(r.masked), lang),
                        "valorised": fmt(float(r.valorised), str(r.unit), bool(r.masked), lang)
                        if float(r.valorised) > 0 else "—",
                    }
                    for r in rows(outputs)
                ],
            }
        )
    return pages


def _comparison(data: ReportData) -> dict[str, Any] | None:
    """The scenario table: one row per indicator, values then differences."""
    frame = data.comparison
    if frame is None or frame.empty:
        return None
    lang = data.lang
    names = {key: name for key, name, _ in data.scenarios}
    cases = [c for c in frame.columns if not str(c).startswith("delta:")]
    deltas = [c for c in frame.columns if str(c).startswith("delta:")]
    header = [say(MESSAGES, "indicator", lang)]
    header += [say(MESSAGES, "base", lang) if c == "base" else names.get(str(c), str(c)) for c in cases]
    header += [say(MESSAGES, "delta", lang, name=names.get(str(c)[6:], str(c)[6:])) for c in deltas]
    lines = []
    for indicator, values in frame.iterrows():
        label = say(LABELS, str(indicator), lang) if str(indicator) in LABELS else str(indicator)
        cells = [_indicator_value(str(indicator), values[c], lang, signed=False) for c in cases]
        cells += [_indicator_value(str(indicator), values[c], lang, signed=True) for c in deltas]
        lines.append([label, *cells])
    return {
        "header": header,
        "rows": lines,
        "scenarios": [(name, text) for _, name, text in data.scenarios],
    }


def _indicator_value(indicator: str, value: object, lang: Lang, *, signed: bool) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "—"
    return indicator_text(indicator, float(value), lang, signed=signed)  # type: ignore[arg-type]
