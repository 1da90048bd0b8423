"""The report's two drawings, written as plain SVG: the map and the flow diagram.

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
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

from symbiosis.anonymise import shown
from symbiosis.i18n import Lang, Messages, number, say

if TYPE_CHECKING:
    from symbiosis.report import ReportData

EARTH_RADIUS_KM = 6371.0088
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


def _attr(text: object) -> str:
    return escape(str(text), {'"': "&quot;"})


def _svg(ident: str, width: float, height: float, title: str, body: Sequence[str], standalone: bool) -> str:
    """An SVG root with its accessible title; a standalone file gets its namespace."""
    namespace = ' xmlns="http://www.w3.org/2000/svg"' if standalone else ""
    head = '<?xml version="1.0" encoding="UTF-8"?>\n' if standalone else ""
    return (
        f'{head}<svg{namespace} id="{ident}" class="chart" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-labelledby="{ident}-title" '
        f'font-family="{FONT}" font-size="12">'
        f'<title id="{ident}-title">{escape(title)}</title>' + "".join(body) + "</svg>\n"
    )


def _text(x: float, y: float, text: str, *, size: float = 12, anchor: str = "start", weight: str = "normal",
          colour: str = "#222", halo: bool = False, italic: bool = False) -> str:
    extra = ' stroke="#fff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"' if halo else ""
    style = ' font-style="italic"' if italic else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" text-anchor="{anchor}" font-weight="{weight}" '
        f'fill="{colour}"{style}{extra}>{escape(text)}</text>'
    )


def _title(text: str) -> str:
    return f"<title>{escape(text)}</title>"


@dataclass
class _Labels:
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


def _short_name(name: str, limit: int = 32) -> str:
    text = name.split(" (", 1)[0].strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _nice(value: float) -> float:
    """The largest 1-2-5 number not above `value`."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (5, 2, 1):
        if step * power <= value:
            return float(step * power)
    return float(power)


# --- the map ------------------------------------------------------------------------------

MAP_W, MAP_H, LEGEND_H, MARGIN = 1000.0, 660.0, 92.0, 40.0


