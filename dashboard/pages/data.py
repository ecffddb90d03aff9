"""Data: upload incidents, area layers and survey results through the importer; manage datasets.

An upload is checked once ("Kontrollera"): the checked result — the importer's canonical frame, its
report and the rejected rows — stays in this session's state, and "Spara" writes that result without
importing again. The raw upload is read from a private temporary file that is removed when the run
ends (dashboard/components/private_upload.py); rejected rows are offered as a download from memory
and never written to the data directory.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import streamlit as st

from core.disclosure import SHARING_NAMES
from core.errors import InputError, join_hint, worded
from dashboard.auth import session_viewer
from dashboard.components.errors import end_page
from dashboard.components.private_upload import dataset_name_from_file, private_copy, safe_upload_name
from dashboard.components.projector import show_dataframe
from dashboard.components.safe_text import clean_text, escape_markdown
from dashboard.components.tables import preview_columns, show_table
from dashboard.components.widget_texts import file_types_note
from dashboard.i18n import t
from dashboard.loaders import workspace
from geo.areas import read_areas_report, write_areas
from geo.crs import LOCAL_ZONES, RT90, SWEREF99_TM, WGS84, crs_name
from geo.dataset import write_incidents
from geo.importer import DateFormatNeeded, ImportOptions, import_incidents, stored_report_lines
from geo.model import SOURCES
from geo.readers import EXCEL_SUFFIXES, TEXT_SUFFIXES, VECTOR_SUFFIXES, ZIP_SUFFIXES, base_suffix, read_table
from geo.survey import read_survey_report, write_survey
from geo.template import template_bytes
from store.access import AccessDenied
from store.datasets import list_datasets
from store.import_report import read_import_reports, write_import_report

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
# Choice labels are looked up in dicts made on each run, not lambdas calling t(): a widget's
# format_func may be called outside the run (AppTest does), where the language is not known.
CRS_CHOICES = ("", SWEREF99_TM, *LOCAL_ZONES, RT90, WGS84)
ROLE_WORDS = {"incidents": "händelser", "districts": "områdeslager", "places": "platser", "streets": "gator",
              "background": "bakgrund", "survey": "trygghetsmätning"}
# What a user can do about an importer's error, in this page's controls (the keys of
# core.errors.COMMAND_LINE_WORDS; the CLI words the same keys with its flags). Swedish; t() translates.
PAGE_WORDS = {
    "skip_invalid": "Rätta filen, eller kryssa i Hoppa över felaktiga rader för att spara de giltiga raderna "
                    "(de felaktiga kan du ladda ner med orsak).",
    "crs": "Välj koordinatsystem i listan Koordinatsystem och tryck Kontrollera igen.",
    "crs_check": "Välj koordinatsystem i listan Koordinatsystem för att vara säker.",
    "crs_given": "under Koordinatsystem",
    "date_format": "Välj hur datumen ska läsas i listan Datumformat och tryck Kontrollera igen.",
    "category": "Välj kolumnen i listan Brottstyp / kategori.",
    "category_map": "Byt namnen i filen mot projektets kategorier (se mallen) eller välj rätt kolumn i listan "
                    "Brottstyp / kategori.",
    "time_columns": "Välj kolumnen i listan Datum och tid, Datum eller Brottstidpunkt från.",
    "date_column": "Välj också kolumnen i listan Datum och tid, Datum eller Brottstidpunkt från.",
    "coordinate_columns": "Välj kolumnerna i listorna X / östlig koordinat och Y / nordlig koordinat, eller "
                          "Latitud och Longitud.",
    "coordinate_pair": "Välj också kolumnen för {label} bland kolumnerna.",
    "source": "Välj Källa för hela filen, t.ex. polis.",
    "crs_verify": "Kontrollera valet i listan Koordinatsystem.",
    "sheet": "Skriv bladets namn eller nummer (från 1) i rutan Blad.",
    "layer": "Skriv vilket i rutan Lager.",
    "work_crs": "Sidan Data arbetar i Sveriges koordinatsystem; läs in en fil från ett annat område på "
                "kommandoraden: samsyn import --work-crs {zone}.",
    "xy_columns": "Välj dem i listorna X / östlig koordinat och Y / nordlig koordinat.",
    "delimiter": "Spara filen med {delimiter_name} som avgränsare på varje rad och ladda upp den igen.",
    "unit": "Välj Enhet för hela filen för att vara säker.",
    "direction": "Välj Riktning, t.ex. högre är bättre för andel trygga.",
}
UNITS = {"": "(ur filen eller gissad)", "share": "andel 0–1", "percent": "procent 0–100", "index": "index 0–6"}
DIRECTIONS = {"": "(ur filen, annars lägre är bättre)", "lower_better": "lägre är bättre",
              "higher_better": "högre är bättre"}
STAGE_WORDS = {"read": "Läser fil …", "coordinates": "Koordinater …", "dates": "Tolkar datum …",
               "anonymise": "Anonymiserar …", "write": "Skriver …"}
MAX_BAD_ROWS = 10
_template = st.cache_data(show_spinner=False)(template_bytes)  # the same bytes on every run
CHECKED = "_checked_upload"


def _words() -> dict[str, str]:
    return {key: t(text) for key, text in PAGE_WORDS.items()}


def _error_text(error: InputError) -> str:
    """An importer's error in the page's language and with its hint in the page's controls."""
    reason = t(error.reason)
    parts = getattr(error, "reason_parts", None)
    if parts is not None:  # invalid rows: the commonest problem, and how many rows have others
        first, others = parts
        reason = t(first) + "." + (" " + t("Dessutom har {n} andra rader andra fel.").format(n=others)
                                   if others else "")
    return join_hint(error.located(label=t, reason=reason), error.hint, error.hint_args, _words())


