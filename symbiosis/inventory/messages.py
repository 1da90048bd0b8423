"""What the inventory reader tells a user, in French and English."""

from __future__ import annotations

from symbiosis.core.words import Messages

MESSAGES: Messages = {
    "missing_file": ("fichier obligatoire absent", "required file is missing"),
    "not_a_folder": ("« {path} » n'est pas un dossier d'inventaire", "'{path}' is not an inventory folder"),
    "encoding": (
        "le fichier n'est pas en UTF-8 (octet invalide à la position {pos:d}) : enregistrez-le en « CSV UTF-8 »",
        "the file is not UTF-8 (invalid byte at position {pos:d}): save it as 'CSV UTF-8'",
    ),
    "semicolon": (
        "séparateur « ; » détecté : le fichier doit être séparé par des virgules",
        "';' separator detected: the file must be comma-separated",
    ),
    "empty_file": ("fichier vide : une ligne d'en-tête est attendue", "empty file: a header row is expected"),
    "missing_column": ("colonne obligatoire absente", "required column is missing"),
    "duplicate_column": ("colonne en double dans l'en-tête", "column appears twice in the header"),
    "field_count": (
        "{found} champs au lieu de {expected} (virgule non protégée par des guillemets ?)",
        "{found} fields instead of {expected} (an unquoted comma?)",
    ),
    "toml_syntax": ("syntaxe TOML invalide : {detail}", "invalid TOML syntax: {detail}"),
    "toml_unknown_key": ("clé inconnue (clés admises : {allowed})", "unknown key (allowed keys: {allowed})"),
    "required": ("valeur obligatoire manquante", "required value is missing"),
    "not_number": ("« {value} » n'est pas un nombre", "'{value}' is not a number"),
    "not_integer": ("« {value} » n'est pas un nombre entier", "'{value}' is not a whole number"),
    "not_finite": ("« {value} » n'est pas un nombre fini", "'{value}' is not a finite number"),
    "gt": ("doit être strictement supérieur à {bound} (lu : {value})", "must be greater than {bound} (got {value})"),
    "ge": ("doit être supérieur ou égal à {bound} (lu : {value})", "must be at least {bound} (got {value})"),
    "le": ("doit être inférieur ou égal à {bound} (lu : {value})", "must be at most {bound} (got {value})"),
    "choice": ("« {value} » n'est pas admis (valeurs admises : {expected})", "'{value}' is not allowed (expected {expected})"),
    "bool": ("« {value} » n'est pas oui/non (true/false)", "'{value}' is not yes/no (true/false)"),
    "empty": ("ne doit pas être vide", "must not be empty"),
    "profile": (
        "« {value} » : 12 nombres séparés par ; attendus, un par mois de janvier à décembre (0 : mois sans flux)",
        "'{value}': 12 numbers separated by ; expected, one per month from January to December (0: no flow that month)",
    ),
    "profile_empty": ("le profil mensuel est nul tous les mois", "the monthly profile is zero every month"),
    "profile_months": (
        "le profil mensuel ({profile}) ne couvre pas les mêmes mois que la colonne months ({months})",
        "the monthly profile ({profile}) does not cover the same months as the months column ({months})",
    ),
    "unknown_collector": (
        "le collecteur « {value} » n'est pas une entreprise de companies.csv",
        "collector '{value}' is not a company of companies.csv",
    ),
    "energy_route": (
        "l'énergie ({material}) ne part pas en « {value} » : une énergie non utilisée aujourd'hui a la filière « none », une énergie déjà récupérée « energy_recovery »",
        "energy ({material}) does not go to '{value}': energy not used today has route 'none', energy already recovered 'energy_recovery'",
    ),
    "mass_route_none": (
        "la filière « none » est réservée à l'énergie non utilisée ; {material} part aujourd'hui en enfouissement, incinération, recyclage… (ou « outside » s'il quitte le territoire)",
        "route 'none' is for energy not used today; {material} goes today to landfill, incineration, recycling… (or 'outside' if it leaves the territory)",
    ),
    "code_unit": (
        "le code déchet {code} désigne {code_material}, mesuré en {code_unit}, et la matière {material} est mesurée en {unit} : un flux ne mêle pas tonnes et MWh",
        "waste code {code} is {code_material}, measured in {code_unit}, and material {material} is measured in {unit}: a flow does not mix tonnes and MWh",
    ),
    "months": (
        "« {value} » : mois attendus comme 10-4 ou 1;2;3 (numéros de 1 à 12)",
        "'{value}': months expected as 10-4 or 1;2;3 (numbers 1 to 12)",
    ),
    "invalid": ("valeur invalide « {value} » : {detail}", "invalid value '{value}': {detail}"),
    "duplicate_id": ("identifiant « {value} » en double (déjà ligne {first:d})", "duplicate id '{value}' (already on line {first:d})"),
    "unknown_company": ("entreprise « {value} » absente de companies.csv", "company '{value}' is not in companies.csv"),
    "ewc_malformed": (
        "code déchet « {value} » invalide : 6 chiffres attendus, par exemple 15 01 03",
        "invalid waste code '{value}': 6 digits expected, e.g. 15 01 03",
    ),
    "ewc_unknown": (
        "code déchet « {value} » absent de la liste européenne des déchets",
        "waste code '{value}' is not in the European List of Waste",
    ),
    "no_ewc_no_material": (
        "ni code déchet (ewc) ni matière (material) : renseignez au moins l'un des deux",
        "neither a waste code (ewc) nor a material: give at least one",
    ),
    "unknown_material": ("matière « {value} » inconnue du catalogue{hint}", "material '{value}' is not in the catalogue{hint}"),
    "unknown_facility_type": (
        "type d'installation « {value} » inconnu du catalogue (types connus : {expected})",
        "facility type '{value}' is not in the catalogue (known types: {expected})",
    ),
    "energy_unit_for_mass": (
        "unité « {value} » impossible pour {material}, mesuré en tonnes",
        "unit '{value}' is not possible for {material}, measured in tonnes",
    ),
    "mass_unit_for_energy": (
        "unité « {value} » impossible pour {material}, mesuré en MWh",
        "unit '{value}' is not possible for {material}, measured in MWh",
    ),
    "no_density": (
        "conversion des m3 en tonnes impossible : masse volumique inconnue pour {material} ; déclarez la quantité en t",
        "cannot convert m3 to tonnes: no density known for {material}; declare the quantity in t",
    ),
    "unknown_operator": ("exploitant « {value} » absent de companies.csv", "operator '{value}' is not in companies.csv"),
    "unknown_outlet": (
        "débouché « {value} » : ce n'est pas un produit de {ftype} (produits : {expected})",
        "outlet '{value}': not a product of {ftype} (products: {expected})",
    ),
    "this_waste": ("ce déchet", "this waste"),
    "hint": (" (vouliez-vous dire « {guess} » ?)", " (did you mean '{guess}'?)"),
}
