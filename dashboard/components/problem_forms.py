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
from dashboard.components.projector import show_dataframe
from dashboard.components.safe_text import clean_text
from dashboard.components.safe_text import escape_markdown as md
from dashboard.components.widget_texts import ALL, CHOOSE_MANY
from dashboard.i18n import english, lang, t, weekday_names
from dashboard.loaders import problem_store
from geo.categories import display_name
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


def flash(where: str = "top") -> None:
    """Show the confirmation of the last save at ``where`` (the form that saved it, or the top of the page).

    A form's confirmation is drawn right below its own button (``save(..., where=key)``), where the
    person who clicked is looking; ``"top"`` is the page's own place for the others.
    """
    pending = st.session_state.get("_flash")
    if not pending:
        return
    spot, message = pending if isinstance(pending, tuple) else ("top", pending)
    if spot == where:
        del st.session_state["_flash"]
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
                                     index=ORGANISATIONS.index(remembered("organisation", "kommun")), format_func=t)
    remember("organisation", organisation)
    return user


def save(action, *, user: str, success: str | None, where: str = "top") -> bool:
    """Run a store call; show conflicts and validation errors in Swedish instead of failing.

    The confirmation is shown after the rerun by :func:`flash` at ``where`` (default the top of the page);
    ``success=None`` shows none (an archived item says so in its own place, with "Ångra").
    """
    if not user:
        st.error(t("Skriv ditt namn överst på sidan innan du sparar."))
        return False
    st.session_state.pop("_undo", None)  # "Ångra" is offered for the last change only
    try:
        action()
    except ConflictError as conflict:
        st.error(str(conflict))
        return False
    except ValueError as error:
        st.error(str(error))
        return False
    # Show the confirmation after a fresh run, so every list and map on the page already has the change.
    if success is not None:
        st.session_state["_flash"] = (where, success)
    st.rerun()
    return True


def edit_hotspot(hotspot: Hotspot, categories: list[str], *, user: str) -> None:
    """Edit a pinned place. The form remembers the version it was opened at."""
    opened = st.session_state.setdefault(f"opened-hotspot-{hotspot.id}", hotspot.version)
    names = weekday_names()
    with st.form(f"edit-hotspot-{hotspot.id}"):
        title = st.text_input(t("Rubrik"), value=hotspot.title)
        chosen = st.multiselect(t("Brottstyper"), sorted(set(categories) | set(hotspot.categories)),
                                default=hotspot.categories, placeholder=t(ALL),
                                format_func=lambda c: display_name(c, lang=lang()))
        cols = st.columns(2)
        days = cols[0].multiselect(t("Veckodagar"), list(range(1, 8)), default=hotspot.weekdays,
                                   format_func=lambda d: names[d - 1], placeholder=t(ALL))
        hours = cols[1].multiselect(t("Timmar"), list(range(24)), default=hotspot.hours,
                                    format_func=lambda h: f"{h:02d}", placeholder=t(ALL))
        cols = st.columns(4)
        status = cols[0].selectbox(t("Status"), STATUSES, index=STATUSES.index(hotspot.status),
                                  format_func=t)
        priority = cols[1].selectbox(t("Prioritet"), [1, 2, 3], index=hotspot.priority - 1,
                                     format_func=lambda p: t(PRIORITY_LABELS[p]))
        picture = cols[2].selectbox(t("Problembild"), PICTURES, index=PICTURES.index(hotspot.picture),
                                    format_func=lambda p: t(PICTURE_LABELS[p]))
        organisation = cols[3].selectbox(t("Organisation"), ORGANISATIONS,
                                         index=ORGANISATIONS.index(hotspot.organisation), format_func=t)
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
        chosen = st.multiselect(t("Slå ihop platserna"), list(labels), format_func=labels.get,
                                placeholder=t(CHOOSE_MANY))
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


