"""The real OpenID Connect provider the sign-in tests start (node-oidc-provider, tests/idp/provider.mjs).

Installed with npm by ``make test``; started on 127.0.0.1 by the tests that need it. Nothing of the
login is mocked: the authorisation code flow with PKCE, JWKS and a signed id_token.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.browser.conftest import stop

REPO = Path(__file__).resolve().parents[1]
IDP = REPO / "tests" / "idp"
CLIENT_ID = "samsyn"
CLIENT_SECRET = "samsyn-test-secret"


def start_provider(port: int, redirect_uris: Sequence[str], log: Path,
                   accounts: Mapping[str, Mapping[str, object]] | None = None) -> subprocess.Popen:
    """Start the test provider on 127.0.0.1:``port`` and return its process once discovery answers.

    ``accounts`` maps a login name to its claims (``sub``, ``name``, ``email``, ``samsyn_roles``,
    ``samsyn_org``); without it the provider has its one default user, ``anna`` (kommunanalytiker).
    """
    node = shutil.which("node")
    if node is None or not (IDP / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("The test identity provider is not installed: run `make test` (it runs "
                    "`npm ci` in tests/idp; Node.js and npm come from scripts/system-deps.sh test).")
    env = {**os.environ, "IDP_PORT": str(port), "IDP_REDIRECT_URI": ",".join(redirect_uris),
           "IDP_CLIENT_ID": CLIENT_ID, "IDP_CLIENT_SECRET": CLIENT_SECRET}
    if accounts is not None:
        accounts_file = log.with_name(log.stem + "-accounts.json")
        accounts_file.write_text(json.dumps(accounts, ensure_ascii=False), encoding="utf-8")
        env["IDP_ACCOUNTS"] = str(accounts_file)
    with log.open("wb") as out:
        process = subprocess.Popen([node, str(IDP / "provider.mjs")], cwd=IDP, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"The identity provider exited with code {process.returncode}:\n{log.read_text()}")
        try:
            url = f"http://127.0.0.1:{port}/.well-known/openid-configuration"
            with urllib.request.urlopen(url, timeout=2) as response:
                if json.load(response)["issuer"] == f"http://127.0.0.1:{port}":
                    return process
        except OSError:
            time.sleep(0.2)
    stop(process)
    pytest.fail(f"The identity provider did not answer within 60 s:\n{log.read_text()}")


@contextmanager
def signed_in_samsyn(home: Path, accounts: Mapping[str, Mapping[str, object]] | None = None) -> Iterator[str]:
    """``samsyn serve --secrets`` against the test provider, as an installation runs it; yields its base URL.

    ``home`` holds the data directory (``home/userdata``), the secrets file and the logs.
    """
    from tests.browser.conftest import free_port, running_server

    idp_port, app_port = free_port(), free_port()
    redirect_uri = f"http://127.0.0.1:{app_port}/oauth2callback"
    provider = start_provider(idp_port, [redirect_uri], home / "idp.log", accounts=accounts)
    secrets = home / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "{redirect_uri}"\n'
        f'cookie_secret = "a-long-random-text-only-the-test-server-in-{home.name}-knows"\n'
        f'client_id = "{CLIENT_ID}"\n'
        f'client_secret = "{CLIENT_SECRET}"\n'
        f'server_metadata_url = "http://127.0.0.1:{idp_port}/.well-known/openid-configuration"\n'
        # oidc-provider has no "select_account" prompt (Streamlit's default): ask for the sign-in form.
        'client_kwargs = { prompt = "login", scope = "openid email profile samsyn" }\n',
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "cli", "serve", "--port", str(app_port), "--data", str(home / "userdata"),
               "--secrets", str(secrets)]
    try:
        with running_server(command, app_port, home / "serve.log", env={"SAMSYN_CONFIG": ""}, cwd=home) as url:
            yield url
    finally:
        stop(provider)


def fill_provider_form(page, base_url: str, login: str) -> None:
    """On the provider's own pages: sign in as ``login``, consent, and wait until Samsyn has the browser back."""
    from tests.browser.waits import ELEMENT_SECONDS, expect_visible

    page.wait_for_url(lambda url: "/interaction/" in url, timeout=ELEMENT_SECONDS * 1000)
    page.locator("input[name='login']").fill(login)
    page.locator("input[name='password']").fill("ett-losenord")
    page.get_by_role("button", name="Sign-in").click()
    # The provider asks to let Samsyn have the name and e-mail (its consent step), then sends the browser back.
    expect_visible(page.get_by_role("button", name="Continue"), "the provider's consent step")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(lambda url: url.startswith(base_url) and "oauth2callback" not in url,
                      timeout=ELEMENT_SECONDS * 1000)
