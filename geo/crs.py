"""Coordinate reference systems: recognise, guess, check and transform.

Swedish files come in SWEREF 99 TM (EPSG:3006, the national system), one of
the twelve local SWEREF 99 zones (EPSG:3007–3018), the old RT 90 2.5 gon V
(EPSG:3021) or WGS84 (web data). When a file does not say which, the system
is guessed from the coordinate ranges — but only where the ranges are
unambiguous; the local zones all share a false easting of 150 000 m, so a
file in one of them cannot be told from the others and the user is asked
for ``--crs``.

The rule, in order (:data:`CRS_RULE`; docs/import.md says the same):

1. ``--crs`` — the user's word wins.
2. Latitude/longitude columns (``--lat/--lon`` or columns named so) are WGS84,
   wherever on Earth the points are; only the values decide whether the two
   columns are swapped.
3. The CRS the file declares (a shapefile's .prj, a GeoPackage's, GeoJSON's
   legacy ``crs`` member).
4. A guess from the values, for Swedish systems only (WGS84 in Sweden, SWEREF 99
   TM, RT 90; never a local zone).
5. With ``--work-crs`` other than SWEREF 99 TM: values that fit its area are
   taken to be in it (with a warning).

Otherwise the import stops and asks for ``--crs``. Points are then checked
against the working CRS's area: Sweden for SWEREF 99 TM, the EPSG area of use
(plus 10 %) for any other — so with ``--work-crs`` points far from Sweden are
fine, and when none is inside, the message proposes the UTM zone they lie in.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from core.errors import InputError
from geo.model import WORK_CRS

WGS84 = "EPSG:4326"
SWEREF99_TM = "EPSG:3006"
LOCAL_ZONES: tuple[str, ...] = tuple(f"EPSG:{code}" for code in range(3007, 3019))
RT90 = "EPSG:3021"

# Sweden's outline in SWEREF 99 TM spans about x 276 000–917 000 and
# y 6 134 000–7 669 000 (the län layer); this box adds a generous margin for
# islands, border areas and the sea.
SWEDEN_BBOX_3006 = (200_000.0, 6_050_000.0, 1_000_000.0, 7_750_000.0)
# The same in WGS84 (lon/lat), for recognising latitude/longitude columns.
SWEDEN_BBOX_WGS84 = (10.0, 55.0, 24.5, 69.5)

NAMES = {
    WGS84: "WGS84 (latitud/longitud)",
    SWEREF99_TM: "SWEREF 99 TM",
    RT90: "RT 90 2.5 gon V",
    **{code: f"SWEREF 99 lokal zon ({code})" for code in LOCAL_ZONES},
}


@dataclass(frozen=True)
class CrsGuess:
    """The outcome of looking at coordinate ranges.

    Attributes
    ----------
    crs:
        The guessed CRS as ``"EPSG:nnnn"``, or None when the ranges fit no
        system (or several).
    swapped:
        True when the two coordinate columns hold each other's values.
    note:
        A Swedish sentence for the report (why this guess, or why none).
    """

    crs: str | None
    swapped: bool = False
    note: str = ""


def normalise_crs(value: str | int | CRS, *, path: str | None = None, flag: str = "--crs") -> str:
    """Return a CRS as ``"EPSG:nnnn"`` (or WKT when it has no EPSG code).

    Raises
    ------
    InputError
        When pyproj does not know the CRS.
    """
    try:
        crs = CRS.from_user_input(value)
    except (CRSError, TypeError, ValueError) as error:
        raise InputError(f"Okänt koordinatsystem i {flag}: '{value}'. Ange t.ex. EPSG:3006.", path=path) from error
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.to_wkt()


def crs_name(code: str | None) -> str:
    """Swedish display name of a CRS, e.g. ``"SWEREF 99 TM (EPSG:3006)"``."""
    if code is None:
        return "okänt"
    if code in NAMES:
        return f"{NAMES[code]} ({code})" if code not in LOCAL_ZONES else NAMES[code]
    try:
        return f"{CRS.from_user_input(code).name} ({code})"
    except CRSError:
        return code


def is_geographic(code: str) -> bool:
    """Tell whether a CRS is geographic (degrees), not projected."""
    return CRS.from_user_input(code).is_geographic


def frame_crs(frame: object, *, path: str | Path | None = None) -> str:
    """Return the working CRS a reader stored in ``frame.attrs["crs"]``; refuse a frame without one.

    Every reader (``geo.dataset.read_incidents``, ``geo.importer.import_incidents``,
    ``geo.areas.read_areas_report``, the Exempelstad generator) sets it. A frame
    without it was built by hand or lost its ``attrs`` on the way (``pd.concat``,
    ``merge``), and guessing SWEREF 99 TM would put a local-zone town hundreds of
    kilometres off without a word.

    Parameters
    ----------
    frame:
        A pandas or GeoPandas frame.
    path:
        The file it came from, named in the error.

    Returns
    -------
    str
        The CRS as stored, e.g. ``"EPSG:3006"``.

    Raises
    ------
    InputError
        (a ``ValueError``) when ``attrs["crs"]`` is missing or empty.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"x": [1.0], "y": [2.0]})
    >>> frame.attrs["crs"] = "EPSG:3008"
    >>> frame_crs(frame)
    'EPSG:3008'
    >>> frame_crs(pd.DataFrame({"x": [1.0]}))
    Traceback (most recent call last):
    ...
    core.errors.InputError: Händelserna saknar koordinatsystem (attrs["crs"])....
    """
    attrs = getattr(frame, "attrs", None) or {}
    crs = attrs.get("crs")
    if not crs:
        raise InputError(
            'Händelserna saknar koordinatsystem (attrs["crs"]). Läs dem med geo.dataset.read_incidents eller '
            "importera filen med samsyn import (ange --crs om filen inte säger det).",
            path=path,
        )
    return str(crs)


def check_work_crs(code: str | None, *, path: str | None = None) -> str:
    """Return the working CRS as ``"EPSG:nnnn"``; refuse a geographic or non-metric one."""
    if code is None:
        return WORK_CRS
    work = normalise_crs(code, path=path, flag="--work-crs")
    crs = CRS.from_user_input(work)
    if crs.is_geographic:
        raise InputError(
            f"Arbets-koordinatsystemet {work} är geografiskt (grader). Välj ett projicerat system i meter, "
            "t.ex. EPSG:3006.",
            path=path,
        )
    units = {axis.unit_name for axis in crs.axis_info}
    if not units <= {"metre", "meter"}:
        raise InputError(
            f"Arbets-koordinatsystemet {work} har inte meter som enhet ({', '.join(sorted(units))}). "
            "Välj ett projicerat system i meter.",
            path=path,
        )
    return work


@lru_cache(maxsize=64)
def transformer(source: str, target: str) -> Transformer:
    """A cached ``Transformer`` with x = easting/longitude, y = northing/latitude."""
    return Transformer.from_crs(source, target, always_xy=True)


def transform(x: np.ndarray, y: np.ndarray, source: str, target: str) -> tuple[np.ndarray, np.ndarray]:
    """Transform coordinate arrays (vectorised); a no-op when the systems are equal."""
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    if source == target:
        return x, y
    tx, ty = transformer(source, target).transform(x, y)
    return np.asarray(tx, dtype="float64"), np.asarray(ty, dtype="float64")


def _within(x: np.ndarray, y: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    return (x >= box[0]) & (x <= box[2]) & (y >= box[1]) & (y <= box[3])


def _share_within(x: np.ndarray, y: np.ndarray, box: tuple[float, float, float, float]) -> float:
    if len(x) == 0:
        return 0.0
    return float(np.mean(_within(x, y, box)))


def _ranges_fit(x: np.ndarray, y: np.ndarray, xr: tuple[float, float], yr: tuple[float, float]) -> bool:
    # Most points must fit: a few bad rows (zeros, typos) are reported later
    # row by row and must not make the whole file unrecognisable.
    return _share_within(x, y, (xr[0], yr[0], xr[1], yr[1])) >= 0.9


def guess_crs(x: np.ndarray, y: np.ndarray, *, latlon_columns: bool = False) -> CrsGuess:
    """Guess the CRS of coordinates from their ranges.

    Parameters
    ----------
    x, y:
        Easting/longitude and northing/latitude values (NaN ignored).
    latlon_columns:
        True when the columns were named latitude/longitude, so only WGS84
        (straight or swapped) is considered.

    Returns
    -------
    CrsGuess
        ``crs`` None when nothing fits or the fit is ambiguous; ``note``
        tells the user why.

    Examples
    --------
    >>> guess_crs(np.array([674032.0]), np.array([6580821.0])).crs
    'EPSG:3006'
    >>> guess = guess_crs(np.array([59.33]), np.array([18.06]))
    >>> guess.crs, guess.swapped
    ('EPSG:4326', True)
    """
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    ok = np.isfinite(x) & np.isfinite(y) & ~((x == 0) & (y == 0))
    x, y = x[ok], y[ok]
    if len(x) == 0:
        return CrsGuess(None, note="inga giltiga koordinater att gissa koordinatsystem från")
    lon_r, lat_r = (SWEDEN_BBOX_WGS84[0], SWEDEN_BBOX_WGS84[2]), (SWEDEN_BBOX_WGS84[1], SWEDEN_BBOX_WGS84[3])
    if _ranges_fit(x, y, lon_r, lat_r):
        return CrsGuess(WGS84, note="gissat från värdena: longitud/latitud i Sverige")
    if _ranges_fit(y, x, lon_r, lat_r):
        return CrsGuess(WGS84, swapped=True, note="gissat från värdena: latitud och longitud var omkastade")
    if latlon_columns:
        return CrsGuess(None, note="kolumnerna heter latitud/longitud men värdena ligger inte i Sverige")
    north = (6_050_000.0, 7_750_000.0)
    for swapped, (a, b) in ((False, (x, y)), (True, (y, x))):
        if _ranges_fit(a, b, (250_000.0, 950_000.0), north):
            how = "x och y var omkastade; " if swapped else ""
            return CrsGuess(SWEREF99_TM, swapped=swapped,
                            note=f"gissat från värdena: {how}östlig 250 000–950 000 och nordlig 6,1–7,7 miljoner")
        if _ranges_fit(a, b, (1_150_000.0, 1_950_000.0), north):
            how = "x och y var omkastade; " if swapped else ""
            return CrsGuess(RT90, swapped=swapped,
                            note=f"gissat från värdena: {how}östlig 1,2–1,9 miljoner ser ut som RT 90 2.5 gon V; "
                                 "en annan RT 90-zon måste anges")
        if _ranges_fit(a, b, (0.0, 300_000.0), north):
            return CrsGuess(None, swapped=swapped,
                            note="östlig kring 150 000 ser ut som en lokal SWEREF 99-zon (EPSG:3007–3018), men "
                                 "zonerna kan inte skiljas åt från värdena")
    return CrsGuess(None, note="värdena passar inte WGS84, SWEREF 99 TM, RT 90 eller någon lokal SWEREF 99-zon")


def outside_area(x: np.ndarray, y: np.ndarray, work_crs: str) -> np.ndarray:
    """Mask of points (in ``work_crs``) outside the area the working CRS is meant for.

    For SWEREF 99 TM this is a generous bounding box of Sweden; for another
    working CRS, its EPSG area of use (with a 10 % margin).
    """
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    return ~_within(x, y, area_bbox(work_crs))


@lru_cache(maxsize=32)
def area_bbox(work_crs: str) -> tuple[float, float, float, float]:
    """Bounding box (in ``work_crs``) where points are accepted."""
    if work_crs == SWEREF99_TM:
        return SWEDEN_BBOX_3006
    area = CRS.from_user_input(work_crs).area_of_use
    if area is None:
        return (-np.inf, -np.inf, np.inf, np.inf)
    dx = (area.east - area.west) * 0.1
    dy = (area.north - area.south) * 0.1
    return transformer(WGS84, work_crs).transform_bounds(
        max(area.west - dx, -180), max(area.south - dy, -90), min(area.east + dx, 180), min(area.north + dy, 90)
    )


CRS_RULE: tuple[str, ...] = (
    "--crs",
    "latitude/longitude columns are WGS84",
    "the CRS the file declares",
    "a guess from the values (Swedish systems)",
    "the working CRS, when the values fit its area",
)


def utm_zone(lon: float, lat: float) -> str:
    """The WGS84 UTM zone (``"EPSG:326zz"`` north, ``"EPSG:327zz"`` south) that holds a position.

    >>> utm_zone(-79.38, 43.65)  # Toronto
    'EPSG:32617'
    >>> utm_zone(-123.1, 49.25)  # Vancouver
    'EPSG:32610'
    """
    zone = int(np.floor((lon + 180.0) / 6.0)) % 60 + 1
    return f"EPSG:{32600 + zone if lat >= 0 else 32700 + zone}"


def not_degrees(lon: np.ndarray, lat: np.ndarray) -> bool:
    """Tell whether latitude/longitude columns hold something other than degrees (most values out of range).

    >>> not_degrees(np.array([674032.0]), np.array([6580821.0]))
    True
    >>> not_degrees(np.array([-79.4]), np.array([43.7]))
    False
    """
    lon = np.asarray(lon, dtype="float64")
    lat = np.asarray(lat, dtype="float64")
    ok = np.isfinite(lon) & np.isfinite(lat)
    if not ok.any():
        return False
    # Either order may be valid degrees: swapped columns are put right later.
    inside = (np.abs(lon[ok]) <= 180) & (np.abs(lat[ok]) <= 180) & (np.minimum(np.abs(lon[ok]), np.abs(lat[ok])) <= 90)
    return float(np.mean(inside)) < 0.5


def none_inside_error(lon: np.ndarray, lat: np.ndarray, work_crs: str, *, source: str = WGS84,
                      **where) -> InputError:
    """The error for points of which none lies in the working CRS's area (``lon``/``lat`` in WGS84).

    It names the middle of the points. From latitude/longitude the system is certain, so the place must
    be elsewhere: the hint (``work_crs``) proposes the UTM zone that holds it. From x/y in ``source``
    a wrong system is the likelier cause (a local zone read as SWEREF 99 TM lands in the sea), so the
    hint is ``crs``. ``where`` (``path``, ``column``) locates it.
    """
    from core.formatting import number

    lon = np.asarray(lon, dtype="float64")
    lat = np.asarray(lat, dtype="float64")
    ok = np.isfinite(lon) & np.isfinite(lat)
    area = "Sverige" if work_crs == SWEREF99_TM else f"användningsområdet för {crs_name(work_crs)}"
    if source != WGS84:
        landed = ""
        if ok.any():
            mid_lon, mid_lat = float(np.median(lon[ok])), float(np.median(lat[ok]))
            landed = (f"; de hamnar kring {number(abs(mid_lat), 2)}° {'N' if mid_lat >= 0 else 'S'}, "
                      f"{number(abs(mid_lon), 2)}° {'Ö' if mid_lon >= 0 else 'V'}")
        return InputError(f"ingen av punkterna ligger i {area} när koordinaterna läses som {crs_name(source)}{landed}. "
                          "Kontrollera filens koordinatsystem.", hint="crs", **where)
    if not ok.any():
        return InputError(f"ingen av punkterna ligger i {area}.", **where)
    mid_lon, mid_lat = float(np.median(lon[ok])), float(np.median(lat[ok]))
    middle = (f"{number(abs(mid_lat), 2)}° {'N' if mid_lat >= 0 else 'S'}, "
              f"{number(abs(mid_lon), 2)}° {'Ö' if mid_lon >= 0 else 'V'}")
    zone = utm_zone(mid_lon, mid_lat)
    return InputError(f"ingen av punkterna ligger i {area}; de ligger kring {middle}. Gäller filen ett annat "
                      f"område behövs ett arbets-koordinatsystem där, t.ex. {zone} ({CRS.from_user_input(zone).name}).",
                      hint="work_crs", hint_args={"zone": zone}, **where)
