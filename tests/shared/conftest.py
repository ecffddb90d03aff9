"""The shared installation, for real: three Samsyn processes behind nginx on one PostgreSQL, with sign-in.

``shared_site`` (module scope) starts, through deploy.shared.SharedSite (what ``make serve-shared``
runs):

* PostgreSQL: the throwaway server of tests/store/conftest.py (its ``pg_url`` fixture, imported, not
  copied), a fresh schema for the site;
* the identity provider of tests/identity.py with the accounts in :data:`ACCOUNTS` (``anna``,
  ``per``, ``user01`` … ``user30``; any password);
* three ``samsyn serve`` processes on 127.0.0.1 with one ``samsyn.toml`` and one secrets file;
* Debian's nginx on a free 127.0.0.1 port, sticky by the ``samsyn_process`` cookie; the provider sends
  the browser back to nginx's address.

A watcher thread restarts a process that dies, as the launcher does. The object yielded:

``url``                 nginx's address, e.g. ``http://127.0.0.1:41234`` (sign-in redirects here)
``processes``           ``[(port, Popen), …]`` of the running Samsyn processes (index 0 … 2)
``kill(i)``             SIGKILL process ``i`` (0-based index into ``processes``); the watcher restarts it
``wait_restarted(i)``   wait until process ``i`` answers again after a kill
``process_serving(cookies)``  the index of the process nginx sends a browser with these cookies to
``stop_postgres()``, ``start_postgres()``, ``restart_postgres()``
``database_url``        the PostgreSQL URL every process uses (schema included); ``store()`` opens it
``data_dir``            the shared ``[data] directory``
``accounts``            login → claims (``sub``, ``name``, ``email``, ``samsyn_roles``, ``samsyn_org``)
``config``, ``secrets``, ``prefix``  samsyn.toml, secrets.toml and nginx's folder (logs in ``prefix/logs``)

Missing nginx, PostgreSQL, Chromium or the provider fail the tests: they never skip.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl

import pytest

from deploy.shared import SharedSite
from store.problem_store import ProblemStore, open_store
from tests.browser.conftest import free_port, stop
from tests.identity import CLIENT_ID, CLIENT_SECRET, start_provider
from tests.store.conftest import _pg_bindir, pg_schema_url, pg_url, with_options  # noqa: F401 - fixtures

PROCESSES = 3
NGINX = Path(os.environ.get("SAMSYN_NGINX", "/usr/sbin/nginx"))
NGINX_MISSING = (f"nginx not found at {NGINX}. Install Debian's nginx with `sh scripts/system-deps.sh test` "
                 "(part of `make test`) or `apt-get install nginx`.")


def _user(number: int) -> tuple[str, dict[str, object]]:
    # Half the load test's users are the kommun's analysts, half the police's: both may pin places.
    login = f"user{number:02d}"
    kommun = number <= 15
    return login, {
        "sub": login, "name": f"Testanvändare {number:02d}", "email": f"{login}@samsyn.example.se",
        "email_verified": True, "samsyn_roles": ["kommunanalytiker" if kommun else "polisanalytiker"],
        "samsyn_org": "kommunen" if kommun else "polisen",
    }


ACCOUNTS: dict[str, dict[str, object]] = {
    "anna": {"sub": "anna", "name": "Anna Andersson", "email": "anna.andersson@kommun.example.se",
             "email_verified": True, "samsyn_roles": ["kommunanalytiker"], "samsyn_org": "kommunen"},
    "per": {"sub": "per", "name": "Per Persson", "email": "per.persson@polisen.example.se",
            "email_verified": True, "samsyn_roles": ["polisanalytiker"], "samsyn_org": "polisen"},
    **dict(_user(n) for n in range(1, 31)),
}


class PostgresControl:
    """Stop and start the throwaway server of tests/store/conftest.py, found from its URL."""

    def __init__(self, url: str) -> None:
        query = dict(parse_qsl(url.partition("?")[2]))
        bindir = _pg_bindir()
        if os.environ.get("SAMSYN_TEST_PG_URL") or "host" not in query or bindir is None:
            pytest.fail("The shared-site tests restart PostgreSQL, so they need the throwaway server of "
                        "tests/store/conftest.py (unset SAMSYN_TEST_PG_URL).")
        self.root = Path(query["host"])
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.pg_ctl = str(bindir / "pg_ctl")
        self.prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        # The options the server was started with (postmaster.opts), to start it again the same way.
        words = shlex.split((self.data / "postmaster.opts").read_text())
        options, skip = [], False
        for word in words[1:]:
            if skip:
                skip = False
            elif word == "-D":
                skip = True
            else:
                options.append(word)
        self.options = shlex.join(options)

    def _run(self, *args: str) -> None:
        done = subprocess.run([*self.prefix, self.pg_ctl, "-D", str(self.data), *args], capture_output=True,
                              text=True, timeout=120)
        if done.returncode:
            raise AssertionError(f"pg_ctl {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")

    def stop(self) -> None:
        """Stop the server at once (fast shutdown: open connections are cut)."""
        self._run("-m", "fast", "-w", "stop")

    def start(self) -> None:
        """Start the server again with its earlier options; returns when it accepts connections."""
        self._run("-l", str(self.log), "-w", "-t", "60", "-o", self.options, "start")

    def running(self) -> bool:
        """True when the server runs (``pg_ctl status``)."""
        done = subprocess.run([*self.prefix, self.pg_ctl, "-D", str(self.data), "status"], capture_output=True,
                              timeout=60)
        return done.returncode == 0


def _consecutive_free_ports(count: int) -> int:
    """A first port such that ``count`` ports from it are free on 127.0.0.1."""
    for _ in range(200):
        first = free_port()
        if first + count > 65535:
            continue
        probes = []
        try:
            for port in range(first, first + count):
                probe = socket.socket()
                probes.append(probe)
                probe.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
        finally:
            for probe in probes:
                probe.close()
    raise AssertionError(f"found no {count} free consecutive ports")


@dataclass
class Site:
    """The running shared installation; see the module docstring."""

    url: str
    launcher: SharedSite
    database_url: str
    data_dir: Path
    config: Path
    secrets: Path
    prefix: Path
    postgres: PostgresControl
    accounts: Mapping[str, Mapping[str, object]] = field(default_factory=dict)

    @property
    def processes(self) -> list[tuple[int, subprocess.Popen]]:
        """``(port, Popen)`` of each Samsyn process as it runs now (a restarted one has a new Popen)."""
        return [(child.port, child.process) for child in self.launcher.children]

    def kill(self, i: int) -> None:
        """Kill process ``i`` (SIGKILL, like a crash); the watcher starts it again."""
        self.launcher.kill(i + 1)

    def wait_restarted(self, i: int, timeout: float = 180.0) -> None:
        """Wait until process ``i`` answers its health check again (directly and through nginx)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.launcher.healthy(i + 1) and self.launcher.healthy(i + 1, through_nginx=True):
                return
            time.sleep(0.25)
        raise AssertionError(f"process {i} did not answer within {timeout:.0f} s after its restart:\n"
                             f"{self.launcher.children[i].log.read_text(errors='replace')[-3000:]}")

    def process_serving(self, cookies: Mapping[str, str]) -> int:
        """The index of the process nginx sends a browser with these cookies to (its X-Samsyn-Process)."""
        request = urllib.request.Request(f"{self.url}/_stcore/health", headers={
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())})
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.headers["X-Samsyn-Process"]) - 1

    def stop_postgres(self) -> None:
        """Stop PostgreSQL (every open connection of every process is cut); the fixture starts it again."""
        self.postgres.stop()

    def start_postgres(self) -> None:
        """Start PostgreSQL again; returns when it accepts connections."""
        self.postgres.start()

    def restart_postgres(self) -> None:
        """Stop and start PostgreSQL, as an operator's restart or a failover does."""
        self.stop_postgres()
        self.start_postgres()

    def store(self) -> ProblemStore:
        """The problem store every process uses, opened here (close it, or use ``with``)."""
        return open_store(self.database_url)


