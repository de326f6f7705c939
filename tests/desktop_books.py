"""Files from an accountant's desktop, built byte for byte as the programs write them: the
owner files Excel and LibreOffice keep beside an open book, a 1904-date workbook from an
older Mac Excel, workbooks whose texts and sheet names XML cannot carry as they are.

Owner files follow LibreOffice's own code, which reads and writes both programs' files
(`svl/source/misc/msodocumentlockfile.cxx`, `lockfilecommon.cxx`):

- Excel's `~$NAME`: 165 bytes; the user name's length (one byte), the name in the 8-bit
  code page, 0x20 up to byte 55; at 55 the length again as two bytes, then the name in
  UTF-16 little-endian; then 0x20 0x00 pairs to the end.
- LibreOffice's `.~lock.NAME#`: `formatted name,system user,host,dd.mm.yyyy hh:mm,profile URL;`
  in UTF-8, `,` `;` `\\` inside a field escaped with `\\` (the first field is empty when the
  user set no name in LibreOffice's options).

`tests/test_open_books.py` also holds a book open in a real LibreOffice (`uno_hold_open.py`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import odd_packages as odd

EXCEL_OWNER_SIZE = 165


def excel_owner_file(book: Path, user: str) -> Path:
    """The owner file Excel writes beside `book` while `user` has it open."""
    name = user[:52]
    data = bytearray(b" " * EXCEL_OWNER_SIZE)
    data[0] = len(name)
    data[1:1 + len(name)] = name.encode("cp1252", errors="replace")
    data[55:57] = len(name).to_bytes(2, "little")
    wide = name.encode("utf-16-le")
    data[57:57 + len(wide)] = wide
    for at in range(57 + len(wide), EXCEL_OWNER_SIZE, 2):  # the rest: 0x20 0x00 pairs
        data[at:at + 2] = b" \x00"[: EXCEL_OWNER_SIZE - at]
    path = book.with_name(f"~${book.name}")
    path.write_bytes(bytes(data))
    return path


def libreoffice_lock_file(book: Path, user: str = "", system_user: str = "jdoe", host: str = "LAPTOP-7",
                          when: dt.datetime = dt.datetime(2026, 3, 14, 10, 35)) -> Path:
    """The lock file LibreOffice writes beside `book` while it has it open."""
    fields = [user, system_user, host, when.strftime("%d.%m.%Y %H:%M"), "file:///home/jdoe/.config/libreoffice/4"]
    escaped = [field.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;") for field in fields]
    path = book.with_name(f".~lock.{book.name}#")
    path.write_bytes((",".join(escaped) + ";").encode("utf-8"))
    return path


def usage_book(path: Path, rows: list[tuple], sheets_before: tuple[str, ...] = (), date1904: bool = False,
               date_column: str | None = None) -> Path:
    """A workbook whose Usage sheet holds `rows` (its header first), texts in shared strings
    as Excel writes them: the caller passes them already in Office's escaped form
    (`AB_x0001_C`); `sheets_before` are other sheets, named as given, in front of it;
    `date1904` sets the 1904 date system, and `date_column`'s numbers (serials in the
    book's system) show as dates (the styles' date format, built-in 14)."""
    tabs = [odd.Sheet(name, rows=(("note", 1),)) for name in sheets_before] + [odd.Sheet("Usage", rows=tuple(rows))]
    parts = odd.book(tabs)
    if date1904:
        parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace("<workbookPr/>", '<workbookPr date1904="1"/>')
    if date_column:
        sheet = f"xl/worksheets/sheet{len(tabs)}.xml"
        parts[sheet] = re.sub(rf'<c r="({date_column}(?!1")\d+)">', r'<c r="\1" s="1">', parts[sheet])
    return odd.write_zip(path, parts)


def serial_1904(date: dt.date) -> int:
    """A date's serial number in the 1904 date system (older Mac Excel)."""
    return (date - dt.date(1904, 1, 1)).days


def hold(path: Path) -> int:
    """Open `path` and lock it as a running giveback holds its temporary file; returns the
    descriptor (close it to let go)."""
    import fcntl

    handle = os.open(path, os.O_RDWR)
    fcntl.flock(handle, fcntl.LOCK_EX)
    return handle