# --------------------------------------------------------------------------------------------------
# Causes, measures and goals: listed with "Ändra", "Arkivera" (with "Ångra" in its place) and "Historik"

NOUNS = {"cause": "Orsaken", "measure": "Åtgärden", "goal": "Målet"}
CHANGED = {"cause": "Orsaken är ändrad.", "measure": "Åtgärden är ändrad.", "goal": "Målet är ändrat."}
ARCHIVED = {"cause": "Orsaken är arkiverad:", "measure": "Åtgärden är arkiverad:", "goal": "Målet är arkiverat:"}
RESTORED = {"cause": "Orsaken är tillbaka.", "measure": "Åtgärden är tillbaka.", "goal": "Målet är tillbaka."}
ARCHIVE_NOTES = {
    "cause": "Orsaken flyttas till arkivet; inget raderas och den kan tas tillbaka.",
    "measure": "Åtgärden flyttas till arkivet med sina kopplingar; inget raderas och den kan tas tillbaka.",
    "goal": "Målet flyttas till arkivet; inget raderas och det kan tas tillbaka.",
}
ACTIONS = {"create": "skapad", "update": "ändrad", "archive": "arkiverad", "restore": "tillbakatagen",
           "import": "inläst från fil", "merge": "sammanslagen", "link": "kopplad till plats", "purge": "raderad"}
# The store's field names in English (store.problem_store.FIELD_LABELS has the Swedish ones).
FIELDS_EN = {
    "title": "title", "categories": "offence types", "weekdays": "weekdays", "hours": "hours",
    "organisation": "organisation", "picture": "problem picture", "priority": "priority", "status": "status",
    "notes": "notes", "archived": "archived", "hotspot_id": "place", "perspective": "perspective",
    "proximity": "proximity", "text": "text", "shareable": "shareable", "description": "description",
    "responsible": "responsible", "kind": "kind", "start": "start", "end": "end", "hotspot_ids": "places",
    "measure_id": "measure", "baseline_start": "baseline start", "baseline_end": "baseline end",
    "followup_start": "follow-up start", "followup_end": "follow-up end", "target_change": "target change",
    "planned": "planned", "done": "done", "unit": "unit", "geometry_wkt": "geometry", "snapshot": "snapshot",
    "merged_into": "merged into", "source_kind": "source kind", "source_id": "source id", "crs": "CRS",
    "dataset_id": "dataset", "created_by": "created by",
}
_NOT_QUOTED = frozenset({"text", "description", "notes", "geometry_wkt", "snapshot", "control_wkt"})
HALF_RANGE = "Välj både start- och slutdatum"


def _store_labels() -> dict[str, str]:
    from store.problem_store import FIELD_LABELS

    return FIELD_LABELS


def _value(value, lang: str) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return t("ja") if value else t("nej")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return formatting.number(value, 0 if value.is_integer() else 2, lang=lang)
    return str(value)


def _moment(at: str, lang: str) -> str:
    from datetime import datetime

    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return at
    return f"{formatting.short_date(moment, lang=lang)} {moment:%H:%M}"


def history_rows(entity: str, entity_id: int) -> list[dict[str, str]]:
    """The change log of one item in the reader's language: when, who, what, and which fields changed how."""
    lang = _lang()
    labels = FIELDS_EN if lang == "en" else _store_labels()
    rows = []
    for entry in problem_store().audit_log(entity, entity_id):
        parts = []
        if entry.action not in ("create", "import"):  # a new row lists every field; say only what changed
            for name, change in entry.changes.items():
                if name in ("archived", "merged_from") or not isinstance(change, list) or len(change) != 2:
                    continue
                label = labels.get(name, name)
                old, new = (formatting.percent(v, lang=lang, signed=True) if name == "target_change"
                            and isinstance(v, int | float) else _value(v, lang) for v in change)
                parts.append(label if name in _NOT_QUOTED else f"{label}: {old} → {new}")
        rows.append({t("När"): _moment(entry.at, lang), t("Vem"): entry.user,
                     t("Vad"): t(ACTIONS.get(entry.action, entry.action)), t("Ändrat"): "; ".join(parts)})
    return rows


