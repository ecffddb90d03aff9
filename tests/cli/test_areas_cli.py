"""``samsyn aggregate / grid / places / concentration``.

One test runs the command in a subprocess as a user would; the rest call
``cli.main`` in-process (the same parser and error handling) to stay fast.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from cli import main
from geo.dataset import incident_frame, write_incidents

X0, Y0 = 601_000.0, 6_540_000.0


@pytest.fixture()
def samsyn(capsys):
    """Run ``samsyn`` in-process; return (exit code, stdout, stderr)."""

    def _run(*args):
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return _run


@pytest.fixture()
def files(tmp_path):
    """Four districts in a 2 × 2 km square, 2 000 incidents (some outside), a place file and streets."""
    rng = np.random.default_rng(3)
    n = 2000
    frame = pd.DataFrame({
        "id": [f"h{i}" for i in range(n)],
        "category": rng.choice(["Klotter", "Cykelstöld"], n),
        "occurred_from": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 24 * 365, n), unit="h"),
        "x": rng.uniform(X0 - 200, X0 + 2200, n),
        "y": rng.uniform(Y0, Y0 + 2000, n),
        "source": rng.choice(["polis", "kommun"], n),
        "place_type": "utomhus",
    })
    incidents = tmp_path / "incidents.parquet"
    write_incidents(incident_frame(frame), incidents)
    boxes = [shapely.box(X0 + i * 1000, Y0 + j * 1000, X0 + (i + 1) * 1000, Y0 + (j + 1) * 1000)
             for j in range(2) for i in range(2)]
    areas = tmp_path / "areas.geojson"
    gpd.GeoDataFrame({"kod": ["SV", "SO", "NV", "NO"], "namn": ["Sydväst", "Sydost", "Nordväst", "Nordost"],
                      "befolkning": [1000, 2000, 0, 4000]},
                     geometry=boxes, crs="EPSG:3006").to_crs("EPSG:4326").to_file(areas)
    places = tmp_path / "places.geojson"
    gpd.GeoDataFrame({"id": ["torg", "skola"], "name": ["Torget", "Skolan"], "radius_m": [None, 100.0]},
                     geometry=[shapely.box(X0 + 900, Y0 + 900, X0 + 1100, Y0 + 1100),
                               shapely.Point(X0 + 1000, Y0 + 1000)], crs="EPSG:3006").to_file(places)
    streets = tmp_path / "streets.geojson"
    gpd.GeoDataFrame({"id": ["Storgatan", "Kyrkvägen"]},
                     geometry=[shapely.LineString([(X0, Y0 + 500), (X0 + 2000, Y0 + 500)]),
                               shapely.LineString([(X0 + 500, Y0), (X0 + 500, Y0 + 2000)])],
                     crs="EPSG:3006").to_file(streets)
    return {"frame": frame, "incidents": incidents, "areas": areas, "places": places, "streets": streets,
            "boxes": boxes}


def test_aggregate_writes_long_csv_with_outside_rows(run_cli, files, tmp_path):
    out = tmp_path / "out" / "per_area.csv"
    done = run_cli("aggregate", files["incidents"], "--areas", files["areas"], "--out", out)
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(out, dtype={"area_id": "string"})
    assert list(table.columns) == ["area_id", "category", "count", "rate_per_1000", "rate_eb_per_1000"]
    frame = files["frame"]
    inside = frame["x"].between(X0, X0 + 2000)
    expected_sv = ((frame["x"] < X0 + 1000) & (frame["x"] > X0) & (frame["y"] < Y0 + 1000)
                   & (frame["category"] == "Klotter")).sum()
    row = table[(table["area_id"] == "SV") & (table["category"] == "Klotter")].iloc[0]
    assert row["count"] == expected_sv
    assert row["rate_per_1000"] == pytest.approx(expected_sv / 1000 * 1000)
    assert table.loc[table["area_id"].isna(), "count"].sum() == (~inside).sum()
    assert table["count"].sum() == len(frame)
    assert f"{(~inside).sum()} av 2\u00a0000 händelser" in done.stdout and "utanför alla områden" in done.stdout
    # Empirical Bayes per category (Marshall), worked here from the counts; Nordväst has no inhabitants.
    klotter = table[table["category"].eq("Klotter") & table["area_id"].isin(["SV", "SO", "NO"])]
    e = klotter.set_index("area_id").loc[["SV", "SO", "NO"], "count"].to_numpy(dtype=float)
    b = np.array([1000.0, 2000.0, 4000.0])
    theta = e.sum() / b.sum()
    s2 = max((b * (e / b - theta) ** 2).sum() / b.sum() - theta / b.mean(), 0.0)
    w = s2 / (s2 + theta / b)
    smoothed = klotter.set_index("area_id").loc[["SV", "SO", "NO"], "rate_eb_per_1000"].to_numpy()
    assert smoothed == pytest.approx((w * e / b + (1 - w) * theta) * 1000)
    assert table.loc[table["area_id"].eq("NV").fillna(False), "rate_eb_per_1000"].isna().all()


def test_aggregate_by_month_with_filters(samsyn, files, tmp_path):
    out = tmp_path / "month.csv"
    code, _, err = samsyn("aggregate", files["incidents"], "--areas", files["areas"], "--area-id", "kod", "--by",
                          "month", "--category", "Klotter", "--from", "2024-03-01", "--to", "2024-03-31", "--out", out)
    assert code == 0, err
    table = pd.read_csv(out)
    assert set(table["month"]) == {"2024-03"}
    frame = files["frame"]
    march = frame[(frame["category"] == "Klotter") & (frame["occurred_from"].dt.strftime("%Y-%m") == "2024-03")]
    assert table["count"].sum() == len(march)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--areas", "saknas.geojson"), "finns inte"),
        (("--areas", "{areas}", "--area-id", "finns_ej"), "finns_ej"),
        (("--areas", "{areas}", "--by", "category", "--category", "Ingen sådan"), "Inga händelser"),
        (("--areas", "{places}"), "polygoner"),
    ],
)
def test_aggregate_bad_input_exit_2_and_no_output(samsyn, files, tmp_path, args, message):
    out = tmp_path / "never.csv"
    args = [a.format(areas=files["areas"], places=files["places"]) for a in args]
    code, _, err = samsyn("aggregate", files["incidents"], *args, "--out", out)
    assert code == 2
    assert err.startswith("Fel: ") and message in err
    assert not out.exists() and not list(tmp_path.glob(".never*"))


def test_grid_squares_and_hexagons(samsyn, files, tmp_path):
    out = tmp_path / "cells.gpkg"
    code, _, err = samsyn("grid", files["incidents"], "--cell", "500", "--out", out)
    assert code == 0, err
    cells = gpd.read_file(out)
    assert list(cells.columns) == ["cell_id", "count", "geometry"] and cells.crs.to_epsg() == 3006
    assert (cells["count"] > 0).all() and cells["count"].sum() == 2000
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(files["frame"]["x"], files["frame"]["y"]), crs=3006)
    expected = gpd.sjoin(points, cells, predicate="within").groupby("cell_id").size()
    assert cells.set_index("cell_id")["count"].sort_index().tolist() == expected.sort_index().tolist()

    everything = tmp_path / "all.geojson"
    assert samsyn("grid", files["incidents"], "--cell", "500", "--all", "--out", everything)[0] == 0
    assert gpd.read_file(everything).crs.to_epsg() == 4326

    hexes = tmp_path / "hex.gpkg"
    code, _, err = samsyn("grid", files["incidents"], "--cell", "200", "--shape", "hex", "--out", hexes)
    assert code == 0, err
    hex_cells = gpd.read_file(hexes)
    assert hex_cells["cell_id"].str.startswith("hex200m_").all() and hex_cells["count"].sum() == 2000

    bad = tmp_path / "cells.txt"
    assert samsyn("grid", files["incidents"], "--out", bad)[0] == 2 and not bad.exists()


def test_places_polygons_points_and_segments(samsyn, files, tmp_path):
    out = tmp_path / "places.csv"
    code, stdout, err = samsyn("places", files["incidents"], "--places", files["places"], "--out", out)
    assert code == 0, err
    table = pd.read_csv(out).set_index("area_id")
    x, y = files["frame"]["x"], files["frame"]["y"]
    square = (x.between(X0 + 900, X0 + 1100) & y.between(Y0 + 900, Y0 + 1100)).sum()
    circle = (np.hypot(x - X0 - 1000, y - Y0 - 1000) <= 100).sum()
    assert table.loc["torg", "count"] == square and table.loc["skola", "count"] == circle
    assert "flera överlappande platser" in stdout

    out = tmp_path / "segments.csv"
    code, stdout, err = samsyn("places", files["incidents"], "--places", files["streets"], "--distance", "30",
                               "--out", out)
    assert code == 0, err
    table = pd.read_csv(out).set_index("area_id")
    streets = gpd.read_file(files["streets"])
    points = shapely.points(x.to_numpy(), y.to_numpy())
    distance = shapely.distance(points[:, None], np.asarray(streets.geometry.values)[None, :])
    near = distance.min(axis=1) <= 30
    first = distance.argmin(axis=1)
    assert table["count"].tolist() == np.bincount(first[near], minlength=2).tolist()
    assert "längre än 30 m" in stdout

    out = tmp_path / "split.csv"
    assert samsyn("places", files["incidents"], "--places", files["streets"], "--split", "--out", out)[0] == 0
    assert len(pd.read_csv(out)) == 4


def test_concentration_prints_swedish_shares_and_writes_json(samsyn, files, tmp_path):
    out = tmp_path / "conc.json"
    code, stdout, err = samsyn("concentration", files["incidents"], "--cell", "100", "--areas", files["areas"],
                               "--out", out)
    assert code == 0, err
    summary = json.loads(out.read_text(encoding="utf-8"))
    assert summary["places"] == 400  # 20 × 20 cells of 100 m inside the 2 km square
    frame = files["frame"]
    assert summary["incidents"] == int(frame["x"].between(X0, X0 + 2000).sum())
    top5 = next(row for row in summary["top_shares"] if row["share_places"] == 0.05)
    assert f"De 5 % mest brottsintensiva rutorna har {top5['share_incidents'] * 100:.0f} % av händelserna" \
        in stdout
    assert "Gini" in stdout

    code, _, err = samsyn("concentration", files["incidents"], "--cell", "100", "--category", "Finns inte")
    assert code == 2 and "Inga händelser" in err