def map_svg(data: ReportData, *, standalone: bool) -> str:
    """Zones, companies, facilities and links on an equirectangular projection."""
    lang = data.lang
    title = say(MESSAGES, "map_title", lang, territory=data.territory)
    companies, facilities = data.companies, data.facilities
    lat = np.concatenate([companies["lat"].to_numpy(float), facilities["lat"].to_numpy(float)])
    lon = np.concatenate([companies["lon"].to_numpy(float), facilities["lon"].to_numpy(float)])
    if not len(lat):
        empty = [_text(MAP_W / 2, 60, say(MESSAGES, "no_site", lang), anchor="middle")]
        return _svg("map", MAP_W, 120, title, empty, standalone)
    lat0 = math.radians(float(lat.mean()))

    def km(lats: np.ndarray, lons: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = EARTH_RADIUS_KM * np.radians(lons) * math.cos(lat0)
        y = EARTH_RADIUS_KM * np.radians(lats)
        return x, y

    xs, ys = km(lat, lon)
    span_x, span_y = max(float(np.ptp(xs)), 0.5), max(float(np.ptp(ys)), 0.5)
    scale = min((MAP_W - 2 * MARGIN) / span_x, (MAP_H - 2 * MARGIN) / span_y)
    cx, cy = (xs.max() + xs.min()) / 2, (ys.max() + ys.min()) / 2

    def project(lats: pd.Series, lons: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        x, y = km(lats.to_numpy(float), lons.to_numpy(float))
        return MAP_W / 2 + (x - cx) * scale, MAP_H / 2 - (y - cy) * scale

    cxs, cys = project(companies["lat"], companies["lon"])
    fxs, fys = project(facilities["lat"], facilities["lon"])
    where = dict(zip(companies["key"], zip(cxs, cys, strict=True), strict=True))
    where.update(zip(facilities["key"], zip(fxs, fys, strict=True), strict=True))
    labels = _Labels([], MAP_W, MAP_H)
    body: list[str] = [f'<rect x="0" y="0" width="{MAP_W:.0f}" height="{MAP_H:.0f}" fill="#f7f9fb"/>']
    zone_layer, zone_labels = _zones(companies.assign(x=cxs, y=cys), lang)
    body += zone_layer
    link_layer, link_notes, samples = _links(data, where)
    body += link_layer
    body += _map_nodes(data, cxs, cys, fxs, fys)
    # Labels: facilities first, then the busiest companies, then zones and tonnages.
    for row, x, y in zip(facilities.itertuples(index=False), fxs, fys, strict=True):
        spot = labels.place(float(x), float(y), f"{row.id} {row.type_label}", 11, 9)
        if spot:
            body.append(_text(spot[0], spot[1], f"{row.id} {row.type_label}", size=11, anchor=spot[2], colour=FACILITY, halo=True))
    for key, name in _busiest(data, 12):
        x, y = where[key]
        text = _short_name(name)
        spot = labels.place(x, y, text, 11, 7)
        if spot:
            body.append(_text(spot[0], spot[1], text, size=11, anchor=spot[2], halo=True))
    for x, y, text in zone_labels:
        spot = labels.place(x, y, text, 10.5, 0)
        if spot:
            body.append(_text(spot[0], spot[1], text, size=10.5, anchor=spot[2], colour="#555", halo=True, italic=True))
    for x, y, text in link_notes:
        spot = labels.place(x, y, text, 10.5, 0)
        if spot:
            body.append(_text(spot[0], spot[1], text, size=10.5, anchor=spot[2], colour=LINK_T, weight="bold", halo=True))
    body += _scale_bar(scale)
    body += _north()
    body += _map_legend(lang, samples)
    return _svg("map", MAP_W, MAP_H + LEGEND_H, title, body, standalone)


def _zones(companies: pd.DataFrame, lang: Lang) -> tuple[list[str], list[tuple[float, float, str]]]:
    """Each activity zone as a padded hull of its sites, and where to name it."""
    from scipy.spatial import ConvexHull, QhullError

    pad = 13.0
    shapes: list[str] = ['<g opacity="0.45">']
    names: list[tuple[float, float, str]] = []
    zoned = companies[companies["zone"] != ""]
    for position, (zone, sites) in enumerate(zoned.groupby("zone", sort=True)):
        colour = ZONE_COLOURS[position % len(ZONE_COLOURS)]
        points = np.unique(sites[["x", "y"]].to_numpy(float).round(1), axis=0)
        tip = _title(say(MESSAGES, "zone", lang, zone=zone))
        if len(points) == 1:
            x, y = points[0]
            shapes.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{pad:.0f}" fill="{colour}">{tip}</circle>')
        else:
            ring = points
            if len(points) >= 3:
                try:
                    ring = points[ConvexHull(points).vertices]
                except (QhullError, ValueError):
                    ring = points
            path = "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in ring) + " Z"
            shapes.append(
                f'<path d="{path}" fill="{colour}" stroke="{colour}" stroke-width="{2 * pad:.0f}" '
                f'stroke-linejoin="round" stroke-linecap="round">{tip}</path>'
            )
        names.append((float(points[:, 0].mean()), float(points[:, 1].min() - pad - 3), str(zone)))
    shapes.append("</g>")
    return shapes, names


def _links(data: ReportData, where: dict[str, tuple[float, float]]) -> tuple[list[str], list[tuple[float, float, str]], list[float]]:
    """Lines from giver to receiver, one per pair and unit, width by quantity."""
    lang = data.lang
    ex = data.exchanges
    if ex.empty:
        return [], [], []
    pairs = ex.groupby(["from_key", "to_key", "unit"], sort=False).agg(
        quantity=("quantity", "sum"),
        masked=("masked", "any"),
        from_name=("from_name", "first"),
        to_name=("to_name", "first"),
        materials=("material", lambda s: ", ".join(dict.fromkeys(s))),
        km=("km", "first"),
    ).reset_index().sort_values("quantity", ascending=False)
    pairs = pairs[pairs["from_key"].isin(where.keys()) & pairs["to_key"].isin(where.keys())]
    top = {unit: float(pairs.loc[pairs["unit"] == unit, "quantity"].max()) for unit in ("t", "MWh")}
    lines: list[str] = ['<g stroke-linecap="round" fill="none">']
    notes: list[tuple[float, float, str]] = []
    for rank, row in enumerate(pairs.itertuples(index=False)):
        (x1, y1), (x2, y2) = where[str(row.from_key)], where[str(row.to_key)]
        heat = row.unit != "t"
        width = _width(float(row.quantity), top["MWh" if heat else "t"], 6.0 if heat else 11.0)
        amount = shown(float(row.quantity), str(row.unit), bool(row.masked), lang, 0 if heat else 1)
        tip = _title(f"{row.from_name} → {row.to_name} · {row.materials} · {amount}")
        dash = ' stroke-dasharray="5 4"' if heat else ""
        colour = LINK_MWH if heat else LINK_T
        lines.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
            f'stroke-opacity="{0.5 if heat else 0.42}" stroke-width="{width:.2f}"{dash}>{tip}</line>'
        )
        if not heat and rank < 6:
            notes.append(((x1 + x2) / 2, (y1 + y2) / 2, amount))
    lines.append("</g>")
    samples = [] if math.isnan(top["t"]) else _samples(top["t"])
    return lines, notes, samples


def _width(value: float, top: float, span: float) -> float:
    """Stroke width: area-like (square root) so that big flows do not drown the rest."""
    if not top or math.isnan(top) or top <= 0:
        return 1.0
    return 0.9 + span * math.sqrt(max(value, 0.0) / top)


def _samples(top: float) -> list[float]:
    largest = _nice(top)
    return [v for v in (largest / 100, largest / 10, largest) if v >= 1] or [largest]


def _map_nodes(data: ReportData, cxs: np.ndarray, cys: np.ndarray, fxs: np.ndarray, fys: np.ndarray) -> list[str]:
    lang = data.lang
    out: list[str] = ["<g>"]
    companies = data.companies
    order = np.argsort(companies["involved"].to_numpy(bool), kind="stable")  # involved on top
    for i in order:
        row = companies.iloc[int(i)]
        involved = bool(row["involved"])
        colour = NODE_ESS if row["ess"] else NODE if involved else "#9aa0a6"
        radius = 4.5 if involved else 2.8
        zone = f" · {row['zone']}" if row["zone"] else ""
        out.append(
            f'<circle cx="{cxs[i]:.1f}" cy="{cys[i]:.1f}" r="{radius}" fill="{colour}" stroke="#fff" '
            f'stroke-width="1">{_title(str(row["name"]) + zone)}</circle>'
        )
    for row, x, y in zip(data.facilities.itertuples(index=False), fxs, fys, strict=True):
        running = row.status == "existing" or bool(row.open)
        status = "existing" if row.status == "existing" else "built" if running else "candidate"
        amount = shown(float(row.intake), str(row.unit), bool(row.masked), lang, 0)
        tip = f"{row.id} · {row.name} · {row.type_label} · {say(MESSAGES, status, lang)}"
        if running:
            tip += " · " + say(MESSAGES, "intake", lang, quantity=amount)
        fill = FACILITY if running else "#fff"
        dash = "" if running else ' stroke-dasharray="2 2"'
        out.append(
            f'<rect x="{x - 6:.1f}" y="{y - 6:.1f}" width="12" height="12" fill="{fill}" stroke="{FACILITY}" '
            f'stroke-width="1.6"{dash}>{_title(tip)}</rect>'
        )
    out.append("</g>")
    return out


def _busiest(data: ReportData, count: int) -> list[tuple[str, str]]:
    """The companies exchanging the most tonnes: the ones worth a label."""
    ex = data.exchanges[data.exchanges["unit"] == "t"]
    both = pd.concat([ex[["from_key", "quantity"]].set_axis(["key", "q"], axis=1),
                      ex[["to_key", "quantity"]].set_axis(["key", "q"], axis=1)])
    both = both[both["key"].str.startswith("c:")]
    ranked = both.groupby("key")["q"].sum().sort_values(ascending=False).head(count)
    names = dict(zip(data.companies["key"], data.companies["name"], strict=True))
    return [(str(k), str(names[k])) for k in ranked.index if k in names]


def _scale_bar(scale: float) -> list[str]:
    length = _nice(MAP_W / 6 / scale)
    pixels = length * scale
    x, y = 24.0, MAP_H - 22.0
    text = f"{number(length, 'fr', 0 if length >= 1 else 1)} km"
    return [
        f'<g stroke="#333" stroke-width="1.5"><line x1="{x:.1f}" y1="{y:.1f}" x2="{x + pixels:.1f}" y2="{y:.1f}"/>'
        f'<line x1="{x:.1f}" y1="{y - 5:.1f}" x2="{x:.1f}" y2="{y + 5:.1f}"/>'
        f'<line x1="{x + pixels:.1f}" y1="{y - 5:.1f}" x2="{x + pixels:.1f}" y2="{y + 5:.1f}"/></g>',
        _text(x + pixels / 2, y - 8, text, size=11, anchor="middle", halo=True),
    ]


def _north() -> list[str]:
    x, y = MAP_W - 30, 30.0
    return [
        f'<path d="M{x:.1f},{y - 14:.1f} L{x + 7:.1f},{y + 8:.1f} L{x:.1f},{y + 3:.1f} L{x - 7:.1f},{y + 8:.1f} Z" fill="#333"/>',
        _text(x, y + 22, "N", size=12, anchor="middle", weight="bold"),
    ]


def _map_legend(lang: Lang, samples: Sequence[float]) -> list[str]:
    y = MAP_H + 26
    out = [f'<rect x="0" y="{MAP_H:.0f}" width="{MAP_W:.0f}" height="{LEGEND_H:.0f}" fill="#fff"/>']
    items = [
        (f'<circle cx="{{x}}" cy="{y - 4}" r="4.5" fill="{NODE}"/>', say(MESSAGES, "company", lang)),
        (f'<circle cx="{{x}}" cy="{y - 4}" r="4.5" fill="{NODE_ESS}"/>', say(MESSAGES, "ess", lang)),
        (f'<circle cx="{{x}}" cy="{y - 4}" r="2.8" fill="#9aa0a6"/>', say(MESSAGES, "company_idle", lang)),
        (f'<rect x="{{xm}}" y="{y - 10}" width="12" height="12" fill="{FACILITY}"/>', say(MESSAGES, "facility_on", lang)),
        (f'<rect x="{{xm}}" y="{y - 10}" width="12" height="12" fill="#fff" stroke="{FACILITY}" stroke-dasharray="2 2"/>',
         say(MESSAGES, "facility_off", lang)),
    ]
    x = 24.0
    for shape, text in items:
        out.append(shape.format(x=f"{x + 5:.1f}", xm=f"{x - 1:.1f}"))
        out.append(_text(x + 16, y, text, size=11))
        x += 16 + 0.58 * 11 * len(text) + 22
    y2 = y + 36
    x = 24.0
    top = samples[-1] if samples else 1.0
    for value in samples:
        width = _width(value, top, 11.0) if samples else 2.0
        out.append(f'<line x1="{x:.1f}" y1="{y2 - 4}" x2="{x + 40:.1f}" y2="{y2 - 4}" stroke="{LINK_T}" '
                   f'stroke-opacity="0.55" stroke-width="{width:.2f}" stroke-linecap="round"/>')
        label = f"{number(value, lang, 0)} t"
        out.append(_text(x + 48, y2, label, size=11))
        x += 48 + 0.58 * 11 * len(label) + 24
    out.append(f'<line x1="{x:.1f}" y1="{y2 - 4}" x2="{x + 40:.1f}" y2="{y2 - 4}" stroke="{LINK_MWH}" '
               f'stroke-opacity="0.7" stroke-width="3" stroke-dasharray="5 4"/>')
    out.append(_text(x + 48, y2, say(MESSAGES, "heat", lang), size=11))
    return out


# --- the flow diagram ---------------------------------------------------------------------

SANKEY_W = 1000.0
LEFT_X, RIGHT_X, NODE_W = 300.0, 686.0, 14.0
TOP, BOTTOM, GAP, GROUP_GAP, MIN_H, LINE = 44.0, 16.0, 6.0, 36.0, 2.0, 15.0


def sankey_svg(data: ReportData, *, standalone: bool) -> str:
    """Declared tonnes, from material (left) to what becomes of them (right)."""
    lang = data.lang
    title = say(MESSAGES, "sankey_title", lang, territory=data.territory)
    nodes, edges = data.sankey_nodes, data.sankey_edges
    if nodes.empty or float(nodes["quantity"].sum()) <= 0:
        return _svg("sankey", SANKEY_W, 100, title, [_text(SANKEY_W / 2, 50, say(MESSAGES, "nothing", lang), anchor="middle")], standalone)
    ordered = nodes.sort_values(["group", "quantity", "label"], ascending=[True, False, True])
    left = ordered[ordered["side"] == "left"].reset_index(drop=True)
    right = ordered[ordered["side"] == "right"].reset_index(drop=True)
    groups = right["group"].to_numpy(int)
    count = max(len(left), len(right) + 2)
    plot = max(460.0, 28.0 * count)
    scale = min(
        (plot - GAP * (len(left) - 1)) / float(left["quantity"].sum()),
        (plot - GAP * (len(right) - 1) - GROUP_GAP) / float(right["quantity"].sum()),
    )
    left_y, left_h = _stack(left["quantity"].to_numpy(float) * scale, np.zeros(len(left), int))
    right_y, right_h = _stack(right["quantity"].to_numpy(float) * scale, groups)
    height = TOP + max(left_y[-1] + left_h[-1], right_y[-1] + right_h[-1]) + BOTTOM
    left_pos = {n: i for i, n in enumerate(left["node"])}
    right_pos = {n: i for i, n in enumerate(right["node"])}
    body: list[str] = []
    body += _ribbons(data, edges, left, right, left_pos, right_pos, left_y, left_h, right_y, right_h)
    colours = [_target_colour(str(n)) for n in right["node"]]
    for i, row in left.iterrows():
        body.append(_node(LEFT_X, TOP + left_y[i], left_h[i], SOURCE_NODE, row, lang))
    for i, row in right.iterrows():
        body.append(_node(RIGHT_X, TOP + right_y[i], right_h[i], colours[int(i)], row, lang))
    body.append(_text(LEFT_X + NODE_W, TOP - 16, say(MESSAGES, "declared", lang), size=13, anchor="end", weight="bold"))
    body += _labels(_items(left, left_y, left_h, lang, {}), LEFT_X - 8, "end", height)
    headings = {int(np.flatnonzero(groups == g)[0]): say(MESSAGES, key, lang)
                for g, key in ((0, "local"), (1, "today")) if (groups == g).any()}
    body += _labels(_items(right, right_y, right_h, lang, headings), RIGHT_X, "start", height)
    return _svg("sankey", SANKEY_W, height, title, body, standalone)


def _stack(heights: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Top and height of each node, stacked with gaps (a wider one between groups)."""
    shown_h = np.maximum(heights, MIN_H)
    gaps = np.full(len(shown_h), GAP)
    if len(gaps):
        gaps[0] = 0.0
        change = np.flatnonzero(np.diff(groups) != 0) + 1
        gaps[change] = GROUP_GAP
    tops = np.cumsum(gaps) + np.concatenate([[0.0], np.cumsum(shown_h)[:-1]])
    return tops, shown_h


def _target_colour(node: str) -> str:
    if node.startswith("local:"):
        return LOCAL
    return TODAY.get(node, TODAY_OTHER)


def _node(x: float, y: float, h: float, colour: str, row: pd.Series, lang: Lang) -> str:
    amount = shown(float(row["quantity"]), "t", bool(row["masked"]), lang, 0)
    tip = _title(f"{row['label']} · {amount}")
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{NODE_W:.0f}" height="{h:.2f}" fill="{colour}">{tip}</rect>'



def _ribbons(data: ReportData, edges: pd.DataFrame, left: pd.DataFrame, right: pd.DataFrame,
             left_pos: dict[str, int], right_pos: dict[str, int], left_y: np.ndarray, left_h: np.ndarray,
             right_y: np.ndarray, right_h: np.ndarray) -> list[str]:
    """Each edge as a band, stacked inside its nodes in the other side's order.

    Band thickness is the edge's share of its node, so that rounded (masked)
    figures still fill each node exactly.
    """
    lang = data.lang
    frame = edges[edges["source"].isin(left_pos) & edges["target"].isin(right_pos)].assign(
        l=lambda f: f["source"].map(left_pos), r=lambda f: f["target"].map(right_pos)
    )
    if frame.empty:
        return []
    total_l = frame.groupby("l")["quantity"].transform("sum").to_numpy(float)
    total_r = frame.groupby("r")["quantity"].transform("sum").to_numpy(float)
    frame = frame.assign(
        hl=frame["quantity"].to_numpy(float) / np.where(total_l > 0, total_l, 1) * left_h[frame["l"].to_numpy()],
        hr=frame["quantity"].to_numpy(float) / np.where(total_r > 0, total_r, 1) * right_h[frame["r"].to_numpy()],
    )
    by_left = frame.sort_values(["l", "r"])
    frame["yl"] = (by_left.groupby("l")["hl"].cumsum() - by_left["hl"]).reindex(frame.index) + left_y[frame["l"].to_numpy()]
    by_right = frame.sort_values(["r", "l"])
    frame["yr"] = (by_right.groupby("r")["hr"].cumsum() - by_right["hr"]).reindex(frame.index) + right_y[frame["r"].to_numpy()]
    x0, x1 = LEFT_X + NODE_W, RIGHT_X
    xm = (x0 + x1) / 2
    labels = dict(zip(right["node"], right["label"], strict=True))
    out = ['<g fill-opacity="0.45">']
    for row in frame.sort_values("quantity", ascending=False).itertuples(index=False):
        a, b = TOP + float(row.yl), TOP + float(row.yr)
        c, d = a + float(row.hl), b + float(row.hr)
        path = (f"M{x0:.1f},{a:.2f} C{xm:.1f},{a:.2f} {xm:.1f},{b:.2f} {x1:.1f},{b:.2f} "
                f"L{x1:.1f},{d:.2f} C{xm:.1f},{d:.2f} {xm:.1f},{c:.2f} {x0:.1f},{c:.2f} Z")
        amount = shown(float(row.quantity), "t", bool(row.masked), lang, 1)
        tip = _title(f"{row.source} → {labels[str(row.target)]} · {amount}")
        out.append(f'<path d="{path}" fill="{_target_colour(str(row.target))}">{tip}</path>')
    out.append("</g>")
    return out


def _items(nodes: pd.DataFrame, tops: np.ndarray, heights: np.ndarray, lang: Lang,
           headings: dict[int, str]) -> list[tuple[float, str, bool]]:
    """(wanted baseline, text, is a heading) for each node, with group headings above."""
    items: list[tuple[float, str, bool]] = []
    for i, row in nodes.iterrows():
        if int(i) in headings:
            items.append((TOP + float(tops[int(i)]) - 12, headings[int(i)], True))
        amount = shown(float(row["quantity"]), "t", bool(row["masked"]), lang, 0)
        label = _short_name(str(row["label"]), 34)
        items.append((TOP + float(tops[int(i)] + heights[int(i)] / 2) + 4, f"{label} · {amount}", False))
    return items


def _labels(items: list[tuple[float, str, bool]], x: float, anchor: str, height: float) -> list[str]:
    """Labels beside the nodes, pushed apart where nodes are thin or close."""
    placed = [y for y, _, _ in items]
    for i in range(1, len(placed)):
        room = LINE + (6 if items[i][2] else 0)
        placed[i] = max(placed[i], placed[i - 1] + room)
    overflow = placed[-1] - (height - 4) if placed else 0.0
    if overflow > 0:
        placed[-1] -= overflow
        for i in range(len(placed) - 2, -1, -1):
            placed[i] = min(placed[i], placed[i + 1] - LINE)
    out = []
    for y, (_, text, heading) in zip(placed, items, strict=True):
        if heading:
            out.append(_text(x, y, text, size=13, anchor=anchor, weight="bold"))
        else:
            out.append(_text(x + (0 if anchor == "end" else NODE_W + 8), y, text, size=11.5, anchor=anchor))
    return out
