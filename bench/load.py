"""Load: 30 signed-in sessions browsing and pinning on the shared installation for several minutes.

Each session is a :class:`tests.shared.streamlit_client.BrowserTab` (a browser tab without a browser:
the real sign-in through the identity provider's form, Streamlit's websocket, the same messages as
the frontend), signed in as its own user. It opens Översikt, Karta, Tid and Problembild in turn, with
a pause between clicks as a person makes, and every ``pin_every``-th page it pins a named place on
Karta: a click on the place in the map, then "Fäst" in the form beside it, under a title of its own.

The figures, one JSON line each: sessions, runs, errors, pins (confirmed on the page and, with a
database URL, counted in PostgreSQL by title and by the change log's signed-in identity), page time
p50/p95/max per page, sign-in time, and the resident memory (RSS) of every Samsyn process at the start,
its peak during the load and at the end (from /proc). Before the load, one session alone browses for
40 s: each page's p50 alone and the load's p50 as a multiple of it put the figures of this shared,
noisy machine in proportion.

``python -m bench load`` runs it:

- with ``SAMSYN_LOAD_URL`` set, against that running installation (e.g. ``make serve-shared`` with the
  test identity provider, whose form takes any password): ``SAMSYN_LOAD_USERS`` (logins, comma
  separated; default ``user01``…``user30``), ``SAMSYN_LOAD_DATABASE`` (the PostgreSQL URL, to count the
  pins; optional), ``SAMSYN_LOAD_PIDS`` (the Samsyn processes' pids, for memory; optional);
- without it, it starts the whole installation the load test uses (PostgreSQL, the provider, three
  processes behind nginx: tests/shared/conftest.py's ``shared_site``) by running
  tests/shared/test_load.py, and prints the lines that test wrote to test-artifacts/load.jsonl.

``SAMSYN_LOAD_SECONDS`` (default 180) and ``SAMSYN_LOAD_SESSIONS`` (default 30) apply to both.
docs/load.md has the figures of a run and how to read them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ARTIFACT = REPO / "test-artifacts" / "load.jsonl"
PAGES = ("Översikt", "Karta", "Tid", "Problembild")
# The run's tag (its start, to the second) keeps the titles of two runs on one database apart.
PIN_TITLE = "Belastningstest {tag} {login} nr {number}"
FIRST_PAGE = "Översikt efter inloggning"
# A page that has not finished in this time hangs; the load test fails on it (the figures are the point).
HANG_SECONDS = 60.0


@dataclass
class Pin:
    """A place one session pinned: who, under which title, and the id the page confirmed (None: not confirmed)."""

    login: str
    title: str
    place: str
    id: int | None


@dataclass
class LoadResult:
    """What the sessions did and saw."""

    sessions: int = 0
    signed_in: int = 0
    seconds: float = 0.0
    runs: int = 0
    times: dict[str, list[float]] = field(default_factory=dict)
    sign_in_times: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    pins: list[Pin] = field(default_factory=list)
    tag: str = ""  # in every pin's title: this run's places among those of earlier runs
    memory: dict[int, dict[str, int]] = field(default_factory=dict)  # pid → start/peak/end RSS in bytes
    served_by: dict[str, str] = field(default_factory=dict)  # login → the process nginx named (1 …)

    received: int = 0  # bytes the server sent the sessions' runs
    loop_lags: list[float] = field(default_factory=list)  # seconds the client's event loop woke up late
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)  # the machine's load average at the start

    def record(self, page: str, seconds: float, received: int = 0) -> None:
        self.runs += 1
        self.received += received
        self.times.setdefault(page, []).append(seconds)


def rss_bytes(pid: int) -> int:
    """Resident memory of a process and its children, in bytes (``VmRSS`` in /proc); 0 when it is gone."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next(int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmRSS:"))
            for task in Path(f"/proc/{current}/task").iterdir():
                pending.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, StopIteration, ValueError):
            continue
    return total


