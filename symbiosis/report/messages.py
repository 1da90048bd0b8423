"""What the committee report says, in French and English."""

from __future__ import annotations

from collections.abc import Mapping

from symbiosis.core.words import Messages

MESSAGES: Messages = {
    "title": ("Symbiose industrielle — {territory}", "Industrial symbiosis — {territory}"),
    "subtitle": ("Rapport au comité du pôle · inventaire {year:d}", "Report to the pole committee · {year:d} inventory"),
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
        "Le plan retient {links} {links:échange|échanges} qui {links:concerne|concernent} {companies} {companies:entreprise|entreprises} du territoire.",
        "The plan keeps {links} {links:exchange|exchanges} involving {companies} {companies:company|companies} of the territory.",
    ),
    "s_added": (
        "Le plan trouve un usage local à {added} de matières par an qui partent aujourd'hui en enfouissement, en incinération ou hors du territoire{heat}.",
        "The plan finds a local use for {added} of materials a year that today go to landfill, to incineration or out of the territory{heat}.",
    ),
    "s_heat": (", ainsi qu'à {mwh} de chaleur fatale aujourd'hui perdue", ", and for {mwh} of surplus heat lost today"),
    "s_rerouted": (
        "Il déplace en outre vers un receveur local {rerouted} déjà recyclées, réemployées ou valorisées aujourd'hui : ces tonnes ne gagnent que l'écart entre leur filière actuelle et la nouvelle (en euros, en CO2e et en emplois). En tout, {valorised} des {declared} de sorties déclarées ({share}) trouvent un usage local.",
        "It also moves to a local receiver {rerouted} already recycled, reused or recovered today: these tonnes earn only the difference between their current route and the new one (in euros, CO2e and jobs). In all, {valorised} of the {declared} of declared outputs ({share}) find a local use.",
    ),
    "s_landfill": (
        "{landfill} ne partiraient plus en enfouissement et {incineration} plus en incinération.",
        "{landfill} would no longer go to landfill and {incineration} no longer to incineration.",
    ),
    "s_value": (
        "Les émissions évitées atteignent {co2} par an ; le gain net pour le territoire, par rapport à aujourd'hui, est de {value} par an, transport{facilities} déduit.",
        "Emissions avoided reach {co2} a year; the net value for the territory, against today, is {value} a year, after transport{facilities}.",
    ),
    "s_facilities": (" et coût annualisé des installations", " and the annualised cost of facilities"),
    "s_investment": (
        "Les installations à construire ({built}) demandent {investment} d'investissement.",
        "The facilities to build ({built}) need {investment} of investment.",
    ),
    "s_jobs": (
        "Ces chaînes créent {jobs} d'emploi nets (équivalents temps plein, travail des filières actuelles qui s'arrête déduit), dont {insertion} dans les structures d'insertion (SIAE : EI, ACI, AI, ETTI) et {adapted} en travail protégé ou adapté (ESAT, EA). Chaque emploi est compté chez qui fait le travail : le receveur d'un échange, l'exploitant d'une installation, et pour une collecte nouvelle {collector}.",
        "These chains create {jobs} of work, net (full-time equivalents, less the work today's routes lose), {insertion} of them in insertion structures (SIAE: EI, ACI, AI, ETTI) and {adapted} in protected or adapted work (ESAT, EA). Each job is counted where the work is done: the receiver of an exchange, a facility's operator, and for a new collection {collector}.",
    ),
    "s_sharing": (
        "Aucune entreprise n'y perd d'argent par rapport à aujourd'hui : le gain de chaque échange est partagé, {share} % pour qui cède et le reste pour qui reçoit (hypothèse, territory.toml [sharing]) ; un échange sans prix possible entre ce que le vendeur reçoit aujourd'hui et ce que l'acheteur paie aujourd'hui n'est pas proposé.",
        "No company loses money against today: each exchange's gain is shared, {share} % to the one who gives and the rest to the one who receives (an assumption, territory.toml [sharing]); an exchange with no possible price between what the seller gets today and what the buyer pays today is not proposed.",
    ),
    "s_losers": (
        "Ce plan, calculé en permettant des pertes (--allow-losses), fait perdre de l'argent à {count} entreprise(s) par rapport à aujourd'hui : {names}.",
        "This plan, computed with losses allowed (--allow-losses), costs {count} company(ies) money against today: {names}.",
    ),
    "reconcile": ("D'où vient le gain net (par an)", "Where the net value comes from (a year)"),
    "r_companies": ("Entreprises : leur part des échanges, coûts fixes de leurs liaisons déduits", "Companies: their share of the exchanges, less their links' fixed costs"),
    "r_operated": ("Installations exploitées par une entreprise (dans sa fiche)", "Facilities a company operates (on its sheet)"),
    "r_territory": ("Installations à la charge du territoire (sans exploitant désigné)", "Facilities the territory bears (no operator named)"),
    "r_total": ("Gain net du territoire", "Territory's net value"),
    "sharing_note": (
        "La somme des fiches entreprises et des comptes d'installations fait le gain net. Prix d'un échange : ce qui partage son gain à {share} % pour qui cède (hypothèse) ; une installation garde le reste, avec son fonctionnement et son investissement annualisé.",
        "The company sheets and the facility accounts add up to the net value. An exchange's price shares its gain {share} % to the one who gives (an assumption); a facility keeps the rest, with its running cost and annualised investment.",
    ),
    "no_collector": ("un transporteur non désigné (le territoire ne nomme pas de collecteur)", "an unnamed hauler (the territory names no collector)"),
    "k_additional_valorised_t": ("Matières qui trouvent un usage local", "Materials given a local use"),
    "k_rerouted_t": ("Matières déjà valorisées, déplacées", "Materials already recovered, re-routed"),
    "k_valorised_t": ("Matières gardées en usage local", "Materials kept in local use"),
    "k_valorised_share": ("Part des sorties déclarées", "Share of declared outputs"),
    "k_landfill_avoided_t": ("Enfouissement évité", "Landfill avoided"),
    "k_co2e_avoided_t": ("Émissions évitées", "Emissions avoided"),
    "k_net_value_eur_per_year": ("Gain net par an", "Net value per year"),
    "k_insertion_jobs": ("Emplois d'insertion (SIAE)", "Insertion jobs (SIAE)"),
    "k_jobs_fte": ("Emplois créés, nets", "Jobs created, net"),
    "k_companies_involved": ("Entreprises concernées", "Companies involved"),
    "k_valorised_mwh": ("Chaleur fatale valorisée", "Surplus heat used"),
    "per_year": ("par an", "a year"),
    "fte": ("ETP", "FTE"),
    "jobs_activity": ("Emplois par activité", "Jobs by activity"),
    "jobs_structure": ("Emplois par structure", "Jobs by structure"),
    "activity": ("Activité", "Activity"),
    "structure": ("Structure", "Structure"),
    "fixed": ("{label} (postes fixes des installations)", "{label} (facility staff)"),
    "displaced": ("{label} : travail d'aujourd'hui qui s'arrête", "{label}: today's work that stops"),
    "displaced_structures": ("Filières actuelles (travail qui s'arrête)", "Today's routes (work that stops)"),
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
        "{count} {count:échange|échanges}, du plus gros au plus petit ; les quantités sont annuelles.",
        "{count} {count:exchange|exchanges}, largest first; quantities are per year.",
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
        "Inventaire. {companies} {companies:établissement|établissements} et {flows} flux {flows:déclaré|déclarés} (sorties : déchets, coproduits, chaleur fatale ; besoins : ressources), année {year:d}. Les quantités sont converties dans l'unité de référence de chaque matière (t ou MWh).",
        "Inventory. {companies} {companies:establishment|establishments} and {flows} declared {flows:flow|flows} (outputs: wastes, by-products, surplus heat; inputs: resources), year {year:d}. Quantities are converted to each material's reference unit (t or MWh).",
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
        "Indicateurs. Chaque chiffre est un écart avec aujourd'hui : la filière actuelle de chaque sortie (colonne route, sinon la filière usuelle de sa matière) est la référence. Les tonnes « qui trouvent un usage local » partent aujourd'hui en enfouissement, en incinération ou hors du territoire ; les tonnes « déplacées » sont déjà recyclées, réemployées ou valorisées et ne gagnent que l'écart entre les deux filières, qui peut être nul ou négatif. La chaleur est comptée livrée, pertes du tuyau déduites. Les émissions évitées sont celles de la filière actuelle moins celles de la nouvelle (incinération : carbone fossile seul ; méthanisation : 2 % de fuites de méthane ; compost : seul l'engrais remplacé) et du transport. Le gain net additionne l'élimination (TGAP de l'année comprise) et les achats évités, moins le transport, les raccordements de chaleur (poste et tuyau annualisés, électricité des pompes à chaleur) et le coût annualisé des installations ; il est partagé entre les entreprises par le prix de chaque échange. Les emplois sont le travail ajouté, collecte seulement là où elle n'existe pas, moins celui de la filière actuelle ; ils ne sont d'insertion que dans une SIAE.",
        "Indicators. Every figure is a change against today: each output's current route (its route column, else its material's usual route) is the baseline. Tonnes 'given a local use' go to landfill, incineration or out of the territory today; 're-routed' tonnes are already recycled, reused or recovered and earn only the difference between the two routes, which may be zero or negative. Heat is counted as delivered, after the pipe's losses. Emissions avoided are those of the current route less those of the new one (incineration: fossil carbon only; digestion: 2 % of the methane leaking; compost: only the fertiliser it replaces) and of transport. Net value adds disposal (with the year's TGAP) and purchases avoided, less transport, heat connections (substation and pipe annualised, heat-pump electricity) and the annualised cost of facilities; each exchange's price shares it between companies. Jobs are the work added, collection only where none exists, less that of the current route; they are insertion jobs only in an SIAE.",
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
    "spreading": ("épandage", "land spreading"),
    "outside": ("hors du territoire", "outside the territory"),
    "none": ("non utilisée", "not used"),
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
    "jobs_per_kt_of": ("emplois ({activity})", "jobs ({activity})"),
    "tgap": ("TGAP, {route}, {year} (ajoutée aux coûts du catalogue, hors TGAP)", "TGAP, {route}, {year} (added to the catalogue's costs, which exclude it)"),
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