def _date_format_control(ambiguity: tuple | None) -> str | None:
    """The date-format choice: the two readings of an ambiguous column (examples as read) or free strftime text."""
    from core.formatting import long_date
    from dashboard.i18n import lang

    choices = {"": t("Läs av automatiskt")}
    if ambiguity is not None:
        column, mixed, examples, day_first, month_first = ambiguity
        # The page's own sentence from the importer's structured reason, so it reads in English too.
        what = (t("kolumnen blandar dag/månad/år och månad/dag/år; en kolumn läses med ett enda format") if mixed
                else t("datumen kan läsas både som dag/månad/år och som månad/dag/år, så Samsyn gissar inte"))
        st.error(escape_markdown(t("Kolumnen") + f" '{column}': {what} ({t('t.ex.')} {', '.join(examples)}). "
                                 + t(PAGE_WORDS["date_format"]), limit=None))
        for fmt, words in ((day_first, t("dag/månad/år")), (month_first, t("månad/dag/år"))):
            read = pd.to_datetime(pd.Series(examples), format=fmt, errors="coerce")
            shown = ", ".join(f"{ex} → {long_date(stamp.date(), lang=lang())}"
                              for ex, stamp in zip(examples, read, strict=True) if not pd.isna(stamp))
            choices[fmt] = f"{words}: {shown}"
    choice = st.selectbox(t("Datumformat"), list(choices), format_func=choices.get, key="map_date_format")
    own = st.text_input(t("Eget datumformat (strftime, t.ex. %d/%m/%Y %H:%M)"), key="map_date_format_text")
    return own.strip() or choice or None


def _preview(frame: pd.DataFrame) -> pd.DataFrame:
    """The first rows of what the importer keeps: its canonical columns only (drawn as text, never HTML)."""
    kept = pd.DataFrame(frame.drop(columns=[c for c in frame.columns if c == "geometry"])).head(8)
    return kept.rename(columns=lambda c: clean_text(c))


