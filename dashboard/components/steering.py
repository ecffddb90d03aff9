"""The steering group's view: a traffic light drawn (not emoji), arrow-key paging, and print styles.

The light is an SVG circle with its word beside it ("Grönt – målet nås"), so it shows on any machine
(emoji need a font the projector laptop may lack) and the word, not the colour, carries the meaning
for a colour-blind reader. The colours are Okabe–Ito's.
"""

from __future__ import annotations

import html
import json

import pandas as pd
import shapely

from core import formatting

# Okabe–Ito bluish green, yellow, vermillion, and a mid grey: distinguishable with common colour blindness.
LIGHT_COLOURS = {"grön": "#009E73", "gul": "#F0E442", "röd": "#D55E00", "grå": "#9E9E9E"}
# The report's legend (grön = uppnått, gul = på väg men osäkert, röd = fel håll, grå = ännu inte mätbart),
# said as a headline.
LIGHT_WORDS = {
    "sv": {"grön": "Grönt – målet nås", "gul": "Gult – på väg men osäkert", "röd": "Rött – fel håll",
           "grå": "Grått – ännu inte mätbart"},
    "en": {"grön": "Green – the goal is reached", "gul": "Yellow – on the way but uncertain",
           "röd": "Red – the wrong way", "grå": "Grey – not measurable yet"},
}


def light_word(status: str, lang: str = "sv") -> str:
    """The word of a traffic light, e.g. ``"Gult – på väg men osäkert"``.

    Examples
    --------
    >>> light_word("grön"), light_word("röd", "en")
    ('Grönt – målet nås', 'Red – the wrong way')
    """
    return LIGHT_WORDS["en" if lang == "en" else "sv"][status]


def light_html(status: str, lang: str = "sv", *, size: int = 72) -> str:
    """A drawn traffic light: a CSS circle in the light's colour with a black ring, and its word, as one HTML block.

    A CSS circle rather than SVG: ``st.html`` sanitises its HTML and drops inline SVG.

    Examples
    --------
    >>> block = light_html("gul")
    >>> "background:#F0E442" in block and "Gult – på väg men osäkert" in block and "🟡" not in block
    True
    """
    word = html.escape(light_word(status, lang))
    return (
        f'<div class="samsyn-light samsyn-light-{html.escape(status)}" role="img" aria-label="{word}" '
        f'style="display:flex;align-items:center;gap:0.6em;margin:0.1em 0 0.3em 0">'
        f'<span class="samsyn-light-dot" aria-hidden="true" style="flex:none;display:inline-block;width:{size}px;'
        f"height:{size}px;border-radius:50%;background:{LIGHT_COLOURS[status]};border:3px solid #000;"
        f'box-sizing:border-box;print-color-adjust:exact;-webkit-print-color-adjust:exact"></span>'
        f'<span class="samsyn-light-word" style="font-size:{max(1.0, size / 40):.2f}rem;font-weight:700">'
        f"{word}</span></div>"
    )


