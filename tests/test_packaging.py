"""A wheel built from the checkout, installed outside it, serves the dashboard from any folder.

The wheel is built from a copy of the working tree (so no ``build/`` lands in the checkout) with
``pip wheel --no-build-isolation`` (setuptools comes from the test extras: nothing is downloaded).
It is installed with ``--no-deps`` into a fresh virtual environment whose only view of the
dependencies is a ``.pth`` line naming the project's ``.venv`` site-packages. A plain path line
in a ``.pth`` file is appended to ``sys.path`` without processing that directory's own ``.pth``
files, so the editable install of the checkout stays invisible: whatever the new environment
imports comes from the wheel.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow

# Never copied into the build: environments, caches, earlier builds, user data, tests.
_NOT_SOURCES = shutil.ignore_patterns(
    ".venv", ".git", "build", "dist", "*.egg-info", "__pycache__", ".ruff_cache", ".pytest_cache",
    "userdata", "test-artifacts", "bench-out", "tests",
)


def _pyproject() -> dict:
    with (REPO / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A virtual environment outside the checkout with only the wheel of Samsyn installed; its bin/."""
    root = tmp_path_factory.mktemp("packaging")
    source = root / "source"
    shutil.copytree(REPO, source, ignore=_NOT_SOURCES, symlinks=True)
    dist = root / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation", "-q",
         "-w", str(dist)],
        check=True, capture_output=True, text=True, timeout=600,
    )
    (wheel,) = dist.glob("samsyn-*.whl")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    Path(purelib, "project-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q",
         str(wheel)],
        check=True, capture_output=True, text=True, timeout=600,
    )
    return venv / "bin"


def test_installed_modules_come_from_the_wheel_not_the_checkout(installed, tmp_path):
    code = "import cli, dashboard, data.sample as s; print(cli.__file__); print(s.DIRECTORY)"
    result = subprocess.run([str(installed / "python"), "-c", code], capture_output=True, text=True,
                            cwd=tmp_path, env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert result.returncode == 0, result.stderr
    cli_file, sample_dir = result.stdout.split()
    assert "site-packages" in cli_file and not cli_file.startswith(str(REPO))
    # The Exempelstad files are package data, found beside the installed accessor.
    assert Path(sample_dir, "incidents.parquet").is_file()
    assert Path(sample_dir, "districts.geojson").is_file()


def test_version_from_any_folder(installed, tmp_path):
    result = subprocess.run([str(installed / "samsyn"), "--version"], capture_output=True, text=True,
                            cwd=tmp_path, env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"samsyn {_pyproject()['project']['version']}"


def test_serve_from_any_folder_with_theme_and_static_files(installed, tmp_path):
    theme = tomllib.loads((REPO / "dashboard" / "streamlit_config.toml").read_text(encoding="utf-8"))["theme"]
    assert theme["primaryColor"] == "#0072B2"  # the Okabe–Ito blue the config documents
    port = _free_port()
    folder = tmp_path / "anywhere"
    folder.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SAMSYN_CONFIG", "SAMSYN_DATA")}
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [str(installed / "samsyn"), "serve", "--port", str(port), "--data", str(folder / "data")],
        cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, f"samsyn serve stopped: {(tmp_path / 'serve.log').read_text()}"
            try:
                if _get(f"{base}/_stcore/health")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the server did not answer /_stcore/health within 120 s"
            time.sleep(0.5)
        status, page = _get(f"{base}/")
        assert status == 200
        assert b"<html" in page.lower()
        status, leaflet = _get(f"{base}/app/static/vendor/leaflet@1.9.3/leaflet.js")
        assert status == 200
        assert b"Leaflet" in leaflet[:2000]
        # serve replaces itself with Streamlit (execve): the server process carries the theme as flags.
        argv = Path(f"/proc/{server.pid}/cmdline").read_bytes().split(b"\0")
        flags = {a.decode() for a in argv if a.startswith(b"--")}
        assert "--theme.primaryColor=#0072B2" in flags
        assert f"--theme.textColor={theme['textColor']}" in flags
        assert "--server.enableStaticServing=true" in flags
        # …and runs the installed app, not the checkout's.
        app = next(a.decode() for a in argv if a.endswith(b"app.py"))
        assert "site-packages" in app and not app.startswith(str(REPO))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)
        log.close()
