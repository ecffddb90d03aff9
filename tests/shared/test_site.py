"""The shared installation answers through nginx: every process, sticky by a cookie, restarted when it dies."""

from __future__ import annotations

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

    # A browser without the cookie gets one; with it, every request goes to the same process.
    _, headers, _ = _get(f"{shared_site.url}/_stcore/health")
    cookie = next(c.split(";")[0] for c in headers.get_all("Set-Cookie") if c.startswith("samsyn_route="))
    assert cookie.startswith("samsyn_route=") and len(cookie) > len("samsyn_route=")
    served = {_get(f"{shared_site.url}/_stcore/health", cookie)[1]["X-Samsyn-Process"] for _ in range(10)}
    assert len(served) == 1 and served <= {"1", "2", "3"}

    # Forty browsers (forty cookies) are spread over all three processes.
    spread = {_get(f"{shared_site.url}/_stcore/health", f"samsyn_route=browser{n}")[1]["X-Samsyn-Process"]
              for n in range(40)}
    assert spread == {"1", "2", "3"}
