"""Waits for the browser tests and the dashboard bench: on the app's own signals, never on the clock.

A Streamlit page changes in runs: the browser sends a widget change, the server runs the script and
streams the page's elements, then says that the run is over. A test that reads the page in the middle
of a run sees the previous run's elements (or half of the new ones), and keys typed into a widget that
the run is about to redraw are lost. So every wait here is for something the app itself shows:

``data-test-script-state``
    Streamlit's own attribute on ``[data-testid="stApp"]``: ``running`` while the server runs the
    script, ``notRunning`` once the last run has finished and the browser has dropped stale elements.
placeholders
    ``[data-testid="stSkeleton"]``: an element whose code is still loading, or a custom component
    (the map) whose iframe is not ready yet.
the run marker
    ``<span class="samsyn-run" data-run="N">`` that dashboard/app.py writes at the very end of every
    run of a session, also after a page's ``st.stop()``. N counts the session's runs, so a marker past
    the number read before an action proves that a run started by that action reached the page's end.
elements
    a heading, a confirmation, an option in a dropdown, the map's Leaflet object in its iframe.

Every wait fails with an ``AssertionError`` that names what it waited for and what the page showed
instead. The limits are meant for a busy machine (two cores shared with other work), not an idle one:
they only bound how long a broken page takes to fail, a working page never waits for them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

if TYPE_CHECKING:
    from playwright.sync_api import Frame, Locator, Page

#: The first run of a fresh session: the server imports and loads the dataset, Chromium parses the app.
FIRST_LOAD_SECONDS = 240.0
#: One run after a click or a key press, a page change included.
RUN_SECONDS = 180.0
#: An element that a finished run has put on the page (charts and maps draw after the run).
ELEMENT_SECONDS = 120.0
MAP_IFRAME = "iframe[title='streamlit_folium.st_folium']"

_POLL_MS = 100  # a tenth of a second: quick enough, and light on two shared cores

_STATE = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const runs = [...document.querySelectorAll('.samsyn-run')].map(e => Number(e.dataset.run));
    return {
        script: app ? app.dataset.testScriptState : 'no stApp element',
        connection: app ? app.dataset.testConnectionState : '',
        run: runs.length ? Math.max(...runs) : 0,
        skeletons: document.querySelectorAll('[data-testid="stSkeleton"]').length,
        exceptions: [...document.querySelectorAll('[data-testid="stException"]')]
            .map(e => e.innerText.slice(0, 400)),
        // The app's own message for a failed page (with a reference to the traceback in the server log).
        errors: [...document.querySelectorAll('[data-testid="stAlertContentError"]')]
            .map(e => e.innerText.slice(0, 400)),
    };
}"""

# A run later than ``after`` is over: its marker is on the page, the app runs nothing any more, and no
# element is still a placeholder (Streamlit loads the code of most elements lazily and shows a skeleton
# meanwhile; a custom component such as the map shows one until its iframe reports that it is ready).
# ``text``, when given, must be in the page at the same moment (a confirmation that only the second
# of two chained runs shows, for example after a form's st.rerun()).
_FINISHED = """([after, text]) => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.dataset.testScriptState !== 'notRunning') return false;
    const runs = [...document.querySelectorAll('.samsyn-run')].map(e => Number(e.dataset.run));
    const run = runs.length ? Math.max(...runs) : 0;
    if (run <= after) return false;
    if (document.querySelector('[data-testid="stSkeleton"]')) return false;
    if (text !== null && !document.body.innerText.includes(text)) return false;
    return run;
}"""

_MARKER_PAST = """(after) => [...document.querySelectorAll('.samsyn-run')].some(e => Number(e.dataset.run) > after)"""


def describe(page: Page) -> str:
    """What the app shows right now, for a failure message: script state, last run, exceptions, URL."""
    try:
        state = page.evaluate(_STATE)
    except PlaywrightError as error:  # the page itself is gone or navigating
        return f"(the page could not be read: {error.message.splitlines()[0]})"
    text = (f"script state {state['script']!r}, connection {state['connection']!r}, "
            f"last run marker {state['run']}, {state['skeletons']} element(s) still loading, address {page.url}")
    if state["exceptions"]:
        text += "; the page shows an exception: " + " | ".join(state["exceptions"])
    if state["errors"]:
        text += "; the page shows an error: " + " | ".join(state["errors"])
    return text


def run_number(page: Page) -> int:
    """The number of the last run marker on the page (0 before the first run has finished)."""
    return int(page.evaluate(_STATE)["run"])