def history(entity: str, entity_id: int) -> None:
    """The change log of one item as a table (who, when, what changed)."""
    import pandas as pd

    rows = history_rows(entity, entity_id)
    if rows:
        show_dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    else:
        st.caption(t("Inga ändringar är loggade."))


def _key(entity: str, item_id: int) -> str:
    return f"{entity}-{item_id}"


def _form_id(key: str) -> str:
    """The form's id; a new one after each save, so the next entry starts empty.

    Not ``clear_on_submit``: that empties the form also when the save is refused, and the person
    would have to type everything again to fix one field.
    """
    generation = st.session_state.get(f"form-generation-{key}", 0)
    return f"form-{key}" + (f"-{generation}" if generation else "")


def _fresh_form(key: str) -> None:
    st.session_state[f"form-generation-{key}"] = st.session_state.get(f"form-generation-{key}", 0) + 1


def _close_editor(key: str) -> None:
    if st.session_state.get("_editing") == key:
        del st.session_state["_editing"]
    st.session_state.pop(f"opened-{key}", None)


def opened_version(entity: str, item) -> int:
    """The version an edit form was opened at (a save over someone else's later change is refused)."""
    return st.session_state.get(f"opened-{_key(entity, item.id)}", item.version)


def with_undo(entity: str, items: list, belongs=lambda item: True) -> list:
    """``items`` with the one this session just archived put back in its place, to show "Ångra" there."""
    undo = st.session_state.get("_undo")
    if not undo or not undo.startswith(f"{entity}-"):
        return items
    item_id = int(undo.rsplit("-", 1)[1])
    if any(i.id == item_id for i in items):
        return items
    try:
        gone = getattr(problem_store(), f"get_{entity}")(item_id)
    except (LookupError, ValueError):
        return items
    if not gone.archived or not belongs(gone):
        return items
    return sorted([*items, gone], key=lambda i: i.id)


def item_row(entity: str, item, text: str, *, user: str, edit) -> None:
    """One cause, measure or goal: its text, "Ändra" (the form opens in place), "Arkivera", "Historik".

    An item this session just archived shows in its own place as archived, with "Ångra" beside it.
    """
    key = _key(entity, item.id)
    with st.container(border=True, key=f"row-{key}"):
        if item.archived:
            cols = st.columns([6, 1], vertical_alignment="center")
            cols[0].warning(f"{t(ARCHIVED[entity])} {text}", icon=":material/archive:")
            if cols[1].button(t("Ångra"), key=f"undo-{key}", icon=":material/undo:", type="primary"):
                save(lambda: problem_store().restore(entity, item.id, expected_version=item.version, user=user),
                     user=user, success=t(RESTORED[entity]), where=key)
            flash(where=key)
            return
        cols = st.columns([6, 1, 1, 1], vertical_alignment="center")
        cols[0].markdown(text)
        editing = st.session_state.get("_editing") == key
        if cols[1].button(t("Stäng") if editing else t("Ändra"), key=f"edit-{key}",
                          icon=":material/close:" if editing else ":material/edit:"):
            if editing:
                _close_editor(key)
            else:
                st.session_state["_editing"] = key
                st.session_state[f"opened-{key}"] = item.version
            st.rerun()
        with cols[2].popover(t("Arkivera"), icon=":material/archive:"):
            st.caption(t(ARCHIVE_NOTES[entity]))
            if st.checkbox(t("Ja, arkivera"), key=f"confirm-archive-{key}") and st.button(
                    t("Arkivera"), key=f"archive-{key}", type="primary"):
                def archive() -> None:
                    getattr(problem_store(), f"archive_{entity}")(item.id, expected_version=item.version, user=user)
                    _close_editor(key)
                    st.session_state["_undo"] = key

                save(archive, user=user, success=None, where=key)
        with cols[3].popover(t("Historik"), icon=":material/history:"):
            history(entity, item.id)
        if editing:
            edit()
        flash(where=key)


