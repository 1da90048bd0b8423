"""The committee report: what the territory could gain, on a map, in a flow
diagram, exchange by exchange and company by company.

The pole committee reads documents, not CSV files. Building one goes in
three steps so that confidentiality is applied once, on data:

1. `collect` turns an inventory and its optimised plan into plain frames
   (names, figures, coordinates, catalogue sources), exact;
2. `anonymise.anonymise` hides confidential companies in those frames;
3. the renderers (`render_html`, `render_markdown`, `html_to_pdf`) and the
   charts only format what they are given.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import symbiosis
from symbiosis.anonymise import Masker, anonymise, company_key, shown
from symbiosis.catalogue import Catalogue, Figure
from symbiosis.ewc import list_of_waste
from symbiosis.flows import Inventory
from symbiosis.i18n import Lang, Messages, number, quantity, say
from symbiosis.kpis import _detailed, company_table, facility_table, indicators
from symbiosis.optimize import Plan

FORMATS: tuple[str, ...] = (".html", ".pdf", ".md")
TOP_MATERIALS = 12
"""Materials drawn one by one in the flow diagram; the rest are grouped."""

MESSAGES: Messages = {
    "title": ("Symbiose industrielle — {territory}", "Industrial symbiosis — {territory}"),
    "subtitle": ("Rapport au comité du pôle · inventaire {year}", "Report to the pole committee · {year} inventory"),
    "objective": ("Plan optimisé pour {objective}", "Plan optimised for {objective}"),
    "obj_tonnes": ("les tonnes valorisées localement", "the tonnes kept in local use"),
    "obj_value": ("le gain net", "the net value"),
    "obj_co2": ("les émissions évitées", "the emissions avoided"),
    "obj_jobs": ("les emplois créés", "the jobs created"),
    "generated": (
        "Rapport établi le {date} par symbiosis {version} (logiciel libre).",
        "Report produced on {date} by symbiosis {version} (open-source software).",
    ),
    "contents": ("Sommaire", "Contents"),
    # summary
    "summary": ("Ce que le territoire peut gagner chaque année", "What the territory could gain each year"),
    "s_links": (
        "Le plan retient {links} échanges qui concernent {companies} entreprises du territoire.",
        "The plan keeps {links} exchanges involving {companies} companies of the territory.",
    ),
    "s_tonnes": (
        "Ces échanges gardent en usage local {valorised} de matières par an, soit {share} des {declared} de sorties déclarées{heat}.",
        "These exchanges keep {valorised} of materials a year in local use, {share} of the {declared} of declared outputs{heat}.",
    ),
    "s_heat": (", ainsi que {mwh} de chaleur fatale", ", and {mwh} of surplus heat"),
    "s_landfill": (
        "{landfill} ne partiraient plus en enfouissement et {incineration} plus en incinération.",
        "{landfill} would no longer go to landfill and {incineration} no longer to incineration.",
    ),
    "s_value": (
        "Les émissions évitées atteignent {co2} par an ; le gain net pour les entreprises est de {value} par an, transport{facilities} déduit.",
        "Emissions avoided reach {co2} a year; the net value for companies is {value} a year, after transport{facilities}.",
    ),
    "s_facilities": (" et coût annualisé des installations", " and the annualised cost of facilities"),
    "s_investment": (
        "Les installations à construire ({built}) demandent {investment} d'investissement.",
        "The facilities to build ({built}) need {investment} of investment.",
    ),
    "s_jobs": (
        "Ces chaînes créent {jobs} d'emploi (équivalents temps plein), dont {ess} dans les structures de l'économie sociale et solidaire.",
        "These chains create {jobs} of work (full-time equivalents), {ess} of them in social-economy structures.",
    ),
    "k_valorised_t": ("Matières gardées en usage local", "Materials kept in local use"),
    "k_valorised_share": ("Part des sorties déclarées", "Share of declared outputs"),
    "k_landfill_avoided_t": ("Enfouissement évité", "Landfill avoided"),
    "k_co2e_avoided_t": ("Émissions évitées", "Emissions avoided"),
    "k_net_value_eur_per_year": ("Gain net par an", "Net value per year"),
    "k_insertion_jobs": ("Emplois d'insertion", "Insertion jobs"),
    "k_companies_involved": ("Entreprises concernées", "Companies involved"),
    "k_valorised_mwh": ("Chaleur fatale valorisée", "Surplus heat used"),
    "per_year": ("par an", "a year"),
    "fte": ("ETP", "FTE"),
    "jobs_activity": ("Emplois par activité", "Jobs by activity"),
    "jobs_structure": ("Emplois par structure", "Jobs by structure"),
    "activity": ("Activité", "Activity"),
    "structure": ("Structure", "Structure"),
    "fixed": ("{label} (postes fixes des installations)", "{label} (facility staff)"),
    "other_structures": ("Autres entreprises", "Other companies"),
    "confidential_1": (
        "Une entreprise confidentielle apparaît sous un pseudonyme (« Entreprise A ») ; ses quantités sont arrondies en tranches (« 100–500 t »), comme tout total qui n'en regroupe qu'une ou deux, et son site est placé au kilomètre près.",
        "One confidential company appears under a pseudonym ('Company A'); its quantities are rounded into bands ('100–500 t'), as is any total that groups only one or two of them, and its site is placed to the nearest kilometre.",
    ),
    "confidential": (
        "{count} entreprises confidentielles apparaissent sous un pseudonyme (« Entreprise A »…) ; leurs quantités sont arrondies en tranches (« 100–500 t »), comme tout total qui n'en regroupe qu'une ou deux, et leurs sites sont placés au kilomètre près.",
        "{count} confidential companies appear under a pseudonym ('Company A'…); their quantities are rounded into bands ('100–500 t'), as is any total that groups only one or two of them, and their sites are placed to the nearest kilometre.",
    ),
    # map and flow diagram
    "map": ("Carte des échanges", "Map of the exchanges"),
    "map_caption": (
        "Chaque trait relie celui qui cède à celui qui reçoit ; son épaisseur suit le tonnage annuel (tirets : chaleur, en MWh). Les zones d'activité sont en couleur. Les quantités de chaque trait sont dans le tableau des échanges.",
        "Each line joins the giver to the receiver; its width follows the yearly tonnage (dashes: heat, in MWh). Activity zones are shaded. The quantity of every line is in the table of exchanges.",
    ),
    "sankey": ("D'où viennent les tonnes et où elles vont", "Where the tonnes come from and where they go"),
    "sankey_caption": (
        "À gauche, les sorties déclarées par matière ({declared}) ; à droite, ce qu'elles deviennent dans le plan : valorisées localement ({valorised}) ou laissées à leur filière actuelle. La chaleur fatale (en MWh) n'y figure pas.",
        "Left, the declared outputs by material ({declared}); right, what becomes of them in the plan: kept in local use ({valorised}) or left to their current route. Surplus heat (in MWh) is not shown.",
    ),
    # exchanges
    "exchanges": ("Les échanges proposés", "The proposed exchanges"),
    "exchanges_intro": (
        "{count} échanges, du plus gros au plus petit ; les quantités sont annuelles.",
        "{count} exchanges, largest first; quantities are per year.",
    ),
    "none": ("Aucun échange n'est proposé.", "No exchange is proposed."),
    "from": ("De", "From"),
    "to": ("Vers", "To"),
    "material": ("Matière", "Material"),
    "quantity": ("Quantité /an", "Quantity /yr"),
    "km": ("Distance (km)", "Distance (km)"),
    "route": ("Filière", "Route"),
    "product_route": ("produit de l'installation", "facility product"),
    "facilities": ("Installations partagées", "Shared facilities"),
    "facility": ("Installation", "Facility"),
    "type": ("Type", "Type"),
    "status": ("Statut", "Status"),
    "capacity": ("Capacité /an", "Capacity /yr"),
    "intake": ("Reçu /an", "Intake /yr"),
    "utilisation": ("Utilisation", "Use"),
    "existing": ("existante", "existing"),
    "built": ("à construire (retenue par le plan)", "to build (chosen by the plan)"),
    "candidate": ("en projet, non retenue", "candidate, not chosen"),
    # companies
    "companies": ("Fiches entreprises", "Company pages"),
    "companies_intro": (
        "Une page par entreprise concernée, à lui remettre : ce qu'elle cède, ce qu'elle reçoit, ce qu'elle y gagne.",
        "One page per company involved, to hand to it: what it gives, what it receives, what it gains.",
    ),
    "zone": ("Zone : {zone}", "Zone: {zone}"),
    "ess": ("structure de l'économie sociale et solidaire", "social-economy structure"),
    "c_both": (
        "Dans le plan proposé, {name} cède {sent} et reçoit {received} par an.",
        "In the proposed plan, {name} gives {sent} and receives {received} a year.",
    ),
    "c_sent": ("Dans le plan proposé, {name} cède {sent} par an.", "In the proposed plan, {name} gives {sent} a year."),
    "c_received": (
        "Dans le plan proposé, {name} reçoit {received} par an.",
        "In the proposed plan, {name} receives {received} a year.",
    ),
    "c_saved": (
        "Effet estimé sur ses comptes : {saved} par an (élimination évitée − transport + achats évités).",
        "Estimated effect on its accounts: {saved} a year (disposal avoided − transport + purchases avoided).",
    ),
    "and": (" et ", " and "),
    "gives": ("Ce qu'elle cède", "What it gives"),
    "receives": ("Ce qu'elle reçoit", "What it receives"),
    "declared": ("Ses sorties déclarées", "Its declared outputs"),
    "description": ("Description", "Description"),
    "declared_qty": ("Déclaré /an", "Declared /yr"),
    "valorised_qty": ("Valorisé /an", "Used /yr"),
    # scenarios
    "scenarios": ("Scénarios comparés", "Scenarios compared"),
    "scenarios_intro": (
        "Chaque scénario est optimisé comme la situation de référence ; l'écart est la différence avec elle.",
        "Each scenario is optimised like the base case; the difference is against it.",
    ),
    "indicator": ("Indicateur", "Indicator"),
    "base": ("Situation de référence", "Base case"),
    "delta": ("Écart : {name}", "Difference: {name}"),
    # method
    "method": ("Méthode et sources", "Method and sources"),
    "m_inventory": (
        "Inventaire. {companies} établissements et {flows} flux déclarés (sorties : déchets, coproduits, chaleur fatale ; besoins : ressources), année {year}. Les quantités sont converties dans l'unité de référence de chaque matière (t ou MWh).",
        "Inventory. {companies} establishments and {flows} declared flows (outputs: wastes, by-products, surplus heat; inputs: resources), year {year}. Quantities are converted to each material's reference unit (t or MWh).",
    ),
    "m_matching": (
        "Mise en relation. Un échange est proposé quand la matière est compatible (même code déchet, même matière, ou une règle du catalogue), que la réglementation le permet (un déchet ne va qu'à un destinataire autorisé ; un déchet dangereux seulement à qui déclare ce code) et que la distance reste sous {km} km.",
        "Matching. An exchange is proposed when the material is compatible (same waste code, same material, or a catalogue rule), the regulation allows it (a waste goes only to an authorised receiver; a hazardous waste only to whoever declares that code) and the distance stays under {km} km.",
    ),
    "m_optimisation": (
        "Optimisation. Un programme linéaire choisit les quantités échangées qui maximisent {objective}, sans dépasser ce que chaque sortie déclare, ce que chaque besoin demande ni la capacité des installations ; à égalité, il retient le moins de tonnes-kilomètres.",
        "Optimisation. A linear program chooses the quantities that maximise {objective}, within what each output declares, what each input needs and each facility's capacity; among equal plans it keeps the fewest tonne-kilometres.",
    ),
    "m_indicators": (
        "Indicateurs. Les tonnes sont comptées une fois, à la sortie déclarée. Les émissions évitées sont celles de la filière actuelle moins celles de la nouvelle et du transport. Le gain net additionne l'élimination et les achats évités, moins le transport et le coût annualisé des installations. Les emplois sont nets de ceux de la filière actuelle.",
        "Indicators. Tonnes are counted once, at the declared output. Emissions avoided are those of the current route less those of the new one and of transport. Net value adds disposal and purchases avoided, less transport and the annualised cost of facilities. Jobs are net of those of the current route.",
    ),
    "m_estimates": (
        "Sources. Chaque chiffre ci-dessous vient du catalogue de symbiosis avec sa source ; ceux qui sont propres au territoire viennent de territory.toml. Ce sont des ordres de grandeur à vérifier avant toute décision.",
        "Sources. Every figure below comes from the symbiosis catalogue with its source; territory-specific ones come from territory.toml. They are orders of magnitude to check before any decision.",
    ),
    "figures": ("Chiffres utilisés", "Figures used"),
    "group": ("Élément", "Item"),
    "figure": ("Chiffre", "Figure"),
    "value": ("Valeur", "Value"),
    "unit": ("Unité", "Unit"),
    "source": ("Source", "Source"),
    "g_material": ("Matière", "Material"),
    "g_facility": ("Installation", "Facility"),
    "g_activity": ("Activité", "Activity"),
    "g_rule": ("Règle d'échange", "Exchange rule"),
    "g_parameter": ("Paramètre", "Parameter"),
    "territory_source": ("territory.toml, [defaults] du territoire", "territory.toml, the territory's [defaults]"),
    # sankey nodes
    "other_materials": ("Autres matières", "Other materials"),
    "uncatalogued": ("Déchets hors catalogue", "Wastes outside the catalogue"),
    "ewc": ("Déchet {code}", "Waste {code}"),
    "pdf_missing": (
        "impossible d'écrire le PDF : Chromium est introuvable (installez le paquet chromium, par exemple avec scripts/system-deps.sh, ou écrivez le rapport en .html)",
        "cannot write the PDF: Chromium was not found (install the chromium package, e.g. with scripts/system-deps.sh, or write the report as .html)",
    ),
    "pdf_failed": (
        "impossible d'écrire le PDF : Chromium a échoué ({detail})",
        "cannot write the PDF: Chromium failed ({detail})",
    ),
}

ROUTES: Messages = {
    "landfill": ("enfouissement", "landfill"),
    "incineration": ("incinération", "incineration"),
    "energy_recovery": ("valorisation énergétique", "energy recovery"),
    "recycling": ("recyclage", "recycling"),
    "reuse": ("réemploi", "reuse"),
    "composting": ("compostage", "composting"),
    "methanisation": ("méthanisation", "anaerobic digestion"),
    "land_spreading": ("épandage", "land spreading"),
    "grid_injection": ("injection dans le réseau", "grid injection"),
}

FIELDS: Messages = {
    "density_t_per_m3": ("masse volumique", "density"),
    "lhv_mwh_per_t": ("pouvoir calorifique inférieur", "lower heating value"),
    "methane_nm3_per_t": ("potentiel méthane", "methane potential"),
    "co2e_kg_per_unit": ("émissions : {route}", "emissions: {route}"),
    "substitution_co2e_kg_per_unit": ("émissions évitées par substitution", "substitution credit"),
    "disposal_cost_eur_per_unit": ("coût actuel : {route}", "current cost: {route}"),
    "price_eur_per_unit": ("prix de la ressource remplacée", "price of the resource replaced"),
    "process_co2e_kg_per_unit": ("émissions du procédé", "process emissions"),
    "opex_eur_per_unit": ("coût d'exploitation", "operating cost"),
    "lifetime_years": ("durée de vie", "lifetime"),
    "product": ("rendement : {product}", "yield: {product}"),
    "max_share": ("part maximale de l'apport : {material}", "largest share of intake: {material}"),
    "jobs_per_kt": ("emplois", "jobs"),
    "years": ("ans", "years"),
    "jobs_unit": ("ETP pour 1 000 {unit}", "FTE per 1,000 {unit}"),
    "share_unit": ("part", "share"),
    "efficiency": ("rendement", "efficiency"),
    "max_distance_km": ("distance maximale d'un échange", "longest exchange"),
    "heat_max_distance_km": ("distance maximale d'un échange de chaleur", "longest heat exchange"),
    "transport_cost_eur_per_tkm": ("coût du transport", "transport cost"),
    "transport_co2e_kg_per_tkm": ("émissions du transport", "transport emissions"),
    "methane_kwh_per_nm3": ("énergie du méthane", "energy of methane"),
    "outlet_distance_km": ("distance vers les débouchés (épandage)", "haul to outlets (land spreading)"),
    "discount_rate": ("taux d'actualisation", "discount rate"),
}

PARAMETER_UNITS: Mapping[str, str] = {
    "max_distance_km": "km",
    "heat_max_distance_km": "km",
    "transport_cost_eur_per_tkm": "€/t·km",
    "transport_co2e_kg_per_tkm": "kg CO2e/t·km",
    "methane_kwh_per_nm3": "kWh/Nm³",
    "outlet_distance_km": "km",
    "discount_rate": "/an",
}

MONTHS: tuple[str, ...] = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
    "novembre", "décembre",
)


class ReportError(Exception):
    """The report cannot be written (the PDF tool is missing or failed)."""

    def __init__(self, message_fr: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_fr, self.message_en = message_fr, message_en

    def render(self, lang: Lang) -> str:
        return self.message_fr if lang == "fr" else self.message_en


@dataclass(frozen=True)
class ReportData:
    """Everything the report shows, as frames; masked once by `anonymise`.

    Company keys are `c:<id>`, facility keys `f:<id>`; a `masked` column
    says which figures are bands. `contributors` columns hold the company
    keys a total is made of. Territory totals (`kpis`) are exact.
    """

    lang: Lang
    territory: str
    year: int
    description: str | None
    objective: str
    generated: date
    version: str
    kpis: Mapping[str, Any]
    facts: Mapping[str, float]
    """Inventory size and distance limit, for the method section."""
    companies: pd.DataFrame
    facilities: pd.DataFrame
    exchanges: pd.DataFrame
    outputs: pd.DataFrame
    balances: pd.DataFrame
    sankey_nodes: pd.DataFrame
    sankey_edges: pd.DataFrame
    structures: pd.DataFrame
    activities: pd.DataFrame
    sources: pd.DataFrame
    comparison: pd.DataFrame | None = None
    scenarios: Sequence[tuple[str, str, str]] = field(default_factory=tuple)
    """(column key, name, description) of each scenario compared."""
    masked_count: int = 0


# --- collecting -----------------------------------------------------------------------


def _label(item: Any, lang: Lang) -> str:
    return str(item.label_fr if lang == "fr" else item.label_en)


def _short(text: str) -> str:
    """A catalogue label without its bracketed detail, for tight spaces."""
    return text.split(" (", 1)[0].strip()


def material_labels(catalogue: Catalogue, keys: pd.Series, codes: pd.Series, lang: Lang) -> pd.Series:
    """A readable name for each material key, or for the EWC code when there is none."""
    known = {k: _label(m, lang) for k, m in catalogue.materials.items()}
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


def today_routes(inventory: Inventory) -> pd.Series:
    """Each flow's current route: declared, else its material's usual one (as the matcher)."""
    flows = inventory.flows
    defaults = {k: m.default_route for k, m in inventory.catalogue.materials.items()}
    return flows["route"].fillna(flows["material"].map(defaults)).fillna("landfill")


def collect(
    inventory: Inventory,
    plan: Plan,
    *,
    lang: Lang = "fr",
    today: date | None = None,
    comparison: pd.DataFrame | None = None,
    scenarios: Sequence[tuple[str, str, str]] = (),
) -> ReportData:
    """The report's frames from a plan, exact (before any masking)."""
    detail = _detailed(inventory, plan)
    kpis = indicators(inventory, plan, detail)
    catalogue = inventory.catalogue
    companies, flows, facilities = inventory.companies, inventory.flows, inventory.facilities
    types = catalogue.facility_types

    fac_frame = facilities.assign(
        key="f:" + facilities["id"].astype(str),
        type_label=facilities["type"].map(lambda t: _short(_label(types[t], lang))),
        unit=facilities["type"].map(lambda t: types[t].intake_unit),
    )
    fac_frame["name"] = fac_frame["name"].where(
        fac_frame["name"].notna(), fac_frame["type_label"] + " " + fac_frame["id"].astype(str)
    )
    names = dict(zip(company_key_series(companies["id"]), companies["name"].astype(str), strict=True))
    names.update(zip(fac_frame["key"], fac_frame["name"].astype(str), strict=True))

    fac_ids = set(facilities["id"].astype(str))
    from_fac = detail["from_flow"].astype(str).isin(fac_ids)
    to_fac = detail["to"].astype(str).isin(fac_ids)
    from_key = pd.Series(
        np.where(from_fac, "f:" + detail["from_flow"].astype(str), "c:" + detail["from_company"].astype(str)),
        index=detail.index,
    )
    to_key = pd.Series(
        np.where(to_fac, "f:" + detail["to"].astype(str), "c:" + detail["to_company"].astype(str)),
        index=detail.index,
    )
    codes = detail["from_flow"].map(flows.set_index("id")["ewc"])
    exchanges = pd.DataFrame(
        {
            "from_key": from_key,
            "from_name": from_key.map(names),
            "to_key": to_key,
            "to_name": to_key.map(names),
            "material": material_labels(catalogue, detail["material"], codes, lang).map(_short),
            "quantity": detail["quantity"].astype(float),
            "unit": detail["unit"].astype(str),
            "km": detail["distance_km"].astype(float),
            "route": detail["route"].map(lambda r: say(ROUTES, r, lang) if r in ROUTES else str(r)).where(
                ~from_fac, say(MESSAGES, "product_route", lang)
            ),
            "masked": False,
        }
    )

    outputs_mask = flows["direction"] == "output"
    outputs = flows[outputs_mask]
    used = detail.groupby("from_flow")["quantity"].sum()
    output_frame = pd.DataFrame(
        {
            "key": company_key_series(outputs["company"]),
            "material": material_labels(catalogue, outputs["material"], outputs["ewc"], lang),
            "description": outputs["description"].fillna("").astype(str),
            "declared": outputs["quantity_ref"].astype(float),
            "valorised": outputs["id"].map(used).fillna(0.0).astype(float),
            "unit": outputs["ref_unit"].astype(str),
            "masked": False,
        }
    ).reset_index(drop=True)

    balances = _balances(inventory, detail, lang)
    fac_table = facility_table(inventory, plan, detail)
    intake_from = detail[to_fac & ~from_fac]
    contributors = intake_from.groupby("to")["from_company"].agg(lambda s: tuple(sorted(company_key_series(s).unique())))
    fac_frame = fac_frame.merge(fac_table[["id", "open", "intake"]], on="id", how="left").assign(
        capacity=lambda f: f["capacity_ref"].astype(float),
        intake=lambda f: f["intake"].fillna(0.0).astype(float),
        contributors=lambda f: f["id"].map(contributors).map(lambda v: v if isinstance(v, tuple) else ()),
        masked=False,
    )[["key", "id", "name", "type_label", "status", "open", "lat", "lon", "capacity", "intake", "unit", "contributors", "masked"]]

    company_frame = pd.DataFrame(
        {
            "key": company_key_series(companies["id"]),
            "name": companies["name"].astype(str),
            "zone": companies["zone"].fillna("").astype(str),
            "ess": companies["ess"].astype(bool),
            "lat": companies["lat"].astype(float),
            "lon": companies["lon"].astype(float),
            "involved": company_key_series(companies["id"]).isin(set(balances["key"])),
            "masked": False,
        }
    )
    nodes, edges = _sankey(inventory, detail, lang)
    other = say(MESSAGES, "other_structures", lang)
    structures = pd.DataFrame(
        [
            ("other", other, v) if k == "other" else (company_key(k), names.get(company_key(k), str(k)), v)
            for k, v in kpis["jobs_by_structure"].items()
        ],
        columns=["key", "name", "fte"],
    ).assign(masked=False)
    territory = inventory.territory
    return ReportData(
        lang=lang,
        territory=territory.name,
        year=territory.year,
        description=territory.description,
        objective=plan.objective,
        generated=today or report_date(),
        version=symbiosis.__version__,
        kpis=kpis,
        facts={
            "companies": len(companies),
            "flows": len(flows),
            "max_distance_km": inventory.parameter("max_distance_km"),
        },
        companies=company_frame,
        facilities=fac_frame,
        exchanges=exchanges,
        outputs=output_frame,
        balances=balances,
        sankey_nodes=nodes,
        sankey_edges=edges,
        structures=structures,
        activities=_activities(catalogue, kpis, lang),
        sources=sources(inventory, detail, kpis, lang),
        comparison=comparison,
        scenarios=tuple(scenarios),
    )


