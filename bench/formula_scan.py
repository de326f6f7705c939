"""What finding formulas saved without a result costs the calamine reader (issue 10).

    .venv/bin/python bench/formula_scan.py [--rows 200000] [--repeat 3]

Three Usage books of `--rows` rows (`make_books.usage_rows`, cached under `bench/.books/`):
`plain` (values only: an ERP export), `calculated` (Unit Cost is `=B{n}*2` with its value,
as Excel saves it) and `uncalculated` (the same formula without a value, as openpyxl saves
it). For each, the best of `--repeat` runs in seconds (other work on a shared machine only
ever slows a run down) of:

- `inflate`: streaming the sheet part through zlib in `_whole_rows` chunks, nothing else;
- `errors only`: the scan before issue 10 (error cells alone), copied here as the baseline;
- `error_cells`: today's scan (error cells and formulas without a result);
- `FastBook before` / `FastBook`: reading every row as `reconcile` does (calamine and the
  scan in parallel), with the baseline scan in place of `error_cells`, then with it.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import make_books  # noqa: E402
from workbook.files import fast_reader  # noqa: E402
from workbook.files.fast_reader import FastBook, _errors_in, _whole_rows, error_cells, sheet_parts  # noqa: E402

COST = re.compile(rb'<c r="E(\d+)"><v>([^<]*)</v></c>')
KINDS = {
    "plain": None,
    "calculated": rb'<c r="E\1"><f>B\1*2</f><v>\2</v></c>',
    "uncalculated": rb'<c r="E\1"><f>B\1*2</f><v></v></c>',
}


def book(kind: str, rows: int) -> Path:
    path = make_books.BOOKS_DIR / f"formulas-{kind}-{rows}.xlsx"
    if not path.exists():
        make_books.BOOKS_DIR.mkdir(parents=True, exist_ok=True)
        make_books.write_xlsx(path, [("Usage", f"A1:E{rows + 1}", make_books.usage_rows(rows))])
        if KINDS[kind]:
            _rewrite_costs(path, KINDS[kind])
    return path


def _rewrite_costs(path: Path, cell: bytes) -> None:
    with zipfile.ZipFile(path) as old:
        parts = {info.filename: old.read(info.filename) for info in old.infolist()}
    parts["xl/worksheets/sheet1.xml"] = COST.sub(cell, parts["xl/worksheets/sheet1.xml"])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in parts.items():
            new.writestr(name, data)


def inflate(path: Path) -> int:
    with zipfile.ZipFile(path) as archive, archive.open(sheet_parts(archive)["Usage"]) as stream:
        return sum(len(text) for text in _whole_rows(stream))


def errors_only(path: Path, name: str = "Usage") -> dict:
    """`error_cells` as it was before formulas without a result were looked for."""
    found: dict = {}
    with zipfile.ZipFile(path) as archive, archive.open(sheet_parts(archive)[name]) as stream:
        for text in _whole_rows(stream):
            if b'"e"' in text or b"'e'" in text:
                for row, column, value in _errors_in(text):
                    found.setdefault(row, {})[column] = value
    return found


def fast_book(path: Path) -> int:
    with FastBook(path) as reader:
        return sum(1 for _ in reader.rows("Usage"))


def fast_book_before(path: Path) -> int:
    fast_reader.error_cells = errors_only
    try:
        return fast_book(path)
    finally:
        fast_reader.error_cells = error_cells


def best_seconds(steps: dict, path: Path, repeat: int) -> list[float]:
    """Each step's best time; the steps take turns, so a busy spell slows them alike."""
    times: list[list[float]] = [[] for _ in steps]
    for _ in range(repeat):
        for done, work in zip(times, steps.values()):
            started = time.perf_counter()
            work(path)
            done.append(time.perf_counter() - started)
    return [min(done) for done in times]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    steps = {"inflate": inflate, "errors only": errors_only, "error_cells": lambda p: error_cells(p, "Usage"),
             "FastBook before": fast_book_before, "FastBook": fast_book}
    print(f"{args.rows:,} rows, best of {args.repeat} (seconds)")
    print(f"| book | {' | '.join(steps)} | cells marked |")
    print(f"|---|{'---|' * len(steps)}---|")
    for kind in KINDS:
        path = book(kind, args.rows)
        seconds = best_seconds(steps, path, args.repeat)
        marked = sum(len(columns) for columns in error_cells(path, "Usage").values())
        print(f"| {kind} | {' | '.join(f'{s:.3f}' for s in seconds)} | {marked:,} |")


if __name__ == "__main__":
    main()
