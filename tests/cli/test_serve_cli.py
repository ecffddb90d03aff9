"""``samsyn serve``: no sign-in, no network — beyond this machine it refuses to start and says how to sign in."""

from __future__ import annotations

import pytest

from cli.serve_cmd import is_loopback, streamlit_argv
from core.config import ConfigError, check_auth_secrets, load_config
from tests.browser.conftest import free_port

SECRETS = """\
[auth]
redirect_uri = "https://samsyn.kommun.example.se/oauth2callback"
cookie_secret = "en-lang-slumpmassig-text-som-bara-servern-kanner"
client_id = "samsyn"
client_secret = "hemligt"
server_metadata_url = "https://login.kommun.example.se/.well-known/openid-configuration"
"""


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "samsyn.kommun.example.se"])
def test_network_address_without_sign_in_is_refused_with_how_to(tmp_path, run_cli, host):
    result = run_cli("serve", "--host", host, "--port", free_port(), "--data", tmp_path / "userdata")
    assert result.returncode == 2
    assert result.stdout == ""  # nothing started, no address printed
    assert "Traceback" not in result.stderr
    message = result.stderr
    assert message.startswith(f"Fel: Samsyn startar inte: --host {host} gör Samsyn nåbar från andra datorer, men ingen "
                              "inloggning är konfigurerad.")
    # Which file, which keys.
    assert 'i samsyn.toml under [auth] som secrets = "/etc/samsyn/secrets.toml"' in message
    assert "--secrets FIL" in message
    for key in ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url"):
        assert key in message
    assert "README, avsnittet Inloggning" in message


def test_secrets_file_missing_a_key_is_named(tmp_path, run_cli):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(SECRETS.replace('client_secret = "hemligt"\n', ""), encoding="utf-8")
    result = run_cli("serve", "--host", "0.0.0.0", "--port", free_port(), "--secrets", secrets,
                     "--data", tmp_path / "userdata")
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == f"Fel: {secrets}: [auth] saknar client_secret (en text i citattecken för var och en)."


def test_secrets_file_that_does_not_exist_is_named(tmp_path, run_cli):
    (tmp_path / "samsyn.toml").write_text('[auth]\nsecrets = "etc/secrets.toml"\n', encoding="utf-8")
    result = run_cli("serve", "--host", "0.0.0.0", "--port", free_port(), "--data", tmp_path / "userdata")
    assert result.returncode == 2
    assert result.stderr.strip() == f"Fel: Inloggningens secrets-fil {tmp_path / 'etc' / 'secrets.toml'} finns inte."


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.0.0.2", True), ("localhost", True), ("::1", True), ("[::1]", True),
    ("0.0.0.0", False), ("::", False), ("", False), ("10.0.0.5", False), ("samsyn.kommun.example.se", False),
])
def test_only_this_machine_counts_as_loopback(host, loopback):
    assert is_loopback(host) is loopback


def test_auth_secrets_in_samsyn_toml_relative_to_the_file(tmp_path):
    (tmp_path / "samsyn.toml").write_text('[auth]\nsecrets = "hemligt/secrets.toml"\n', encoding="utf-8")
    config = load_config(tmp_path / "samsyn.toml", env={})
    assert config.auth_secrets == (tmp_path / "hemligt" / "secrets.toml").resolve()


def test_auth_secrets_of_the_wrong_type_is_a_config_error(tmp_path):
    (tmp_path / "samsyn.toml").write_text("[auth]\nsecrets = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[auth\] secrets måste vara sökvägen"):
        load_config(tmp_path / "samsyn.toml", env={})


def test_redirect_uri_must_end_in_oauth2callback(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(SECRETS.replace("/oauth2callback", "/"), encoding="utf-8")
    with pytest.raises(ConfigError, match="redirect_uri ska vara Samsyns adress följd av /oauth2callback"):
        check_auth_secrets(secrets)


def test_streamlit_reads_exactly_the_sign_in_secrets(tmp_path):
    secrets = tmp_path / "secrets.toml"
    argv = streamlit_argv("0.0.0.0", 8501, secrets=secrets)
    assert [a for a in argv if a.startswith("--secrets.files=")] == [f"--secrets.files={secrets}"]
    # Without sign-in, a file that never exists: a stray ~/.streamlit/secrets.toml cannot switch it on.
    [none] = [a for a in streamlit_argv("127.0.0.1", 8501) if a.startswith("--secrets.files=")]
    assert none.endswith("no-sign-in/secrets.toml")
