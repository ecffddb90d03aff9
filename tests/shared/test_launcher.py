"""``python -m deploy.shared``: what it refuses, the nginx configuration it writes, and Ctrl+C stopping it all."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from deploy.shared import SharedSite
from tests.browser.conftest import free_port
from tests.shared.conftest import NGINX

REPO = Path(__file__).resolve().parents[2]


def _launch(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "deploy.shared", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO), "SAMSYN_CONFIG": ""}, timeout=120)


def test_a_shared_server_needs_postgresql_and_sign_in(tmp_path):
    config = tmp_path / "samsyn.toml"
    config.write_text('[data]\ndirectory = "userdata"\n', encoding="utf-8")
    result = _launch("--config", str(config), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(f"Fel: {config}: flera Samsyn-processer delar problembilden genom PostgreSQL, "
                                    "men [database] url är inte satt (SQLite-filen i datamappen).")

    config.write_text('[database]\nurl = "postgresql://samsyn@db.example.se/samsyn"\n', encoding="utf-8")
    result = _launch("--config", str(config), cwd=tmp_path)
    assert result.returncode == 2 and "en delad server kräver inloggning" in result.stderr
    assert "Traceback" not in result.stderr

    empty = tmp_path / "tom"
    empty.mkdir()
    assert _launch(cwd=empty).stderr.startswith("Fel: Ingen samsyn.toml: ange --config FIL")


def test_the_nginx_configuration_is_one_nginx_accepts(tmp_path):
    site = SharedSite(config=tmp_path / "samsyn.toml", prefix=tmp_path / "nginx", processes=3,
                      listen="127.0.0.1:8080", first_port=8601)
    text = site.nginx_config()
    assert not re.search(r"@[A-Z_]+@", text.replace("@CAPITALS@", ""))  # every placeholder filled in
    # Process 2's browsers: process 2, and while it is down process 3, then 1.
    assert ("upstream samsyn_2 {\n        server 127.0.0.1:8602 max_fails=1 fail_timeout=10s;\n"
            "        server 127.0.0.1:8603 backup;\n        server 127.0.0.1:8601 backup;\n    }") in text
    assert "        2 samsyn_2;\n" in text and "        ~127\\.0\\.0\\.1:8602$ 2;\n" in text
    assert "listen 127.0.0.1:8080;" in text
    assert "location = /_samsyn/health/3 {\n            proxy_pass http://127.0.0.1:8603/_stcore/health;" in text
    conf = tmp_path / "nginx.conf"
    for folder in ("logs", "temp"):
        (tmp_path / "nginx" / folder).mkdir(parents=True)
    conf.write_text(text.replace("listen 127.0.0.1:8080;", f"listen 127.0.0.1:{free_port()};"), encoding="utf-8")
    tested = subprocess.run([str(NGINX), "-t", "-p", str(tmp_path / "nginx"), "-c", str(conf), "-e",
                             str(tmp_path / "nginx" / "logs" / "error.log")], capture_output=True, text=True)
    assert tested.returncode == 0, tested.stderr


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.slow
def test_ctrl_c_stops_nginx_and_every_process(shared_site):
    # The same samsyn.toml as the running site, one more process and nginx on ports of their own.
    home = Path(tempfile.mkdtemp(prefix="samsyn-launch-"))
    home.chmod(0o711)
    listen, first = free_port(), free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "deploy.shared", "--config", str(shared_site.config), "--processes", "1",
         "--listen", f"127.0.0.1:{listen}", "--first-port", str(first), "--prefix", str(home / "nginx")],
        cwd=home, env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{listen}/_samsyn/health/1", timeout=2) as response:
                    if response.read().strip() == b"ok":
                        break
            except OSError:
                time.sleep(0.25)
        else:
            raise AssertionError("the launched site did not answer through nginx within 180 s")
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, output
    assert "1 Samsyn-processer på 127.0.0.1:" in output and "Stoppar nginx och Samsyn-processerna." in output
    assert not _listening(listen) and not _listening(first)
