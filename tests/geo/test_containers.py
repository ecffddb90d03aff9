"""Containers the way GIS tools and police systems hand them over: zipped shapefiles, GeoPackages with several
layers, tab-separated exports.

The shapefiles are written by geopandas/pyogrio and zipped by the test as a user's zip tool does (a folder
inside, a Mac's ``__MACOSX`` entries); the expected positions are the three places' SWEREF 99 TM metres and the
times are read off the rows by hand.
"""

from __future__ import annotations

import zipfile

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer
from shapely.geometry import box

from core.errors import InputError
from geo.areas import read_areas_report
from geo.importer import import_incidents
from geo.readers import parts_to_choose, read_table

# Three places in Malmö in SWEREF 99 TM (EPSG:3006), whole metres.
PLACES = np.array([[374_532.0, 6_164_102.0], [374_913.0, 6_162_421.0], [373_050.0, 6_164_670.0]])


def incidents_in(crs: str) -> gpd.GeoDataFrame:
    """The three incidents as a kommun's GIS stores them, in ``crs`` (dbf names of at most 10 letters)."""
    x, y = Transformer.from_crs("EPSG:3006", crs, always_xy=True).transform(PLACES[:, 0], PLACES[:, 1])
    return gpd.GeoDataFrame(
        {"kategori": ["Klotter", "Cykelstöld", "Inbrott i bostad"],
         "datum": ["2024-03-05", "2024-03-06", "2024-03-07"],
         "klockslag": ["14:30", "09:05", "23:40"],
         "anteckning": ["Tunneln vid stationen", "", "Granne hörde glas"]},
        geometry=gpd.points_from_xy(x, y), crs=crs,
    )


def shapefile_zip(tmp_path, members: dict[str, gpd.GeoDataFrame], *, drop: tuple[str, ...] = (),
                  junk: bool = True, name: str = "export.zip"):
    """Write each frame as a shapefile and zip its parts under the member path given (``folder/name``)."""
    archive_path = tmp_path / name
    with zipfile.ZipFile(archive_path, "w", zipfile.ZIP_DEFLATED) as archive:
        for i, (member, frame) in enumerate(members.items()):
            folder = tmp_path / f"shp{i}"
            folder.mkdir()
            frame.to_file(folder / "layer.shp", driver="ESRI Shapefile", engine="pyogrio")
            for part in sorted(folder.iterdir()):
                if part.suffix in drop:
                    continue
                archive.write(part, f"{member}{part.suffix}")
                if junk:
                    archive.writestr(f"__MACOSX/{member.rsplit('/', 1)[0]}/._{member.rsplit('/', 1)[-1]}"
                                     f"{part.suffix}", b"\x00\x05\x16\x07 mac resource fork")
    return archive_path


def test_zipped_shapefile_in_a_subfolder(tmp_path):
    path = shapefile_zip(tmp_path, {"Export Malmö 2024/brott_2024": incidents_in("EPSG:3008")})
    result = import_incidents(path, source_value="kommun")
    frame = result.frame
    assert result.report.rows_read == 3 and result.report.rows_written == 3
    assert result.report.crs_found == "EPSG:3008"  # from the .prj
    np.testing.assert_allclose(frame[["x", "y"]].to_numpy(), PLACES, atol=0.5)
    assert frame["occurred_from"].tolist() == [pd.Timestamp("2024-03-05 14:30"), pd.Timestamp("2024-03-06 09:05"),
                                               pd.Timestamp("2024-03-07 23:40")]
    assert frame["category"].tolist() == ["Klotter", "Cykelstöld", "Inbrott i bostad"]
    assert "anteckning" in result.report.columns_dropped
    assert "lager 'brott_2024'" in result.report.file_kind
    assert parts_to_choose(path) == ("layer", ["brott_2024"])


def test_zip_with_two_shapefiles_needs_a_layer(tmp_path, run_cli):
    older = incidents_in("EPSG:3006").iloc[:2]
    path = shapefile_zip(tmp_path, {"brott/brott_2023": older, "brott/brott_2024": incidents_in("EPSG:3006")})
    with pytest.raises(InputError) as error:
        read_table(path)
    message = str(error.value)
    assert "export.zip" in message and "'brott_2023', 'brott_2024'" in message and "--layer" in message
    assert len(import_incidents(path, layer="brott_2023", source_value="kommun").frame) == 2
    assert parts_to_choose(path) == ("layer", ["brott_2023", "brott_2024"])
    refused = run_cli("import", path, "--out", tmp_path / "brott.parquet")
    assert refused.returncode == 2 and "'brott_2023', 'brott_2024'" in refused.stderr
    assert not (tmp_path / "brott.parquet").exists()
    done = run_cli("import", path, "--layer", "brott_2024", "--out", tmp_path / "brott.parquet",
                   "--source-value", "kommun")
    assert done.returncode == 0, done.stderr
    assert "Rader skrivna: 3" in done.stdout


