"""Subcommand ``nearrepeat``: the Knox test for near-repeat patterns, one CSV row per band.

``samsyn nearrepeat HÄNDELSER --distance-bands 0,100,200,400,800 --time-bands 0,7,14,28,56
--permutations 999 [--category … --seed N --from … --to …] --out UT.csv`` writes
``distance_from, distance_to, days_from, days_to, observed, expected, knox_ratio, p_value`` and
prints the plain reading of the nearest band with how the test was run.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cli.common import add_filter_arguments, atomic_output, filtered_incidents
from core.errors import InputError

DEFAULT_DISTANCE_BANDS = "0,100,200,400,800"
DEFAULT_TIME_BANDS = "0,7,14,28,56"


def _whole(text: str, option: str, *, least: int) -> int:
    """A whole number of at least ``least`` from ``text``; a Swedish message naming ``option``."""
    try:
        value = int(str(text).strip())
    except ValueError as error:
        raise InputError(f"{option} måste vara ett heltal, inte '{text}'.") from error
    if value < least:
        raise InputError(f"{option} måste vara minst {least}, inte {value}.")
    return value


def _nearrepeat(args: argparse.Namespace) -> int:
    import numpy as np

    from analysis.nearrepeat import METRICS, event_nouns, knox_sentence, knox_test, parse_bands
    from core import formatting

    if Path(args.out).suffix.lower() != ".csv":
        raise InputError("Utdata måste sluta på .csv.", path=args.out)
    try:
        distance_bands = parse_bands(args.distance_bands, option="--distance-bands")
        time_bands = parse_bands(args.time_bands, option="--time-bands")
    except ValueError as error:
        raise InputError(str(error)) from error
    if args.metric not in METRICS:
        raise InputError(f"--metric: okänt avståndsmått '{args.metric}'; välj euclidean eller manhattan.")
    permutations = _whole(args.permutations, "--permutations", least=2)
    seed = None if args.seed is None else _whole(args.seed, "--seed", least=0)
    incidents = filtered_incidents(args)
    if len(incidents) < 2:
        raise InputError(f"Det behövs minst två händelser efter filtren, här finns {len(incidents)}.",
                         path=args.incidents)
    try:
        result = knox_test(incidents, distance_bands=distance_bands, time_bands=time_bands,
                           permutations=permutations, seed=seed, metric=args.metric)
    except ValueError as error:
        raise InputError(str(error), path=args.incidents) from error
    with atomic_output(args.out) as tmp:
        result.table.to_csv(tmp, index=False, encoding="utf-8")

    n = formatting.number
    print(f"Knox-test på {n(result.n_events)} händelser, {n(result.n_pairs)} par närmare än "
          f"{n(distance_bands[-1]) if np.isfinite(distance_bands[-1]) else '∞'} m, "
          f"{n(result.permutations)} permutationer av datumen"
          + (f" (frö {seed})." if seed is not None else "."))
    if result.dropped:
        print(f"{n(result.dropped)} händelser saknar position eller tid och ingår inte.")
    first, another = event_nouns(args.category)
    print(knox_sentence(result, first=first, another=another))
    significant = result.table[result.table["p_value"] < 0.05]
    print(f"Band med fler par än slumpen ger (p < 0,05): {len(significant)} av {len(result.table)}.")
    for note in result.notes():
        print(f"Obs: {note}")
    print(f"Skrev {args.out}.")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Register ``nearrepeat``."""
    p = subparsers.add_parser(
        "nearrepeat", help="near repeat: Knox-test med avstånds- och tidsband",
        description="Knox-testet för samband i rum och tid: antalet par av händelser inom varje avståndsband "
                    "× tidsband jämförs med samma antal när datumen blandas om slumpmässigt (Monte Carlo). "
                    "Banden är [från, till) som i R-paketet NearRepeat; dagar räknas i kalenderdagar och en "
                    "händelse med tidsfönster placeras mitt i fönstret. p = (antal permutationer med minst "
                    "lika många par + 1) / (permutationer + 1).",
    )
    p.add_argument("incidents", metavar="HÄNDELSER", help="händelsefil (från samsyn import, eller CSV/Excel)")
    p.add_argument("--distance-bands", default=DEFAULT_DISTANCE_BANDS, metavar="M,M,…",
                   help=f"avståndsgränser i meter, t.ex. 0,0.1,100 för ett eget band för samma plats "
                        f"(standard: {DEFAULT_DISTANCE_BANDS})")
    p.add_argument("--time-bands", default=DEFAULT_TIME_BANDS, metavar="D,D,…",
                   help=f"tidsgränser i dagar, t.ex. 0,1,7 för ett eget band för samma dag "
                        f"(standard: {DEFAULT_TIME_BANDS})")
    p.add_argument("--permutations", default="999", metavar="N", help="antal permutationer (standard: 999)")
    p.add_argument("--seed", metavar="N", help="slumpfrö, för samma resultat varje gång")
    p.add_argument("--metric", default="euclidean", metavar="euclidean|manhattan",
                   help="avstånd fågelvägen (euclidean, standard) eller |dx| + |dy| (manhattan)")
    add_filter_arguments(p)
    p.add_argument("--out", required=True, metavar="UT.csv", help="CSV-fil att skriva")
    p.set_defaults(handler=_nearrepeat)