def survey_change_lines(change: pd.DataFrame, area_names: dict[str, str], *, lang: str = "sv",
                        brief: bool = False) -> list[str]:
    """One line per district and question of :func:`analysis.survey.survey_change`: the verdict and its interval.

    "bättre" / "sämre" / "ingen säker förändring" (the survey test's own assessment), then the change with
    its 95 % interval — in percentage points for shares, in index points for a 0–6 index. A result that
    cannot be tested says so without an interval; ``brief`` counts those in one last line instead.

    Examples
    --------
    >>> row = {"area_id": "C1", "label": "Otrygga ute sent", "unit": "share", "assessment": "bättre",
    ...        "change": -0.10, "change_low": -0.16, "change_high": -0.04}
    >>> survey_change_lines(pd.DataFrame([row]), {"C1": "Centrum"})[0]
    'Centrum, Otrygga ute sent: bättre (−10 procentenheter, 95 % intervall −16 till −4)'
    """
    from analysis.survey import assessment_text

    lines = []
    untested = int((change["assessment"] == "kan inte bedömas").sum()) if brief else 0
    for row in change.to_dict("records"):
        if brief and row["assessment"] == "kan inte bedömas":
            continue
        name = area_names.get(row["area_id"], str(row["area_id"]))
        label = row.get("label") or row.get("indicator", "")
        verdict = assessment_text(str(row["assessment"]), lang=lang)
        low, high = row.get("change_low"), row.get("change_high")
        if row["assessment"] == "kan inte bedömas" or low is None or pd.isna(low) or pd.isna(high):
            lines.append(f"{name}, {label}: {verdict}")
            continue
        share = row.get("unit") == "share"
        scale, decimals = (100.0, 0) if share else (1.0, 2)
        unit = (" percentage points" if lang == "en" else " procentenheter") if share else ""
        interval = "95% interval" if lang == "en" else "95 % intervall"
        to = "to" if lang == "en" else "till"

        def num(value: float, scale: float = scale, decimals: int = decimals) -> str:
            shown = round(value * scale, decimals) + 0.0  # no "−0" for a change that rounds to nothing
            return formatting.number(shown, decimals, lang=lang, signed=shown != 0)

        lines.append(f"{name}, {label}: {verdict} ({num(row['change'])}{unit}, {interval} {num(low)} {to} "
                     f"{num(high)})")
    if untested:
        lines.append(f"{formatting.count(untested, lang=lang)} more results cannot be assessed (no margin of error "
                     "published)" if lang == "en" else
                     f"{formatting.count(untested, lang=lang)} resultat till kan inte bedömas (ingen felmarginal "
                     "publicerad)")
    return lines


# Arrow keys in a meeting: Streamlit has no key events, so a script (st.html with JavaScript, run in the page
# itself; window.parent is the page too should it run in a component's iframe) listens for keys and clicks the page's own buttons, found by their widget keys (Streamlit
# gives a keyed widget's container the class st-key-<key>), so the language of their labels does not matter. It
# acts only while the steering view is on screen (its marker element) and never while someone types in a field.
_KEYS_SCRIPT = """
<script>
(function () {
  const P = window.parent || window;
  const keys = %(keys)s;
  if (P.__samsynSteeringKeys) { P.removeEventListener("keydown", P.__samsynSteeringKeys); }
  P.__samsynSteeringKeys = function (event) {
    const doc = P.document;
    if (!doc.querySelector(".samsyn-steering")) { return; }
    const target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) { return; }
    const key = keys[event.key];
    if (!key) { return; }
    const button = doc.querySelector(".st-key-" + key + " button");
    if (button && !button.disabled) { event.preventDefault(); button.click(); }
  };
  P.addEventListener("keydown", P.__samsynSteeringKeys);
})();
</script>
"""


def arrow_keys_script(previous_key: str, next_key: str) -> str:
    """The script that makes ← and → click the buttons with the widget keys ``previous_key`` and ``next_key``.

    Examples
    --------
    >>> '"ArrowRight": "steering_next"' in arrow_keys_script("steering_previous", "steering_next")
    True
    """
    return _KEYS_SCRIPT % {"keys": json.dumps({"ArrowLeft": previous_key, "ArrowRight": next_key})}


# Printing: one measure per page, without the sidebar, the header, the paging buttons or the download toolbars.
PRINT_CSS = """
<style>
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"], header,
  [data-testid="stSidebarCollapsedControl"], .samsyn-no-print, [data-testid="stElementToolbar"],
  [data-testid="stButton"], [data-testid="stDecoration"] { display: none !important; }
  /* Streamlit lays elements out in flex columns; as blocks, the measure markers' page breaks hold. */
  [data-testid="stVerticalBlock"] { display: block !important; }
  [data-testid="stElementContainer"]:has(.samsyn-measure:not([data-measure="1"])) {
    break-before: page; page-break-before: always; }
  [data-testid="stAppViewContainer"], .block-container { padding: 0 !important; max-width: 100% !important; }
  [data-testid="stPlotlyChart"] { break-inside: avoid; }
}
.samsyn-measure-title { font-size: 2.6rem; font-weight: 700; line-height: 1.15; margin: 0; padding: 0; }
.samsyn-big { font-size: 1.6rem; line-height: 1.4; }
.samsyn-uncertainty { font-size: 1.3rem; line-height: 1.4; color: #222; }
.samsyn-progress { font-size: 1.5rem; font-weight: 600; }
</style>
"""