async def _sample_memory(pids: Sequence[int], result: LoadResult, stop: asyncio.Event) -> None:
    for pid in pids:
        now = rss_bytes(pid)
        result.memory[pid] = {"start": now, "peak": now, "end": now}
    while not stop.is_set():
        for pid in pids:
            now = rss_bytes(pid)
            result.memory[pid]["peak"] = max(result.memory[pid]["peak"], now)
            result.memory[pid]["end"] = now
        with contextlib.suppress(TimeoutError):  # the sampling interval, cut short by the end of the load
            await asyncio.wait_for(stop.wait(), 2.0)


async def _watch_loop(result: LoadResult, stop: asyncio.Event, interval: float = 0.25) -> None:
    """Measure how late this process's event loop wakes up: time the tabs lose here, not in Samsyn.

    Every page time includes it, so a large lag says the load generator (sharing the machine's cores
    with the servers) and not the installation set part of the figures.
    """
    while not stop.is_set():
        asked = time.perf_counter()
        await asyncio.sleep(interval)
        result.loop_lags.append(max(0.0, time.perf_counter() - asked - interval))


async def _session(url: str, login: str, index: int, *, deadline: float, start_at: float, pin_every: int,
                   think: tuple[float, float], seed: int, result: LoadResult) -> None:
    from tests.shared.streamlit_client import BrowserTab, ClientError

    rng = random.Random(seed * 1000 + index)
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    tab = BrowserTab(url, run_timeout=HANG_SECONDS * 2)
    try:
        started = time.perf_counter()
        try:
            first = await tab.sign_in(login)
        except ClientError as error:
            result.errors.append(f"{login}: sign-in: {error}")
            return
        result.sign_in_times.append(time.perf_counter() - started)
        # The page the provider sends the person back to, a part of the sign-in time: the session's first run.
        result.record(FIRST_PAGE, first.seconds, first.bytes)
        result.errors.extend(f"{login}: {e}" for e in first.errors)
        result.signed_in += 1
        if tab.served_by is not None:
            result.served_by[login] = tab.served_by
        places: list[tuple[str, str]] = []
        # The sessions start on different pages, so that every page runs from the first round.
        step, number, pin_failed = index % len(PAGES), 0, False
        # Each tab pins on its first visit to Karta, then again after pin_every pages.
        until_pin = 0
        while True:
            # Past the deadline a session that has not pinned yet goes to Karta and pins once, so that
            # every session has pinned however short the run.
            late = time.monotonic() >= deadline
            if late and (number or pin_failed or not pin_every):
                break
            page = "Karta" if late else PAGES[step % len(PAGES)]
            step += 1
            run = await tab.run(page)
            result.record(page, run.seconds, run.bytes)
            result.errors.extend(f"{login}: {e}" for e in run.errors)
            if run.errors and not run.status:
                break  # the connection is gone: a person would reload; the error is counted
            until_pin -= 1
            if pin_every and page == "Karta" and (until_pin <= 0 or late):
                places = places or tab.map_places(run)
                if not places:
                    result.errors.append(f"{login}: Karta drew no named places to pin")
                    pin_failed = True
                else:
                    number += 1
                    place, _name = rng.choice(places)
                    title = PIN_TITLE.format(tag=result.tag, login=login, number=number)
                    await asyncio.sleep(rng.uniform(*think))
                    try:
                        runs, saved = await tab.pin_place(place, title)
                    except ClientError as error:
                        result.errors.append(f"{login}: pin {title}: {error}")
                        runs, saved = [], None
                    for label, pin_run in zip(("Karta: klick på plats", "Karta: Fäst"), runs, strict=False):
                        result.record(label, pin_run.seconds, pin_run.bytes)
                        result.errors.extend(f"{login}: {e}" for e in pin_run.errors)
                    if saved is None:
                        result.errors.append(f"{login}: {title} was not confirmed on the page")
                        pin_failed = True
                    result.pins.append(Pin(login, title, place, saved))
                    until_pin = pin_every
            await asyncio.sleep(rng.uniform(*think))
    except Exception as error:  # anything the tab did not expect is an error of the run, not a crash
        result.errors.append(f"{login}: {type(error).__name__}: {error}")
    finally:
        await tab.close()


