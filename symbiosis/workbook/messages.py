"""What the workbook commands say and what the sheets are headed, in French and English."""

from __future__ import annotations

from symbiosis.core.words import Messages

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
        "identifiant « {value} » en double (déjà ligne {first:d})",
        "duplicate id '{value}' (already on row {first:d})",
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
    "structure": ("Type de structure (structure)", "Kind of structure (structure)"),
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
