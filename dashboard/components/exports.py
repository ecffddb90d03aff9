"""Exports on every chart and table: CSV of the numbers, PNG of the figure."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.i18n import t

CSV_NOTE = ("CSV-filen har talen som ett kalkylprogram läser dem – punkt som decimaltecken, andelar från 0 till 1 "
            "och kolumnernas tekniska namn där tabellen har sådana – så att det går att räkna vidare med dem.")


def plotly_config(filename: str) -> dict:
    """Plotly config whose camera button saves a large PNG (rendered in the browser, offline)."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    }


def show_figure(fig, filename: str, *, data: pd.DataFrame | None = None, key: str | None = None) -> None:
    """Show a plotly figure with its PNG button, and a CSV download of the numbers behind it."""
    # theme=None: our own fonts and sizes (large in projector mode) instead of Streamlit's small grey ones.
    st.plotly_chart(fig, width="stretch", config=plotly_config(filename), key=key, theme=None)
    if data is not None:
        csv_download(data, filename, key=f"csv-{key or filename}")


def csv_download(frame: pd.DataFrame, filename: str, *, key: str | None = None) -> None:
    """A download button with the frame as CSV (UTF-8 with BOM, so Excel reads å, ä, ö)."""
    st.download_button(
        t("Ladda ner CSV"),
        frame.to_csv(index=False).encode("utf-8-sig"),
        file_name=f"{filename}.csv",
        mime="text/csv",
        key=key or f"csv-{filename}",
        icon=":material/download:",
        # The screen's tables are written for people; the file is for spreadsheets, and says so.
        help=t(CSV_NOTE),
    )
