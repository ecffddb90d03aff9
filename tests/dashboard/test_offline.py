"""Offline maps: rewritten resource links, the vendored files, basemap config, ``samsyn serve``."""

from __future__ import annotations

import re
from pathlib import Path

import branca.colormap
import folium
import folium.plugins
import pytest

from cli.serve_cmd import REQUIRED_FLAGS, config_flags, streamlit_argv
from core.config import AppConfig, BasemapConfig, ConfigError, load_config, parse_basemap
from dashboard.components.basemap import DRAW_TEXTS, add_basemap, add_draw, base_map
from dashboard.components.offline import VENDOR_DIR, VENDORED, external_links, local_urls, make_offline
from tests.conftest import REPO

OSM = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
BOUNDS = (16.49, 59.565, 16.57, 59.635)
DISTRICTS = {
    "type": "FeatureCollection",
    "features": [{
        "type": "Feature",
        "properties": {"namn": "Norra", "brott": 120},
        "geometry": {"type": "Polygon", "coordinates": [[
            [16.50, 59.60], [16.56, 59.60], [16.56, 59.63], [16.50, 59.60],
        ]]},
    }],
}


def _full_map(config: BasemapConfig) -> folium.Map:
    m = base_map(BOUNDS, config)
    scale = branca.colormap.LinearColormap(["#fef0d9", "#b30000"], vmin=0, vmax=150, caption="Brott")
    folium.GeoJson(DISTRICTS, style_function=lambda f: {"fillColor": scale(f["properties"]["brott"])}).add_to(m)
    scale.add_to(m)
    folium.plugins.HeatMap([[59.6, 16.52, 1.0], [59.61, 16.53, 2.0]]).add_to(m)
    cluster = folium.plugins.MarkerCluster().add_to(m)
    folium.Marker([59.6, 16.52], icon=folium.Icon(icon="info-sign")).add_to(cluster)
    add_draw(m)
    folium.plugins.Fullscreen().add_to(m)
    return m


def _resource_links(html: str) -> list[str]:
    return re.findall(r"<(?:script|link)\b[^>]*\b(?:src|href)=[\"']([^\"']+)[\"']", html)


def test_rendered_map_loads_nothing_from_the_internet():
    make_offline()
    html = _full_map(BasemapConfig()).get_root().render()
    links = _resource_links(html)
    assert len(links) >= 15
    assert external_links(links) == []
    assert all(url.startswith("/app/static/vendor/") for url in links), links
    # no URL at all outside documentation-style comments: tiles are off by default
    assert re.findall(r"https?://[^\s\"'<>)]+", html) == []


def test_configured_tile_url_is_the_only_external_address():
    make_offline()
    config = BasemapConfig(tiles=OSM, attribution="© OpenStreetMap-bidragsgivare", max_zoom=19)
    html = _full_map(config).get_root().render()
    assert external_links(_resource_links(html)) == []
    addresses = set(re.findall(r"https?://[^\s\"'<>)]+", html))
    assert addresses == {OSM}


def test_every_plugin_and_legend_resource_is_rewritten():
    make_offline()
    html = _full_map(BasemapConfig()).get_root().render()
    for expected in ("leaflet@1.9.3/leaflet.js", "folium/leaflet_heat.min.js",
                     "leaflet.markercluster@1.1.0/leaflet.markercluster.js", "leaflet-draw@1.0.2/leaflet.draw.js",
                     "d3@3.5.5/d3.min.js", "samsyn/leaflet-icon-path.js"):
        assert f"/app/static/vendor/{expected}" in html


def test_make_offline_is_idempotent_and_accepts_another_base_url():
    make_offline("/proxy/app/static/vendor/")
    make_offline("/proxy/app/static/vendor")
    assert folium.Map.default_js[0] == ("leaflet", "/proxy/app/static/vendor/leaflet@1.9.3/leaflet.js")
    icon_scripts = [url for _, url in folium.Map.default_js if "leaflet-icon-path" in url]
    assert icon_scripts == ["/proxy/app/static/vendor/samsyn/leaflet-icon-path.js"]
    make_offline()
    make_offline()
    assert folium.Map.default_js[0] == ("leaflet", "/app/static/vendor/leaflet@1.9.3/leaflet.js")
    assert len(folium.Map.default_js) == 5
    assert folium.plugins.HeatMap.default_js == [("leaflet-heat.js", "/app/static/vendor/folium/leaflet_heat.min.js")]


