"""Forms of the Problembild page: edit, merge and archive pins; causes, measures and goals.

Every save names the person saving (the audit log keeps who changed what) and passes the version
the form was opened at, so a second person's save over someone else's change is refused with a
message showing what changed — never a silent overwrite.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from analysis.problem_numbers import busiest_text, filter_text
from analysis.snapshot import snapshot_numbers
from core import formatting
from dashboard.auth import audit_user, signed_in
from dashboard.components.pinning import PRIORITY_LABELS, remember, remembered
from dashboard.components.safe_text import clean_text
from dashboard.components.safe_text import escape_markdown as md
from dashboard.i18n import english, t, weekday_names
from dashboard.loaders import problem_store
from store.model import (
    GOAL_KINDS,
    MEASURE_KINDS,
    MEASURE_STATUSES,
    ORGANISATIONS,
    PERSPECTIVES,
    PICTURES,
    PROXIMITIES,
    STATUSES,
    Cause,
    Goal,
    Hotspot,
    Measure,
)
from store.problem_store import ConflictError

PICTURE_LABELS = {"polis": "Polisens egen", "kommun": "Kommunens egen", "gemensam": "Gemensam"}
VERDICTS = {"ökning": "Ökning, större än slumpen", "minskning": "Minskning, större än slumpen",
            "inom slumpvariation": "Inom normal slumpvariation"}


def _lang() -> str:
    return "en" if english() else "sv"


def counted_text(hotspot: Hotspot) -> str:
    """What a place counts, in words in the user's language (``Misshandel utomhus, fre–sön 22–02``)."""
    return filter_text(hotspot.categories, hotspot.weekdays, hotspot.hours, lang=_lang())


def verdict_text(verdict: str | None) -> str:
    """The Poisson verdict of a change in plain words."""
    return t(VERDICTS[verdict]) if verdict in VERDICTS else ""


def snapshot_text(snapshot: dict) -> str:
    """What the room saw when the place was pinned, in one line of words (never stored keys)."""
    then = snapshot_numbers(snapshot)
    lang = _lang()
    parts = []
    if isinstance(then["period"], tuple):
        parts.append(formatting.date_span(*then["period"], lang=lang))
    elif then["period"]:
        parts.append(str(then["period"]))
    if then["count"] is not None:
        parts.append(f"{formatting.count(then['count'], lang=lang)} {t('händelser')}")
    if then["count_previous_year"] is not None:
        parts.append(f"{t('året innan')} {formatting.count(then['count_previous_year'], lang=lang)}")
    if then["change"] is not None:
        parts.append(f"{formatting.percent(then['change'], lang=lang, signed=True)} ({verdict_text(then['verdict'])})")
    if then["busiest"]:
        parts.append(f"{t('flest')} {busiest_text(then['busiest'], lang=lang)}")
    return ", ".join(parts) or "–"


def flash() -> None:
    """Show the confirmation of the last save (set by a form before it reran the page)."""
    message = st.session_state.pop("_flash", None)
    if message:
        st.success(message, icon=":material/check_circle:")


def who() -> str:
    """The name the change log records for this session's saves (see :func:`dashboard.auth.audit_user`).

    Signed in, it is the identity the provider gave, shown and not editable; on a workstation, the
    name typed here (asked once per session), else ``arbetsstation``.
    """
    cols = st.columns([2, 1])
    if signed_in():
        user = audit_user()
        cols[0].caption(f"{t('Ändringar sparas i ändringsloggen som')} **{md(user)}**")
    else:
        name = cols[0].text_input(t("Ditt namn (för ändringsloggen)"), value=remembered("person", ""),
                                  key="who_name")
        remember("person", name)
        user = audit_user(name)
    organisation = cols[1].selectbox(t("Organisation"), ORGANISATIONS, key="who_org",
                                     index=ORGANISATIONS.index(remembered("organisation", "kommun")))
    remember("organisation", organisation)
    return user


def save(action, *, user: str, success: str) -> bool:
    """Run a store call; show conflicts and validation errors in Swedish instead of failing."""
    if not user:
        st.error(t("Skriv ditt namn överst på sidan innan du sparar."))
        return False
    try:
        action()
    except ConflictError as conflict:
        st.error(str(conflict))
        return False
    except ValueError as error:
        st.error(str(error))
        return False
    # Show the confirmation after a fresh run, so every list and map on the page already has the change.
    st.session_state["_flash"] = success
    st.rerun()
    return True


