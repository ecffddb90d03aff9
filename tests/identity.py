"""The real OpenID Connect provider the sign-in tests start (node-oidc-provider, tests/idp/provider.mjs).

Installed with npm by ``make test``; started on 127.0.0.1 by the tests that need it. Nothing of the
login is mocked: the authorisation code flow with PKCE, JWKS and a signed id_token.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Mapping, Sequence
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
