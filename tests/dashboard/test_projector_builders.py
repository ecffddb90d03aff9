"""Projector mode's builders, rendered and read: the colour bar, the map's full-screen control and CSS,
the figures' text sizes and hour labels, the HTML tables. (The browser measures the result:
tests/browser/test_projector.py.)"""

from __future__ import annotations

import re

import branca.colormap as cm
import numpy as np
import pandas as pd

from dashboard.components.basemap import base_map
from dashboard.components.charts import bar_profile, trend_chart, weekday_hour_heatmap
from dashboard.components.maps import colour_bar_html
from dashboard.components.projector import MIN_PROJECTOR_PX, map_css, projector_css, table_html

BOUNDS = (16.50, 59.60, 16.60, 59.65)  # a made-up town near Västerås, WGS 84
WEEKDAYS = ("mån", "tis", "ons", "tors", "fre", "lör", "sön")


def test_colour_bar_reads_swedish_thousands_at_even_steps():
    # 69 … 2 912 in four equal steps of 710.75: 69, 779.75, 1 490.5, 2 201.25, 2 912, written whole.
    bar = colour_bar_html(cm.LinearColormap(["#fde725", "#440154"], vmin=69, vmax=2912), "Antal händelser")
    ticks = re.findall(r'class="samsyn-tick">([^<]*)<', bar)
    assert ticks == ["69", "780", "1\u00a0490", "2\u00a0201", "2\u00a0912"]
    assert "Antal händelser" in bar and "<svg" not in bar


def test_colour_bar_in_english_and_its_caption_escaped():
    bar = colour_bar_html(cm.LinearColormap(["#ffffff", "#000000"], vmin=0, vmax=1500), "<b>x</b>", lang="en", ticks=3)
    assert re.findall(r'class="samsyn-tick">([^<]*)<', bar) == ["0", "750", "1,500"]
    assert "&lt;b&gt;x&lt;/b&gt;" in bar and "<b>x</b>" not in bar


def test_small_range_gets_decimals():
    bar = colour_bar_html(cm.LinearColormap(["#ffffff", "#000000"], vmin=0.0, vmax=2.0), "Index", ticks=3)
    assert re.findall(r'class="samsyn-tick">([^<]*)<', bar) == ["0,0", "1,0", "2,0"]


def test_every_map_has_a_full_screen_control_served_by_samsyn():
    html = base_map(BOUNDS, projector=False, lang="sv").get_root().render()
    assert "L.control.fullscreen" in html
    # The titles as folium writes them into the script (JSON escapes: helsk\u00e4rm).
    assert '"title": "Visa kartan i helsk\\u00e4rm"' in html and '"titleCancel": "L\\u00e4mna helsk\\u00e4rm"' in html
    assert "Control.FullScreen.js" in html and "cdn.jsdelivr.net" not in html
    assert "samsyn_projector" not in html and "#map_div" not in html  # the desk map keeps its own size


def test_projector_map_sets_its_texts_at_22px_and_fills_its_frame():
    html = base_map(BOUNDS, projector=True, lang="en").get_root().render()
    assert '"title": "Full screen"' in html and '"titleCancel": "Exit full screen"' in html
    assert map_css(True) in html
    for part in (".leaflet-control-layers", ".samsyn-legend", ".leaflet-tooltip", ".leaflet-control-scale-line"):
        assert part in map_css(True)
    assert "font-size: 22px !important" in map_css(True)
    assert "#map_div, #map_div2 { height: 100vh !important; }" in map_css(True)


def test_projector_css_hides_the_sidebar_unless_asked_for():
    assert 'display: none !important' in projector_css(True)
    assert '[data-testid="stSidebar"]' in projector_css(True)
    assert '[data-testid="stSidebar"]' not in projector_css(True, sidebar=True)
    assert "stSidebar" not in projector_css(False)
    assert f"max({MIN_PROJECTOR_PX}px, 1em)" in projector_css(True)


def _sizes(fig) -> list[float]:
    """Every font size a figure sets, wherever in its layout or traces (None = plotly's default)."""
    sizes = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "size" and isinstance(value, (int, float)) and "font" in path[-1:]:
                    sizes.append(value)
                path.append(key)
                walk(value)
                path.pop()
        elif isinstance(node, list):
            for item in node:
                walk(item)

    path: list[str] = []
    walk(fig.to_plotly_json())
    return sizes


def test_projector_heatmap_texts_and_hour_labels():
    matrix = pd.DataFrame(np.arange(7 * 24, dtype=float).reshape(7, 24), index=range(1, 8), columns=range(24))
    fig = weekday_hour_heatmap(matrix, weekday_names=WEEKDAYS, projector=True, title="Veckodag × timme")
    assert list(fig.layout.xaxis.tickvals) == ["00", "03", "06", "09", "12", "15", "18", "21"]
    assert list(fig.layout.xaxis.ticktext) == ["00", "03", "06", "09", "12", "15", "18", "21"]
    assert fig.layout.xaxis.type == "category"
    assert fig.data[0].colorbar.tickfont.size == 22 and fig.data[0].colorbar.title.font.size == 22
    assert fig.layout.hoverlabel.font.size == 22 and fig.layout.legend.font.size == 22
    assert min(_sizes(fig)) >= 20, _sizes(fig)
    desk = weekday_hour_heatmap(matrix, weekday_names=WEEKDAYS, projector=False)
    assert len(desk.layout.xaxis.tickvals) == 24


def test_projector_masked_heatmap_cells_and_bar_labels_at_least_20px():
    matrix = pd.DataFrame(1.0, index=range(1, 8), columns=range(24))
    texts = pd.DataFrame("..", index=range(1, 8), columns=range(24))
    fig = weekday_hour_heatmap(matrix, weekday_names=WEEKDAYS, projector=True, texts=texts)
    assert fig.data[0].textfont.size == 20
    bars = bar_profile(pd.Series(1.0, index=range(24)), projector=True, texts=pd.Series("..", index=range(24)))
    assert bars.data[0].textfont.size == 22 and list(bars.layout.xaxis.tickvals)[:3] == ["00", "03", "06"]


def test_projector_trend_note_at_22px():
    series = pd.DataFrame({"month": pd.date_range("2024-01-01", periods=6, freq="MS"), "count": [3, 4, 5, 4, 3, 2]})
    fig = trend_chart(series, x="month", y="count", projector=True, marker_date=pd.Timestamp("2024-03-01"),
                      marker_label="Åtgärden startar")
    assert fig.layout.annotations[0].font.size == 22
    assert min(_sizes(fig)) >= 20


def test_table_html_escapes_and_counts_the_rest():
    rows = [[f"<i>Plats {i}</i>", f"{i}"] for i in range(32)]
    html = table_html(["Plats", "Antal"], rows, numeric=[False, True], max_rows=30)
    assert html.count("<tr>") == 31  # the header and 30 rows
    assert "&lt;i&gt;Plats 0&lt;/i&gt;" in html and "<i>" not in html
    assert '<td class="num">29</td>' in html and '<td class="num">30</td>' not in html
    assert "och 2 rader till" in html