def edit_hotspot(hotspot: Hotspot, categories: list[str], *, user: str) -> None:
    """Edit a pinned place. The form remembers the version it was opened at."""
    opened = st.session_state.setdefault(f"opened-hotspot-{hotspot.id}", hotspot.version)
    names = weekday_names()
    with st.form(f"edit-hotspot-{hotspot.id}"):
        title = st.text_input(t("Rubrik"), value=hotspot.title)
        chosen = st.multiselect(t("Brottstyper"), sorted(set(categories) | set(hotspot.categories)),
                                default=hotspot.categories)
        cols = st.columns(2)
        days = cols[0].multiselect(t("Veckodagar"), list(range(1, 8)), default=hotspot.weekdays,
                                   format_func=lambda d: names[d - 1])
        hours = cols[1].multiselect(t("Timmar"), list(range(24)), default=hotspot.hours,
                                    format_func=lambda h: f"{h:02d}")
        cols = st.columns(4)
        status = cols[0].selectbox(t("Status"), STATUSES, index=STATUSES.index(hotspot.status))
        priority = cols[1].selectbox(t("Prioritet"), [1, 2, 3], index=hotspot.priority - 1,
                                     format_func=PRIORITY_LABELS.get)
        picture = cols[2].selectbox(t("Problembild"), PICTURES, index=PICTURES.index(hotspot.picture),
                                    format_func=lambda p: t(PICTURE_LABELS[p]))
        organisation = cols[3].selectbox(t("Organisation"), ORGANISATIONS,
                                         index=ORGANISATIONS.index(hotspot.organisation))
        notes = st.text_area(t("Anteckningar"), value=hotspot.notes, height=80)
        saved = st.form_submit_button(t("Spara ändringar"), type="primary")
    if saved:
        changes = {"title": title, "categories": chosen, "weekdays": sorted(days), "hours": sorted(hours),
                   "status": status, "priority": int(priority), "picture": picture,
                   "organisation": organisation, "notes": notes}

        def update() -> None:
            problem_store().update_hotspot(hotspot.id, changes, expected_version=opened, user=user)
            st.session_state.pop(f"opened-hotspot-{hotspot.id}", None)  # the next edit starts from the new version

        save(update, user=user, success=t("Ändringarna är sparade."))
    if st.button(t("Läs in senaste versionen"), key=f"reload-{hotspot.id}"):
        st.session_state.pop(f"opened-hotspot-{hotspot.id}", None)
        st.rerun()


def archive_hotspot(hotspot: Hotspot, *, user: str) -> None:
    """Archive a pin after confirmation (nothing is destroyed; it can be restored)."""
    with st.popover(t("Arkivera platsen"), icon=":material/archive:"):
        st.caption(t("Platsen flyttas till arkivet med sina orsaker och mål; inget raderas."))
        if st.checkbox(t("Ja, arkivera") + f" #{hotspot.id}", key=f"confirm-archive-{hotspot.id}") and st.button(
                t("Arkivera"), key=f"archive-{hotspot.id}"):
            save(lambda: problem_store().archive_hotspot(hotspot.id, expected_version=hotspot.version, user=user),
                  user=user, success=t("Platsen är arkiverad."))


def merge_hotspots(hotspots: list[Hotspot], *, user: str) -> None:
    """Merge two or more pins into one (the originals are archived and point to the new one)."""
    labels = {h.id: clean_text(f"#{h.id} {h.title}") for h in hotspots}
    with st.form("merge"):
        chosen = st.multiselect(t("Slå ihop platserna"), list(labels), format_func=labels.get)
        title = st.text_input(t("Rubrik för den sammanslagna platsen"))
        merged = st.form_submit_button(t("Slå ihop"))
    if merged:
        if len(chosen) < 2:
            st.error(t("Välj minst två platser att slå ihop."))
            return
        versions = {h.id: h.version for h in hotspots if h.id in chosen}
        save(lambda: problem_store().merge_hotspots(chosen, title=title or " + ".join(labels[i] for i in chosen),
                                                     user=user, expected_versions=versions),
              user=user, success=t("Platserna är sammanslagna."))


def causes(hotspot: Hotspot, *, user: str) -> None:
    """The cause analysis of one place: list by perspective, and a form to add a cause."""
    found = problem_store().list_causes(hotspot.id)
    for perspective in PERSPECTIVES:
        lines = [c for c in found if c.perspective == perspective]
        if lines:
            st.markdown(f"**{t(perspective.capitalize())}**")
            for cause in lines:
                shared = "" if cause.shareable else " 🔒"
                st.markdown(f"- *{md(cause.proximity)}*: {md(cause.text, limit=None)}{shared}")
    with st.form(f"cause-{hotspot.id}", clear_on_submit=True):
        cols = st.columns(3)
        perspective = cols[0].selectbox(t("Perspektiv"), PERSPECTIVES)
        proximity = cols[1].selectbox(t("Orsak"), PROXIMITIES, format_func=lambda p: t(f"{p} orsak"))
        shareable = cols[2].checkbox(t("Får delas utanför rummet"), value=False)
        text = st.text_area(t("Hypotes"), height=70)
        added = st.form_submit_button(t("Lägg till orsak"))
    if added:
        save(lambda: problem_store().add_cause(Cause(hotspot.id, perspective, proximity, text, shareable=shareable,
                                                      created_by=user), user=user),
              user=user, success=t("Orsaken är sparad."))


