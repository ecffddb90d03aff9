"""Projector mode: large type and high contrast, readable from the back of a room at 1920×1080.

Projector mode is a layout of its own, not the desk layout scaled up: no text below
:data:`MIN_PROJECTOR_PX` (tables included, which are drawn as HTML tables there, see
:mod:`dashboard.components.tables`), the sidebar hidden on every page until the moderator asks for
it, and the maps as high as the screen allows. The CSS for the page is :func:`projector_css`, the
CSS inside the map iframes :func:`map_css`.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

# Okabe–Ito palette: distinguishable with the common forms of colour blindness.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")

BASE_FONT = 14
PROJECTOR_FONT = 22
#: The smallest text on screen in projector mode (px at 1920×1080): readable from the back of a room.
MIN_PROJECTOR_PX = 20
#: What lies above a full-height map in projector mode (the top navigation, the page title, two rows of
#: controls): the map's iframe is ``calc(100vh - MAP_OFFSET_PX)`` high, so it ends on the screen.
MAP_OFFSET_PX = 410
#: The workshop's step bar and its buttons above the page (dashboard/components/workshop.py) while one runs.
WORKSHOP_BAR_PX = 230


def font_size(projector: bool) -> int:
    """Base font size for charts."""
    return PROJECTOR_FONT if projector else BASE_FONT


def active() -> bool:
    """Whether this session is in projector mode (False outside a Streamlit run).

    For builders that every page calls (the base map, tables) so that each map and table in
    projector mode is readable without each page passing the flag on.
    """
    try:
        import streamlit as st

        return bool(st.session_state.get("projector", False))
    except Exception:  # no Streamlit session (a test building a map on its own)
        return False


def map_css(projector: bool) -> str:
    """CSS inside a folium map's document: in projector mode every legend, control and tooltip text ≥ 20 px."""
    if not projector:
        return ""
    size = PROJECTOR_FONT
    # streamlit-folium sets its map element's height in px from st_folium(height=…); in projector mode
    # the page sizes the iframe from the screen, and the map fills the iframe.
    return f"""<style>
html, body {{ margin: 0; }}
#map_div, #map_div2 {{ height: 100vh !important; }}
.leaflet-container, .leaflet-container * {{ font-size: max({MIN_PROJECTOR_PX}px, 1em); }}
.leaflet-container {{ font-size: {size}px; }}
.leaflet-control-layers, .leaflet-control-layers *, .samsyn-legend, .samsyn-legend *,
.leaflet-tooltip, .leaflet-tooltip *, .leaflet-control-scale-line, .leaflet-control-attribution,
.leaflet-control-attribution *, .leaflet-draw-tooltip, .leaflet-draw-tooltip *, .leaflet-draw-actions a,
.samsyn-label {{ font-size: {size}px !important; line-height: 1.35 !important; }}
.leaflet-control-layers-expanded {{ padding: 8px 12px 8px 8px; }}
.leaflet-control-layers label {{ margin: 2px 0; }}
.leaflet-control-layers-selector {{ width: 20px; height: 20px; vertical-align: middle; }}
.leaflet-control-scale-line {{ padding: 2px 8px; }}
.leaflet-tooltip {{ padding: 6px 10px; }}
.leaflet-control-zoom a, .leaflet-control-zoom-fullscreen {{ width: 44px !important; height: 44px !important;
  line-height: 44px !important; font-size: 28px !important; }}
/* The full-screen button's icon is a sprite of two 26 px images: scaled with the button. */
.leaflet-control-zoom-fullscreen.fullscreen-icon {{ background-size: 44px 88px !important;
  background-position: 0 0 !important; }}
.leaflet-control-zoom-fullscreen.fullscreen-icon.leaflet-fullscreen-on {{ background-position: 0 -44px !important; }}
</style>"""


