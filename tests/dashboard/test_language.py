"""Nothing raw, Swedish everywhere, English in English mode: what the reader sees on every page.

The page tests run every page of the sample with AppTest and read every text its elements carry
(titles, labels, options, captions, alerts, metrics, table headers and cells). In English mode
no Swedish word or letter may be left outside the user's own data (the sample's place and district
names, the demo picture's texts); in Swedish mode no raw header (``area_id``, ``rate_per_1000``),
0–1 share, decimal point, grid-cell key or Streamlit default ("Choose options") may show.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import geopandas as gpd
import pandas as pd
import pytest
from google.protobuf.message import Message

from dashboard.components.tables import Column, cell_text, preview_columns, table_texts
from dashboard.components.widget_texts import widget_texts_css
from geo.categories import CATEGORIES, GROUP_ENGLISH, GROUPS, display_name
from tests.conftest import REPO
from tests.dashboard.apptest import app as _app

PAGES = sorted(p.name for p in (REPO / "dashboard" / "pages").glob("*.py"))
NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, monkeypatch):
    """An empty data directory: the sample is active and its demo picture is loaded on first start."""
    monkeypatch.setenv("SAMSYN_DATA", str(tmp_path / "userdata"))
    monkeypatch.delenv("SAMSYN_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)


# --- Numbers and words in tables (hand-worked) -------------------------------------------------------

def test_a_share_reads_as_per_cent_and_a_count_with_the_languages_thousands():
    share, count = Column("Andel", "share", 1), Column("Antal", "count")
    assert cell_text(0.3819, share, language="sv") == f"38,2{NBSP}%"
    assert cell_text(0.3819, share, language="en") == "38.2%"
    assert cell_text(13664, count, language="sv") == f"13{NBSP}664"
    assert cell_text(13664, count, language="en") == "13,664"
    assert cell_text(2.5, count, language="sv") == "2,5"  # aoristic weights: one decimal


def test_a_masked_tables_numbers_are_still_formatted_and_its_dots_stay():
    # masked_frame writes the visible numbers of a controlled view as text ("0.7", "1234").
    rate = Column("per 1 000 inv.", "number", 1)
    assert cell_text("0.7", rate, language="sv") == "0,7"
    assert cell_text("1234", Column("Antal", "count"), language="sv") == f"1{NBSP}234"
    assert cell_text("..", Column("Antal", "count"), language="sv") == ".."


def test_a_change_a_p_value_and_a_yes_in_each_language():
    change = Column("Mot året innan", "change")
    assert cell_text(-3.2, change, language="sv") == f"\u22123{NBSP}%"
    assert cell_text(12.0, change, language="en") == "+12%"
    assert cell_text(0.0004, Column("p", "p"), language="sv") == "< 0,001"
    assert cell_text(0.0312, Column("p", "p"), language="en") == "0.031"
    assert cell_text(True, Column("Osäkert", "yesno"), language="sv") == "ja"


def test_only_the_listed_columns_reach_the_table_under_their_headers():
    frame = pd.DataFrame({"cell_id": ["100m_E589800_N6545000"], "area_id": ["A01"], "name": ["Centrum"],
                          "rate_per_1000": [35.25], "share": [0.3819]})
    header, rows, numeric = table_texts(frame, {"name": "Område", "rate_per_1000": Column("per 1 000 inv.", "number", 1),
                                                "share": Column("Andel", "share", 1)}, language="sv")
    assert header == ["Område", "per 1 000 inv.", "Andel"]
    assert rows == [["Centrum", "35,2", f"38,2{NBSP}%"]]
    assert numeric == [False, True, True]


def test_the_import_preview_has_swedish_headers_and_as_many_decimals_as_the_values():
    frame = pd.DataFrame({"category": ["Klotter"], "x": [674000.5], "value": [0.31], "year": [2024]})
    columns = preview_columns(frame)
    assert [c.header for c in columns.values()] == ["Kategori", "X (öster)", "Värde", "År"]
    assert [cell_text(frame[name].iloc[0], column, language="sv") for name, column in columns.items()] == [
        "Klotter", f"674{NBSP}000,5", "0,31", "2024"]


# --- Category names -----------------------------------------------------------------------------------

def test_every_group_and_standard_category_has_an_english_name_without_swedish_letters():
    assert set(GROUPS) <= set(GROUP_ENGLISH)
    for name in (*GROUPS, *(c.name for c in CATEGORIES)):
        english = display_name(name, lang="en")
        assert not re.search("[åäöÅÄÖ]", english), (name, english)
    assert display_name("Stöld, rån och andra tillgreppsbrott", lang="en") == "Theft, robbery and other acquisitive crime"
    assert display_name("Cykelstöld", lang="en") == "Bicycle theft"


def test_a_users_own_category_keeps_its_name_and_swedish_is_unchanged():
    assert display_name("Fönsterkrossning vid skolan", lang="en") == "Fönsterkrossning vid skolan"
    assert display_name("Cykelstöld", lang="sv") == "Cykelstöld"


# --- Streamlit's own texts --------------------------------------------------------------------------

def test_the_upload_texts_are_replaced_in_the_pages_language_with_the_real_limit():
    swedish, english = widget_texts_css("sv"), widget_texts_css("en")
    # Streamlit's default server.maxUploadSize is 200 MB; Samsyn sets no other limit.
    assert 'content: "Välj fil"' in swedish and 'content: "Högst 200 MB per fil"' in swedish
    assert 'content: "Choose file"' in english and 'content: "At most 200 MB per file"' in english
    for css in (swedish, english):
        assert '[data-testid="stFileUploaderDropzoneInstructions"] > * { display: none; }' in css
        assert '[data-testid="InputInstructions"] { display: none; }' in css


# --- Every page, as rendered --------------------------------------------------------------------------

# Proto fields that are not text a person reads (keys, ids, styles, arrow bytes, formats).
_SKIP_FIELDS = {"id", "form_id", "key", "type", "icon", "element_hash", "page_script_hash", "url_path", "format",
                "data", "component_name", "arrow_data", "styles", "column_config", "json_args", "spec",
                "default", "value"}
# Swedish function words and common UI words that are not English words as well.
SWEDISH = re.compile(r"[åäöÅÄÖ]|\b(och|eller|för|med|inte|att|som|är|har|visas|händelser|antal|plats|platser|"
                     r"område|områden|välj|alla|inga|mot|efter|före|inom|från|till|vid|det|den|ett|av|på|nu|då|"
                     r"ingen|saknas|kunde|finns|senaste|veckodag|timme|ruta|rutor|kommunen|polisen)\b", re.IGNORECASE)
RAW_HEADERS = {"area_id", "population", "rate_per_1000", "share", "p_fdr", "p_value", "cell_id", "gi_z", "count",
               "rate", "change", "value", "label", "category", "occurred_from", "class"}
STREAMLIT_DEFAULTS = ("Choose an option", "Choose options", "Press Enter to apply", "Press Ctrl+Enter",
                      "Drag and drop", "per file", "Browse files")


def _strings(message: Message) -> Iterator[str]:
    for field, value in message.ListFields():
        if field.name in _SKIP_FIELDS:
            continue
        items = value if type(value).__name__.startswith("Repeated") else [value]
        for item in items:
            if isinstance(item, Message):
                yield from _strings(item)
            elif isinstance(item, str):
                yield item


def _chart_texts(figure: dict) -> Iterator[str]:
    def text(value) -> Iterator[str]:
        value = value.get("text") if isinstance(value, dict) else value
        if isinstance(value, str):
            yield value

    layout = figure.get("layout", {})
    yield from text(layout.get("title"))
    for name, value in layout.items():
        if name.startswith(("xaxis", "yaxis")) and isinstance(value, dict):
            yield from text(value.get("title"))
            yield from (str(tick) for tick in value.get("ticktext") or [])
        elif name == "legend" and isinstance(value, dict):
            yield from text(value.get("title"))
        elif name == "annotations":
            yield from (str(note.get("text", "")) for note in value)
    for trace in figure.get("data", []):
        yield from text(trace.get("name"))
        for axis in ("x", "y"):
            values = trace.get(axis)
            if isinstance(values, list) and values and isinstance(values[0], str):
                yield from values


def rendered(at) -> Iterator[tuple[str, str]]:
    """Every text the page's elements carry, as ``(element kind, text)``; tables cell by cell."""
    stack = [at._tree]
    while stack:
        node = stack.pop()
        kind = type(node).__name__
        if kind in ("Dataframe", "Table"):
            frame = node.value
            yield from ((f"{kind} header", str(c)) for c in frame.columns)
            if kind == "Table":
                yield from ((f"{kind} row", str(i)) for i in frame.index)
            yield from ((f"{kind} cell", str(v)) for v in frame.astype(str).to_numpy().ravel())
        elif kind == "UnknownElement":
            # A chart's words (titles, axes, legend, traces, categorical ticks); the folium map, a component,
            # is tested on its built HTML (tests/dashboard/test_problem_map.py, the browser tests).
            if node.type == "plotly_chart":
                yield from (("Chart", text) for text in _chart_texts(json.loads(node.proto.spec)))
        elif isinstance(getattr(node, "proto", None), Message):
            for text in _strings(node.proto):
                # The page's own CSS (widget texts, projector) is not read as text, nor are HTML tags'
                # class names (what st.html shows is the text between the tags and the aria labels).
                if text.lstrip().startswith("<style"):
                    continue
                if kind == "Html":
                    labels = re.findall(r'aria-label="([^"]*)"', text)
                    text = " ".join([re.sub(r"<[^>]*>", " ", text), *labels])
                yield kind, text
        stack.extend(reversed(list((getattr(node, "children", None) or {}).values())))


