"""The inventory as a spreadsheet: template, import and export.

A chargé de mission keeps the inventory in a workbook sent to companies and
corrected over months. The workbook has one sheet per file of the inventory
folder (Territoire, Entreprises, Flux, Installations) plus help and reference
sheets. Importing never re-implements validation: the sheets are written as
CSV files into a temporary folder, `load_inventory` checks them, and every
problem's (file, line, column) is mapped back to (sheet, row, column letter),
so that messages are the reader's own and name the cell to fix.
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import numbers
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from dataclasses import replace as replace_fields
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import tomli_w
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]
from openpyxl.comments import Comment  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter, quote_sheetname  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]

from symbiosis import ewc as ewc_codes
from symbiosis.catalogue import ROUTES, Catalogue, load_catalogue
from symbiosis.flows import MESSAGES as FLOW_MESSAGES
from symbiosis.flows import UNITS, Inventory, load_inventory
from symbiosis.i18n import Lang, Messages, say
from symbiosis.output import guard, write_bytes
from symbiosis.problems import InputError, Problem, problem

MESSAGES: Messages = {
    "not_xlsx": (
        "format non pris en charge : enregistrez le classeur au format Excel (.xlsx)",
        "unsupported format: save the workbook as an Excel file (.xlsx)",
    ),
    "no_file": ("fichier introuvable", "file not found"),
    "unreadable": ("classeur illisible ({detail})", "unreadable workbook ({detail})"),
    "missing_sheet": (
        "feuille « {sheet} » absente du classeur (feuilles présentes : {found})",
        "sheet '{sheet}' is missing from the workbook (sheets found: {found})",
    ),
    "empty_sheet": (
        "feuille vide : une ligne d'en-tête est attendue",
        "empty sheet: a header row is expected",
    ),
    "duplicate_header": (
        "colonne « {header} » en double (déjà en {first})",
        "column '{header}' appears twice (already in {first})",
    ),
    "missing_column": ("colonne obligatoire absente : {header}", "required column is missing: {header}"),
    "months_date": (
        "une date a été lue au lieu des mois : saisissez par exemple 10-4 dans une cellule au format Texte",
        "a date was read instead of months: type e.g. 10-4 in a cell formatted as Text",
    ),
    "unknown_company": (
        "entreprise « {value} » absente de la feuille « {sheet} »",
        "company '{value}' is not in sheet '{sheet}'",
    ),
    "unknown_operator": (
        "exploitant « {value} » absent de la feuille « {sheet} »",
        "operator '{value}' is not in sheet '{sheet}'",
    ),
    "duplicate_id": (
        "identifiant « {value} » en double (déjà ligne {first})",
        "duplicate id '{value}' (already on row {first})",
    ),
    "target_exists": (
        "le dossier existe déjà : ajoutez --force pour le remplacer",
        "the folder already exists: add --force to replace it",
    ),
    "target_not_folder": ("existe et n'est pas un dossier", "exists and is not a folder"),
    "is_folder": ("c'est un dossier : indiquez un fichier .xlsx", "this is a folder: give an .xlsx file"),
    "file_exists": (
        "le fichier existe déjà : ajoutez --force pour le remplacer",
        "the file already exists: add --force to replace it",
    ),
    "yes": ("oui", "yes"),
    "no": ("non", "no"),
    # Headers and texts of the sheets.
    "parameter": ("Paramètre", "Parameter"),
    "value": ("Valeur", "Value"),
    "explanation": ("Explication", "Explanation"),
    "sheet": ("Feuille", "Sheet"),
    "column": ("Colonne", "Column"),
    "required": ("Obligatoire", "Required"),
    "example": ("Exemple", "Example"),
    "code": ("Code", "Code"),
    "label": ("Libellé", "Label"),
    "hazardous": ("Dangereux", "Hazardous"),
    "help_title": ("Inventaire des flux : mode d'emploi", "Flow inventory: how to fill it in"),
    "help_1": (
        "Une ligne par établissement dans « {companies} », une ligne par flux (sortie ou besoin) dans « {flows} », "
        "une ligne par installation partagée (existante ou en projet) dans « {facilities} ».",
        "One row per establishment in '{companies}', one row per flow (output or input) in '{flows}', "
        "one row per shared facility (existing or candidate) in '{facilities}'.",
    ),
    "help_2": (
        "Les listes déroulantes viennent de la feuille « {lists} » ; les codes déchets et leurs libellés, de « {codes} ». "
        "Un commentaire sur chaque en-tête rappelle ce qu'attend la colonne.",
        "Drop-down lists come from the '{lists}' sheet; waste codes and their labels from '{codes}'. "
        "A comment on each header recalls what the column expects.",
    ),
    "help_3": (
        "Nombres : virgule ou point décimal. Oui/non : oui, non (ou true, false). Ne renommez pas les en-têtes : "
        "le nom entre parenthèses est celui que lit symbiosis.",
        "Numbers: decimal point or comma. Yes/no: yes, no (or true, false). Do not rename the headers: "
        "the name in brackets is the one symbiosis reads.",
    ),
    "help_4": (
        "Puis : symbiosis import ce_classeur.xlsx --to dossier_inventaire ; chaque erreur est signalée avec sa cellule "
        "(par exemple Flux!F14).",
        "Then: symbiosis --lang en import this_workbook.xlsx --to inventory_folder; each mistake is reported with "
        "its cell (for example Flows!F14).",
    ),
    "direction": ("Sens (direction)", "Direction (direction)"),
    "unit": ("Unité (unit)", "Unit (unit)"),
    "material": ("Matière (material)", "Material (material)"),
    "material_label": ("Libellé de la matière", "Material label"),
    "ref_unit": ("Unité de référence", "Reference unit"),
    "facility_type": ("Type d'installation (type)", "Facility type (type)"),
    "facility_label": ("Libellé du type", "Type label"),
    "flow_status": ("Statut d'un flux (status)", "Flow status (status)"),
    "facility_status": ("Statut d'une installation (status)", "Facility status (status)"),
    "route": ("Filière (route)", "Route (route)"),
    "yes_no": ("Oui / non", "Yes / no"),
    "invalid_entry": ("Saisie refusée", "Entry refused"),
    "check_positive": ("Un nombre strictement positif est attendu.", "A number greater than 0 is expected."),
    "check_non_negative": ("Un nombre positif ou nul est attendu.", "A number of at least 0 is expected."),
    "check_number": ("Un nombre est attendu.", "A number is expected."),
    "check_count": ("Un nombre entier positif ou nul est attendu.", "A whole number of at least 0 is expected."),
    "check_year": ("Une année entre 1900 et 2200 est attendue.", "A year between 1900 and 2200 is expected."),
    "check_latitude": ("La latitude doit être comprise entre −90 et 90.", "Latitude must be between −90 and 90."),
    "check_longitude": ("La longitude doit être comprise entre −180 et 180.", "Longitude must be between −180 and 180."),
    "check_list": ("Choisissez une valeur de la liste.", "Choose a value from the list."),
    "check_company": (
        "Cet identifiant n'est pas (encore) dans la feuille des entreprises.",
        "This id is not (yet) in the companies sheet.",
    ),
    "check_ewc": (
        "Ce code n'est pas dans la liste : vérifiez-le (feuille des codes déchets).",
        "This code is not in the list: check it (waste codes sheet).",
    ),
}

# --- the layout -----------------------------------------------------------------

Kind = Literal["text", "code", "number", "integer", "bool"]


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a sheet (or one row of the territory sheet)."""

    key: str
    fr: str
    en: str
    help_fr: str
    help_en: str
    example: str = ""
    kind: Kind = "text"
    required: bool = False
    width: float = 14
    choices: str | None = None
    check: str | None = None

    @property
    def short(self) -> str:
        """The name shown in brackets: `max_distance_km` for `defaults.max_distance_km`."""
        return self.key.rpartition(".")[2]

    def header(self, lang: Lang) -> str:
        return f"{self.fr if lang == 'fr' else self.en} ({self.short})"

    def help(self, lang: Lang) -> str:
        return self.help_fr if lang == "fr" else self.help_en


