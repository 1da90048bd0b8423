"""What a reader must know of how a plan was found: stopped on time, tie-breaks unsettled, facilities idle.

Said the same way in the terminal and in the report, from `kpis.json`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from symbiosis.core.words import Messages, Text, joined

MESSAGES: Messages = {
    "time_limit": (
        "Calcul arrêté à la limite de temps : ce plan est le meilleur trouvé, sans preuve qu'il soit le meilleur possible (écart relatif au plus {gap:.2f} %).",
        "Stopped at the time limit: this plan is the best found, not proven the best possible (relative gap at most {gap:.2f} %).",
    ),
    "time_limit_no_gap": (
        "Calcul arrêté à la limite de temps : ce plan est le meilleur trouvé, sans preuve qu'il soit le meilleur possible.",
        "Stopped at the time limit: this plan is the best found, not proven the best possible.",
    ),
    "unsettled": (
        "L'objectif est atteint, mais ces critères secondaires n'ont pas été départagés : {stages} ({status}).",
        "The objective is reached, but these secondary criteria were not settled: {stages} ({status}).",
    ),
    "idle": (
        "{count} {count:installation construite ne tourne|installations construites ne tournent} pas, faute d'atteindre {count:sa|leur} charge minimale : {ids}.",
        "{count} built {count:facility does|facilities do} not run, below {count:its|their} minimum load: {ids}.",
    ),
}

STAGE_NAMES: Messages = {
    "tonnes": ("tonnes valorisées", "tonnes valorised"),
    "mwh": ("énergie valorisée", "energy used"),
    "jobs": ("emplois", "jobs"),
    "co2": ("émissions évitées", "emissions avoided"),
    "value": ("gain net", "net value"),
    "tkm": ("tonnes-kilomètres", "tonne-kilometres"),
    "mwh_km": ("longueur des réseaux de chaleur", "length of heat pipes"),
}


def status_notes(kpis: Mapping[str, Any]) -> list[Text]:
    """The sentences a plan owes its reader about how it was found (none for a plan proven optimal)."""
    notes: list[Text] = []
    if kpis.get("status") == "time_limit":
        gap = kpis.get("mip_gap")
        notes.append(Text(MESSAGES, "time_limit", {"gap": 100 * float(gap)}) if gap is not None
                     else Text(MESSAGES, "time_limit_no_gap"))
    unsettled = [stage for stage in kpis.get("stages", [])[1:] if stage["status"] != "optimal"]
    if unsettled and kpis.get("status") == "optimal":
        notes.append(Text(MESSAGES, "unsettled", {"stages": joined([Text(STAGE_NAMES, stage["stage"]) for stage in unsettled]), "status": unsettled[0]["status"]}))
    idle = list(kpis.get("facilities_idle", []))
    if idle:
        notes.append(Text(MESSAGES, "idle", {"count": len(idle), "ids": ", ".join(idle)}))
    return notes