def add_measure(hotspots: list[Hotspot], *, user: str) -> None:
    """A form for a new measure (åtgärd) linked to one or more places."""
    labels = {h.id: clean_text(f"#{h.id} {h.title}") for h in hotspots}
    with st.form("measure", clear_on_submit=True):
        title = st.text_input(t("Åtgärd"))
        description = st.text_area(t("Beskrivning"), height=70)
        cols = st.columns(4)
        organisation = cols[0].selectbox(t("Ansvarig organisation"), ORGANISATIONS)
        responsible = cols[1].text_input(t("Ansvarig person/funktion"))
        kind = cols[2].selectbox(t("Typ"), MEASURE_KINDS)
        status = cols[3].selectbox(t("Status"), MEASURE_STATUSES)
        cols = st.columns(3)
        start = cols[0].date_input(t("Start"), value=date.today(), format="YYYY-MM-DD")
        end = cols[1].date_input(t("Slut (valfritt)"), value=None, format="YYYY-MM-DD")
        linked = cols[2].multiselect(t("Platser"), list(labels), format_func=labels.get)
        added = st.form_submit_button(t("Lägg till åtgärd"))
    if added:
        measure = Measure(title=title, description=description, organisation=organisation, responsible=responsible,
                          kind=kind, start=start.isoformat(), end=end.isoformat() if end else "", status=status,
                          hotspot_ids=list(linked), created_by=user)
        save(lambda: problem_store().add_measure(measure, user=user), user=user, success=t("Åtgärden är sparad."))


def add_goal(hotspots: list[Hotspot], measures: list[Measure], categories: list[str], *, user: str) -> None:
    """A form for a new goal: effektmål (indicator, place, baseline, target) or process/produktionsmål."""
    places = {h.id: clean_text(f"#{h.id} {h.title}") for h in hotspots}
    actions = {m.id: m.title for m in measures}
    with st.form("goal", clear_on_submit=True):
        cols = st.columns([1, 3])
        kind = cols[0].selectbox(t("Måltyp"), GOAL_KINDS)
        description = cols[1].text_input(t("Mål"), placeholder=t("t.ex. misshandel utomhus i centrum −20 % jämfört "
                                                                  "med samma period föregående år"))
        cols = st.columns(2)
        place = cols[0].selectbox(t("Plats"), [None, *places], format_func=lambda i: places.get(i, "–"))
        measure = cols[1].selectbox(t("Åtgärd"), [None, *actions], format_func=lambda i: actions.get(i, "–"))
        st.caption(t("Effektmål:"))
        cols = st.columns(4)
        chosen = cols[0].multiselect(t("Brottstyper"), categories)
        baseline = cols[1].date_input(t("Basperiod"), value=(), format="YYYY-MM-DD")
        target = cols[2].number_input(t("Mål (förändring i %)"), value=-20.0, step=5.0)
        followup = cols[3].date_input(t("Uppföljningsperiod (valfritt)"), value=(), format="YYYY-MM-DD")
        st.caption(t("Process- och produktionsmål:"))
        cols = st.columns(3)
        planned = cols[0].number_input(t("Planerat"), min_value=0.0, value=None)
        done = cols[1].number_input(t("Utfört"), min_value=0.0, value=None)
        unit = cols[2].text_input(t("Enhet"), placeholder=t("t.ex. trygghetsvandringar"))
        added = st.form_submit_button(t("Lägg till mål"))
    if added:
        effect = kind == "effektmål"
        goal = Goal(
            kind=kind, description=description, hotspot_id=place, measure_id=measure,
            categories=chosen if effect else [],
            baseline_start=baseline[0].isoformat() if effect and len(baseline) == 2 else "",
            baseline_end=baseline[1].isoformat() if effect and len(baseline) == 2 else "",
            followup_start=followup[0].isoformat() if effect and len(followup) == 2 else "",
            followup_end=followup[1].isoformat() if effect and len(followup) == 2 else "",
            target_change=target / 100 if effect else None,
            planned=None if effect else planned, done=None if effect else done, unit="" if effect else unit,
            created_by=user,
        )
        save(lambda: problem_store().add_goal(goal, user=user), user=user, success=t("Målet är sparat."))
