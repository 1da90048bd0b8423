"""Where flows are, and which pairs lie within reach: projections, KD-trees
and great-circle distances, never a comparison of every pair.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Projection:
    """Equirectangular projection about the territory's mean latitude.

    Planar distances only pre-select candidates; `inflate` widens the search
    radius so that no pair within the true great-circle limit is missed.
    """

    lat0: float
    inflate: float

    @classmethod
    def around(cls, lats: np.ndarray) -> Projection:
        lat0 = float(np.mean(lats)) if len(lats) else 0.0
        cos0 = np.cos(np.radians(lat0))
        cos_extreme = np.cos(np.radians(np.clip(np.abs(lats), 0, 89.0))) if len(lats) else np.ones(1)
        inflate = float(max(1.0, cos0 / float(np.min(cos_extreme)))) * 1.01
        return cls(lat0, inflate)

    def xy(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        x = EARTH_RADIUS_KM * np.radians(lon) * np.cos(np.radians(self.lat0))
        y = EARTH_RADIUS_KM * np.radians(lat)
        return np.column_stack([x, y])


@dataclass(frozen=True)
class Points:
    """Positions prepared once: planar coordinates for the KD-trees, radians
    and cosines for the great-circle distance of each candidate pair."""

    xy: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    cos_lat: np.ndarray

    @classmethod
    def of(cls, projection: Projection, frame: pd.DataFrame) -> Points:
        lat, lon = frame["lat"].to_numpy(dtype=float), frame["lon"].to_numpy(dtype=float)
        lat_r = np.radians(lat)
        return cls(projection.xy(lat, lon), lat_r, np.radians(lon), np.cos(lat_r))


def pair_distance_km(a: Points, i: np.ndarray, b: Points, j: np.ndarray) -> np.ndarray:
    """Great-circle distance between a[i] and b[j] (haversine, trigonometry of each point done once)."""
    h = np.sin((b.lat[j] - a.lat[i]) / 2) ** 2 + a.cos_lat[i] * b.cos_lat[j] * np.sin((b.lon[j] - a.lon[i]) / 2) ** 2
    distance: np.ndarray = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return distance


def join_within(
    projection: Projection,
    left: pd.DataFrame,
    right: pd.DataFrame,
    left_limit: np.ndarray,
    right_limit: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions (i, j) and distances of left/right rows within both limits."""
    empty = np.empty(0, dtype=np.int64)
    if left.empty or right.empty:
        return empty, empty, np.empty(0)
    radius = float(min(left_limit.max(), right_limit.max()))
    left_at, right_at = Points.of(projection, left), Points.of(projection, right)
    pairs = cKDTree(left_at.xy).sparse_distance_matrix(
        cKDTree(right_at.xy), radius * projection.inflate + 0.01, output_type="ndarray"
    )
    i, j = pairs["i"], pairs["j"]
    distance = pair_distance_km(left_at, i, right_at, j)
    keep = distance <= np.minimum(left_limit[i], right_limit[j]) + 1e-9
    return i[keep], j[keep], distance[keep]


BAND_RATIO = 1.25
"""Flows whose distance limits lie within this factor of each other share one search radius."""


class BandedJoin:
    """Candidate pairs between subsets of two point sets, within their limits.

    A class's left rows are split into bands of similar distance limits, so
    that one far-reaching flow (40 km) does not widen the search of all the
    others of its class (15 km): the candidates stay close to the pairs kept.
    Trees are built once per subset key and reused across class pairs.
    """

    def __init__(self, projection: Projection, left: Points, left_limit: np.ndarray, right: Points, right_limit: np.ndarray):
        self.inflate = projection.inflate
        self.left, self.right = left, right
        self.left_limit, self.right_limit = left_limit, right_limit
        self._bands: dict[object, list[tuple[np.ndarray, Any, float]]] = {}
        self._trees: dict[object, cKDTree] = {}

    def _banded(self, key: object, rows: np.ndarray) -> list[tuple[np.ndarray, Any, float]]:
        if key not in self._bands:
            limit = self.left_limit[rows]
            band = np.floor(np.log(np.maximum(limit, 1e-3)) / np.log(BAND_RATIO)).astype(np.int64)
            groups = []
            for value in np.unique(band):
                members = rows[band == value]
                groups.append((members, cKDTree(self.left.xy[members]), float(self.left_limit[members].max())))
            self._bands[key] = groups
        return self._bands[key]

    def pairs(self, left_key: object, left_rows: np.ndarray, right_key: object, right_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Row pairs (left, right) whose planar distance may be within both limits."""
        if not len(left_rows) or not len(right_rows):
            empty = np.empty(0, dtype=np.int64)
            return empty, empty
        if right_key not in self._trees:
            self._trees[right_key] = cKDTree(self.right.xy[right_rows])
        tree = self._trees[right_key]
        reach = float(self.right_limit[right_rows].max())
        lefts, rights = [], []
        for members, band_tree, band_limit in self._banded(left_key, left_rows):
            radius = min(band_limit, reach) * self.inflate + 0.01
            found = band_tree.sparse_distance_matrix(tree, radius, output_type="ndarray")
            lefts.append(members[found["i"]])
            rights.append(right_rows[found["j"]])
        return np.concatenate(lefts), np.concatenate(rights)
