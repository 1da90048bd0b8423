"""Each link's reason in words: compatibility, regulation, distance."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from symbiosis.catalogue.models import Catalogue
from symbiosis.core.frames import rows
from symbiosis.core.words import Lang, Messages, number, say
from symbiosis.flows import Inventory

MESSAGES: Messages = {
    "same_ewc": ("même code déchet {ewc}", "same waste code {ewc}"),
    "same_material": ("même matière ({material})", "same material ({material})"),
    "facility": ("accepté par {facility} ({status})", "accepted by {facility} ({status})"),
    "product": ("{material} produit par l'installation", "{material} made by the facility"),
    "declared_code": ("le destinataire déclare ce code en entrée", "the receiver declares this code as an input"),
    "by_product": ("sous-produit ou sortie de statut de déchet : toute entrée compatible", "by-product or end-of-waste: any compatible input"),
    "authorised": ("déchet : le destinataire est autorisé à le recevoir", "waste: the receiver is authorised to take it"),
    "facility_reg": ("déchet : les installations partagées sont autorisées", "waste: shared facilities are authorised"),
    "product_reg": ("produit, hors statut de déchet", "a product, not a waste"),
    "energy": ("énergie, hors statut de déchet", "energy, not a waste"),
    "existing": ("existante", "existing"),
    "candidate": ("en projet", "candidate"),
    "km": ("{km} km", "{km} km"),
}


def reasons(inventory: Inventory, links: pd.DataFrame, lang: Lang = "fr") -> pd.Series:
    """Each link's reason in words: compatibility, regulation, distance."""
    catalogue = inventory.catalogue
    flows = inventory.flows.set_index("id")
    texts = []
    for row in rows(links):  # words are built only for what is shown or written
        texts.append("; ".join(_reason_parts(catalogue, flows, row, lang)))
    return pd.Series(texts, index=links.index, dtype=object)


def _reason_parts(catalogue: Catalogue, flows: pd.DataFrame, row: Any, lang: Lang) -> Sequence[str]:
    rule, regulation = str(row.rule), str(row.regulation)
    material_key = row.material
    material = catalogue.materials.get(str(material_key)) if isinstance(material_key, str) else None
    label = (material.label_fr if lang == "fr" else material.label_en) if material else "?"
    parts: list[str] = []
    if rule == "same_ewc":
        parts.append(say(MESSAGES, "same_ewc", lang, ewc=flows.loc[row.from_flow, "ewc"]))
    elif rule == "same_material":
        parts.append(say(MESSAGES, "same_material", lang, material=label))
    elif rule.startswith("facility:"):
        ftype = catalogue.facility_types[rule.split(":", 1)[1]]
        name = ftype.label_fr if lang == "fr" else ftype.label_en
        parts.append(say(MESSAGES, "facility", lang, facility=name, status=say(MESSAGES, row.facility_status or "existing", lang)))
    elif rule in catalogue.rules:
        parts.append(catalogue.rules[rule].label_fr if lang == "fr" else catalogue.rules[rule].label_en)
    if regulation == "product":
        parts.insert(0, say(MESSAGES, "product", lang, material=label))
        parts.append(say(MESSAGES, "product_reg", lang))
    elif regulation == "facility":
        parts.append(say(MESSAGES, "facility_reg", lang))
    else:
        parts.append(say(MESSAGES, regulation, lang))
    parts.append(say(MESSAGES, "km", lang, km=number(float(row.distance_km), lang, 1)))
    return parts
