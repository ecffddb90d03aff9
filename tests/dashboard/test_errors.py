"""Users never see a traceback: a failing page shows a message with a reference, the log has the rest."""

from __future__ import annotations

import logging
import re

import pytest
from streamlit.testing.v1 import AppTest

from cli.serve_cmd import config_flags, streamlit_argv
from tests.conftest import REPO

APP = str(REPO / "dashboard" / "app.py")
REFERENCE = re.compile(r"referensen ([A-Z2-9]{4}-[A-Z2-9]{4})")


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SAMSYN_DATA", str(tmp_path / "userdata"))
    monkeypatch.delenv("SAMSYN_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)


def _time_page(monkeypatch, failure: BaseException, **query: str) -> AppTest:
    """Open Tid with ``analysis.aoristic.weekday_hour`` (the page's first analysis call) failing."""
    import analysis.aoristic

    def broken(*args, **kwargs):
        raise failure

    monkeypatch.setattr(analysis.aoristic, "weekday_hour", broken)
    at = AppTest.from_file(APP, default_timeout=180)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/time.py").run()
    return at


def _everything_shown(at: AppTest) -> str:
    kinds = ("markdown", "caption", "info", "warning", "error", "success", "exception", "code", "text")
    return "\n".join(str(getattr(e, "value", getattr(e, "message", ""))) for kind in kinds for e in at.get(kind))


def test_unexpected_failure_shows_a_reference_and_logs_the_traceback(monkeypatch, caplog):
    caplog.set_level(logging.ERROR, logger="samsyn.dashboard")
    at = _time_page(monkeypatch, KeyError("district_code_internal"))
    assert not at.exception, [e.message for e in at.exception]
    [error] = at.error
    assert error.value.startswith("Något gick fel när sidan skulle visas.")
    reference = REFERENCE.search(error.value).group(1)
    shown = _everything_shown(at)
    assert "Traceback" not in shown and "district_code_internal" not in shown and "KeyError" not in shown
    # The run marker at the end of app.py is still written (browser tests wait for it).
    assert any('class="samsyn-run"' in h.proto.body for h in at.get("html"))
    # The server log has the same reference and the whole traceback.
    [record] = [r for r in caplog.records if reference in r.getMessage()]
    assert record.levelno == logging.ERROR and "tid" in record.getMessage()
    assert record.exc_info[0] is KeyError
    assert "district_code_internal" in caplog.text and "Traceback" in caplog.text


def test_unexpected_failure_in_english(monkeypatch):
    at = _time_page(monkeypatch, RuntimeError("boom"), lang="en")
    assert not at.exception
    [error] = at.error
    assert error.value.startswith("Something went wrong while showing the page.")
    assert re.search(r"reference [A-Z2-9]{4}-[A-Z2-9]{4}", error.value)
    assert "boom" not in _everything_shown(at)


def test_input_error_keeps_its_own_swedish_text(monkeypatch, caplog):
    from core.errors import InputError

    caplog.set_level(logging.ERROR, logger="samsyn.dashboard")
    at = _time_page(monkeypatch, InputError("tidskolumnen saknas.", path="brott.csv", column="tid"))
    assert not at.exception
    assert [e.value for e in at.error] == ["Fil brott.csv, kolumn 'tid': tidskolumnen saknas."]
    assert not caplog.records  # a user's own mistake is not a server error


def test_value_error_raised_by_samsyn_is_shown_as_is(monkeypatch):
    # The replacement lives in the repository (tests/), so it counts as Samsyn's own code.
    at = _time_page(monkeypatch, ValueError("Perioden måste sluta efter att den börjar."))
    assert [e.value for e in at.error] == ["Perioden måste sluta efter att den börjar."]


def test_value_error_from_a_library_is_not_shown(monkeypatch):
    import analysis.aoristic

    def broken(*args, **kwargs):
        import json

        json.loads("{")  # a ValueError raised inside the standard library, English and technical

    monkeypatch.setattr(analysis.aoristic, "weekday_hour", broken)
    at = AppTest.from_file(APP, default_timeout=180).run()
    at.switch_page("pages/time.py").run()
    [error] = at.error
    assert error.value.startswith("Något gick fel") and "Expecting property name" not in error.value


def test_error_details_are_hidden_in_every_way_streamlit_is_started():
    assert config_flags()["client.showErrorDetails"] == "none"  # .streamlit/config.toml (a link)
    assert config_flags(REPO / ".streamlit" / "config.toml")["client.showErrorDetails"] == "none"
    assert "--client.showErrorDetails=none" in streamlit_argv("127.0.0.1", 8501)


# --- failures before the page runs ---------------------------------------------------------------

SAMPLE_NAME = "Exempelstad (fiktiv ort, exempeldata)"


def _broken_dataset(tmp_path, name: str) -> str:
    """A user dataset whose incidents.parquet is garbage bytes (a disk fault, a half-copied file)."""
    from store.datasets import create_dataset, save_role

    dataset = create_dataset(tmp_path / "userdata", name)
    dataset = save_role(dataset, "incidents", ".parquet", lambda p: p.write_bytes(b"\x00garbage, not parquet\xff" * 40))
    return dataset.id


def test_unreadable_dataset_is_named_and_the_data_page_stays_reachable(tmp_path, caplog):
    caplog.set_level(logging.ERROR, logger="samsyn.dashboard")
    broken = _broken_dataset(tmp_path, "Polisens export mars")
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["dataset"] = broken
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    [error] = at.error
    reference = REFERENCE.search(error.value).group(1)
    assert error.value == (
        "Datasetet Polisens export mars kunde inte läsas: en av dess filer är skadad eller har fel format. "
        "Välj ett annat dataset på sidan Data eller ladda upp filen igen. "
        f"Så länge visas {SAMPLE_NAME}. Om det händer igen: kontakta den som driver Samsyn och uppge "
        f"referensen {reference}.")
    shown = _everything_shown(at)
    assert "Traceback" not in shown and "magic bytes" not in shown and "InputError" not in shown
    # The sample is shown meanwhile, and the address says so (a reload does not read the bad file again).
    assert f"Aktivt dataset: **{SAMPLE_NAME}**" in [c.value for c in at.sidebar.caption]
    assert at.query_params["dataset"] == "exempelstad"
    assert any('class="samsyn-run"' in h.proto.body for h in at.get("html"))
    # The server log has the reference, the dataset and the reader's own complaint.
    [record] = [r for r in caplog.records if reference in r.getMessage()]
    assert f"dataset {broken}" in record.getMessage() and record.exc_info is not None
    assert "Parquet magic bytes not found" in caplog.text and "Traceback" in caplog.text

    # The Data page opens and lists the broken dataset, to replace its file or remove it. (AppTest runs
    # a switched-to page on its own; the notice app.py shows on every run stays in the session.)
    at.switch_page("pages/data.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert [t.value for t in at.title] == ["Data"]
    assert "Polisens export mars" in at.selectbox(key="dataset_choice").options
    assert at.session_state["_dataset_notice"][1]["ref"] == reference
    # Choosing the sample on the Data page clears the notice.
    at.selectbox(key="dataset_choice").set_value("exempelstad").run()
    at.button(key="activate").click().run()
    assert not at.exception
    assert "_dataset_notice" not in at.session_state


def test_unreadable_dataset_in_english(tmp_path):
    broken = _broken_dataset(tmp_path, "Kommunens rapporter")
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["dataset"] = broken
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    [error] = at.error
    assert error.value.startswith(
        "The dataset Kommunens rapporter could not be read: one of its files is damaged or in the wrong format. "
        "Choose another dataset on the Data page or upload the file again. "
        f"Meanwhile {SAMPLE_NAME} is shown.")
    assert re.search(r"give the reference [A-Z2-9]{4}-[A-Z2-9]{4}\.$", error.value)


def test_failure_in_the_sidebar_filters_shows_a_reference(monkeypatch, caplog):
    import dashboard.filters

    def broken(*args, **kwargs):
        raise RuntimeError("filter state exploded")

    caplog.set_level(logging.ERROR, logger="samsyn.dashboard")
    monkeypatch.setattr(dashboard.filters, "sidebar_filters", broken)
    at = AppTest.from_file(APP, default_timeout=180).run()
    assert not at.exception, [e.message for e in at.exception]
    [error] = at.error
    assert error.value.startswith("Något gick fel när sidan skulle visas.")
    reference = REFERENCE.search(error.value).group(1)
    assert "filter state exploded" not in _everything_shown(at)
    assert any('class="samsyn-run"' in h.proto.body for h in at.get("html"))
    [record] = [r for r in caplog.records if reference in r.getMessage()]
    assert "page app" in record.getMessage() and record.exc_info[0] is RuntimeError


def test_a_database_that_does_not_answer_is_said_without_its_address(caplog):
    from dashboard.components.errors import user_message
    from store.backends import StoreUnavailableError

    error = StoreUnavailableError("Kunde inte ansluta till databasen postgresql:///samsyn?host=/tmp/pg-x&port=5432: "
                                  "connection refused", technical=True)
    shown = user_message(error)
    assert shown.startswith("Databasen svarar inte just nu, så problembilden kan inte läsas.")
    assert "postgresql" not in shown and "/tmp" not in shown
    reference = shown.rsplit("Referens: ", 1)[1].rstrip(".")
    assert reference in caplog.text and "/tmp/pg-x" in caplog.text  # the operator finds the details in the log
    # A save's own answer is for people already, and is shown as it is.
    assert user_message(StoreUnavailableError("Sparades inte – databasen svarade inte. Försök igen.")) == \
        "Sparades inte – databasen svarade inte. Försök igen."
