"""The shared sidebar filters, kept in the URL so a view can be bookmarked and shared.

Query-string keys (Swedish, as users see them in the address bar)::

    fran=2025-01-01&till=2025-04-30      period (inclusive)
    grupp=Skadegörelse&grupp=…            offence groups
    kat=Klotter&kat=…                     categories (refines the groups)
    kalla=polis&kalla=kommun              sources
    omr=A1&omr=A2                         districts (area ids)
    dag=5&dag=6                           ISO weekdays
    tim=20-23                             hours, inclusive
    projektor=1  lang=en                  projector mode, English
    dataset=<id>                          the session's dataset (set by app.py, kept here)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from dashboard.i18n import lang, t, weekday_names
from geo.categories import BY_NAME, GROUPS, display_name


@dataclass(frozen=True)
class Filters:
    """The filters every page applies."""

    start: date
    end: date
    groups: tuple[str, ...]
    categories: tuple[str, ...]
    sources: tuple[str, ...]
    districts: tuple[str, ...]
    weekdays: tuple[int, ...]
    hours: tuple[int, int]

    def category_list(self, available: list[str]) -> list[str] | None:
        """Categories to keep, or None for all."""
        if self.categories:
            return list(self.categories)
        if not self.groups:
            return None
        return [c for c in available if (BY_NAME[c].group if c in BY_NAME else "Övrigt") in self.groups]

    def as_kwargs(self, available_categories: list[str]) -> dict:
        """Keyword arguments for ``analysis.filters.filter_view``."""
        return {
            "start": self.start,
            "end": self.end,
            "categories": self.category_list(available_categories),
            "sources": list(self.sources) or None,
            "districts": list(self.districts) or None,
            "weekdays": list(self.weekdays),
            "hours": self.hours,
        }


def _param_list(key: str) -> list[str]:
    return [v for v in st.query_params.get_all(key) if v != ""]


def _parse_date(text: str | None, fallback: date) -> date:
    try:
        return date.fromisoformat(text) if text else fallback
    except ValueError:
        return fallback


def _parse_hours(text: str | None) -> tuple[int, int]:
    try:
        first, last = (int(v) for v in (text or "0-23").split("-"))
        if 0 <= first <= last <= 23:
            return first, last
    except ValueError:
        pass
    return 0, 23


def _init_from_url(first_day: date, last_day: date, categories: list[str], sources: list[str],
                   district_ids: list[str], dataset_key: str) -> None:
    """Seed the widgets' session state from the URL once per session, dataset, or reset."""
    if st.session_state.get("_filters_ready") == dataset_key:
        return
    default_start = max(first_day, date(last_day.year, 1, 1))
    start = min(max(_parse_date(st.query_params.get("fran"), default_start), first_day), last_day)
    end = min(max(_parse_date(st.query_params.get("till"), last_day), first_day), last_day)
    st.session_state["f_period"] = (min(start, end), max(start, end))
    present_groups = [g for g in GROUPS if any((BY_NAME.get(c) and BY_NAME[c].group == g) for c in categories)]
    st.session_state["f_groups"] = [g for g in _param_list("grupp") if g in present_groups]
    st.session_state["f_categories"] = [c for c in _param_list("kat") if c in categories]
    st.session_state["f_sources"] = [s for s in _param_list("kalla") if s in sources]
    st.session_state["f_districts"] = [d for d in _param_list("omr") if d in district_ids]
    days = [int(d) for d in _param_list("dag") if d.isdigit() and 1 <= int(d) <= 7]
    st.session_state["f_weekdays"] = days
    st.session_state["f_hours"] = _parse_hours(st.query_params.get("tim"))
    st.session_state["_filters_ready"] = dataset_key


