"""Hostile-file benchmark: runs the guard on every file of `tests/hostile_files.py` and
prints, for each case, the verdict (the one-line message, or "passes"), seconds and the
peak memory Python allocated during the check. With `--without-guard`, also what
openpyxl alone (read-only load, every row iterated, in a child process with a time
limit) does with the same file: its exception, seconds and peak resident memory.

    .venv/bin/python bench/hostile.py [--width 120] [--without-guard]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import hostile_files as hostile  # noqa: E402
from workbook.files.guard import UnreadableWorkbook, check_workbook_file  # noqa: E402

OPENPYXL_ALONE = r"""
import resource, sys, time
from openpyxl import load_workbook
started = time.perf_counter()
try:
    book = load_workbook(sys.argv[1], read_only=True)
    rows = sum(1 for sheet in book.worksheets for _ in sheet.iter_rows(values_only=True))
    outcome = f"opened, {rows} rows"
except Exception as error:
    outcome = f"{type(error).__name__}: {str(error)[:60]}"
try:  # the high-water mark of this process's own memory (ru_maxrss keeps the parent's)
    peak = int(next(line for line in open("/proc/self/status") if line.startswith("VmHWM")).split()[1]) / 1024
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{outcome} | {time.perf_counter() - started:.2f} | {peak:.0f}")
"""


def openpyxl_alone(path: Path, seconds: float = 30) -> str:
    """'outcome | seconds | peak RSS MB' of openpyxl reading `path` with no guard."""
    try:
        child = subprocess.run([sys.executable, "-c", OPENPYXL_ALONE, str(path)], capture_output=True, text=True, timeout=seconds)
    except subprocess.TimeoutExpired:
        return f"still running after {seconds:.0f} s | - | -"
    return child.stdout.strip() or child.stderr.strip().splitlines()[-1]


def rows(folder: Path, without_guard: bool):
    """(case, verdict, seconds, peak MB, file MB[, openpyxl alone]) for every file."""
    for case, build in {**hostile.REFUSED, **hostile.SOUND}.items():
        if case in hostile.NOT_HERE:
            continue  # root reads any file; no named pipes on Windows
        place = folder / str(len(list(folder.iterdir())))
        place.mkdir()
        path = build(place)
        refusal, seconds, peak = hostile.measured(lambda: check_workbook_file(path), UnreadableWorkbook)
        verdict = f"{refusal.code}: {refusal.message}" if refusal else "passes"
        size = path.stat().st_size / 2**20 if path.is_file() else 0.0
        alone = [openpyxl_alone(path)] if without_guard and path.is_file() and case != "a named pipe" else []
        yield [case, verdict, f"{seconds:.3f}", f"{peak:.2f}", f"{size:.2f}", *alone]


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--width", type=int, default=0, help="cut verdicts to this many characters")
    options.add_argument("--without-guard", action="store_true", help="also run openpyxl alone on each file")
    arguments = options.parse_args()
    extra = " openpyxl alone | seconds | peak RSS MB |" if arguments.without_guard else ""
    print(f"| case | verdict | seconds | peak MB | file MB |{extra}\n|---|---|---:|---:|---:|{'---|---:|---:|' if extra else ''}")
    with tempfile.TemporaryDirectory() as folder:
        for row in rows(Path(folder), arguments.without_guard):
            if arguments.width and len(row[1]) > arguments.width:
                row[1] = row[1][: arguments.width] + "..."
            print("| " + " | ".join(row) + " |")
    print(f"\nWhole run (building every file included): peak resident memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB.")


if __name__ == "__main__":
    main()
