"""Subcommands ``hotspots``, ``density`` and ``followup``.

``hotspots`` writes every grid cell with its Gi* z, analytic p, FDR-adjusted p
and class (GeoJSON in WGS84 as RFC 7946 asks, GeoPackage in the working CRS).
``density`` writes a kernel-density raster as ``.npz`` (array + georeference),
``.tif`` (float32 GeoTIFF written with Pillow) or ``.png`` (a coloured overlay
with a ``.pgw`` world file). ``followup`` runs the WDD test and writes JSON.
"""

from __future__ import annotations

import argparse
import json
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from cli.common import add_filter_arguments, atomic_output, filtered_incidents
from core.errors import InputError

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry.base import BaseGeometry

    from analysis.density import DensityRaster

# numpy, pandas, shapely and analysis/ are imported inside the handlers: building the
# parser (every ``samsyn`` call) must not pay for them.

# --- input -------------------------------------------------------------------------


def _filtered(args: argparse.Namespace, *, use_dates: bool = True) -> pd.DataFrame:
    import numpy as np

    subset = filtered_incidents(args, dates=use_dates)
    x = subset["x"].to_numpy(dtype=float)
    y = subset["y"].to_numpy(dtype=float)
    result = subset[np.isfinite(x) & np.isfinite(y)]
    result.attrs = dict(subset.attrs)
    return result


def _read_areas(path: str, crs: str) -> gpd.GeoDataFrame:
    """The areas in ``path``, in the incidents' working CRS ``crs``."""
    from geo import dataset

    if not Path(path).exists():
        raise InputError("Filen finns inte.", path=path)
    try:
        return dataset.read_areas(path, work_crs=crs)
    except InputError:
        raise
    except (OSError, ValueError) as error:
        raise InputError(f"Kunde inte läsa områdena ({error}).", path=path) from error


def _check_suffix(path: str, allowed: tuple[str, ...]) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in allowed:
        raise InputError(f"Utdata måste sluta på {' eller '.join(allowed)}.", path=path)
    return suffix


def _fmt(number: float) -> str:
    return f"{number:,.0f}".replace(",", "\u00a0")


# --- hotspots ------------------------------------------------------------------------


def _hotspots(args: argparse.Namespace) -> int:
    from analysis.hotspots import hotspot_stability, hotspots, parse_neighbours
    from geo.crs import frame_crs

    suffix = _check_suffix(args.out, (".geojson", ".gpkg"))
    try:
        neighbours = parse_neighbours(args.neighbours)
    except ValueError as error:
        raise InputError(str(error)) from error
    if not args.cell > 0:
        raise InputError("Cellstorleken (--cell) måste vara större än 0 meter.")
    if not 0 < args.alpha < 1:
        raise InputError("--alpha måste ligga mellan 0 och 1, t.ex. 0.05.")
    incidents = _filtered(args)
    extent = _read_areas(args.areas, frame_crs(incidents, path=args.incidents)) if args.areas else None
    if len(incidents) == 0 and extent is None:
        raise InputError("Inga händelser kvar efter filtren.", path=args.incidents)
    try:
        cells = hotspots(incidents, cell=args.cell, alpha=args.alpha, neighbours=neighbours, extent=extent)
        stability = (
            hotspot_stability(incidents, cells=(args.cell / 2, args.cell * 2), reference=args.cell,
                              level=args.alpha, neighbours=neighbours, extent=extent)
            if not args.no_stability else None
        )
    except ValueError as error:
        raise InputError(str(error)) from error
    out = cells.copy()
    out["class"] = out["class"].astype(str)
    with atomic_output(args.out) as tmp:
        if suffix == ".gpkg":
            out.to_file(tmp, driver="GPKG", layer="hotspots", engine="pyogrio")
        else:
            # RFC 7946: GeoJSON is WGS84; web maps and other tools expect it.
            out.to_crs("EPSG:4326").to_file(tmp, driver="GeoJSON", engine="pyogrio")
    classes = cells["class"].value_counts()
    print(
        f"{_fmt(len(cells))} rutor à {args.cell:g} m, {_fmt(cells.attrs['n_incidents'])} händelser "
        f"(Gi*, grannskap {cells.attrs['neighbours']}, analytiskt p med FDR-korrektion)."
    )
    print(
        f"Hot spots: {int(classes.get('hot99', 0))} rutor med 99 % säkerhet och "
        f"{int(classes.get('hot95', 0))} med 95 % säkerhet; cold spots: "
        f"{int(classes.get('cold99', 0) + classes.get('cold95', 0))} rutor (95 % eller mer)."
    )
    if stability is not None:
        print(stability.attrs["summary_sv"])
    print(f"Skrev {args.out}.")
    return 0


