"""Hostile-file benchmark: runs the guard on every file of `tests/hostile_files.py` and
prints, for each case, the verdict (the one-line message, or "passes"), seconds and the
peak memory Python allocated during the check.

    .venv/bin/python bench/hostile.py [--width 120]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import hostile_files as hostile  # noqa: E402
from workbook.guard import UnreadableWorkbook, check_workbook_file  # noqa: E402


def rows(folder: Path):
    """(case, verdict, seconds, peak MB, file size MB) for every hostile and sound file."""
    for case, build in {**hostile.REFUSED, **hostile.SOUND}.items():
        if case in hostile.NOT_HERE:
            continue  # root reads any file; no named pipes on Windows
        place = folder / str(len(list(folder.iterdir())))
        place.mkdir()
        path = build(place)
        refusal, seconds, peak = hostile.measured(lambda: check_workbook_file(path), UnreadableWorkbook)
        verdict = f"{refusal.code}: {refusal.message}" if refusal else "passes"
        size = path.stat().st_size / 2**20 if path.is_file() else 0.0
        yield case, verdict, seconds, peak, size


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--width", type=int, default=0, help="cut verdicts to this many characters")
    width = options.parse_args().width
    print(f"| case | verdict | seconds | peak MB | file MB |\n|---|---|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        for case, verdict, seconds, peak, size in rows(Path(folder)):
            shown = verdict[:width] + "..." if width and len(verdict) > width else verdict
            print(f"| {case} | {shown} | {seconds:.3f} | {peak:.2f} | {size:.2f} |")
    print(f"\nWhole run (building every file included): peak resident memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB.")


if __name__ == "__main__":
    main()