@dataclass(frozen=True, slots=True)
class Sheet:
    """A sheet holding one CSV table of the inventory."""

    key: str
    file: str
    fr: str
    en: str
    columns: tuple[Column, ...]
    required: bool = True

    def title(self, lang: Lang) -> str:
        return self.fr if lang == "fr" else self.en


def _c(key: str, fr: str, en: str, help_fr: str, help_en: str, example: str = "", **options: Any) -> Column:
    return Column(key, fr, en, help_fr, help_en, example, **options)


_ID = _c("id", "Identifiant", "Identifier", "Code unique de la ligne.", "Unique code of the row.",
         kind="code", required=True, width=12)
_LAT = _c("lat", "Latitude", "Latitude", "Latitude du site en degrés décimaux (WGS84), de −90 à 90.",
          "Latitude of the site in decimal degrees (WGS84), −90 to 90.", "49.3247",
          kind="number", required=True, width=12, check="latitude")
_LON = _c("lon", "Longitude", "Longitude", "Longitude du site en degrés décimaux (WGS84), de −180 à 180.",
          "Longitude of the site in decimal degrees (WGS84), −180 to 180.", "6.0842",
          kind="number", required=True, width=12, check="longitude")
_UNIT = _c("unit", "Unité", "Unit", "Unité de la quantité : t, kg, m3, MWh ou kWh (MWh ou kWh pour la chaleur).",
           "Unit of the quantity: t, kg, m3, MWh or kWh (MWh or kWh for heat).", "t",
           kind="code", required=True, width=10, choices="unit")
_DISTANCE = _c("max_distance_km", "Distance max. en km", "Max. distance in km",
               "Distance maximale acceptée pour cette ligne, en km (remplace celle du territoire).",
               "Longest distance accepted for this row, in km (overrides the territory's).", "50",
               kind="number", width=14, check="positive")
_ZONE = _c("zone", "Zone d'activité", "Activity zone", "Zone d'activité ou nom du site.",
           "Activity zone or site name.", "Uckange – U4 / Evolu'4", width=28)

COMPANIES = Sheet("companies", "companies.csv", "Entreprises", "Companies", (
    replace_fields(_ID, help_fr="Code unique de l'établissement ; la feuille des flux le cite dans sa colonne Entreprise.",
                   help_en="Unique code of the establishment; the flows sheet refers to it in its Company column.",
                   example="C001"),
    _c("name", "Nom", "Name", "Raison sociale ou nom d'usage du site.", "Trading name of the site.",
       "Atelier Palettes de la Fensch", required=True, width=40),
    _LAT,
    _LON,
    _ZONE,
    _c("naf", "Code NAF", "NAF code", "Code d'activité NAF / NACE.", "NAF / NACE activity code.", "24.10Z",
       kind="code", width=11),
    _c("employees", "Effectif", "Employees", "Effectif salarié (nombre entier).", "Headcount (whole number).",
       "850", kind="integer", width=11, check="count"),
    _c("ess", "ESS / insertion", "Social economy", "oui pour une structure de l'économie sociale et solidaire ou "
       "d'insertion (SIAE, ESAT…).", "yes for a social-economy or insertion structure (SIAE, ESAT…).", "non",
       kind="bool", width=14, choices="yes_no"),
    _c("confidential", "Confidentiel", "Confidential", "oui : jamais nommée dans les rapports diffusés.",
       "yes: never named in reports meant for circulation.", "non", kind="bool", width=14, choices="yes_no"),
))

