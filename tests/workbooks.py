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


def sheet_names(path: Path) -> list[str]:
    workbook = load_workbook(path, read_only=True)
    try:
        return workbook.sheetnames
    finally:
        workbook.close()


def digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
