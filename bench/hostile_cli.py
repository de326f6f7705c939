"""Hostile-input benchmark through the whole command: every case of issue 6, file-level
(`tests/hostile_files.py`: refused and sound files) and cell-level (`tests/test_hostile_cells.py`),
and the valid workbooks of SPEC section 9 that libraries stumble on (`tests/odd_packages.py`),
each run as `giveback reconcile CASE -o OUT --json` in a fresh subprocess. Prints, per
case: exit status, seconds, the child's own peak resident memory (its VmHWM), whether a
traceback reached stderr, and rows lost (input rows neither used for a product nor
reported, counted from the --json report and the written Summary sheet); then the totals.

    .venv/bin/python bench/hostile_cli.py [--only WORD]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterator, NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import hostile_files as hostile  # noqa: E402
import odd_packages as odd  # noqa: E402
import test_hostile_cells as cells  # noqa: E402
from workbook.files.books import open_book  # noqa: E402
from workbook.sheets.schema import normal_name  # noqa: E402
from workbooks import table_of  # noqa: E402

INPUT_SHEETS = {"usage", "lots", "counts", "settings"}
BOMBS = ("bomb", "laughs", "parts", "encrypted workbook, 9 MB")
LIMIT_SECONDS = 120


# `giveback reconcile` that writes its own high-water mark of resident memory (VmHWM) to
# the file named by GIVEBACK_PEAK on the way out: ru_maxrss from wait4 would include this
# parent's memory at fork time (Linux keeps the larger of the two across exec).
CHILD = r"""
import atexit, os, sys
def peak():
    with open("/proc/self/status") as status, open(os.environ["GIVEBACK_PEAK"], "w") as out:
        out.write(next(line for line in status if line.startswith("VmHWM")).split()[1])
atexit.register(peak)
from giveback.cli import main
sys.exit(main(sys.argv[1:]))
"""


class Outcome(NamedTuple):
    case: str
    status: int
    seconds: float
    peak_mb: float
    tracebacks: int
    rows_lost: int


def cases() -> Iterator[tuple[str, Callable[[Path], Path]]]:
    """(case, builder of its file in a folder) for every case."""
    for case, build in {**hostile.REFUSED, **hostile.SOUND}.items():
        if case not in hostile.NOT_HERE:
            yield case, build
    yield "60,000 usage rows, 4,000 products", lambda folder: hostile.large_usage_workbook(folder, 60_000, 4_000)
    for case, build in {**odd.KINDS, **odd.EXCEL_SAVED, **odd.NOT_A_USAGE_SHEET}.items():
        yield f"valid: {case}", build
    for case, (book, options, _, _) in cells.CASES.items():
        yield f"cells: {case}", lambda folder, book=book, options=options: cells.build(folder / "in.xlsx", book, **options)
    book = {**cells.usage(), "Usage ": [("Product", "Quantity"), ("Z", 1)]}
    yield "cells: sheets 'Usage' and 'Usage '", lambda folder, book=book: cells.build(folder / "in.xlsx", book)
    for name in ("summary", "ADJUSTMENTS"):
        book = {**cells.usage(("C", "two")), name: [("My notes", "keep me")]}
        yield f"cells: own sheet '{name}'", lambda folder, book=book: cells.build(folder / "in.xlsx", book)


def run_case(path: Path, output: Path) -> tuple[int, float, float, str, str]:
    """Exit status, seconds, peak RSS MB of a fresh `giveback reconcile`, its stdout, stderr."""
    peak_file = output.with_name("peak.txt")
    environment = {**os.environ, "GIVEBACK_PEAK": str(peak_file)}
    started = time.perf_counter()
    child = subprocess.run([sys.executable, "-c", CHILD, "reconcile", str(path), "-o", str(output), "--json"],
                           capture_output=True, text=True, env=environment, timeout=LIMIT_SECONDS)
    seconds = time.perf_counter() - started
    peak = int(peak_file.read_text()) / 1024 if peak_file.exists() else float("nan")
    return child.returncode, seconds, peak, child.stdout, child.stderr


def rows_lost(path: Path, output: Path, stdout: str) -> int:
    """Input rows neither used nor reported (0 for a file refused whole: nothing was read)."""
    if not stdout or not output.exists():
        return 0
    with open_book(path) as reader:
        book = {name: [tuple(row) for row in reader.rows(name)] for name in reader.sheet_names()
                if normal_name(name) in INPUT_SHEETS}
    with open_book(output) as written:  # giveback's reader: it reads a Strict output too
        header, *rows = table_of([tuple(row) for row in written.rows("Summary")])
    summary = {cells.text(record["Product"]): record["Status"] for record in (dict(zip(header, row)) for row in rows)}
    return len(cells.rows_lost(book, json.loads(stdout), summary))


def measure(case: str, build: Callable[[Path], Path], folder: Path) -> Outcome:
    path = build(folder)
    output = folder / f"out{path.suffix if path.suffix in ('.xlsx', '.xlsm') else '.xlsx'}"
    status, seconds, peak, stdout, stderr = run_case(path, output)
    return Outcome(case, status, seconds, peak, stderr.count("Traceback"), rows_lost(path, output, stdout))


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--only", default="", help="run only the cases whose name holds this")
    arguments = options.parse_args()
    outcomes = []
    print("| case | exit | seconds | peak RSS MB | tracebacks | rows lost |\n|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as scratch:
        for number, (case, build) in enumerate(cases()):
            if arguments.only.lower() not in case.lower():
                continue
            folder = Path(scratch) / str(number)
            folder.mkdir()
            outcome = measure(case, build, folder)
            outcomes.append(outcome)
            print(f"| {case} | {outcome.status} | {outcome.seconds:.2f} | {outcome.peak_mb:.0f} | {outcome.tracebacks} | {outcome.rows_lost} |", flush=True)
    print_totals(outcomes)


def print_totals(outcomes: list[Outcome]) -> None:
    slowest = max(outcomes, key=lambda o: o.seconds)
    bombs = [o for o in outcomes if any(word in o.case for word in BOMBS)] or outcomes
    heaviest = max(bombs, key=lambda o: o.peak_mb)
    print(f"\nTotals: {len(outcomes)} cases tried; tracebacks {sum(o.tracebacks for o in outcomes)}; "
          f"rows lost {sum(o.rows_lost for o in outcomes)}; slowest {slowest.case} ({slowest.seconds:.2f} s); "
          f"peak memory on the bombs {heaviest.peak_mb:.0f} MB ({heaviest.case}); "
          f"exit statuses {sorted({o.status for o in outcomes})}.")


if __name__ == "__main__":
    main()
