"""Sign in through a real OpenID Connect provider, in Chromium: sign-in page, the provider's form, sign out.

The provider is node-oidc-provider (tests/idp/provider.mjs, installed with npm by ``make test``),
started on 127.0.0.1 by this test: discovery, the authorisation code flow with PKCE, JWKS, a signed
id_token. Samsyn is started with ``samsyn serve --secrets FILE`` exactly as an installation would.
Nothing of the login is mocked.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.waits import ELEMENT_SECONDS, expect_visible, open_app, wait_for_run
from tests.identity import fill_provider_form, signed_in_samsyn

pytestmark = [pytest.mark.browser, pytest.mark.slow]



@pytest.fixture(scope="module")
def signed_samsyn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Samsyn with sign-in against the test provider; yields Samsyn's base URL."""
    home = tmp_path_factory.mktemp("samsyn-sign-in")
    with signed_in_samsyn(home) as url:
        yield url


def test_sign_in_through_the_provider_and_out_again(page, signed_samsyn, external_requests, screenshot):
    # A visitor who has not signed in sees only the sign-in page, also on a page's own address.
    open_app(page, signed_samsyn, "karta", what="the sign-in page")
    expect_visible(page.get_by_text("Logga in med din organisations konto"), "the sign-in page's heading")
    assert page.get_by_role("link", name="Karta").count() == 0  # no navigation, no data
    assert page.get_by_text("Aktivt dataset").count() == 0
    screenshot(page, "sign-in-page")

    # The button goes to the provider's own sign-in form.
    page.get_by_role("button", name="Logga in").click()
    fill_provider_form(page, signed_samsyn, "anna")
    wait_for_run(page, after=0, what="the dashboard after sign-in")

    # Signed in: the dashboard, with the name the provider gave.
    sidebar = page.locator("[data-testid='stSidebar']")
    expect_visible(sidebar.get_by_text("Inloggad som Anna Andersson"), "the signed-in name in the sidebar")
    expect_visible(page.get_by_role("link", name="Karta").first, "the navigation after sign-in")
    expect_visible(sidebar.get_by_text("Aktivt dataset"), "the active dataset after sign-in")
    assert page.get_by_text("Arbetsstation för en användare").count() == 0
    screenshot(page, "signed-in")

    # Sign out: Samsyn forgets the identity and sends the browser to the provider's end_session_endpoint,
    # which ends its session too and sends it back; Samsyn shows the sign-in page again.
    sidebar.get_by_role("button", name="Logga ut").click()
    page.wait_for_url(lambda url: "/session/end" in url, timeout=ELEMENT_SECONDS * 1000)
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(lambda url: url.startswith(signed_samsyn), timeout=ELEMENT_SECONDS * 1000)
    expect_visible(page.get_by_text("Logga in med din organisations konto"), "the sign-in page after sign-out")
    assert page.get_by_text("Inloggad som").count() == 0
    # Only the provider's own development form asks for web fonts (blocked, as everything off this machine);
    # Samsyn's pages ask for nothing outside.
    assert [r for r in external_requests if "//fonts.googleapis.com/" not in r and "//fonts.gstatic.com/" not in r] == []
