"""Every catalogue figure a plan's numbers rest on, with its source."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from symbiosis.catalogue.models import Figure
from symbiosis.core.words import Lang, say
from symbiosis.flows import Inventory
from symbiosis.matcher import tax_year
from symbiosis.report.labels import job_key, label
from symbiosis.report.messages import FIELDS, MESSAGES, PARAMETER_UNITS, ROUTES


def sources(inventory: Inventory, detail: pd.DataFrame, kpis: Mapping[str, Any], lang: Lang) -> pd.DataFrame:
    """Every catalogue figure the plan's numbers rest on, with its source.

    Materials that travel (and their current and new routes), materials
    declared in m3 (their density), the facility types that take or deliver,
    the activities whose jobs are counted, the rules used and the parameters.
    """
    catalogue = inventory.catalogue
    rows: list[tuple[str, str, str, float | None, str, str]] = []
    flows = inventory.flows
    routes = pd.concat(
        [
            detail[["material", "today_route"]].set_axis(["material", "route"], axis=1),
            detail[["material", "route"]],
        ]
    ).dropna()
    routes_of = {str(k): set(v) for k, v in routes.groupby("material")["route"].unique().items()}
    in_m3 = set(flows.loc[flows["unit"] == "m3", "material"].dropna())
    moved = set(detail["material"].dropna())
    group = say(MESSAGES, "g_material", lang)
    known = [k for k in moved | in_m3 if k in catalogue.materials]
    for key in sorted(known, key=lambda k: label(catalogue.materials[k], lang)):
        material = catalogue.materials[key]
        item = label(material, lang)
        unit: str = material.unit
        if material.density_t_per_m3 is not None and key in in_m3:
            rows.append(figure_row(group, item, say(FIELDS, "density_t_per_m3", lang), material.density_t_per_m3, "t/m³"))
        if key not in moved:
            continue
        for name, figure, figure_unit in (
            ("lhv_mwh_per_t", material.lhv_mwh_per_t, "MWh/t"),
            ("methane_nm3_per_t", material.methane_nm3_per_t, "Nm³/t"),
            ("substitution_co2e_kg_per_unit", material.substitution_co2e_kg_per_unit, f"kg CO2e/{unit}"),
            ("price_eur_per_unit", material.price_eur_per_unit, f"€/{unit}"),
        ):
            if figure is not None:
                rows.append(figure_row(group, item, say(FIELDS, name, lang), figure, figure_unit))
        used_routes = routes_of.get(key, set())
        for route, figure in material.co2e_kg_per_unit.items():
            if route in used_routes:
                rows.append(figure_row(group, item, say(FIELDS, "co2e_kg_per_unit", lang, route=say(ROUTES, route, lang)), figure, f"kg CO2e/{unit}"))
        for route, figure in material.disposal_cost_eur_per_unit.items():
            if route in used_routes:
                rows.append(figure_row(group, item, say(FIELDS, "disposal_cost_eur_per_unit", lang, route=say(ROUTES, route, lang)), figure, f"€/{unit}"))

    facilities = inventory.facilities.set_index("id")
    touched = set(detail["to"].astype(str)) | set(detail["from_flow"].astype(str))
    ftypes = sorted(set(facilities.loc[facilities.index.isin(touched), "type"].astype(str)))
    group = say(MESSAGES, "g_facility", lang)
    for key in ftypes:
        ftype = catalogue.facility_types[key]
        item, u = label(ftype, lang), ftype.intake_unit
        rows.append(figure_row(group, item, say(FIELDS, "process_co2e_kg_per_unit", lang), ftype.process_co2e_kg_per_unit, f"kg CO2e/{u}"))
        rows.append(figure_row(group, item, say(FIELDS, "opex_eur_per_unit", lang), ftype.opex_eur_per_unit, f"€/{u}"))
        rows.append(figure_row(group, item, say(FIELDS, "lifetime_years", lang), ftype.lifetime_years, say(FIELDS, "years", lang)))
        for product in ftype.products:
            made = catalogue.materials[product.product]
            unit = {"mass": "t/t", "energy": "MWh/MWh"}.get(product.basis, say(FIELDS, "efficiency", lang))
            rows.append(figure_row(group, item, say(FIELDS, "product", lang, product=label(made, lang)), product.factor, unit))
        for acceptance in ftype.accepts:
            if acceptance.max_share is not None:
                taken = label(catalogue.materials[acceptance.material], lang)
                rows.append(figure_row(group, item, say(FIELDS, "max_share", lang, material=taken), acceptance.max_share, say(FIELDS, "share_unit", lang)))

    activities = set(detail["activity"].dropna().astype(str)) | set(detail["today_route"].dropna().astype(str))
    activities |= {catalogue.facility_types[t].activity for t in ftypes}
    activities |= {job_key(str(line)) for line in kpis["jobs_by_activity"]}
    group = say(MESSAGES, "g_activity", lang)
    unit = say(FIELDS, "jobs_unit", lang, unit="t / MWh")
    for key in sorted(a for a in activities if a in catalogue.activities):
        activity = catalogue.activities[key]
        rows.append(figure_row(group, label(activity, lang), say(FIELDS, "jobs_per_kt", lang), activity.jobs_per_kt, unit))
    for key in sorted(set(detail["material"].astype(str)) & set(catalogue.materials)):
        material = catalogue.materials[key]
        for activity_key, figure in sorted(material.jobs_per_kt.items()):
            what = label(catalogue.activities[activity_key], lang)
            rows.append(figure_row(group, label(material, lang), say(FIELDS, "jobs_per_kt_of", lang, activity=what), figure, unit))

    group = say(MESSAGES, "g_rule", lang)
    for key in sorted(set(detail["rule"].astype(str)) & set(catalogue.rules)):
        rule = catalogue.rules[key]
        rows.append((group, label(rule, lang), "", None, "", rule.source))

    group = say(MESSAGES, "g_parameter", lang)
    wanted = ["max_distance_km", "heat_max_distance_km", "transport_cost_eur_per_tkm", "transport_co2e_kg_per_tkm"]
    if any(p.basis == "methane" for t in ftypes for p in catalogue.facility_types[t].products):
        wanted.append("methane_kwh_per_nm3")
    if kpis["outlets"]:
        wanted.append("outlet_distance_km")
    if kpis["investment_eur"] > 0:
        wanted.append("discount_rate")
    defaults = inventory.territory.defaults
    for name in wanted:
        parameter: Figure = getattr(catalogue.parameters, name)
        own = getattr(defaults, name, None)
        source = say(MESSAGES, "territory_source", lang) if own is not None else parameter.source
        value = float(own) if own is not None else parameter.value
        unit = PARAMETER_UNITS[name] if lang == "fr" else PARAMETER_UNITS[name].replace("/an", "/yr")
        rows.append((group, say(FIELDS, name, lang), "", value, unit, source))
    tax = tax_year(inventory)
    if tax.table is not None:
        for route, table in sorted(tax.table.rates.items()):
            if route not in set(detail["today_route"].astype(str)):
                continue
            figure = table.get(str(tax.year))
            if figure is not None:
                item = say(FIELDS, "tgap", lang, route=say(ROUTES, route, lang), year=tax.year)
                rows.append((group, item, "", figure.value, "€/t", figure.source))
    return pd.DataFrame(rows, columns=["group", "item", "figure", "value", "unit", "source"])


def figure_row(group: str, item: str, name: str, figure: Figure, unit: str) -> tuple[str, str, str, float | None, str, str]:
    return (group, item, name, figure.value, unit, figure.source)