FLOWS = Sheet("flows", "flows.csv", "Flux", "Flows", (
    replace_fields(_ID, help_fr="Code unique du flux.", help_en="Unique code of the flow.", example="F001"),
    _c("company", "Entreprise", "Company", "Identifiant de l'entreprise (feuille des entreprises) qui rejette ou "
       "qui a besoin.", "Id of the company (companies sheet) that discards or needs.", "C001",
       kind="code", required=True, width=12, choices="company"),
    _c("direction", "Sens", "Direction", "output : ce que l'entreprise rejette ou offre (déchet, coproduit, chaleur "
       "fatale) ; input : ce dont elle a besoin (ressource).", "output: what the company discards or offers (waste, "
       "by-product, surplus heat); input: what it needs (resource).", "output",
       kind="code", required=True, width=11, choices="direction"),
    _c("ewc", "Code déchet", "Waste code", "Code de la liste européenne des déchets, 6 chiffres, * pour un déchet "
       "dangereux (feuille des codes déchets). Code déchet ou matière : au moins l'un des deux.",
       "European List of Waste code, 6 digits, * for hazardous waste (waste codes sheet). Waste code or "
       "material: at least one of the two.", "15 01 03", kind="code", width=13, choices="ewc"),
    _c("material", "Matière", "Material", "Matière du catalogue (feuille des listes) ; nécessaire pour la chaleur "
       "et l'énergie (waste_heat, heat).", "Material of the catalogue (lists sheet); needed for heat and energy "
       "(waste_heat, heat).", "wood_pallets", kind="code", width=20, choices="material"),
    _c("quantity", "Quantité par an", "Quantity per year", "Quantité par an, strictement positive.",
       "Amount per year, greater than 0.", "120", kind="number", required=True, width=14, check="positive"),
    _UNIT,
    _c("description", "Description", "Description", "Texte libre.", "Free text.",
       "Palettes cassées, benne de 30 m3", width=40),
    _DISTANCE,
    _c("cost_eur_per_t", "Coût actuel en €/t", "Current cost in €/t", "Sorties : ce que coûte l'élimination "
       "aujourd'hui ; besoins : ce que coûte la ressource. Négatif quand le flux est vendu.", "Outputs: what "
       "disposal costs today; inputs: what the resource costs today. Negative when the flow is sold.", "85",
       kind="number", width=14, check="number"),
    _c("status", "Statut", "Status", "Sorties : waste (déchet, par défaut), by_product (coproduit) ou end_of_waste "
       "(sorti du statut de déchet).", "Outputs: waste (the default), by_product or end_of_waste.", "waste",
       kind="code", width=13, choices="flow_status"),
    _c("authorised", "Autorisé à recevoir", "Authorised receiver", "Besoins : oui si le site est autorisé à "
       "recevoir des déchets (ICPE).", "Inputs: yes if the site is licensed to take waste.", "non",
       kind="bool", width=14, choices="yes_no"),
    _c("route", "Filière actuelle", "Current route", "Où va le flux aujourd'hui : landfill (enfouissement), "
       "incineration, energy_recovery, recycling, reuse, composting, methanisation, land_spreading, "
       "grid_injection.", "Where the flow goes today: landfill, incineration, energy_recovery, recycling, "
       "reuse, composting, methanisation, land_spreading, grid_injection.", "landfill",
       kind="code", width=16, choices="route"),
    _c("months", "Mois de disponibilité", "Months available", "Mois où le flux est disponible (ou nécessaire) : "
       "10-4 pour octobre à avril, 1;2;3 pour janvier à mars ; vide : toute l'année.", "Months when the flow is "
       "available (or needed): 10-4 for October to April, 1;2;3 for January to March; blank: all year.",
       "10-4", kind="code", width=14),
))

FACILITIES = Sheet("facilities", "facilities.csv", "Installations", "Facilities", required=False, columns=(
    replace_fields(_ID, help_fr="Code unique de l'installation.", help_en="Unique code of the facility.",
                   example="K01"),
    _c("name", "Nom", "Name", "Nom de l'installation.", "Name of the facility.",
       "Chaufferie bois mutualisée de Florange", width=36),
    _c("type", "Type", "Type", "Type d'installation du catalogue (feuille des listes).",
       "Facility type of the catalogue (lists sheet).", "biomass_boiler",
       kind="code", required=True, width=16, choices="facility_type"),
    _LAT,
    _LON,
    _c("capacity", "Capacité par an", "Capacity per year", "Quantité maximale accueillie par an, strictement "
       "positive.", "Largest intake per year, greater than 0.", "620",
       kind="number", required=True, width=14, check="positive"),
    _UNIT,
    _c("status", "Statut", "Status", "existing (existante) ou candidate (en projet).",
       "existing or candidate (may be built).", "candidate",
       kind="code", required=True, width=12, choices="facility_status"),
    _c("capex_eur", "Investissement en €", "Investment in €", "Investissement, en euros.", "Investment, in euros.",
       "1175000", kind="number", width=15, check="non_negative"),
    _c("opex_eur_per_year", "Fonctionnement en €/an", "Running cost in €/yr", "Coût de fonctionnement annuel, en "
       "euros.", "Yearly running cost, in euros.", "25000", kind="number", width=15, check="non_negative"),
    _c("jobs", "Emplois (ETP)", "Jobs (FTE)", "Emplois créés, en équivalents temps plein.",
       "Jobs created, in full-time equivalents.", "1.5", kind="number", width=12, check="non_negative"),
    _c("operator", "Exploitant", "Operator", "Identifiant de l'entreprise exploitante (feuille des entreprises).",
       "Id of the operating company (companies sheet).", "C059", kind="code", width=12, choices="company"),
    _ZONE,
    _DISTANCE,
    _c("outlets", "Débouchés", "Outlets", "Produits de l'installation qui ont un débouché sûr, séparés par ; "
       "(aucun : les produits doivent trouver preneur dans l'inventaire).", "Products of the facility with a "
       "secure outlet, separated by ; (none: products must find users in the inventory).", "digestate",
       kind="code", width=16),
))

SHEETS: tuple[Sheet, ...] = (COMPANIES, FLOWS, FACILITIES)