def _user_data() -> list[str]:
    """The sample's own texts (names of places, districts, streets; the demo picture; survey questions)."""
    sample = REPO / "data" / "sample"
    texts: set[str] = set()
    for name in ("districts", "places", "streets"):
        frame = gpd.read_file(sample / f"{name}.geojson")
        for column in frame.columns.drop("geometry"):
            texts |= {str(v) for v in frame[column].dropna() if isinstance(v, str)}
    survey = pd.read_csv(sample / "survey.csv")
    texts |= set(survey["label"].astype(str)) | set(survey["source"].astype(str))

    def walk(value) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for item in value.values():
                yield from walk(item)
        elif isinstance(value, list):
            for item in value:
                yield from walk(item)

    texts |= set(walk(json.loads((sample / "problembild.json").read_text(encoding="utf-8"))))
    texts |= {"Exempelstad (fiktiv ort, exempeldata)", "Exempelstad"}
    return sorted((t for t in texts if len(t) >= 2), key=len, reverse=True)


@pytest.fixture(scope="module")
def user_data() -> list[str]:
    return _user_data()


def _without(text: str, user_data: list[str]) -> str:
    for item in user_data:
        if item in text:
            text = text.replace(item, " ")
    return text


def _open(page: str, **query: str):
    at = _app(**query).run()
    assert not at.exception, [e.message for e in at.exception]
    if page != "overview.py":
        at.switch_page(f"pages/{page}").run()
        assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.mark.parametrize("page", PAGES)