def test_zipped_shapefile_missing_parts_and_projection(tmp_path):
    no_dbf = shapefile_zip(tmp_path, {"brott": incidents_in("EPSG:3006")}, drop=(".dbf",), name="utan_dbf.zip")
    with pytest.raises(InputError) as error:
        read_table(no_dbf)
    assert "saknar .dbf" in str(error.value) and "utan_dbf.zip" in str(error.value)
    (tmp_path / "shp0").rename(tmp_path / "first")
    no_prj = shapefile_zip(tmp_path, {"brott": incidents_in("EPSG:3006")}, drop=(".prj",), name="utan_prj.zip")
    result = import_incidents(no_prj, source_value="kommun")
    assert result.report.crs_found == "EPSG:3006"  # SWEREF 99 TM told from the values
    np.testing.assert_allclose(result.frame[["x", "y"]].to_numpy(), PLACES, atol=0.5)
    assert any("ingen .prj-fil" in note for note in result.report.notes)


def test_zip_without_data_lists_what_it_holds(tmp_path):
    path = tmp_path / "bilagor.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("rapport.pdf", b"%PDF-1.4")
        archive.writestr("inre.zip", b"PK\x05\x06" + b"\x00" * 18)
    with pytest.raises(InputError) as error:
        read_table(path)
    assert "ingen fil som Samsyn läser" in str(error.value) and "rapport.pdf, inre.zip" in str(error.value)


def test_police_uk_download_zip_of_monthly_csv_files(tmp_path):
    # police.uk's downloads: one folder per month, one CSV per force and kind.
    header = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type"
    rows = {"2024-12": "abc,2024-12,Metropolitan Police Service,Metropolitan Police Service,-0.127758,51.507351,"
                       "On or near Trafalgar Square,E01004736,Westminster 018C,Burglary",
            "2025-01": "def,2025-01,Metropolitan Police Service,Metropolitan Police Service,,,No Location,,,Burglary"}
    path = tmp_path / "police-uk.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for month, row in rows.items():
            archive.writestr(f"{month}/{month}-metropolitan-street.csv", f"{header}\n{row}\n")
    assert parts_to_choose(path) == ("layer", ["2024-12-metropolitan-street.csv", "2025-01-metropolitan-street.csv"])
    with pytest.raises(InputError) as error:
        read_table(path)
    assert "2 st" in str(error.value) and "'2024-12-metropolitan-street.csv'" in str(error.value)
    options = {"datetime": "Month", "category_value": "Inbrott i bostad", "work_crs": "EPSG:27700"}
    result = import_incidents(path, layer="2024-12-metropolitan-street.csv", **options)
    assert result.frame["occurred_from"].tolist() == [pd.Timestamp("2024-12-01")]
    assert result.frame["occurred_to"].tolist() == [pd.Timestamp("2025-01-01")]
    bng = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    np.testing.assert_allclose(result.frame[["x", "y"]].iloc[0], bng.transform(-0.127758, 51.507351), atol=0.5)
    # A row without a position is named as the CSV numbers it; the zip's name, never the temporary copy's.
    with pytest.raises(InputError) as error:
        import_incidents(path, layer="2025-01-metropolitan-street.csv", **options)
    message = str(error.value)
    assert "police-uk.zip" in message and "rad 2" in message and "koordinat saknas" in message
    assert "data.csv" not in message
    # A file in the zip that cannot be read is named with the zip.
    broken = tmp_path / "trasig.zip"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("export/brott.csv", "Datum;Kategori;X;Y\n")
    with pytest.raises(InputError) as error:
        read_table(broken)
    assert "Fil trasig.zip (brott.csv): Filen innehåller inga datarader" in str(error.value)


def test_zip_bomb_is_refused_before_unpacking(tmp_path):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("brott.shp", b"\x00" * 100)
        archive.writestr("brott.shx", b"\x00" * 100)
        archive.writestr("brott.dbf", b" " * (30 * 1024 * 1024))  # 30 MB of spaces packs into ~30 kB
    with pytest.raises(InputError, match="för stor"):
        read_table(path)


