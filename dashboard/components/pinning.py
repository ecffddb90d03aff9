"""The form that pins a place into the joint problem picture, with what the room saw."""

from __future__ import annotations

from typing import Any

import pandas as pd
import shapely
import streamlit as st

from analysis.aoristic import weekday_hour
from analysis.detectable import detectable_text, wdd_minimum_detectable
from analysis.problem_numbers import Place, filter_text, place_numbers
from analysis.snapshot import place_snapshot, suggest_time_window
from core.disclosure import HIDDEN
from dashboard.auth import audit_user, signed_in
from dashboard.components.robustness import place_robustness_cached, robustness_note
from dashboard.components.safe_text import escape_markdown as md
from dashboard.components.widget_texts import ALL
from dashboard.filters import Filters
from dashboard.i18n import fmt_int, lang, t, weekday_names
from dashboard.loaders import current_view, problem_store
from geo.categories import display_name
from store.model import ORGANISATIONS, PICTURES, STATUSES, Hotspot

LAST_PIN = "map_last_pin"  # the place this session pinned last on Karta, for "Ångra fästningen"
PIN_FLASH = "map_pin_flash"  # (kind, message) shown after the page reran for a pin or an undo

PRIORITY_LABELS = {1: "1 – hög", 2: "2 – medel", 3: "3 – låg"}

# After a pin the page reruns and the map above is drawn anew, which can leave the page scrolled elsewhere:
# the confirmation is brought back to the middle of the screen, with the form right below it (its own
# text, no user input, so the script is safe; retried while the map's iframe still settles its height).
FLASH_SCROLL = """<span class="samsyn-pin-flash" hidden></span><script>
for (const ms of [50, 400, 1200]) setTimeout(() => {
  const marks = document.querySelectorAll('.samsyn-pin-flash');
  const box = marks.length && marks[marks.length - 1].closest('[data-testid="stElementContainer"]');
  const alert = box && box.previousElementSibling;
  if (alert) alert.scrollIntoView({block: 'center'});
}, ms);
</script>"""


def remembered(key: str, default: Any) -> Any:
    """A value the user typed in an earlier form (name, organisation), for the next form."""
    return st.session_state.get(f"_remember_{key}", default)


def remember(key: str, value: Any) -> None:
    """Keep a value for the next form in this session."""
    st.session_state[f"_remember_{key}"] = value


def pin_form(
    *,
    key: str,
    title: str,
    geometry: shapely.Geometry,
    source_kind: str,
    source_id: str,
    period_incidents: pd.DataFrame,
    all_incidents: pd.DataFrame,
    filters: Filters,
    crs: str,
    population: float | None = None,
    survey: dict[str, Any] | None = None,
) -> Hotspot | None:
    """Draw the pin form for a place; on submit save it (with a snapshot) and return the new hotspot."""
    weekdays, hours = suggest_time_window(weekday_hour(period_incidents).matrix) if len(period_incidents) else ([], [])
    top = period_incidents["category"].astype(str).value_counts().head(3).index.tolist()
    categories = list(filters.categories) or top
    names = weekday_names()
    with st.container(border=True):
        st.markdown(f"**{t('Fäst i problembilden')}**")
        # What the place counts is chosen outside the form, so the number beside "Fäst" follows every change.
        chosen_categories = st.multiselect(
            t("Brottstyper"), sorted(set(all_incidents["category"].dropna().astype(str))), default=categories,
            key=f"pin-{key}-categories", placeholder=t(ALL), format_func=lambda c: display_name(c, lang=lang()))
        cols = st.columns(2)
        chosen_days = cols[0].multiselect(t("Veckodagar"), list(range(1, 8)), default=weekdays,
                                          format_func=lambda d: names[d - 1], key=f"pin-{key}-weekdays",
                                          placeholder=t(ALL))
        chosen_hours = cols[1].multiselect(t("Timmar"), list(range(24)), default=hours,
                                           format_func=lambda h: f"{h:02d}", key=f"pin-{key}-hours",
                                           placeholder=t(ALL))
        place = Place(shapely.to_wkt(geometry, rounding_precision=1), chosen_categories, sorted(chosen_days),
                      sorted(chosen_hours))
        # The number Problembild will show as "Nu": the same function, the same data, the same period.
        pinned_count = place_numbers(st.session_state["active"].incidents, place, filters.start, filters.end).count
    with st.form(f"pin-{key}", border=True):
        name = st.text_input(t("Rubrik"), value=title)
        cols = st.columns(3)
        organisation = cols[0].selectbox(t("Organisation"), ORGANISATIONS,
                                         index=ORGANISATIONS.index(remembered("organisation", "kommun")), format_func=t)
        # Signed in, the change log names the identity the provider gave; nobody types a name.
        person = "" if signed_in() else cols[1].text_input(t("Ditt namn"), value=remembered("person", ""))
        picture = cols[2].selectbox(t("Problembild"), PICTURES, index=PICTURES.index("gemensam"),
                                    format_func=lambda p: {"polis": t("Polisens egen"), "kommun": t("Kommunens egen"),
                                                           "gemensam": t("Gemensam")}[p])
        cols = st.columns(2)
        priority = cols[0].selectbox(t("Prioritet"), [1, 2, 3], index=1,
                                  format_func=lambda p: t(PRIORITY_LABELS[p]))
        status = cols[1].selectbox(t("Status"), STATUSES, index=0, format_func=t)
        notes = st.text_area(t("Anteckningar"), height=80)
        cols = st.columns([1, 2], vertical_alignment="center")
        submitted = cols[0].form_submit_button(t("Fäst"), type="primary", icon=":material/push_pin:")
        view = current_view()
        # A place, cell or drawn area is a micro-place: below the owner's level its count needs min_place.
        micro_hidden = source_kind != "district" and not view.place_shown(pinned_count) and pinned_count > 0
        cols[1].metric(t("Händelser som fäst plats"),
                       HIDDEN if micro_hidden else view.count(pinned_count, fmt_int(pinned_count)))
        counted = filter_text(chosen_categories, sorted(chosen_days), sorted(chosen_hours),
                              (filters.start, filters.end), lang=lang())
        cols[1].caption(t("Så räknar Problembild platsen (Nu): {counted}.").format(counted=counted))
        detectable_warning(pinned_count, days=(filters.end - filters.start).days + 1,
                           hidden=micro_hidden or view.hides(pinned_count))
        # How stable the place is as a hot spot (cell sizes, quarters, time steps) before the room pins it.
        active = st.session_state["active"]
        robustness_note(place_robustness_cached(active.incidents, place, filters.start, filters.end,
                                                dataset=active.dataset, districts=active.districts),
                        view=view, count=pinned_count)
    if not submitted:
        return None
    if not signed_in():
        remember("person", person)
    person = audit_user(person)
    remember("organisation", organisation)
    # "Då" counts the place as it is pinned, on the whole dataset, the way the report's "Nu" will count it.
    snapshot = place_snapshot(st.session_state["active"].incidents, place, filters.start, filters.end,
                              population=population, survey=survey)
    hotspot = Hotspot(
        title=name.strip() or title, geometry_wkt=shapely.to_wkt(geometry, rounding_precision=1), crs=crs,
        source_kind=source_kind, source_id=source_id, categories=chosen_categories, weekdays=sorted(chosen_days),
        hours=sorted(chosen_hours), organisation=organisation, created_by=person.strip(), picture=picture,
        priority=int(priority), status=status, notes=notes, snapshot=snapshot,
        dataset_id=st.session_state["active"].dataset.id,  # the place counts in the data it was pinned on
    )
    try:
        saved = problem_store().add_hotspot(hotspot, user=person.strip())
    except ValueError as error:
        st.error(str(error))
        return None
    st.success(pinned_message(saved))
    return saved