def report_date() -> date:
    """Today, or SOURCE_DATE_EPOCH's day, so that a rebuilt report can be identical."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    return date.today()


def company_key_series(ids: pd.Series) -> pd.Series:
    return "c:" + ids.astype(str)


def _balances(inventory: Inventory, detail: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """kpis.company_table, with each company's partners (a total of theirs)."""
    table = company_table(inventory, detail)
    ids = set(inventory.companies["id"].astype(str))
    pairs = pd.concat(
        [
            detail[["from_company", "to_company"]].set_axis(["a", "b"], axis=1),
            detail[["to_company", "from_company"]].set_axis(["a", "b"], axis=1),
        ],
        ignore_index=True,
    ).astype(str)
    pairs = pairs[pairs["a"].isin(ids) & pairs["b"].isin(ids)]
    partners = pairs.groupby("a")["b"].agg(lambda s: set(s))
    keys = company_key_series(table["id"])
    contributors = [
        tuple(sorted({company_key(c) for c in partners.get(i, set())} | {key}))
        for i, key in zip(table["id"].astype(str), keys, strict=True)
    ]
    return pd.DataFrame(
        {
            "key": keys,
            "name": table["name"].astype(str),
            "ess": table["ess"].astype(bool),
            "sent_t": table["sent_t"].astype(float),
            "sent_mwh": table["sent_mwh"].astype(float),
            "received_t": table["received_t"].astype(float),
            "received_mwh": table["received_mwh"].astype(float),
            "saved_eur": table["saved_eur_per_year"].astype(float),
            "contributors": contributors,
            "masked": False,
        }
    )