# --- density -------------------------------------------------------------------------

# A light-to-dark yellow–orange–red ramp (ColorBrewer YlOrRd anchors), so no matplotlib is needed.
_RAMP = (
    (255, 255, 204), (255, 237, 160), (254, 217, 118), (254, 178, 76), (253, 141, 60),
    (252, 78, 42), (227, 26, 28), (189, 0, 38), (128, 0, 38),
)


def _png(raster: DensityRaster, path: Path) -> None:
    import numpy as np
    from PIL import Image

    ramp = np.array(_RAMP, dtype=float)
    values = raster.values
    top = float(np.percentile(values[values > 0], 99.5)) if (values > 0).any() else 1.0
    scaled = np.clip(values / top, 0, 1)
    position = scaled * (len(ramp) - 1)
    low = np.floor(position).astype(int).clip(0, len(ramp) - 2)
    frac = (position - low)[..., None]
    rgb = ramp[low] * (1 - frac) + ramp[low + 1] * frac
    # Transparent where the density is below 2 % of the colour scale, so the map shows through.
    alpha = np.where(scaled < 0.02, 0, 90 + 140 * np.sqrt(scaled)).clip(0, 230)
    rgba = np.dstack([rgb, alpha]).round().astype(np.uint8)
    Image.fromarray(rgba, mode="RGBA").save(path, format="PNG")


def _world_file(raster: DensityRaster) -> str:
    """ESRI world file: pixel size, rotation, and the centre of the upper-left pixel."""
    xmin, _, _, ymax = raster.extent
    c = raster.cell
    return "\n".join(f"{v:.6f}" for v in (c, 0.0, 0.0, -c, xmin + c / 2, ymax - c / 2)) + "\n"


def _geotiff(raster: DensityRaster, path: Path) -> None:
    import numpy as np
    from PIL import Image, TiffImagePlugin, TiffTags

    image = Image.fromarray(raster.values.astype(np.float32))
    tags = TiffImagePlugin.ImageFileDirectory_v2()
    xmin, _, _, ymax = raster.extent
    tags[33550] = (raster.cell, raster.cell, 0.0)  # ModelPixelScale
    tags.tagtype[33550] = TiffTags.DOUBLE
    tags[33922] = (0.0, 0.0, 0.0, xmin, ymax, 0.0)  # ModelTiepoint: pixel (0, 0) corner -> map
    tags.tagtype[33922] = TiffTags.DOUBLE
    keys = [1, 1, 0, 3, 1024, 0, 1, 1, 1025, 0, 1, 1, 3076, 0, 1, 9001]  # projected, PixelIsArea, metre
    if raster.crs.upper().startswith("EPSG:"):
        keys[3] = 4
        keys += [3072, 0, 1, int(raster.crs.split(":")[1])]  # ProjectedCSType
    tags[34735] = tuple(keys)  # GeoKeyDirectory
    tags.tagtype[34735] = TiffTags.SHORT
    tags[270] = f"Täthet ({raster.units}), bandbredd {raster.bandwidth:.0f} m"  # ImageDescription
    image.save(path, format="TIFF", tiffinfo=tags)


def _density(args: argparse.Namespace) -> int:
    import numpy as np

    from analysis.density import density_surface, place_points
    from geo.crs import frame_crs

    suffix = _check_suffix(args.out, (".npz", ".tif", ".tiff", ".png"))
    if not args.cell > 0:
        raise InputError("Cellstorleken (--cell) måste vara större än 0 meter.")
    if args.bandwidth is not None and not args.bandwidth > 0:
        raise InputError("Bandbredden (--bandwidth) måste vara större än 0 meter.")
    incidents = _filtered(args)
    if len(incidents) == 0:
        raise InputError("Inga händelser kvar efter filtren.", path=args.incidents)
    crs = frame_crs(incidents, path=args.incidents)
    x, y, _ = place_points(incidents)  # a kommun's centroid is no peak (geo.stacked)
    if not len(x):
        raise InputError(f"Ingen av de {len(incidents)} händelserna har en position som är en plats (de ligger på en "
                         "mittpunkt eller saknar position); det finns ingen täthet att beräkna.", path=args.incidents)
    try:
        raster = density_surface(x, y, cell=args.cell, bandwidth=args.bandwidth, crs=crs)
    except ValueError as error:
        raise InputError(str(error)) from error
    if raster.values.size > 50_000_000:
        raise InputError("Rastret blir för stort; välj en större cellstorlek (--cell).")
    with atomic_output(args.out) as tmp:
        if suffix == ".npz":
            with open(tmp, "wb") as handle:
                np.savez_compressed(
                    handle, values=raster.values.astype(np.float32), transform=np.array(raster.transform),
                    extent=np.array(raster.extent), cell=raster.cell, bandwidth=raster.bandwidth,
                    crs=raster.crs, units=raster.units, bandwidth_rule=raster.bandwidth_rule,
                )
        elif suffix == ".png":
            _png(raster, tmp)
        else:
            _geotiff(raster, tmp)
    if suffix == ".png":
        with atomic_output(Path(args.out).with_suffix(".pgw")) as tmp:
            tmp.write_text(_world_file(raster), encoding="ascii")
    ny, nx = raster.shape
    print(
        f"Täthetsyta {nx}×{ny} pixlar à {raster.cell:g} m av {_fmt(len(incidents))} händelser; "
        f"bandbredd {raster.bandwidth:.0f} m ({raster.bandwidth_rule}); enhet {raster.units}; "
        f"högsta värde {raster.values.max():.0f}."
    )
    print(f"Skrev {args.out}.")
    return 0