def cause_text(cause: Cause) -> str:
    """A cause in one line under its perspective's heading: proximity, the hypothesis; a lock when it stays
    in the room."""
    kept = "" if cause.shareable else f" :material/lock: *{t('stannar i rummet')}*"
    return f"*{t(f'{cause.proximity} orsak').capitalize()}*: {md(cause.text, limit=None)}{kept}"


def cause_form(hotspot: Hotspot, *, user: str, cause: Cause | None = None) -> None:
    """Add a cause to a place, or edit ``cause``; the confirmation appears below the button."""
    key = _key("cause", cause.id) if cause else f"new-cause-{hotspot.id}"
    with st.form(_form_id(key)):
        cols = st.columns(3)
        perspective = cols[0].selectbox(t("Perspektiv"), PERSPECTIVES, format_func=lambda p: t(p.capitalize()),
                                        index=PERSPECTIVES.index(cause.perspective) if cause else 0)
        proximity = cols[1].selectbox(t("Orsak"), PROXIMITIES, format_func=lambda p: t(f"{p} orsak"),
                                      index=PROXIMITIES.index(cause.proximity) if cause else 0)
        shareable = cols[2].checkbox(t("Får delas utanför rummet"), value=cause.shareable if cause else False)
        text = st.text_area(t("Hypotes"), value=cause.text if cause else "", height=70)
        submitted = st.form_submit_button(t("Spara ändringar") if cause else t("Lägg till orsak"),
                                          type="primary" if cause else "secondary")
    if submitted:
        if cause is None:
            def add() -> None:
                problem_store().add_cause(Cause(hotspot.id, perspective, proximity, text, shareable=shareable,
                                                created_by=user), user=user)
                _fresh_form(key)

            save(add, user=user, success=t("Orsaken är sparad."), where=key)
        else:
            changes = {"perspective": perspective, "proximity": proximity, "shareable": shareable, "text": text}

            def update() -> None:
                problem_store().update_cause(cause.id, changes, expected_version=opened_version("cause", cause),
                                             user=user)
                _close_editor(key)

            save(update, user=user, success=t(CHANGED["cause"]), where=key)
    if cause is None:
        flash(where=key)


def causes(hotspot: Hotspot, *, user: str) -> None:
    """The cause analysis of one place: each cause with Ändra/Arkivera/Historik, and a form to add one."""
    found = with_undo("cause", problem_store().list_causes(hotspot.id), lambda c: c.hotspot_id == hotspot.id)
    for perspective in PERSPECTIVES:
        lines = [c for c in found if c.perspective == perspective]
        if lines:
            st.markdown(f"**{t(perspective.capitalize())}**")
            for cause in lines:
                item_row("cause", cause, cause_text(cause), user=user,
                         edit=lambda c=cause: cause_form(hotspot, user=user, cause=c))
    st.markdown(f"**{t('Ny orsak')}**")
    cause_form(hotspot, user=user)


def _span(start: str, end: str, lang: str) -> str:
    if start and end:
        return formatting.date_span(start, end, lang=lang)
    if start:
        return f"{t('från')} {formatting.long_date(start, lang=lang)}"
    return ""


def measure_text(measure: Measure, places: dict[int, str] | None = None) -> str:
    """A measure in one line: title, kind, who, when, status, and the places by name."""
    lang = _lang()
    who = measure.organisation + (f" – {md(measure.responsible)}" if measure.responsible else "")
    parts = [f"**{md(measure.title)}**", t(measure.kind), who, _span(measure.start, measure.end, lang),
             t(measure.status)]
    if measure.hotspot_ids:
        names = places or {}
        parts.append(f"{t('Platser')}: " + ", ".join(md(names.get(i, f"#{i}")) for i in measure.hotspot_ids))
    return " · ".join(p for p in parts if p)


