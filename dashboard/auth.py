"""Sign-in with the organisation's identity provider (Streamlit's OpenID Connect), or a workstation.

Sign-in is configured when Streamlit's secrets file (``samsyn serve --secrets FILE`` or ``[auth] secrets``
in samsyn.toml) has an ``[auth]`` section; ``samsyn serve`` refuses to listen beyond this machine without
one. Then every page requires sign-in: :func:`sign_in_gate` draws only the sign-in page for a visitor
who has not signed in, and the audit log records the identity the provider vouched for
(:func:`audit_user`). Without it, Samsyn is a single-user workstation on this machine and says so.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from core.disclosure import Viewer, organisation_of
from dashboard.components.safe_text import escape_markdown as md
from dashboard.i18n import t
from dashboard.services import shared_store, workspace
from store.access import ADMIN, ANALYSTS, parse_roles, read_only
from store.roles import RoleEntry

# Who the audit log names on a workstation when nobody typed a name (nobody signs in there).
WORKSTATION_USER = "arbetsstation"
# "" is the default page (Översikt): st.Page gives the default page an empty url_path.
READ_ONLY_PAGES = frozenset({"", "oversikt", "uppfoljning", "styrgrupp"})
ADMIN_PAGE = "administration"


def sign_in_configured() -> bool:
    """True when Streamlit's secrets hold an ``[auth]`` section for ``st.login``."""
    try:
        auth = st.secrets.get("auth")
    except Exception:  # Streamlit raises its own error when there is no secrets file at all
        return False
    return isinstance(auth, Mapping) and bool(auth)


def signed_in() -> bool:
    """True when sign-in is configured and this session's visitor has signed in."""
    return sign_in_configured() and bool(st.user.get("is_logged_in", False))


def user_name() -> str:
    """The signed-in person's name as the identity provider gives it (else the e-mail, else the subject)."""
    for claim in ("name", "email", "preferred_username", "sub"):
        value = st.user.get(claim)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def audit_user(typed: str = "") -> str:
    """The name the audit log records for a save in this session.

    Signed in: the provider's identity, ``"Name (e-mail)"``, never a typed name. On a workstation:
    the name typed on the page, else ``"arbetsstation"``.
    """
    if signed_in():
        name, email = user_name(), st.user.get("email")
        if isinstance(email, str) and email.strip() and email.strip() != name:
            return f"{name} ({email.strip()})"
        return name
    return typed.strip() or WORKSTATION_USER


def session_identities() -> list[str]:
    """The signed-in person's identities the role table may name: the provider's ``sub``, then the e-mail."""
    return [value.strip() for value in (st.user.get("sub"), st.user.get("email"))
            if isinstance(value, str) and value.strip()]


# The role table cannot be read (database down): the person gets no role until it answers, rather
# than the roles the provider claims, which an administrator may have taken away in the table.
_UNREADABLE = RoleEntry("", "", None, ())


def _role_row() -> RoleEntry | None:
    """The role-table row of the signed-in identity, read from the store once per run of the page.

    Read again on every run, so a change in the table takes effect at the person's next click. When
    the database does not answer, the row this session last read for the same identity still holds
    (a restart of the database must not take the roles away in the middle of a save, so the save
    itself is tried and says that it was not saved); with no earlier read the person has no role.
    """
    identities = tuple(session_identities())
    key = (st.session_state.get("_run", 0), identities)
    cached = st.session_state.get("_role_row")
    if cached is not None and cached[0] == key:
        return cached[1]
    from store.backends import StoreUnavailableError

    space = workspace()
    space.data_dir.mkdir(parents=True, exist_ok=True)
    try:
        row = shared_store(space.store_url).role_for(*identities) if identities else None
    except StoreUnavailableError:
        known = st.session_state.get("_role_row_known")
        row = known[1] if known is not None and known[0] == identities else _UNREADABLE
        st.session_state["_role_row_stale"] = row is not _UNREADABLE
    else:
        st.session_state["_role_row_known"] = (identities, row)
        st.session_state["_role_row_stale"] = False
    st.session_state["_role_row"] = (key, row)
    return row


def session_roles() -> frozenset[str]:
    """The roles of this session: the role table's row for the signed-in identity, else the provider's
    ``samsyn_roles`` claim.

    On a workstation (nobody signs in, only this machine reaches it) the one user is the administrator.
    Signed in without a known role, the person may only read (see :mod:`store.access`); a row with no
    roles (or a role table that cannot be read) gives no role.
    """
    if not sign_in_configured():
        return frozenset({ADMIN})
    if not st.user.get("is_logged_in", False):
        return frozenset()
    row = _role_row()
    if row is not None:
        return frozenset(row.roles)
    return parse_roles(st.user.get("samsyn_roles"))


def session_viewer() -> Viewer:
    """The person this session shows data to: roles and organisation. The role table's row decides both
    when there is one (an organisation left blank there: the ``samsyn_org`` claim, else the one an analyst
    role implies); otherwise the claims do. On a workstation, its one user, who owns what is there."""
    if not sign_in_configured():
        return Viewer.local()
    roles = session_roles()
    row = _role_row() if st.user.get("is_logged_in", False) else None
    claimed = (row.organisation if row is not None else None) or st.user.get("samsyn_org")
    return Viewer(roles, organisation_of(roles, claimed))


def page_allowed(url_path: str) -> bool:
    """True when this session's roles may open the page: styrgrupp (read-only) only Översikt,
    Uppföljning (where the reports are) and Styrgrupp (the steering group's view); the Data page
    (datasets) only analysts and the administrator; Administration (the role table, owners and sharing) only the administrator."""
    roles = session_roles()
    if read_only(roles):
        return url_path in READ_ONLY_PAGES
    if url_path == "data":
        return bool(roles & ANALYSTS)
    if url_path == ADMIN_PAGE:
        return ADMIN in roles
    return True


def sign_in_gate() -> bool:
    """Return True when the app may be shown; otherwise draw the sign-in page and return False."""
    if not sign_in_configured() or st.user.get("is_logged_in", False):
        return True
    st.title("Samsyn")
    st.subheader(t("Logga in med din organisations konto"))
    st.write(t("Samsyn visar polisens och kommunens gemensamma problembild och kräver inloggning."))
    if st.button(t("Logga in"), type="primary", icon=":material/login:", key="sign_in"):
        st.login()
    return False


def sidebar_identity() -> None:
    """Say in the sidebar who is signed in (with a sign-out button), or that this is a workstation."""
    if not sign_in_configured():
        st.caption(t("Arbetsstation för en användare – ingen inloggning"))
        return
    st.caption(f"{t('Inloggad som')} **{md(user_name())}**")
    if st.user.get("is_logged_in", False) and _role_row() is _UNREADABLE:
        st.error(t("Rolltabellen kunde inte läsas: databasen svarar inte. Du har ingen roll förrän den svarar "
                   "igen; försök om en stund."))
    elif st.session_state.get("_role_row_stale"):
        st.warning(t("Databasen svarar inte just nu. Dina roller från förra kontrollen gäller; det du sparar "
                     "kan misslyckas, och sidan säger i så fall till."))
    if st.button(t("Logga ut"), icon=":material/logout:", key="sign_out"):
        st.logout()