TERRITORY_FR, TERRITORY_EN = "Territoire", "Territory"
TERRITORY_ROWS: tuple[Column, ...] = (
    _c("name", "Nom du territoire", "Territory name", "Nom du territoire.", "Name of the territory.",
       "Val de Fensch", required=True),
    _c("year", "Année de l'inventaire", "Inventory year", "Année que décrit l'inventaire.",
       "Year the inventory describes.", "2025", kind="integer", required=True, check="year"),
    _c("description", "Description", "Description", "Présentation en une phrase.", "One-sentence presentation.",
       "Inventaire des flux du PTCE"),
    _c("region", "Région", "Region", "Région ou département.", "Region or département.", "Grand Est"),
    _c("defaults.max_distance_km", "Distance maximale en km", "Maximum distance in km",
       "Distance maximale des échanges proposés, en km (vide : valeur du catalogue).",
       "Longest exchange proposed, in km (blank: the catalogue's value).", "30", kind="number", check="positive"),
    _c("defaults.heat_max_distance_km", "Distance maximale pour la chaleur en km", "Maximum heat distance in km",
       "Distance maximale d'un échange de chaleur, en km (vide : valeur du catalogue).",
       "Longest heat exchange, in km (blank: the catalogue's value).", "5", kind="number", check="positive"),
    _c("defaults.transport_cost_eur_per_tkm", "Coût du transport en €/t·km", "Transport cost in €/t·km",
       "Coût du transport routier (vide : valeur du catalogue).", "Road haulage cost (blank: the catalogue's value).",
       "0.12", kind="number", check="non_negative"),
    _c("defaults.transport_co2e_kg_per_tkm", "Émissions du transport en kg CO2e/t·km",
       "Transport emissions in kg CO2e/t·km", "Émissions du transport routier (vide : valeur du catalogue).",
       "Road haulage emissions (blank: the catalogue's value).", "0.1", kind="number", check="non_negative"),
    _c("defaults.discount_rate", "Taux d'actualisation", "Discount rate",
       "Taux d'actualisation des investissements, 0.04 pour 4 % (vide : valeur du catalogue).",
       "Discount rate for investments, 0.04 for 4% (blank: the catalogue's value).", "0.04",
       kind="number", check="non_negative"),
)

HELP_FR, HELP_EN = "Aide", "Help"
LISTS_FR, LISTS_EN = "Listes", "Lists"
CODES_FR, CODES_EN = "Codes déchets", "Waste codes"

_HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
_REQUIRED_FILL = PatternFill("solid", fgColor="833C0B")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_FORMULA_START = ("=", "+", "-", "@")
_LAST_ROW = 1_048_576


def _pick(lang: Lang, fr: str, en: str) -> str:
    return fr if lang == "fr" else en


# --- writing a workbook ---------------------------------------------------------


@dataclass(frozen=True)
class Content:
    """What to put in the sheets: the territory rows and one frame per table."""

    territory: Mapping[str, object] = field(default_factory=dict)
    tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)


def build_workbook(lang: Lang, content: Content | None = None, catalogue: Catalogue | None = None) -> bytes:
    """The template (no content) or an inventory, as the bytes of an .xlsx file."""
    catalogue = catalogue or load_catalogue()
    content = content or Content()
    book = Workbook()
    territory = book.active
    territory.title = _pick(lang, TERRITORY_FR, TERRITORY_EN)
    sheets = {sheet.key: book.create_sheet(sheet.title(lang)) for sheet in SHEETS}
    help_sheet = book.create_sheet(_pick(lang, HELP_FR, HELP_EN))
    lists = book.create_sheet(_pick(lang, LISTS_FR, LISTS_EN))
    codes = book.create_sheet(_pick(lang, CODES_FR, CODES_EN))

    sources = _write_lists(lists, codes, lang, catalogue)
    sources["company"] = (
        f"OFFSET({quote_sheetname(COMPANIES.title(lang))}!$A$2,0,0,"
        f"MAX(1,COUNTA({quote_sheetname(COMPANIES.title(lang))}!$A:$A)-1),1)"
    )
    _write_territory(territory, lang, content.territory)
    for sheet in SHEETS:
        frame = content.tables.get(sheet.key)
        _write_table(sheets[sheet.key], sheet, lang, frame, sources)
    _write_help(help_sheet, lang)
    book.active = 0
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def _style_header(cell: Any, required: bool = False) -> None:
    cell.font = _HEADER_FONT
    cell.fill = _REQUIRED_FILL if required else _HEADER_FILL
    cell.alignment = Alignment(wrap_text=True, vertical="center")


def _write_lists(lists: Any, codes: Any, lang: Lang, catalogue: Catalogue) -> dict[str, str]:
    """Fill the reference sheets; return each drop-down's source range."""
    yes_no = [say(MESSAGES, "yes", lang), say(MESSAGES, "no", lang)]
    materials = catalogue.materials
    types = catalogue.facility_types
    # (drop-down it feeds, header, values, width); label columns feed none.
    columns: list[tuple[str, str, list[str], int]] = [
        ("direction", "direction", ["output", "input"], 18),
        ("unit", "unit", list(UNITS), 14),
        ("material", "material", list(materials), 22),
        ("", "material_label", [_pick(lang, m.label_fr, m.label_en) for m in materials.values()], 50),
        ("", "ref_unit", [m.unit for m in materials.values()], 12),
        ("facility_type", "facility_type", list(types), 24),
        ("", "facility_label", [_pick(lang, t.label_fr, t.label_en) for t in types.values()], 40),
        ("flow_status", "flow_status", ["waste", "by_product", "end_of_waste"], 22),
        ("facility_status", "facility_status", ["existing", "candidate"], 22),
        ("route", "route", list(ROUTES), 18),
        ("yes_no", "yes_no", yes_no, 12),
    ]
    sources: dict[str, str] = {}
    name = quote_sheetname(lists.title)
    for index, (key, title, values, width) in enumerate(columns, start=1):
        letter = get_column_letter(index)
        _style_header(lists.cell(1, index, say(MESSAGES, title, lang)))
        for row, value in enumerate(values, start=2):
            lists.cell(row, index, value)
        lists.column_dimensions[letter].width = width
        if key:
            sources[key] = f"{name}!${letter}$2:${letter}${len(values) + 1}"
    lists.freeze_panes = "A2"

    for index, key in enumerate(("code", "label", "hazardous"), start=1):
        _style_header(codes.cell(1, index, say(MESSAGES, key, lang)))
    entries = ewc_codes.list_of_waste()
    for row, entry in enumerate(entries.values(), start=2):
        codes.cell(row, 1, ewc_codes.display(entry.code, entry.hazardous)).number_format = "@"
        codes.cell(row, 2, _pick(lang, entry.label_fr, entry.label_en))
        codes.cell(row, 3, say(MESSAGES, "yes", lang) if entry.hazardous else "")
    codes.column_dimensions["A"].width = 12
    codes.column_dimensions["B"].width = 90
    codes.column_dimensions["C"].width = 11
    codes.freeze_panes = "A2"
    sources["ewc"] = f"{quote_sheetname(codes.title)}!$A$2:$A${len(entries) + 1}"
    return sources