def _bad_rows(problems: pd.DataFrame, file_name: str) -> None:
    """The first bad rows with file, row (header = row 1), column and reason; then how many more."""
    rows = list(dict.fromkeys(problems["rad"].tolist()))
    first = problems[problems["rad"].isin(rows[:MAX_BAD_ROWS])]
    st.markdown(t("**Felaktiga rader**"))
    table = pd.DataFrame({t("Fil"): clean_text(file_name), t("Rad"): first["rad"].astype("int64"),
                          t("Kolumn"): first["kolumn"].map(clean_text), t("Vad är fel"): first["orsak"].map(t)})
    show_dataframe(table, hide_index=True, width="stretch", key="bad_rows")
    if len(rows) > MAX_BAD_ROWS:
        st.caption(t("och {n} rader till").format(n=len(rows) - MAX_BAD_ROWS))


def _rejected_download(rejected: pd.DataFrame, file_name: str) -> None:
    """All rejected rows with their reasons as a CSV built in memory (no personnummer: the importer removed it)."""
    content = rejected.to_csv(sep=";", index=False, lineterminator="\r\n").encode("utf-8-sig")
    st.download_button(t("Ladda ner alla avvisade rader med orsak (CSV)"), content,
                       file_name=f"{Path(safe_upload_name(file_name)).stem}-avvisade.csv", mime="text/csv",
                       key="download_rejected", on_click="ignore")  # the page (and its error) stays


def _check(kind: str, path: Path, mapping: dict, options: dict, file_name: str) -> dict:
    """Run the importer once, with its stages in ``st.status``; return what Spara writes."""
    with st.status(t("Kontrollerar filen …"), expanded=True) as status:
        def progress(stage: str) -> None:
            status.write(t(STAGE_WORDS[stage]))

        try:
            if kind == "incidents":
                result = import_incidents(path, ImportOptions(**mapping, **options), progress=progress)
                checked = {"frame": result.frame, "lines": result.report.lines(words=_words(), label=t),
                           "report": result.report.to_dict(), "rejected": result.rejected,
                           "problems": result.problems, "crs": result.frame.attrs.get("crs")}
            elif kind in ("districts", "places"):
                progress("read")
                frame, report = read_areas_report(path, **mapping, **options)
                stored = {"file": file_name, "rows_read": int(report.rows_read),
                          "columns_used": dict(report.columns_used), "columns_dropped": list(report.columns_dropped),
                          "crs_found": report.crs_found,
                          # The CLI's words for a chosen CRS ("med --crs") are not the page's.
                          "crs_how": "angivet av användaren" if options.get("crs") else str(report.crs_how)}
                checked = {"frame": frame, "report": stored, "rejected": None, "problems": None, "crs": None,
                           "lines": [*stored_report_lines(kind, stored, label=t),
                                     *(worded(w, _words()) for w in report.warnings)]}
            else:
                progress("read")
                frame, report = read_survey_report(path, **options)
                stored = {"file": file_name, "rows_read": int(report.rows_read),
                          "columns_used": dict(report.columns_used), "columns_dropped": list(report.columns_dropped)}
                checked = {"frame": frame, "report": stored, "rejected": None, "problems": None, "crs": None,
                           "lines": [*stored_report_lines(kind, stored, label=t),
                                     *(worded(w, _words()) for w in report.warnings)]}
        except DateFormatNeeded as error:
            status.update(label=t("Datumformatet behöver väljas"), state="error")
            # The page's own control, not the CLI flag: the choice appears above after the rerun.
            st.session_state["date_ambiguity"] = (error.column, error.mixed, error.examples, error.day_first,
                                                  error.month_first)
            st.rerun()
        except InputError as error:
            status.update(label=t("Filen kan inte läsas in"), state="error")
            st.error(escape_markdown(_error_text(error), limit=None))
            problems = getattr(error, "problems", None)
            if problems is not None and len(problems):
                _bad_rows(problems, file_name)
                _rejected_download(error.rejected, file_name)
            end_page()
        status.update(label=t("Kontrollen är klar"), state="complete", expanded=False)
    return checked


def _show(checked: dict, file_name: str) -> None:
    st.success(t("Filen går att läsa in."))
    if checked["problems"] is not None and len(checked["problems"]):
        _bad_rows(checked["problems"], file_name)
        _rejected_download(checked["rejected"], file_name)
    st.code(clean_text("\n".join(checked["lines"])), language=None)
    st.caption(t("Det här sparas (de första raderna, efter importen):"))
    preview = _preview(checked["frame"])
    show_table(preview, preview_columns(preview), key="preview")