async def run_load(url: str, logins: Sequence[str], seconds: float, *, pids: Sequence[int] = (), pin_every: int = 8,
                   think: tuple[float, float] = (1.5, 4.5), ramp: float = 20.0, seed: int = 2026) -> LoadResult:
    """Run one session per login against ``url`` for ``seconds`` after a ramp; return what they did.

    ``pin_every=0``: the sessions only browse (the baseline of one session alone does not pin).

    Sessions arrive spread over ``ramp`` seconds (people open the page one after the other); every
    session browses until the common deadline ``ramp + seconds`` from the start.
    """
    result = LoadResult(sessions=len(logins), load_before=os.getloadavg(), tag=time.strftime("%Y%m%d-%H%M%S"))
    stop = asyncio.Event()
    sampler = asyncio.create_task(_sample_memory(pids, result, stop))
    watcher = asyncio.create_task(_watch_loop(result, stop))
    begin = time.monotonic()
    deadline = begin + ramp + seconds
    tasks = [asyncio.create_task(_session(url, login, i, deadline=deadline, start_at=begin + ramp * i / max(1, len(logins)),
                                          pin_every=pin_every, think=think, seed=seed, result=result))
             for i, login in enumerate(logins)]
    await asyncio.gather(*tasks)
    result.seconds = time.monotonic() - begin
    stop.set()
    await sampler
    await watcher
    return result


def count_pins(database_url: str, tag: str, pins: Sequence[Pin], identities: Mapping[str, str] | None = None,
               ) -> dict[str, int]:
    """Count in PostgreSQL the places the sessions pinned: by title, and in the change log by identity.

    ``identities`` maps a login to the name the change log must show for it (``"Name (e-mail)"``, the
    provider's claims). Without it (an installation whose accounts are not known here) a pin's identity
    is the one on its own row, which must then be a signed-in one (not empty, not the workstation's).
    Returns ``rows`` (rows with the run's ``tag`` in the title), ``matched`` (pins whose title is in exactly one row, with the
    id the page confirmed and the pinning person's identity) and ``audited`` (pins whose "create" in the
    change log names that identity).
    """
    import psycopg

    with psycopg.connect(database_url) as conn:
        rows = conn.execute("SELECT id, title, created_by FROM hotspots WHERE title LIKE %s",
                            (PIN_TITLE.format(tag=tag, login="%", number="%"),)).fetchall()
        audit = conn.execute("SELECT entity_id, \"user\" FROM audit WHERE entity = 'hotspot' AND action = 'create'"
                             ).fetchall()
    by_title: dict[str, list[tuple[int, str]]] = {}
    for row_id, title, created_by in rows:
        by_title.setdefault(title, []).append((row_id, created_by))
    logged = set(audit)
    matched = audited = 0
    for pin in pins:
        found = by_title.get(pin.title, [])
        if len(found) != 1 or found[0][0] != pin.id:
            continue
        identity = identities[pin.login] if identities is not None else found[0][1]
        if found[0][1] != identity or identity.strip() in ("", "arbetsstation"):
            continue
        matched += 1
        audited += (pin.id, identity) in logged
    return {"rows": len(rows), "matched": matched, "audited": audited}


def _quantile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[int(q * 100) - 1]


async def baseline(url: str, login: str, seconds: float = 40.0) -> LoadResult:
    """One session alone for ``seconds``, browsing without pinning: the page times of a quiet installation
    on this machine at this moment, for the ratios beside the load's (the machine is shared and noisy)."""
    return await run_load(url, [login], seconds, pin_every=0, ramp=0.0)


