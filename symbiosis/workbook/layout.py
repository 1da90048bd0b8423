"""The inventory as a spreadsheet: its sheets and columns.

A chargé de mission keeps the inventory in a workbook sent to companies and
corrected over months. The workbook has one sheet per file of the inventory
folder (Territoire, Entreprises, Flux, Installations) plus help and reference
sheets. Importing never re-implements validation: the sheets are written as
CSV files into a temporary folder, `load_inventory` checks them, and every
problem's (file, line, column) is mapped back to (sheet, row, column letter),
so that messages are the reader's own and name the cell to fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import replace as replace_fields
from pathlib import Path
from typing import Any, Literal

from symbiosis.core.problems import InputError, problem
from symbiosis.core.words import Lang
from symbiosis.workbook.messages import MESSAGES

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
    _c("structure", "Type de structure", "Kind of structure", "ei, aci, ai ou etti pour une structure d'insertion "
       "(SIAE : emplois d'insertion) ; esat ou ea pour le travail protégé ou adapté ; other (par défaut) pour "
       "toute autre entreprise.", "ei, aci, ai or etti for an insertion structure (SIAE: insertion jobs); esat or "
       "ea for protected or adapted work; other (the default) for any other company.", "other",
       kind="code", width=14, choices="structure"),
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
       "incineration, energy_recovery, recycling, reuse, composting, methanisation, spreading, "
       "grid_injection.", "Where the flow goes today: landfill, incineration, energy_recovery, recycling, "
       "reuse, composting, methanisation, spreading, grid_injection.", "landfill",
       kind="code", width=16, choices="route"),
    _c("months", "Mois de disponibilité", "Months available", "Mois où le flux est disponible (ou nécessaire) : "
       "10-4 pour octobre à avril, 1;2;3 pour janvier à mars ; vide : toute l'année.", "Months when the flow is "
       "available (or needed): 10-4 for October to April, 1;2;3 for January to March; blank: all year.",
       "10-4", kind="code", width=14),
    _c("monthly_profile", "Profil mensuel", "Monthly profile", "Facultatif : 12 poids séparés par ; de janvier à "
       "décembre, pour un flux inégal selon les mois (0 : mois sans flux) ; sinon la quantité est répartie également "
       "sur ses mois.", "Optional: 12 weights separated by ; from January to December, for a flow that varies by "
       "month (0: no flow that month); otherwise the quantity is spread evenly over its months.",
       "3;3;2;1;0;0;0;0;0;1;2;3", kind="code", width=22),
    _c("link_fixed_cost_eur", "Coût fixe par échange en €/an", "Fixed cost per exchange in €/yr", "Sorties : ce "
       "que coûte chaque échange qui emporte une partie de ce flux, quel qu'en soit le tonnage (contrat, benne, "
       "raccordement).", "Outputs: what each exchange taking any of this flow costs a year, whatever the tonnage "
       "(contract, skip, connection).", "1200", kind="number", width=16, check="non_negative"),
    _c("temperature_c", "Température en °C", "Temperature in °C", "Chaleur fatale : température à laquelle la "
       "chaleur est disponible ; en dessous de 70 °C une pompe à chaleur la relève (son électricité est comptée). "
       "Vide : assez chaude.", "Surplus heat: the temperature it is available at; below 70 °C a heat pump lifts it "
       "(its electricity is counted). Blank: hot enough.", "45", kind="number", width=13, check="number"),
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
    _c("sharing.seller_share", "Part du gain pour qui cède", "Seller's share of the gain",
       "Part du gain d'un échange qui va à qui cède (le reste à qui reçoit), de 0 à 1 ; vide : 0,5 (hypothèse).",
       "Share of an exchange's gain that goes to the one who gives (the rest to the receiver), 0 to 1; blank: 0.5 "
       "(an assumption).", "0.5", kind="number", check="non_negative"),
    _c("sharing.break_even", "Installations sans exploitant à l'équilibre", "Facilities without operator break even",
       "oui : une installation qu'aucune entreprise n'exploite ne doit pas perdre d'argent non plus ; vide ou non : "
       "son compte est celui du territoire.", "yes: a facility no company operates must not lose money either; "
       "blank or no: its account is the territory's.", "non", kind="bool"),
    _c("collector", "Collecteur", "Collector", "Identifiant de l'entreprise (feuille des entreprises) qui fait les "
       "nouvelles collectes ; vide : un transporteur non nommé.", "Id of the company (companies sheet) that runs new "
       "collections; blank: an unnamed hauler.", "C057", kind="code"),
)

HELP_FR, HELP_EN = "Aide", "Help"
LISTS_FR, LISTS_EN = "Listes", "Lists"
CODES_FR, CODES_EN = "Codes déchets", "Waste codes"


def pick(lang: Lang, fr: str, en: str) -> str:
    return fr if lang == "fr" else en


def check_suffix(path: Path) -> None:
    if path.suffix.lower() not in {".xlsx", ".xlsm"}:
        raise InputError([problem(MESSAGES, "not_xlsx", str(path))])