def _sankey(inventory: Inventory, detail: pd.DataFrame, lang: Lang) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tonnes of declared outputs from material to what becomes of them.

    Valorised tonnes go to `local:<route>` (the link's route); what no link
    takes stays on its current route, `today:<route>`. Each node and edge
    keeps the companies it sums, for the confidentiality rule.
    """
    flows = inventory.flows
    outputs = flows[(flows["direction"] == "output") & (flows["ref_unit"] == "t")]
    material = material_labels(inventory.catalogue, outputs["material"], outputs["ewc"], lang)
    material = material.where(outputs["material"].notna(), say(MESSAGES, "uncatalogued", lang))
    totals = outputs["quantity_ref"].groupby(material).sum().sort_values(ascending=False)
    keep = set(totals.index[:TOP_MATERIALS])
    group = material.where(material.isin(keep), say(MESSAGES, "other_materials", lang))
    source = pd.Series(group.to_numpy(), index=outputs["id"].to_numpy())
    company = pd.Series(company_key_series(outputs["company"]).to_numpy(), index=outputs["id"].to_numpy())
    mass = detail[(detail["unit"] == "t") & detail["from_flow"].isin(outputs["id"])]
    local = pd.DataFrame(
        {
            "source": mass["from_flow"].map(source),
            "target": "local:" + mass["route"].astype(str),
            "key": mass["from_flow"].map(company),
            "quantity": mass["quantity"].astype(float),
        }
    )
    taken = mass.groupby("from_flow")["quantity"].sum()
    left = outputs["quantity_ref"].astype(float) - outputs["id"].map(taken).fillna(0.0).to_numpy()
    rest = pd.DataFrame(
        {
            "source": group.to_numpy(),
            "target": ("today:" + today_routes(inventory)[outputs.index]).to_numpy(),
            "key": company_key_series(outputs["company"]).to_numpy(),
            "quantity": left.to_numpy(),
        }
    )
    parts = pd.concat([local, rest[rest["quantity"] > 1e-9]], ignore_index=True)

    def summed(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
        return frame.groupby(by, sort=False).agg(
            quantity=("quantity", "sum"), contributors=("key", lambda s: tuple(sorted(set(s))))
        ).reset_index()

    edges = summed(parts, ["source", "target"]).assign(masked=False)
    left_nodes = summed(parts, ["source"]).rename(columns={"source": "node"}).assign(side="left")
    right_nodes = summed(parts, ["target"]).rename(columns={"target": "node"}).assign(side="right")
    # Order is left to the drawing, after masking: sorting exact figures
    # here would tell where a masked one lies between its neighbours.
    left_nodes["group"] = (left_nodes["node"] == say(MESSAGES, "other_materials", lang)).astype(int)
    left_nodes["label"] = left_nodes["node"]
    right_nodes["group"] = right_nodes["node"].str.startswith("today:").astype(int)
    right_nodes["label"] = right_nodes["node"].map(lambda n: target_label(n, lang))
    nodes = pd.concat([left_nodes, right_nodes], ignore_index=True)
    return nodes.assign(masked=False)[["side", "node", "label", "group", "quantity", "contributors", "masked"]], edges


def target_label(node: str, lang: Lang) -> str:
    """`local:recycling` -> "Recyclage"; `today:landfill` -> "Enfouissement"."""
    route = node.split(":", 1)[1]
    text = say(ROUTES, route, lang) if route in ROUTES else route
    return text[:1].upper() + text[1:]


def _activities(catalogue: Catalogue, kpis: Mapping[str, Any], lang: Lang) -> pd.DataFrame:
    rows = []
    for key, fte in kpis["jobs_by_activity"].items():
        base = str(key).removesuffix("_fixed")
        activity = catalogue.activities.get(base)
        label = base if activity is None else _label(activity, lang)
        if str(key).endswith("_fixed"):
            label = say(MESSAGES, "fixed", lang, label=label)
        rows.append((label, float(fte)))
    return pd.DataFrame(rows, columns=["label", "fte"])


# --- sources -------------------------------------------------------------------------


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
    routes_of = routes.groupby("material")["route"].agg(lambda s: set(s))
    in_m3 = set(flows.loc[flows["unit"] == "m3", "material"].dropna())
    moved = set(detail["material"].dropna())
    group = say(MESSAGES, "g_material", lang)
    known = [k for k in moved | in_m3 if k in catalogue.materials]
    for key in sorted(known, key=lambda k: _label(catalogue.materials[k], lang)):
        material = catalogue.materials[key]
        item = _label(material, lang)
        unit: str = material.unit
        if material.density_t_per_m3 is not None and key in in_m3:
            rows.append(_row(group, item, say(FIELDS, "density_t_per_m3", lang), material.density_t_per_m3, "t/m³"))
        if key not in moved:
            continue
        for name, figure, figure_unit in (
            ("lhv_mwh_per_t", material.lhv_mwh_per_t, "MWh/t"),
            ("methane_nm3_per_t", material.methane_nm3_per_t, "Nm³/t"),
            ("substitution_co2e_kg_per_unit", material.substitution_co2e_kg_per_unit, f"kg CO2e/{unit}"),
            ("price_eur_per_unit", material.price_eur_per_unit, f"€/{unit}"),
        ):
            if figure is not None:
                rows.append(_row(group, item, say(FIELDS, name, lang), figure, figure_unit))
        used_routes = routes_of.get(key, set())
        for route, figure in material.co2e_kg_per_unit.items():
            if route in used_routes:
                rows.append(_row(group, item, say(FIELDS, "co2e_kg_per_unit", lang, route=say(ROUTES, route, lang)), figure, f"kg CO2e/{unit}"))
        for route, figure in material.disposal_cost_eur_per_unit.items():
            if route in used_routes:
                rows.append(_row(group, item, say(FIELDS, "disposal_cost_eur_per_unit", lang, route=say(ROUTES, route, lang)), figure, f"€/{unit}"))

    facilities = inventory.facilities.set_index("id")
    touched = set(detail["to"].astype(str)) | set(detail["from_flow"].astype(str))
    ftypes = sorted(set(facilities.loc[facilities.index.isin(touched), "type"].astype(str)))
    group = say(MESSAGES, "g_facility", lang)
    for key in ftypes:
        ftype = catalogue.facility_types[key]
        item, u = _label(ftype, lang), ftype.intake_unit
        rows.append(_row(group, item, say(FIELDS, "process_co2e_kg_per_unit", lang), ftype.process_co2e_kg_per_unit, f"kg CO2e/{u}"))
        rows.append(_row(group, item, say(FIELDS, "opex_eur_per_unit", lang), ftype.opex_eur_per_unit, f"€/{u}"))
        rows.append(_row(group, item, say(FIELDS, "lifetime_years", lang), ftype.lifetime_years, say(FIELDS, "years", lang)))
        for product in ftype.products:
            made = catalogue.materials[product.product]
            unit = {"mass": "t/t", "energy": "MWh/MWh"}.get(product.basis, say(FIELDS, "efficiency", lang))
            rows.append(_row(group, item, say(FIELDS, "product", lang, product=_label(made, lang)), product.factor, unit))
        for acceptance in ftype.accepts:
            if acceptance.max_share is not None:
                taken = _label(catalogue.materials[acceptance.material], lang)
                rows.append(_row(group, item, say(FIELDS, "max_share", lang, material=taken), acceptance.max_share, say(FIELDS, "share_unit", lang)))

    activities = set(detail["activity"].dropna().astype(str)) | set(detail["today_route"].dropna().astype(str))
    activities |= {catalogue.facility_types[t].activity for t in ftypes}
    group = say(MESSAGES, "g_activity", lang)
    unit = say(FIELDS, "jobs_unit", lang, unit="t / MWh")
    for key in sorted(a for a in activities if a in catalogue.activities):
        activity = catalogue.activities[key]
        rows.append(_row(group, _label(activity, lang), say(FIELDS, "jobs_per_kt", lang), activity.jobs_per_kt, unit))

    group = say(MESSAGES, "g_rule", lang)
    for key in sorted(set(detail["rule"].astype(str)) & set(catalogue.rules)):
        rule = catalogue.rules[key]
        rows.append((group, _label(rule, lang), "", None, "", rule.source))

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
    return pd.DataFrame(rows, columns=["group", "item", "figure", "value", "unit", "source"])


def _row(group: str, item: str, name: str, figure: Figure, unit: str) -> tuple[str, str, str, float | None, str, str]:
    return (group, item, name, figure.value, unit, figure.source)


# --- masking ---------------------------------------------------------------------------


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
    masked = companies["confidential"].astype(bool) | anonymise_all
    masker = Masker.build(
        companies["id"].astype(str).tolist(), companies["name"].astype(str).tolist(), masked.tolist(), lang
    )
    masked = anonymise(data, masker)
    # Ordered only now, on the figures shown: an order taken from exact
    # figures would tell where a band lies between its neighbours.
    return replace(masked, exchanges=largest_first(masked.exchanges).reset_index(drop=True))


# --- the view the templates read --------------------------------------------------------


def long_date(day: date, lang: Lang) -> str:
    if lang == "fr":
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return day.strftime("%d %B %Y").lstrip("0")


def fmt(value: float, unit: str, masked: bool, lang: Lang) -> str:
    """A quantity with the decimals its unit deserves (t: 1, MWh and €: 0)."""
    decimals = 1 if unit in {"t", "t CO2e", "km"} else 2 if unit in {"ETP", "FTE"} else 0
    text = shown(value, unit, masked, lang, decimals)
    return "−" + text[1:] if text.startswith("-") else text


KPI_CARDS: tuple[tuple[str, str, int], ...] = (
    ("valorised_t", "t", 1),
    ("valorised_share", "%", 1),
    ("landfill_avoided_t", "t", 1),
    ("co2e_avoided_t", "t CO2e", 1),
    ("net_value_eur_per_year", "€", 0),
    ("insertion_jobs", "fte", 1),
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
    ess_jobs = sum(float(v) for key, v in k["jobs_by_structure"].items() if key != "other")
    sentences = [
        t("s_links", links=k["links"], companies=k["companies_involved"]),
        t(
            "s_tonnes",
            valorised=q("valorised_t", "t"),
            share=kpi_text("valorised_share", float(k["valorised_share"]), lang),
            declared=q("declared_output_t", "t"),
            heat=t("s_heat", mwh=q("valorised_mwh", "MWh", 0)) if float(k["valorised_mwh"]) > 0 else "",
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
            jobs=quantity(float(k["insertion_jobs"]), t("fte"), lang, 1),
            ess=quantity(ess_jobs, t("fte"), lang, 1),
        )
    )
    cards = [
        {"key": key, "label": t(f"k_{key}"), "value": repr(float(k[key])), "text": kpi_text(key, float(k[key]), lang)}
        for key, _, _ in KPI_CARDS
    ]
    anchors = {key: f"entreprise-{i + 1}" for i, key in enumerate(data.balances.sort_values("name")["key"])}
    exchanges = [_exchange_row(row, anchors, lang) for row in largest_first(data.exchanges).itertuples(index=False)]
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
        "cards": cards,
        "confidential": "" if not data.masked_count else t("confidential_1") if data.masked_count == 1
        else t("confidential", count=data.masked_count),
        "activities": [(r.label, number(float(r.fte), lang, 2)) for r in data.activities.itertuples(index=False)],
        "structures": [
            (str(r.name), fmt(float(r.fte), t("fte"), bool(r.masked), lang))
            for r in data.structures.sort_values("fte", ascending=False).itertuples(index=False)
        ],
        "map_svg": map_svg,
        "sankey_svg": sankey_svg,
        "sankey_caption": t("sankey_caption", declared=q("declared_output_t", "t"), valorised=q("valorised_t", "t")),
        "exchanges": exchanges,
        "facilities": [_facility_row(r, lang) for r in data.facilities.itertuples(index=False)],
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
            for r in data.sources.itertuples(index=False)
        ],
    }


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
    for row in data.balances.sort_values("name").itertuples(index=False):
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
                "gives": [_exchange_row(r, anchors, lang) for r in gives.itertuples(index=False)],
                "receives": [_exchange_row(r, anchors, lang) for r in receives.itertuples(index=False)],
                "outputs": [
                    {
                        "material": str(r.material),
                        "description": str(r.description),
                        "declared": fmt(float(r.declared), str(r.unit), bool(r.masked), lang),
                        "valorised": fmt(float(r.valorised), str(r.unit), bool(r.masked), lang)
                        if float(r.valorised) > 0 else "—",
                    }
                    for r in outputs.itertuples(index=False)
                ],
            }
        )
    return pages


def _comparison(data: ReportData) -> dict[str, Any] | None:
    """The scenario table: one row per indicator, values then differences."""
    frame = data.comparison
    if frame is None or frame.empty:
        return None
    from symbiosis.scenarios import LABELS

    lang = data.lang
    names = {key: name for key, name, _ in data.scenarios}
    cases = [c for c in frame.columns if not str(c).startswith("delta:")]
    deltas = [c for c in frame.columns if str(c).startswith("delta:")]
    header = [say(MESSAGES, "indicator", lang)]
    header += [say(MESSAGES, "base", lang) if c == "base" else names.get(str(c), str(c)) for c in cases]
    header += [say(MESSAGES, "delta", lang, name=names.get(str(c)[6:], str(c)[6:])) for c in deltas]
    rows = []
    for indicator, values in frame.iterrows():
        label = say(LABELS, str(indicator), lang) if str(indicator) in LABELS else str(indicator)
        cells = [_indicator_value(str(indicator), values[c], lang, signed=False) for c in cases]
        cells += [_indicator_value(str(indicator), values[c], lang, signed=True) for c in deltas]
        rows.append([label, *cells])
    return {
        "header": header,
        "rows": rows,
        "scenarios": [(name, text) for _, name, text in data.scenarios],
    }


def _indicator_value(indicator: str, value: object, lang: Lang, *, signed: bool) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "—"
    number_value = float(value)  # type: ignore[arg-type]
    if indicator == "valorised_share":  # a difference of shares is in points
        text = f"{number(100 * number_value, lang, 1)}\u00a0{'pt' if signed else '%'}"
    elif indicator in {"companies_involved", "links"}:
        text = number(number_value, lang, 0)
    elif indicator in {"insertion_jobs", "payback_years"}:
        text = number(number_value, lang, 1)
    elif indicator in {"net_value_eur_per_year", "investment_eur", "valorised_mwh"}:
        text = number(number_value, lang, 0)
    else:
        text = number(number_value, lang, 1)
    return ("+" + text) if signed and number_value > 0 else text.replace("-", "−")


# --- rendering ------------------------------------------------------------------------


def _environment(markdown: bool) -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("symbiosis", "templates"),
        autoescape=not markdown,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def render_html(data: ReportData) -> str:
    """One self-contained page: inline CSS and SVG, nothing fetched."""
    from markupsafe import Markup

    from symbiosis.charts import map_svg, sankey_svg

    page = view(data, map_svg(data, standalone=False), sankey_svg(data, standalone=False))
    page["map_svg"] = Markup(page["map_svg"])  # built by charts.py, every text escaped there
    page["sankey_svg"] = Markup(page["sankey_svg"])
    return str(_environment(markdown=False).get_template("report.html.j2").render(**page))


def render_markdown(data: ReportData, map_file: str, sankey_file: str) -> str:
    """The report as Markdown, its two drawings as SVG files beside it."""
    page = view(data, map_file, sankey_file)
    environment = _environment(markdown=True)
    environment.filters["cell"] = _md_cell
    return str(environment.get_template("report.md.j2").render(**page))


def _md_cell(text: object) -> str:
    """Table-safe Markdown: no pipe or line break inside a cell."""
    return str(text).replace("|", "\\|").replace("\n", " ").replace("\r", " ")


def chromium() -> str | None:
    """The headless browser that prints the PDF, if installed."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def html_to_pdf(html: str, workdir: Path | None = None, timeout_s: float = 180.0) -> bytes:
    """Print the HTML report to PDF with headless Chromium (A4, from the CSS).

    The page is our own, script-free and offline, so the sandbox (which
    fails as root and in many containers) and networking are switched off.
    The work folder sits beside the output when given: a confined browser
    (Ubuntu's snap) cannot see the system's /tmp.
    """
    browser = chromium()
    if browser is None:
        raise ReportError(say(MESSAGES, "pdf_missing", "fr"), say(MESSAGES, "pdf_missing", "en"))
    with tempfile.TemporaryDirectory(prefix="symbiosis-pdf-", dir=workdir) as temp:
        folder = Path(temp).resolve()  # Chromium needs an absolute file:// address
        page, pdf = folder / "report.html", folder / "report.pdf"
        page.write_text(html, "utf-8")
        command = [
            browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-extensions", "--no-first-run",
            "--disable-dev-shm-usage", f"--user-data-dir={folder / 'profile'}",
            "--no-pdf-header-footer", "--print-to-pdf-no-header", f"--print-to-pdf={pdf}", page.as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout_s, check=False,
                                  env={**os.environ, "LANG": "C.UTF-8"})
        except (OSError, subprocess.TimeoutExpired) as error:
            raise ReportError(say(MESSAGES, "pdf_failed", "fr", detail=error), say(MESSAGES, "pdf_failed", "en", detail=error)) from error
        if not pdf.exists() or pdf.stat().st_size == 0:
            detail = f"code {done.returncode}"
            raise ReportError(say(MESSAGES, "pdf_failed", "fr", detail=detail), say(MESSAGES, "pdf_failed", "en", detail=detail))
        return pdf.read_bytes()


def sidecar(out: Path, kind: str, lang: Lang) -> Path:
    """Where a Markdown report's drawing goes: `rapport-carte.svg` beside `rapport.md`."""
    words = {"map": ("carte", "map"), "sankey": ("flux", "flows")}[kind]
    return out.with_name(f"{out.stem}-{words[0] if lang == 'fr' else words[1]}.svg")


def write_report(out: Path, data: ReportData) -> list[Path]:
    """Write the report in the format its suffix names; returns the files written."""
    from symbiosis.charts import map_svg, sankey_svg
    from symbiosis.output import write_bytes, write_text

    suffix = out.suffix.lower()
    if suffix == ".md":
        map_path, sankey_path = sidecar(out, "map", data.lang), sidecar(out, "sankey", data.lang)
        write_text(map_path, map_svg(data, standalone=True))
        write_text(sankey_path, sankey_svg(data, standalone=True))
        write_text(out, render_markdown(data, map_path.name, sankey_path.name))
        return [out, map_path, sankey_path]
    html = render_html(data)
    if suffix == ".pdf":
        out.parent.mkdir(parents=True, exist_ok=True)
        write_bytes(out, html_to_pdf(html, workdir=out.parent))
    else:
        write_text(out, html)
    return [out]
