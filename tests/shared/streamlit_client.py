"""A browser tab without a browser: signs in through OpenID Connect, then talks Streamlit's websocket.

:class:`BrowserTab` does what Streamlit's frontend does in a browser, with the same messages:

- sign-in: the sign-in page's button runs ``st.login()``, whose ``auth_redirect`` message names Samsyn's
  ``/auth/login?provider=…``; that address is followed with httpx to the provider's own sign-in form
  (node-oidc-provider's devInteractions: login and password, then the consent form), back to
  ``/oauth2callback``, which sets Streamlit's signed auth cookie. Every cookie is kept, also one a
  reverse proxy sets for sticky sessions, and sent with the websocket as a browser would;
- the websocket ``/_stcore/stream``: the XSRF cookie from ``/_stcore/health`` as the second subprotocol,
  the page's origin, then ``BackMsg.rerun_script`` with the page, the query string and the widget
  states; :meth:`BrowserTab.run` reads ``ForwardMsg``\\ s until ``script_finished`` and returns a
  :class:`Run` with its duration, the elements drawn and every error seen (an ``Exception`` element,
  an ``st.error`` box, a compile error, no end within the time limit);
- widgets are set as the frontend sets them: by the element's id taken from the run's deltas (found by
  label or key), sent as ``WidgetState``\\ s; a button is a trigger, sent once; a custom component's
  value (the Karta map) is the JSON the component hands to Streamlit when the user clicks.

Used by the load test (tests/shared/test_load.py) and ``python -m bench load``.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect

# A page run longer than this is a page that hangs, not a slow one; it counts as an error.
RUN_TIMEOUT = 120.0
# The password the test provider's development form takes (it checks only the login name).
PASSWORD = "ett-losenord"
# The elements whose text a person reads (headings, paragraphs, boxes, figures' captions).
_TEXT_FIELDS = {"markdown": "body", "heading": "body", "text": "body", "alert": "body", "code": "code_text"}
_ALERT_ERROR = 1
_ALERT_SUCCESS = 4


class ClientError(RuntimeError):
    """The tab could not do what a browser would (sign in, connect, read a run); the message says where."""


@dataclass(frozen=True)
class Widget:
    """A widget the run drew: its element kind (``button``, ``selectbox`` …), id, label and form."""

    kind: str
    id: str
    label: str
    form_id: str
    proto: Any

    def has_key(self, key: str) -> bool:
        """True when the widget was created with ``key=key`` (Streamlit ends such an id with ``-key``)."""
        return self.id.endswith(f"-{key}")


@dataclass
class Run:
    """One script run as the tab saw it: what was drawn, how long it took, what went wrong."""

    page: str
    seconds: float = 0.0
    bytes: int = 0  # what the server sent for the run (after the websocket's own decompression)
    status: str = ""
    texts: list[tuple[str, str]] = field(default_factory=list)
    widgets: list[Widget] = field(default_factory=list)
    components: list[Any] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    auth_redirect: str | None = None

    def widget(self, *, label: str | None = None, key: str | None = None, kind: str | None = None) -> Widget:
        """The one widget with this label (or key) and kind; a missing or doubtful one is an error."""
        found = [w for w in self.widgets
                 if (label is None or w.label == label) and (key is None or w.has_key(key))
                 and (kind is None or w.kind == kind)]
        if len(found) != 1:
            seen = ", ".join(f"{w.kind} {w.label!r}" for w in self.widgets)
            raise ClientError(f"{self.page}: {len(found)} widgets match label={label!r} key={key!r} "
                              f"kind={kind!r}; the run drew: {seen}")
        return found[0]

    def text(self) -> str:
        """Everything a person reads on the page, one element a line."""
        return "\n".join(body for _, body in self.texts)

    def successes(self) -> list[str]:
        """The green boxes (``st.success``) of the run."""
        return [body for kind, body in self.texts if kind == "success"]


def _has(proto: Any, name: str) -> bool:
    """True when an optional field is set (a plain proto3 field always counts as set)."""
    try:
        return proto.HasField(name)
    except ValueError:
        return True


def current_value(widget: Widget) -> WidgetState | None:
    """The value the frontend holds for a widget nobody touched: the one the server set, else the default.

    Buttons are triggers and hold nothing between runs; widget kinds the tab does not know are left out
    (the server then uses their default, as for a widget the frontend has not drawn yet).
    """
    proto, state = widget.proto, WidgetState(id=widget.id)
    kind = widget.kind
    if kind == "slider":
        state.double_array_value.data.extend(proto.value if proto.set_value else proto.default)
    elif kind == "multiselect":
        chosen = list(proto.raw_values) if proto.set_value else [proto.options[i] for i in proto.default]
        state.string_array_value.data.extend(chosen)
    elif kind in ("selectbox", "radio"):
        if proto.set_value:
            state.string_value = proto.raw_value
        elif _has(proto, "default") and 0 <= proto.default < len(proto.options):
            state.string_value = proto.options[proto.default]
        else:
            return None
    elif kind == "date_input":
        state.string_array_value.data.extend(proto.value if proto.set_value else proto.default)
    elif kind == "checkbox":
        state.bool_value = proto.value if proto.set_value else proto.default
    elif kind in ("text_input", "text_area"):
        state.string_value = proto.value if proto.set_value else proto.default
    else:
        return None
    return state


class _Forms(HTMLParser):
    """The forms of an HTML page: action, method and the named inputs' values."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form":
            self.forms.append({"action": values.get("action") or "", "method": (values.get("method") or "get"),
                               "inputs": {}})
        elif tag == "input" and self.forms and values.get("name"):
            self.forms[-1]["inputs"][values["name"]] = values.get("value") or ""


