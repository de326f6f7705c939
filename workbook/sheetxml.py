"""Stream an output sheet's XML (SpreadsheetML worksheet and table parts) as text.

Rows arrive as plain values and leave as `<row>` elements written straight into an open
zip entry, a few thousand at a time, so memory stays flat whatever the number of rows.
Cells are typed the way Excel stores them:

| value | cell |
|---|---|
| `int`, `float`, `Decimal` | a number (`Decimal` written exactly, `str(d)`); NaN/infinity as `#NUM!` |
| `date`, `datetime` | a serial number (1900 date system) with the column's format, or a date format when the column's is General |
| `bool` | a boolean |
| `str` | an inline string (`t="inlineStr"`), XML-escaped, never a formula |
| `None` | no cell |

Each sheet has a frozen header row, the columns' widths, and one table part (a real Excel
table with an autofilter) whose range is known only once the rows are written.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import sys
from decimal import Decimal
from typing import IO, Iterable, Iterator, NamedTuple, Sequence
from xml.sax.saxutils import escape, quoteattr

from .seam import Column, Row

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TABLE_STYLE = "TableStyleMedium2"
_LARGEST = sys.float_info.max
MAX_TEXT = 32_767  # Excel's limit on a cell's text
_ROWS_PER_WRITE = 2_000
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_EXCEL_EPOCH_ORDINAL = _EXCEL_EPOCH.toordinal()
_FIRST_REAL_LEAP_DAY = dt.date(1900, 3, 1)  # before it Excel counts a 29 Feb 1900
_SECONDS_PER_DAY = 86_400.0
_TEXT_NEEDING_CARE = re.compile(
    r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]|_x[0-9A-Fa-f]{4}_|^\s|\s$"
)
_NOT_XML_CHAR = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LOOKS_LIKE_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


class CellStyles(NamedTuple):
    """Indexes into the workbook's cellXfs: one per column, plus the formats a date or
    date-time value takes in a column whose format is General."""

    columns: tuple[int, ...]
    general: tuple[bool, ...]
    date: int
    datetime: int


def column_letter(number: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def excel_serial(value: dt.date) -> float | int | None:
    """The 1900-system serial of a date or date-time (wall-clock time, any time zone
    dropped); None before 1 January 1900, which Excel cannot show as a date."""
    if isinstance(value, dt.datetime):
        days = value.replace(tzinfo=None) - _EXCEL_EPOCH
        serial = days.days + days.seconds / _SECONDS_PER_DAY + days.microseconds / 8.64e10
        date = value.date()
    else:
        serial = (value - _EXCEL_EPOCH.date()).days
        date = value
    if date.year < 1900:
        return None
    return serial - 1 if date < _FIRST_REAL_LEAP_DAY else serial


def cell_text(text: str) -> str:
    """Text as a cell's `<t>` content: Excel's `_xHHHH_` escapes for characters XML
    cannot carry, XML escapes, and cut to Excel's 32,767 characters."""
    text = text[:MAX_TEXT]
    text = _LOOKS_LIKE_ESCAPE.sub(r"_x005F_\1", text)
    text = _NOT_XML_CHAR.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return escape(text)


def unique_headers(columns: Sequence[Column]) -> list[str]:
    """Headers a table accepts: non-blank, unique regardless of case (`Qty`, `Qty2`)."""
    seen: set[str] = set()
    headers = []
    for number, column in enumerate(columns, 1):
        base = " ".join(str(column.header).split())[:255] or f"Column{number}"
        header, suffix = base, 1
        while header.casefold() in seen:
            suffix += 1
            header = f"{base}{suffix}"
        seen.add(header.casefold())
        headers.append(header)
    return headers


class SheetWritten(NamedTuple):
    data_rows: int
    rest: Iterator[Row] | None  # the rows that did not fit, or None when all were written


def write_sheet(
    stream: IO[bytes],
    columns: Sequence[Column],
    styles: CellStyles,
    rows: Iterator[Row],
    max_data_rows: int,
    table_relationship: str,
) -> SheetWritten:
    """Write one worksheet part: header, up to `max_data_rows` rows from `rows`, and a
    pointer to its table part. Says how many rows it wrote and what remains."""
    headers = unique_headers(columns)
    stream.write(_sheet_start(columns, headers).encode())
    count = _write_rows(stream, _row_encoder(styles), itertools.islice(rows, max_data_rows))
    stream.write(_sheet_end(table_relationship).encode())
    following = next(rows, None) if count == max_data_rows else None
    rest = None if following is None else itertools.chain([following], rows)
    return SheetWritten(count, rest)


