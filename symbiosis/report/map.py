"""The map of the exchanges: zones, companies, facilities and links, as SVG."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from symbiosis.core.frames import rows
from symbiosis.core.words import Lang, number, say
from symbiosis.matching.geometry import EARTH_RADIUS_KM
from symbiosis.report.anonymise import shown
from symbiosis.report.data import ReportData
from symbiosis.report.svg import (
    FACILITY,
    LINK_MWH,
    LINK_T,
    MESSAGES,
    NODE,
    NODE_ESS,
    ZONE_COLOURS,
    Labels,
    nice,
    short_name,
    svg_root,
    svg_text,
    svg_title,
)

MAP_W, MAP_H, LEGEND_H, MARGIN = 1000.0, 660.0, 92.0, 40.0


def map_svg(data: ReportData, *, standalone: bool) -> str:
    """Zones, companies, facilities and links on an equirectangular projection."""
    lang = data.lang
    title = say(MESSAGES, "map_title", lang, territory=data.territory)
    companies, facilities = data.companies, data.facilities
    lat = np.concatenate([companies["lat"].to_numpy(float), facilities["lat"].to_numpy(float)])
    lon = np.concatenate([companies["lon"].to_numpy(float), facilities["lon"].to_numpy(float)])
    if not len(lat):
        empty = [svg_text(MAP_W / 2, 60, say(MESSAGES, "no_site", lang), anchor="middle")]
        return svg_root("map", MAP_W, 120, title, empty, standalone)
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
    labels = Labels([], MAP_W, MAP_H)
    body: list[str] = [f'<rect x="0" y="0" width="{MAP_W:.0f}" height="{MAP_H:.0f}" fill="#f7f9fb"/>']
    zone_layer, zone_labels = _zones(companies.assign(x=cxs, y=cys), lang)
    body += zone_layer
    link_layer, link_notes, samples = _links(data, where)
    body += link_layer
    body += _map_nodes(data, cxs, cys, fxs, fys)
    # Labels: facilities first, then the busiest companies, then zones and tonnages.
    for row, x, y in zip(rows(facilities), fxs, fys, strict=True):
        spot = labels.place(float(x), float(y), f"{row.id} {row.type_label}", 11, 9)
        if spot:
            body.append(svg_text(spot[0], spot[1], f"{row.id} {row.type_label}", size=11, anchor=spot[2], colour=FACILITY, halo=True))
    for key, name in _busiest(data, 12):
        x, y = where[key]
        text = short_name(name)
        spot = labels.place(x, y, text, 11, 7)
        if spot:
            body.append(svg_text(spot[0], spot[1], text, size=11, anchor=spot[2], halo=True))
    for x, y, text in zone_labels:
        spot = labels.place(x, y, text, 10.5, 0)
        if spot:
            body.append(svg_text(spot[0], spot[1], text, size=10.5, anchor=spot[2], colour="#555", halo=True, italic=True))
    for x, y, text in link_notes:
        spot = labels.place(x, y, text, 10.5, 0)
        if spot:
            body.append(svg_text(spot[0], spot[1], text, size=10.5, anchor=spot[2], colour=LINK_T, weight="bold", halo=True))
    body += _scale_bar(scale)
    body += _north()
    body += _map_legend(lang, samples)
    return svg_root("map", MAP_W, MAP_H + LEGEND_H, title, body, standalone)


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
        tip = svg_title(say(MESSAGES, "zone", lang, zone=zone))
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
    for rank, row in enumerate(rows(pairs)):
        (x1, y1), (x2, y2) = where[str(row.from_key)], where[str(row.to_key)]
        heat = row.unit != "t"
        width = _width(float(row.quantity), top["MWh" if heat else "t"], 6.0 if heat else 11.0)
        amount = shown(float(row.quantity), str(row.unit), bool(row.masked), lang, 0 if heat else 1)
        tip = svg_title(f"{row.from_name} → {row.to_name} · {row.materials} · {amount}")
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
    largest = nice(top)
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
            f'stroke-width="1">{svg_title(str(row["name"]) + zone)}</circle>'
        )
    for row, x, y in zip(rows(data.facilities), fxs, fys, strict=True):
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
            f'stroke-width="1.6"{dash}>{svg_title(tip)}</rect>'
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
    length = nice(MAP_W / 6 / scale)
    pixels = length * scale
    x, y = 24.0, MAP_H - 22.0
    text = f"{number(length, 'fr', 0 if length >= 1 else 1)} km"
    return [
        f'<g stroke="#333" stroke-width="1.5"><line x1="{x:.1f}" y1="{y:.1f}" x2="{x + pixels:.1f}" y2="{y:.1f}"/>'
        f'<line x1="{x:.1f}" y1="{y - 5:.1f}" x2="{x:.1f}" y2="{y + 5:.1f}"/>'
        f'<line x1="{x + pixels:.1f}" y1="{y - 5:.1f}" x2="{x + pixels:.1f}" y2="{y + 5:.1f}"/></g>',
        svg_text(x + pixels / 2, y - 8, text, size=11, anchor="middle", halo=True),
    ]


def _north() -> list[str]:
    x, y = MAP_W - 30, 30.0
    return [
        f'<path d="M{x:.1f},{y - 14:.1f} L{x + 7:.1f},{y + 8:.1f} L{x:.1f},{y + 3:.1f} L{x - 7:.1f},{y + 8:.1f} Z" fill="#333"/>',
        svg_text(x, y + 22, "N", size=12, anchor="middle", weight="bold"),
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
        out.append(svg_text(x + 16, y, text, size=11))
        x += 16 + 0.58 * 11 * len(text) + 22
    y2 = y + 36
    x = 24.0
    top = samples[-1] if samples else 1.0
    for value in samples:
        width = _width(value, top, 11.0) if samples else 2.0
        out.append(f'<line x1="{x:.1f}" y1="{y2 - 4}" x2="{x + 40:.1f}" y2="{y2 - 4}" stroke="{LINK_T}" '
                   f'stroke-opacity="0.55" stroke-width="{width:.2f}" stroke-linecap="round"/>')
        label = f"{number(value, lang, 0)} t"
        out.append(svg_text(x + 48, y2, label, size=11))
        x += 48 + 0.58 * 11 * len(label) + 24
    out.append(f'<line x1="{x:.1f}" y1="{y2 - 4}" x2="{x + 40:.1f}" y2="{y2 - 4}" stroke="{LINK_MWH}" '
               f'stroke-opacity="0.7" stroke-width="3" stroke-dasharray="5 4"/>')
    out.append(svg_text(x + 48, y2, say(MESSAGES, "heat", lang), size=11))
    return out