def projector_css(projector: bool, *, sidebar: bool = False) -> str:
    """CSS injected into the page; outside projector mode only the top padding.

    Parameters
    ----------
    projector
        Projector mode on.
    sidebar
        The moderator asked for the sidebar (filters, settings) in this run; otherwise it is hidden,
        on every page, whatever the browser remembered from the last one.
    """
    if not projector:
        return "<style>.block-container{padding-top:2.5rem;}</style>"
    hide_sidebar = "" if sidebar else """
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"]
  { display: none !important; }"""
    floor = MIN_PROJECTOR_PX
    # A floor for every text of the page: each element at least 20 px, and as large as its parent
    # (1em), so a widget's own 14 px never wins; headings and figures get their sizes below. Plotly's SVG
    # keeps the sizes the figure was laid out with (charts.py sets them ≥ 20 px).
    return f"""
<style>
html {{ font-size: {PROJECTOR_FONT}px; }}
html, body, [data-testid="stAppViewContainer"] {{ color: #000; background: #fff; }}
/* :where() gives the floor no weight, so the headings' and figures' own sizes below win over it. Samsyn's own
   HTML (classes samsyn-…, inline sizes: the steering view, the workshop bar) keeps its designed sizes. */
:where(.stApp *:not(svg, svg *, [class*="samsyn-"], [style*="font-size"])) {{
  font-size: max({floor}px, 1em) !important; }}
.stApp [data-testid="stAppViewContainer"], .stApp [data-testid="stMain"] {{ font-size: {PROJECTOR_FONT}px !important; }}
/* The page's invisible style elements take no room (a style applies wherever it is). */
.stApp [data-testid="stElementContainer"]:has(> [data-testid="stMarkdown"] style):not(:has(p, li, h1, h2, h3, img)),
.stApp [data-testid="stElementContainer"]:has(> [data-testid="stHtml"]):not(:has(*:not(style, span[hidden]))) {{
  display: none !important; }}
/* Below the top bar (navigation, 3.75rem high), no more: the room's screen is for the page. */
.block-container {{ padding: 4.1rem 2rem 1rem !important; max-width: 100% !important; }}
/* Streamlit's gaps are in rem, which projector mode enlarges: back to about their desk size in px. */
.stApp [data-testid="stVerticalBlock"] {{ gap: 0.6rem; }}
.stApp h1, .stApp h1 * {{ font-size: 2rem !important; padding: 0 !important; line-height: 1.2 !important; }}
.stApp h2, .stApp h2 * {{ font-size: 2rem !important; }}
.stApp h3, .stApp h3 * {{ font-size: 1.6rem !important; }}
.stApp h4, .stApp h4 *, .stApp h5, .stApp h5 * {{ font-size: 1.3rem !important; }}
/* Paragraphs first: the metric's and caption's own rules below (same weight) win over it. */
.stApp [data-testid="stMarkdownContainer"] :where(p, li) {{ font-size: 1.15rem !important; line-height: 1.45; }}
.stApp [data-testid="stMetricValue"], .stApp [data-testid="stMetricValue"] * {{ font-size: 3.2rem !important;
  font-weight: 700; line-height: 1.15 !important; }}
.stApp [data-testid="stMetricLabel"], .stApp [data-testid="stMetricLabel"] * {{ font-size: 1.4rem !important; }}
.stApp [data-testid="stMetricDelta"], .stApp [data-testid="stMetricDelta"] * {{ font-size: 1.25rem !important; }}
.stApp [data-testid="stCaptionContainer"], .stApp [data-testid="stCaptionContainer"] * {{ font-size: 1rem !important;
  color: #222 !important; }}
.stApp [data-testid="stTopNavLinkContainer"] *, .stApp [data-testid="stTopNavLink"] * {{ font-size: 1.05rem !important; }}
.stApp .samsyn-table {{ border-collapse: collapse; width: 100%; margin: 0 0 1rem; }}
.stApp .samsyn-table th, .stApp .samsyn-table td {{ font-size: {PROJECTOR_FONT}px !important; padding: 4px 10px;
  border-bottom: 1px solid #bbb; text-align: left; vertical-align: top; }}
.stApp .samsyn-table th {{ background: #EEF1F5; font-weight: 700; }}
.stApp .samsyn-table td.num {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}
.stApp .samsyn-table-wrap {{ max-height: 60vh; overflow: auto; }}
/* The map as high as the screen allows below the title and one row of controls. */
.stApp iframe[title="streamlit_folium.st_folium"] {{ height: calc(100vh - {MAP_OFFSET_PX}px) !important;
  min-height: 480px; }}
/* Karta's details beside the map: the height of the map, scrolled on their own. */
.stApp :has(> .st-key-karta_details) {{ height: auto !important; min-height: 0 !important; flex: 0 0 auto !important; }}
.stApp .st-key-karta_details {{ height: calc(100vh - {MAP_OFFSET_PX}px) !important; min-height: 480px;
  flex: 0 0 auto !important;
  max-height: none !important; overflow-y: auto !important; display: flex !important;
  flex-direction: column-reverse !important; justify-content: flex-start !important; }}
.stApp .st-key-karta_details > * {{ flex: 0 0 auto !important; margin-bottom: auto; }}
/* The "Fäst" form last in the panel and its button's row last in the form, after the notes that follow
   them in the code, so the panel's end, where it opens, is the button. */
.stApp .st-key-karta_details [data-testid="stVerticalBlock"] > [data-testid="stForm"],
.stApp .st-key-karta_details [data-testid="stVerticalBlock"] > :has([data-testid="stForm"]),
.stApp .st-key-karta_details [data-testid="stForm"] [data-testid="stVerticalBlock"]
  > :has([data-testid="stFormSubmitButton"]) {{ order: 99; }}
/* While a workshop runs its step bar is above the page: the map and the panel shorter by its height. */
.stApp:has(.samsyn-workshop) iframe[title="streamlit_folium.st_folium"],
.stApp:has(.samsyn-workshop) .st-key-karta_details {{
  height: calc(100vh - {MAP_OFFSET_PX + WORKSHOP_BAR_PX}px) !important; min-height: 400px !important; }}
/* The button that shows the sidebar sits in the top bar, right, beside Streamlit's menu. */
.stApp .st-key-projector_sidebar {{ position: fixed; top: 0.45rem; right: 4rem; z-index: 999991; width: auto !important; }}
.stApp .st-key-projector_sidebar button {{ min-height: 2.2rem; padding: 0 0.8rem; }}{hide_sidebar}
</style>
"""