def shown_picture(store, active):
    """The pinned places, measures and goals this session's viewer may see, and the view of each item.

    Places (and their measures and goals) on a dataset not shared with the viewer are left out
    altogether, as on Uppföljning and in the report.

    Returns
    -------
    tuple
        ``(hotspots by id, measures, goals, view_of)``; ``view_of(item)`` is the session's view of the
        dataset the item belongs to (the active one's when that dataset is gone).
    """
    from dashboard.loaders import current_view, workspace

    every_pin = store.list_hotspots()

    def view_of(item):
        dataset = workspace().dataset_of(item, every_pin)
        return current_view(dataset if dataset is not None else active.dataset)

    hotspots = {h.id: h for h in every_pin if view_of(h).visible}
    hidden_ids = {h.id for h in every_pin} - set(hotspots)
    measures = [m for m in store.list_measures()
                if not (m.hotspot_ids and set(m.hotspot_ids) <= hidden_ids) and view_of(m).visible]
    goals = [g for g in store.list_goals() if g.hotspot_id not in hidden_ids]
    return hotspots, measures, goals, view_of


# --- Uppföljning's comparison area: the saved choice, chosen on the map or in the list ------------------

CHOSEN_OUTLINE, CHOSEN_DASH = "#000000", "12 6"  # the chosen comparison area on the map
SAVED_AREA = "__saved__"  # the option of a saved comparison area that is no district of the layer (any more)
# A saved comparison area is the district it covers (stored as WKT rounded to 0,1 m) when they overlap this much.
SAME_AREA = 0.98


def _overlap(first, second) -> float:
    union = shapely.union(first, second).area
    return shapely.intersection(first, second).area / union if union > 0 else 0.0


def comparison_areas(districts, saved_plan=None, *, saved_label: str = "{name}"):
    """The areas to choose a comparison area from: the districts, and the saved area when it is none of them.

    ``districts`` has ``area_id``, ``name`` and geometry; ``saved_plan`` is the stored
    :class:`store.model.Followup` (or None). A saved area that no district matches (the layer was
    replaced, or the area was drawn) stays a choice of its own, :data:`SAVED_AREA`, named with
    ``saved_label`` (``"{name} (sparat område)"``), so it is never swapped for another silently.
    """
    import geopandas as gpd

    areas = districts[["area_id", "name", "geometry"]].copy()
    areas["area_id"] = areas["area_id"].astype(str)
    if saved_plan is None or not saved_plan.control_wkt:
        return areas
    saved = shapely.from_wkt(saved_plan.control_wkt)
    if any(_overlap(saved, geometry) >= SAME_AREA for geometry in areas.geometry):
        return areas
    extra = gpd.GeoDataFrame({"area_id": [SAVED_AREA],
                              "name": [saved_label.format(name=saved_plan.control_name or "–")]},
                             geometry=[saved], crs=areas.crs)
    return pd.concat([areas, extra], ignore_index=True)


def saved_area_id(areas, saved_plan=None) -> str | None:
    """The ``area_id`` in ``areas`` (:func:`comparison_areas`) of the saved comparison area; None without one.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from store.model import Followup
    >>> areas = gpd.GeoDataFrame({"area_id": ["A", "B"], "name": ["Norr", "Söder"]},
    ...                          geometry=[shapely.box(0, 10, 10, 20), shapely.box(0, 0, 10, 10)])
    >>> saved_area_id(areas, Followup(1, "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))", control_name="Söder"))
    'B'
    """
    if saved_plan is None or not saved_plan.control_wkt:
        return None
    saved = shapely.from_wkt(saved_plan.control_wkt)
    scores = [(_overlap(saved, geometry), area_id) for area_id, geometry in zip(areas["area_id"], areas.geometry,
                                                                                strict=True)]
    best = max(scores, default=(0.0, None))
    return best[1] if best[0] >= SAME_AREA else None


