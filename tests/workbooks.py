"""Workbooks for the workbook tests, built from rows in memory.

`grids(...)` gives a `SheetReader` over plain rows (what every codec sees); `xlsx(path,
...)` writes the same sheets as a real file with openpyxl; `sheet_values(path, name)`
reads a written sheet back as rows of values.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Sequence

from openpyxl import Workbook, load_workbook

from workbook.seam import Grids

USAGE_HEADER = ("Product", "Quantity", "Date", "Reference", "Unit Cost")
LOTS_HEADER = ("Product", "Lot", "Quantity", "Used", "Date", "Unit Cost")
COUNTS_HEADER = ("Product", "Balance", "Counted")

SEED_NET_ZERO = [2, 4, 4, -10, 3, -3]


def usage_rows(product: str, quantities: Sequence[object]) -> list[tuple]:
    return [(product, quantity) for quantity in quantities]


def sheets(usage=(), lots=None, counts=None, settings=None, usage_header=USAGE_HEADER) -> dict[str, list]:
    """Input sheets as `{name: rows}`, each with its header row first."""
    book = {"Usage": [usage_header, *usage]}
    if lots is not None:
        book["Lots"] = [LOTS_HEADER, *lots]
    if counts is not None:
        book["Counts"] = [COUNTS_HEADER, *counts]
    if settings is not None:
        book["Settings"] = [("Setting", "Value"), *settings]
    return book


def grids(**kwargs) -> Grids:
    return Grids(sheets(**kwargs))


def demo_usage() -> list[tuple]:
    """Three products, each a different case."""
    return (
        usage_rows("NUT-5", SEED_NET_ZERO)
        + usage_rows("BOLT-10", [-20, 3])
        + usage_rows("WIDGET", [25, 45, -10])
    )


def xlsx(path: Path, book: dict[str, list] | None = None, extra: dict[str, list] | None = None) -> Path:
    """Write `book` (default: `sheets(demo_usage())`) and `extra` sheets to `path`."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in {**(book or sheets(demo_usage())), **(extra or {})}.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    workbook.save(path)
    return path


def sheet_values(path: Path, name: str) -> list[tuple]:
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        return [tuple(row) for row in workbook[name].iter_rows(values_only=True)]
    finally:
        workbook.close()


OUTPUT_FIRST_HEADERS = {"Product", "Loop", "Cell"}  # the first header of each output table


def table_values(path: Path, name: str) -> list[tuple]:
    """An output sheet's table: its header row and data rows, without the intro above it
    or the totals row under it."""
    return table_of(sheet_values(path, name))


def table_of(rows: list) -> list:
    """The header and data rows of an output sheet's rows of values."""
    start = next(i for i, row in enumerate(rows) if row and row[0] in OUTPUT_FIRST_HEADERS and row[1])
    table = [row for row in rows[start:] if any(value not in (None, "") for value in row)]
    return table[:-1] if len(table) > 1 and table[-1][0] == "Total" else table


def records(path: Path, name: str) -> list[dict]:
    """An output sheet's data rows as {header: value}."""
    header, *rows = table_values(path, name)
    return [dict(zip(header, (*row, *[None] * (len(header) - len(row))))) for row in rows]  # trailing blanks


def sheet_names(path: Path) -> list[str]:
    workbook = load_workbook(path, read_only=True)
    try:
        return workbook.sheetnames
    finally:
        workbook.close()


def digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