def _fail(page: Page, what: str, seconds: float, detail: str = "") -> AssertionError:
    return AssertionError(f"Waited {seconds:.0f} s for {what}{detail}, in vain: {describe(page)}")


def wait_for_run(page: Page, *, after: int, what: str, text: str | None = None,
                 timeout: float = RUN_SECONDS) -> int:
    """Wait until a run later than run ``after`` has finished drawing; return its number.

    Parameters
    ----------
    page
        The Playwright page with the dashboard.
    after
        The run marker read before the action that starts the run (0 for a fresh page).
    what
        What the run brings, in words, for the failure message ("the merge multiselect's options").
    text
        A text that must be on the page when the run is over (the confirmation of a save).
    timeout
        Seconds before the wait fails.

    Returns
    -------
    int
        The number of the finished run.

    Raises
    ------
    AssertionError
        When no such run finished in time; the message names ``what`` and the page's state.
    """
    detail = f" (run after {after}" + (f", with the text {text!r}" if text else "") + ")"
    try:
        handle = page.wait_for_function(_FINISHED, arg=[after, text], timeout=timeout * 1000, polling=_POLL_MS)
    except PlaywrightError as error:
        raise _fail(page, what, timeout, detail) from error
    return int(handle.json_value())


def wait_for_marker(page: Page, *, after: int, what: str, timeout: float = RUN_SECONDS,
                    polling: str | int = "raf") -> None:
    """Wait only until a run marker later than ``after`` reached the page, checked at every frame.

    The benchmark times a re-render with this: the marker is the last element of a run, so its
    arrival is when the user has the whole page. Tests use :func:`wait_for_run`, which also waits
    for Streamlit to report the run over.
    """
    try:
        page.wait_for_function(_MARKER_PAST, arg=after, timeout=timeout * 1000, polling=polling)
    except PlaywrightError as error:
        raise _fail(page, what, timeout, f" (run marker after {after})") from error


def wait_idle(page: Page, *, what: str, timeout: float = RUN_SECONDS) -> int:
    """Wait until the page has finished at least one run and runs nothing now; return the last run."""
    return wait_for_run(page, after=0, what=what, timeout=timeout)


@contextmanager
def next_run(page: Page, what: str, *, text: str | None = None, timeout: float = RUN_SECONDS) -> Iterator[None]:
    """``with next_run(page, "the pin form"): click()`` — wait for the run that the block starts.

    The run marker is read once the page is idle, before the block, so a run that was already under
    way cannot be mistaken for the one the action starts.
    """
    before = wait_idle(page, what=f"the page to finish its run before the action that brings {what}")
    yield
    wait_for_run(page, after=before, what=what, text=text, timeout=timeout)


def expect_visible(locator: Locator, what: str, *, timeout: float = ELEMENT_SECONDS) -> Locator:
    """Wait until ``locator`` is visible; fail naming ``what`` and the app's state. Returns the locator."""
    try:
        expect(locator, f"Waited {timeout:.0f} s for {what}").to_be_visible(timeout=timeout * 1000)
    except AssertionError as error:
        raise AssertionError(f"{error}\nThe app: {describe(locator.page)}") from None
    return locator


def open_app(page: Page, base_url: str, path: str = "", *, what: str = "the first page",
             timeout: float = FIRST_LOAD_SECONDS) -> int:
    """Open ``base_url/path`` (a page address and query string) in a new session; wait for its first run."""
    page.goto(f"{base_url}/{path}", wait_until="domcontentloaded", timeout=timeout * 1000)
    return wait_for_run(page, after=0, what=f"{what} ({path or '/'}) to finish its first run", timeout=timeout)


def go_to(page: Page, name: str, *, timeout: float = RUN_SECONDS) -> None:
    """Follow the menu link ``name`` and wait for that page's run and its heading."""
    what = f"the page {name!r} after a click on its menu link"
    with next_run(page, what, timeout=timeout):
        page.get_by_role("link", name=name).first.click()
    expect_visible(page.locator("h1").filter(has_text=name).first, f"the heading of {what}")


