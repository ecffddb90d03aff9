"""Data: upload incidents, area layers and survey results through the importer; manage datasets."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from core.errors import InputError
from dashboard.components.errors import end_page
from dashboard.components.private_upload import private_copy, safe_upload_name
from dashboard.components.safe_text import clean_text, escape_markdown
from dashboard.i18n import t
from dashboard.loaders import workspace
from geo.areas import read_areas_report, write_areas
from geo.dataset import write_incidents
from geo.importer import DateFormatNeeded, ImportOptions, import_incidents
from geo.model import SOURCES
from geo.readers import read_table
from geo.survey import read_survey_report, write_survey
from store.datasets import archive_dataset, create_dataset, list_datasets, save_role

KINDS = {
    "incidents": "Händelser (brott, ordningsstörningar, kommunens rapporter)",
    "districts": "Områdeslager (stadsdelar, DeSO, RegSO …)",
    "places": "Namngivna platser (mikroplatser)",
    "survey": "Trygghetsmätning",
}
AUTO = "(gissa automatiskt)"
INCIDENT_FIELDS = {
    "x": "X / östlig koordinat", "y": "Y / nordlig koordinat", "lat": "Latitud", "lon": "Longitud",
    "datetime": "Datum och tid", "date": "Datum", "time": "Klockslag", "hour": "Timme",
    "window_from": "Brottstidpunkt från", "window_to": "Brottstidpunkt till",
    "category": "Brottstyp / kategori", "id": "Id / ärendenummer", "source": "Källa",
    "place_type": "Platstyp (ute/inne)",
}



def _date_format_control(ambiguity: tuple | None) -> str | None:
    """The date-format choice: the two readings of an ambiguous column (examples as read) or free strftime text."""
    from core.formatting import long_date
    from dashboard.i18n import lang

    choices = {"": t("Läs av automatiskt")}
    if ambiguity is not None:
        column, what, examples, day_first, month_first = ambiguity
        st.error(escape_markdown(t("Kolumnen") + f" '{column}': {what}. " + t(
            "Välj hur datumen ska läsas i rutan 'Datumformat' och tryck Kontrollera igen."), limit=None))
        for fmt, words in ((day_first, t("dag/månad/år")), (month_first, t("månad/dag/år"))):
            read = pd.to_datetime(pd.Series(examples), format=fmt, errors="coerce")
            shown = ", ".join(f"{ex} → {long_date(stamp.date(), lang=lang())}"
                              for ex, stamp in zip(examples, read, strict=True) if not pd.isna(stamp))
            choices[fmt] = f"{words}: {shown}"
    choice = st.selectbox(t("Datumformat"), list(choices), format_func=choices.get, key="map_date_format")
    own = st.text_input(t("Eget datumformat (strftime, t.ex. %d/%m/%Y %H:%M)"), key="map_date_format_text")
    return own.strip() or choice or None


data_dir = workspace().data_dir
st.title(t("Data"))

# --- Upload -------------------------------------------------------------------------------
st.subheader(t("Läs in en fil"))
kind = st.radio(t("Vad innehåller filen?"), list(KINDS), format_func=lambda k: t(KINDS[k]), key="upload_kind",
                horizontal=True)
uploaded = st.file_uploader(t("Fil"), type=["csv", "txt", "gz", "xlsx", "geojson", "json", "gpkg", "parquet"],
                            key="upload_file")
def _preview(frame: pd.DataFrame) -> pd.DataFrame:
    """The first rows of what the importer keeps (the grid draws every value as text, never as HTML)."""
    kept = pd.DataFrame(frame.drop(columns=[c for c in frame.columns if c == "geometry"])).head(8)
    return kept.rename(columns=lambda c: clean_text(c))


def _upload(uploaded, path: Path) -> None:
    """Check and save one upload read from its private temporary copy at ``path``."""
    try:
        table = read_table(path)
    except InputError as error:
        st.error(escape_markdown(str(error), limit=None))
        end_page()
    # Only the column names are shown before the importer has run: the raw rows can hold case
    # numbers, names and free text that must not reach the projector.
    st.caption(t("Kolumner i filen (värdena visas först när importen har kontrollerat dem):") + " "
               + escape_markdown(", ".join(map(str, table.frame.columns)), limit=2000)
               + f" – {table.row_count} " + t("rader"))
    columns = [AUTO, *map(str, table.frame.columns)]

    result = None
    with st.form("mapping"):
        mapping: dict[str, str] = {}
        if kind == "incidents":
            st.markdown(t("**Kolumner** – lämna \"gissa automatiskt\" där Samsyn känner igen namnet."))
            grid = st.columns(4)
            for position, (field, label) in enumerate(INCIDENT_FIELDS.items()):
                choice = grid[position % 4].selectbox(t(label), columns, key=f"map_{field}")
                if choice != AUTO:
                    mapping[field] = choice
            extra = st.columns(3)
            crs = extra[0].text_input(t("Koordinatsystem (tomt = gissa)"), placeholder="EPSG:3006", key="map_crs")
            source_value = extra[1].selectbox(t("Källa för hela filen"), ["", *SOURCES], key="map_source_value",
                                              format_func=lambda s: s or t("(ur filen)"))
            skip = extra[2].checkbox(t("Hoppa över ogiltiga rader (sparas separat med orsak)"), key="map_skip")
            date_format = _date_format_control(st.session_state.get("date_ambiguity"))
        elif kind in ("districts", "places"):
            grid = st.columns(3)
            for field, label in (("id_column", "Id-kolumn"), ("name_column", "Namnkolumn"),
                                 ("population_column", "Befolkning")):
                choice = grid[["id_column", "name_column", "population_column"].index(field)].selectbox(
                    t(label), columns, key=f"map_{field}")
                if choice != AUTO:
                    mapping[field] = choice
        dataset_choices = [d for d in list_datasets(data_dir) if not d.builtin]
        target = st.selectbox(t("Spara i dataset"), ["__new__", *[d.id for d in dataset_choices]],
                              format_func=lambda i: t("Nytt dataset") if i == "__new__" else next(
                                  d.name for d in dataset_choices if d.id == i), key="upload_target")
        new_name = st.text_input(t("Namn på nytt dataset"), value=Path(safe_upload_name(uploaded.name)).stem,
                                 key="upload_name")
        checked = st.form_submit_button(t("Kontrollera"))
        saved = st.form_submit_button(t("Spara"), type="primary")

    if checked or saved:
        try:
            if kind == "incidents":
                options = ImportOptions(**mapping, crs=crs or None, source_value=source_value or None,
                                        skip_invalid=skip, date_format=date_format)
                result = import_incidents(path, options)
                report_lines = result.report.lines()
                kept = result.frame
                writer, suffix = (lambda p: write_incidents(result.frame, p)), ".parquet"
            elif kind in ("districts", "places"):
                frame, report = read_areas_report(path, **mapping)
                report_lines = [f"Områden: {len(frame)}", f"Kolumner som används: {report.columns_used}",
                                f"Kolumner som tas bort: {', '.join(report.columns_dropped) or 'inga'}",
                                *report.warnings]
                kept = frame
                writer, suffix = (lambda p: write_areas(frame, p)), ".gpkg"
            else:
                frame, report = read_survey_report(path)
                report_lines = [f"Resultat: {len(frame)}",
                                f"Kolumner som tas bort: {', '.join(report.columns_dropped) or 'inga'}",
                                *report.warnings]
                kept = frame
                writer, suffix = (lambda p: write_survey(frame, p)), ".csv"
        except DateFormatNeeded as error:
            # The page's own control, not the CLI flag: the choice appears above after the rerun.
            st.session_state["date_ambiguity"] = (error.column, error.what, error.examples, error.day_first,
                                                  error.month_first)
            st.rerun()
        except InputError as error:
            st.error(escape_markdown(str(error), limit=None))
            end_page()
        st.success(t("Filen går att läsa in."))
        st.code(clean_text("\n".join(report_lines)), language=None)
        st.caption(t("Det här sparas (de första raderna, efter importen):"))
        st.dataframe(_preview(kept), hide_index=True, width="stretch")
        if saved:
            dataset = create_dataset(data_dir, new_name or "Dataset") if target == "__new__" else next(
                d for d in dataset_choices if d.id == target)
            role = "incidents" if kind == "incidents" else kind
            dataset = save_role(dataset, role, suffix, writer)
            if kind == "incidents" and result is not None and result.rejected is not None and len(result.rejected):
                result.rejected.to_csv(dataset.directory / "incidents.rejected.csv", index=False,
                                       encoding="utf-8-sig")
            st.success(t("Sparat i datasetet") + f" **{escape_markdown(dataset.name)}**.")


if uploaded is not None:
    # The upload stays in Streamlit's memory; the readers get a private temporary copy that is
    # removed when this run of the page ends, saved, refused or stopped (nothing under data_dir).
    with private_copy(uploaded.name, uploaded.getvalue()) as upload_path:
        _upload(uploaded, upload_path)

# --- Datasets on disk ------------------------------------------------------------------------
st.subheader(t("Dataset"))
datasets = list_datasets(data_dir)
active = st.session_state["active"].dataset
default_id = workspace().default_dataset().id
rows = pd.DataFrame([
    {t("Namn"): d.name, "id": d.id, t("Filer"): ", ".join(sorted(d.files)), t("Skapad"): d.created or "–",
     t("Aktivt"): "✔" if d.id == active.id else "", t("Standard"): "✔" if d.id == default_id else ""}
    for d in datasets
])
st.table(rows.set_index(t("Namn")))
ids = [d.id for d in datasets]
names = {d.id: d.name for d in datasets}
chosen = st.selectbox(t("Välj dataset"), ids, index=ids.index(active.id) if active.id in ids else 0,
                      format_func=names.get, key="dataset_choice")


def _activate(dataset_id: str) -> None:
    # The choice is this session's and its address's only; other users keep theirs. The rerun lets
    # app.py load it, so the whole page (sidebar included) shows the new dataset.
    dataset = next(d for d in list_datasets(data_dir) if d.id == dataset_id)
    if "incidents" not in dataset.files:
        st.error(t("Datasetet har inga händelser ännu – läs in en händelsefil först."))
        return
    st.session_state["_dataset"] = dataset_id
    st.query_params["dataset"] = dataset_id
    st.session_state.pop("_dataset_notice", None)
    st.rerun()


def _archive(dataset_id: str, was_active: bool) -> None:
    archive_dataset(data_dir, dataset_id)
    if was_active:  # back to the workspace default on the next run
        st.session_state["_dataset"] = workspace().default_dataset().id
        st.query_params["dataset"] = st.session_state["_dataset"]


cols = st.columns(2)
if cols[0].button(t("Använd som aktivt dataset"), key="activate"):
    _activate(chosen)
st.caption(t("Valet gäller den här sessionen och adressen (dela länken för att visa samma data). "
             "Standard för nya sessioner och kommandoraden väljs med `samsyn dataset use`."))
chosen_dataset = next(d for d in datasets if d.id == chosen)
if not chosen_dataset.builtin:
    with cols[1].popover(t("Ta bort dataset")):
        # Said before the confirmation: removing deletes the incidents; the problem picture stays.
        st.warning(t("Datasetets filer raderas: händelserna och lagren går inte att få tillbaka. Problembildens "
                     "platser, åtgärder, mål och ändringslogg finns kvar, men räknas inte längre på datasetet."))
        confirmed = st.checkbox(t("Ja, ta bort") + f" {escape_markdown(chosen_dataset.name)}", key="confirm_archive")
        st.button(t("Ta bort"), key="archive", disabled=not confirmed, on_click=_archive,
                  args=(chosen, chosen == active.id))