def _validation(column: Column, lang: Lang, sources: Mapping[str, str]) -> Any | None:
    """The data validation a column gets: a drop-down list or a numeric check."""
    title = say(MESSAGES, "invalid_entry", lang)
    prompt = column.help(lang)[:250]
    if column.choices is not None:
        # Lists the user may extend (company ids, rare waste codes) only warn.
        soft = column.choices in {"company", "ewc"}
        error = say(MESSAGES, "check_company" if column.choices == "company" else
                    "check_ewc" if column.choices == "ewc" else "check_list", lang)
        return DataValidation(
            type="list", formula1=sources[column.choices], allow_blank=True,
            showErrorMessage=True, errorStyle="warning" if soft else "stop",
            errorTitle=title, error=error, promptTitle=column.fr[:32] if lang == "fr" else column.en[:32],
            prompt=prompt, showInputMessage=True,
        )
    if column.check is None:
        return None
    bounds: dict[str, tuple[str, str, str | None, str | None]] = {
        "positive": ("decimal", "greaterThan", "0", None),
        "non_negative": ("decimal", "greaterThanOrEqual", "0", None),
        "number": ("decimal", "between", "-1000000000000", "1000000000000"),
        "count": ("whole", "greaterThanOrEqual", "0", None),
        "year": ("whole", "between", "1900", "2200"),
        "latitude": ("decimal", "between", "-90", "90"),
        "longitude": ("decimal", "between", "-180", "180"),
    }
    kind, operator, low, high = bounds[column.check]
    return DataValidation(
        type=kind, operator=operator, formula1=low, formula2=high, allow_blank=True,
        showErrorMessage=True, errorStyle="stop", errorTitle=title,
        error=say(MESSAGES, f"check_{column.check}", lang),
        promptTitle=(column.fr if lang == "fr" else column.en)[:32], prompt=prompt, showInputMessage=True,
    )


def _write_territory(ws: Any, lang: Lang, values: Mapping[str, object]) -> None:
    for index, key in enumerate(("parameter", "value", "explanation"), start=1):
        _style_header(ws.cell(1, index, say(MESSAGES, key, lang)))
    for row, column in enumerate(TERRITORY_ROWS, start=2):
        label = ws.cell(row, 1, column.header(lang))
        label.font = Font(bold=column.required)
        value = ws.cell(row, 2)
        _set(value, values.get(column.key), column, lang)
        value.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
        ws.cell(row, 3, column.help(lang)).alignment = Alignment(wrap_text=True, vertical="top")
        rule = _validation(column, lang, {})
        if rule is not None:
            rule.add(f"B{row}")
            ws.add_data_validation(rule)
    ws.column_dimensions["A"].width = 64
    ws.column_dimensions["B"].width = 48
    ws.column_dimensions["C"].width = 70
    ws.freeze_panes = "A2"


def _write_table(
    ws: Any, sheet: Sheet, lang: Lang, frame: pd.DataFrame | None, sources: Mapping[str, str]
) -> None:
    known = {column.key for column in sheet.columns}
    extras = [] if frame is None else [c for c in frame.columns if c not in known and c not in _DERIVED]
    for index, column in enumerate(sheet.columns, start=1):
        cell = ws.cell(1, index, column.header(lang))
        _style_header(cell, column.required)
        cell.comment = Comment(column.help(lang), "symbiosis", width=320, height=120)
        letter = get_column_letter(index)
        dimension = ws.column_dimensions[letter]
        dimension.width = column.width
        if column.kind == "code":
            dimension.number_format = "@"  # keeps 02 01 04 and 10-4 as typed
        rule = _validation(column, lang, sources)
        if rule is not None:
            rule.add(f"{letter}2:{letter}{_LAST_ROW}")
            ws.add_data_validation(rule)
    for offset, name in enumerate(extras):
        index = len(sheet.columns) + 1 + offset
        _style_header(ws.cell(1, index, str(name)))
        ws.column_dimensions[get_column_letter(index)].width = 16
    ws.freeze_panes = "B2"
    ws.row_dimensions[1].height = 32
    if frame is None or frame.empty:
        return
    specs: list[Column | None] = [*sheet.columns, *([None] * len(extras))]
    names = [column.key for column in sheet.columns] + extras
    for row, record in enumerate(frame.reindex(columns=names).itertuples(index=False, name=None), start=2):
        for index, (value, spec) in enumerate(zip(record, specs, strict=True), start=1):
            _set(ws.cell(row, index), value, spec, lang)


_DERIVED = frozenset({"line", "hazardous", "family", "ref_unit", "quantity_ref", "months_mask", "capacity_ref"})


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


def _set(cell: Any, value: object, column: Column | None, lang: Lang) -> None:
    """Write one value; text is always text, never a formula."""
    if _missing(value):
        return
    kind = "text" if column is None else column.kind
    if kind == "bool":
        cell.value = say(MESSAGES, "yes" if bool(value) else "no", lang)
    elif kind in {"number", "integer"} and _is_number(value):
        number = float(value)  # type: ignore[arg-type]
        cell.value = int(number) if number.is_integer() and abs(number) < 1e15 else number
    else:
        text = str(value)
        cell.value = text
        if kind == "code":
            cell.number_format = "@"
        if text.startswith(_FORMULA_START):
            cell.data_type = "s"
            cell.quotePrefix = True