def choose_options(page: Page, widget: Locator, labels: list[str] | tuple[str, ...], *, what: str) -> None:
    """Choose ``labels`` in a Streamlit multiselect or selectbox by typing, as a person does.

    The dropdown (react-aria in Streamlit 1.67, BaseWeb in older ones) draws its options lazily, after the
    typed text has filtered them, in a listbox outside the widget; Enter pressed before that chooses
    nothing. So: type, wait until the option with the label is there, click it, wait until the widget
    shows it as chosen (a tag in a multiselect) — and, outside a form, for the run the choice starts.
    """
    in_form = widget.locator("xpath=ancestor::*[@data-testid='stForm']").count() > 0
    multiple = widget.get_attribute("data-testid") == "stMultiSelect"
    for label in labels:
        choice = f"the option {label!r} of {what}"
        box = widget.locator("input").first
        box.click()
        box.press_sequentially(label, delay=20)
        option = page.get_by_role("listbox").get_by_role("option").filter(has_text=label).first
        expect_visible(option, f"{choice} in its open dropdown after typing {label!r}")
        if in_form:
            option.click()
        else:
            with next_run(page, f"the run after choosing {choice}"):
                option.click()
        # A multiselect shows each choice as a tag; a selectbox shows the one choice in its box.
        shown = widget.locator("[data-tag], [data-baseweb='tag']").filter(has_text=label) if multiple else widget
        expect(shown.first if multiple else shown, f"Waited {ELEMENT_SECONDS:.0f} s for {what} to show {label!r} "
               "as chosen").to_contain_text(label, timeout=ELEMENT_SECONDS * 1000)
    page.keyboard.press("Escape")  # close the dropdown so that it covers nothing


def map_frame(page: Page, *, what: str = "the map", index: int = 0,
              timeout: float = ELEMENT_SECONDS) -> Frame:
    """The st_folium iframe's document once Leaflet has set up its map (``window.map`` with a zoom)."""
    iframe = page.locator(MAP_IFRAME).nth(index)
    expect(iframe, f"Waited {timeout:.0f} s for the iframe of {what}").to_be_attached(timeout=timeout * 1000)
    frame = iframe.element_handle(timeout=timeout * 1000).content_frame()
    assert frame is not None, f"the iframe of {what} has no document"
    try:
        frame.wait_for_function("() => window.map && window.map.getZoom() >= 0 && document.querySelector("
                                "'.leaflet-container')", timeout=timeout * 1000, polling=_POLL_MS)
    except PlaywrightError as error:
        raise _fail(page, f"Leaflet to set up {what} (window.map in its iframe)", timeout) from error
    return frame


def map_drawn(page: Page, *, what: str = "the map", timeout: float = ELEMENT_SECONDS) -> Frame:
    """:func:`map_frame`, once the map has drawn vector shapes (districts, places)."""
    frame = map_frame(page, what=what, timeout=timeout)
    expect(frame.locator("path.leaflet-interactive").first,
           f"Waited {timeout:.0f} s for the shapes of {what}").to_be_attached(timeout=timeout * 1000)
    return frame


def click_map(page: Page, lat: float, lon: float, *, what: str) -> None:
    """Click the map at a WGS84 position, computed by the map's own Leaflet projection."""
    frame = map_frame(page, what=f"the map before clicking {what}")
    x, y = frame.evaluate("([lat, lon]) => { const p = window.map.latLngToContainerPoint([lat, lon]);"
                          " return [p.x, p.y]; }", [lat, lon])
    # Playwright scrolls the iframe into view and clicks the point relative to the map's own box, so
    # the position is right whatever the page scrolled to.
    frame.locator(".leaflet-container").first.click(position={"x": x, "y": y}, timeout=ELEMENT_SECONDS * 1000)


def wait_for_assets(frame: Frame | Page, *, what: str, timeout: float = ELEMENT_SECONDS) -> None:
    """Wait until the fonts a document uses have loaded and its images are complete (late requests made)."""
    try:
        frame.wait_for_function("() => document.fonts.status === 'loaded' && [...document.images]"
                                ".every(image => image.complete)", timeout=timeout * 1000, polling=_POLL_MS)
    except PlaywrightError as error:
        raise AssertionError(f"Waited {timeout:.0f} s for the fonts and images of {what}, in vain") from error


def settled(page: Page, *, what: str, timeout: float = ELEMENT_SECONDS) -> None:
    """Wait until the page is idle, its fonts and images are done, and two frames have been painted.

    A broken image's ``onerror`` and a chart's first paint happen in the tasks after the image or
    the element arrived; two animation frames later they have run, however busy the machine is.
    """
    wait_idle(page, what=what, timeout=timeout)
    wait_for_assets(page, what=what, timeout=timeout)
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
