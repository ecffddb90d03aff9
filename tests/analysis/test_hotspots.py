"""Gi* against esda, FDR against scipy and a hand computation, classes, stability."""

from __future__ import annotations

import warnings

import esda
import geopandas as gpd
import libpysal
import numpy as np
import pandas as pd
import pytest
import shapely
from scipy import stats

from analysis import hotspots as hs
from geo.grid import grid_for_extent

NY, NX = 12, 15  # not square, so a transposed lattice would show


def clustered_counts(seed: int = 7) -> np.ndarray:
    """Poisson counts with two clusters and a quiet corner."""
    rng = np.random.default_rng(seed)
    rate = np.full((NY, NX), 1.5)
    rate[3:6, 4:8] = 9.0
    rate[8:11, 10:14] = 5.0
    rate[:3, :3] = 0.1
    return rng.poisson(rate).astype(float)


def esda_z(y: np.ndarray, w: libpysal.weights.W) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return esda.G_Local(y, w, star=True, transform="B", permutations=0).Zs


def centres(cell: float = 100.0) -> np.ndarray:
    rows, cols = np.divmod(np.arange(NY * NX), NX)
    return np.column_stack([(cols + 0.5) * cell, (rows + 0.5) * cell])


@pytest.mark.parametrize("rook", [False, True])
def test_lattice_contiguity_matches_esda(rook):
    counts = clustered_counts()
    w = libpysal.weights.lat2W(NY, NX, rook=rook)
    expected = esda_z(counts.ravel(), w)
    ours = hs.gi_star(counts, neighbours="rook" if rook else "queen")
    np.testing.assert_allclose(ours.ravel(), expected, atol=1e-6, rtol=0)


def test_queen_contiguity_of_polygons_matches_esda():
    counts = clustered_counts(3)
    grid = grid_for_extent(0, 0, NX * 100 - 1, NY * 100 - 1, 100, crs="EPSG:3006")
    frame = grid.frame()
    w = libpysal.weights.Queen.from_dataframe(frame, use_index=False)
    expected = esda_z(counts.ravel(), w)
    ours = hs.gi_star(counts.ravel(), grid=grid, neighbours="queen")
    np.testing.assert_allclose(ours, expected, atol=1e-6, rtol=0)


@pytest.mark.parametrize("radius", [200.0, 250.0, 420.0])
def test_distance_band_matches_esda(radius):
    counts = clustered_counts(11)
    w = libpysal.weights.DistanceBand(centres(), threshold=radius, binary=True, silence_warnings=True)
    expected = esda_z(counts.ravel(), w)
    ours = hs.gi_star(counts, neighbours=("distance", radius), cell=100)
    np.testing.assert_allclose(ours.ravel(), expected, atol=1e-6, rtol=0)


def test_fft_path_matches_esda(monkeypatch):
    monkeypatch.setattr(hs, "_DIRECT_LIMIT", 0)
    counts = clustered_counts(5)
    w = libpysal.weights.DistanceBand(centres(), threshold=330, binary=True, silence_warnings=True)
    ours = hs.gi_star(counts, neighbours=("distance", 330), cell=100)
    np.testing.assert_allclose(ours.ravel(), esda_z(counts.ravel(), w), atol=1e-6, rtol=0)


def test_study_area_mask_matches_esda_on_the_subset():
    counts = clustered_counts(2)
    mask = np.ones((NY, NX), dtype=bool)
    mask[:, :4] = False  # a lake on the west side
    mask[9:, 12:] = False
    w = libpysal.weights.lat2W(NY, NX, rook=False)
    ids = np.flatnonzero(mask.ravel()).tolist()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sub = libpysal.weights.w_subset(w, ids)
    expected = esda_z(counts.ravel()[ids], sub)
    ours = hs.gi_star(counts, mask=mask)
    assert np.isnan(ours[~mask]).all()
    np.testing.assert_allclose(ours[mask], expected, atol=1e-6, rtol=0)


def test_constant_counts_give_zero_not_nan():
    assert np.all(hs.gi_star(np.full((4, 4), 3.0)) == 0)


def test_fdr_matches_scipy_and_a_hand_computation():
    p = np.array([0.01, 0.04, 0.03, 0.5, np.nan])
    # BH by hand: sorted 0.01, 0.03, 0.04, 0.5 -> p * m / rank = 0.04, 0.06, 0.0533, 0.5,
    # then the running minimum from the largest rank down.
    hand = np.array([0.04, 0.16 / 3, 0.16 / 3, 0.5, np.nan])
    np.testing.assert_allclose(hs.fdr_adjust(p), hand, rtol=1e-12)
    rng = np.random.default_rng(0)
    many = rng.uniform(size=500) ** 3
    np.testing.assert_allclose(hs.fdr_adjust(many), stats.false_discovery_control(many), rtol=1e-12)


def test_classes_follow_fdr_thresholds_and_sign():
    z = np.array([4.0, 2.5, 1.9, 1.0, -1.9, -2.5, -4.0, 3.0])
    p_fdr = np.array([0.005, 0.02, 0.08, 0.2, 0.08, 0.02, 0.005, 0.01])
    assert hs.classify(z, p_fdr).tolist() == [
        "hot99", "hot95", "hot90", "none", "cold90", "cold95", "cold99", "hot95",
    ]


