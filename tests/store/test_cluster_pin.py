"""A pinned hot-spot cluster is one place of source kind ``cell`` whose source id lists its cells:
read back from the store, and through the picture file into another store, unchanged."""

from __future__ import annotations

import json

import shapely

from store.model import SOURCE_KINDS, Hotspot
from store.picture_file import import_picture, read_picture, write_picture
from store.problem_store import open_store

# Three touching 100 m cells of Exempelstad's centre, as Karta names them (size, east and north corner).
CELLS = ["100m_E590100_N6544600", "100m_E590200_N6544600", "100m_E590200_N6544700"]
BOXES = [shapely.box(590100, 6544600, 590200, 6544700), shapely.box(590200, 6544600, 590300, 6544700),
         shapely.box(590200, 6544700, 590300, 6544800)]


def test_a_cluster_is_stored_as_cells_and_survives_the_picture_file(tmp_path):
    cluster = shapely.union_all(BOXES)
    assert "cell" in SOURCE_KINDS
    with open_store(tmp_path / "a.db") as store:
        saved = store.add_hotspot(Hotspot("Stortorget – krogstråket", shapely.to_wkt(cluster, rounding_precision=1),
                                          crs="EPSG:3006", source_kind="cell", source_id=",".join(CELLS),
                                          categories=["Misshandel utomhus"]), user="Anna")
        back = store.get_hotspot(saved.id)
        assert (back.source_kind, back.source_id.split(",")) == ("cell", CELLS)
        # One polygon of three cells: 3 × 100 m × 100 m, an L of 8 sides of 100 m (hand-worked).
        geometry = shapely.from_wkt(back.geometry_wkt)
        assert geometry.geom_type == "Polygon" and geometry.area == 30_000.0 and geometry.length == 800.0
        write_picture(store, tmp_path / "bild.json")
    item = next(h for h in json.loads((tmp_path / "bild.json").read_text(encoding="utf-8"))["hotspots"]
                if h["title"] == "Stortorget – krogstråket")
    assert (item["source_kind"], item["source_id"]) == ("cell", ",".join(CELLS))
    with open_store(tmp_path / "b.db") as other:
        import_picture(other, read_picture(tmp_path / "bild.json"), user="Bo", source=tmp_path / "bild.json")
        again = next(h for h in other.list_hotspots() if h.title == "Stortorget – krogstråket")
        assert (again.source_kind, again.source_id) == ("cell", ",".join(CELLS))
        assert shapely.from_wkt(again.geometry_wkt).symmetric_difference(cluster).area < 1.0