def _write_help(ws: Any, lang: Lang) -> None:
    titles = {
        "companies": COMPANIES.title(lang), "flows": FLOWS.title(lang), "facilities": FACILITIES.title(lang),
        "lists": _pick(lang, LISTS_FR, LISTS_EN), "codes": _pick(lang, CODES_FR, CODES_EN),
    }
    ws.cell(1, 1, say(MESSAGES, "help_title", lang)).font = Font(bold=True, size=14)
    for row, key in enumerate(("help_1", "help_2", "help_3", "help_4"), start=2):
        ws.cell(row, 1, say(MESSAGES, key, lang, **titles))
    start = 7
    for index, key in enumerate(("sheet", "column", "required", "explanation", "example"), start=1):
        _style_header(ws.cell(start, index, say(MESSAGES, key, lang)))
    row = start + 1
    groups: list[tuple[str, Sequence[Column]]] = [(_pick(lang, TERRITORY_FR, TERRITORY_EN), TERRITORY_ROWS)]
    groups += [(sheet.title(lang), sheet.columns) for sheet in SHEETS]
    yes = say(MESSAGES, "yes", lang)
    for title, columns in groups:
        for column in columns:
            ws.cell(row, 1, title)
            ws.cell(row, 2, column.header(lang))
            ws.cell(row, 3, yes if column.required else "")
            ws.cell(row, 4, column.help(lang)).alignment = Alignment(wrap_text=True, vertical="top")
            example = column.example
            if column.kind == "bool" and example:
                example = say(MESSAGES, "yes" if example == "oui" else "no", lang)
            _set(ws.cell(row, 5), example or None, replace_fields(column, kind="text"), lang)
            row += 1
    for letter, width in zip("ABCDE", (16, 44, 12, 90, 32), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = f"A{start + 1}"


def _check_suffix(path: Path) -> None:
    if path.suffix.lower() not in {".xlsx", ".xlsm"}:
        raise InputError([problem(MESSAGES, "not_xlsx", str(path))])


def _check_new_file(path: Path, force: bool) -> None:
    if path.suffix.lower() != ".xlsx":  # what openpyxl writes is an .xlsx, whatever the name says
        raise InputError([problem(MESSAGES, "not_xlsx", str(path))])
    if path.is_dir():
        raise InputError([problem(MESSAGES, "is_folder", str(path))])
    if path.exists() and not force:
        raise InputError([problem(MESSAGES, "file_exists", str(path))])


def write_template(path: Path, lang: Lang, *, force: bool = False) -> None:
    """Write the empty workbook a chargé de mission fills in."""
    _check_new_file(path, force)
    write_bytes(path, build_workbook(lang))


def inventory_content(inventory: Inventory) -> Content:
    """The inventory as sheet content, declared values as the user wrote them."""
    territory = inventory.territory
    values: dict[str, object] = {
        "name": territory.name, "year": territory.year,
        "description": territory.description, "region": territory.region,
    }
    values.update({f"defaults.{k}": v for k, v in territory.defaults.model_dump().items()})
    hazardous = inventory.flows["hazardous"].astype(bool)
    codes = inventory.flows["ewc"].where(inventory.flows["ewc"].notna(), "").astype(str)
    shown = codes.where(~hazardous | (codes == ""), codes + "*")
    declared = _declared_materials(inventory.folder / "flows.csv")
    material = inventory.flows["id"].map(declared)
    flows = inventory.flows.assign(ewc=shown.where(shown != "", None), material=material)
    return Content(values, {
        "companies": inventory.companies, "flows": flows, "facilities": inventory.facilities,
    })


def _declared_materials(path: Path) -> dict[str, str | None]:
    """flows.csv's own `material` cells: the reader fills in materials from EWC codes."""
    with contextlib.suppress(OSError, UnicodeDecodeError):
        text = path.read_bytes().decode("utf-8-sig")
        reader = csv.DictReader(io.StringIO(text))
        reader.fieldnames = [name.strip() for name in reader.fieldnames or []]
        return {
            (row.get("id") or "").strip(): ((row.get("material") or "").strip() or None)
            for row in reader
        }
    return {}


def export_inventory(folder: Path, path: Path, lang: Lang, *, force: bool = False) -> Inventory:
    """Write an inventory as a workbook in the template's layout."""
    _check_suffix(path)
    guard(path, [folder])
    _check_new_file(path, force)
    inventory = load_inventory(folder)
    write_bytes(path, build_workbook(lang, inventory_content(inventory), inventory.catalogue))
    return inventory


# --- reading a workbook ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CellProblem(Problem):
    """A problem located by sheet and cell: `Flux!F14: message`.

    `file` is the sheet and `line` the row, so problems sort by sheet and row.
    """

    cell: str

    def render(self, lang: Lang = "fr") -> str:
        message = self.message_fr if lang == "fr" else self.message_en
        return f"{self.file}!{self.cell}: {message}"


def _at(sheet: str, row: int, letter: str, column: str | None, fr: str, en: str) -> CellProblem:
    return CellProblem(sheet, row, column, fr, en, f"{letter}{row}")


def _cell_problem(
    sheet: str, row: int, col: int, column: str | None, key: str, **params: object
) -> CellProblem:
    letter = get_column_letter(col)
    return _at(sheet, row, letter, column, say(MESSAGES, key, "fr", **params), say(MESSAGES, key, "en", **params))


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text).strip().casefold()


def _aliases(columns: Iterable[Column]) -> dict[str, str]:
    """Every header spelling accepted for each column, normalised."""
    names: dict[str, str] = {}
    for column in columns:
        for spelling in (column.key, column.short, column.fr, column.en, column.header("fr"), column.header("en")):
            names.setdefault(_normal(spelling), column.key)
    return names


def _recognise(header: str, aliases: Mapping[str, str], shorts: Mapping[str, str]) -> str | None:
    text = _normal(header).rstrip("*").strip()
    if text in aliases:
        return aliases[text]
    bracket = re.search(r"\(([\w.]+)\)$", text)
    return shorts.get(bracket.group(1)) if bracket else None


def _find_sheet(titles: Sequence[str], *names: str) -> str | None:
    wanted = {_normal(name) for name in names}
    return next((title for title in titles if _normal(title) in wanted), None)


