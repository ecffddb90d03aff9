"""Load: 30 signed-in sessions on the shared installation for several minutes, with figures.

Three Samsyn processes behind nginx on one PostgreSQL (``shared_site``). Each session is a browser tab
without a browser (tests/shared/streamlit_client.py): signed in as its own user (``user01`` …) through
the provider's form, browsing Översikt, Karta, Tid and Problembild in turn and pinning a named place on
Karta every few pages (bench/load.py drives them). Then: no session saw an error (an exception, an
error box, a page that did not finish), every pin the page confirmed is one row in PostgreSQL under
its title with the id the page said and the signed-in person's name in the row and in the change log,
and no page hangs (p95 under 60 s: a bound about hanging, not speed, on a shared 2-core machine).

The figures go to test-artifacts/load.jsonl (the same lines as ``python -m bench load``).
``SAMSYN_LOAD_SECONDS`` (default 180) and ``SAMSYN_LOAD_SESSIONS`` (default 30) change the run.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import re

import pytest

from bench.load import ARTIFACT, HANG_SECONDS, PIN_TITLE, baseline, count_pins, figures, run_load

pytestmark = [pytest.mark.slow]

SECONDS = float(os.environ.get("SAMSYN_LOAD_SECONDS", "180"))
SESSIONS = int(os.environ.get("SAMSYN_LOAD_SESSIONS", "30"))


def _server_tracebacks(site, errors: list[str]) -> str:
    """The errors, with the traceback each "Något gick fel … referensen X" left in its process's log."""
    logs = "\n".join(child.log.read_text(errors="replace") for child in site.launcher.children if child.log.exists())
    found = []
    for reference in sorted({m for e in errors for m in re.findall(r"referensen ([A-Z0-9]{4}-[A-Z0-9]{4})", e)}):
        at = logs.find(f"(reference {reference})")
        found.append(logs[at:at + 3000] if at >= 0 else f"{reference}: not in the logs")
    return "\n".join(errors[:20]) + "\n\n" + "\n\n".join(found)


def _in_own_loop(coroutine):
    """Run ``coroutine`` in an event loop of its own thread: when the browser tests ran first in this
    pytest process, Playwright's sync API keeps an event loop running in the main thread."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_signed_in_sessions_browse_and_pin_without_errors(shared_site):
    logins = [f"user{n:02d}" for n in range(1, SESSIONS + 1)]
    assert set(logins) <= set(shared_site.accounts), "the provider has no account for every session"
    processes = [(port, process.pid) for port, process in shared_site.processes]
    # One session alone first (browsing, not pinning): the yardstick for the load's page times.
    alone = _in_own_loop(baseline(shared_site.url, logins[0]))
    result = _in_own_loop(run_load(shared_site.url, logins, SECONDS, pids=[pid for _, pid in processes]))
    # The change log names a signed-in person as "Name (e-mail)" from the provider's claims.
    identities = {login: f"{shared_site.accounts[login]['name']} ({shared_site.accounts[login]['email']})"
                  for login in logins}
    counted = count_pins(shared_site.database_url, result.tag, result.pins, identities)
    lines = figures(result, processes=processes, counted=counted, alone=alone)
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    ARTIFACT.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")

    assert alone.errors == [] and alone.pins == [], _server_tracebacks(shared_site, alone.errors)
    assert result.signed_in == SESSIONS, result.errors[:10]
    assert result.errors == [], _server_tracebacks(shared_site, result.errors)
    # Every session pinned, each pin under its own title ("Belastningstest 20261202-004501 user07 nr 2"),
    # confirmed by the page.
    assert {pin.login for pin in result.pins} == set(logins)
    assert all(pin.id is not None for pin in result.pins)
    assert all(pin.title == PIN_TITLE.format(tag=result.tag, login=pin.login, number=pin.title.rsplit(" ", 1)[1])
               for pin in result.pins)
    assert len({pin.id for pin in result.pins}) == len(result.pins)  # no two pins share a row
    # Every pin saved once, no more rows than pins, and the change log names who pinned.
    assert counted == {"rows": len(result.pins), "matched": len(result.pins), "audited": len(result.pins)}
    # Every page ran in every cycle, and none hangs.
    assert {"Översikt", "Karta", "Tid", "Problembild", "Karta: klick på plats", "Karta: Fäst"} <= set(result.times)
    for line in lines:
        if line["measure"] == "page_seconds":
            assert line["p95"] < HANG_SECONDS, line
    # Every Samsyn process was measured while it served.
    assert all(line.get("peak", 0) > 0 for line in lines if line["measure"] == "process_rss_mb")
    memory = [line for line in lines if line["measure"] == "process_rss_mb"]
    assert len(memory) == len(processes)
    # nginx named the process of every session (X-Samsyn-Process), one of the three.
    assert sum(line["sessions"] for line in memory) == SESSIONS
