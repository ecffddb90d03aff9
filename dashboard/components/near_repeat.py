"""Near-repeat section of Tid: the Knox table as a heatmap of ratios, its plain reading and its CSV.

The test itself is :func:`analysis.nearrepeat.knox_test`; this module chooses the incidents,
caches the result per filter (``st.cache_data`` on the incidents' positions and times, the bands,
the permutations and the seed) and masks it through the session's :class:`core.disclosure.View`:
a cell with 1 to ``min_count - 1`` observed pairs shows ".." for the count and for everything
computed from it (expected, ratio, p), since the ratio times the expected count gives the count
back.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analysis.nearrepeat import KnoxResult, event_nouns, knox_sentence, knox_test
from core import formatting
from core.disclosure import HIDDEN, View
from dashboard.components.charts import apply_layout
from dashboard.components.disclosure import hidden_mask, masked_frame
from dashboard.components.exports import show_figure
from dashboard.components.widget_texts import CHOOSE_MANY
from dashboard.i18n import lang, t
from geo.categories import display_name

DISTANCE_BANDS = (0.0, 100.0, 200.0, 400.0, 800.0)
TIME_BANDS = (0.0, 7.0, 14.0, 28.0, 56.0)
PERMUTATIONS = (99, 499, 999)
SEED = 2026  # fixed, so a page shows the same table each time it is opened with the same filters
SIGNIFICANCE = 0.05
# Diverging around a ratio of 1 ("as chance gives"): blue fewer pairs, red more; colour-blind safe.
RATIO_SCALE = "RdBu_r"


def burglary_default(categories: list[str]) -> list[str]:
    """The burglary categories ("Inbrott …") among ``categories``, else the first one."""
    chosen = [c for c in categories if str(c).startswith("Inbrott")]
    return chosen or categories[:1]


@st.cache_data(show_spinner=False, max_entries=32)
def _cached_knox(points: pd.DataFrame, distance_bands: tuple[float, ...], time_bands: tuple[float, ...],
                 permutations: int, seed: int) -> KnoxResult:
    # Keyed on the filtered incidents' positions and times: a filter change that keeps them is free.
    return knox_test(points, distance_bands=distance_bands, time_bands=time_bands,
                     permutations=permutations, seed=seed)


def _band(start: float, end: float, unit: str) -> str:
    def number(value: float) -> str:
        return "∞" if np.isinf(value) else formatting.number(value, 0 if float(value).is_integer() else 1,
                                                            lang=lang())
    return f"{number(start)}–{number(end)} {unit}"


def knox_heatmap(result: KnoxResult, view: View, *, projector: bool = False, title: str | None = None) -> go.Figure:
    """Knox ratios, distance bands down × time bands across; significant cells starred; hidden cells "..".

    The colour is log2 of the ratio (the colour bar reads in ratios). A hidden cell has no colour
    (z is missing), so its colour cannot give its ratio away.
    """
    table = result.table
    n_s, n_t = len(result.distance_bands) - 1, len(result.time_bands) - 1
    hidden = hidden_mask(table["observed"].to_numpy(), view)
    ratio = table["knox_ratio"].to_numpy(dtype=float)
    significant = table["p_value"].to_numpy() < SIGNIFICANCE
    texts = []
    for value, star, masked in zip(ratio, significant, hidden, strict=True):
        if masked:
            texts.append(HIDDEN)
        elif not np.isfinite(value):
            texts.append("–")
        else:
            texts.append(formatting.number(value, 2, lang=lang()) + (" *" if star else ""))
    # Colour by log2 of the ratio, so half as many pairs is as far from 1 as twice as many; ratios of
    # 0 and past 16 are drawn in the end colours.
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(hidden, np.nan, np.log2(np.clip(ratio, 1 / 16, 16))).reshape(n_s, n_t)
    finite = z[np.isfinite(z)]
    reach = float(np.ceil(max(float(np.abs(finite).max()) if finite.size else 1.0, 1.0)))
    ticks = np.arange(-reach, reach + 1)
    tick_text = [formatting.number(2.0 ** v, lang=lang()) if v >= 0 else f"1/{2 ** int(-v)}" for v in ticks]
    rows = [_band(a, b, "m") for a, b in zip(result.distance_bands, result.distance_bands[1:], strict=False)]
    columns = [_band(a, b, t("dagar")) for a, b in zip(result.time_bands, result.time_bands[1:], strict=False)]
    cells = np.array(texts, dtype=object).reshape(n_s, n_t)
    fig = go.Figure(go.Heatmap(
        z=z, x=columns, y=rows, colorscale=RATIO_SCALE, zmid=0.0, zmin=-reach, zmax=reach,
        text=cells, texttemplate="%{text}", customdata=cells, xgap=2, ygap=2,
        colorbar={"title": {"text": t("Knox-kvot")}, "tickvals": ticks.tolist(), "ticktext": tick_text},
        hovertemplate="%{y}, %{x}: %{customdata}<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed", title_text=t("Avstånd"))
    fig.update_xaxes(title_text=t("Tid mellan händelserna"))
    return apply_layout(fig, projector=projector, title=title, height=(560 if projector else 380))


def knox_frame(result: KnoxResult, view: View) -> pd.DataFrame:
    """The Knox table as the viewer may read it (the CSV): counts and what is computed from them masked."""
    table = result.table.round({"expected": 3, "knox_ratio": 3, "p_value": 4})
    return masked_frame(table, view, ["observed"], derived={c: ["observed"] for c in
                                                             ("expected", "knox_ratio", "p_value")})


def nearest_sentence(result: KnoxResult, view: View, categories: list[str]) -> str:
    """The plain reading of the nearest band, or why it cannot be given at this view level."""
    if view.hides(result.table["observed"].iloc[0]):
        return t("Det närmaste bandet har för få par för att visas på den här visningsnivån.")
    first, another = event_nouns(categories, lang=lang())
    return knox_sentence(result, lang=lang(), first=first, another=another)


def near_repeat_section(incidents: pd.DataFrame, view: View, *, projector: bool = False) -> None:
    """Render the near-repeat section for the page's filtered ``incidents``."""
    st.subheader(t("Upprepade händelser nära i tid och rum (near repeat)"))
    categories = sorted(incidents["category"].dropna().astype(str).unique().tolist())
    if not categories:
        return
    left, right = st.columns([3, 1])
    with left:
        chosen = st.multiselect(t("Brottstyper för near repeat"), categories, default=burglary_default(categories),
                                key="near_repeat_categories", placeholder=t(CHOOSE_MANY),
                                format_func=lambda c: display_name(c, lang=lang())) or burglary_default(categories)
    with right:
        permutations = st.selectbox(t("Permutationer"), PERMUTATIONS, index=0, key="near_repeat_permutations",
                                    help=t("Fler permutationer ger säkrare p-värden men tar längre tid "
                                           "(999 tar några sekunder på tusentals inbrott)."))
    chosen_incidents = incidents[incidents["category"].isin(chosen)]
    columns = [c for c in ("x", "y", "occurred_from", "occurred_to") if c in chosen_incidents.columns]
    points = chosen_incidents[columns].reset_index(drop=True)
    points = points[np.isfinite(points["x"].to_numpy(dtype=float)) & np.isfinite(points["y"].to_numpy(dtype=float))]
    if len(points) < 2:
        st.info(t("För få händelser med position för att räkna near repeat."))
        return
    with st.spinner(t("Räknar near repeat …")):
        result = _cached_knox(points.reset_index(drop=True), DISTANCE_BANDS, TIME_BANDS, int(permutations), SEED)
    st.markdown(f"**{nearest_sentence(result, view, chosen)}**")
    fig = knox_heatmap(result, view, projector=projector, title=t("Knox-kvot: par jämfört med slumpen"))
    show_figure(fig, "near-repeat", data=knox_frame(result, view), key="near-repeat")
    st.caption(t("Kvoten är antalet par av händelser inom avståndet och tiden delat med det antal som blir när "
                 "datumen blandas slumpmässigt ({n} gånger). 1 = som slumpen; * = p < 0,05. Banden är "
                 "[från, till).").format(n=formatting.number(result.permutations, lang=lang())))
    notes = result.notes(lang())
    small = (result.window_midpoints, result.same_location_pairs, result.same_day_pairs,
             result.same_location_same_day_pairs)
    # The notes' counts are counts too: below the owner's level a small one is not written out.
    st.caption(" ".join(notes if not any(view.hides(c) for c in small) else notes[:1]))
