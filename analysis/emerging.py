"""Emerging hot spots: space-time Gi* over a cube of grid cells × time steps, Mann–Kendall, 17 patterns.

The method follows ArcGIS Pro's *Emerging Hot Spot Analysis* ("How Emerging Hot Spot Analysis works"):

1. **The cube.** Incidents are counted per grid cell and time step (calendar month, ISO week
   Monday–Sunday, or calendar quarter). The grid is the one :func:`analysis.hotspots.hotspots`
   uses — the same origin and ``cell_id`` — so a cell id means the same place on every map.
   Where an incident's time is a window (``occurred_from``–``occurred_to``), its weight of 1 is
   spread over the steps the window covers in proportion to the overlap, at minute resolution
   (aoristic weighting, as in :mod:`analysis.aoristic`); a burglary from 30 April 18:00 to
   1 May 06:00 gives half to April and half to May. Bin counts can therefore be fractions.
2. **The locations analysed** are, as in ArcGIS, the cells with at least one incident in at
   least one step (within ``extent`` when one is given). Empty cells are nobody's neighbour.
3. **Space-time Gi\\*.** Each bin's neighbourhood is its spatial neighbourhood (queen, rook or a
   distance band, the cell itself included) in the same step *and* in the ``time_window``
   previous steps (ArcGIS's neighbourhood time step, default 1). Weights are binary; mean and
   variance are over every bin of the cube. The z-scores get analytic two-sided p-values that
   are corrected together for all bins with the Benjamini–Hochberg false-discovery rate. A bin
   is a significant hot (cold) spot when ``p_fdr < alpha`` and ``z > 0`` (``z < 0``).
4. **Trend.** The Mann–Kendall test (with the tie correction of the variance) on each
   location's series of Gi* z-scores, as ArcGIS does, gives ``mk_z`` and ``mk_p``; a trend is
   significant when ``mk_p < alpha``.
5. **Patterns** — see :data:`PATTERN_LABELS` and :func:`classify_patterns`. The "90 % rule"
   reads "at least 90 % of all steps"; "the final step" is the last step of the cube.

Where the definitions leave a choice, and where this departs from ArcGIS or from R's
``sfdep``, is written in docs/methods.md ("Framväxande hot spots").

Everything is vectorised: the neighbour sums are correlations of the dense cube with a small
kernel (``scipy.ndimage``) and cumulative sums along time; Mann–Kendall loops over time lags,
never over cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy import stats

from analysis.aoristic import _times
from analysis.hotspots import Neighbours, _neighbour_sum, _study_grid, fdr_adjust, neighbour_kernel
from geo.crs import frame_crs
from geo.stacked import exact_mask

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

    from geo.grid import Grid

__all__ = [
    "PATTERNS",
    "PATTERN_LABELS",
    "STEPS",
    "EmergingResult",
    "classify_patterns",
    "emerging_hotspots",
    "mann_kendall",
    "space_time_cube",
    "space_time_gi_star",
    "step_starts",
    "steps_text",
    "summary_text",
]

Step = Literal["month", "week", "quarter"]
STEPS: tuple[str, ...] = ("month", "week", "quarter")
_FREQ = {"month": "MS", "week": "W-MON", "quarter": "QS"}
STEP_WORDS: dict[str, dict[str, tuple[str, str]]] = {
    "sv": {"month": ("månad", "månader"), "week": ("vecka", "veckor"), "quarter": ("kvartal", "kvartal")},
    "en": {"month": ("month", "months"), "week": ("week", "weeks"), "quarter": ("quarter", "quarters")},
}
"""Singular and plural of each step, for sentences such as "het i 14 av 36 månader"."""

PATTERNS: tuple[str, ...] = (
    "new_hot", "consecutive_hot", "intensifying_hot", "persistent_hot",
    "diminishing_hot", "sporadic_hot", "oscillating_hot", "historical_hot",
    "new_cold", "consecutive_cold", "intensifying_cold", "persistent_cold",
    "diminishing_cold", "sporadic_cold", "oscillating_cold", "historical_cold",
    "none",
)
"""The 17 patterns: eight hot, eight cold, and ``none``."""

PATTERN_LABELS: dict[str, tuple[str, str, str]] = {
    "new_hot": ("Ny het punkt", "New hot spot",
                "Het i sista steget, aldrig tidigare"),
    "consecutive_hot": ("Sammanhängande het punkt", "Consecutive hot spot",
                        "Het i de senaste stegen i en obruten följd, aldrig före det"),
    "intensifying_hot": ("Växande het punkt", "Intensifying hot spot",
                         "Het i minst 90 % av stegen och i sista, och allt hetare"),
    "persistent_hot": ("Ihållande het punkt", "Persistent hot spot",
                       "Het i minst 90 % av stegen och i sista, utan tydlig trend"),
    "diminishing_hot": ("Avtagande het punkt", "Diminishing hot spot",
                        "Het i minst 90 % av stegen och i sista, men allt svalare"),
    "sporadic_hot": ("Sporadisk het punkt", "Sporadic hot spot",
                     "Het i sista steget och av och till tidigare, aldrig kall"),
    "oscillating_hot": ("Växlande het punkt", "Oscillating hot spot",
                        "Het i sista steget, men kall i något tidigare steg"),
    "historical_hot": ("Historisk het punkt", "Historical hot spot",
                       "Het i minst 90 % av stegen, men inte i sista"),
    "new_cold": ("Ny kall punkt", "New cold spot",
                 "Kall i sista steget, aldrig tidigare"),
    "consecutive_cold": ("Sammanhängande kall punkt", "Consecutive cold spot",
                         "Kall i de senaste stegen i en obruten följd, aldrig före det"),
    "intensifying_cold": ("Växande kall punkt", "Intensifying cold spot",
                          "Kall i minst 90 % av stegen och i sista, och allt kallare"),
    "persistent_cold": ("Ihållande kall punkt", "Persistent cold spot",
                        "Kall i minst 90 % av stegen och i sista, utan tydlig trend"),
    "diminishing_cold": ("Avtagande kall punkt", "Diminishing cold spot",
                         "Kall i minst 90 % av stegen och i sista, men allt mindre kall"),
    "sporadic_cold": ("Sporadisk kall punkt", "Sporadic cold spot",
                      "Kall i sista steget och av och till tidigare, aldrig het"),
    "oscillating_cold": ("Växlande kall punkt", "Oscillating cold spot",
                         "Kall i sista steget, men het i något tidigare steg"),
    "historical_cold": ("Historisk kall punkt", "Historical cold spot",
                        "Kall i minst 90 % av stegen, men inte i sista"),
    "none": ("Inget mönster", "No pattern detected",
             "Varken het eller kall på ett sätt som bildar ett mönster"),
}
"""Swedish label, English label and a plain Swedish reading of each pattern (for legends)."""

PATTERN_READINGS_EN: dict[str, str] = {
    "new_hot": "Hot in the final step, never before",
    "consecutive_hot": "Hot in an unbroken run of the latest steps, never before that",
    "intensifying_hot": "Hot in at least 90 % of the steps and the final one, and getting hotter",
    "persistent_hot": "Hot in at least 90 % of the steps and the final one, with no clear trend",
    "diminishing_hot": "Hot in at least 90 % of the steps and the final one, but cooling",
    "sporadic_hot": "Hot in the final step and on and off before, never cold",
    "oscillating_hot": "Hot in the final step, but cold in some earlier step",
    "historical_hot": "Hot in at least 90 % of the steps, but not in the final one",
    "new_cold": "Cold in the final step, never before",
    "consecutive_cold": "Cold in an unbroken run of the latest steps, never before that",
    "intensifying_cold": "Cold in at least 90 % of the steps and the final one, and getting colder",
    "persistent_cold": "Cold in at least 90 % of the steps and the final one, with no clear trend",
    "diminishing_cold": "Cold in at least 90 % of the steps and the final one, but less and less cold",
    "sporadic_cold": "Cold in the final step and on and off before, never hot",
    "oscillating_cold": "Cold in the final step, but hot in some earlier step",
    "historical_cold": "Cold in at least 90 % of the steps, but not in the final one",
    "none": "Neither hot nor cold in a way that forms a pattern",
}
"""The plain English reading of each pattern (the ``en`` switch)."""

# z-scores equal to this many decimals are ties for Mann–Kendall: the neighbour sums of equal
# counts can differ in the last bit, and a tie that is one in the data should count as one.
_TIE_DECIMALS = 9


# --- time steps ---------------------------------------------------------------------------------


def _check_step(step: str) -> str:
    if step not in STEPS:
        raise ValueError(f"Okänt tidssteg '{step}': välj month (månad), week (vecka) eller quarter (kvartal).")
    return step


def step_starts(start: object, end: object, step: Step) -> pd.DatetimeIndex:
    """Start of every calendar step from the one holding ``start`` to the one holding ``end``, plus the end edge.

    Months and quarters are calendar months and quarters; weeks are ISO weeks (Monday–Sunday).
    The result has one more entry than there are steps: the last entry is where the final step ends.

    Examples
    --------
    >>> [d.strftime("%Y-%m-%d") for d in step_starts("2024-01-15", "2024-03-02", "month")]
    ['2024-01-01', '2024-02-01', '2024-03-01', '2024-04-01']
    >>> [d.strftime("%Y-%m-%d") for d in step_starts("2024-01-03", "2024-01-08", "week")]
    ['2024-01-01', '2024-01-08', '2024-01-15']
    """
    _check_step(step)
    first, last = pd.Timestamp(start).normalize(), pd.Timestamp(end)
    if last < first:
        raise ValueError("Slutdatum ligger före startdatum.")
    if step == "week":
        first = first - pd.Timedelta(days=first.weekday())
    elif step == "month":
        first = first.replace(day=1)
    else:
        first = first.replace(day=1, month=3 * ((first.month - 1) // 3) + 1)
    offset = pd.tseries.frequencies.to_offset(_FREQ[step])
    edges = pd.date_range(first, last, freq=_FREQ[step])
    if len(edges) == 0 or edges[0] != first:
        edges = pd.DatetimeIndex([first]).append(edges)
    return edges.append(pd.DatetimeIndex([edges[-1] + offset]))


def _step_weights(incidents: pd.DataFrame, edges: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(incident position, step index, weight) of every incident-step overlap; aoristic over windows."""
    times = _times(incidents, None)  # every window length is kept: a step is much longer than an hour
    known = np.flatnonzero(times.point | times.window)
    start = times.start[known]
    duration = np.maximum(times.duration[known], 0)
    edge_minutes = edges.to_numpy(dtype="datetime64[ns]").view("int64") // 60_000_000_000
    first = np.searchsorted(edge_minutes, start, side="right") - 1
    last_minute = start + np.maximum(duration - 1, 0)
    last = np.searchsorted(edge_minutes, last_minute, side="right") - 1
    n_steps = len(edges) - 1
    positions, steps, weights = [], [], []
    span = int((last - first).max()) + 1 if known.size else 0
    for offset in range(span):  # a loop over the few steps a window spans, not over incidents
        step = first + offset
        covered = (step <= last) & (step >= 0) & (step < n_steps)
        lower = np.maximum(start, edge_minutes[np.clip(step, 0, n_steps)])
        upper = np.minimum(start + duration, edge_minutes[np.clip(step + 1, 0, n_steps)])
        weight = np.where(duration > 0, (upper - lower) / np.maximum(duration, 1), 1.0)
        positions.append(known[covered])
        steps.append(step[covered])
        weights.append(weight[covered])
    if not positions:
        return np.zeros(0, "int64"), np.zeros(0, "int64"), np.zeros(0)
    return np.concatenate(positions), np.concatenate(steps), np.concatenate(weights)