def _save(kind: str, checked: dict, target: str, name: str, dataset_choices: list) -> None:
    """Write the checked result into a new or chosen dataset; the importer does not run again."""
    with st.status(t(STAGE_WORDS["write"]), expanded=False) as status:
        frame = checked["frame"]
        if target == "__new__":
            # The workspace's guarded methods: role and organisation checked on the server (store.access).
            try:
                dataset = workspace().create_dataset(name, viewer=session_viewer(), crs=checked["crs"])
            except (InputError, AccessDenied) as error:
                status.update(label=t("Sparades inte"), state="error")
                st.error(escape_markdown(str(error), limit=None))
                return
        else:
            dataset = next(d for d in dataset_choices if d.id == target)
        role = "incidents" if kind == "incidents" else kind
        writer, suffix = {
            "incidents": (lambda p: write_incidents(frame, p), ".parquet"),
            "districts": (lambda p: write_areas(frame, p), ".gpkg"),
            "places": (lambda p: write_areas(frame, p), ".gpkg"),
            "survey": (lambda p: write_survey(frame, p), ".csv"),
        }[kind]
        try:
            dataset = workspace().save_role(dataset, role, suffix, writer, viewer=session_viewer(),
                                            crs=checked["crs"])
        except (InputError, AccessDenied) as error:  # refused on the server: said where the eye is
            status.update(label=t("Sparades inte"), state="error")
            st.error(escape_markdown(str(error), limit=None))
            return
        write_import_report(dataset.directory, role, checked["report"])
        status.update(label=t("Sparat"), state="complete")
    st.session_state.pop(CHECKED, None)
    st.success(t("Sparat i datasetet") + f" **{escape_markdown(dataset.name)}**.")


def _reading_controls(path: Path) -> dict:
    """Sheet and header row for spreadsheets and text files (outside the form: the columns depend on them)."""
    suffix = base_suffix(path)
    reading: dict = {}
    if suffix in (*VECTOR_SUFFIXES, *ZIP_SUFFIXES):
        layer = st.text_input(t("Lager (tomt = det enda)"), key="read_layer").strip()
        if layer:
            reading["layer"] = layer
    if suffix not in (*TEXT_SUFFIXES, *EXCEL_SUFFIXES, *ZIP_SUFFIXES):
        return reading
    cols = st.columns(2)
    sheet = ""
    if suffix in (*EXCEL_SUFFIXES, *ZIP_SUFFIXES):
        sheet = cols[0].text_input(t("Blad (namn eller nummer, tomt = det första)"), key="read_sheet").strip()
    header = cols[1].number_input(t("Rubrikrad (0 = hitta själv)"), min_value=0, step=1, value=0,
                                  key="read_header_row")
    if sheet:
        reading["sheet"] = int(sheet) if sheet.isdigit() else sheet
    if header:
        reading["header_row"] = int(header)
    return reading


