"""Hot-spot clusters and a human title for a place the room pins.

A Gi* map marks single grid cells; a room talks about places ("Stortorget on Friday nights"). A
*cluster* is a set of significant cells of the same sign (hot with hot, cold with cold) that touch
along an edge or at a corner (queen contiguity, as the Gi* neighbourhood itself), dissolved into one
polygon, so a whole hot spot can be pinned as one place with incidents enough to follow up.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import ndimage

from analysis.aoristic import weekday_hour
from core import formatting
from geo.categories import (
    BY_NAME,
    GROUP_DAMAGE,
    GROUP_DISORDER,
    GROUP_DRUGS,
    GROUP_FRAUD,
    GROUP_LIFE,
    GROUP_MUNICIPAL,
    GROUP_PEACE,
    GROUP_SEX,
    GROUP_THEFT,
    GROUP_TRAFFIC_CRIME,
)

CLUSTER_COLUMNS = ["cluster_id", "sign", "cells", "incidents", "cell_ids", "geometry"]

# Short words for a title: "Stortorget – våld kvällar och nätter", not the group's full table name.
GROUP_WORDS = {
    "sv": {GROUP_LIFE: "våld", GROUP_PEACE: "hot och ofredanden", GROUP_SEX: "sexualbrott", GROUP_THEFT: "stölder",
           GROUP_FRAUD: "bedrägerier", GROUP_DAMAGE: "skadegörelse", GROUP_DRUGS: "alkohol och narkotika",
           GROUP_DISORDER: "ordningsstörningar", GROUP_MUNICIPAL: "rapporterade störningar",
           GROUP_TRAFFIC_CRIME: "trafikbrott"},
    "en": {GROUP_LIFE: "violence", GROUP_PEACE: "threats and harassment", GROUP_SEX: "sexual offences",
           GROUP_THEFT: "thefts", GROUP_FRAUD: "fraud", GROUP_DAMAGE: "criminal damage",
           GROUP_DRUGS: "alcohol and drugs", GROUP_DISORDER: "disorder", GROUP_MUNICIPAL: "reported disturbances",
           GROUP_TRAFFIC_CRIME: "traffic offences"},
}
TIME_WORDS = {
    "sv": {"night": "nätter", "evening": "kvällar", "late": "kvällar och nätter", "day": "dagtid",
           "weekend": "helger"},
    "en": {"night": "at night", "evening": "in the evenings", "late": "in the evenings and at night",
           "day": "in the daytime", "weekend": "at weekends"},
}
# A word in a title has to be true of most of the place: a group or a time of day is named only when
# it holds this share of the incidents (uniform hours give evening+night 12/24, so 0.6 is a real lean).
DOMINANT_SHARE = 0.5
LATE_SHARE = 0.6
WEEKEND_SHARE = 0.6  # Friday–Sunday are 3/7 = 0.43 of a week with no weekly pattern


def _cell_index(geometry: gpd.GeoSeries) -> tuple[float, np.ndarray, np.ndarray]:
    """Cell size and integer column/row of square grid cells from their bounds."""
    bounds = geometry.bounds.to_numpy()
    sizes = bounds[:, 2] - bounds[:, 0]
    size = float(np.median(sizes))
    if not (size > 0 and np.allclose(sizes, size) and np.allclose(bounds[:, 3] - bounds[:, 1], size)):
        raise ValueError("Hot spot-rutorna måste vara lika stora kvadrater för att kunna slås ihop till kluster.")
    return size, np.rint(bounds[:, 0] / size).astype(np.int64), np.rint(bounds[:, 1] / size).astype(np.int64)


def hotspot_clusters(cells: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Contiguous significant Gi* cells of the same sign, each dissolved into one polygon.

    Parameters
    ----------
    cells
        Grid cells as :func:`analysis.hotspots.hotspots` returns them (``cell_id``, ``count``,
        ``gi_z``, ``class``, square polygons); cells of class ``"none"`` are left out, so the whole
        frame or only its significant rows may be passed.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per cluster, biggest (most incidents) first: ``cluster_id`` (1, 2, …), ``sign``
        (``"hot"`` or ``"cold"``), ``cells`` (number of cells), ``incidents`` (sum of their counts),
        ``cell_ids`` (tuple of the cells' ids) and the union of the cells; in the cells' CRS.
        Cells that touch only at a corner are one cluster (queen contiguity).

    Examples
    --------
    >>> boxes = [shapely.box(x, 0, x + 100, 100) for x in (0, 100, 200, 500)]
    >>> grid = gpd.GeoDataFrame({"cell_id": list("abcd"), "count": [4, 5, 6, 9], "gi_z": [3.0] * 4,
    ...                          "class": ["hot99"] * 4}, geometry=boxes, crs="EPSG:3006")
    >>> result = hotspot_clusters(grid)
    >>> result[["cluster_id", "cells", "incidents"]].values.tolist(), result.geometry.area.tolist()
    ([[1, 3, 15], [2, 1, 9]], [30000.0, 10000.0])
    """
    missing = {"cell_id", "count", "class"} - set(cells.columns)
    if missing:
        raise ValueError(f"Hot spot-rutorna saknar kolumnerna {', '.join(sorted(missing))}.")
    classes = cells["class"].astype(str)
    chosen = cells[classes != "none"]
    if chosen.empty:
        return gpd.GeoDataFrame({c: [] for c in CLUSTER_COLUMNS[:-1]}, geometry=[], crs=cells.crs)
    _, col, row = _cell_index(chosen.geometry)
    sign = np.where(chosen["class"].astype(str).str.startswith("hot"), "hot", "cold")
    rows = []
    for which in ("hot", "cold"):
        pick = sign == which
        if not pick.any():
            continue
        c, r = col[pick] - col[pick].min(), row[pick] - row[pick].min()
        raster = np.zeros((int(r.max()) + 1, int(c.max()) + 1), dtype=bool)
        raster[r, c] = True
        labels, _ = ndimage.label(raster, structure=np.ones((3, 3), dtype=bool))  # queen
        members = chosen[pick].assign(_label=labels[r, c])
        for _, group in members.groupby("_label", sort=False):
            rows.append({
                "sign": which, "cells": len(group), "incidents": int(group["count"].sum()),
                "cell_ids": tuple(group["cell_id"].astype(str)),
                "geometry": shapely.union_all(np.asarray(group.geometry.values)),
            })
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=cells.crs)
    frame = frame.sort_values(["sign", "incidents", "cells"], ascending=[False, False, False], kind="stable")
    frame.insert(0, "cluster_id", np.arange(1, len(frame) + 1))
    return frame.reset_index(drop=True)[CLUSTER_COLUMNS]


