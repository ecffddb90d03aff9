"""``samsyn hotspots``, ``density`` and ``followup`` as a user runs them."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from PIL import Image

from cli import main
from geo.dataset import incident_frame, write_incidents

X0, Y0 = 600000.0, 6540000.0


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """An incidents file with a hot spot and a planted fall, and an area file."""
    tmp = tmp_path_factory.mktemp("hotspot_cli")
    rng = np.random.default_rng(3)
    parts = []

    def add(n, x, y, start, end, category="Misshandel utomhus"):
        days = rng.integers(0, (pd.Timestamp(end) - pd.Timestamp(start)).days + 1, n)
        parts.append(pd.DataFrame({
            "x": x, "y": y, "category": category, "source": "polis", "place_type": "utomhus",
            "occurred_from": pd.Timestamp(start) + pd.to_timedelta(days, "D") + pd.Timedelta(hours=22),
        }))

    # Background over a 2 km square, both years.
    add(800, rng.uniform(X0, X0 + 2000, 800), rng.uniform(Y0, Y0 + 2000, 800), "2023-01-01", "2024-12-31")
    add(300, rng.uniform(X0, X0 + 2000, 300), rng.uniform(Y0, Y0 + 2000, 300), "2023-01-01", "2024-12-31",
        category="Cykelstöld")
    # The target square (500..700) falls from 120 to 40; the control (1300..1500) stays at 60.
    add(120, rng.uniform(X0 + 500, X0 + 700, 120), rng.uniform(Y0 + 500, Y0 + 700, 120), "2023-05-01", "2023-10-31")
    add(40, rng.uniform(X0 + 500, X0 + 700, 40), rng.uniform(Y0 + 500, Y0 + 700, 40), "2024-05-01", "2024-10-31")
    add(60, rng.uniform(X0 + 1300, X0 + 1500, 60), rng.uniform(Y0 + 1300, Y0 + 1500, 60), "2023-05-01", "2023-10-31")
    add(60, rng.uniform(X0 + 1300, X0 + 1500, 60), rng.uniform(Y0 + 1300, Y0 + 1500, 60), "2024-05-01", "2024-10-31")
    frame = pd.concat(parts, ignore_index=True)
    frame["id"] = [f"h{i}" for i in range(len(frame))]
    incidents = tmp / "incidents.parquet"
    write_incidents(incident_frame(frame), incidents)

    areas = gpd.GeoDataFrame(
        {"area_id": ["MAL", "KONTROLL", "HELA"], "name": ["Torget", "Parken", "Staden"]},
        geometry=[
            shapely.box(X0 + 500, Y0 + 500, X0 + 700, Y0 + 700),
            shapely.box(X0 + 1300, Y0 + 1300, X0 + 1500, Y0 + 1500),
            shapely.box(X0, Y0, X0 + 1000, Y0 + 1000),
        ],
        crs="EPSG:3006",
    )
    areas_path = tmp / "areas.gpkg"
    areas.to_file(areas_path, driver="GPKG", engine="pyogrio")
    target_path = tmp / "target.geojson"
    areas.iloc[[0]].to_crs("EPSG:4326").to_file(target_path, driver="GeoJSON", engine="pyogrio")
    return {"incidents": incidents, "areas": areas_path, "target": target_path}


def test_hotspots_writes_every_cell(files, tmp_path, capsys):
    out = tmp_path / "hot.gpkg"
    code = main(["hotspots", str(files["incidents"]), "--cell", "100", "--category", "Misshandel utomhus",
                 "--out", str(out)])
    assert code == 0
    cells = gpd.read_file(out)
    assert len(cells) == 20 * 20
    assert {"cell_id", "count", "gi_z", "p", "p_fdr", "class"} <= set(cells.columns)
    assert cells.crs.to_epsg() == 3006
    hot = cells[cells["class"].isin(["hot95", "hot99"])]
    centre = hot.geometry.centroid
    assert ((centre.x > X0 + 400) & (centre.x < X0 + 800) & (centre.y > Y0 + 400) & (centre.y < Y0 + 800)).any()
    printed = capsys.readouterr().out
    assert "Hot spots:" in printed and "med 99 % säkerhet" in printed
    # Swedish typography: a no-break space between the number and the per cent sign.
    assert "Av de heta områdena (95\u00a0%) med 100 m rutor" in printed


def test_hotspots_geojson_within_areas_and_distance_band(files, tmp_path):
    out = tmp_path / "hot.geojson"
    code = main(["hotspots", str(files["incidents"]), "--cell", "200", "--neighbours", "distance:450",
                 "--areas", str(files["areas"]), "--no-stability", "--out", str(out)])
    assert code == 0
    cells = gpd.read_file(out)
    assert cells.crs.to_epsg() == 4326
    assert len(cells) == 25 + 4  # the 1 km square, and the control straddles four 200 m cells
    assert cells["cell_id"].str.startswith("200m_E").all()


@pytest.mark.parametrize("suffix", [".npz", ".tif", ".png"])
def test_density_formats(files, tmp_path, suffix, capsys):
    out = tmp_path / f"density{suffix}"
    code = main(["density", str(files["incidents"]), "--cell", "25", "--bandwidth", "100", "--out", str(out)])
    assert code == 0
    assert "bandbredd 100 m" in capsys.readouterr().out
    if suffix == ".npz":
        data = np.load(out)
        values, transform = data["values"], data["transform"]
        assert str(data["units"]) == "händelser per km²"
        assert float(data["bandwidth"]) == 100
        # Integral ≈ number of incidents (the raster is padded by three bandwidths).
        assert values.sum() * 25**2 / 1e6 == pytest.approx(1380, rel=0.01)
        assert transform[1] == 25 and transform[5] == -25
    elif suffix == ".tif":
        image = Image.open(out)
        assert image.mode == "F"
        assert image.tag_v2[33550][:2] == (25.0, 25.0)
        assert 3006 in image.tag_v2[34735]
    else:
        assert Image.open(out).mode == "RGBA"
        world = out.with_suffix(".pgw").read_text().split()
        assert float(world[0]) == 25 and float(world[3]) == -25


def test_followup_with_area_ids_and_buffer(files, tmp_path, capsys):
    out = tmp_path / "effekt.json"
    code = main([
        "followup", str(files["incidents"]), "--areas", str(files["areas"]),
        "--target", "MAL", "--control", "KONTROLL", "--displacement-buffer", "200",
        "--before", "2023-05-01:2023-10-31", "--after", "2024-05-01:2024-10-31",
        "--category", "Misshandel utomhus", "--out", str(out),
    ])
    assert code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    for key in ("control", "target", "displacement_control", "displacement"):
        assert set(data[key]) == {"before", "after"}
    assert data["target"]["before"] > 120 and data["target"]["after"] < data["target"]["before"] - 60
    for key in ("est_local", "est_displace", "est_total", "se", "z", "p", "ci95", "pct_change", "summary_sv"):
        assert key in data
    assert data["time_weights"]["before"] == 1.0
    assert data["z"] < -2
    printed = capsys.readouterr().out
    assert printed.startswith("I målområdet minskade misshandel utomhus från")


def test_followup_with_a_polygon_file(files, tmp_path):
    out = tmp_path / "effekt.json"
    code = main([
        "followup", str(files["incidents"]), "--areas", str(files["areas"]),
        "--target", str(files["target"]), "--control", "KONTROLL",
        "--before", "2023-05-01:2023-10-31", "--after", "2024-05-01:2024-10-31", "--out", str(out),
    ])
    assert code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["displacement"] is None and data["est_displace"] == 0


@pytest.mark.parametrize(
    ("before", "after", "target", "message"),
    [
        ("2023-05-01-2023-10-31", "2024-05-01:2024-10-31", "MAL", "Ogiltig period"),
        ("2023-10-31:2023-05-01", "2024-05-01:2024-10-31", "MAL", "före startdatum"),
        ("2023-05-01:2024-06-30", "2024-05-01:2024-10-31", "MAL", "överlappar"),
        ("2023-05-01:2023-10-31", "2024-05-01:2024-10-31", "FINNS_INTE", "Okänt område"),
    ],
)
def test_followup_bad_input_exits_2_without_output(files, tmp_path, capsys, before, after, target, message):
    out = tmp_path / "effekt.json"
    code = main([
        "followup", str(files["incidents"]), "--areas", str(files["areas"]),
        "--target", target, "--control", "KONTROLL",
        "--before", before, "--after", after, "--out", str(out),
    ])
    assert code == 2
    assert message in capsys.readouterr().err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_hotspots_bad_neighbours_in_a_real_process(files, run_cli, tmp_path):
    out = tmp_path / "hot.geojson"
    result = run_cli("hotspots", files["incidents"], "--neighbours", "hexagon", "--out", out)
    assert result.returncode == 2
    assert result.stderr.startswith("Fel: Okänt grannskap")
    assert not out.exists()
