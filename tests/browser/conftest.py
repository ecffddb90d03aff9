"""Browser test harness: a real Streamlit server and headless Chromium with the internet cut off.

Fixtures
--------
``offline_map_url``   session; the test-only map app (tests/browser/apps/) served by Streamlit
``samsyn_url``        session; the real dashboard started with ``samsyn serve`` on a free port
``browser``           session; Debian's Chromium (/usr/bin/chromium) via Playwright
``page``              a fresh page (1920×1080 unless ``@pytest.mark.viewport(w, h)``) in which
                      every request to a host other than this machine is aborted and recorded
``external_requests`` the list of those aborted requests (``"METHOD url"``); assert it is empty
``page_errors``       uncaught JavaScript errors and console errors seen by ``page``
``screenshot``        ``screenshot(page, "name")`` saves test-artifacts/screenshots/name.png

Mark browser tests with ``@pytest.mark.browser``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.waits import ELEMENT_SECONDS, FIRST_LOAD_SECONDS

REPO = Path(__file__).resolve().parents[2]
APPS = Path(__file__).resolve().parent / "apps"
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM = Path(os.environ.get("SAMSYN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
DEFAULT_VIEWPORT = (1920, 1080)
SERVER_TIMEOUT = 180.0  # seconds until `samsyn serve` answers; Python imports are slow on a busy machine

# The apps are Streamlit scripts, not test modules: keep --doctest-modules from importing them.
collect_ignore_glob = ["apps/*"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "viewport(width, height): browser viewport for the page fixture")


# --- Streamlit server ---------------------------------------------------------------------------

def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_health(base_url: str, process: subprocess.Popen, log: Path, timeout: float = SERVER_TIMEOUT) -> None:
    """Poll Streamlit's ``/_stcore/health`` until it answers ``ok``; fail with the server log otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"The server exited with code {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
                if response.status == 200 and response.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.25)
    pytest.fail(f"The server did not answer {base_url}/_stcore/health within {timeout:.0f} s:\n"
                f"{log.read_text(errors='replace')}")


def stop(process: subprocess.Popen) -> None:
    """Stop a server started by :func:`running_server` (its own process group)."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


@contextmanager
def running_server(command: Sequence[str], port: int, log: Path, env: dict[str, str] | None = None,
                   cwd: Path | None = None) -> Iterator[str]:
    """Run ``command`` (a server on ``port``), wait until it is healthy, yield its base URL, stop it."""
    base_url = f"http://127.0.0.1:{port}"
    full_env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    with log.open("wb") as out:
        process = subprocess.Popen(
            list(command), cwd=cwd or REPO, env=full_env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group, so stop() ends streamlit and nothing else
        )
        try:
            wait_for_health(base_url, process, log)
            yield base_url
        finally:
            stop(process)


def streamlit_command(script: Path, port: int) -> list[str]:
    """``streamlit run`` with the settings ``samsyn serve`` passes."""
    return [
        sys.executable, "-m", "streamlit", "run", str(script),
        f"--server.port={port}", "--server.address=127.0.0.1", "--server.headless=true",
        "--browser.gatherUsageStats=false", "--server.enableStaticServing=true",
        "--server.fileWatcherType=none",
    ]


@pytest.fixture(scope="session")
def offline_map_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the test-only map app (tests/browser/apps/offline_map_app.py)."""
    port = free_port()
    log = tmp_path_factory.mktemp("offline-map-app") / "streamlit.log"
    with running_server(streamlit_command(APPS / "offline_map_app.py", port), port, log) as url:
        yield url


@pytest.fixture(scope="session")
def samsyn_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the real dashboard, started as a user would: ``samsyn serve --port N``.

    Runs in an empty temporary folder with an empty data directory, so the
    embedded Exempelstad sample is active and nothing is written into the repository.
    """
    home = tmp_path_factory.mktemp("samsyn-serve")
    port = free_port()
    command = [sys.executable, "-m", "cli", "serve", "--port", str(port), "--data", str(home / "userdata")]
    env = {"SAMSYN_CONFIG": ""}
    with running_server(command, port, home / "serve.log", env=env, cwd=home) as url:
        yield url


# --- Chromium -----------------------------------------------------------------------------------

# The session's Chromium (`browser`) is in tests/conftest.py: the browser tests and tests/shared share one,
# since Playwright's sync API runs one event loop per thread and a second one cannot start beside it.


@pytest.fixture()
def external_requests() -> list[str]:
    """Requests the page tried to send off this machine (they were aborted)."""
    return []


@pytest.fixture()
def page_errors() -> list[str]:
    """Uncaught JavaScript errors and console errors of the page and its frames."""
    return []


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "chrome", "chrome-extension"):
        return True
    return (parts.hostname or "") in LOCAL_HOSTS


@pytest.fixture()
def page(browser, request: pytest.FixtureRequest, external_requests: list[str], page_errors: list[str]):
    """A fresh page whose requests to any host other than this machine are aborted and recorded."""
    marker = request.node.get_closest_marker("viewport")
    width, height = marker.args if marker else DEFAULT_VIEWPORT
    context = browser.new_context(viewport={"width": width, "height": height}, locale="sv-SE",
                                  timezone_id="Europe/Stockholm")

    def guard(route) -> None:
        url = route.request.url
        if _is_local(url):
            route.continue_()
        else:
            external_requests.append(f"{route.request.method} {url}")
            route.abort("blockedbyclient")

    context.route("**/*", guard)
    page = context.new_page()
    page.on("pageerror", lambda error: page_errors.append(f"pageerror: {error}"))
    page.on("console", lambda message: page_errors.append(f"console: {message.text}")
            if message.type == "error" else None)
    # Every Playwright action and wait that names no limit of its own: generous, for a busy machine.
    # The waits that follow the app's runs are in tests/browser/waits.py.
    page.set_default_timeout(ELEMENT_SECONDS * 1000)
    page.set_default_navigation_timeout(FIRST_LOAD_SECONDS * 1000)
    try:
        yield page
    finally:
        context.close()


def save_screenshot(page, name: str, *, full_page: bool = False) -> Path:
    """Save a PNG of ``page`` to test-artifacts/screenshots/NAME.png (gitignored) and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


@pytest.fixture()
def screenshot() -> Callable[..., Path]:
    """``screenshot(page, "name")`` → test-artifacts/screenshots/name.png."""
    return save_screenshot
