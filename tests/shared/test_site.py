"""The shared installation answers through nginx: every process, sticky by a cookie, restarted when it dies."""

from __future__ import annotations

import time
import urllib.request
from email.message import Message

import pytest

pytestmark = [pytest.mark.slow]


def _get(url: str, cookie: str = "") -> tuple[int, Message, bytes]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.headers, response.read()


def test_nginx_reaches_every_process_and_keeps_a_browser_on_one(shared_site):
    # Each process's own health check through nginx.
    for number in (1, 2, 3):
        status, _, body = _get(f"{shared_site.url}/_samsyn/health/{number}")
        assert (status, body.strip()) == (200, b"ok")

    # A browser without the cookie gets one naming the process that answered; with it, every request
    # goes to that process.
    _, headers, _ = _get(f"{shared_site.url}/_stcore/health")
    cookie = next(c.split(";")[0] for c in headers.get_all("Set-Cookie") if c.startswith("samsyn_process="))
    assert cookie == f"samsyn_process={headers['X-Samsyn-Process']}"
    served = {_get(f"{shared_site.url}/_stcore/health", cookie)[1]["X-Samsyn-Process"] for _ in range(10)}
    assert served == {cookie.partition("=")[2]}

    # New browsers (no cookie) are spread over all three processes.
    spread = {_get(f"{shared_site.url}/_stcore/health")[1]["X-Samsyn-Process"] for _ in range(12)}
    assert spread == {"1", "2", "3"}


def test_a_browser_whose_process_is_down_moves_and_stays_moved(shared_site):
    cookie = "samsyn_process=3"
    shared_site.kill(2)
    # While process 3 is down nginx sends its browsers on, and the cookie follows the process that answered.
    _, headers, body = _get(f"{shared_site.url}/_stcore/health", cookie)
    moved = headers["X-Samsyn-Process"]
    assert body.strip() == b"ok" and moved in {"1", "2"}
    assert f"samsyn_process={moved}" in [c.split(";")[0] for c in headers.get_all("Set-Cookie")]
    # Back up again (the watcher restarted it), process 3 takes new browsers, but the moved one stays
    # where its session now is.
    shared_site.wait_restarted(2)
    # nginx tries a failed process again after fail_timeout (10 s): until then its browsers still move.
    deadline = time.monotonic() + 60
    while _get(f"{shared_site.url}/_stcore/health", cookie)[1]["X-Samsyn-Process"] != "3":
        assert time.monotonic() < deadline, "nginx did not send process 3's browsers back to it within 60 s"
        time.sleep(0.5)
    assert _get(f"{shared_site.url}/_stcore/health", f"samsyn_process={moved}")[1]["X-Samsyn-Process"] == moved
