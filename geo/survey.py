"""Safety-survey results (trygghetsmätning): read, recognise columns, validate.

Values are shares 0–1 (percentages 0–100 are converted, with a warning) or
indices 0–6 as in Polisens trygghetsmätning (0 = närmast obefintligt
problem, 6 = alarmerande).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from core.errors import Hinted, InputError
from geo.columns import find_column, normalise_name, parse_integers, resolve_column, to_number
from geo.model import SURVEY_COLUMNS
from geo.readers import read_table

CANDIDATES: dict[str, tuple[str, ...]] = {
    "area_id": ("area_id", "omrade_id", "omradeskod", "omrade", "area", "deso", "regso", "kod", "id", "lpo",
                "lokalpolisomrade", "stadsdel", "delomrade", "kommun", "kommunkod"),
    "year": ("year", "ar", "artal", "matar", "undersokningsar"),
    "indicator": ("indicator", "indikator", "fraga", "fragekod", "question", "variabel", "matt", "nyckeltal"),
    "label": ("label", "etikett", "beskrivning", "fragetext", "benamning", "text"),
    "value": ("value", "varde", "andel", "index", "resultat", "procent", "andel_procent", "share"),
    "unit": ("unit", "enhet"),
    "direction": ("direction", "riktning"),
    "n": ("n", "antal_svar", "antal_svarande", "svarande", "antal", "respondents", "antal_respondenter"),
    "ci_low": ("ci_low", "ci_lower", "ki_lag", "konfidensintervall_lag", "undre", "lower", "lag"),
    "ci_high": ("ci_high", "ci_upper", "ki_hog", "konfidensintervall_hog", "ovre", "upper", "hog"),
    "source": ("source", "kalla"),
}
ROLE_NAMES = {
    "area_id": "område", "year": "år", "indicator": "indikator", "label": "etikett", "value": "värde",
    "unit": "enhet", "direction": "riktning", "n": "antal svar (n)", "ci_low": "konfidensintervall, undre",
    "ci_high": "konfidensintervall, övre", "source": "källa",
}
REQUIRED = ("area_id", "year", "value")
UNIT_WORDS = {
    "share": "share", "andel": "share", "proportion": "share", "kvot": "share",
    "procent": "percent", "percent": "percent", "pct": "percent", "": "",
    "index": "index", "indexvarde": "index",
}
DIRECTION_WORDS = {
    "lower_better": "lower_better", "lagre_ar_battre": "lower_better", "lagre": "lower_better",
    "lower": "lower_better", "lag": "lower_better",
    "higher_better": "higher_better", "hogre_ar_battre": "higher_better", "hogre": "higher_better",
    "higher": "higher_better", "hog": "higher_better",
}


@dataclass
class SurveyReport:
    """What reading a survey file found and did."""

    path: str
    rows_read: int = 0
    columns_used: dict[str, str] = field(default_factory=dict)
    columns_dropped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read_survey_report(
    path: str | Path,
    *,
    columns: dict[str, str] | None = None,
    sheet: str | None = None,
    unit: str | None = None,
    direction: str | None = None,
    source_value: str | None = None,
) -> tuple[pd.DataFrame, SurveyReport]:
    """Read and validate survey results; return the frame (``SURVEY_COLUMNS``) and a report.

    Parameters
    ----------
    path:
        CSV, Excel or Parquet file, one row per area, year and indicator.
    columns:
        Explicit column for a role, e.g. ``{"area_id": "DeSO", "value": "Andel"}``.
    unit, direction, source_value:
        Constants for the whole file when it has no such column.
    """
    path = Path(path)
    table = read_table(path, sheet=sheet)
    frame = table.frame
    names = [str(c) for c in frame.columns]
    report = SurveyReport(path=str(path), rows_read=table.row_count)
    chosen: dict[str, str] = {}
    for role, column in (columns or {}).items():
        if column is None:
            continue
        found = resolve_column(names, column)
        if found is None:
            raise InputError(f"Kolumnen för {ROLE_NAMES.get(role, role)} finns inte. Kolumnerna är: "
                             f"{', '.join(names)}.", path=path, column=column)
        chosen[role] = found
    for role, candidates in CANDIDATES.items():
        if role not in chosen:
            found = find_column(names, candidates, chosen.values())
            if found is not None:
                chosen[role] = found
    if "indicator" not in chosen and "label" in chosen:
        chosen["indicator"] = chosen["label"]
    missing = [r for r in (*REQUIRED, "indicator") if r not in chosen]
    if missing:
        wanted = ", ".join(ROLE_NAMES[r] for r in missing)
        raise InputError(f"Kolumner saknas för: {wanted}. Kolumnerna i filen är: {', '.join(names)}.", path=path)
    report.columns_used = dict(chosen)
    report.columns_dropped = [c for c in names if c not in chosen.values()]
    rows = table.rows
    n = len(frame)

    def text(role: str) -> pd.Series:
        values = frame[chosen[role]]
        if pd.api.types.is_float_dtype(values.dtype) and (values.dropna() == values.dropna().round()).all():
            return values.map(lambda v: None if pd.isna(v) else str(int(v))).astype("str")
        return values.astype("str").str.strip().where(values.notna())

    def refuse(mask: np.ndarray, message: str, role: str) -> None:
        if mask.any():
            raise InputError(message, path=path, rows=rows[mask], column=chosen.get(role),
                             row_count=int(mask.sum()))

    area = text("area_id")
    refuse(area.isna().to_numpy(), "område saknas.", "area_id")
    year, bad = parse_integers(frame[chosen["year"]], 1900, 2100)
    refuse(bad | np.isnan(year), "året är inte ett årtal (t.ex. 2024).", "year")
    indicator = text("indicator")
    refuse(indicator.isna().to_numpy(), "indikator saknas.", "indicator")
    label = text("label") if "label" in chosen else indicator
    value, bad = to_number(frame[chosen["value"]])
    refuse(bad | np.isnan(value), "värdet är inte ett tal.", "value")

    if "unit" in chosen:
        raw_unit = text("unit").fillna("").map(lambda u: normalise_name(u.replace("%", "procent")))
    else:
        raw_unit = pd.Series([normalise_name((unit or "").replace("%", "procent"))] * n, dtype="str")
    unit_kind = raw_unit.map(UNIT_WORDS)
    refuse(unit_kind.isna().to_numpy(), "okänd enhet; använd share/andel (0–1), procent (0–100) eller index (0–6).",
           "unit")
    unit_kind = unit_kind.to_numpy(dtype=object)
    undecided = unit_kind == ""
    if undecided.any():
        top = np.nanmax(value[undecided])
        guessed = "share" if top <= 1 else "index" if top <= 6 else "percent"
        unit_kind[undecided] = guessed
        # What to do is a key (core.errors.COMMAND_LINE_WORDS): the CLI words it with --unit, the Data page
        # with its own control.
        report.warnings.append(Hinted(
            f"Enhet saknas för {int(undecided.sum())} rader; gissades till "
            f"{ {'share': 'andel 0–1', 'index': 'index 0–6', 'percent': 'procent 0–100'}[guessed] } "
            "utifrån värdena.", "unit"))
    ci_low = to_number(frame[chosen["ci_low"]])[0] if "ci_low" in chosen else np.full(n, np.nan)
    ci_high = to_number(frame[chosen["ci_high"]])[0] if "ci_high" in chosen else np.full(n, np.nan)
    share = unit_kind == "share"
    percent_declared = unit_kind == "percent"
    # A "share" column holding 0–100 is a percentage: convert, but say so.
    percent_in_share = share & (value > 1) & (value <= 100)
    if percent_in_share.any():
        report.warnings.append(f"{int(percent_in_share.sum())} andelar låg mellan 1 och 100 och tolkades som "
                               "procent (delades med 100).")
    to_divide = percent_declared | percent_in_share
    if percent_declared.any():
        report.warnings.append(f"{int(percent_declared.sum())} värden i procent räknades om till andelar 0–1.")
    value = np.where(to_divide, value / 100, value)
    ci_low = np.where(to_divide, ci_low / 100, ci_low)
    ci_high = np.where(to_divide, ci_high / 100, ci_high)
    unit_kind = np.where(to_divide, "share", unit_kind)
    is_share = unit_kind == "share"
    refuse(is_share & ((value < 0) | (value > 1)), "andelen ligger utanför 0–1 (eller 0–100 %).", "value")
    refuse(~is_share & ((value < 0) | (value > 6)), "indexvärdet ligger utanför 0–6.", "value")
    bad_ci = (np.isfinite(ci_low) & (ci_low > value + 1e-9)) | (np.isfinite(ci_high) & (ci_high < value - 1e-9))
    refuse(bad_ci, "konfidensintervallet innehåller inte värdet.", "ci_low" if "ci_low" in chosen else "ci_high")

    if "direction" in chosen:
        direction_values = text("direction").fillna("").map(lambda d: DIRECTION_WORDS.get(normalise_name(d)))
        refuse(direction_values.isna().to_numpy(), "okänd riktning; använd lower_better (lägre är bättre) eller "
               "higher_better (högre är bättre).", "direction")
    else:
        constant = DIRECTION_WORDS.get(normalise_name(direction or ""))
        if direction and constant is None:
            raise InputError(f"Okänd riktning '{direction}'; använd lower_better eller higher_better.", path=path)
        if constant is None:
            constant = "lower_better"
            report.warnings.append(Hinted("Riktning saknas; antog lower_better (lägre är bättre, som Polisens index "
                                          "och andel otrygga).", "direction"))
        direction_values = pd.Series([constant] * n, dtype="str")

    if "n" in chosen:
        counts, bad = parse_integers(frame[chosen["n"]], 0, 10**9)
        refuse(bad, "antal svar (n) är inte ett heltal ≥ 0.", "n")
    else:
        counts = np.full(n, np.nan)
    source = text("source") if "source" in chosen else pd.Series([source_value] * n, dtype=object)

    survey = pd.DataFrame(
        {
            "area_id": area.astype("str").to_numpy(),
            "year": pd.array(year, dtype="Int64"),
            "indicator": indicator.astype("str").to_numpy(),
            "label": label.astype("str").to_numpy(),
            "value": value.astype("float64"),
            "unit": unit_kind.astype(str),
            "direction": direction_values.astype("str").to_numpy(),
            "n": pd.array(np.where(np.isnan(counts), None, counts), dtype="Int64"),
            "ci_low": ci_low.astype("float64"),
            "ci_high": ci_high.astype("float64"),
            "source": pd.array(source.to_numpy(), dtype="str"),
        }
    )
    keys = survey.duplicated(["area_id", "year", "indicator"], keep=False).to_numpy()
    refuse(keys, "samma område, år och indikator förekommer flera gånger.", "indicator")
    return survey[list(SURVEY_COLUMNS)], report


def write_survey(survey: pd.DataFrame, path: str | Path) -> None:
    """Write survey results as CSV (UTF-8) or Parquet, by suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        survey.to_parquet(path, index=False)
    elif suffix == ".csv":
        survey.to_csv(path, index=False, encoding="utf-8")
    else:
        raise InputError("Utdata för trygghetsmätning måste vara .csv eller .parquet.", path=path)
