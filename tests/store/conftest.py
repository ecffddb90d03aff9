"""Fixtures for the problem store: a SQLite file per test and a throwaway PostgreSQL server.

The PostgreSQL server is real: ``initdb`` into a temporary directory, ``pg_ctl start`` listening
on a Unix socket only, one database for the session and one schema per test. As root it runs as
the ``postgres`` OS user (the server refuses to run as root). Set ``SAMSYN_TEST_PG_URL`` to use a
server someone else started (CI) instead. Missing binaries fail the tests — they never skip.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, quote

import pytest

from store.problem_store import ProblemStore, open_store

REPO = Path(__file__).resolve().parents[2]
PG_MISSING = (
    "PostgreSQL server binaries (initdb, pg_ctl) not found. Install them with "
    "`sh scripts/system-deps.sh test`, or set SAMSYN_TEST_PG_URL to a server you started."
)


def _pg_bindir() -> Path | None:
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def with_options(url: str, **params: str) -> str:
    """``url`` with extra libpq query parameters (``options``, ``application_name`` …)."""
    # Not urlunsplit: it turns "postgresql:///db" (empty host = Unix socket) into "postgresql:/db".
    base, _, query = url.partition("?")
    merged = {**dict(parse_qsl(query)), **params}
    return base + "?" + "&".join(f"{quote(k)}={quote(v, safe='/')}" for k, v in merged.items())


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """URL of a PostgreSQL database for this test session (throwaway server unless given)."""
    if os.environ.get("SAMSYN_TEST_PG_URL"):
        yield os.environ["SAMSYN_TEST_PG_URL"]
        return
    bindir = _pg_bindir()
    if bindir is None or not (bindir / "pg_ctl").exists():
        pytest.fail(PG_MISSING, pytrace=False)
    prefix: list[str] = []
    root = Path(tempfile.mkdtemp(prefix="samsyn-pg-"))
    if os.geteuid() == 0:
        try:
            shutil.chown(root, user="postgres", group="postgres")
        except LookupError:
            shutil.rmtree(root, ignore_errors=True)
            pytest.fail("Running as root, but there is no `postgres` OS user to run the test server as.")
        prefix = ["runuser", "-u", "postgres", "--"]
    data, log, port = root / "data", root / "server.log", _free_port()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*prefix, *args], capture_output=True, text=True, timeout=120)

    init = run(str(bindir / "initdb"), "-D", str(data), "-U", "samsyn", "-A", "trust", "-E", "UTF8",
               "--locale=C", "--no-sync")  # fmt: skip
    if init.returncode:
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"initdb failed:\n{init.stdout}\n{init.stderr}")
    # Unix socket only; fsync off because the tests kill clients, never the server.
    options = f"-k {root} -p {port} -c listen_addresses='' -c fsync=off -c max_connections=60"
    start = run(
        str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o", options, "start"
    )
    if start.returncode:
        text = log.read_text() if log.exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"pg_ctl start failed:\n{start.stdout}\n{start.stderr}\n{text}")
    try:
        import psycopg

        admin = f"postgresql:///postgres?host={root}&port={port}&user=samsyn"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("CREATE DATABASE samsyn_test")
        yield f"postgresql:///samsyn_test?host={root}&port={port}&user=samsyn"
    finally:
        run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture()
def pg_schema_url(pg_url: str) -> Iterator[str]:
    """A URL whose ``search_path`` is a fresh schema: every test starts from an empty database."""
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    yield with_options(pg_url, options=f"-csearch_path={schema}")
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a fresh store lives: a SQLite file, or an empty schema on the PostgreSQL server."""
    if request.param == "sqlite":
        return str(tmp_path / "problembild.db")
    return request.getfixturevalue("pg_schema_url")


@pytest.fixture()
def store(store_url: str) -> Iterator[ProblemStore]:
    """A freshly created store on each backend."""
    with open_store(store_url) as opened:
        assert opened.dialect == ("sqlite" if Path(store_url).suffix == ".db" else "postgresql")
        yield opened