def figures(result: LoadResult, *, processes: Sequence[tuple[int, int]] = (), counted: dict[str, int] | None = None,
            alone: LoadResult | None = None, machine: str = "") -> list[dict]:
    """The JSON lines of one load run: the summary, one line per page, one per Samsyn process.

    With ``alone`` (see :func:`baseline`) each page's line also has the p50 of one session alone and the
    load's p50 as a multiple of it.
    """
    confirmed = sum(1 for p in result.pins if p.id is not None)
    all_times = [s for times in result.times.values() for s in times]
    summary = {
        "bench": "load", "measure": "summary", "sessions": result.sessions, "signed_in": result.signed_in,
        "seconds": round(result.seconds, 1), "runs": result.runs, "errors": len(result.errors),
        "pins": len(result.pins), "pins_confirmed": confirmed,
        "p95_seconds": round(_quantile(all_times, 0.95), 3) if all_times else None,
        "sign_in_p50_seconds": round(statistics.median(result.sign_in_times), 3) if result.sign_in_times else None,
        "sign_in_max_seconds": round(max(result.sign_in_times), 3) if result.sign_in_times else None,
        "received_mb": round(result.received / 2**20, 1),
        "client_loop_lag_p95_seconds": round(_quantile(result.loop_lags, 0.95), 3) if result.loop_lags else None,
        "client_loop_lag_max_seconds": round(max(result.loop_lags), 3) if result.loop_lags else None,
        # The machine is shared: its load before and after the run says what else was running.
        "load_average_before": [round(x, 2) for x in result.load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()], "cpus": os.cpu_count(),
    }
    if machine:
        summary["machine"] = machine
    if counted is not None:
        summary.update({f"pins_in_database_{k}": v for k, v in counted.items()})
    # What the load test asserts, for the bench's exit code (the page-time bound is about hanging only).
    summary["ok"] = (not result.errors and result.signed_in == result.sessions and confirmed == len(result.pins)
                     and (counted is None or set(counted.values()) == {len(result.pins)})
                     and all(_quantile(times, 0.95) < HANG_SECONDS for times in result.times.values()))
    lines = [summary]
    for page, times in sorted(result.times.items()):
        line = {"bench": "load", "measure": "page_seconds", "page": page, "runs": len(times),
                "p50": round(statistics.median(times), 3), "p95": round(_quantile(times, 0.95), 3),
                "max": round(max(times), 3)}
        if alone is not None and alone.times.get(page):
            line["alone_p50"] = round(statistics.median(alone.times[page]), 3)
            line["p50_ratio"] = round(statistics.median(times) / statistics.median(alone.times[page]), 1)
        lines.append(line)
    for number, (port, pid) in enumerate(processes, start=1):
        memory = result.memory.get(pid, {})
        line = {"bench": "load", "measure": "process_rss_mb", "process": number, "port": port, "pid": pid,
                **{k: round(v / 2**20, 1) for k, v in memory.items()}}
        if result.served_by:
            line["sessions"] = sum(1 for served in result.served_by.values() if served == str(number))
        lines.append(line)
    if result.errors:
        lines.append({"bench": "load", "measure": "errors", "first": result.errors[:20]})
    return lines


def _against_url(url: str) -> Iterator[dict]:
    sessions = int(os.environ.get("SAMSYN_LOAD_SESSIONS", "30"))
    logins = [s.strip() for s in os.environ.get("SAMSYN_LOAD_USERS", "").split(",") if s.strip()]
    logins = logins or [f"user{n:02d}" for n in range(1, sessions + 1)]
    pids = [int(p) for p in os.environ.get("SAMSYN_LOAD_PIDS", "").split(",") if p.strip()]
    seconds = float(os.environ.get("SAMSYN_LOAD_SECONDS", "180"))
    alone = asyncio.run(baseline(url, logins[0]))
    result = asyncio.run(run_load(url, logins[:sessions], seconds, pids=pids))
    counted = None
    if os.environ.get("SAMSYN_LOAD_DATABASE"):
        counted = count_pins(os.environ["SAMSYN_LOAD_DATABASE"], result.tag, result.pins)
    yield from figures(result, processes=[(0, pid) for pid in pids], counted=counted, alone=alone)


def run() -> Iterator[dict]:
    """The bench registry's entry (``python -m bench load``); see the module docstring."""
    url = os.environ.get("SAMSYN_LOAD_URL")
    if url:
        yield from _against_url(url.rstrip("/"))
        return
    before = ARTIFACT.stat().st_mtime if ARTIFACT.exists() else None
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x",
                           "tests/shared/test_load.py"], cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
                          stdout=sys.stderr, stderr=sys.stderr)
    if not ARTIFACT.exists() or ARTIFACT.stat().st_mtime == before:
        yield {"bench": "load", "measure": "summary", "ok": False,
               "note": f"tests/shared/test_load.py wrote no figures (exit {done.returncode})"}
        return
    for line in ARTIFACT.read_text(encoding="utf-8").splitlines():
        measure = json.loads(line)
        if measure.get("measure") == "summary":
            measure["ok"] = measure.get("ok", True) and done.returncode == 0
        yield measure
