"""TEMPORARY stand-in for `workbook/package.py` (being built on another branch): lets the
command line run end to end until the real writer lands. Delete this file once it does.

It saves through openpyxl, which drops parts of some workbooks (see NOTES.md): the real
writer copies the user's package byte for byte instead. Same signature and exceptions.
"""

from __future__ import annotations

import os
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Sequence

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

from .seam import EXCEL_MAX_ROWS, OutputSheet

MARK = "giveback_"  # our sheets carry a table named giveback_<n>


class PackageError(Exception):
    pass


class SheetNotOurs(Exception):
    pass


def write_outputs(source: Path, target: Path, sheets: Sequence[OutputSheet], drop: Sequence[str] = ()) -> list[str]:
    try:
        book = load_workbook(source, keep_vba=Path(source).suffix.lower() == ".xlsm")
    except Exception as error:  # interim only
        raise PackageError(f"{source}: not a readable Excel workbook ({error})") from None
    for sheet in sheets:
        _check_ours(book, sheet.name)
    for name in [n for n in book.sheetnames if any(n == d or n.startswith(d + " (") for d in
                                                   [s.name for s in sheets] + list(drop))]:
        _check_ours(book, name)
        del book[name]
    written = []
    for sheet in sheets:
        written += _write(book, sheet)
    handle, temp = tempfile.mkstemp(dir=Path(target).parent, suffix=Path(target).suffix)
    os.close(handle)
    try:
        book.save(temp)
        os.chmod(temp, os.stat(source).st_mode & 0o777)
        os.replace(temp, target)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return written


def _check_ours(book, name: str) -> None:
    if name in book.sheetnames and not any(t.startswith(MARK) for t in book[name].tables):
        raise SheetNotOurs(f"The workbook already has a sheet named {name} that giveback did not write;"
                           " rename it and run again.")


def _write(book, sheet: OutputSheet) -> list[str]:
    names, current, count = [], None, 0
    for row in sheet.rows:
        if current is None or count == EXCEL_MAX_ROWS - 1:
            current = _new_sheet(book, sheet, len(names) + 1)
            names.append(current.title)
            count = 0
        current.append([float(v) if isinstance(v, Decimal) else v for v in row])
        count += 1
    if current is None:
        names.append(_new_sheet(book, sheet, 1).title)
    for name in names:
        _finish(book[name], sheet, len(book.sheetnames))
    return names


def _new_sheet(book, sheet: OutputSheet, number: int):
    ws = book.create_sheet(sheet.name if number == 1 else f"{sheet.name} ({number})")
    ws.append([c.header for c in sheet.columns])
    ws.freeze_panes = "A2"
    for i, column in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width
    return ws


def _finish(ws, sheet: OutputSheet, serial: int) -> None:
    last = get_column_letter(len(sheet.columns))
    for i, column in enumerate(sheet.columns, start=1):
        for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
            cell.number_format = column.number_format
    table = Table(displayName=f"{MARK}{serial}_{abs(hash(ws.title)) % 10**6}",
                  ref=f"A1:{last}{max(ws.max_row, 2)}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