# --- followup ------------------------------------------------------------------------


def _period(text: str, option: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    import pandas as pd

    parts = text.split(":")
    bad = InputError(f"Ogiltig period för {option}: '{text}'. Skriv ÅÅÅÅ-MM-DD:ÅÅÅÅ-MM-DD, t.ex. 2023-05-01:2023-10-31.")
    if len(parts) != 2:
        raise bad
    try:
        start, end = (pd.Timestamp(p.strip()) for p in parts)
    except (TypeError, ValueError) as error:
        raise bad from error
    if pd.isna(start) or pd.isna(end):
        raise bad
    if end < start:
        raise InputError(f"I {option} ligger slutdatum {end:%Y-%m-%d} före startdatum {start:%Y-%m-%d}.")
    return start, end


def _polygon(spec: str | None, areas: gpd.GeoDataFrame | None, option: str, crs: str) -> BaseGeometry | None:
    """A polygon from a file (all features dissolved) or an area id in ``--areas``."""
    import numpy as np
    import shapely

    if spec is None:
        return None
    if Path(spec).is_file():
        frame = _read_areas(spec, crs)
        geometry = shapely.union_all(np.asarray(frame.geometry.values))
    elif areas is not None:
        match = areas[areas["area_id"].astype(str) == spec]
        if match.empty:
            raise InputError(
                f"Okänt område '{spec}' för {option}: ingen sådan fil och inget område med det id:t i --areas."
            )
        geometry = shapely.union_all(np.asarray(match.geometry.values))
    else:
        raise InputError(f"Filen för {option} finns inte: '{spec}'. Ange en polygonfil eller ett id tillsammans med --areas.")
    if geometry.is_empty or geometry.area <= 0:
        raise InputError(f"Området för {option} har ingen yta.")
    return geometry


def _followup(args: argparse.Namespace) -> int:
    from analysis.followup import followup
    from geo.crs import frame_crs

    _check_suffix(args.out, (".json",))
    before = _period(args.before, "--before")
    after = _period(args.after, "--after")
    if args.displacement_buffer is not None and not args.displacement_buffer > 0:
        raise InputError("--displacement-buffer måste vara större än 0 meter.")
    if args.start or args.end:
        # The periods choose the dates; --from/--to would cut them silently.
        raise InputError("followup använder inte --from/--to; ange perioderna med --before och --after.")
    incidents = _filtered(args, use_dates=False)
    crs = frame_crs(incidents, path=args.incidents)
    areas = _read_areas(args.areas, crs) if args.areas else None
    target = _polygon(args.target, areas, "--target", crs)
    control = _polygon(args.control, areas, "--control", crs)
    displacement = _polygon(args.displacement, areas, "--displacement", crs)
    displacement_control = _polygon(args.displacement_control, areas, "--displacement-control", crs)
    label = " och ".join(c.lower() for c in args.category) if args.category else None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        result = followup(
            incidents, target=target, control=control, displacement=displacement,
            displacement_buffer=args.displacement_buffer, displacement_control=displacement_control,
            before=before, after=after, label=label,
        )
    data = result.to_dict()
    data["input"] = {
        "incidents": str(args.incidents),
        "categories": args.category,
        "sources": args.source,
        "target": args.target,
        "control": args.control,
        "displacement": args.displacement,
        "displacement_control": args.displacement_control,
    }
    with atomic_output(args.out) as tmp:
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    for warning in caught:
        print(f"Varning: {warning.message}")
    print(result.summary_sv)
    for note in result.notes_sv:
        if not any(str(w.message) == note for w in caught):
            print(f"Obs: {note}")
    print(f"Skrev {args.out}.")
    return 0


# --- registration --------------------------------------------------------------------


def register(subparsers: argparse._SubParsersAction) -> None:
    """Register ``hotspots``, ``density`` and ``followup``."""
    p = subparsers.add_parser(
        "hotspots", help="hot spots med Getis-Ord Gi* i ett rutnät",
        description="Getis-Ord Gi* på antal händelser per ruta. Varje ruta får z, analytiskt p, FDR-korrigerat p "
                    "(Benjamini–Hochberg) och en klass hot99/hot95/hot90/none/cold90/cold95/cold99. "
                    "GeoJSON skrivs i WGS84, GeoPackage i arbets-CRS.",
    )
    p.add_argument("incidents", metavar="HÄNDELSER", help="händelsefil (från samsyn import, eller CSV/Excel)")
    p.add_argument("--cell", type=float, default=100.0, metavar="METER", help="rutans sida i meter (standard: 100)")
    p.add_argument("--alpha", type=float, default=0.05, help="FDR-nivå för sammanfattningen (standard: 0.05)")
    p.add_argument("--neighbours", default="queen", metavar="queen|rook|distance:METER",
                   help="grannskap: queen (8 grannar, standard), rook (4) eller distance:R (alla rutor inom R meter)")
    p.add_argument("--areas", metavar="OMRÅDEN", help="studera bara rutor som skär dessa områden")
    p.add_argument("--no-stability", action="store_true", help="hoppa över jämförelsen med halva/dubbla rutstorleken")
    add_filter_arguments(p)
    p.add_argument("--out", required=True, metavar="UT.geojson|UT.gpkg", help="fil att skriva")
    p.set_defaults(handler=_hotspots)

    p = subparsers.add_parser(
        "density", help="täthetsyta (kernel density) för kartan",
        description="Gaussisk kärntäthet i händelser per km². Utan --bandwidth väljs bandbredden med "
                    "normalreferensregeln σ·n^(-1/6), begränsad till 50–500 m. Format: .npz (värden och "
                    "georeferens), .tif (GeoTIFF, float32) eller .png (färgad bild med .pgw-världsfil).",
    )
    p.add_argument("incidents", metavar="HÄNDELSER", help="händelsefil (från samsyn import, eller CSV/Excel)")
    p.add_argument("--cell", type=float, default=25.0, metavar="METER", help="pixelstorlek i meter (standard: 25)")
    p.add_argument("--bandwidth", type=float, metavar="METER", help="kärnans standardavvikelse i meter")
    add_filter_arguments(p)
    p.add_argument("--out", required=True, metavar="UT.npz|UT.tif|UT.png", help="fil att skriva")
    p.set_defaults(handler=_density)

    p = subparsers.add_parser(
        "followup", help="effektuppföljning med WDD-testet",
        description="Weighted displacement difference-testet (Wheeler & Ratcliffe 2018): jämför förändringen i "
                    "målområdet med ett kontrollområde, och undanträngning till området runt omkring. Områden "
                    "anges som polygonfiler (alla objekt slås ihop) eller som id i --areas. Datumen i perioderna "
                    "räknas till och med slutdatum.",
    )
    p.add_argument("incidents", metavar="HÄNDELSER", help="händelsefil (från samsyn import, eller CSV/Excel)")
    p.add_argument("--target", required=True, metavar="OMRÅDE", help="målområde: polygonfil eller id i --areas")
    p.add_argument("--control", required=True, metavar="OMRÅDE", help="kontrollområde: polygonfil eller id")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--displacement", metavar="OMRÅDE", help="område för undanträngning: polygonfil eller id")
    group.add_argument("--displacement-buffer", type=float, metavar="METER",
                       help="undanträngningsområde som en ring med denna bredd runt målområdet")
    p.add_argument("--displacement-control", metavar="OMRÅDE",
                   help="kontroll för undanträngningsområdet (standard: kontrollområdet)")
    p.add_argument("--before", required=True, metavar="FRÅN:TILL", help="förperiod, t.ex. 2023-05-01:2023-10-31")
    p.add_argument("--after", required=True, metavar="FRÅN:TILL", help="efterperiod, t.ex. 2024-05-01:2024-10-31")
    p.add_argument("--areas", metavar="OMRÅDEN", help="områdesfil där --target/--control … kan anges som id")
    add_filter_arguments(p)
    p.add_argument("--out", required=True, metavar="UT.json", help="JSON-fil att skriva")
    p.set_defaults(handler=_followup)
