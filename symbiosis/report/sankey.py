"""The flow diagram: where the declared tonnes come from and where they go, as SVG."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from symbiosis.core.frames import rows
from symbiosis.core.words import Lang, say
from symbiosis.report.anonymise import shown
from symbiosis.report.data import ReportData
from symbiosis.report.svg import (
    LOCAL,
    MESSAGES,
    SOURCE_NODE,
    TODAY,
    TODAY_OTHER,
    short_name,
    svg_root,
    svg_text,
    svg_title,
)

SANKEY_W = 1000.0
LEFT_X, RIGHT_X, NODE_W = 300.0, 686.0, 14.0
TOP, BOTTOM, GAP, GROUP_GAP, MIN_H, LINE = 44.0, 16.0, 6.0, 36.0, 2.0, 15.0


def sankey_svg(data: ReportData, *, standalone: bool) -> str:
    """Declared tonnes, from material (left) to what becomes of them (right)."""
    lang = data.lang
    title = say(MESSAGES, "sankey_title", lang, territory=data.territory)
    nodes, edges = data.sankey_nodes, data.sankey_edges
    if nodes.empty or float(nodes["quantity"].sum()) <= 0:
        return svg_root("sankey", SANKEY_W, 100, title, [svg_text(SANKEY_W / 2, 50, say(MESSAGES, "nothing", lang), anchor="middle")], standalone)
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
    for i, row in enumerate(rows(left)):
        body.append(_node(LEFT_X, TOP + left_y[i], left_h[i], SOURCE_NODE, row, lang))
    for i, row in enumerate(rows(right)):
        body.append(_node(RIGHT_X, TOP + right_y[i], right_h[i], colours[i], row, lang))
    body.append(svg_text(LEFT_X + NODE_W, TOP - 16, say(MESSAGES, "declared", lang), size=13, anchor="end", weight="bold"))
    body += _labels(_items(left, left_y, left_h, lang, {}), LEFT_X - 8, "end", height)
    headings = {int(np.flatnonzero(groups == g)[0]): say(MESSAGES, key, lang)
                for g, key in ((0, "local"), (1, "today")) if (groups == g).any()}
    body += _labels(_items(right, right_y, right_h, lang, headings), RIGHT_X, "start", height)
    return svg_root("sankey", SANKEY_W, height, title, body, standalone)


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


def _node(x: float, y: float, h: float, colour: str, row: Any, lang: Lang) -> str:
    amount = shown(float(row.quantity), "t", bool(row.masked), lang, 0)
    tip = svg_title(f"{row.label} · {amount}")
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
    for row in rows(frame.sort_values("quantity", ascending=False)):
        a, b = TOP + float(row.yl), TOP + float(row.yr)
        c, d = a + float(row.hl), b + float(row.hr)
        path = (f"M{x0:.1f},{a:.2f} C{xm:.1f},{a:.2f} {xm:.1f},{b:.2f} {x1:.1f},{b:.2f} "
                f"L{x1:.1f},{d:.2f} C{xm:.1f},{d:.2f} {xm:.1f},{c:.2f} {x0:.1f},{c:.2f} Z")
        amount = shown(float(row.quantity), "t", bool(row.masked), lang, 1)
        tip = svg_title(f"{row.source} → {labels[str(row.target)]} · {amount}")
        out.append(f'<path d="{path}" fill="{_target_colour(str(row.target))}">{tip}</path>')
    out.append("</g>")
    return out


def _items(nodes: pd.DataFrame, tops: np.ndarray, heights: np.ndarray, lang: Lang,
           headings: dict[int, str]) -> list[tuple[float, str, bool]]:
    """(wanted baseline, text, is a heading) for each node, with group headings above."""
    items: list[tuple[float, str, bool]] = []
    for i, row in enumerate(rows(nodes)):
        if i in headings:
            items.append((TOP + float(tops[i]) - 12, headings[i], True))
        amount = shown(float(row.quantity), "t", bool(row.masked), lang, 0)
        label = short_name(str(row.label), 34)
        items.append((TOP + float(tops[i] + heights[i] / 2) + 4, f"{label} · {amount}", False))
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
            out.append(svg_text(x, y, text, size=13, anchor=anchor, weight="bold"))
        else:
            out.append(svg_text(x + (0 if anchor == "end" else NODE_W + 8), y, text, size=11.5, anchor=anchor))
    return out