@pytest.fixture()
def postgres(pg_url: str) -> Iterator[PostgresControl]:  # noqa: F811 - pg_url is the imported fixture
    """Stop and start the test server; it is running again after the test, whatever the test did."""
    control = PostgresControl(pg_url)
    yield control
    if not control.running():
        control.start()


@pytest.fixture(scope="module")
def shared_site(pg_url: str) -> Iterator[Site]:  # noqa: F811 - pg_url is the imported fixture
    """Three Samsyn processes behind nginx on one PostgreSQL, with sign-in; see the module docstring."""
    import psycopg

    if not (NGINX.is_file() and os.access(NGINX, os.X_OK)):
        pytest.fail(NGINX_MISSING, pytrace=False)
    postgres = PostgresControl(pg_url)
    schema = f"shared_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    database_url = with_options(pg_url, options=f"-csearch_path={schema}")

    # Not under pytest's tmp_path: nginx runs as www-data and must reach its folder (pytest's are 0700).
    home = Path(tempfile.mkdtemp(prefix="samsyn-shared-"))
    home.chmod(0o711)  # www-data may pass through to nginx's folder, not list the others
    data_dir, prefix = home / "userdata", home / "nginx"
    listen_port, idp_port = free_port(), free_port()
    url = f"http://127.0.0.1:{listen_port}"
    provider = start_provider(idp_port, [f"{url}/oauth2callback"], home / "idp.log", accounts=ACCOUNTS)
    secrets = home / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "{url}/oauth2callback"\n'
        f'cookie_secret = "{uuid.uuid4().hex}{uuid.uuid4().hex}"\n'
        f'client_id = "{CLIENT_ID}"\n'
        f'client_secret = "{CLIENT_SECRET}"\n'
        f'server_metadata_url = "http://127.0.0.1:{idp_port}/.well-known/openid-configuration"\n'
        'client_kwargs = { prompt = "login", scope = "openid email profile samsyn" }\n',
        encoding="utf-8")
    secrets.chmod(0o600)
    config = home / "samsyn.toml"
    config.write_text(
        f'[data]\ndirectory = "{data_dir}"\n\n[database]\nurl = "{database_url}"\n\n[auth]\nsecrets = "{secrets}"\n',
        encoding="utf-8")
    launcher = SharedSite(config=config, prefix=prefix, processes=PROCESSES, listen=f"127.0.0.1:{listen_port}",
                          first_port=_consecutive_free_ports(PROCESSES), nginx=str(NGINX),
                          env={"SAMSYN_CONFIG": str(config)})
    watching = threading.Event()
    watcher = threading.Thread(target=launcher.watch, args=(watching, 0.5), daemon=True)
    try:
        launcher.start()
        launcher.wait_healthy()
        watcher.start()
        yield Site(url=url, launcher=launcher, database_url=database_url, data_dir=data_dir, config=config,
                   secrets=secrets, prefix=prefix, postgres=postgres, accounts=ACCOUNTS)
    finally:
        if not postgres.running():
            postgres.start()
        watching.set()
        if watcher.is_alive():
            watcher.join(timeout=10)
        launcher.stop()
        stop(provider)
        # A test may have left the server stopped; the session's server then goes away with its folder.
        with contextlib.suppress(psycopg.OperationalError), psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        shutil.rmtree(home, ignore_errors=True)
