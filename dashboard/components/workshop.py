"""Arbetsmöte: the guided workshop flow of the handbook's joint analysis session, one step at a time.

The moderator moves the room through six steps (lägesbild → vad sticker ut → fäst platser → orsaker
→ åtgärder och mål → plan för uppföljning) with one button. A step bar at the top of every page shows
where the room is and asks the step's question; the step is a plain session key, so it survives page
changes (widget state would be dropped when the page changes).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field

import streamlit as st

from dashboard.auth import page_allowed
from dashboard.components.pinning import LAST_PIN
from dashboard.i18n import t

STEP = "_workshop_step"  # index into STEPS while a workshop runs; absent otherwise


def _no_preparation() -> None:
    """Nothing to open on the page beyond the page itself."""


def _hot_spots_visible() -> None:
    # The hot cells are the answer to "what stands out": the density surface would cover them.
    st.session_state["map_density"] = False


def _causes_of_last_pin() -> None:
    # The causes tab of the place the room just pinned (else of the place last worked on).
    last = st.session_state.get(LAST_PIN)
    if last:
        st.session_state["problem_selected"] = last["id"]
        # The selectbox keeps its own choice over a page change; without it, it opens on problem_selected.
        st.session_state.pop("problem_choice", None)
    st.session_state["problem_tabs"] = t("Orsaksanalys")


@dataclass(frozen=True)
class Step:
    """One step of the workshop: its name, the page it happens on and the question for the room."""

    name: str
    page: str  # the page file, as st.switch_page takes it
    url_path: str  # the page's address, as st.navigation knows it (for the role check)
    prompt: str
    prepare: Callable[[], None] = field(default=_no_preparation)


STEPS: tuple[Step, ...] = (
    Step("Lägesbild", "pages/overview.py", "oversikt",
         "Hur ser läget ut? Gå igenom antal, förändring och trygghet i området."),
    Step("Vad sticker ut", "pages/map.py", "karta",
         "Vilka platser och tider sticker ut? Klicka på kartan.", _hot_spots_visible),
    Step("Fäst platser", "pages/map.py", "karta",
         "Vilka platser tar vi med i den gemensamma problembilden? Klicka på en hot spot och fäst den.",
         _no_preparation),
    Step("Orsaker", "pages/problem.py", "problembild",
         "Varför händer det just här? Tänk på platsen, de utsatta och gärningspersonerna.", _causes_of_last_pin),
    Step("Åtgärder och mål", "pages/problem.py", "problembild",
         "Vad gör vi, vem gör det – och vilket mål visar att det har fungerat?"),
    Step("Plan för uppföljning", "pages/followup.py", "uppfoljning",
         "Hur och när följer vi upp? Välj jämförelseområde och perioder för rapporten till styrgruppen."),
)

#: The weekday × hour belongs to "vad sticker ut" too: a link on that step, not a step of its own.
TIME_LINK_STEP = 1


def can_run() -> bool:
    """Whether this session may run a workshop: it pins places (read-only roles such as styrgrupp may not)."""
    return page_allowed("karta") and page_allowed("problembild")


def current_step() -> int | None:
    """The index of the running workshop's step, or None when no workshop runs."""
    return st.session_state.get(STEP)


GO = "_workshop_go"  # set by a step button's callback: switch to the step's page in this run


def _go(index: int) -> None:
    """Button callback: make ``index`` the step and open its part of its page (before any widget is drawn)."""
    st.session_state[STEP] = index
    STEPS[index].prepare()
    st.session_state[GO] = True


def _end() -> None:
    """Button callback: end the workshop; the page stays where it is, without the step bar."""
    st.session_state.pop(STEP, None)
    st.session_state.pop(GO, None)


def _switch(url_path: str) -> None:
    """After a step button: go to the step's page (unless the room is on it, or this role may not open it)."""
    if not st.session_state.pop(GO, False):
        return
    step = STEPS[st.session_state[STEP]]
    if step.url_path != url_path and page_allowed(step.url_path):
        # A page change from the script clears every widget's state, the sidebar's filters too: they are
        # seeded again from the address (dashboard.filters), so the address goes along unchanged.
        st.session_state.pop("_filters_ready", None)
        address = {key: st.query_params.get_all(key) for key in st.query_params}
        st.switch_page(step.page, query_params=address)


