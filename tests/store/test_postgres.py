"""What only PostgreSQL has: a real server, pooled connections, native types, unreachable servers."""

from __future__ import annotations

import psycopg
import pytest

from store.backends import StoreUnavailableError
from store.model import Hotspot
from store.problem_store import open_store

from .conftest import PG_MISSING


@pytest.fixture()
def pg_store(pg_schema_url):
    with open_store(pg_schema_url) as store:
        yield store


def test_server_is_real_and_schema_uses_native_types(pg_store):
    assert pg_store.dialect == "postgresql"
    with pg_store._backend.transaction(write=False) as tx:
        assert tx.one("SELECT version() AS v")["v"].startswith("PostgreSQL")
        types = {
            (r["table_name"], r["column_name"]): r["data_type"]
            for r in tx.query(
                "SELECT table_name, column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = current_schema()"
            )
        }
        identity = tx.one(
            "SELECT is_identity FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = 'hotspots' AND column_name = 'id'"
        )
    assert types[("hotspots", "archived")] == "boolean"
    assert types[("goals", "target_change")] == "double precision"
    assert types[("audit", "user")] == "text"
    assert identity["is_identity"] == "YES"


def test_pool_replaces_a_connection_the_server_dropped(pg_store, pg_url):
    first = pg_store.add_hotspot(Hotspot(title="Före", geometry_wkt="POINT (1 2)"), user="Anna (polisen)")
    pooled = list(pg_store._backend._idle)
    assert pooled, "the connection should go back to the pool"
    with psycopg.connect(pg_url, autocommit=True) as admin:
        for conn in pooled:
            admin.execute("SELECT pg_terminate_backend(%s)", (conn.info.backend_pid,))
    second = pg_store.add_hotspot(Hotspot(title="Efter", geometry_wkt="POINT (3 4)"), user="Anna (polisen)")
    assert [h.id for h in pg_store.list_hotspots()] == [first.id, second.id]
    assert all(conn.closed for conn in pooled)  # the dead one was noticed and replaced


def test_failed_operation_rolls_back_and_connection_is_reused(pg_store):
    spot = pg_store.add_hotspot(Hotspot(title="Torget", geometry_wkt="POINT (1 2)"), user="Anna (polisen)")
    with pytest.raises(ValueError):
        pg_store.update_hotspot(spot.id, {"status": "okänd"}, expected_version=1, user="Bo")
    assert pg_store.get_hotspot(spot.id) == spot
    assert len(pg_store._backend._idle) <= pg_store._backend.max_idle
    assert pg_store.audit_log("hotspot", spot.id)[-1].action == "create"


def test_unreachable_server_gives_a_swedish_message_without_the_password(tmp_path):
    url = f"postgresql://samsyn:hemligt@/samsyn?host={tmp_path}&port=5999&connect_timeout=2"
    with pytest.raises(StoreUnavailableError) as caught:
        open_store(url)
    assert str(caught.value).startswith("Kunde inte ansluta till databasen postgresql://samsyn:***@")
    assert "hemligt" not in str(caught.value)
    assert isinstance(caught.value, ValueError)  # pages and the CLI show it like any input error


def test_missing_binaries_message_names_the_install_script():
    assert "sh scripts/system-deps.sh test" in PG_MISSING
    assert "SAMSYN_TEST_PG_URL" in PG_MISSING