def _upload(uploaded, path: Path) -> None:
    """Check and save one upload read from its private temporary copy at ``path``."""
    reading = _reading_controls(path)
    try:
        table = read_table(path, **reading)
    except InputError as error:
        st.error(escape_markdown(_error_text(error), limit=None))
        end_page()
    # Only the column names are shown before the importer has run: the raw rows can hold case
    # numbers, names and free text that must not reach the projector.
    st.caption(t("Kolumner i filen (värdena visas först när importen har kontrollerat dem):") + " "
               + escape_markdown(", ".join(map(str, table.frame.columns)), limit=2000)
               + f" – {table.row_count} " + t("rader"))
    columns = [AUTO, *map(str, table.frame.columns)]

    options: dict = {}
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
            crs = extra[0].selectbox(t("Koordinatsystem"), CRS_CHOICES, key="map_crs",
                                     format_func={c: crs_name(c) if c else t("(gissa ur värdena)")
                                                  for c in CRS_CHOICES}.get)
            # A system not in the list (another country's, an old local one) by its EPSG code.
            crs = extra[0].text_input(t("Annat koordinatsystem (EPSG-kod)"), key="map_crs_other",
                                      placeholder="EPSG:3067").strip() or crs
            source_value = extra[1].selectbox(t("Källa för hela filen"), ["", *SOURCES], key="map_source_value",
                                              format_func={"": t("(ur filen)"), **{s: s for s in SOURCES}}.get)
            skip = extra[2].checkbox(t("Hoppa över felaktiga rader"), key="map_skip",
                                     help=t("De giltiga raderna sparas; de felaktiga kan laddas ner med orsak."))
            options = {**reading, "crs": crs or None, "source_value": source_value or None, "skip_invalid": skip,
                       "date_format": _date_format_control(st.session_state.get("date_ambiguity"))}
        elif kind in ("districts", "places"):
            grid = st.columns(4)
            for field, label in (("id_column", "Id-kolumn"), ("name_column", "Namnkolumn"),
                                 ("population_column", "Befolkning")):
                choice = grid[["id_column", "name_column", "population_column"].index(field)].selectbox(
                    t(label), columns, key=f"map_{field}")
                if choice != AUTO:
                    mapping[field] = choice
            area_crs = grid[3].selectbox(t("Koordinatsystem"), CRS_CHOICES, key="map_area_crs",
                                         format_func={c: crs_name(c) if c else t("(gissa ur värdena)")
                                                      for c in CRS_CHOICES}.get)
            options = {**({"layer": reading["layer"]} if "layer" in reading else {}),
                       **({"crs": area_crs} if area_crs else {})}
        elif kind == "survey":
            grid = st.columns(2)
            unit = grid[0].selectbox(t("Enhet för hela filen"), list(UNITS), key="map_unit",
                                     format_func={k: t(v) for k, v in UNITS.items()}.get)
            direction = grid[1].selectbox(t("Riktning"), list(DIRECTIONS), key="map_direction",
                                          format_func={k: t(v) for k, v in DIRECTIONS.items()}.get)
            options = {**({"sheet": reading["sheet"]} if "sheet" in reading else {}),
                       **({"unit": unit} if unit else {}), **({"direction": direction} if direction else {})}
        # Only datasets this person may add files to (store.access: the owner's analysts, the administrator).
        dataset_choices = [d for d in workspace().visible_datasets(session_viewer())
                           if workspace().may(session_viewer(), "add_file", d)]
        target = st.selectbox(t("Spara i dataset"), ["__new__", *[d.id for d in dataset_choices]],
                              format_func={"__new__": t("Nytt dataset"),
                                           **{d.id: d.name for d in dataset_choices}}.get, key="upload_target")
        new_name = st.text_input(t("Namn på nytt dataset"), value=dataset_name_from_file(uploaded.name),
                                 key="upload_name")
        checked_now = st.form_submit_button(t("Kontrollera"))
        saved = st.form_submit_button(t("Spara"), type="primary")

    # The checked result belongs to these bytes read with these choices; any change checks again.
    signature = (hashlib.sha256(uploaded.getvalue()).hexdigest(), kind, repr(sorted(mapping.items())),
                 repr(sorted(options.items())))
    kept = st.session_state.get(CHECKED)
    if kept is not None and kept["signature"] != signature:
        st.session_state.pop(CHECKED, None)
        kept = None
    if checked_now or (saved and kept is None):
        kept = {"signature": signature, **_check(kind, path, mapping, options, uploaded.name)}
        st.session_state[CHECKED] = kept
    if kept is None:
        return
    _show(kept, uploaded.name)
    if saved:
        _save(kind, kept, target, new_name.strip() or dataset_name_from_file(uploaded.name), dataset_choices)
    elif st.button(t("Avbryt"), key="cancel_checked"):
        st.session_state.pop(CHECKED, None)
        st.rerun()


data_dir = workspace().data_dir
st.title(t("Data"))