def _forms(html: str) -> list[dict[str, Any]]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


class BrowserTab:
    """One browser tab on Samsyn at ``base_url`` (the address a person types: nginx's or one process's).

    Parameters
    ----------
    base_url
        Samsyn's address, e.g. ``http://127.0.0.1:8080``.
    run_timeout
        Seconds a run may take before the tab gives up on it (and records an error).
    """

    def __init__(self, base_url: str, *, run_timeout: float = RUN_TIMEOUT) -> None:
        self.base_url = base_url.rstrip("/")
        self.run_timeout = run_timeout
        self.http = httpx.AsyncClient(timeout=60.0, follow_redirects=True,
                                      headers={"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) samsyn-load"})
        self.ws: ClientConnection | None = None
        self.pages: dict[str, Any] = {}  # page title → AppPage from the navigation message
        self.page_hash = ""
        self.page_name = ""
        self.query_string = ""
        self.widget_states: dict[str, WidgetState] = {}
        self.cache: dict[str, ForwardMsg] = {}  # the frontend's message cache: big elements by hash
        self.last: Run | None = None
        self.served_by: str | None = None  # nginx's X-Samsyn-Process for this tab, when there is one

    # -- connection --------------------------------------------------------------------------------

    def _cookie_header(self) -> str:
        """The Cookie header a browser sends with the websocket: the jar's own rules (host, path, expiry)."""
        request = urllib.request.Request(f"{self.base_url}/_stcore/stream")
        self.http.cookies.jar.add_cookie_header(request)
        return request.get_header("Cookie") or ""

    async def connect(self) -> None:
        """Load the page as a browser does (index, health with its XSRF cookie) and open the websocket."""
        await self.close_socket()
        for path in ("/", "/_stcore/health", "/_stcore/host-config"):
            response = await self.http.get(self.base_url + path)
            if response.status_code != 200:
                raise ClientError(f"GET {path}: HTTP {response.status_code}")
            # The shared installation's nginx names the process it sent this browser to (sticky sessions).
            self.served_by = response.headers.get("X-Samsyn-Process", self.served_by)
        xsrf = self.http.cookies.get("_streamlit_xsrf")
        parts = urlsplit(self.base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        protocols = ["streamlit", xsrf] if xsrf else ["streamlit"]
        try:
            self.ws = await connect(f"{scheme}://{parts.netloc}{parts.path}/_stcore/stream",
                                    origin=f"{parts.scheme}://{parts.netloc}", subprotocols=protocols,
                                    additional_headers={"Cookie": self._cookie_header()},
                                    user_agent_header=self.http.headers["User-Agent"], max_size=None,
                                    open_timeout=60, ping_interval=20, ping_timeout=60)
        except Exception as error:
            raise ClientError(f"websocket /_stcore/stream: {error}") from error
        self.widget_states = {}

    async def close_socket(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    async def close(self) -> None:
        """Close the websocket and the HTTP client, as closing the tab does."""
        await self.close_socket()
        await self.http.aclose()

    # -- runs ------------------------------------------------------------------------------------

    async def run(self, page: str | None = None, widgets: Mapping[str, WidgetState] | Iterable[WidgetState] = (),
                  ) -> Run:
        """Run the script as the frontend does after a navigation click (``page``, a title) or a widget change.

        Widget values persist for the page as in the frontend; triggers (buttons) are sent once.
        """
        if self.ws is None:
            raise ClientError("the websocket is not open")
        if page is not None:
            if page not in self.pages:
                raise ClientError(f"page {page!r} is not in the navigation: {sorted(self.pages)}")
            self.page_hash = self.pages[page].page_script_hash
            self.page_name = self.pages[page].url_pathname
            self.widget_states = {}  # a new page starts with its widgets' defaults
        given = list(widgets.values()) if isinstance(widgets, Mapping) else list(widgets)
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query_string
        state.page_script_hash = self.page_hash
        state.page_name = self.page_name
        state.cached_message_hashes.extend(self.cache)
        state.context_info.timezone = "Europe/Stockholm"
        state.context_info.timezone_offset = -60
        state.context_info.locale = "sv-SE"
        state.context_info.url = f"{self.base_url}/{self.page_name}"
        triggers = {w.id for w in given if w.WhichOneof("value") in ("trigger_value", "json_trigger_value",
                                                                      "string_trigger_value")}
        for widget in given:
            if widget.id not in triggers:
                self.widget_states[widget.id] = widget
        # The frontend reports every widget it shows with its current value, also the untouched ones: the
        # value the server last drew, unless the user (here: the caller) changed it.
        shown = {w.id: current for w in (self.last.widgets if self.last else ())
                 if (current := current_value(w)) is not None}
        sent = {**shown, **self.widget_states, **{w.id: w for w in given if w.id in triggers}}
        state.widget_states.widgets.extend(sent.values())
        title = next((t for t, p in self.pages.items() if p.page_script_hash == self.page_hash), self.page_name)
        run = Run(page=title or "start")
        started = time.perf_counter()
        await self.ws.send(message.SerializeToString())
        try:
            await asyncio.wait_for(self._read_run(run), self.run_timeout)
        except TimeoutError:
            run.errors.append(f"{run.page}: no script_finished within {self.run_timeout:.0f} s")
        except Exception as error:  # the connection broke: what a user sees as a dead page
            run.errors.append(f"{run.page}: {type(error).__name__}: {error}")
        run.seconds = time.perf_counter() - started
        self.last = run
        return run

    async def _read_run(self, run: Run) -> None:
        assert self.ws is not None
        while True:
            raw = await self.ws.recv()
            run.bytes += len(raw)
            msg = ForwardMsg()
            msg.ParseFromString(raw if isinstance(raw, bytes) else raw.encode())
            kind = msg.WhichOneof("type")
            if kind == "ref_hash":
                cached = self.cache.get(msg.ref_hash)
                if cached is None:
                    run.errors.append(f"{run.page}: the server referred to message {msg.ref_hash} the tab never had")
                    continue
                msg, kind = cached, cached.WhichOneof("type")
            elif msg.metadata.cacheable and msg.hash:
                self.cache[msg.hash] = msg
            if kind == "new_session":
                # Each run starts with one; a rerun the script asked for (st.rerun) draws the page anew.
                run.texts.clear(), run.widgets.clear(), run.components.clear()
                continue
            if kind == "navigation":
                self.pages = {p.page_name: p for p in msg.navigation.app_pages}
                if msg.navigation.page_script_hash:
                    self.page_hash = msg.navigation.page_script_hash
            elif kind == "page_info_changed":
                self.query_string = msg.page_info_changed.query_string  # the address bar follows the app
            elif kind == "auth_redirect":
                run.auth_redirect = msg.auth_redirect.url
            elif kind == "page_not_found":
                run.errors.append(f"{run.page}: page not found ({msg.page_not_found.page_name})")
            elif kind == "session_event" and msg.session_event.WhichOneof("type") == "script_compilation_exception":
                error = msg.session_event.script_compilation_exception
                run.errors.append(f"{run.page}: compile error {error.type}: {error.message}")
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                self._element(run, msg.delta.new_element)
            elif kind == "script_finished":
                status = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
                if status == "FINISHED_EARLY_FOR_RERUN":
                    continue  # st.rerun(): the next run follows at once
                run.status = status
                if status == "FINISHED_WITH_COMPILE_ERROR":
                    run.errors.append(f"{run.page}: the script did not compile")
                return

    def _element(self, run: Run, element: Any) -> None:
        kind = element.WhichOneof("type")
        if kind is None:
            return
        body = getattr(element, kind)
        if kind == "exception":
            run.errors.append(f"{run.page}: exception {body.type}: {body.message}")
            return
        if kind == "alert":
            label = {_ALERT_ERROR: "error", _ALERT_SUCCESS: "success"}.get(body.format, "alert")
            run.texts.append((label, body.body))
            if body.format == _ALERT_ERROR:
                run.errors.append(f"{run.page}: st.error: {body.body}")
            return
        if kind in _TEXT_FIELDS:
            run.texts.append((kind, getattr(body, _TEXT_FIELDS[kind])))
        elif kind == "metric":
            run.texts.append((kind, f"{body.label}: {body.body}"))
        if kind == "component_instance":
            run.components.append(body)
        fields = body.DESCRIPTOR.fields_by_name
        if "id" in fields and body.id:
            run.widgets.append(Widget(kind, body.id, body.label if "label" in fields else "",
                                      body.form_id if "form_id" in fields else "", body))

    # -- sign-in ---------------------------------------------------------------------------------

    async def sign_in(self, login: str, password: str = PASSWORD) -> Run:
        """Sign in as ``login`` through the provider's own form, as a person does; return the first run after.

        The tab opens Samsyn, presses "Logga in", follows the provider's pages (sign-in form, consent),
        lands back on Samsyn with the auth cookie and reconnects, as the browser reloads the page.
        """
        await self.connect()
        start = await self.run()
        if start.errors:
            raise ClientError(f"the sign-in page: {start.errors}")
        button = start.widget(key="sign_in", kind="button")
        pressed = await self.run(widgets=[WidgetState(id=button.id, trigger_value=True)])
        if pressed.auth_redirect is None:
            raise ClientError(f"'Logga in' sent no sign-in address: {pressed.errors or pressed.text()}")
        response = await self.http.get(urljoin(self.base_url + "/", pressed.auth_redirect.lstrip("/")))
        for step, fill in (("sign-in form", {"login": login, "password": password}), ("consent", {})):
            forms = [f for f in _forms(response.text) if f["method"].lower() == "post"]
            if response.status_code != 200 or not forms:
                raise ClientError(f"{login}: the provider's {step} was not there "
                                  f"(HTTP {response.status_code} at {response.url})")
            form = forms[0]
            response = await self.http.post(urljoin(str(response.url), form["action"]),
                                            data={**form["inputs"], **fill})
        if not str(response.url).startswith(self.base_url) or response.status_code != 200:
            raise ClientError(f"{login}: the provider did not send the browser back to Samsyn "
                              f"(HTTP {response.status_code} at {response.url})")
        if not any(c.name.startswith("_streamlit_user") for c in self.http.cookies.jar):
            raise ClientError(f"{login}: back on Samsyn without its sign-in cookie")
        await self.connect()
        self.page_hash = self.page_name = ""
        first = await self.run()
        if "Logga in med din organisations konto" in first.text():
            raise ClientError(f"{login}: still the sign-in page after signing in")
        return first

    # -- the pin flow of Karta -------------------------------------------------------------------

    def map_places(self, run: Run) -> list[tuple[str, str]]:
        """The named places (``samsyn_id``, name) in the Karta map the run drew, as the map shows them."""
        found: dict[str, str] = {}
        for component in run.components:
            source = json.loads(component.json_args or "{}")
            text = " ".join(str(v) for v in source.values() if isinstance(v, str))
            # The map's GeoJSON features, as the page's script hands them to Leaflet.
            for match in re.finditer(r'"properties":\s*(\{[^{}]*\})', text):
                try:
                    properties = json.loads(match.group(1))
                except ValueError:
                    continue
                if properties.get("samsyn_kind") == "place":
                    found.setdefault(str(properties["samsyn_id"]), str(properties.get("name", "")))
        return sorted(found.items())

    async def pin_place(self, place_id: str, title: str) -> tuple[list[Run], int | None]:
        """Click the place ``place_id`` on the Karta map and pin it under ``title`` with the form beside it.

        The click is the value the map component (streamlit-folium) hands Streamlit when the user clicks
        a feature: its GeoJSON with Samsyn's ``samsyn_kind``/``samsyn_id`` properties. Returns the two
        runs (the click, then "Fäst") and the id of the saved place the page confirmed (else None).
        """
        karta = self.last if self.last is not None and self.last.page == "Karta" else await self.run("Karta")
        maps = [c for c in karta.components if "folium" in c.component_name]
        if len(maps) != 1:
            raise ClientError(f"Karta drew {len(maps)} maps")
        click = {"last_active_drawing": {"type": "Feature", "geometry": None,
                                         "properties": {"samsyn_kind": "place", "samsyn_id": place_id}}}
        clicked = await self.run(widgets=[WidgetState(id=maps[0].id, json_value=json.dumps(click))])
        if clicked.errors:
            return [clicked], None
        form_title = clicked.widget(label="Rubrik", kind="text_input")
        submit = clicked.widget(label="Fäst", kind="button")
        pinned = await self.run(widgets=[WidgetState(id=form_title.id, string_value=title),
                                         WidgetState(id=submit.id, trigger_value=True)])
        for line in pinned.successes():
            match = re.match(r"Fäst i problembilden som #(\d+) (.*)\.$", line)
            # The page escapes Markdown in the title it repeats (escape_markdown): read it as the user does.
            if match and re.sub(r"\\(.)", r"\1", match.group(2)) == title:
                return [clicked, pinned], int(match.group(1))
        return [clicked, pinned], None