def _text(value: object, column: Column | None) -> str:
    """A cell as the text a CSV file would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return str(value)
        if float(value).is_integer() and abs(value) < 1e15:
            digits = str(int(value))
            if column is not None and column.key == "ewc" and 0 <= int(value) < 1_000_000:
                return digits.zfill(6)  # 020104 typed as a number
            return digits
        return repr(float(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    kind = None if column is None else column.kind
    if kind == "bool":
        return _WORDS.get(text.strip().casefold(), text)
    if kind in {"number", "integer"}:
        compact = re.sub(r"[\s\u00a0\u202f]", "", text)
        if re.fullmatch(r"[-+]?\d*,\d+", compact):
            return compact.replace(",", ".")  # "12,5" typed as text
    return text


_WORDS = {"oui": "true", "yes": "true", "vrai": "true", "true": "true",
          "non": "false", "no": "false", "faux": "false", "false": "false"}


@dataclass
class TableData:
    """One sheet read as CSV text, with the sheet row of each CSV line."""

    sheet: Sheet
    title: str
    header_row: int
    positions: dict[str, int]
    header: list[str]
    records: list[list[str]] = field(default_factory=list)
    rows: dict[int, int] = field(default_factory=dict)

    def csv_text(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.header)
        writer.writerows(self.records)
        return buffer.getvalue()


@dataclass
class TerritoryData:
    title: str
    rows: dict[str, int]
    toml: str


def _rows(ws: Any) -> Iterator[tuple[int, list[object]]]:
    ws.reset_dimensions()  # some writers leave a wrong <dimension>; read to the end
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        yield number, list(values)


def _blank(values: Iterable[object]) -> bool:
    return all(_text(value, None).strip() == "" for value in values)


def _read_table(ws: Any, sheet: Sheet, problems: list[Problem]) -> TableData | None:
    title = str(ws.title)
    aliases = _aliases(sheet.columns)
    shorts = {column.short: column.key for column in sheet.columns}
    rows = _rows(ws)
    header_row, header_values = next(((n, v) for n, v in rows if not _blank(v)), (0, []))
    if not header_row:
        problems.append(problem(MESSAGES, "empty_sheet", title))
        return None
    by_key = {column.key: column for column in sheet.columns}
    positions: dict[str, int] = {}
    names: list[str] = []
    first_seen: dict[str, int] = {}
    take: list[int] = []
    for index, value in enumerate(header_values, start=1):
        text = re.sub(r"\s+", " ", _text(value, None)).strip()
        if not text:
            continue
        key = _recognise(text, aliases, shorts) or text
        if key == "line":
            continue  # the reader's own name for source lines: an unknown column, ignored
        if key in first_seen:
            first = f"{get_column_letter(first_seen[key])}{header_row}"
            problems.append(
                _cell_problem(title, header_row, index, None, "duplicate_header", header=text, first=first)
            )
            continue
        first_seen[key] = index
        if key in by_key:
            positions[key] = index
        names.append(key)
        take.append(index)
    for column in sheet.columns:
        if column.required and column.key not in positions:
            problems.append(Problem(
                title, None, None,
                say(MESSAGES, "missing_column", "fr", header=column.header("fr")),
                say(MESSAGES, "missing_column", "en", header=column.header("en")),
            ))
    data = TableData(sheet, title, header_row, positions, names)
    line = 2
    for number, values in rows:
        record: list[str] = []
        for index, key in zip(take, names, strict=True):
            value = values[index - 1] if index <= len(values) else None
            if key == "months" and isinstance(value, datetime | date):
                problems.append(_cell_problem(title, number, index, "months", "months_date"))
                value = None
            record.append(_text(value, by_key.get(key)))
        if all(not cell.strip() for cell in record):
            continue
        data.records.append(record)
        data.rows[line] = number
        line += 1 + sum(cell.count("\n") for cell in record)
    return data


def _territory_value(value: object, column: Column) -> object:
    """A TOML value: numbers as numbers (decimal commas accepted), the rest as text."""
    if column.kind in {"number", "integer"}:
        number: float | None = None
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
        elif isinstance(value, str):
            compact = re.sub(r"[\s\u00a0\u202f]", "", value)
            if re.fullmatch(r"[-+]?\d*,\d+", compact):
                compact = compact.replace(",", ".")
            with contextlib.suppress(ValueError):
                number = float(compact)
        if number is not None and math.isfinite(number):
            return int(number) if number.is_integer() and abs(number) < 1e15 else number
    return _text(value, column).strip()


def _read_territory(ws: Any) -> TerritoryData:
    """The territory sheet, written as territory.toml with one known line per key."""
    aliases = _aliases(TERRITORY_ROWS)
    aliases.update({_normal(c.key): c.key for c in TERRITORY_ROWS})
    shorts = {column.short: column.key for column in TERRITORY_ROWS}
    by_key = {column.key: column for column in TERRITORY_ROWS}
    found: dict[str, tuple[int, object]] = {}
    for number, values in _rows(ws):
        if not values or values[0] is None:
            continue
        key = _recognise(_text(values[0], None), aliases, shorts)
        if key is None or key in found:
            continue
        found[key] = (number, values[1] if len(values) > 1 else None)
    top: dict[str, object] = {}
    defaults: dict[str, object] = {}
    for key, (_, value) in found.items():
        text = _text(value, None).strip()
        if not text:
            continue
        converted = _territory_value(value, by_key[key])
        (defaults if key.startswith("defaults.") else top)[key.partition(".")[2] or key] = converted
    lines = [tomli_w.dumps({key: value}).rstrip("\n") for key, value in top.items()]
    if defaults:
        lines.append("[defaults]")
        lines += [tomli_w.dumps({key: value}).rstrip("\n") for key, value in defaults.items()]
    return TerritoryData(str(ws.title), {key: row for key, (row, _) in found.items()}, "\n".join(lines) + "\n")


@dataclass
class ParsedWorkbook:
    territory: TerritoryData | None
    tables: dict[str, TableData]
    problems: list[Problem]
    missing: set[str]


def read_workbook(path: Path) -> ParsedWorkbook:
    """Read the sheets of a workbook as the text of an inventory folder."""
    name = path.name
    if not path.is_file():
        raise InputError([problem(MESSAGES, "no_file", str(path))])
    _check_suffix(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # zip, XML or openpyxl errors: all mean "not a readable .xlsx"
        detail = str(error) or type(error).__name__
        raise InputError([problem(MESSAGES, "unreadable", name, detail=detail)]) from error
    try:
        titles = [str(title) for title in book.sheetnames]
        problems: list[Problem] = []
        missing: set[str] = set()
        found = ", ".join(titles)
        territory: TerritoryData | None = None
        title = _find_sheet(titles, TERRITORY_FR, TERRITORY_EN)
        if title is None:
            problems.append(problem(MESSAGES, "missing_sheet", name, sheet=TERRITORY_FR, found=found))
            missing.add("territory.toml")
        else:
            territory = _read_territory(book[title])
        tables: dict[str, TableData] = {}
        for sheet in SHEETS:
            title = _find_sheet(titles, sheet.fr, sheet.en)
            if title is None:
                if sheet.required:
                    problems.append(problem(MESSAGES, "missing_sheet", name, sheet=sheet.fr, found=found))
                    missing.add(sheet.file)
                continue
            table = _read_table(book[title], sheet, problems)
            if table is None:
                missing.add(sheet.file)
            else:
                tables[sheet.file] = table
        return ParsedWorkbook(territory, tables, problems, missing)
    finally:
        book.close()


def _pattern(template: str) -> re.Pattern[str]:
    """A message template as a regex capturing its parameters."""
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(
        re.escape(part) if index % 2 == 0 else f"(?P<{part}>.*?)" for index, part in enumerate(parts)
    )
    return re.compile(regex)


def _reword(found: Problem, parsed: ParsedWorkbook, companies_title: str) -> tuple[str, str]:
    """flows.py's words, except where they name a CSV file or a CSV line."""
    for key in ("duplicate_id", "unknown_company", "unknown_operator"):
        match = _pattern(FLOW_MESSAGES[key][0]).fullmatch(found.message_fr)
        if match is None:
            continue
        params: dict[str, object] = dict(match.groupdict())
        if key == "duplicate_id":
            table = parsed.tables.get(found.file)
            first = int(str(params["first"]))
            params["first"] = table.rows.get(first, first) if table else first
        else:
            params["sheet"] = companies_title
        return say(MESSAGES, key, "fr", **params), say(MESSAGES, key, "en", **params)
    return found.message_fr, found.message_en


