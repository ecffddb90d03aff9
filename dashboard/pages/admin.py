"""Administration: the role table (who has which roles and organisation) and each dataset's owner and sharing.

Only the administrator reaches this page (``dashboard.auth.page_allowed``); the store and the workspace
refuse the same changes for anyone else whatever the browser sends (``store.access``).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.disclosure import EGEN, GEMENSAM, MUNICIPALITY, POLICE, SHARING_LEVELS, SHARING_NAMES, STYRGRUPP
from dashboard.auth import audit_user, session_roles, session_viewer
from dashboard.components.errors import end_page
from dashboard.components.projector import show_dataframe
from dashboard.components.safe_text import escape_markdown
from dashboard.components.widget_texts import CHOOSE_MANY
from dashboard.i18n import lang, t
from dashboard.loaders import problem_store, workspace
from store.access import ADMIN, ROLES

NEW = "__new__"
NO_OWNER, OTHER = "__none__", "__other__"
OWNER_CHOICES = {NO_OWNER: "(ingen ägare)", OTHER: "Annan organisation …"}

st.title(t("Administration"))
if ADMIN not in session_roles():  # the navigation hides the page; an address typed directly ends here
    st.error(t("Bara administratören får öppna den här sidan."))
    end_page()

store = problem_store()
space = workspace()
viewer = session_viewer()
rules = space.config.disclosure

# --- The role table ---------------------------------------------------------------------------
st.subheader(t("Roller"))
st.caption(t("En rad i rolltabellen bestämmer personens roller och organisation från nästa klick. Utan rad gäller "
             "det inloggningstjänsten anger (samsyn_roles, samsyn_org). En rad utan roller stänger personen ute."))
entries = store.list_roles()
if entries:
    show_dataframe(pd.DataFrame([
        {t("Identitet"): e.identity, t("Namn"): e.name, t("Organisation"): e.organisation or "–",
         t("Roller"): ", ".join(e.roles) or t("ingen (utestängd)"), t("Ändrad av"): e.changed_by,
         t("Ändrad"): e.changed_at[:16].replace("T", " ")}
        for e in entries
    ]), hide_index=True, width="stretch")
else:
    st.info(t("Rolltabellen är tom: alla har de roller inloggningstjänsten anger."))


def _fill(entries_by_identity: dict) -> None:
    # Choosing a person fills the form with their row, so a change starts from what is stored.
    chosen = st.session_state["role_pick"]
    entry = entries_by_identity.get(chosen)
    st.session_state["role_identity"] = entry.identity if entry else ""
    st.session_state["role_name"] = entry.name if entry else ""
    st.session_state["role_roles"] = list(entry.roles) if entry else []
    st.session_state["role_org"] = (entry.organisation or "") if entry else ""


by_identity = {e.identity: e for e in entries}
st.selectbox(t("Person"), [NEW, *by_identity], key="role_pick", on_change=_fill, args=(by_identity,),
             format_func=lambda i: t("Ny person") if i == NEW else i)
with st.form("role_form"):
    identity = st.text_input(t("Identitet (e-post eller id hos inloggningstjänsten)"), key="role_identity")
    name = st.text_input(t("Namn"), key="role_name")
    roles = st.multiselect(t("Roller"), ROLES, key="role_roles", placeholder=t(CHOOSE_MANY), format_func=t)
    organisation = st.text_input(t("Organisation (t.ex. polisen eller kommunen; tomt = enligt rollen)"),
                                 key="role_org")
    save_role = st.form_submit_button(t("Spara roller"), type="primary")
if save_role:
    try:
        entry = store.set_role(identity, roles=roles, organisation=organisation, name=name, user=audit_user())
    except ValueError as error:  # a bad identity or role, or AccessDenied: nothing was saved
        st.error(escape_markdown(str(error), limit=None))
    else:
        shown_roles = ", ".join(entry.roles) or t("inga roller (utestängd)")
        shown_org = entry.organisation or t("enligt rollen")
        st.success(t("Sparat: {identity} har {roles}, organisation {organisation}. Det gäller från personens "
                     "nästa klick.").format(identity=escape_markdown(entry.identity), roles=shown_roles,
                                            organisation=escape_markdown(shown_org)))

if by_identity:
    columns = st.columns([3, 1], vertical_alignment="bottom")
    removed = columns[0].selectbox(t("Ta bort raden för"), list(by_identity), key="role_remove_pick")
    if columns[1].button(t("Ta bort raden"), key="role_remove"):
        try:
            store.remove_role(removed, user=audit_user())
        except ValueError as error:
            st.error(escape_markdown(str(error), limit=None))
        else:
            st.success(t("Raden för {identity} är borttagen; från personens nästa klick gäller det "
                         "inloggningstjänsten anger.").format(identity=escape_markdown(removed)))

# --- Datasets: owner and sharing ---------------------------------------------------------------
st.subheader(t("Dataset: ägare och delning"))
hidden = "1" if rules.min_count == 2 else f"1–{rules.min_count - 1}"
if lang() == "en":
    levels = {
        EGEN: "only the owner organisation's analysts (and the administrator) see the dataset.",
        GEMENSAM: f"both parties' analysts and the workshop see it below the owner's level: counts of {hidden} "
                  f"as “..”, places with fewer than {rules.min_place} incidents not on their own, no points.",
        STYRGRUPP: "everyone signed in with a role, the steering group too, sees it the same way (aggregates only).",
    }
else:
    levels = {
        EGEN: "bara ägarorganisationens analytiker (och administratören) ser datasetet.",
        GEMENSAM: f"båda parternas analytiker och workshopen ser det under ägarens nivå: antal {hidden} som ”..”, "
                  f"platser med färre än {rules.min_place} händelser inte var för sig, inga enskilda händelser.",
        STYRGRUPP: "alla inloggade med en roll, även styrgruppen, ser det på samma sätt (bara sammanställningar).",
    }
names = SHARING_NAMES["en" if lang() == "en" else "sv"]
for level in SHARING_LEVELS:
    st.markdown(f"- **{names[level]}**: {levels[level]}")

datasets = space.datasets()
organisations = sorted({POLICE, MUNICIPALITY} | {e.organisation for e in entries if e.organisation}
                       | {d.owner for d in datasets if d.owner})
for dataset in datasets:
    if dataset.builtin:
        st.caption(t("{name}: ägs av {owner}, delas {level} (inbyggt, går inte att ändra).").format(
            name=escape_markdown(dataset.name), owner=dataset.owner, level=names[dataset.sharing]))
        continue
    with st.container(border=True):
        st.markdown(f"**{escape_markdown(dataset.name)}** · `{dataset.id}`")
        columns = st.columns([2, 2, 1], vertical_alignment="bottom")
        options = [*([] if dataset.owner else [NO_OWNER]), *organisations, OTHER]
        owner = columns[0].selectbox(t("Ägare"), options, index=options.index(dataset.owner or NO_OWNER),
                                     format_func=lambda o: t(OWNER_CHOICES[o]) if o in OWNER_CHOICES else o,
                                     key=f"owner_{dataset.id}")
        sharing = columns[1].selectbox(t("Delning"), SHARING_LEVELS, index=SHARING_LEVELS.index(dataset.sharing),
                                       format_func=names.get, key=f"sharing_{dataset.id}")
        other = st.text_input(t("Annan organisation (id, t.ex. räddningstjänsten)"), key=f"owner_other_{dataset.id}") \
            if owner == OTHER else ""
        if columns[2].button(t("Spara delning"), key=f"share_{dataset.id}"):
            chosen_owner = None if owner == NO_OWNER else (other if owner == OTHER else owner)
            try:
                if chosen_owner is not None and not chosen_owner.strip():
                    raise ValueError(t("Skriv den andra organisationens id."))
                saved = space.set_sharing(dataset.id, viewer=viewer, sharing=sharing, owner=chosen_owner,
                                          user=audit_user(), store=store)
            except ValueError as error:
                st.error(escape_markdown(str(error), limit=None))
            else:
                st.success(t("Sparat: {name} ägs av {owner} och delas {level}.").format(
                    name=escape_markdown(saved.name), owner=escape_markdown(saved.owner or "–"),
                    level=names[saved.sharing]))
        # Read after a save, so the change just made is the last line.
        history = space.sharing_log(dataset.id, store=store)
        if history:
            st.caption(t("Ändringar av ägare och delning:") + "\n" + "\n".join(
                f"- {escape_markdown(change.sentence(lang()))}" for change in history))
