"""Connections and transactions for the two backends of the problem store: SQLite and PostgreSQL.

The store writes SQL once, with ``?`` placeholders, and runs it inside :meth:`Backend.transaction`;
each backend supplies connections, locking and the dialect.

SQLite
    A new connection per transaction (cheap, and safe from any thread: Streamlit runs every rerun in
    a fresh thread), WAL journal, ``busy_timeout``, foreign keys on, writes in ``BEGIN IMMEDIATE``.
    ``synchronous=FULL``: in WAL mode ``NORMAL`` already keeps every committed transaction when the
    *process* dies (SIGKILL, crash) because the WAL is in the OS page cache; ``FULL`` also syncs the
    WAL on each commit, so a save that returned survives a power cut or an OS crash too. The store
    sees a handful of writes a minute, so the fsync costs nothing anyone notices.
PostgreSQL
    psycopg 3, a small built-in pool of idle connections per process (no extra dependency), every
    operation in one transaction; rows about to change are read ``FOR UPDATE`` and updated on
    condition of their version.
"""

from __future__ import annotations

import abc
import contextlib
import os
import re
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from store.schema import LATEST_VERSION, SCHEMA_VERSION_TABLE, Migration, pending, render

BUSY_TIMEOUT_S = 30.0
_PG_MIGRATION_LOCK = 0x53616D73  # "Sams": serialises concurrent first opens of one database
#: What a page shows when a save did not reach the database (PostgreSQL down, restarted, cut off).
NOT_SAVED = "Sparades inte – databasen svarade inte. Försök igen."
#: The rare case when the connection broke during COMMIT and the server could not be asked afterwards.
UNKNOWN_OUTCOME = ("Databasen svarade inte medan ändringen sparades, och det går inte att se om den kom fram. "
                   "Ladda om sidan och se efter om ändringen finns innan du försöker igen.")
OUTCOME_WAIT_S = 10.0  # how long a broken COMMIT waits for the server to answer what became of it


class StoreUnavailableError(ConnectionError, ValueError):
    """The database cannot be reached or stays locked; the message is in Swedish.

    Also a ValueError, so pages and the CLI show it like any other message for the user. When the
    message holds the server's own details (the address, a socket path), ``technical`` is True: the
    command line shows them to the operator, a page shows :data:`UNREACHABLE` and logs them.
    """

    def __init__(self, message: str, *, technical: bool = False) -> None:
        super().__init__(message)
        self.technical = technical


#: What a page shows when the database does not answer a read (its details go to the server's log).
UNREACHABLE = ("Databasen svarar inte just nu, så problembilden kan inte läsas. Försök igen om en stund – "
               "det som redan är sparat finns kvar.")