# --- Upload -------------------------------------------------------------------------------
st.subheader(t("Läs in en fil"))
with st.expander(t("Mallar: kolumnerna Samsyn läser utan val")):
    st.caption(t("En rad med exempel. Fyll i dina händelser i samma kolumner; då känner Samsyn igen allt."))
    template_cols = st.columns(2)
    template_cols[0].download_button(t("Mall som CSV"), _template(".csv"), file_name="samsyn-mall.csv",
                                     mime="text/csv", key="template_csv", on_click="ignore")
    template_cols[1].download_button(
        t("Mall som Excel (xlsx)"), _template(".xlsx"), file_name="samsyn-mall.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="template_xlsx",
        on_click="ignore")
kind = st.radio(t("Vad innehåller filen?"), list(KINDS), format_func={k: t(v) for k, v in KINDS.items()}.get,
                key="upload_kind",
                horizontal=True)
UPLOAD_TYPES = ["csv", "tsv", "txt", "gz", "xlsx", "xlsm", "xls", "xlsb", "ods", "zip", "geojson", "json", "gpkg",
                "parquet"]
uploaded = st.file_uploader(t("Fil"), type=UPLOAD_TYPES, key="upload_file",
                            help=t("Filtyper: {types}").format(types=file_types_note(UPLOAD_TYPES)))
if uploaded is None:
    # A removed upload takes its checked result and its date question with it.
    st.session_state.pop(CHECKED, None)
    st.session_state.pop("date_ambiguity", None)
else:
    # The upload stays in Streamlit's memory; the readers get a private temporary copy that is
    # removed when this run of the page ends, saved, refused or stopped (nothing under data_dir).
    with private_copy(uploaded.name, uploaded.getvalue()) as upload_path:
        _upload(uploaded, upload_path)

# --- Datasets on disk ------------------------------------------------------------------------
st.subheader(t("Dataset"))
datasets = workspace().visible_datasets(session_viewer())
active = st.session_state["active"].dataset
default_id = workspace().default_dataset().id
# The user's names and what each holds, never the files' internal names.
rows = pd.DataFrame([
    {t("Namn"): d.name, t("Innehåll"): ", ".join(t(ROLE_WORDS.get(r, r)) for r in sorted(d.files)),
     t("Skapad"): d.created[:16].replace("T", " ") if d.created else "–",
     t("Ägare"): d.owner or "–", t("Delning"): t(SHARING_NAMES["sv"][d.sharing]),
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
    workspace().archive_dataset(dataset_id, viewer=session_viewer())
    if was_active:  # back to the workspace default on the next run
        st.session_state["_dataset"] = workspace().default_dataset().id
        st.query_params["dataset"] = st.session_state["_dataset"]


chosen_dataset = next(d for d in datasets if d.id == chosen)
reports = {} if chosen_dataset.builtin else read_import_reports(chosen_dataset.directory)
if reports:
    with st.expander(t("Importrapport")):
        for role, report in reports.items():
            st.markdown(f"**{escape_markdown(t(ROLE_WORDS.get(role, role)).capitalize())}**")
            st.code(clean_text("\n".join(stored_report_lines(role, report, label=t))), language=None)
cols = st.columns(2)
if cols[0].button(t("Använd som aktivt dataset"), key="activate"):
    _activate(chosen)
st.caption(t("Valet gäller den här sessionen och adressen (dela länken för att visa samma data). "
             "Standard för nya sessioner och kommandoraden väljs med `samsyn dataset use`."))
if workspace().may(session_viewer(), "archive", chosen_dataset):
    with cols[1].popover(t("Ta bort dataset")):
        # Said before the confirmation: removing deletes the incidents; the problem picture stays.
        st.warning(t("Datasetets filer raderas: händelserna och lagren går inte att få tillbaka. Problembildens "
                     "platser, åtgärder, mål och ändringslogg finns kvar, men räknas inte längre på datasetet."))
        confirmed = st.checkbox(t("Ja, ta bort") + f" {escape_markdown(chosen_dataset.name)}", key="confirm_archive")
        st.button(t("Ta bort"), key="archive", disabled=not confirmed, on_click=_archive,
                  args=(chosen, chosen == active.id))
