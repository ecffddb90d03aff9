"""Many writers at once, and a writer killed mid-loop, on both backends."""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import subprocess
import sys
import threading

from store.model import Hotspot
from store.problem_store import ConflictError, open_store
from tests.store._workers import add_pins

from .conftest import REPO

WORKERS, PINS = 8, 100


def test_eight_processes_pin_at_once(store_url):
    """8 spawned processes × 100 pins on a store none of them has opened before."""
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(WORKERS), ctx.Queue()
    procs = [
        ctx.Process(target=add_pins, args=(store_url, w, PINS, barrier, results)) for w in range(WORKERS)
    ]
    for p in procs:
        p.start()
    try:
        outcome = dict(results.get(timeout=300) for _ in procs)
    finally:
        for p in procs:
            p.join(timeout=60)
            if p.is_alive():
                p.kill()
    failures = {w: r for w, r in outcome.items() if isinstance(r, str)}
    assert not failures
    ids = [i for w in range(WORKERS) for i in outcome[w]]
    assert len(ids) == len(set(ids)) == WORKERS * PINS

    store = open_store(store_url)
    assert store.integrity_check() == []
    spots = store.list_hotspots()
    assert sorted(h.id for h in spots) == sorted(ids)
    assert {h.title for h in spots} == {f"Plats {w}-{i}" for w in range(WORKERS) for i in range(PINS)}
    assert all(h.version == 1 for h in spots)
    assert len(store.audit_log("hotspot")) == WORKERS * PINS
    store.close()


def test_threads_share_one_store(store):
    """The dashboard keeps one store per process and calls it from many threads."""
    errors: list[BaseException] = []
    ids: list[int] = []
    lock = threading.Lock()

    def work(t: int) -> None:
        try:
            for i in range(20):
                spot = store.add_hotspot(Hotspot(title=f"T{t}-{i}", geometry_wkt="POINT (1 2)"), user="Tråd")
                store.list_hotspots()
                with lock:
                    ids.append(spot.id)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(ids)) == 160
    assert store.integrity_check() == []


def test_simultaneous_updates_exactly_one_wins(store):
    """Two users saving the same version at once: one succeeds, the other gets a conflict."""
    spot = store.add_hotspot(Hotspot(title="Torget", geometry_wkt="POINT (1 2)"), user="Anna (polisen)")
    barrier = threading.Barrier(6)
    outcomes: list[object] = []

    def save(n: int) -> None:
        barrier.wait()
        try:
            outcomes.append(
                store.update_hotspot(spot.id, {"notes": f"anteckning {n}"}, expected_version=1, user=f"U{n}")
            )
        except ConflictError as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [o for o in outcomes if isinstance(o, Hotspot)]
    assert len(winners) == 1 and len(outcomes) == 6
    final = store.get_hotspot(spot.id)
    assert final.version == 2 and final.notes == winners[0].notes
    assert len(store.audit_log("hotspot", spot.id)) == 2


def test_writer_killed_mid_loop_loses_nothing_it_reported(store_url):
    """SIGKILL a process that pins in a loop: every id it printed is in the database, which is clean."""
    open_store(store_url).close()  # create the schema first, so the writer only writes
    writer = subprocess.Popen(
        [sys.executable, "-m", "tests.store._workers", "writer", store_url],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in writer.stdout], daemon=True)
    reader.start()
    printed: list[int] = []
    try:
        assert lines.get(timeout=120).strip() == "ready", writer.stderr.read()
        while len(printed) < 137:  # somewhere in 50–200, not on a round number
            printed.append(int(lines.get(timeout=120)))
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=60)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    reader.join(timeout=60)
    while not lines.empty():  # ids printed between our last read and the kill
        line = lines.get().strip()
        if line.isdigit():
            printed.append(int(line))
    assert writer.returncode == -signal.SIGKILL

    store = open_store(store_url)
    assert store.integrity_check() == []
    stored = {h.id for h in store.list_hotspots()}
    assert set(printed) <= stored
    assert len(stored) - len(printed) <= 1  # at most the save that committed but was not printed
    assert all(store.get_hotspot(i).title.startswith("Plats 99-") for i in printed)
    store.close()