def measure_form(hotspots: list[Hotspot], *, user: str, measure: Measure | None = None) -> None:
    """A form for a new measure (åtgärd) linked to one or more places, or to edit ``measure``."""
    key = _key("measure", measure.id) if measure else "new-measure"
    labels = {h.id: clean_text(f"#{h.id} {h.title}") for h in hotspots}
    if measure:  # a place the measure already names stays choosable (also when archived or not shown)
        labels.update({i: f"#{i}" for i in measure.hotspot_ids if i not in labels})
    with st.form(_form_id(key)):
        title = st.text_input(t("Åtgärd"), value=measure.title if measure else "")
        description = st.text_area(t("Beskrivning"), value=measure.description if measure else "", height=70)
        cols = st.columns(4)
        organisation = cols[0].selectbox(t("Ansvarig organisation"), ORGANISATIONS,
                                         index=ORGANISATIONS.index(measure.organisation) if measure else 0,
                                         format_func=t)
        responsible = cols[1].text_input(t("Ansvarig person/funktion"), value=measure.responsible if measure else "")
        # Unmarked, the description stays in the room: an export for the other party leaves it out.
        shareable = st.checkbox(t("Får delas med den andra parten"), value=measure.shareable if measure else False,
                                help=t("Beskrivningen följer med när problembilden exporteras till den andra "
                                       "parten. Utan markering stannar den i rummet; åtgärdens titel följer alltid "
                                       "med."))
        kind = cols[2].selectbox(t("Typ"), MEASURE_KINDS, format_func=t,
                                 index=MEASURE_KINDS.index(measure.kind) if measure else 0)
        status = cols[3].selectbox(t("Status"), MEASURE_STATUSES, format_func=t,
                                   index=MEASURE_STATUSES.index(measure.status) if measure else 0)
        cols = st.columns(3)
        start = cols[0].date_input(t("Start"), value=_day(measure.start) if measure else date.today(),
                                   format="YYYY-MM-DD")
        end = cols[1].date_input(t("Slut (valfritt)"), value=_day(measure.end) if measure else None,
                                 format="YYYY-MM-DD")
        linked = cols[2].multiselect(t("Platser"), list(labels), format_func=labels.get,
                                     default=measure.hotspot_ids if measure else [], placeholder=t(CHOOSE_MANY))
        submitted = st.form_submit_button(t("Spara ändringar") if measure else t("Lägg till åtgärd"),
                                          type="primary" if measure else "secondary")
    if submitted:
        values = {"title": title, "description": description, "shareable": shareable, "organisation": organisation,
                  "responsible": responsible, "kind": kind, "status": status,
                  "start": start.isoformat() if start else "", "end": end.isoformat() if end else "",
                  "hotspot_ids": list(linked)}
        if measure is None:
            def add() -> None:
                problem_store().add_measure(Measure(**values, created_by=user), user=user)
                _fresh_form(key)

            save(add, user=user, success=t("Åtgärden är sparad."), where=key)
        else:
            def update() -> None:
                problem_store().update_measure(measure.id, values, expected_version=opened_version("measure", measure),
                                               user=user)
                _close_editor(key)

            save(update, user=user, success=t(CHANGED["measure"]), where=key)
    if measure is None:
        flash(where=key)


def add_measure(hotspots: list[Hotspot], *, user: str) -> None:
    """A form for a new measure (åtgärd) linked to one or more places."""
    measure_form(hotspots, user=user)