class Tx:
    """One open transaction: run SQL written with ``?`` placeholders; rows come back as dicts."""

    def __init__(self, conn: Any, dialect: str) -> None:
        self._conn = conn
        self.dialect = dialect

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.dialect == "postgresql" else sql

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run a statement and return all its rows."""
        cur = self._conn.execute(self._sql(sql), tuple(params))
        if cur.description is None:
            return []
        return [dict(row) for row in cur.fetchall()]

    def one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        """Run a statement and return its first row, or None."""
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a statement and return the number of rows it changed."""
        return self._conn.execute(self._sql(sql), tuple(params)).rowcount

    def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run an ``INSERT … RETURNING id`` and return the new id."""
        row = self._conn.execute(self._sql(sql), tuple(params)).fetchone()
        return int(row["id"])

    @property
    def for_update(self) -> str:
        """Row-lock clause for a SELECT of rows about to change (SQLite locks the whole file)."""
        return " FOR UPDATE" if self.dialect == "postgresql" else ""


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _apply_migrations(tx: Tx, target: int | None) -> int:
    tx.run(SCHEMA_VERSION_TABLE)
    row = tx.one("SELECT MAX(version) AS v FROM schema_version")
    current = int(row["v"]) if row and row["v"] is not None else 0
    if current > LATEST_VERSION:
        raise ValueError(
            f"Databasen har schemaversion {current}, men den här versionen av Samsyn känner bara till "
            f"version {LATEST_VERSION}. Uppdatera Samsyn innan du öppnar den."
        )
    steps: list[Migration] = pending(current, target=target)
    for migration in steps:
        for step in migration.steps:
            tx.run(render(step, tx.dialect))
        tx.run(
            "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)",
            (migration.version, migration.description, _now()),
        )
    return steps[-1].version if steps else current


class Backend(abc.ABC):
    """What the store needs of a database: transactions, migrations, an integrity check."""

    dialect: str
    url: str

    @abc.abstractmethod
    def transaction(self, *, write: bool = True) -> contextlib.AbstractContextManager[Tx]:
        """Open a transaction; committed when the block ends, rolled back on an exception."""

    def migrate(self, *, target: int | None = None) -> int:
        """Bring the schema to ``target`` (default: the latest version); return the version reached."""
        with self.transaction(write=True) as tx:
            if self.dialect == "postgresql":
                tx.run("SELECT pg_advisory_xact_lock(?)", (_PG_MIGRATION_LOCK,))
            return _apply_migrations(tx, target)

    def schema_version(self) -> int:
        """The highest migration applied to the database."""
        with self.transaction(write=False) as tx:
            row = tx.one("SELECT MAX(version) AS v FROM schema_version")
        return int(row["v"]) if row and row["v"] is not None else 0

    def engine_problems(self) -> list[str]:
        """Problems the database engine itself reports (empty when clean)."""
        return []

    def close(self) -> None:  # noqa: B027 – a backend without a pool has nothing to release
        """Release pooled connections."""


class SQLiteBackend(Backend):
    """SQLite file in WAL mode; a fresh connection per transaction."""

    dialect = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.url = f"sqlite:///{self.path}"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._enable_wal()

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.OperationalError as exc:
            raise StoreUnavailableError(f"Kunde inte öppna databasen {self.path}: {exc}", technical=True) from exc
        try:
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = FULL")
        except sqlite3.OperationalError:
            conn.close()
            raise
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise ValueError(f"Filen {self.path} är ingen Samsyn-databas ({exc}).") from exc
        return conn

    def _enable_wal(self) -> None:
        # WAL is stored in the file; switching needs a moment of exclusive access, so several
        # processes opening a new database at once may have to wait for each other.
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            conn = self._connect()
            try:
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise StoreUnavailableError(f"Databasen {self.path} är låst: {exc}") from exc
                time.sleep(0.05)
            except sqlite3.DatabaseError as exc:
                raise ValueError(f"Filen {self.path} är ingen Samsyn-databas ({exc}).") from exc
            finally:
                conn.close()
        if str(mode).lower() != "wal":
            raise ValueError(
                f"Databasen {self.path} kan inte använda WAL-läge (journal_mode={mode}); "
                "lägg den på en lokal disk, inte en nätverksdisk."
            )

    @contextlib.contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Tx]:
        """Open a transaction; ``BEGIN IMMEDIATE`` for writes, so writers queue instead of failing."""
        conn = self._connect()
        try:
            try:
                conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            except sqlite3.OperationalError as exc:
                raise StoreUnavailableError(
                    f"Databasen är upptagen av en annan användare; försök igen om en stund ({exc})."
                ) from exc
            try:
                yield Tx(conn, self.dialect)
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()

    def engine_problems(self) -> list[str]:
        """``PRAGMA integrity_check`` and ``PRAGMA foreign_key_check``."""
        problems: list[str] = []
        conn = self._connect()
        try:
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
            if rows != ["ok"]:
                problems += [f"SQLite integrity_check: {r}" for r in rows]
            for row in conn.execute("PRAGMA foreign_key_check").fetchall():
                problems.append(f"Trasig koppling: {row[0]} rad {row[1]} pekar på {row[2]} som inte finns.")
        finally:
            conn.close()
        return problems


class PostgresBackend(Backend):
    """PostgreSQL through psycopg 3 with a small pool of idle connections per process."""

    dialect = "postgresql"
    max_idle = 4

    def __init__(self, url: str) -> None:
        import psycopg  # noqa: F401  (fail early and clearly if the driver is missing)

        self.url = url
        self._idle: list[Any] = []
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._reached = False  # has the server ever answered? (a save then is "not saved", see transaction)

    def _shown_url(self) -> str:
        return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", self.url)

    def _connect(self) -> Any:
        import psycopg
        from psycopg.rows import dict_row

        try:
            conn = psycopg.connect(self.url, autocommit=True, row_factory=dict_row)
            self._reached = True
            return conn
        except psycopg.OperationalError as exc:
            raise StoreUnavailableError(
                f"Kunde inte ansluta till databasen {self._shown_url()}: {str(exc).strip()}", technical=True
            ) from exc

    def _get(self) -> tuple[Any, bool]:
        """A connection and whether it came from the pool (and so may have gone stale)."""
        from psycopg.pq import TransactionStatus

        with self._lock:
            if self._pid != os.getpid():
                # After a fork the parent's sockets are not ours: forget them without closing.
                self._idle, self._pid = [], os.getpid()
            while self._idle:
                conn = self._idle.pop()
                if not conn.closed and conn.info.transaction_status == TransactionStatus.IDLE:
                    return conn, True
        return self._connect(), False

    def _put(self, conn: Any) -> None:
        from psycopg.pq import TransactionStatus

        if conn.closed or conn.broken or conn.info.transaction_status != TransactionStatus.IDLE:
            conn.close()
            return
        with self._lock:
            if self._pid == os.getpid() and len(self._idle) < self.max_idle:
                self._idle.append(conn)
                return
        conn.close()

    @contextlib.contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Tx]:
        """Open a transaction on a pooled connection.

        ``BEGIN`` is the first thing sent on a pooled connection, so one the server has dropped
        (restart, idle timeout) fails there, before any work, and is replaced by a fresh one: after a
        restart of the server the next call simply works. A write that the server does not answer
        raises :class:`StoreUnavailableError` with :data:`NOT_SAVED` — unless it did commit: a write
        knows its transaction id, and when the connection breaks during ``COMMIT`` (the one moment
        whose outcome the client cannot see) a fresh connection asks the server what became of it
        (``txid_status``). So a save either lands and returns, or the caller is told it did not; a
        retry after "not saved" can never write twice.
        """
        import psycopg

        try:
            conn, pooled = self._get()
        except StoreUnavailableError as exc:
            # No pooled connection and the server does not answer. Once it has answered, a save now is
            # "not saved"; a store that never reached its server (wrong address) says why, for the operator.
            if not self._reached:
                raise
            raise self._unavailable(write, exc) from exc
        try:
            block = conn.transaction()
            block.__enter__()
        except psycopg.OperationalError as exc:
            conn.close()
            if not pooled:
                raise self._unavailable(write, exc) from exc
            try:
                conn = self._connect()
            except StoreUnavailableError as again:
                raise self._unavailable(write, again) from again
            block = conn.transaction()
            block.__enter__()
        committing, xid = False, None
        try:
            if write:
                xid = Tx(conn, self.dialect).one("SELECT txid_current() AS xid")["xid"]
            try:
                yield Tx(conn, self.dialect)
            except BaseException as exc:
                block.__exit__(type(exc), exc, exc.__traceback__)  # rolls back
                raise
            committing = True
            block.__exit__(None, None, None)  # commits
        except psycopg.OperationalError as exc:
            conn.close()
            if committing and xid is not None:
                outcome = self._outcome(xid)
                if outcome == "committed":
                    return  # the COMMIT reached the server; only its answer was lost
                if outcome is None:
                    raise StoreUnavailableError(UNKNOWN_OUTCOME) from exc
            raise self._unavailable(write, exc) from exc
        finally:
            self._put(conn)

    @staticmethod
    def _unavailable(write: bool, exc: BaseException) -> StoreUnavailableError:
        # A save says only that it was not saved (the cause stays chained, for the server's log).
        if write:
            return StoreUnavailableError(NOT_SAVED)
        if isinstance(exc, StoreUnavailableError):
            return exc
        return StoreUnavailableError(f"Förbindelsen med databasen bröts: {str(exc).strip()}", technical=True)

    def _outcome(self, xid: int) -> str | None:
        """What became of transaction ``xid``: "committed", "aborted", … or None when nobody answers."""
        deadline = time.monotonic() + OUTCOME_WAIT_S
        while True:
            try:
                conn = self._connect()
            except StoreUnavailableError:
                if time.monotonic() > deadline:
                    return None
                time.sleep(0.5)
                continue
            try:
                with conn:
                    row = conn.execute("SELECT txid_status(%s) AS status", (xid,)).fetchone()
                status = row["status"] if row else None
            except Exception:  # noqa: BLE001 - the server went away again: no answer
                return None
            # "in progress" cannot outlive the server's own backend; a crash turns it into aborted.
            return "aborted" if status in (None, "in progress") else str(status)

    def engine_problems(self) -> list[str]:
        """PostgreSQL enforces its constraints itself; check that the server answers."""
        with self.transaction(write=False) as tx:
            tx.one("SELECT 1 AS ok")
        return []

    def close(self) -> None:
        """Close the idle connections of this process."""
        with self._lock:
            idle, self._idle = self._idle, []
            mine = self._pid == os.getpid()
        if mine:
            for conn in idle:
                conn.close()
