"""The Workspace: configuration, data directory, datasets, the store and loading, as both front-ends see them."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import shapely

from core.errors import InputError
from data.sample import paths
from geo.dataset import read_incidents, write_incidents
from store.datasets import add_file, create_dataset, save_role, set_default
from store.model import Hotspot
from workspace import Workspace


@pytest.fixture()
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _incidents(n: int = 3) -> pd.DataFrame:
    frame = read_incidents(paths().incidents).head(n).copy()
    frame.attrs = {"crs": "EPSG:3006"}
    return frame


def test_samsyn_toml_names_the_data_directory_and_the_database(folder):
    (folder / "samsyn.toml").write_text('[data]\ndirectory = "delad"\n[database]\nurl = "sqlite:///db/pb.db"\n',
                                        encoding="utf-8")
    workspace = Workspace.open(env={})
    assert workspace.data_dir == folder / "delad"
    assert workspace.store_url == "sqlite:///db/pb.db"
    assert workspace.config.source == folder / "samsyn.toml"


def test_environment_and_arguments_override_the_file(folder):
    (folder / "samsyn.toml").write_text('[data]\ndirectory = "delad"\n', encoding="utf-8")
    assert Workspace.open(env={"SAMSYN_DATA": str(folder / "env")}).data_dir == folder / "env"
    workspace = Workspace.open(env={"SAMSYN_DATA": str(folder / "env")}, data_dir=folder / "flagga",
                               database_url=str(folder / "annan.db"))
    assert workspace.data_dir == folder / "flagga"
    assert workspace.store_url == str(folder / "annan.db")
    # Without a database setting the store lives in the data directory.
    assert Workspace.open(env={}).store_url == str(folder / "delad" / "problembild.db")


def test_store_opens_where_the_workspace_says(folder):
    workspace = Workspace.open(env={}, data_dir=folder / "data")
    with workspace.store() as store:
        store.add_hotspot(Hotspot(title="Torget", geometry_wkt="POINT (1 2)"), user="Anna")
    assert (folder / "data" / "problembild.db").is_file()
    with Workspace.open(env={}, database_url=str(folder / "data" / "problembild.db")).store() as again:
        assert [h.title for h in again.list_hotspots()] == ["Torget"]


def test_an_unreachable_database_is_bad_input(folder):
    with pytest.raises(InputError, match="Okänd databasadress"):
        Workspace.open(env={}, database_url="mysql://server/samsyn").store()


def test_a_data_directory_that_is_a_file_is_bad_input(folder):
    (folder / "fil").write_text("x")
    with pytest.raises(InputError, match="är en fil, inte en mapp"):
        Workspace.open(env={}, data_dir=folder / "fil")


def test_default_is_the_sample_until_one_is_chosen_and_back_when_it_is_gone(folder):
    workspace = Workspace.open(env={}, data_dir=folder / "data")
    assert workspace.default_dataset().id == "exempelstad"
    dataset = create_dataset(workspace.data_dir, "Maj")
    with pytest.raises(InputError, match="har inga händelser och kan inte vara standard"):
        workspace.set_default("Maj")
    save_role(dataset, "incidents", ".parquet", lambda p: write_incidents(_incidents(), p))
    assert workspace.set_default("maj").id == "maj"
    assert workspace.default_dataset().id == "maj"
    (folder / "data" / "active.json").write_text('{"dataset": "arkiverad"}')
    assert workspace.default_dataset().id == "exempelstad"


def test_find_dataset_by_id_or_name_and_unknown_names_the_ones_there_are(folder):
    workspace = Workspace.open(env={}, data_dir=folder / "data")
    create_dataset(workspace.data_dir, "Polisens export maj")
    assert workspace.find_dataset("POLISENS EXPORT MAJ").id == "polisens-export-maj"
    assert workspace.find_dataset("exempelstad").builtin
    with pytest.raises(InputError, match=r"Datasetet 'april' finns inte .*exempelstad, polisens-export-maj"):
        workspace.find_dataset("april")


def test_load_gives_every_layer_in_the_working_crs(folder):
    frames = Workspace.open(env={}, data_dir=folder / "data").load("exempelstad")
    assert frames.crs == "EPSG:3006"
    assert len(frames.incidents) == pq.ParquetFile(paths().incidents).metadata.num_rows
    for layer in (frames.districts, frames.places, frames.streets, frames.background):
        assert layer.crs == "EPSG:3006"
    # Every incident of the sample lies in one of its districts (the generator places them there).
    assert frames.incidents["district"].notna().all()
    assert set(frames.incidents["district"].astype(str)) <= set(frames.districts["area_id"])


def test_an_incident_file_without_a_crs_is_an_error_not_epsg_3006(folder):
    workspace = Workspace.open(env={}, data_dir=folder / "data")
    dataset = create_dataset(workspace.data_dir, "Utan koordinatsystem")
    plain = folder / "plain.parquet"
    frame = _incidents()
    pq.write_table(pa.Table.from_pandas(pd.DataFrame(frame), preserve_index=False), plain)  # no "geo" metadata
    dataset = add_file(dataset, "incidents", plain)
    with pytest.raises(InputError, match="anger inget koordinatsystem"):
        workspace.load(dataset)


def test_a_layer_without_a_crs_is_an_error(folder):
    workspace = Workspace.open(env={}, data_dir=folder / "data")
    dataset = create_dataset(workspace.data_dir, "Lager utan CRS")
    dataset = save_role(dataset, "incidents", ".parquet", lambda p: write_incidents(_incidents(), p))
    naive = folder / "background.geojson"
    naive.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, '
                     '"geometry": {"type": "Point", "coordinates": [1, 2]}}]}')
    frame = gpd.read_file(naive).set_crs(None, allow_override=True)
    saved = folder / "naive.gpkg"
    frame.to_file(saved)
    dataset = add_file(dataset, "background", saved)
    if gpd.read_file(dataset.path("background")).crs is not None:
        pytest.fail("test setup: the GeoPackage got a CRS")
    with pytest.raises(InputError, match="Lagret anger inget koordinatsystem"):
        workspace.load(dataset)


def test_another_working_crs_is_kept_for_every_layer(folder):
    workspace = Workspace.open(env={}, data_dir=folder / "data")
    incidents = _incidents()
    converted = gpd.GeoSeries(shapely.points(incidents["x"], incidents["y"]), crs=3006).to_crs(3008)
    incidents["x"], incidents["y"] = converted.x.to_numpy(), converted.y.to_numpy()
    incidents.attrs = {"crs": "EPSG:3008"}
    dataset = create_dataset(workspace.data_dir, "Lokal zon", crs="EPSG:3008")
    dataset = save_role(dataset, "incidents", ".parquet", lambda p: write_incidents(incidents, p))
    frames = workspace.load(dataset)
    assert frames.crs == "EPSG:3008" and frames.incidents.attrs["crs"] == "EPSG:3008"
    set_default(workspace.data_dir, dataset.id)
    assert workspace.default_dataset().id == "lokal-zon"
