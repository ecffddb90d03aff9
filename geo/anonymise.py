"""Anonymisation at the door: personnummer detection, keyed id hashes, coarse positions.

A document handed from the police to the kommun becomes public, so nothing
that identifies a person may pass the importer (README.md, "Secrecy").
Only data-model columns are kept (the importer drops the rest); this module
refuses files whose kept values hold personnummer, replaces ids by keyed
hashes and can coarsen positions.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from geo.columns import contains_regex

SALT_ENV = "SAMSYN_ID_SALT"

# YYMMDD-XXXX, YYMMDD+XXXX, YYYYMMDD-XXXX, YYYYMMDDXXXX. A bare ten-digit
# number (YYMMDDXXXX) is left out on purpose: too many ordinary numbers match.
# A cheap first pass (RE2-compatible, run by Arrow on the whole column), then
# the exact check with Luhn and date on the few candidates.
_CANDIDATE = r"(?:^|\D)(?:\d{6}[-+]\d{4}|\d{8}-\d{4}|(?:18|19|20)\d{10})(?:\D|$)"
_EXTRACT = r"(?<![\d])(?:(?P<cc>\d{2})(?=\d{6}-?\d{4}(?!\d)))?(?P<yymmdd>\d{6})[-+]?(?P<serial>\d{4})(?!\d)"


def _luhn_ok(ten_digits: np.ndarray) -> np.ndarray:
    """Luhn check of 10-digit strings (YYMMDDNNNC), vectorised."""
    digits = np.frombuffer("".join(ten_digits).encode("ascii"), dtype=np.uint8).reshape(-1, 10) - 48
    weights = np.array([2, 1, 2, 1, 2, 1, 2, 1, 2], dtype=np.int64)
    products = digits[:, :9].astype(np.int64) * weights
    total = (products // 10 + products % 10).sum(axis=1)
    return (10 - total % 10) % 10 == digits[:, 9]


def _plausible_date(yymmdd: np.ndarray) -> np.ndarray:
    month = np.array([int(s[2:4]) for s in yymmdd])
    day = np.array([int(s[4:6]) for s in yymmdd])
    day = np.where(day > 60, day - 60, day)  # samordningsnummer add 60 to the day
    return (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31)


def personnummer_mask(values: pd.Series) -> np.ndarray:
    """Mask of values that contain a plausible Swedish personnummer (or samordningsnummer).

    Only distinct values are examined, and only those a cheap regex flags.

    Examples
    --------
    >>> personnummer_mask(pd.Series(["811218-9876", "811218-9875", "5000-K123456-24", "19811218-9876"])).tolist()
    [True, False, False, True]
    """
    if len(values) == 0 or pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_datetime64_any_dtype(
        values.dtype
    ):
        if pd.api.types.is_integer_dtype(values.dtype) or pd.api.types.is_float_dtype(values.dtype):
            # A 12-digit YYYYMMDDNNNC stored as a number.
            numbers = values.dropna()
            big = numbers[(numbers >= 180001010000) & (numbers < 210000000000)]
            if len(big) == 0:
                return np.zeros(len(values), dtype=bool)
            values = values.astype("str").str.replace(r"\.0$", "", regex=True)
        else:
            return np.zeros(len(values), dtype=bool)
    text = values.astype("str")
    candidate = contains_regex(values, _CANDIDATE)
    out = np.zeros(len(values), dtype=bool)
    if not candidate.any():
        return out
    distinct = pd.Series(text[candidate].unique(), dtype=object)
    hit = np.zeros(len(distinct), dtype=bool)
    found = distinct.str.extractall(_EXTRACT)
    if len(found):
        yymmdd = found["yymmdd"].to_numpy(dtype=str)
        serial = found["serial"].to_numpy(dtype=str)
        century = found["cc"].fillna("").to_numpy(dtype=str)
        ok = _luhn_ok(np.char.add(yymmdd, serial)) & _plausible_date(yymmdd)
        ok &= np.isin(century, ["", "18", "19", "20"])
        owners = np.unique(found.index.get_level_values(0)[ok])
        hit[owners] = True
    flagged = set(distinct[hit])
    out[candidate] = text[candidate].isin(flagged).to_numpy()
    return out


def id_salt(salt: str | None = None) -> tuple[str, str]:
    """Return the salt to use and where it came from (``"--salt"``, the env variable, or random)."""
    if salt:
        return salt, "--salt"
    env = os.environ.get(SALT_ENV)
    if env:
        return env, SALT_ENV
    return secrets.token_hex(16), "slumpat"


def hash_ids(values: pd.Series, salt: str) -> np.ndarray:
    """Replace ids by keyed 64-bit hashes written as 16 hex digits (vectorised SipHash).

    The same id and salt give the same hash; without the salt the original
    id cannot be recovered or linked to another import's hash.

    >>> a = hash_ids(pd.Series(["5000-K123456-24", "x"]), "hemligt")
    >>> b = hash_ids(pd.Series(["5000-K123456-24"]), "hemligt")
    >>> a[0] == b[0], len(a[0]), a[0] == hash_ids(pd.Series(["5000-K123456-24"]), "annat")[0]
    (True, 16, False)
    """
    return hex_ids(id_keys(values, salt))


def id_keys(values: pd.Series, salt: str) -> np.ndarray:
    """The keyed SipHash of every id as ``uint64`` (what :func:`hash_ids` writes in hex).

    Equal ids have equal keys, so duplicates can be counted on the integers
    rather than on a million hex strings.
    """
    key = hashlib.blake2b(salt.encode("utf-8"), digest_size=8).hexdigest()  # 16 characters, as SipHash needs
    text = values.astype("str").str.strip()
    # categorize=False: ids are mostly distinct, so factorizing first only costs time.
    return pd.util.hash_pandas_object(text, index=False, hash_key=key, categorize=False).to_numpy(dtype=np.uint64)


def hex_ids(keys: np.ndarray) -> np.ndarray:
    """``uint64`` keys as 16 hex digits each."""
    hexed = np.asarray(keys, dtype=np.uint64).astype(">u8").tobytes().hex()
    return np.frombuffer(hexed.encode("ascii"), dtype="S16").astype(str)


def hex_id_array(keys: np.ndarray, missing: np.ndarray | None = None) -> pd.api.extensions.ExtensionArray:
    """The same 16 hex digits as :func:`hex_ids`, as a pandas ``string`` array (missing where ``missing``).

    Built in Arrow from one byte buffer: a million ids cost a few hundredths of a second here,
    against most of a second through a million Python strings.

    >>> hex_id_array(np.array([1, 255], dtype=np.uint64), np.array([False, True])).tolist()
    ['0000000000000001', <NA>]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    keys = np.asarray(keys, dtype=np.uint64)
    hexed = keys.astype(">u8").tobytes().hex().encode("ascii")
    text = pa.FixedSizeBinaryArray.from_buffers(pa.binary(16), len(keys), [None, pa.py_buffer(hexed)]).cast(pa.string())
    if missing is not None and np.any(missing):
        text = pc.if_else(pa.array(np.asarray(missing, dtype=bool)), pa.scalar(None, pa.string()), text)
    return pd.array(text, dtype="string")