def test_every_page_in_english_has_no_swedish_outside_the_users_data(page, user_data):
    at = _open(page, lang="en")
    left = sorted({f"{kind}: {text[:160]!r}" for kind, text in rendered(at)
                   if SWEDISH.search(_without(text, user_data))})
    assert not left, f"{page} in English still shows Swedish:\n" + "\n".join(left)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_in_swedish_shows_no_raw_header_share_or_streamlit_default(page):
    at = _open(page)
    texts = list(rendered(at))
    headers = {text for kind, text in texts if kind.endswith("header")}
    assert not headers & RAW_HEADERS, f"{page}: raw headers {headers & RAW_HEADERS}"
    cells = [text for kind, text in texts if kind.endswith("cell")]
    # A decimal point (0.3819, 35.2) or a grid cell's key is never Swedish reading.
    assert not [c for c in cells if re.fullmatch(r"-?\d+\.\d+", c)], f"{page}: numbers with a decimal point"
    assert not [c for c in cells if re.search(r"\d+m_E\d+_N\d+", c)], f"{page}: grid-cell keys"
    assert not [c for c in cells if re.search(r"\b[0-9a-f]{8}-[0-9a-f]{4}-", c)], f"{page}: uuids"
    assert not [text for _, text in texts if any(d in text for d in STREAMLIT_DEFAULTS)]
    # An empty placeholder makes Streamlit write its own English one ("Choose options", "Choose an option"):
    # a multiselect shows it whenever nothing is chosen, a selectbox when it has no value.
    empty = [*at.multiselect, *(box for box in at.selectbox if not box.proto.HasField("default"))]
    for widget in empty:
        assert widget.proto.placeholder.strip(), f"{page}: {widget.label!r} has Streamlit's English placeholder"
    for widget in at.date_input:
        assert widget.proto.format == "YYYY-MM-DD", f"{page}: {widget.label!r} shows Streamlit's YYYY/MM/DD"