def opening_bounds(target, areas, saved_id: str | None, crs: str) -> tuple[float, float, float, float]:
    """Where Uppföljning's map opens (WGS 84): the target and the saved comparison area with a margin, else all areas.

    The same for every run of a measure until its follow-up is saved again, so the map is not rebuilt
    when an area is chosen.
    """
    import geopandas as gpd

    shapes = [g for g in (target,) if g is not None and not g.is_empty]
    if saved_id is not None:
        shapes.append(areas.set_index("area_id").geometry[saved_id])
    if not shapes:
        return tuple(areas.to_crs(4326).total_bounds)
    west, south, east, north = shapely.union_all(shapes).bounds
    margin = max(east - west, north - south, 200.0) * 0.15
    box = shapely.box(west - margin, south - margin, east + margin, north + margin)
    return tuple(gpd.GeoSeries([box], crs=crs).to_crs(4326).total_bounds)


def chosen_layer(areas, chosen_id: str | None, crs: str, *, name: str = "Jämförelseområde"):
    """The chosen comparison area as a map layer: a thick dashed outline over a light fill."""
    import folium

    group = folium.FeatureGroup(name=name)
    if chosen_id is None or chosen_id not in set(areas["area_id"]):
        return group
    chosen = areas[areas["area_id"] == chosen_id][["geometry"]].to_crs(4326)
    # Not interactive: a click on it reaches the district underneath, as on the rest of the map. Black, dashed
    # and sky blue, so it cannot be taken for a pinned place (those are outlined in the pictures' colours).
    folium.GeoJson(chosen.__geo_interface__, interactive=False,
                   style_function=lambda _: {"color": CHOSEN_OUTLINE, "weight": 6, "dashArray": CHOSEN_DASH,
                                             "fillColor": "#56B4E9", "fillOpacity": 0.35}).add_to(group)
    return group


def clicked_area(result: dict | None, last: tuple[float, float] | None) -> tuple[str, tuple[float, float]] | None:
    """The district a new click on Uppföljning's map chose, with the click's position; None when there is none.

    st_folium keeps returning the last clicked feature on every run; only a click at a new position
    that lies in that feature counts (a click elsewhere leaves the feature as it was).

    Examples
    --------
    >>> feature = {"properties": {"samsyn_kind": "district", "samsyn_id": "S01"},
    ...            "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}}
    >>> clicked_area({"last_active_drawing": feature, "last_object_clicked": {"lat": 0.5, "lng": 0.5}}, None)
    ('S01', (0.5, 0.5))
    >>> clicked_area({"last_active_drawing": feature, "last_object_clicked": {"lat": 0.5, "lng": 0.5}}, (0.5, 0.5))
    """
    from shapely.geometry import shape

    result = result or {}
    drawing = result.get("last_active_drawing") or {}
    spot = result.get("last_object_clicked") or {}
    if drawing.get("properties", {}).get("samsyn_kind") != "district" or "lat" not in spot:
        return None
    position = (float(spot["lat"]), float(spot["lng"]))
    if last is not None and tuple(last) == position:
        return None
    try:
        inside = shape(drawing["geometry"]).buffer(1e-6).contains(shapely.Point(position[1], position[0]))
    except (KeyError, TypeError, ValueError, shapely.errors.ShapelyError):
        return None
    return (str(drawing["properties"]["samsyn_id"]), position) if inside else None


def touched_districts(districts, places) -> list[str]:
    """The ``area_id`` of the districts the places lie in: an overlap of some area, not a shared border.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from store.model import Hotspot
    >>> districts = gpd.GeoDataFrame({"area_id": ["A", "B"]}, geometry=[shapely.box(0, 0, 10, 10),
    ...                                                               shapely.box(10, 0, 20, 10)])
    >>> touched_districts(districts, [Hotspot(title="A", geometry_wkt="POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))")])
    ['A']
    """
    from analysis.problem_numbers import place_geometry

    if not places:
        return []
    area = shapely.union_all([place_geometry(h.geometry_wkt, title=h.title) for h in places])
    overlap = districts.geometry.intersection(area).area
    return districts.loc[overlap > 0, "area_id"].astype(str).tolist()
