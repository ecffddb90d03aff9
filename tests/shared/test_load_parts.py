"""The load test's parts that need no server: the values a tab reports for untouched widgets, the
provider's form as the tab reads it, the figures from hand-worked page times, memory from /proc."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from streamlit.proto.Element_pb2 import Element

from bench.load import LoadResult, Pin, figures, rss_bytes
from tests.shared.streamlit_client import Widget, _forms, current_value

# The provider's development sign-in form as node-oidc-provider renders it (lib/views/login.js).
LOGIN_FORM = """<div class="login-card"><h1>Sign-in</h1>
<form autocomplete="off" action="/interaction/Xy12/login" method="post">
  <input type="hidden" name="prompt" value="login"/>
  <input required type="text" name="login" placeholder="Enter any login" autofocus="on">
  <input required type="password" name="password" placeholder="and password">
  <button type="submit" class="login login-submit">Sign-in</button>
</form></div>"""


def _widget(kind: str, **fields) -> Widget:
    element = Element()
    proto = getattr(element, kind)
    for name, value in fields.items():
        if isinstance(value, list):
            getattr(proto, name).extend(value)
        else:
            setattr(proto, name, value)
    proto.id = f"$$ID-abc-{kind}"
    return Widget(kind, proto.id, getattr(proto, "label", ""), "", proto)


def test_untouched_widgets_report_the_value_the_server_drew():
    # The hour slider of the sidebar, never moved: the frontend reports its default range 0–23.
    hours = current_value(_widget("slider", default=[0, 23], min=0, max=23))
    assert list(hours.double_array_value.data) == [0.0, 23.0]
    # Set by the server (a value from the address): the set value, not the default.
    moved = current_value(_widget("slider", default=[0, 23], value=[6, 18], set_value=True))
    assert list(moved.double_array_value.data) == [6.0, 18.0]
    # A multiselect reports its options' texts, picked by the default's positions.
    days = current_value(_widget("multiselect", options=["mån", "tis", "ons"], default=[0, 2]))
    assert list(days.string_array_value.data) == ["mån", "ons"]
    metric = current_value(_widget("selectbox", options=["Antal händelser", "Förändring"], default=1))
    assert metric.string_value == "Förändring"
    assert current_value(_widget("checkbox", default=True)).bool_value is True
    assert current_value(_widget("text_input", default="Stortorget")).string_value == "Stortorget"
    # A button holds nothing between runs.
    assert current_value(_widget("button", label="Fäst")) is None


def test_the_providers_form_is_read_with_its_action_and_hidden_fields():
    assert _forms(LOGIN_FORM) == [{"action": "/interaction/Xy12/login", "method": "post",
                                   "inputs": {"prompt": "login", "login": "", "password": ""}}]


def test_figures_from_hand_worked_page_times():
    result = LoadResult(sessions=2, signed_in=2, seconds=200.0)
    for seconds in range(1, 21):  # Karta: 1, 2, …, 20 s, 1 MB each
        result.record("Karta", float(seconds), 2**20)
    for seconds in (0.5, 1.5):
        result.record("Tid", seconds)
    result.sign_in_times = [4.0, 6.0]
    result.pins = [Pin("user01", "Belastningstest user01 nr 1", "P01", 7),
                   Pin("user02", "Belastningstest user02 nr 1", "P02", None)]
    result.memory = {4242: {"start": 100 * 2**20, "peak": 512 * 2**20, "end": 300 * 2**20}}
    result.served_by = {"user01": "1", "user02": "2"}  # nginx sent user02 to a process not measured here
    alone = LoadResult(sessions=1, signed_in=1)
    for seconds in (2.0, 3.0, 4.0):  # Karta alone: p50 3 s
        alone.record("Karta", seconds)
    lines = figures(result, processes=[(8601, 4242)], counted={"rows": 1, "matched": 1, "audited": 1}, alone=alone)
    # The same run with user02's pin confirmed and in the database: nothing wrong.
    result_ok = LoadResult(**{**result.__dict__, "pins": [result.pins[0], Pin("user02", "x", "P02", 8)]})
    assert figures(result_ok, counted={"rows": 2, "matched": 2, "audited": 2})[0]["ok"] is True
    summary, karta, tid, memory = lines
    assert (summary["sessions"], summary["runs"], summary["errors"], summary["pins"],
            summary["pins_confirmed"]) == (2, 22, 0, 2, 1)
    assert summary["pins_in_database_rows"] == 1
    assert summary["received_mb"] == 20.0
    assert summary["ok"] is False  # user02's pin was not confirmed on the page
    assert (summary["sign_in_p50_seconds"], summary["sign_in_max_seconds"]) == (5.0, 6.0)
    # p95 of 1…20 by linear interpolation between order statistics: 1 + 0.95 · 19 = 19.05.
    assert (karta["page"], karta["runs"], karta["p50"], karta["p95"], karta["max"]) == ("Karta", 20, 10.5, 19.05, 20.0)
    assert (karta["alone_p50"], karta["p50_ratio"]) == (3.0, 3.5)  # 10.5 s under load against 3 s alone
    assert "alone_p50" not in tid  # Tid did not run alone
    # Of all 22 runs (0.5, 1, 1.5, 2, 3, …, 20): 1 + 0.95 · 21 = 20.95th value = 18 + 0.95 · (19 − 18).
    assert summary["p95_seconds"] == 18.95
    assert (tid["p50"], tid["p95"], tid["max"]) == (1.0, 1.45, 1.5)
    assert memory == {"bench": "load", "measure": "process_rss_mb", "process": 1, "port": 8601, "pid": 4242,
                      "start": 100.0, "peak": 512.0, "end": 300.0, "sessions": 1}


def test_memory_of_a_process_and_its_children_from_proc():
    # A parent holding 64 MB and a child holding 32 MB (each touched, so resident): their sum, counted by hand.
    script = ("import os, sys, time\n"
              "block = bytearray(64 * 2**20)\n"
              "child = os.fork()\n"
              "if child == 0:\n"
              "    del block\n"
              "    mine = bytearray(32 * 2**20)\n"
              "    print('child', flush=True)\n"
              "    time.sleep(60)\n"
              "    os._exit(0)\n"
              "print('parent', flush=True)\n"
              "time.sleep(60)\n")
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert sorted([process.stdout.readline().strip(), process.stdout.readline().strip()]) == ["child", "parent"]
        alone = _own_rss(process.pid)
        total = rss_bytes(process.pid)
        assert alone > 64 * 2**20
        assert 32 * 2**20 < total - alone < 64 * 2**20  # the child's 32 MB (plus its interpreter), not the parent's
    finally:
        for pid in _children(process.pid):
            os.kill(pid, signal.SIGKILL)
        process.kill()
        process.wait()
    assert rss_bytes(2**22 + 1) == 0  # a pid above Linux's maximum: no such process


def _own_rss(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return next(int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmRSS:"))


def _children(pid: int) -> list[int]:
    return [int(c) for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()]
