"""Benchmark: the dashboard with 1,000,000 incidents active, timed in a real browser.

For every page: how many bytes of data reach the browser — the WebSocket frames in which Streamlit
sends the page (tables, charts, the map component's HTML and data) — target under 5 MB; the
browser-cached JavaScript and CSS bundles (Streamlit, Plotly, Leaflet) are reported separately —
and how long a filter change takes to
re-render, warm (from the key press on the hour slider until Streamlit has finished the run) —
target under 1 s. The Data page, which computes nothing, is the baseline of the same run:
its re-render time is what Streamlit and the browser cost by themselves.

Runs ``samsyn serve`` on a free port with a temporary data directory whose active dataset is the
Exempelstad sample scaled to ~1 M incidents, and Debian's Chromium with the internet cut off.
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tests.browser import waits

REPO = Path(__file__).resolve().parents[1]
PAGES = ("Översikt", "Karta", "Tid", "Trygghet", "Problembild", "Uppföljning", "Data")
MAX_BYTES = 5_000_000
MAX_SECONDS = 1.0
REPEATS = 3
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _dataset(data_dir: Path, scale: float) -> int:
    from data.sample import paths
    from exempelstad.generate import generate_incidents
    from geo.dataset import write_incidents
    from store.datasets import add_file, create_dataset, save_role, set_default

    incidents = generate_incidents(seed=2026, scale=scale)
    dataset = create_dataset(data_dir, f"Exempelstad ×{scale:g} (benchmark)")
    dataset = save_role(dataset, "incidents", ".parquet", lambda p: write_incidents(incidents, p))
    sample = paths()
    for role in ("districts", "places", "streets", "background", "survey"):
        source = getattr(sample, role)
        copy = dataset.directory / f".copy-{role}{source.suffix}"
        shutil.copy(source, copy)
        dataset = add_file(dataset, role, copy)
    set_default(data_dir, dataset.id)  # new sessions open it, as after `samsyn dataset use`
    _problem_picture(data_dir, sample.truth)
    return len(incidents)


def _problem_picture(data_dir: Path, truth_path: Path) -> None:
    """Pin the planted hotspots and the Stortorget intervention with its follow-up, as a workshop would."""
    import json

    import shapely

    from exempelstad.generate import districts
    from store.model import Followup, Goal, Hotspot, Measure
    from store.problem_store import open_store

    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    store = open_store(data_dir / "problembild.db")
    for spot in truth["hotspots"][:5]:
        store.add_hotspot(Hotspot(title=spot["name"], geometry_wkt=shapely.Point(spot["x"], spot["y"]).buffer(
            spot["radius_m"]).wkt, categories=spot["categories"][:2], created_by="bench"), user="bench")
    plan = truth["intervention"]
    target = store.add_hotspot(Hotspot(title="Stortorget", geometry_wkt=plan["target_polygon_wkt"],
                                       categories=["Misshandel utomhus"], created_by="bench"), user="bench")
    measure = store.add_measure(Measure(title="Kameror och ordningsvakter", start=plan["date"],
                                        hotspot_ids=[target.id]), user="bench")
    store.add_goal(Goal(kind="effektmål", description="−20 %", hotspot_id=target.id, measure_id=measure.id,
                        categories=["Misshandel utomhus"], target_change=-0.2), user="bench")
    control = districts().set_index("area_id").loc[plan["control_district_id"]].geometry
    store.add_followup(Followup(measure_id=measure.id, control_wkt=control.wkt, hotspot_id=target.id,
                                control_name=plan["control_district_id"]), user="bench")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("samsyn serve did not answer")


def _settle(page, what: str) -> None:
    """Wait until the page's run is over and, on a page with a map, the map has drawn with its assets.

    The waits are the browser tests' (tests/browser/waits.py): Streamlit's script state and the run
    marker, not a quiet period, so the bytes counted are those of one complete page.
    """
    waits.wait_idle(page, what=what)
    if page.locator(waits.MAP_IFRAME).count():
        waits.wait_for_assets(waits.map_drawn(page, what=f"the map of {what}"), what=f"the map of {what}")


def _rerun_seconds(page) -> float:
    """Move the hour slider one step and time the run it starts, until its last element reached the page."""
    before = waits.wait_idle(page, what="the page before a move of the hour slider")
    thumb = page.locator("[data-testid='stSidebar'] [data-testid='stSlider'] input[type='range']").first
    thumb.focus()
    start = time.perf_counter()
    thumb.press("ArrowRight" if thumb.input_value() == "0" else "ArrowLeft")
    # Timed up to the arrival of the run marker (checked at every frame), the last element of the run.
    waits.wait_for_marker(page, after=before, what="the re-render after a move of the hour slider")
    seconds = time.perf_counter() - start
    waits.wait_for_run(page, after=before, what="the end of the run after a move of the hour slider")
    return seconds


def run() -> Iterator[dict]:
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="samsyn-bench-"))
    n = _dataset(work / "userdata", scale=float(os.environ.get("SAMSYN_BENCH_SCALE", "25")))
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(work / "serve.log", "w")  # noqa: SIM115 – closed in finally
    server = subprocess.Popen([sys.executable, "-m", "cli", "serve", "--port", str(port), "--data",
                               str(work / "userdata")], cwd=work, stdout=log, stderr=subprocess.STDOUT,
                              env={**os.environ, "PYTHONPATH": str(REPO), "SAMSYN_CONFIG": ""})
    try:
        _wait_healthy(url)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1920, "height": 1080})
            context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
                ("http://127.0.0.1", "data:", "blob:", "about:")) else route.abort())
            page = context.new_page()
            page.set_default_timeout(waits.ELEMENT_SECONDS * 1000)
            received = {"bytes": 0, "static": 0}
            page.on("websocket", lambda ws: ws.on(
                "framereceived", lambda payload: received.__setitem__("bytes", received["bytes"] + len(payload))))
            page.on("requestfinished", lambda request: received.__setitem__(
                "static", received["static"] + max(0, request.sizes().get("responseBodySize", 0))))
            waits.open_app(page, url, what="Översikt with the benchmark dataset")
            baseline = None
            results = []
            for name in PAGES:
                if name != "Översikt":
                    waits.go_to(page, name)
                _settle(page, name)
                # Bytes of a fresh, warm load of the page (server caches filled by the first visit).
                received.update(bytes=0, static=0)
                page.reload(wait_until="domcontentloaded")
                waits.wait_for_run(page, after=0, what=f"{name} after a reload", timeout=waits.FIRST_LOAD_SECONDS)
                waits.expect_visible(page.locator("h1").filter(has_text=name).first, f"the heading of {name}")
                _settle(page, name)
                sent, static = received["bytes"], received["static"]
                _rerun_seconds(page)  # warm-up
                seconds = statistics.median(_rerun_seconds(page) for _ in range(REPEATS))
                if name == "Data":
                    baseline = seconds
                results.append((name, sent, static, seconds))
            browser.close()
        for name, sent, static, seconds in results:
            yield {"bench": "dashboard", "measure": "page_bytes", "page": name, "incidents": n,
                   "data_megabytes": round(sent / 1e6, 2), "static_assets_megabytes": round(static / 1e6, 2),
                   "target_megabytes": MAX_BYTES / 1e6, "ok": sent < MAX_BYTES}
            yield {"bench": "dashboard", "measure": "filter_change_seconds", "page": name, "incidents": n,
                   "seconds": round(seconds, 3), "baseline_data_page_seconds": round(baseline, 3),
                   "ratio_to_baseline": round(seconds / baseline, 2) if baseline else None,
                   "target_seconds": MAX_SECONDS, "ok": seconds < MAX_SECONDS}
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        shutil.rmtree(work, ignore_errors=True)
