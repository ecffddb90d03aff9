"""``samsyn sample``: regenerate the Exempelstad (fiktiv ort) sample files."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from core.errors import InputError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Register the ``sample`` subcommand."""
    parser = subparsers.add_parser(
        "sample",
        help="skapa exempeldata för Exempelstad (fiktiv ort)",
        description=(
            "Skapar exempeldata för den påhittade orten Exempelstad: händelser, stadsdelar, platser, "
            "gator, bakgrundskarta, trygghetsmätning, reparationskostnader och facit (truth.json). "
            "Samma frö och skala ger byte-identiska filer."
        ),
    )
    parser.add_argument("--out", metavar="MAPP", type=Path, default=None,
                        help="mapp att skriva till (standard: data/sample i projektet)")
    parser.add_argument("--seed", metavar="N", type=int, default=2026, help="slumpfrö (standard: 2026)")
    parser.add_argument("--scale", metavar="K", type=float, default=1.0,
                        help="multiplicerar antalet händelser (standard: 1; 25 ger ungefär en miljon)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Generate the sample; print where it went."""
    from exempelstad.generate import generate

    if not args.scale > 0:
        raise InputError("--scale måste vara större än 0.")
    if args.out is not None and args.out.exists() and not args.out.is_dir():
        raise InputError("Utmappen finns redan men är en fil, inte en mapp.", path=args.out)
    started = time.perf_counter()
    written = generate(args.out, seed=args.seed, scale=args.scale)
    rows = _row_count(written.incidents)
    seconds = time.perf_counter() - started
    count = f"{rows:,}".replace(",", " ")
    print(f"Exempelstad (fiktiv ort): {count} händelser och {len(written.files())} filer i "
          f"{written.directory} ({seconds:.1f} s, frö {args.seed}, skala {args.scale:g}).")
    return 0


def _row_count(path: Path) -> int:
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_rows
