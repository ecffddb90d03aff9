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
    from analysis.robustness import Robustness
    from core.disclosure import View
    from store.model import Hotspot

__all__ = [
    "COLUMNS",
    "SWEDISH_HEADERS",
    "export_hotspots",
    "export_robustness",
    "export_table",
    "hotspot_frame",
    "robustness_frame",
    "shared_hotspots",
]

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


# --- space-time results: robustness per place, emerging hot spots, near-repeat, sppt -----------------

SWEDISH_HEADERS: dict[str, str] = {
    # robustness per pinned place (analysis.robustness)
    "place_id": "plats_id", "place": "plats", "aspect": "jämförelse", "setting": "läge",
    "incidents": "händelser_i_platsen", "hot_share": "andel_het", "hot": "het", "pattern": "mönster",
    "label": "klass", "verdict": "bedömning", "overlap": "andel_överlapp", "note": "anmärkning",
    # emerging hot spots (analysis.emerging)
    "cell_id": "ruta", "label_en": "klass_en", "reading": "läsning", "mk_tau": "mk_tau", "mk_z": "mk_z",
    "mk_p": "mk_p", "n_hot_steps": "heta_steg", "n_cold_steps": "kalla_steg", "n_steps": "steg", "count": "antal",
    "last_z": "sista_z", "last_p": "sista_p",
    # near-repeat (analysis.nearrepeat)
    "distance_from": "avstånd_från_m", "distance_to": "avstånd_till_m", "days_from": "dagar_från",
    "days_to": "dagar_till", "observed": "observerade_par", "expected": "förväntade_par", "knox_ratio": "knoxkvot",
    "p_value": "p_värde",
    # sppt (analysis.sppt)
    "area_id": "område_id", "name": "namn", "base_count": "antal_bas", "test_count": "antal_test",
    "base_share": "andel_bas", "test_share": "andel_test", "lower": "nedre", "upper": "övre",
    "p_adjusted": "p_justerat", "change": "förändring", "robust": "robust",
    "x": "x", "y": "y", "geometry_wkt": "geometri_wkt", "crs": "koordinatsystem",
}
"""Swedish column names for a spreadsheet user (``export_table(..., swedish_headers=True)``)."""


def export_table(frame: pd.DataFrame, path: str | Path, *, swedish_headers: bool = False) -> Path:
    """Write a result table as CSV or (with geometry) GeoJSON, atomically — one door for every space-time result.

    Parameters
    ----------
    frame
        A table (robustness per place, :func:`analysis.emerging.emerging_hotspots`'s cells, a Knox
        table, an sppt table). A GeoDataFrame's geometry goes into the CSV as ``geometry_wkt``
        with the centre's ``x``, ``y`` and ``crs``, and into a GeoJSON in WGS 84 (RFC 7946).
    path
        ``.csv`` (UTF-8 with BOM, so Excel reads å, ä, ö) or ``.geojson``.
    swedish_headers
        Column names from :data:`SWEDISH_HEADERS` (others stay as they are).

    Raises
    ------
    InputError
        Another file type, or a GeoJSON of a table without geometry.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "knox.csv"
    >>> _ = export_table(pd.DataFrame({"distance_from": [0.0], "knox_ratio": [2.3]}), out, swedish_headers=True)
    >>> out.read_text(encoding="utf-8-sig").splitlines()[0]
    'avstånd_från_m,knoxkvot'
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".geojson"):
        raise InputError("Välj en fil som slutar på .csv eller .geojson.", path=path)
    spatial = isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame.columns
    if suffix == ".geojson" and not spatial:
        raise InputError("Tabellen har ingen geometri; välj .csv i stället för .geojson.", path=path)
    names = SWEDISH_HEADERS if swedish_headers else {}
    if suffix == ".geojson":
        shaped = frame.to_crs("EPSG:4326") if frame.crs is not None else frame
        shaped = shaped.rename(columns={c: names.get(c, c) for c in shaped.columns if c != shaped.geometry.name})

        def write(tmp: Path) -> None:
            shaped.to_file(tmp, driver="GeoJSON", engine="pyogrio")
    else:
        table = pd.DataFrame(frame)
        if spatial:
            geometry = frame.geometry
            table = table.drop(columns=geometry.name)
            table["geometry_wkt"] = geometry.to_wkt().to_numpy()
            if "x" not in table and "y" not in table:
                centres = geometry.centroid
                table["x"], table["y"] = centres.x.round(2).to_numpy(), centres.y.round(2).to_numpy()
            table["crs"] = frame.crs.to_string() if frame.crs is not None else ""
        table = table.rename(columns=names)

        def write(tmp: Path) -> None:
            table.to_csv(tmp, index=False, encoding="utf-8-sig")
    return write_atomically(path, write)


ROBUSTNESS_COLUMNS: tuple[str, ...] = (
    "place_id", "place", "aspect", "setting", "incidents", "hot_share", "hot", "pattern", "label", "verdict",
    "overlap", "note",
)


def robustness_frame(
    hotspots: Iterable[Hotspot],
    robustness_of: Callable[[Hotspot], Robustness | None],
    *,
    view_of: Callable[[Hotspot], View] | None = None,
    lang: str = "sv",
) -> pd.DataFrame:
    """The robustness table of every pinned place, one row per setting (:data:`ROBUSTNESS_COLUMNS`).

    ``robustness_of`` gives a place's :class:`analysis.robustness.Robustness` (``None``: not
    counted, e.g. its dataset is not loaded). With ``view_of``: only places the reader sees,
    counts masked by the reader's view, and below the owner's level a place with fewer than
    ``min_place`` incidents is one row saying so, with no numbers.
    """
    from reports.report import TOO_FEW  # the report's words for a place under k (not at import: no cycle)

    rows: list[dict[str, object]] = []
    for hotspot in shared_hotspots(hotspots, view_of):
        result = robustness_of(hotspot)
        if result is None:
            continue
        view = view_of(hotspot) if view_of is not None else None
        if view is not None and not view.place_shown(result.incidents):
            rows.append({"place_id": hotspot.id, "place": hotspot.title,
                         "note": TOO_FEW["en" if lang == "en" else "sv"].format(k=view.rules.min_place)})
            continue
        table = result.frame(lang=lang, view=view)
        overlap = None if result.overlap != result.overlap else round(float(result.overlap), 4)
        for row in table.to_dict("records"):
            rows.append({"place_id": hotspot.id, "place": hotspot.title, **row,
                         "hot_share": round(float(row["hot_share"]), 4), "verdict": result.verdict,
                         "overlap": overlap, "note": ""})
    frame = pd.DataFrame(rows, columns=list(ROBUSTNESS_COLUMNS))
    frame["place_id"] = frame["place_id"].astype("Int64")
    return frame


def export_robustness(
    hotspots: Iterable[Hotspot],
    path: str | Path,
    robustness_of: Callable[[Hotspot], Robustness | None],
    *,
    view_of: Callable[[Hotspot], View] | None = None,
    lang: str = "sv",
    swedish_headers: bool = False,
) -> Path:
    """Write :func:`robustness_frame` as CSV (:func:`export_table`), atomically."""
    if Path(path).suffix.lower() != ".csv":
        raise InputError("Stabilitetstabellen skrivs som CSV: välj en fil som slutar på .csv.", path=path)
    return export_table(robustness_frame(hotspots, robustness_of, view_of=view_of, lang=lang), path,
                        swedish_headers=swedish_headers)