def sequential_ids(n: int) -> np.ndarray:
    """Opaque ids ``1 … n`` for files without an id column."""
    return np.arange(1, n + 1).astype(str)


def snap_to_grid(x: np.ndarray, y: np.ndarray, cell: float) -> tuple[np.ndarray, np.ndarray]:
    """Move points to the centre of their cell in a grid aligned to multiples of ``cell`` metres.

    >>> snap_to_grid(np.array([674032.0]), np.array([6580821.0]), 50)
    (array([674025.]), array([6580825.]))
    """
    return (np.floor(x / cell) * cell + cell / 2, np.floor(y / cell) * cell + cell / 2)


def snap_to_places(
    x: np.ndarray, y: np.ndarray, places_path: str | Path, *, max_distance: float, work_crs: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Move points to the nearest micro-place within ``max_distance`` metres.

    A point place is the target itself; a polygon place's target is its
    centroid (or a point inside it when the centroid falls outside).

    Returns
    -------
    x, y, snapped:
        New coordinates and a mask of the points that were moved; the others
        are returned unchanged.
    """
    # geo.areas, not geo.dataset: the dataset layer calls the importer, which calls this module.
    from geo.areas import read_areas_report

    places, _report = read_areas_report(places_path, work_crs=work_crs)
    geometries = places.geometry.to_numpy()
    targets = shapely.centroid(geometries)
    inside = shapely.contains(geometries, targets) | (shapely.get_type_id(geometries) == 0)
    targets = np.where(inside, targets, shapely.point_on_surface(geometries))
    tx, ty = shapely.get_x(targets), shapely.get_y(targets)
    tree = shapely.STRtree(geometries)
    points = shapely.points(x, y)
    source_idx, place_idx = tree.query_nearest(points, max_distance=max_distance, all_matches=False)
    new_x, new_y = np.array(x, dtype="float64", copy=True), np.array(y, dtype="float64", copy=True)
    new_x[source_idx] = tx[place_idx]
    new_y[source_idx] = ty[place_idx]
    snapped = np.zeros(len(x), dtype=bool)
    snapped[source_idx] = True
    return new_x, new_y, snapped
