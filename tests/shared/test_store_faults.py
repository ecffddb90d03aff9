"""The problem store when PostgreSQL restarts: reads reconnect, a save lands or says it did not, never twice.

Against the real throwaway server of tests/store/conftest.py, stopped and started by ``pg_ctl`` as an
operator's restart does. The one moment a client cannot see — the connection breaking during COMMIT —
is made by letting the real COMMIT run (or not) and then cutting the answer.
"""

from __future__ import annotations

import psycopg
import pytest

from store.model import Hotspot
from store.problem_store import StoreUnavailableError, open_store

pytestmark = [pytest.mark.slow]

NOT_SAVED = "Sparades inte – databasen svarade inte. Försök igen."


def _spot(title: str) -> Hotspot:
    return Hotspot(title=title, geometry_wkt="POINT (674000 6580000)")


def _titles(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return [row[0] for row in conn.execute("SELECT title FROM hotspots ORDER BY id").fetchall()]


def test_reads_work_on_the_first_call_after_a_restart(pg_schema_url, postgres):
    with open_store(pg_schema_url) as store:
        store.add_hotspot(_spot("Torget"), user="Anna")
        # Fill the pool with idle connections that the restart will cut.
        assert [h.title for h in store.list_hotspots()] == ["Torget"]
        postgres.stop()
        postgres.start()
        assert [h.title for h in store.list_hotspots()] == ["Torget"]
        assert store.get_hotspot(1).title == "Torget"


def test_a_save_while_the_server_is_down_says_so_and_the_retry_writes_once(pg_schema_url, postgres):
    with open_store(pg_schema_url) as store:
        assert store.list_hotspots() == []  # a pooled connection, about to go stale
        postgres.stop()
        with pytest.raises(StoreUnavailableError) as caught:
            store.add_hotspot(_spot("Stationen"), user="Anna")
        assert str(caught.value) == NOT_SAVED
        with pytest.raises(StoreUnavailableError):  # and reading says the database is unreachable
            store.list_hotspots()
        # The second save finds no pooled connection left to try: it still says only "not saved".
        with pytest.raises(StoreUnavailableError) as caught:
            store.add_hotspot(_spot("Stationen"), user="Anna")
        assert str(caught.value) == NOT_SAVED
        postgres.start()
        saved = store.add_hotspot(_spot("Stationen"), user="Anna")
        assert saved.id is not None
    assert _titles(pg_schema_url) == ["Stationen"]


@pytest.fixture()
def lost_commit_answer(monkeypatch):
    """Make the next COMMIT's answer get lost: ``lost_commit_answer(committed=True|False)``."""
    original = psycopg.Transaction.__exit__

    def arm(*, committed: bool) -> None:
        armed = [True]

        def exit_(self, exc_type, exc, tb):
            if exc_type is None and armed[0]:
                armed[0] = False
                # The server commits (or not, when the connection died before COMMIT got there) …
                original(self, *((None, None, None) if committed else (RuntimeError, RuntimeError(), None)))
                # … and the client never hears about it.
                raise psycopg.OperationalError("server closed the connection unexpectedly")
            return original(self, exc_type, exc, tb)

        monkeypatch.setattr(psycopg.Transaction, "__exit__", exit_)

    return arm


def test_a_commit_whose_answer_was_lost_is_a_save_when_the_server_committed(pg_schema_url, lost_commit_answer):
    with open_store(pg_schema_url) as store:
        lost_commit_answer(committed=True)
        saved = store.add_hotspot(_spot("Parken"), user="Anna")
        assert (saved.id, saved.title) == (1, "Parken")
        # The page's "try again" is never needed: asking again shows the one row.
        assert [h.title for h in store.list_hotspots()] == ["Parken"]
    assert _titles(pg_schema_url) == ["Parken"]
    with psycopg.connect(pg_schema_url) as conn:
        assert conn.execute("SELECT count(*) FROM audit").fetchone()[0] == 1


def test_a_commit_that_did_not_reach_the_server_says_not_saved(pg_schema_url, lost_commit_answer):
    with open_store(pg_schema_url) as store:
        lost_commit_answer(committed=False)
        with pytest.raises(StoreUnavailableError) as caught:
            store.add_hotspot(_spot("Skolan"), user="Anna")
        assert str(caught.value) == NOT_SAVED
        assert store.list_hotspots() == []
        store.add_hotspot(_spot("Skolan"), user="Anna")  # the retry the message asks for
    assert _titles(pg_schema_url) == ["Skolan"]


def test_a_lost_commit_answer_nobody_can_confirm_says_to_look_before_trying_again(pg_schema_url, lost_commit_answer,
                                                                                 monkeypatch):
    import store.backends as backends

    with open_store(pg_schema_url) as store:
        assert store.list_hotspots() == []  # the write below takes this pooled connection
        lost_commit_answer(committed=True)
        monkeypatch.setattr(backends, "OUTCOME_WAIT_S", 0.5)

        def unreachable(self):
            raise StoreUnavailableError("Kunde inte ansluta till databasen")

        monkeypatch.setattr(backends.PostgresBackend, "_connect", unreachable)
        with pytest.raises(StoreUnavailableError) as caught:
            store.add_hotspot(_spot("Biblioteket"), user="Anna")
    # Not "Sparades inte": the row may be there (here it is), and a retry would write it twice.
    assert str(caught.value) == ("Databasen svarade inte medan ändringen sparades, och det går inte att se om den "
                                 "kom fram. Ladda om sidan och se efter om ändringen finns innan du försöker igen.")
    assert _titles(pg_schema_url) == ["Biblioteket"]