def measures_list(measures: list[Measure], hotspots: list[Hotspot], *, user: str) -> None:
    """Each measure with Ändra/Arkivera/Historik (a just archived one with Ångra in its place)."""
    places = {h.id: clean_text(f"#{h.id} {h.title}") for h in hotspots}
    for measure in with_undo("measure", measures):
        item_row("measure", measure, measure_text(measure, places), user=user,
                 edit=lambda m=measure: measure_form(hotspots, user=user, measure=m))


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _range(start: str, end: str) -> tuple:
    return (date.fromisoformat(start), date.fromisoformat(end)) if start and end else ()


def goal_text(goal: Goal, places: dict[int, str], actions: dict[int, str]) -> str:
    """A goal in one line: kind, description, and what it is measured by (its own kind's fields only)."""
    lang = _lang()
    parts = [f"**{t(goal.kind).capitalize()}**: {md(goal.description)}"]
    if goal.kind == "effektmål":
        if goal.categories:
            parts.append(formatting.listing(goal.categories, lang=lang))
        if goal.target_change is not None:
            parts.append(f"{t('mål')} {formatting.percent(goal.target_change, lang=lang, signed=True)}")
        if goal.baseline_start:
            parts.append(f"{t('basperiod')} {_span(goal.baseline_start, goal.baseline_end, lang)}")
        if goal.followup_start:
            parts.append(f"{t('uppföljning')} {_span(goal.followup_start, goal.followup_end, lang)}")
    elif goal.planned is not None or goal.done is not None:
        done = "–" if goal.done is None else formatting.number(goal.done, lang=lang)
        planned = "–" if goal.planned is None else formatting.number(goal.planned, lang=lang)
        parts.append(f"{done} {t('av')} {planned} {md(goal.unit)}".strip())
    if goal.hotspot_id in places:
        parts.append(md(places[goal.hotspot_id]))
    if goal.measure_id in actions:
        parts.append(md(actions[goal.measure_id]))
    return " · ".join(parts)


