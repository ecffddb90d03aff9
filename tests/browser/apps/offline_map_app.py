"""Test-only Streamlit app: one folium map with every plugin Samsyn uses, via st_folium.

Started by the ``offline_map_url`` fixture; ``static`` beside this file links
to ``dashboard/static`` so the vendored files are served as in the real app.
"""

from __future__ import annotations

import branca.colormap
import folium
import folium.plugins
import streamlit as st
from streamlit_folium import st_folium

from core.config import BasemapConfig
from dashboard.components.basemap import add_draw, base_map
from dashboard.components.offline import make_offline

make_offline()
st.set_page_config(page_title="Karttest", layout="wide")
st.title("Karta utan internet")

# Two districts of a made-up town near Västerås, with a colour scale legend.
districts = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"namn": "Norra", "brott": 120},
            "geometry": {"type": "Polygon", "coordinates": [[
                [16.50, 59.60], [16.56, 59.60], [16.56, 59.63], [16.50, 59.63], [16.50, 59.60],
            ]]},
        },
        {
            "type": "Feature",
            "properties": {"namn": "Södra", "brott": 45},
            "geometry": {"type": "Polygon", "coordinates": [[
                [16.50, 59.57], [16.56, 59.57], [16.56, 59.60], [16.50, 59.60], [16.50, 59.57],
            ]]},
        },
    ],
}
scale = branca.colormap.LinearColormap(["#fef0d9", "#b30000"], vmin=0, vmax=150, caption="Anmälda brott")

m = base_map((16.49, 59.565, 16.57, 59.635), BasemapConfig(tiles=None, max_zoom=18))
folium.GeoJson(
    districts,
    name="Stadsdelar",
    style_function=lambda feature: {
        "fillColor": scale(feature["properties"]["brott"]),
        "color": "#333333",
        "weight": 2,
        "fillOpacity": 0.7,
    },
    tooltip=folium.GeoJsonTooltip(["namn", "brott"], aliases=["Stadsdel", "Brott"]),
).add_to(m)
scale.add_to(m)
points = [[59.58 + 0.004 * i, 16.51 + 0.005 * (i % 7)] for i in range(30)]
folium.plugins.HeatMap(points, name="Täthet").add_to(m)
cluster = folium.plugins.MarkerCluster(name="Händelser").add_to(m)
for i in range(12):  # close together, so they cluster at the fitted zoom
    folium.Marker([59.585 + 0.0004 * i, 16.54 + 0.0003 * i]).add_to(cluster)
folium.Marker([59.615, 16.53], icon=folium.Icon(color="red", icon="info-sign")).add_to(m)
add_draw(m)
folium.plugins.Fullscreen().add_to(m)
folium.LayerControl().add_to(m)

st_folium(m, height=600, use_container_width=True, returned_objects=[], key="karta")