#: Rows of a table drawn in projector mode; a longer table says how many more there are (a room reads the top).
PROJECTOR_ROWS = 30


def table_html(header: list[str], rows: list[list[str]], *, numeric: list[bool] | None = None,
               language: str = "sv", max_rows: int = PROJECTOR_ROWS) -> str:
    """A table of texts as escaped HTML, for projector mode (``st.dataframe`` draws on a canvas at 14 px).

    ``header`` and ``rows`` are the texts as the reader sees them (numbers already formatted);
    every text is data, never markup. ``numeric`` columns are right-aligned. Rows past
    ``max_rows`` are left out and counted below the table.

    >>> html = table_html(["Plats", "Antal"], [["<b>Torget</b>", "1 234"]], numeric=[False, True])
    >>> "&lt;b&gt;Torget&lt;/b&gt;" in html, '<td class="num">1 234</td>' in html
    (True, True)
    """
    from dashboard.components.safe_text import escape_html

    numeric = numeric or [False] * len(header)

    def cell(tag: str, text: object, number: bool) -> str:
        return f'<{tag} class="num">{escape_html(text, None)}</{tag}>' if number else \
            f"<{tag}>{escape_html(text, None)}</{tag}>"

    head = "".join(cell("th", text, number) for text, number in zip(header, numeric, strict=True))
    body = "".join("<tr>" + "".join(cell("td", text, number) for text, number in zip(row, numeric, strict=True))
                   + "</tr>" for row in rows[:max_rows])
    more = ""
    if len(rows) > max_rows:
        from core import formatting

        rest = formatting.number(len(rows) - max_rows, lang=language)
        more = (f'<p class="samsyn-table-more">och {rest} rader till</p>' if language == "sv"
                else f'<p class="samsyn-table-more">and {rest} more rows</p>')
    return (f'<div class="samsyn-table-wrap"><table class="samsyn-table"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>{more}</div>")


def details_panel(projector: bool, key: str = "karta_details") -> AbstractContextManager:
    """The container for the details beside a map: in projector mode a panel of fixed height.

    The panel is as high as the map (``calc(100vh - MAP_OFFSET_PX)``, CSS in :func:`projector_css`),
    scrolls on its own, and opens at its end: there the "Fäst" form's button is, visible right after
    a click without scrolling the page (a column-reverse flex box starts scrolled to its end). Its one
    child holds everything, so the order on screen stays as written. Outside projector mode nothing.
    """
    if not projector:
        return nullcontext()
    import streamlit as st

    return st.container(height=700, key=key, border=False).container()


def _cell(value: object, language: str) -> str:
    import math
    import numbers

    from core import formatting

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, numbers.Integral):
        return formatting.number(int(value), lang=language)
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isnan(number):
            return ""
        decimals = 0 if number.is_integer() else 1 if round(number, 1) == round(number, 2) else 2
        return formatting.number(number, decimals, lang=language)
    return str(value)


def show_dataframe(frame, *, container=None, **dataframe_kwargs) -> None:
    """``st.dataframe(frame, …)`` at the desk; in projector mode the same table as HTML text at 22 px.

    For tables that do not go through :func:`dashboard.components.tables.show_table` (which also
    words the headers and formats the numbers): projector mode must not show a 14 px canvas. Numbers
    are written in the reader's language. ``container`` is where to draw (a column), else the page.
    """
    import pandas as pd
    import streamlit as st

    place = container if container is not None else st
    if not active():
        place.dataframe(frame, **dataframe_kwargs)
        return
    from dashboard.i18n import lang

    language = lang()
    shown = frame if dataframe_kwargs.get("hide_index") else frame.reset_index()
    numeric = [pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
               for dtype in shown.dtypes]
    rows = [[_cell(value, language) for value in values] for values in shown.itertuples(index=False, name=None)]
    place.html(table_html([str(column) for column in shown.columns], rows, numeric=numeric, language=language))
