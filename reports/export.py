"""Export the pinned hotspots of the problem picture as GeoPackage or CSV.

Both formats carry the same columns, so a GIS user (GeoPackage, layer ``hotspots``) and a
spreadsheet user (CSV with WKT geometry and centroid coordinates) see the same table. Every file
is written to a temporary name beside the target and renamed into place only when complete, so a
failed export never leaves a half-written file.

Made for a reader (``view_of``: the reader's :class:`core.disclosure.View` of each place's
dataset), the files hold only the places on datasets shared with that reader, as the pages and
the report do; the columns carry no counts, so nothing else needs masking.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd
import shapely

from core.errors import InputError
from core.files import write_atomically

if TYPE_CHECKING:
    from core.disclosure import View
    from store.model import Hotspot

__all__ = ["COLUMNS", "export_hotspots", "hotspot_frame", "shared_hotspots"]

COLUMNS: tuple[str, ...] = (
    "id", "title", "organisation", "status", "priority", "categories", "weekdays", "hours",
    "picture", "created_by", "created_at",
)
LAYER = "hotspots"


def _joined(values: Iterable[object]) -> str:
    return ", ".join(str(v) for v in values)


def shared_hotspots(hotspots: Iterable[Hotspot], view_of: Callable[[Hotspot], View] | None) -> list[Hotspot]:
    """The hotspots on datasets the reader sees (all of them without ``view_of``).

    >>> from core.disclosure import View
    >>> from store.model import Hotspot
    >>> places = [Hotspot("Torget", "POINT (1 2)", id=1), Hotspot("Spaningen", "POINT (3 4)", id=2,
    ...                                                          dataset_id="polisens")]
    >>> hidden = View(False, False, "egen")
    >>> [h.title for h in shared_hotspots(places, lambda h: hidden if h.dataset_id == "polisens" else View.owner_view())]
    ['Torget']
    """
    return [h for h in hotspots if view_of is None or view_of(h).visible]


def hotspot_frame(hotspots: Iterable[Hotspot], *, crs: str | None = None,
                  view_of: Callable[[Hotspot], View] | None = None) -> gpd.GeoDataFrame:
    """The hotspots as a GeoDataFrame with :data:`COLUMNS` and geometry in one CRS.

    Lists (categories, weekdays, hours) become comma-separated text so every GIS and
    spreadsheet reads them. Hotspots stored in another CRS than ``crs`` (default: the first
    hotspot's; none for an empty list, which places nothing) are reprojected. With ``view_of``,
    only the hotspots on datasets that reader sees (:func:`shared_hotspots`).

    Raises
    ------
    InputError
        A hotspot whose geometry is not valid WKT.
    """
    hotspots = shared_hotspots(hotspots, view_of)
    target_crs = crs or (hotspots[0].crs if hotspots else None)
    rows, geometries = [], []
    for hotspot in hotspots:
        try:
            geometry = shapely.from_wkt(hotspot.geometry_wkt)
        except shapely.errors.ShapelyError as error:
            raise InputError(f"Platsen '{hotspot.title}' har en ogiltig geometri ({error}).") from error
        if hotspot.crs and hotspot.crs != target_crs:
            geometry = gpd.GeoSeries([geometry], crs=hotspot.crs).to_crs(target_crs).iloc[0]
        geometries.append(geometry)
        rows.append({
            "id": hotspot.id,
            "title": hotspot.title,
            "organisation": hotspot.organisation,
            "status": hotspot.status,
            "priority": hotspot.priority,
            "categories": _joined(hotspot.categories),
            "weekdays": _joined(hotspot.weekdays),
            "hours": _joined(hotspot.hours),
            "picture": hotspot.picture,
            "created_by": hotspot.created_by,
            "created_at": hotspot.created_at,
        })
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame["id"] = frame["id"].astype("Int64")
    frame["priority"] = frame["priority"].astype("Int64")
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometries, crs=target_crs), crs=target_crs)


def export_hotspots(hotspots: Iterable[Hotspot], path: str | Path, *, crs: str | None = None,
                    view_of: Callable[[Hotspot], View] | None = None) -> Path:
    """Write the pinned hotspots to a GeoPackage (``.gpkg``) or CSV (``.csv``) file, atomically.

    Parameters
    ----------
    hotspots
        :class:`store.model.Hotspot` objects.
    path
        ``.gpkg``: layer ``hotspots`` in the working CRS. ``.csv`` (UTF-8 with BOM so Excel
        reads å, ä, ö): the same columns plus ``geometry_wkt``, ``centroid_x``, ``centroid_y``
        and ``crs``.
    crs
        CRS to write; default the first hotspot's.
    view_of
        The reader's view of each hotspot's dataset; the places it does not see are left out.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    InputError
        Unknown file type or invalid geometry.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from store.model import Hotspot
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "platser.csv"
    >>> _ = export_hotspots([Hotspot("Torget", "POINT (1 2)", id=1)], out)
    >>> pd.read_csv(out)[["id", "title", "centroid_x"]].to_dict("records")
    [{'id': 1, 'title': 'Torget', 'centroid_x': 1.0}]
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".gpkg", ".csv"):
        raise InputError("Välj en fil som slutar på .gpkg (GeoPackage) eller .csv.", path=path)
    frame = hotspot_frame(hotspots, crs=crs, view_of=view_of)
    if suffix == ".gpkg":
        def write(tmp: Path) -> None:
            frame.to_file(tmp, driver="GPKG", layer=LAYER, engine="pyogrio")
    else:
        table = pd.DataFrame(frame.drop(columns="geometry"))
        table["geometry_wkt"] = frame.geometry.to_wkt().to_numpy()
        centroids = frame.geometry.centroid
        table["centroid_x"] = centroids.x.round(2).to_numpy()
        table["centroid_y"] = centroids.y.round(2).to_numpy()
        table["crs"] = str(frame.crs.to_string()) if frame.crs is not None else ""

        def write(tmp: Path) -> None:
            table.to_csv(tmp, index=False, encoding="utf-8-sig")
    return write_atomically(path, write)
