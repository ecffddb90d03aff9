"""Run every benchmark module and print one JSON line per measure."""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
from pathlib import Path

# Run only when named (`python -m bench load`): minutes long and starting a whole shared installation.
ON_REQUEST = {"load": "load"}


def main(selected: list[str]) -> int:
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    if selected:
        names = [n for n in names if any(s in n for s in selected)]
        names += [module for name, module in ON_REQUEST.items() if name in selected]
    failed = 0
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        for measure in module.run():
            print(json.dumps(measure, ensure_ascii=False), flush=True)
            if measure.get("ok") is False:
                failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
