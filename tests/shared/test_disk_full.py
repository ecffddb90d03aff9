"""The data directory's disk full: importing a dataset that does not fit says so, and nothing changes.

The data directory is a real 2 MB tmpfs (``mount -t tmpfs -o size=2m``; the tests run as root, as
CI does), first given a small dataset, then filled up to a few kilobytes with a ballast file, as a
disk that other files have filled. ``samsyn dataset add`` then runs out of space while it writes the
new dataset: the command says in Swedish that the disk is full and exits with code 2, the datasets
on disk and their files are byte for byte what they were, and no temporary file is left behind.
"""

from __future__ import annotations

import errno
import hashlib
import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow]

HEADER = "Datum;Klockslag;Brottstyp;X-koordinat;Y-koordinat\n"


def _export(path: Path, rows: int) -> Path:
    """A police export with ``rows`` incidents spread over a few km of Malmö (SWEREF 99 TM)."""
    lines = [f"2025-05-{1 + i % 28:02d};{i % 24:02d}:{(7 * i) % 60:02d};{('Cykelstöld', 'Klotter')[i % 2]};"
             f"{374000 + (i * 7919) % 3000},{i % 10};{6164000 + (i * 104729) % 3000},{(3 * i) % 10}\n"
             for i in range(rows)]
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


def _tree(root: Path) -> dict[str, str]:
    """Every file under ``root`` (ballast aside) → SHA-256 of its bytes."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and p.name != "ballast"}


@pytest.fixture()
def small_disk() -> Iterator[Path]:
    """A freshly mounted 2 MB tmpfs, unmounted afterwards."""
    mountpoint = Path(tempfile.mkdtemp(prefix="samsyn-full-"))
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m,mode=0755", "tmpfs", str(mountpoint)],
                             capture_output=True, text=True)
    if mounted.returncode:
        mountpoint.rmdir()
        pytest.fail("The disk-full test mounts a 2 MB tmpfs and needs root for it (CI runs as root): "
                    f"{mounted.stderr.strip()}", pytrace=False)
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", str(mountpoint)], check=False)
        mountpoint.rmdir()


def _fill(disk: Path, leave: int) -> None:
    """Write a ballast file until the disk is full, then free ``leave`` bytes of it."""
    ballast = disk / "ballast"
    with ballast.open("wb", buffering=0) as handle:  # unbuffered: nothing left to fail at close
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError as error:
            assert error.errno == errno.ENOSPC
    os.truncate(ballast, max(0, ballast.stat().st_size - leave))


def test_an_import_that_does_not_fit_says_the_disk_is_full_and_changes_nothing(small_disk, tmp_path, run_cli):
    data = small_disk / "userdata"
    before_import = run_cli("dataset", "add", "April", "--incidents", _export(tmp_path / "april.csv", 20),
                            "--data", data, "--use")
    assert before_import.returncode == 0, before_import.stderr
    listed = run_cli("dataset", "list", "--data", data)
    assert listed.returncode == 0 and "april" in listed.stdout
    files_before = _tree(data)
    assert "datasets/april/incidents.parquet" in files_before

    _fill(small_disk, leave=16 * 1024)
    big = _export(tmp_path / "maj.csv", 20_000)  # about 300 kB as Parquet: far more than the 16 kB left
    result = run_cli("dataset", "add", "Maj", "--incidents", big, "--data", data, "--use")

    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"Fel: Fil incidents.parquet: Disken för datamappen är full ({data / 'datasets'}")
    assert "Inget ändrades – det som fanns finns kvar som det var." in result.stderr
    # Nothing half-written: the same files with the same bytes, no new dataset, no temporary file.
    assert _tree(data) == files_before
    assert not [p for p in data.rglob("*") if p.name.startswith(".")]
    assert run_cli("dataset", "list", "--data", data).stdout == listed.stdout

    # Choosing another default on the full disk: the same message, active.json as it was.
    _fill(small_disk, leave=0)
    chosen = run_cli("dataset", "use", "exempelstad", "--data", data)
    assert chosen.returncode == 2 and "Traceback" not in chosen.stderr
    assert chosen.stderr.startswith(f"Fel: Fil active.json: Disken för datamappen är full ({data})")
    assert _tree(data) == files_before