def test_streamlit_folium_links_are_rewritten(monkeypatch):
    import streamlit_folium

    make_offline()
    seen: dict[str, list[str]] = {}

    def fake_component(*args, **kwargs):
        seen.update(js=kwargs["js_links"], css=kwargs["css_links"])
        return {}

    # stands in for the real component; monkeypatch puts the real (wrapped) one back afterwards
    monkeypatch.setattr(streamlit_folium, "_component_func", fake_component)
    make_offline()  # wraps the fake as it wraps the real component
    streamlit_folium.st_folium(_full_map(BasemapConfig()), returned_objects=[])
    assert seen["js"] and seen["css"]
    assert external_links(seen["js"] + seen["css"]) == []
    # streamlit-folium's hard-coded d3 v4 and v3 are both local, in its order
    assert seen["js"][:2] == ["/app/static/vendor/d3@4.13.0/d3.min.js", "/app/static/vendor/d3@3.5.5/d3.min.js"]


def test_every_vendored_file_exists_and_the_folder_stays_small():
    for relative in {*VENDORED.values(), "samsyn/leaflet-icon-path.js"}:
        assert (VENDOR_DIR / relative).is_file(), relative
    files = [p for p in VENDOR_DIR.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files) < 3_000_000
    assert not [p for p in files if p.suffix in {".ttf", ".eot", ".woff", ".map"}]


def test_vendored_stylesheets_reference_only_vendored_files():
    for css in VENDOR_DIR.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(encoding="utf-8")):
            if url.startswith(("data:", "#")) or url.endswith(".ttf"):
                continue  # .ttf is a fallback after woff2 in Font Awesome's @font-face
            assert not url.startswith(("http:", "https:", "//")), (css, url)
            assert (css.parent / url.split("?")[0].split("#")[0]).is_file(), (css, url)


def test_local_urls_cover_every_cdn_url():
    assert set(local_urls("/x")) == set(VENDORED)
    assert all(url.startswith("/x/") for url in local_urls("/x").values())


# --- basemap --------------------------------------------------------------------------------------

def test_base_map_has_no_tiles_a_max_zoom_and_a_scale_by_default():
    m = base_map(BOUNDS, BasemapConfig(max_zoom=18))
    html = m.get_root().render()
    assert "L.tileLayer" not in html
    assert '"maxZoom": 18' in html
    assert "L.control.scale({imperial: false" in html
    assert "fitBounds" in html and "[59.565, 16.49]" in html


def test_add_basemap_adds_the_configured_tile_layer():
    m = base_map(BOUNDS, BasemapConfig())
    config = AppConfig(basemap=BasemapConfig(tiles=OSM, attribution="Kartdata OSM", max_zoom=17))
    layer = add_basemap(m, config)
    assert layer is not None
    html = m.get_root().render()
    assert OSM in html and "Kartdata OSM" in html and "\"maxZoom\": 17" in html
    assert add_basemap(folium.Map(tiles=None), BasemapConfig()) is None


def test_add_draw_sets_swedish_texts_before_the_control_and_draws_areas_only():
    m = base_map(BOUNDS, BasemapConfig())
    add_draw(m)
    html = m.get_root().render()
    texts, control = html.find("L.drawLocal = "), html.find("new L.Control.Draw(")
    assert 0 < texts < control
    assert "Rita ett område" in html
    assert '"polyline": false' in html and '"marker": false' in html
    english = base_map(BOUNDS, BasemapConfig())
    add_draw(english, language="en")
    assert "Draw a polygon" in english.get_root().render()
    assert set(DRAW_TEXTS["sv"]) == set(DRAW_TEXTS["en"]) == {"draw", "edit"}
    with pytest.raises(ValueError, match="Okänt språk"):
        add_draw(m, language="fi")