def _write_url(filters: Filters) -> None:
    params: dict[str, str | list[str]] = {"fran": filters.start.isoformat(), "till": filters.end.isoformat()}
    if filters.groups:
        params["grupp"] = list(filters.groups)
    if filters.categories:
        params["kat"] = list(filters.categories)
    if filters.sources:
        params["kalla"] = list(filters.sources)
    if filters.districts:
        params["omr"] = list(filters.districts)
    if filters.weekdays and set(filters.weekdays) != set(range(1, 8)):
        params["dag"] = [str(d) for d in filters.weekdays]
    if filters.hours != (0, 23):
        params["tim"] = f"{filters.hours[0]}-{filters.hours[1]}"
    for key in ("projektor", "lang", "dataset"):
        if key in st.query_params:
            params[key] = st.query_params[key]
    current = {k: (st.query_params.get_all(k) if isinstance(v, list) else st.query_params.get(k))
               for k, v in params.items()}
    if current != params or set(st.query_params.keys()) != set(params):
        st.query_params.from_dict(params)


def sidebar_filters(incidents: pd.DataFrame, districts: pd.DataFrame | None, dataset_key: str) -> Filters:
    """Draw the shared filters in the sidebar and return them (also written to the URL).

    ``dataset_key`` identifies the active dataset: when it changes, the filters start again
    from the URL, clamped to the new data's period.
    """
    categories = sorted(map(str, incidents["category"].dropna().unique()))
    sources = sorted(map(str, incidents["source"].dropna().unique()))
    district_names = {} if districts is None else dict(zip(districts["area_id"], districts["name"], strict=False))
    when = incidents["occurred_from"]
    first_day = when.min().date() if len(when) else date.today()
    last_day = when.max().date() if len(when) else date.today()
    _init_from_url(first_day, last_day, categories, sources, list(district_names), dataset_key)
    all_groups = [g for g in GROUPS if any((BY_NAME.get(c) and BY_NAME[c].group == g) for c in categories)]

    with st.sidebar:
        st.header(t("Filter"))
        period = st.date_input(t("Period"), key="f_period", min_value=first_day, max_value=last_day,
                               format="YYYY-MM-DD")
        groups = st.multiselect(t("Händelsegrupper (tomt = alla)"), all_groups, key="f_groups", placeholder=t("Alla"),
                                format_func=lambda g: display_name(g, lang=lang()))
        in_groups = [c for c in categories if not groups or (BY_NAME.get(c) and BY_NAME[c].group in groups)]
        st.session_state["f_categories"] = [c for c in st.session_state["f_categories"] if c in in_groups]
        chosen = st.multiselect(t("Kategorier (tomt = alla i valda grupper)"), in_groups, key="f_categories",
                                placeholder=t("Alla"), format_func=lambda c: display_name(c, lang=lang()))
        chosen_sources = st.multiselect(t("Källor (tomt = alla)"), sources, key="f_sources", placeholder=t("Alla"),
                                        format_func=t)
        chosen_districts = st.multiselect(t("Områden (tomt = alla)"), list(district_names), key="f_districts",
                                          format_func=lambda a: district_names.get(a, a), placeholder=t("Alla"))
        names = weekday_names()
        days = st.multiselect(t("Veckodagar (tomt = alla)"), list(range(1, 8)), key="f_weekdays", placeholder=t("Alla"),
                              format_func=lambda d: names[d - 1])
        hours = st.slider(t("Timmar"), 0, 23, key="f_hours")
        if st.button(t("Återställ filter")):
            st.session_state["_filters_ready"] = None
            st.query_params.clear()
            st.rerun()

    if isinstance(period, tuple) and len(period) == 2:
        start, end = period
    else:  # the user has picked only the first day so far
        start = end = period[0] if isinstance(period, tuple) else period
    filters = Filters(start, end, tuple(groups), tuple(chosen), tuple(chosen_sources),
                      tuple(chosen_districts), tuple(sorted(days)) or tuple(range(1, 8)), tuple(hours))
    _write_url(filters)
    return filters


def apply_filters(incidents: pd.DataFrame, filters: Filters, *, period: bool = True) -> pd.DataFrame:
    """The incidents that pass the filters; ``period=False`` keeps every date (for comparisons)."""
    from analysis.filters import filter_view

    categories = sorted(map(str, incidents["category"].dropna().unique()))
    kwargs = filters.as_kwargs(categories)
    if not period:
        kwargs.update(start=None, end=None)
    return filter_view(incidents, **kwargs)


def current_filters() -> Filters:
    """The filters drawn by the app's sidebar in this run."""
    return st.session_state["filters"]