def cluster_of(clusters: gpd.GeoDataFrame, cell_id: str) -> pd.Series | None:
    """The cluster row that holds the cell ``cell_id``, else None."""
    for _, cluster in clusters.iterrows():
        if cell_id in cluster["cell_ids"]:
            return cluster
    return None


def _where(geometry: shapely.Geometry, incidents: pd.DataFrame, places: gpd.GeoDataFrame | None,
           districts: gpd.GeoDataFrame | None, lang: str) -> str:
    """The named places the geometry touches (most incidents first, at most two), else its district."""
    if places is not None and len(places):
        shapes = places.geometry
        radius = places.get("radius_m", pd.Series(np.nan, index=places.index)).fillna(50.0)
        points = shapes.geom_type.eq("Point")
        shapes = shapes.where(~points, shapes.buffer(radius))
        inside = shapes.intersection(geometry)
        # A street is a line: it is in the place when it crosses it.
        touched = (inside.area > 0) | (places.geometry.intersection(geometry).length > 0)
        if touched.any():
            x = incidents["x"].to_numpy(dtype=float) if "x" in incidents else np.empty(0)
            y = incidents["y"].to_numpy(dtype=float) if "y" in incidents else np.empty(0)
            # The room names a hot spot by where its incidents are, not by the biggest area it grazes.
            counted = pd.Series([int(shapely.contains_xy(shapes[i], x, y).sum()) if len(x) else 0
                                 for i in places.index[touched]], index=places.index[touched])
            order = pd.DataFrame({"n": counted, "area": inside.area[touched]}).sort_values(
                ["n", "area"], ascending=False, kind="stable")
            names = list(dict.fromkeys(places.loc[order.index, "name"].astype(str)))[:2]
            return formatting.listing(names, lang=lang)
    if districts is not None and len(districts):
        overlap = districts.geometry.intersection(geometry).area
        if (overlap > 0).any():
            return str(districts.loc[overlap.idxmax(), "name"])
    return ""