def step_bar_html(index: int, *, projector: bool) -> str:
    """The six steps as one row, the current one highlighted, and the step's question below it.

    Large enough to read from the back of the room in projector mode; the texts are the app's own, but
    are escaped all the same (they become HTML).
    """
    # !important: projector mode sets a floor for every text with !important (components/projector.py),
    # which would otherwise win over these inline sizes and make the question as small as the body text.
    size, prompt_size = ("1.2rem !important", "1.6rem !important") if projector else ("1rem", "1.25rem")
    items = []
    for number, step in enumerate(STEPS):
        state = "current" if number == index else "done" if number < index else "next"
        style = {
            "current": "background:#0072B2;color:#fff;font-weight:700;",
            "done": "background:#dbe9f4;color:#003a5c;",
            "next": "background:#f0f2f6;color:#333;",
        }[state]
        current = ' aria-current="step"' if state == "current" else ""
        items.append(
            f'<li class="samsyn-workshop-step {state}"{current} '
            f'style="{style}flex:1;list-style:none;padding:.5em .6em;border-radius:.4em;font-size:{size};'
            f'text-align:center;">{number + 1}. {html.escape(t(step.name))}</li>')
    prompt = html.escape(t(STEPS[index].prompt))
    label = html.escape(t("Arbetsmöte"))
    return (f'<nav class="samsyn-workshop" aria-label="{label}">'
            f'<ol style="display:flex;gap:.4em;margin:0 0 .4em 0;padding:0;">{"".join(items)}</ol>'
            f'<p class="samsyn-workshop-prompt" style="font-size:{prompt_size};font-weight:600;margin:.2em 0 .4em 0;'
            f'color:#000;">{prompt}</p></nav>')


def step_bar(url_path: str) -> None:
    """At the top of every page: the step bar and ← Tillbaka / Nästa → / Avsluta while a workshop runs.

    With no workshop running, Översikt offers "Starta arbetsmöte" (the sidebar does on every page).
    """
    url_path = url_path or "oversikt"  # st.navigation gives the default page (Översikt) the address ""
    _switch(url_path)
    index = current_step()
    if index is None:
        if url_path == "oversikt" and can_run():
            st.button(t("Starta arbetsmöte"), icon=":material/groups:", key="workshop-start-page", type="primary",
                      on_click=_go, args=(0,))
        return
    projector = st.session_state.get("projector", False)
    st.html(step_bar_html(index, projector=projector))
    columns = st.columns([1, 1.6, 1, 2.4], vertical_alignment="center")  # room for the longest "Nästa: …"
    if index > 0:
        columns[0].button(t("← Tillbaka"), key="workshop-back", width="stretch", on_click=_go, args=(index - 1,))
    if index < len(STEPS) - 1:
        columns[1].button(t("Nästa: {step} →").format(step=t(STEPS[index + 1].name)), key="workshop-next",
                          type="primary", width="stretch", on_click=_go, args=(index + 1,))
    columns[2].button(t("Avsluta arbetsmötet"), key="workshop-end", width="stretch", on_click=_end)
    if index == TIME_LINK_STEP and page_allowed("tid"):
        columns[3].page_link("pages/time.py", label=t("Veckodag × timme på sidan Tid"), icon=":material/schedule:")
    step = STEPS[index]
    if step.url_path != url_path and page_allowed(step.url_path):
        # The moderator opened another page in between: the way back to the step's own page.
        st.page_link(step.page, label=t("Tillbaka till stegets sida"), icon=":material/undo:")


def sidebar_button() -> None:
    """"Starta arbetsmöte" in the sidebar (or "Avsluta arbetsmötet" while one runs)."""
    if current_step() is None:
        if not can_run():
            return
        st.button(t("Starta arbetsmöte"), icon=":material/groups:", key="workshop-start-sidebar", on_click=_go,
                  args=(0,))
    else:
        st.button(t("Avsluta arbetsmötet"), key="workshop-end-sidebar", on_click=_end)
