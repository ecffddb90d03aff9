"""``samsyn sppt`` on real data: Vancouver's break-and-enters, 2023 against 2024, over its 22 local areas.

The proportion test (``--method diff``) is deterministic, so every area's verdict is worked here from
the counts of a geopandas ``sjoin`` with numpy: the N−1 chi-square of the 2×2 table, p = erfc(√(χ²/2)),
and the Benjamini–Yekutieli adjustment written out.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from cli import main
from geo.dataset import write_incidents
from tests.conftest import REAL_DATA

VANCOUVER = REAL_DATA / "vancouver"
pytestmark = pytest.mark.skipif(not VANCOUVER.is_dir(), reason=f"Vancouver's open data not found at {VANCOUVER}")


def _by_hand(burglaries: pd.DataFrame, areas: gpd.GeoDataFrame) -> pd.DataFrame:
    located = burglaries[(burglaries["X"] > 0) & (burglaries["Y"] > 0)]
    points = gpd.GeoDataFrame(located, geometry=gpd.points_from_xy(located["X"], located["Y"]), crs="EPSG:26910")
    joined = gpd.sjoin(points, areas.to_crs("EPSG:26910")[["name", "geometry"]], predicate="within")
    return pd.DataFrame({year: joined[joined["YEAR"] == year].groupby("name").size()
                         .reindex(areas["name"], fill_value=0) for year in (2023, 2024)})


def _by_hand_verdicts(counts: pd.DataFrame) -> pd.DataFrame:
    nb, nt = counts[2023].to_numpy(dtype=float), counts[2024].to_numpy(dtype=float)
    total_b, total_t = nb.sum(), nt.sum()
    n = total_b + total_t
    p = np.empty(len(nb))
    for i, (b, t) in enumerate(zip(nb, nt, strict=True)):
        observed = np.array([[b, total_b - b], [t, total_t - t]])
        expected = observed.sum(axis=1, keepdims=True) * observed.sum(axis=0, keepdims=True) / n
        chi2 = ((observed - expected) ** 2 / expected).sum() * (n - 1) / n
        p[i] = math.erfc(math.sqrt(chi2 / 2))
    # Benjamini–Yekutieli: p_(i) · m/i · Σ 1/k, made monotone from the largest down, capped at 1.
    m = len(p)
    order = np.argsort(p)[::-1]
    ranks = np.arange(m, 0, -1)
    stepped = np.minimum.accumulate(p[order] * m / ranks * (1 / np.arange(1, m + 1)).sum())
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(stepped, 1)
    share_b, share_t = nb / total_b, nt / total_t
    verdict = np.where(adjusted >= 0.05, "similar", np.where(share_t > share_b, "higher", "lower"))
    return pd.DataFrame({"p": p, "adjusted": adjusted, "change": verdict}, index=counts.index)


def test_break_and_enter_2023_against_2024(tmp_path, capsys):
    from geo.importer import import_incidents

    raw = pd.concat([pd.read_csv(VANCOUVER / f"crimedata_csv_AllNeighbourhoods_{year}.csv") for year in (2023, 2024)])
    burglaries = raw[raw["TYPE"].str.startswith("Break and Enter")]
    csv = tmp_path / "break_and_enter.csv"
    burglaries.to_csv(csv, index=False)
    imported = import_incidents(csv, x="X", y="Y", work_crs="EPSG:26910", skip_invalid=True, source_value="polis")
    incidents = tmp_path / "break_and_enter.parquet"
    write_incidents(imported.frame, incidents)
    boundary = VANCOUVER / "local-area-boundary.geojson"
    out = tmp_path / "sppt.csv"
    code = main(["sppt", str(incidents), "--areas", str(boundary), "--base", "2023-01-01:2023-12-31",
                 "--test", "2024-01-01:2024-12-31", "--method", "diff", "--out", str(out)])
    assert code == 0
    table = pd.read_csv(out).set_index("name")
    counts = _by_hand(burglaries, gpd.read_file(boundary))
    assert table["base_count"].to_dict() == counts[2023].to_dict()
    assert table["test_count"].to_dict() == counts[2024].to_dict()
    by_hand = _by_hand_verdicts(counts)
    assert table["p_value"].to_numpy() == pytest.approx(by_hand["p"].to_numpy(), rel=1e-9)
    assert table["p_adjusted"].to_numpy() == pytest.approx(by_hand["adjusted"].to_numpy(), rel=1e-9)
    assert table["change"].to_dict() == by_hand["change"].to_dict()
    # Unadjusted, some areas' shares moved (p < 0.05); after Benjamini–Yekutieli over 22 areas none
    # is left, so the pattern reads as the same.
    assert (by_hand["p"] < 0.05).any() and (by_hand["change"] == "similar").all()
    printed = capsys.readouterr().out.splitlines()[0]
    assert printed == "Mönstret är i stort sett detsamma: 100\u00a0% av områdena har en liknande andel (S = 1,00)."