def locate(found: Problem, parsed: ParsedWorkbook) -> Problem | None:
    """Map a problem of the temporary folder back to its sheet and cell."""
    if found.file in parsed.missing:
        return None  # already reported as a missing sheet
    companies = parsed.tables.get(COMPANIES.file)
    fr, en = _reword(found, parsed, companies.title if companies else COMPANIES.fr)
    if found.file == "territory.toml" and parsed.territory is not None:
        territory = parsed.territory
        row = territory.rows.get(found.column or "")
        if row is None:
            return Problem(territory.title, None, found.column, fr, en)
        return _at(territory.title, row, "B", found.column, fr, en)
    table = parsed.tables.get(found.file)
    if table is None:
        return found
    if found.message_fr == FLOW_MESSAGES["missing_column"][0]:
        return None  # reported with the readable header when the sheet was read
    column = found.column
    if column is None and table.sheet is FLOWS:
        column = "ewc" if "ewc" in table.positions else "material"
    position = table.positions.get(column or "")
    if found.line is None or found.line <= 1:
        if position is None:
            return Problem(table.title, None, found.column, fr, en)
        return _at(table.title, table.header_row, get_column_letter(position), column, fr, en)
    row = table.rows.get(found.line, found.line)
    if position is None:
        return CellProblem(table.title, row, column, fr, en, f"{row}:{row}")
    return _at(table.title, row, get_column_letter(position), column, fr, en)


def _order(found: Problem, parsed: ParsedWorkbook) -> tuple[str, int, int]:
    table = next((t for t in parsed.tables.values() if t.title == found.file), None)
    position = table.positions.get(found.column or "", 0) if table else 0
    return (found.file, found.line if found.line is not None else -1, position)


def check_workbook(parsed: ParsedWorkbook, folder: Path) -> Inventory:
    """Write the parsed sheets into `folder` and validate them as an inventory."""
    if parsed.territory is not None:
        (folder / "territory.toml").write_text(parsed.territory.toml, encoding="utf-8")
    for file, table in parsed.tables.items():
        if table.records or table.sheet.required:  # no facilities: no facilities.csv, as the contract allows
            (folder / file).write_text(table.csv_text(), encoding="utf-8")
    problems = list(parsed.problems)
    inventory: Inventory | None = None
    try:
        inventory = load_inventory(folder)
    except InputError as error:
        problems += [p for p in (locate(found, parsed) for found in error.problems) if p is not None]
    if problems or inventory is None:
        raise InputError(sorted(problems, key=lambda p: _order(p, parsed)))
    return inventory


INVENTORY_FILES = ("territory.toml", "companies.csv", "flows.csv", "facilities.csv")


def import_workbook(path: Path, target: Path, *, force: bool = False) -> tuple[Inventory, list[str]]:
    """Validate a workbook and write it as the inventory folder `target`.

    The folder appears (or is replaced) in one rename, only once everything
    is valid; files of a replaced folder that are not inventory tables
    (scenarios, README) are carried over. Returns the inventory and the
    names carried over.
    """
    if target.exists() and not target.is_dir():
        raise InputError([problem(MESSAGES, "target_not_folder", str(target))])
    if target.is_dir() and any(target.iterdir()) and not force:  # an empty folder is free to fill
        raise InputError([problem(MESSAGES, "target_exists", str(target))])
    parsed = read_workbook(path)
    with tempfile.TemporaryDirectory(prefix="symbiosis-import-") as scratch:
        inventory = check_workbook(parsed, Path(scratch))
        kept = _install(Path(scratch), target)
    return replace_fields(inventory, folder=target), kept


def _install(source: Path, target: Path) -> list[str]:
    """Stage the files next to `target`, then swap the staged folder in."""
    parent = target.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.import-", dir=parent))
    kept: list[str] = []
    try:
        for name in INVENTORY_FILES:
            if (source / name).exists():
                shutil.copyfile(source / name, staging / name)
        if target.is_dir():
            for entry in sorted(target.iterdir()):
                if entry.name in INVENTORY_FILES:
                    continue
                if entry.is_dir() and not entry.is_symlink():
                    shutil.copytree(entry, staging / entry.name, symlinks=True)
                else:
                    shutil.copy2(entry, staging / entry.name, follow_symlinks=False)
                kept.append(entry.name)
        staging.chmod(0o777 & ~_umask())
        if not target.exists():
            os.rename(staging, target)
            return kept
        backup = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=parent))
        backup.rmdir()
        os.rename(target, backup)
        try:
            os.rename(staging, target)
        except BaseException:
            os.rename(backup, target)
            raise
        shutil.rmtree(backup, ignore_errors=True)
        return kept
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