def table_xml(table_id: int, name: str, columns: Sequence[Column], data_rows: int) -> bytes:
    """The table part over a sheet's header and data rows (an empty table keeps one
    blank row: Excel wants a table to have at least one)."""
    last = f"{column_letter(len(columns))}{max(data_rows, 1) + 1}"
    ref = f"A1:{last}"
    table_columns = "".join(
        f'<tableColumn id="{number}" name={quoteattr(header)}/>'
        for number, header in enumerate(unique_headers(columns), 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<table xmlns="{MAIN_NS}" id="{table_id}" name="{name}" displayName="{name}" '
        f'ref="{ref}" totalsRowShown="0"><autoFilter ref="{ref}"/>'
        f'<tableColumns count="{len(columns)}">{table_columns}</tableColumns>'
        f'<tableStyleInfo name="{TABLE_STYLE}" showFirstColumn="0" showLastColumn="0" '
        'showRowStripes="1" showColumnStripes="0"/></table>'
    ).encode()


def _sheet_start(columns: Sequence[Column], headers: Sequence[str]) -> str:
    widths = "".join(
        f'<col min="{number}" max="{number}" width="{float(column.width):g}" customWidth="1"/>'
        for number, column in enumerate(columns, 1)
    )
    header_cells = "".join(
        f'<c r="{column_letter(number)}1" t="inlineStr"><is><t>{cell_text(header)}</t></is></c>'
        for number, header in enumerate(headers, 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
        "</sheetView></sheetViews>"
        '<sheetFormatPr defaultRowHeight="15"/>'
        f"<cols>{widths}</cols><sheetData>"
        f'<row r="1">{header_cells}</row>'
    )


def _sheet_end(table_relationship: str) -> str:
    return (
        "</sheetData>"
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        f'<tableParts count="1"><tablePart r:id="{table_relationship}"/></tableParts>'
        "</worksheet>"
    )


def _write_rows(stream: IO[bytes], encode_row, rows: Iterable[Row]) -> int:
    count = 0
    batch: list[str] = []
    for count, row in enumerate(rows, 1):
        encode_row(count + 1, row, batch)
        if count % _ROWS_PER_WRITE == 0:
            stream.write("".join(batch).encode())
            batch.clear()
    stream.write("".join(batch).encode())
    return count


def _row_encoder(styles: CellStyles):
    """A function appending one row's XML to a list: the hot loop, so each column's
    fixed pieces of markup are built once here and types are checked fastest first."""
    width = len(styles.columns)
    starts = [f'<c r="{column_letter(number)}' for number in range(1, width + 1)]
    style = [f'" s="{xf}"' if xf else '"' for xf in styles.columns]
    number_tail = [f"{s}><v>" for s in style]
    text_tail = [f'{s} t="inlineStr"><is><t>' for s in style]
    spaced_text_tail = [f'{s} t="inlineStr"><is><t xml:space="preserve">' for s in style]
    bool_tail = [f'{s} t="b"><v>' for s in style]
    error_tail = [f'{s} t="e"><v>' for s in style]
    date_tails = [
        (f'" s="{styles.date}"><v>', f'" s="{styles.datetime}"><v>') if general else (tail, tail)
        for general, tail in zip(styles.general, number_tail)
    ]
    needs_care = _TEXT_NEEDING_CARE.search

    def encode(number: int, values: Row, out: list[str]) -> None:
        if len(values) > width:
            raise ValueError(f"row {number} has {len(values)} values for {width} columns")
        r = str(number)
        out.append(f'<row r="{r}">')
        for i, value in enumerate(values):
            kind = type(value)
            if value is None:
                continue
            if kind is str:
                if needs_care(value):
                    tail = spaced_text_tail if value != value.strip() else text_tail
                    value = cell_text(value)
                else:
                    tail = text_tail
                out.append(f"{starts[i]}{r}{tail[i]}{value}</t></is></c>")
            elif kind is int or kind is float:
                if -_LARGEST <= value <= _LARGEST:
                    out.append(f"{starts[i]}{r}{number_tail[i]}{value}</v></c>")
                else:
                    out.append(f"{starts[i]}{r}{error_tail[i]}#NUM!</v></c>")
            elif kind is Decimal and value.is_finite() and value.adjusted() < 308:
                out.append(f"{starts[i]}{r}{number_tail[i]}{value}</v></c>")
            elif kind is bool:
                out.append(f"{starts[i]}{r}{bool_tail[i]}{1 if value else 0}</v></c>")
            elif kind is dt.date and value >= _FIRST_REAL_LEAP_DAY:
                serial = value.toordinal() - _EXCEL_EPOCH_ORDINAL
                out.append(f"{starts[i]}{r}{date_tails[i][0]}{serial}</v></c>")
            else:
                out.append(_other_cell(value, starts[i] + r, number_tail[i], bool_tail[i],
                                       error_tail[i], text_tail[i], date_tails[i]))
        out.append("</row>")

    return encode


def _other_cell(value, start, number_tail, bool_tail, error_tail, text_tail, date_tails) -> str:
    """Cells of the less common types (and subclasses of the common ones)."""
    if isinstance(value, bool):
        return f"{start}{bool_tail}{int(value)}</v></c>"
    if isinstance(value, Decimal):
        if value.is_finite() and value.adjusted() < 308:
            return f"{start}{number_tail}{value}</v></c>"
        return f"{start}{error_tail}#NUM!</v></c>"
    if isinstance(value, (int, float)):
        if -_LARGEST <= value <= _LARGEST:
            return f"{start}{number_tail}{int(value) if isinstance(value, int) else float(value)}</v></c>"
        return f"{start}{error_tail}#NUM!</v></c>"
    if isinstance(value, dt.date):
        serial = excel_serial(value)
        if serial is not None:
            tail = date_tails[1] if isinstance(value, dt.datetime) else date_tails[0]
            return f"{start}{tail}{serial}</v></c>"
        value = value.isoformat()
    text = str(value)
    if text != text.strip():
        text_tail = text_tail.replace("<t>", '<t xml:space="preserve">')
    return f"{start}{text_tail}{cell_text(text)}</t></is></c>"