def test_member_paths_never_leave_the_temporary_folder(tmp_path):
    inner = tmp_path / "inner"
    inner.mkdir()
    shapefile_zip(inner, {"brott": incidents_in("EPSG:3006")}, junk=False)
    path = tmp_path / "elak.zip"
    with zipfile.ZipFile(inner / "export.zip") as source, zipfile.ZipFile(path, "w") as archive:
        for member in source.infolist():
            archive.writestr(f"../../utanfor/{member.filename}", source.read(member))
    result = import_incidents(path, source_value="kommun")
    assert len(result.frame) == 3
    assert not (tmp_path.parent / "utanfor").exists() and not (tmp_path / "utanfor").exists()


def test_geopackage_with_two_layers(tmp_path, run_cli):
    path = tmp_path / "kommunen.gpkg"
    incidents_in("EPSG:3006").to_file(path, layer="handelser", engine="pyogrio")
    districts = gpd.GeoDataFrame({"namn": ["Centrum"], "kod": ["01"]},
                                 geometry=[box(372_000, 6_161_000, 376_000, 6_166_000)], crs="EPSG:3006")
    districts.to_file(path, layer="stadsdelar", engine="pyogrio")
    with pytest.raises(InputError) as error:
        import_incidents(path)
    message = str(error.value)
    assert "kommunen.gpkg" in message and "2 st" in message and "'handelser', 'stadsdelar'" in message
    result = import_incidents(path, layer="handelser", source_value="kommun")
    np.testing.assert_allclose(result.frame[["x", "y"]].to_numpy(), PLACES, atol=1e-6)
    assert result.frame["occurred_from"].iloc[2] == pd.Timestamp("2024-03-07 23:40")
    areas, report = read_areas_report(path, layer="stadsdelar")
    assert areas["name"].tolist() == ["Centrum"] and report.columns_used["area_id"] == "kod"
    assert parts_to_choose(path) == ("layer", ["handelser", "stadsdelar"])
    with pytest.raises(InputError, match="Lagret 'brott' finns inte"):
        read_table(path, layer="brott")
    refused = run_cli("import", path, "--out", tmp_path / "ut.parquet")
    assert refused.returncode == 2 and "'handelser', 'stadsdelar'" in refused.stderr


POLICE_TSV = (
    "Ärende\tBrottstidpunkt från\tBrottstidpunkt till\tBrott\tPlats\tX-koordinat\tY-koordinat\r\n"
    "5000-K101-24\t2024-03-01 22:00\t2024-03-02 06:30\tInbrott i bostad\tStorgatan 5, Malmö; baksidan\t"
    "374532,0\t6164102,0\r\n"
    "5000-K102-24\t2024-03-04 00:00\t2024-03-04 23:59\tCykelstöld\tStationen, cykelställ 3\t374913,0\t6162421,0\r\n"
    "5000-K103-24\t2024-03-09 17:45\t\tKlotter\tTunneln\t373050,0\t6164670,0\r\n"
)


@pytest.mark.parametrize("name", ["rar_export.tsv", "rar_export.txt"])
def test_tab_separated_police_export(tmp_path, name):
    # Place names hold commas and semicolons, coordinates decimal commas: only the tab splits the columns.
    path = tmp_path / name
    path.write_bytes(POLICE_TSV.encode("cp1252"))
    table = read_table(path)
    assert table.delimiter == "\t" and table.encoding == "cp1252"
    assert table.frame["Plats"].iloc[0] == "Storgatan 5, Malmö; baksidan"
    result = import_incidents(path, source_value="polis")
    frame = result.frame
    assert result.report.rows_written == 3
    assert frame["occurred_from"].tolist() == [pd.Timestamp("2024-03-01 22:00"), pd.Timestamp("2024-03-04 00:00"),
                                               pd.Timestamp("2024-03-09 17:45")]
    # 00:00–23:59 is the register's unknown time: the whole day, to the next midnight.
    assert frame["occurred_to"].iloc[:2].tolist() == [pd.Timestamp("2024-03-02 06:30"),
                                                      pd.Timestamp("2024-03-05 00:00")]
    assert pd.isna(frame["occurred_to"].iloc[2])
    np.testing.assert_array_equal(frame[["x", "y"]].to_numpy(), PLACES)
    assert "Plats" in result.report.columns_dropped