# --- the cube and its Gi* -----------------------------------------------------------------------


def space_time_cube(
    incidents: pd.DataFrame, grid: Grid, edges: pd.DatetimeIndex, mask: np.ndarray | None = None
) -> np.ndarray:
    """Aoristic counts per time step and cell, as an ``(n_steps, ny, nx)`` array.

    An incident with a time window adds ``overlap / window length`` to every step the window
    covers; one with a single time adds 1 to its step. Incidents outside the grid, outside
    ``mask`` (flat, ``grid.size``) or outside the steps are left out.
    """
    position, step, weight = _step_weights(incidents, edges)
    flat = grid.index(incidents["x"].to_numpy(dtype=float), incidents["y"].to_numpy(dtype=float))[position]
    keep = flat >= 0
    if mask is not None:
        keep[keep] = np.asarray(mask, dtype=bool)[flat[keep]]
    n_steps = len(edges) - 1
    cube = np.bincount(step[keep] * grid.size + flat[keep], weights=weight[keep], minlength=n_steps * grid.size)
    return cube.reshape(n_steps, grid.ny, grid.nx)


def space_time_gi_star(
    cube: np.ndarray,
    locations: np.ndarray,
    *,
    neighbours: Neighbours = "queen",
    cell: float = 1.0,
    time_window: int = 1,
) -> np.ndarray:
    """Space-time Gi* z-score of every bin of an ``(n_steps, ny, nx)`` cube.

    Parameters
    ----------
    cube
        Counts per step and cell.
    locations
        ``(ny, nx)`` mask of the cells analysed; every step of such a cell is a bin of the test.
    neighbours, cell
        The spatial neighbourhood (see :func:`analysis.hotspots.neighbour_kernel`).
    time_window
        Number of previous steps whose bins (at the same spatial neighbours) are in the
        neighbourhood, as ArcGIS's *neighbourhood time step*; 0 gives a Gi* per time slice over
        the whole cube's mean and variance.

    Returns
    -------
    numpy.ndarray
        z in the cube's shape; ``nan`` outside ``locations``. Equal to
        ``esda.G_Local(y, w, star=True, transform="B")`` on the flattened cube with the
        space-time weights (tests/analysis/test_emerging.py builds that ``W``).

    Examples
    --------
    27 bins, one with 9: mean 1/3, s = √(81/27 − 1/9). The centre of the final step has
    every cell of steps 2 and 3 as neighbours (K = 18, sum 9), the corner of step 1 four (sum 0):

    >>> cube = np.zeros((3, 3, 3)); cube[2, 1, 1] = 9
    >>> z = space_time_gi_star(cube, np.ones((3, 3), bool))
    >>> round(float(z[2, 1, 1]), 4), round(float(z[0, 0, 0]), 4)
    (0.7071, -0.417)
    """
    if time_window < 0 or int(time_window) != time_window:
        raise ValueError("Tidsgrannskapet (time_window) måste vara ett heltal 0 eller större.")
    k = int(time_window)
    cube = np.asarray(cube, dtype=float)
    inside = np.asarray(locations, dtype=bool)
    n_steps = cube.shape[0]
    y = np.where(inside[None], cube, 0.0)
    n = int(inside.sum()) * n_steps
    if n < 2:
        return np.where(inside[None], 0.0, np.nan) * np.ones_like(cube)
    kernel = neighbour_kernel(neighbours, cell=cell)
    mean = y.sum() / n
    variance = max((y**2).sum() / n - mean**2, 0.0)
    spatial = _neighbour_sum(y, kernel[None])
    spatial_k = _neighbour_sum(inside.astype(float), kernel)
    # The time neighbourhood: the same spatial sums in this step and the k steps before.
    running = np.cumsum(spatial, axis=0)
    local_sum = running.copy()
    if k + 1 < n_steps:
        local_sum[k + 1:] -= running[: n_steps - k - 1]
    steps_in = np.minimum(np.arange(n_steps), k) + 1
    weights = spatial_k[None] * steps_in[:, None, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (local_sum - mean * weights) / (np.sqrt(variance) * np.sqrt((n * weights - weights**2) / (n - 1)))
    z = np.where(np.isfinite(z), z, 0.0)
    return np.where(inside[None], z, np.nan)


# --- Mann–Kendall -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MannKendall:
    """Mann–Kendall results per series: ``s``, ``var_s`` (tie-corrected), ``z``, two-sided ``p``, ``tau``."""

    s: np.ndarray
    var_s: np.ndarray
    z: np.ndarray
    p: np.ndarray
    tau: np.ndarray


def mann_kendall(series: np.ndarray) -> MannKendall:
    """Mann–Kendall trend test on each row of ``series`` (``(m, n)``), with the tie correction.

    ``S = Σ_{i<j} sign(x_j − x_i)``; ``Var(S) = [n(n−1)(2n+5) − Σ t(t−1)(2t+5)] / 18`` over
    groups of ``t`` tied values; ``z = (S − sign(S)) / √Var(S)`` (continuity correction);
    ``p`` two-sided from the normal; ``tau = S / (n(n−1)/2)``.

    Examples
    --------
    >>> result = mann_kendall(np.array([[1.0, 2.0, 2.0, 4.0, 3.0]]))
    >>> int(result.s[0]), float(result.var_s[0]), round(float(result.z[0]), 4), round(float(result.p[0]), 4)
    (7, 15.666666666666666, 1.5159, 0.1296)
    """
    x = np.atleast_2d(np.asarray(series, dtype=float))
    m, n = x.shape
    s = np.zeros(m)
    for lag in range(1, n):  # a loop over time lags, never over cells
        s += np.sign(x[:, lag:] - x[:, :-lag]).sum(axis=1)
    ordered = np.sort(x, axis=1)
    starts = np.ones((m, n), dtype=bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    group = np.cumsum(starts.ravel()) - 1  # every row begins a group, so groups never cross rows
    sizes = np.bincount(group).astype(float)
    row_of_group = np.repeat(np.arange(m), starts.sum(axis=1))
    ties = np.bincount(row_of_group, weights=sizes * (sizes - 1) * (2 * sizes + 5), minlength=m)
    var_s = (n * (n - 1) * (2 * n + 5) - ties) / 18.0
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(var_s > 0, (s - np.sign(s)) / np.sqrt(var_s), 0.0)
    p = 2.0 * stats.norm.sf(np.abs(z))
    tau = s / (n * (n - 1) / 2) if n > 1 else np.zeros(m)
    return MannKendall(s, var_s, z, p, tau)


# --- classification -----------------------------------------------------------------------------


def classify_patterns(
    z: np.ndarray, p: np.ndarray, trend_z: np.ndarray, trend_p: np.ndarray, *, alpha: float = 0.10
) -> np.ndarray:
    """The emerging-hot-spot pattern of each location from its bins and its trend.

    Parameters
    ----------
    z, p
        ``(m, n_steps)`` Gi* z-scores and (FDR-adjusted) p-values of each location's bins, oldest first.
    trend_z, trend_p
        Mann–Kendall z and p of each location's z series.
    alpha
        Significance level for bins and for the trend.

    Returns
    -------
    numpy.ndarray
        One of :data:`PATTERNS` per location, decided in this order (hot; cold mirrors it):

        * hot in ≥ 90 % of all steps: *historical* if the final step is not hot; else
          *intensifying* (significant upward trend), *diminishing* (significant downward) or
          *persistent* (no significant trend);
        * otherwise, hot in the final step: *oscillating* if any earlier step was a significant
          cold spot; else *new* if no earlier step was hot; *consecutive* if the final run of hot
          steps is at least two long and no step before it was hot; else *sporadic*;
        * the same for cold spots; else ``none``.

    Examples
    --------
    >>> z = np.array([[0.1, 0.2, 0.1, 3.5]]); p = np.array([[0.9, 0.8, 0.9, 0.001]])
    >>> classify_patterns(z, p, np.array([1.0]), np.array([0.3])).tolist()
    ['new_hot']
    """
    z = np.atleast_2d(np.asarray(z, dtype=float))
    p = np.atleast_2d(np.asarray(p, dtype=float))
    m, n = z.shape
    significant = p < alpha
    hot, cold = significant & (z > 0), significant & (z < 0)
    up = (np.asarray(trend_p) < alpha) & (np.asarray(trend_z) > 0)
    down = (np.asarray(trend_p) < alpha) & (np.asarray(trend_z) < 0)
    result = np.full(m, "none", dtype=object)

    def side(this: np.ndarray, other: np.ndarray, grows: np.ndarray, fades: np.ndarray, kind: str) -> None:
        mostly = this.sum(axis=1) >= 0.9 * n - 1e-9  # "ninety percent of the time-step intervals"
        final = this[:, -1]
        # Length of the unbroken run of `this` ending at the final step.
        broken = ~this[:, ::-1]
        run = np.where(broken.any(axis=1), broken.argmax(axis=1), n)
        before_run = this.sum(axis=1) - run
        free = result == "none"
        rules = [
            (mostly & ~final, "historical"),
            (mostly & final & grows, "intensifying"),
            (mostly & final & fades, "diminishing"),
            (mostly & final, "persistent"),
            (~mostly & final & other.any(axis=1), "oscillating"),
            (~mostly & final & (before_run == 0) & (run == 1), "new"),
            (~mostly & final & (before_run == 0) & (run >= 2), "consecutive"),
            (~mostly & final, "sporadic"),
        ]
        for condition, name in rules:
            chosen = free & condition
            result[chosen] = f"{name}_{kind}"
            free &= ~chosen

    # Hot rules first where a location is hot in ≥ 90 % of the steps or in the final step;
    # a location cannot be both (a step is hot or cold, not both).
    side(hot, cold, up, down, "hot")
    side(cold, hot, down, up, "cold")
    return result


# --- the analysis -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EmergingResult:
    """The result of :func:`emerging_hotspots`.

    Attributes
    ----------
    cells : GeoDataFrame
        One row per location analysed (see :func:`emerging_hotspots`).
    steps : DatetimeIndex
        Start of every time step (``n_steps`` entries).
    step : str
        ``month``, ``week`` or ``quarter``.
    z, p_fdr, counts : ndarray
        ``(n_locations, n_steps)`` Gi* z, FDR-adjusted p and aoristic count per bin, rows in
        the order of ``cells``.
    settings : dict
        Cell size, neighbourhood, time window, alpha, and what was left out.
    """

    cells: gpd.GeoDataFrame
    steps: pd.DatetimeIndex
    step: str
    z: np.ndarray
    p_fdr: np.ndarray
    counts: np.ndarray
    settings: dict = field(default_factory=dict)

    @property
    def n_steps(self) -> int:
        """Number of time steps."""
        return len(self.steps)

    def pattern_counts(self) -> pd.Series:
        """Number of cells per pattern, every pattern listed (in :data:`PATTERNS` order)."""
        return self.cells["pattern"].value_counts().reindex(list(PATTERNS), fill_value=0)


def emerging_hotspots(
    incidents: pd.DataFrame,
    *,
    cell: float = 100,
    step: Step = "month",
    neighbours: Neighbours = "queen",
    time_window: int = 1,
    alpha: float = 0.10,
    start: object = None,
    end: object = None,
    extent: gpd.GeoDataFrame | BaseGeometry | Sequence[float] | None = None,
    all_positions: bool = False,
) -> EmergingResult:
    """Emerging hot spots of incidents: which cells are new, growing, lasting, fading or former hot spots.

    Parameters
    ----------
    incidents
        Canonical incidents (``x``, ``y`` in the working CRS in ``attrs["crs"]``,
        ``occurred_from``, optionally ``occurred_to``). Filter them first (``analysis.filters``).
    cell
        Cell size in metres; the grid is :func:`analysis.hotspots.hotspots`'s.
    step
        ``"month"``, ``"week"`` (ISO, Monday–Sunday) or ``"quarter"``.
    neighbours
        Spatial neighbourhood: ``"queen"``, ``"rook"`` or ``("distance", R)`` in metres.
    time_window
        Previous steps in the neighbourhood (ArcGIS's neighbourhood time step; default 1).
    alpha
        Significance level for bins (FDR-adjusted p) and for the Mann–Kendall trend
        (default 0.10: ArcGIS counts bins at 90 % confidence and above as hot or cold spots).
    start, end
        The period (dates). Default: from the first to the last ``occurred_from``. The steps are
        whole calendar steps from the one holding ``start`` to the one holding ``end``;
        ``settings["last_step_days"]`` says how much of the final step the period covers.
    extent
        Study area (as in :func:`analysis.hotspots.hotspots`): the cells analysed are those in it
        with at least one incident.
    all_positions
        Keep incidents whose position is not a place (a kommun's centroid); default ``False``.

    Returns
    -------
    EmergingResult
        ``cells`` has one row per cell with data: ``cell_id``, ``pattern`` (:data:`PATTERNS`),
        ``label`` (Swedish), ``label_en``, ``reading`` (plain Swedish), ``mk_tau``, ``mk_z``,
        ``mk_p`` (Mann–Kendall on the cell's z series), ``n_hot_steps``, ``n_cold_steps``,
        ``n_steps``, ``count`` (aoristic incidents over the period), ``last_z``, ``last_p``
        (FDR-adjusted p of the final step) and the cell polygon.

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> n = 3000
    >>> days = rng.integers(0, 365, n)
    >>> x = rng.uniform(0, 2000, n) + 600000
    >>> y = rng.uniform(0, 2000, n) + 6500000
    >>> # 60 extra incidents in one cell in December only: a new hot spot
    >>> frame = pd.DataFrame({"x": np.r_[x, np.full(60, 601050.0)], "y": np.r_[y, np.full(60, 6501050.0)],
    ...                       "occurred_from": pd.to_datetime("2024-01-01")
    ...                       + pd.to_timedelta(np.r_[days, np.full(60, 340)], "D")})
    >>> frame.attrs["crs"] = "EPSG:3006"
    >>> result = emerging_hotspots(frame, cell=100, step="month")
    >>> result.cells.set_index("cell_id").loc["100m_E601000_N6501000", "pattern"]
    'new_hot'
    """
    _check_step(step)
    if not cell > 0:
        raise ValueError("Cellstorleken måste vara större än 0 meter.")
    if not 0 < alpha < 1:
        raise ValueError("Signifikansnivån alpha måste ligga mellan 0 och 1.")
    places = np.ones(len(incidents), dtype=bool) if all_positions else exact_mask(incidents)
    located = places & np.isfinite(incidents["x"].to_numpy(dtype=float)) & np.isfinite(
        incidents["y"].to_numpy(dtype=float))
    used = incidents.loc[located]
    if "occurred_from" not in used:
        raise ValueError("Händelserna saknar kolumnen occurred_from (tidpunkt).")
    when = used["occurred_from"].dropna()
    if when.empty:
        raise ValueError("Inga händelser med tidpunkt och plats att söka framväxande hot spots bland – ändra filtret.")
    first = pd.Timestamp(start) if start is not None else when.min()
    last = pd.Timestamp(end) if end is not None else when.max()
    edges = step_starts(first, last, step)
    n_steps = len(edges) - 1
    if n_steps < 3:
        raise ValueError(f"Perioden ger bara {n_steps} tidssteg; det behövs minst 3 för en trend. "
                         "Välj en längre period eller ett kortare tidssteg.")
    crs = frame_crs(incidents)
    x, y = used["x"].to_numpy(dtype=float), used["y"].to_numpy(dtype=float)
    grid, mask = _study_grid(x, y, float(cell), extent, crs)
    cube = space_time_cube(used, grid, edges, mask)
    total = cube.sum(axis=0)
    locations = (total > 0) & mask.reshape(grid.ny, grid.nx)
    if not locations.any():
        raise ValueError("Inga händelser i perioden och området – ändra filtret.")
    z_cube = space_time_gi_star(cube, locations, neighbours=neighbours, cell=grid.cell, time_window=time_window)
    flat = np.flatnonzero(locations.ravel())
    z = z_cube.reshape(n_steps, -1)[:, flat].T  # (locations, steps)
    counts = cube.reshape(n_steps, -1)[:, flat].T
    p = 2.0 * stats.norm.sf(np.abs(z))
    p_fdr = fdr_adjust(p.ravel()).reshape(p.shape)  # one correction over every bin of the cube
    # The first K steps have fewer bins in their time neighbourhood, so their z is lower for the same
    # intensity (by about √(1/(K+1)) in the first step); read into the trend, that edge alone turns a
    # steady hot spot into an "intensifying" one. The trend therefore starts at the first full window.
    first_full = int(time_window) if n_steps - int(time_window) >= 3 else 0
    trend = mann_kendall(np.round(z[:, first_full:], _TIE_DECIMALS))
    patterns = classify_patterns(z, p_fdr, trend.z, trend.p, alpha=alpha)
    hot = (p_fdr < alpha) & (z > 0)
    cold = (p_fdr < alpha) & (z < 0)
    cells = grid.frame(
        flat,
        pattern=patterns,
        label=[PATTERN_LABELS[v][0] for v in patterns],
        label_en=[PATTERN_LABELS[v][1] for v in patterns],
        reading=[PATTERN_LABELS[v][2] for v in patterns],
        mk_tau=trend.tau,
        mk_z=trend.z,
        mk_p=trend.p,
        n_hot_steps=hot.sum(axis=1),
        n_cold_steps=cold.sum(axis=1),
        n_steps=np.full(len(flat), n_steps),
        count=counts.sum(axis=1),
        last_z=z[:, -1],
        last_p=p_fdr[:, -1],
    )
    covered = (min(last, edges[-1]) - edges[-2]).days + 1
    settings = {
        "cell": float(cell),
        "step": step,
        "neighbours": neighbours if isinstance(neighbours, str) else f"distance:{neighbours[1]:g}",
        "time_window": int(time_window),
        "alpha": float(alpha),
        "first_step": edges[0],
        "end": edges[-1],
        "last_step_days": int(covered),
        "last_step_length": int((edges[-1] - edges[-2]).days),
        "n_locations": len(flat),
        "n_incidents": float(counts.sum()),
        "not_places": int((~places).sum()),
        "no_time": int(used["occurred_from"].isna().sum()),
    }
    cells.attrs.update(settings)
    return EmergingResult(cells, edges[:-1], step, z, p_fdr, counts, settings)


# --- sentences ----------------------------------------------------------------------------------

_WORDS: dict[str, dict[str, str]] = {
    "sv": {
        "head": "{cells} rutor à {cell} m med händelser, {steps} {step_plural} ({period}); grannskap {neighbours} "
                "och {window}.",
        "window0": "inga tidigare steg",
        "window": "{k} tidigare {step_word}",
        "patterns": "{listed}.",
        "part": "{label}: {n} {cells}",
        "cell": "ruta", "cells": "rutor",
        "nothing": "Inga rutor bildar något mönster av heta eller kalla punkter.",
        "partial": "Obs: sista steget ({period}) täcker bara {days} av {length} dagar; mönster som hänger på "
                   "sista steget (ny, sammanhängande, historisk) kan bero på det.",
        "hot_steps": "het i {hot} av {steps} {step_plural}",
        "hot_cold_steps": "het i {hot} och kall i {cold} av {steps} {step_plural}",
        "cold_steps": "kall i {cold} av {steps} {step_plural}",
    },
    "en": {
        "head": "{cells} cells of {cell} m with incidents, {steps} {step_plural} ({period}); neighbourhood "
                "{neighbours} and {window}.",
        "window0": "no earlier steps",
        "window": "{k} earlier {step_word}",
        "patterns": "{listed}.",
        "part": "{label}: {n} {cells}",
        "cell": "cell", "cells": "cells",
        "nothing": "No cells form a pattern of hot or cold spots.",
        "partial": "Note: the final step ({period}) covers only {days} of {length} days; patterns that hinge on "
                   "the final step (new, consecutive, historical) may be due to that.",
        "hot_steps": "hot in {hot} of {steps} {step_plural}",
        "hot_cold_steps": "hot in {hot} and cold in {cold} of {steps} {step_plural}",
        "cold_steps": "cold in {cold} of {steps} {step_plural}",
    },
}


def steps_text(n_hot: int, n_cold: int, n_steps: int, step: str, *, lang: str = "sv") -> str:
    """How often a cell was hot or cold: "het i 14 av 36 månader" (the map's tooltip).

    Examples
    --------
    >>> steps_text(14, 0, 36, "month")
    'het i 14 av 36 månader'
    >>> steps_text(0, 1, 1, "week", lang="en")
    'cold in 1 of 1 week'
    >>> steps_text(2, 3, 12, "quarter")
    'het i 2 och kall i 3 av 12 kvartal'
    """
    from core import formatting

    formatting.locale(lang)
    words = _WORDS[lang]
    singular, plural = STEP_WORDS[lang][_check_step(step)]
    values = {"hot": formatting.number(n_hot, lang=lang), "cold": formatting.number(n_cold, lang=lang),
              "steps": formatting.number(n_steps, lang=lang), "step_plural": singular if n_steps == 1 else plural}
    if n_cold and n_hot:
        return words["hot_cold_steps"].format(**values)
    return words["cold_steps" if n_cold else "hot_steps"].format(**values)


def summary_text(result: EmergingResult, *, lang: str = "sv") -> str:
    """The sentences on a result: how many cells and steps, how many cells per pattern, a partial final step.

    The final step is called partial when the period covers less than 90 % of its days.

    Examples
    --------
    >>> cells = pd.DataFrame({"pattern": ["new_hot", "none", "none", "persistent_hot"]})
    >>> settings = {"cell": 100.0, "neighbours": "queen", "time_window": 1, "last_step_days": 31,
    ...             "last_step_length": 31, "n_locations": 4}
    >>> steps = pd.date_range("2024-01-01", periods=12, freq="MS")
    >>> result = EmergingResult(cells, steps, "month", np.zeros((4, 12)), np.ones((4, 12)), np.zeros((4, 12)),
    ...                         settings)
    >>> print(summary_text(result))
    4 rutor à 100 m med händelser, 12 månader (jan–dec 2024); grannskap queen och 1 tidigare månad. Ny het punkt: 1 ruta och Ihållande het punkt: 1 ruta.
    """
    from core import formatting

    formatting.locale(lang)
    words = _WORDS[lang]
    settings = result.settings
    singular, plural = STEP_WORDS[lang][result.step]
    k = int(settings["time_window"])
    last_end = result.steps[-1] + pd.tseries.frequencies.to_offset(_FREQ[result.step]) - pd.Timedelta(days=1)
    cell = float(settings["cell"])
    sentence = words["head"].format(
        cells=formatting.number(settings["n_locations"], lang=lang),
        cell=formatting.number(cell, 0 if cell.is_integer() else 1, lang=lang),
        steps=formatting.number(result.n_steps, lang=lang),
        step_plural=singular if result.n_steps == 1 else plural,
        period=formatting.period_label(result.steps[0], last_end, lang=lang),
        neighbours=settings["neighbours"],
        window=words["window0"] if k == 0 else words["window"].format(
            k=formatting.number(k, lang=lang), step_word=singular if k == 1 else plural),
    )
    counts = result.cells["pattern"].value_counts()
    parts = [
        words["part"].format(label=PATTERN_LABELS[name][0 if lang == "sv" else 1],
                             n=formatting.number(int(counts[name]), lang=lang),
                             cells=words["cell"] if counts[name] == 1 else words["cells"])
        for name in PATTERNS if name != "none" and counts.get(name, 0)
    ]
    sentence += " " + (words["patterns"].format(listed=formatting.listing(parts, lang=lang)) if parts
                       else words["nothing"])
    # A final month cut a day or two short (the export ran on the 30th) changes little; a third missing does.
    if settings["last_step_days"] < 0.9 * settings["last_step_length"]:
        sentence += " " + words["partial"].format(
            period=formatting.period_label(result.steps[-1], last_end, lang=lang),
            days=formatting.number(settings["last_step_days"], lang=lang),
            length=formatting.number(settings["last_step_length"], lang=lang))
    return sentence
