"""Processes that write to the store at the same time as others (run by test_concurrency).

``python -m tests.store._workers writer <url>`` pins hotspots in an endless loop and prints each
returned id, flushed, so a test can kill it with SIGKILL and check that every printed id survived.
"""

from __future__ import annotations

import sys
from typing import Any

from store.model import Hotspot
from store.problem_store import open_store


def pin(i: int, worker: int) -> Hotspot:
    """A small square hotspot, different for every (worker, i)."""
    x, y = 150_000 + worker * 1_000 + i * 5, 6_580_000 + i * 5
    return Hotspot(
        title=f"Plats {worker}-{i}",
        geometry_wkt=f"POLYGON (({x} {y}, {x + 4} {y}, {x + 4} {y + 4}, {x} {y + 4}, {x} {y}))",
        categories=["klotter"],
        weekdays=[5, 6],
        hours=[22, 23],
        snapshot={"worker": worker, "i": i},
    )


def add_pins(url: str, worker: int, count: int, barrier: Any, results: Any) -> None:
    """Open the store, wait for all workers, pin ``count`` hotspots; put ``(worker, ids)`` on results."""
    try:
        barrier.wait(timeout=120)
        store = open_store(url)
        ids = [store.add_hotspot(pin(i, worker), user=f"Arbetare {worker}").id for i in range(count)]
        store.close()
        results.put((worker, ids))
    except BaseException as exc:  # report instead of dying silently
        results.put((worker, repr(exc)))


def writer(url: str) -> None:
    """Pin hotspots until killed, printing each id once the store has returned it."""
    store = open_store(url)
    print("ready", flush=True)
    i = 0
    while True:
        spot = store.add_hotspot(pin(i, 99), user="Skrivare")
        print(spot.id, flush=True)
        i += 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["writer"]:
        writer(sys.argv[2])