@pytest.mark.parametrize("bounds", [(600000, 6600000, 610000, 6610000), (1, 2, 3), (16.6, 59.6, 16.5, 59.7),
                                    (16.5, float("nan"), 16.6, 59.7)])
def test_base_map_rejects_bad_bounds_in_swedish(bounds):
    with pytest.raises(ValueError, match="Kartans utbredning"):
        base_map(bounds, BasemapConfig())


# --- samsyn.toml ----------------------------------------------------------------------------------

def test_defaults_without_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = load_config(env={})
    assert config.source is None
    assert config.basemap == BasemapConfig(tiles=None)
    assert config.data_directory == tmp_path / "userdata"
    assert config.database_url is None


def test_the_example_file_is_valid_and_offline():
    config = load_config(REPO / "samsyn.toml.example", env={})
    assert config.basemap.tiles is None
    assert config.data_directory == REPO / "userdata"


def test_file_from_env_with_tiles_and_relative_data_directory(tmp_path):
    path = tmp_path / "conf" / "samsyn.toml"
    path.parent.mkdir()
    path.write_text(
        '[data]\ndirectory = "../data"\n'
        f'[basemap]\ntiles = "{OSM}"\nattribution = "© OpenStreetMap"\nmax_zoom = 18\n'
        '[database]\nurl = "sqlite:///x.db"\n',
        encoding="utf-8",
    )
    config = load_config(env={"SAMSYN_CONFIG": str(path)})
    assert config.source == path
    assert config.data_directory == tmp_path / "data"
    assert config.basemap == BasemapConfig(tiles=OSM, attribution="© OpenStreetMap", max_zoom=18)
    assert config.database_url == "sqlite:///x.db"
    overridden = load_config(env={"SAMSYN_CONFIG": str(path), "SAMSYN_DATA": str(tmp_path / "other")})
    assert overridden.data_directory == tmp_path / "other"


def test_local_samsyn_toml_is_found(tmp_path, monkeypatch):
    (tmp_path / "samsyn.toml").write_text('[basemap]\ntiles = "none"\nmax_zoom = 20\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    config = load_config(env={})
    assert config.source == tmp_path / "samsyn.toml"
    assert config.basemap.max_zoom == 20


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"tiles": "https://example.se/tiles.png", "attribution": "x"}, "saknar"),
        ({"tiles": OSM}, "attribution saknas"),
        ({"tiles": "tile.openstreetmap.org/{z}/{x}/{y}.png", "attribution": "x"}, "måste börja med"),
        ({"tiles": "none", "max_zoom": 30}, "max_zoom"),
        ({"tiles": "none", "max_zoom": "18"}, "max_zoom"),
        ({"tiles": 5}, "tiles"),
    ],
)
def test_bad_basemap_settings_are_explained_in_swedish(section, message):
    with pytest.raises(ConfigError, match=message):
        parse_basemap(section)


def test_missing_or_broken_files_raise_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="finns inte"):
        load_config(env={"SAMSYN_CONFIG": str(tmp_path / "saknas.toml")})
    broken = tmp_path / "samsyn.toml"
    broken.write_text("[basemap\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="inte giltig TOML"):
        load_config(broken, env={})


# --- samsyn serve ---------------------------------------------------------------------------------

def test_serve_passes_the_settings_as_flags():
    argv = streamlit_argv("127.0.0.1", 8765)
    assert argv[1:4] == ["-m", "dashboard.launch", "run"]
    assert Path(argv[4]) == REPO / "dashboard" / "app.py"
    flags = dict(arg[2:].split("=", 1) for arg in argv[5:])
    assert flags["server.port"] == "8765"
    assert flags["server.address"] == "127.0.0.1"
    for name, value in REQUIRED_FLAGS.items():
        assert flags[name] == value
    assert flags["theme.primaryColor"] == "#0072B2"


def test_streamlit_config_file_matches_the_required_flags():
    flags = config_flags()
    assert flags["browser.gatherUsageStats"] == "false"
    assert flags["server.enableStaticServing"] == "true"


def test_serve_refuses_a_busy_port(run_cli):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_cli("serve", "--port", str(port))
    assert result.returncode == 2
    assert "Välj annars en annan port" in result.stderr