def pinned_message(saved: Hotspot) -> str:
    """The confirmation of a pin, as Karta and Problembild show it."""
    return t("Fäst i problembilden som") + f" #{saved.id} {md(saved.title)}."


def detectable_warning(count: float, *, days: int, hidden: bool = False) -> None:
    """Warn when a place has too few incidents for a follow-up to show any realistic goal (WDD's MDE).

    ``hidden``: below the owner's level with a count that is not shown, the sentence gives no number.
    """
    result = wdd_minimum_detectable(count)
    if not result.warn:
        st.caption(detectable_text(result, days=days, lang=lang()))
    elif hidden:
        st.warning(t("För få händelser för att en uppföljning ska kunna visa en effekt här – välj ett större "
                     "område eller en längre period."), icon=":material/warning:")
    else:
        st.warning(detectable_text(result, days=days, lang=lang()), icon=":material/warning:")


def remember_pin(saved: Hotspot) -> None:
    """Keep the new pin for "Ångra fästningen" and its confirmation for the run that draws it on the map."""
    st.session_state[LAST_PIN] = {"id": saved.id, "version": saved.version, "title": saved.title}
    st.session_state[PIN_FLASH] = ("success", pinned_message(saved))


def pin_flash() -> None:
    """The confirmation of the last pin or undo, where the form was."""
    kind, message = st.session_state.pop(PIN_FLASH, (None, None))
    if message:
        (st.success if kind == "success" else st.info)(message, icon=":material/check_circle:")
        st.html(FLASH_SCROLL, unsafe_allow_javascript=True)


def undo_last_pin() -> bool:
    """The button "Ångra fästningen" for this session's last pin; archives it when clicked.

    Archiving is the store's delete (the change log keeps it): the place leaves the problem picture
    and the map. Returns True when the page should rerun to draw the map without it.
    """
    last = st.session_state.get(LAST_PIN)
    if not last:
        return False
    if not st.button(t("Ångra fästningen"), icon=":material/undo:", key=f"undo-pin-{last['id']}"):
        return False
    st.session_state.pop(LAST_PIN, None)
    try:
        problem_store().archive_hotspot(last["id"], expected_version=last["version"],
                                        user=audit_user(remembered("person", "")))
    except ValueError as error:  # changed or archived in the meantime by someone else: say so, change nothing
        st.error(str(error))
        return False
    st.session_state[PIN_FLASH] = ("info", t("Fästningen är ångrad: ‘{title}’ är arkiverad och visas inte längre "
                                             "i problembilden eller på kartan.").format(title=md(last["title"])))
    return True