def goal_form(hotspots: list[Hotspot], measures: list[Measure], categories: list[str], *, user: str,
              goal: Goal | None = None) -> None:
    """A goal form that shows only the chosen kind's fields; a half-entered date range is refused beside it.

    Effektmål: offence types, baseline and follow-up periods, target change. Process- and
    produktionsmål: planned, done, unit. The kind is chosen above the form so the fields follow it at once.
    """
    key = _key("goal", goal.id) if goal else "new-goal"
    places = {h.id: clean_text(f"#{h.id} {h.title}") for h in hotspots}
    actions = {m.id: clean_text(m.title) for m in measures}
    if goal:  # the goal's own place and measure stay choosable
        if goal.hotspot_id is not None and goal.hotspot_id not in places:
            places[goal.hotspot_id] = f"#{goal.hotspot_id}"
        if goal.measure_id is not None and goal.measure_id not in actions:
            actions[goal.measure_id] = f"#{goal.measure_id}"
    kind = st.selectbox(t("Måltyp"), GOAL_KINDS, format_func=lambda k: t(k).capitalize(), key=f"kind-{key}",
                        index=GOAL_KINDS.index(goal.kind) if goal else 0)
    effect = kind == "effektmål"
    place_ids, action_ids = [None, *places], [None, *actions]
    with st.form(_form_id(f"{key}-{kind}")):
        description = st.text_input(t("Mål"), value=goal.description if goal else "",
                                    placeholder=t("t.ex. misshandel utomhus i centrum −20 % jämfört med samma "
                                                  "period föregående år") if effect else t("t.ex. tolv "
                                                                                            "trygghetsvandringar"))
        cols = st.columns(2)
        place = cols[0].selectbox(t("Plats"), place_ids, format_func=lambda i: places.get(i, "–"),
                                  index=place_ids.index(goal.hotspot_id) if goal else 0)
        measure = cols[1].selectbox(t("Åtgärd"), action_ids, format_func=lambda i: actions.get(i, "–"),
                                    index=action_ids.index(goal.measure_id) if goal else 0)
        if effect:
            cols = st.columns(4)
            chosen = cols[0].multiselect(t("Brottstyper"), sorted(set(categories) | set(goal.categories if goal
                                                                                        else [])),
                                         default=goal.categories if goal else [], placeholder=t(ALL),
                                         format_func=lambda c: display_name(c, lang=lang()))
            baseline = cols[1].date_input(t("Basperiod"), format="YYYY-MM-DD",
                                          value=_range(goal.baseline_start, goal.baseline_end) if goal else ())
            baseline_note = cols[1].empty()
            target = cols[2].number_input(t("Mål (förändring i %)"), step=5.0,
                                          value=100 * goal.target_change if goal and goal.target_change is not None
                                          else -20.0)
            followup = cols[3].date_input(t("Uppföljningsperiod (valfritt)"), format="YYYY-MM-DD",
                                          value=_range(goal.followup_start, goal.followup_end) if goal else ())
            followup_note = cols[3].empty()
            st.caption(t("Utan basperiod räknas målet på uppföljningens före- och efterperiod."))
        else:
            cols = st.columns(3)
            planned = cols[0].number_input(t("Planerat"), min_value=0.0, value=goal.planned if goal else None)
            done = cols[1].number_input(t("Utfört"), min_value=0.0, value=goal.done if goal else None)
            unit = cols[2].text_input(t("Enhet"), value=goal.unit if goal else "",
                                      placeholder=t("t.ex. trygghetsvandringar"))
        submitted = st.form_submit_button(t("Spara ändringar") if goal else t("Lägg till mål"),
                                          type="primary" if goal else "secondary")
    if submitted:
        if effect:
            # A range picked only to its first day comes back as a 1-tuple: refuse it beside the field.
            half = [note for value, note in ((baseline, baseline_note), (followup, followup_note))
                    if len(value) == 1]
            for note in half:
                note.error(t(HALF_RANGE), icon=":material/error:")
            if half:
                return
            values = {"categories": chosen, "target_change": target / 100, "planned": None, "done": None, "unit": "",
                      "baseline_start": baseline[0].isoformat() if baseline else "",
                      "baseline_end": baseline[1].isoformat() if baseline else "",
                      "followup_start": followup[0].isoformat() if followup else "",
                      "followup_end": followup[1].isoformat() if followup else ""}
        else:
            values = {"categories": [], "target_change": None, "baseline_start": "", "baseline_end": "",
                      "followup_start": "", "followup_end": "", "planned": planned, "done": done, "unit": unit}
        values.update(kind=kind, description=description, hotspot_id=place, measure_id=measure)
        if goal is None:
            def add() -> None:
                problem_store().add_goal(Goal(**values, created_by=user), user=user)
                _fresh_form(f"{key}-{kind}")

            save(add, user=user, success=t("Målet är sparat."), where=key)
        else:
            def update() -> None:
                problem_store().update_goal(goal.id, values, expected_version=opened_version("goal", goal), user=user)
                _close_editor(key)

            save(update, user=user, success=t(CHANGED["goal"]), where=key)
    if goal is None:
        flash(where=key)


def add_goal(hotspots: list[Hotspot], measures: list[Measure], categories: list[str], *, user: str) -> None:
    """A form for a new goal: effektmål (indicator, place, baseline, target) or process/produktionsmål."""
    goal_form(hotspots, measures, categories, user=user)


def goals_list(goals: list[Goal], hotspots: list[Hotspot], measures: list[Measure], categories: list[str], *,
               user: str) -> None:
    """Each goal with Ändra/Arkivera/Historik (a just archived one with Ångra in its place)."""
    places = {h.id: clean_text(f"#{h.id} {h.title}") for h in hotspots}
    actions = {m.id: m.title for m in measures}
    for goal in with_undo("goal", goals):
        item_row("goal", goal, goal_text(goal, places, actions), user=user,
                 edit=lambda g=goal: goal_form(hotspots, measures, categories, user=user, goal=g))
