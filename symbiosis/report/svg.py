"""Plain SVG for the report's two drawings (the map and the flow diagram): the common parts.

Hand-written SVG rather than a plotting library's output: the files are
small, the text stays text (searchable, printable, translatable), every
element carries a `<title>` tooltip, and nothing is fetched (no map tiles,
no fonts). The drawings receive the report's data already masked
(symbiosis/anonymise.py), so they cannot show a confidential name or figure.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from symbiosis.core.words import Messages

FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"


ZONE_COLOURS = (
    "#8ecae6", "#ffb703", "#b5e48c", "#f4acb7", "#cdb4db", "#ffd6a5", "#a0c4ff", "#caffbf",
    "#fdffb6", "#bdb2ff", "#ffc6ff", "#9bf6ff", "#e9c46a", "#d8e2dc", "#f6bd60", "#84a59d",
)


LINK_T = "#1d6fa5"


LINK_MWH = "#d1495b"


NODE = "#33363b"


NODE_ESS = "#2a9d3f"


FACILITY = "#6a3d9a"


LOCAL = "#2a9d8f"


TODAY = {"today:landfill": "#e76f51", "today:incineration": "#f4a261"}


TODAY_OTHER = "#9aa5b1"


SOURCE_NODE = "#264653"


MESSAGES: Messages = {
    "map_title": ("Carte des échanges — {territory}", "Map of the exchanges — {territory}"),
    "sankey_title": ("Devenir des tonnes déclarées — {territory}", "What becomes of the declared tonnes — {territory}"),
    "company": ("Entreprise", "Company"),
    "company_idle": ("Entreprise sans échange", "Company without exchange"),
    "ess": ("Structure de l'ESS", "Social-economy structure"),
    "facility_on": ("Installation existante ou retenue", "Facility existing or chosen"),
    "facility_off": ("Installation en projet non retenue", "Candidate facility not chosen"),
    "heat": ("Chaleur (MWh)", "Heat (MWh)"),
    "zone": ("zone {zone}", "zone {zone}"),
    "existing": ("existante", "existing"),
    "built": ("à construire", "to build"),
    "candidate": ("en projet, non retenue", "candidate, not chosen"),
    "intake": ("reçoit {quantity} par an", "takes {quantity} a year"),
    "declared": ("Sorties déclarées", "Declared outputs"),
    "local": ("Valorisé localement", "Kept in local use"),
    "today": ("Filière actuelle, inchangée", "Current route, unchanged"),
    "nothing": ("Aucune sortie en tonnes n'est déclarée.", "No output in tonnes is declared."),
    "no_site": ("Aucun site à placer.", "No site to place."),
}


def attr(text: object) -> str:
    return escape(str(text), {'"': "&quot;"})


def svg_root(ident: str, width: float, height: float, title: str, body: Sequence[str], standalone: bool) -> str:
    """An SVG root with its accessible title; a standalone file gets its namespace."""
    namespace = ' xmlns="http://www.w3.org/2000/svg"' if standalone else ""
    head = '<?xml version="1.0" encoding="UTF-8"?>\n' if standalone else ""
    return (
        f'{head}<svg{namespace} id="{ident}" class="chart" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-labelledby="{ident}-title" '
        f'font-family="{FONT}" font-size="12">'
        f'<title id="{ident}-title">{escape(title)}</title>' + "".join(body) + "</svg>\n"
    )


def svg_text(x: float, y: float, text: str, *, size: float = 12, anchor: str = "start", weight: str = "normal",
          colour: str = "#222", halo: bool = False, italic: bool = False) -> str:
    extra = ' stroke="#fff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"' if halo else ""
    style = ' font-style="italic"' if italic else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" text-anchor="{anchor}" font-weight="{weight}" '
        f'fill="{colour}"{style}{extra}>{escape(text)}</text>'
    )


def svg_title(text: str) -> str:
    return f"<title>{escape(text)}</title>"


@dataclass
class Labels:
    """Labels placed so that none overlaps another (estimated text boxes)."""

    boxes: list[tuple[float, float, float, float]]
    width: float
    height: float

    def place(self, x: float, y: float, text: str, size: float, offset: float) -> tuple[float, float, str] | None:
        w, h = 0.58 * size * len(text), size * 1.1
        for dx, dy, anchor in ((offset, size / 3, "start"), (-offset, size / 3, "end"),
                               (0, -offset - 2, "middle"), (0, offset + size, "middle")):
            left = x + dx - (w if anchor == "end" else w / 2 if anchor == "middle" else 0)
            top = y + dy - size
            box = (left, top, left + w, top + h)
            if box[0] < 2 or box[2] > self.width - 2 or box[1] < 2 or box[3] > self.height - 2:
                continue
            if any(not (box[2] < b[0] or box[0] > b[2] or box[3] < b[1] or box[1] > b[3]) for b in self.boxes):
                continue
            self.boxes.append(box)
            return x + dx, y + dy, anchor
        return None


def short_name(name: str, limit: int = 32) -> str:
    text = name.split(" (", 1)[0].strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def nice(value: float) -> float:
    """The largest 1-2-5 number not above `value`."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (5, 2, 1):
        if step * power <= value:
            return float(step * power)
    return float(power)