def _what(incidents: pd.DataFrame, lang: str) -> str:
    if incidents.empty:
        return ""
    groups = incidents["category"].astype(str).map(lambda c: BY_NAME[c].group if c in BY_NAME else "")
    shares = groups[groups != ""].value_counts(normalize=True)
    if shares.empty or shares.iloc[0] < DOMINANT_SHARE:
        return ""
    group = shares.index[0]
    return GROUP_WORDS[lang].get(group, group.lower())


def _when(incidents: pd.DataFrame, lang: str) -> str:
    if incidents.empty:
        return ""
    matrix = weekday_hour(incidents).matrix.to_numpy(dtype=float)  # aoristic: windows spread over hours
    total = matrix.sum()
    if not total > 0:
        return ""
    hours = matrix.sum(axis=0) / total
    night, day, evening = hours[0:6].sum(), hours[6:18].sum(), hours[18:24].sum()
    words = TIME_WORDS[lang]
    if night >= DOMINANT_SHARE:
        when = words["night"]
    elif evening >= DOMINANT_SHARE:
        when = words["evening"]
    elif night + evening >= LATE_SHARE:
        when = words["late"]
    elif day >= LATE_SHARE:
        when = words["day"]
    else:
        when = ""
    weekend = matrix[4:7].sum() / total  # Friday, Saturday, Sunday
    if weekend >= WEEKEND_SHARE:
        if lang == "en":
            when = f"{when} {words['weekend']}".strip()
        else:
            when = f"{when} på {words['weekend']}" if when else words["weekend"]
    return when


def place_title(geometry: shapely.Geometry, incidents: pd.DataFrame, *, places: gpd.GeoDataFrame | None = None,
                districts: gpd.GeoDataFrame | None = None, lang: str = "sv", fallback: str = "") -> str:
    """A title a room recognises for a place: where it is, what happens there and when.

    ``where`` is the named places or streets the geometry touches (at most two, the ones with
    most of ``incidents`` first; ``x``/``y`` in the places' CRS), else the district it lies mostly in; ``what`` the offence group of at least half the
    incidents (``"våld"``); ``when`` the time of day that holds most of them (aoristic). Parts that
    are not true of most of the place are left out; with nothing at all, ``fallback``.

    Examples
    --------
    >>> square = gpd.GeoDataFrame({"name": ["Stortorget"]}, geometry=[shapely.box(0, 0, 200, 200)])
    >>> late = pd.DataFrame({"category": ["Misshandel utomhus"] * 4 + ["Klotter"],
    ...                      "occurred_from": pd.to_datetime(["2025-03-04 22:10", "2025-03-04 23:10", "2025-03-05 01:00",
    ...                                                       "2025-03-05 02:00", "2025-03-05 14:00"])})
    >>> place_title(shapely.box(50, 50, 150, 150), late, places=square)
    'Stortorget – våld kvällar och nätter'
    """
    where = _where(geometry, incidents, places, districts, lang)
    what, when = _what(incidents, lang), _when(incidents, lang)
    description = " ".join(part for part in (what, when) if part)
    if where and description:
        return f"{where} – {description}"
    title = where or description or fallback
    return title[:1].upper() + title[1:]