def planted_incidents(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = np.r_[rng.uniform(0, 3000, 1500), rng.normal(1200, 50, 200), rng.normal(2300, 40, 120)]
    y = np.r_[rng.uniform(0, 3000, 1500), rng.normal(1800, 50, 200), rng.normal(700, 40, 120)]
    frame = pd.DataFrame({"x": x + 600000, "y": y + 6500000})
    frame.attrs["crs"] = "EPSG:3006"
    return frame


def test_hotspots_frame_covers_every_cell_and_agrees_with_gi_star():
    incidents = planted_incidents()
    result = hs.hotspots(incidents, cell=100)
    assert isinstance(result, gpd.GeoDataFrame)
    assert list(result.columns) == ["cell_id", "count", "gi_z", "p", "p_fdr", "class", "geometry"]
    assert result.crs == "EPSG:3006"
    assert result["cell_id"].is_unique
    assert int(result["count"].sum()) == len(incidents)
    np.testing.assert_allclose(result["p"], 2 * stats.norm.sf(np.abs(result["gi_z"])), rtol=1e-12)
    np.testing.assert_allclose(result["p_fdr"], stats.false_discovery_control(result["p"]), rtol=1e-12)
    for name, (px, py) in {"a": (601230, 6501830), "b": (602330, 6500730)}.items():
        cell = result[result.geometry.contains(shapely.Point(px, py))]
        assert cell["class"].iloc[0] == "hot99", name
    assert result.attrs["n_hot"] == int(((result["p_fdr"] < 0.05) & (result["gi_z"] > 0)).sum())


def test_hotspots_within_areas_uses_cells_intersecting_them():
    incidents = planted_incidents()
    area = shapely.Polygon([(600500, 6500500), (602050, 6500500), (602050, 6502500), (600500, 6502500)])
    areas = gpd.GeoDataFrame({"area_id": ["A"]}, geometry=[area], crs="EPSG:3006")
    result = hs.hotspots(incidents, cell=100, extent=areas)
    # 600500..602050 -> columns 6005..6020 (16), 6500500..6502500 -> rows 5005..5024 (20)
    assert len(result) == 16 * 20
    # Cells cut by the boundary are counted whole.
    grid = grid_for_extent(600500, 6500500, 602050, 6502499, 100)  # the top row only touches
    counts = grid.counts(incidents["x"].to_numpy(), incidents["y"].to_numpy())
    assert int(result["count"].sum()) == int(counts.sum())
    assert result["cell_id"].tolist() == grid.cell_ids(np.arange(grid.size)).tolist()
    # Gi* there equals Gi* on the 16 x 20 lattice alone.
    w = libpysal.weights.lat2W(grid.ny, grid.nx, rook=False)
    np.testing.assert_allclose(result["gi_z"], esda_z(counts.astype(float), w), atol=1e-6)


def test_bad_arguments_raise_swedish_errors():
    incidents = planted_incidents()
    with pytest.raises(ValueError, match="alpha"):
        hs.hotspots(incidents, alpha=1.5)
    with pytest.raises(ValueError, match="grannskap"):
        hs.parse_neighbours("hexagon")
    with pytest.raises(ValueError, match="Inga händelser"):
        hs.hotspots(incidents.iloc[:0])


def test_stability_reports_overlap_with_the_reference():
    table = hs.hotspot_stability(planted_incidents(), cells=(50, 100, 200))
    table = table.set_index("cell")
    assert table.loc[100.0, "jaccard"] == pytest.approx(1.0)
    assert table.loc[100.0, "reference_kept"] == pytest.approx(1.0)
    assert (table["n_hot"] > 0).all()
    # The planted clusters are found at every size, so most of the 100 m hot area stays hot.
    assert table.loc[200.0, "reference_kept"] > 0.8
    assert table.loc[50.0, "reference_kept"] > 0.3  # fewer 50 m cells reach significance
    assert ((table["jaccard"] > 0) & (table["jaccard"] <= 1)).all()
    sentence = table.attrs["summary_sv"]
    assert sentence.startswith("Av de heta områdena (95\u00a0%) med 100 m rutor är")
    assert "vid 50 m" in sentence and "vid 200 m" in sentence



# --- ground truth of the Exempelstad sample ----------------------------------------------


@pytest.fixture(scope="module")
def sample():
    """``(truth, incidents)`` from data/sample, or generated in memory until the files are written."""
    import json

    from data.sample import paths
    from geo.dataset import load_incidents

    files = paths()
    if files.truth.exists() and files.incidents.exists():
        return json.loads(files.truth.read_text(encoding="utf-8")), load_incidents(files.incidents)
    exempelstad = pytest.importorskip("exempelstad.generate", reason="Exempelstad saknas; kör samsyn sample")
    incidents = exempelstad.generate_incidents(seed=exempelstad.DEFAULT_SEED)
    return json.loads(json.dumps(exempelstad.truth(incidents))), incidents


def test_planted_hotspots_are_found(sample):
    """Each planted hot spot lies within 150 m of a hot95/hot99 cell (100 m grid, queen)."""
    from analysis.filters import filter_incidents

    truth, incidents = sample
    assert truth["hotspots"]
    everything = hs.hotspots(incidents, cell=100, neighbours="queen")
    for planted in truth["hotspots"]:
        point = shapely.Point(planted["x"], planted["y"])
        own = hs.hotspots(filter_incidents(incidents, categories=planted["categories"]), cell=100)
        for cells in (everything, own):
            hot = cells[cells["class"].isin(["hot95", "hot99"])]
            assert len(hot) > 0, planted["name"]
            assert hot.distance(point).min() <= 150, planted["name"]
