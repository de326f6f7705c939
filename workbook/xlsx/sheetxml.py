"""Stream an output sheet's XML (SpreadsheetML worksheet and table parts) as text.

Rows arrive as plain values and leave as `<row>` elements written straight into an open
zip entry, a few thousand at a time, so memory stays flat whatever the number of rows.
Cells are typed the way Excel stores them:

| value | cell |
|---|---|
| `int`, `float`, `Decimal` | a number (`Decimal` written exactly, `str(d)`); NaN/infinity as `#NUM!` |
| `date`, `datetime` | a serial number in the workbook's date system (1900, or 1904 for older Mac books) with the column's format, or a date format when the column's is General; text (ISO) before the system's first date |
| `bool` | a boolean |
| `str` | an inline string (`t="inlineStr"`), escaped (`text`: `_xHHHH_` for what XML cannot carry), never a formula; cut, and said to be, past Excel's 32,767 characters |
| `None` | no cell |

| `Link` | its text, in the link style, with a hyperlink to its target (its sheet's name quoted) |

Each sheet has its intro (a bold title and legend lines, above the table), a bold header
row, frozen, the columns' widths, a totals row when a column asks for one (a `SUBTOTAL`
formula with its value), and one table part (a real Excel table with an autofilter) whose
range is known only once the rows are written. It prints as `workbook.paper` lays it out:
orientation, fitting or scale, margins, footer and column breaks here; the rows and columns
repeated on every page and the print area are the workbook's names (`Print_Titles`,
`Print_Area`, see `workbookpart`).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import sys
from decimal import Decimal
from typing import IO, Iterator, NamedTuple, Sequence
from xml.sax.saxutils import escape

from ..paper import PrintLayout, print_layout
from ..sheets.schema import column_letter
from ..seam import (TOTAL_LABEL, Column, Link, OutputSheet, Row, frozen_rows, intro_heights, plain_sheet_name,
                    sheet_reference, text_height)
from .text import MAX_TEXT, within_cell, xml_attribute, xml_text

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TABLE_STYLE = "TableStyleMedium2"
_LARGEST = sys.float_info.max
_ROWS_PER_WRITE = 250  # few enough for a batch's pieces to stay in the CPU's caches
_SECONDS_PER_DAY = 86_400.0
_DECIMAL_DIGITS = 309  # a plain Decimal's text this long may be 1E308 or more
_ROW_START = re.compile(r'<row r="(\d+)">')
_TEXT_NEEDING_CARE = re.compile(
    r"[&<>\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]|_x[0-9A-Fa-f]{4}_|^\s|\s$"
)
_QUOTED_LOCATION = re.compile(r"^'((?:[^']|'')+)'!(.+)$")


class DateSystem(NamedTuple):
    """How a workbook numbers its days. Serial n is `epoch` + n days from `first` on; the
    1900 system (Windows Excel, and every new book) counts a 29 February 1900 that never
    was, so its serials from 1 January to 28 February 1900 are one less; the 1904 system
    (`<workbookPr date1904="1"/>`, older Mac Excel) starts at 1 January 1904, and a date
    written with the wrong system shows four years and a day off."""

    epoch: dt.date
    first: dt.date  # from here on, serial = days since epoch
    earliest: dt.date  # the first date the system can show

    @property
    def epoch_ordinal(self) -> int:
        return self.epoch.toordinal()


EXCEL_1900 = DateSystem(epoch=dt.date(1899, 12, 30), first=dt.date(1900, 3, 1), earliest=dt.date(1900, 1, 1))
EXCEL_1904 = DateSystem(epoch=dt.date(1904, 1, 1), first=dt.date(1904, 1, 1), earliest=dt.date(1904, 1, 1))


class CellStyles(NamedTuple):
    """Indexes into the workbook's cellXfs: one per column, plus the formats a date or
    date-time value takes in a column whose format is General, and the looks of the
    intro, the header, links and the totals row (0, the default style, when not given);
    and the workbook's date system, which dates' serial numbers follow."""

    columns: tuple[int, ...]
    general: tuple[bool, ...]
    date: int
    datetime: int
    title: int = 0
    legend: int = 0
    header: int = 0
    link: int = 0
    totals: tuple[int, ...] = ()
    date_system: DateSystem = EXCEL_1900


def excel_serial(value: dt.date, system: DateSystem = EXCEL_1900) -> float | int | None:
    """The serial of a date or date-time in the date `system` (wall-clock time, any time
    zone dropped); None before the system's first date, which Excel cannot show as a date."""
    date = value.date() if isinstance(value, dt.datetime) else value
    if date < system.earliest:
        return None
    if isinstance(value, dt.datetime):
        days = value.replace(tzinfo=None) - dt.datetime.combine(system.epoch, dt.time())
        serial = days.days + days.seconds / _SECONDS_PER_DAY + days.microseconds / 8.64e10
    else:
        serial = (value - system.epoch).days
    return serial - 1 if date < system.first else serial


def cell_text(text: str) -> str:
    """Text as a cell's `<t>` content: cut (and said to be) at Excel's 32,767 characters,
    Excel's `_xHHHH_` escapes for characters XML cannot carry, XML escapes."""
    return xml_text(within_cell(text))


def link_location(target: str) -> str:
    """A link's target (`Usage!C17`, `'My usage'!C17`), its sheet's name quoted unless it
    is a plain name (`Usage`): a name with blanks, punctuation, non-Latin letters or that
    reads as a cell (`A1`, `R2C3`) is quoted, its apostrophes doubled."""
    if _QUOTED_LOCATION.match(target) or "!" not in target:
        return target
    sheet, _, cells = target.rpartition("!")
    return target if plain_sheet_name(sheet) else sheet_reference(sheet, cells)


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


class SheetExtras(NamedTuple):
    """What a sheet carries beyond its intro and table, as XML made elsewhere: rows
    between them (a panel), its `<dataValidations>`, the relationship id of its drawing."""

    above: str = ""
    validations: str = ""
    drawing: str = ""


class SheetWritten(NamedTuple):
    data_rows: int
    rest: Iterator[Row] | None  # the rows that did not fit, or None when all were written


def write_sheet(
    stream: IO[bytes],
    output: OutputSheet,
    styles: CellStyles,
    rows: Iterator[Row],
    max_data_rows: int,
    table_relationship: str,
    table_name: str = "",
    extras: SheetExtras = SheetExtras(),
) -> SheetWritten:
    """Write one worksheet part of `output`: intro, header, up to `max_data_rows` rows from
    `rows`, the totals row (its formulas name the table `table_name`), and a pointer to its
    table part. Says how many rows it wrote and what remains."""
    first = output.header_row + 1
    links: list[tuple[str, str]] = []
    totals = _Totals(output.columns) if output.has_totals else None
    layout = print_layout(output)
    stream.write(_sheet_start(output, styles, extras.above, layout).encode())
    taken = itertools.islice(rows, max_data_rows)
    encoder = _rows_encoder(styles, links)
    wrapped = _wrapped_columns(output.columns)
    if wrapped:
        encoder = _sized(encoder, wrapped)
    count = _write_rows(stream, encoder, totals.adding(taken) if totals else taken, first)
    if totals:
        stream.write(totals.row_xml(first + max(count, 1), styles, table_name).encode())
    stream.write(_sheet_end(table_relationship, links, extras, output, layout).encode())
    following = next(rows, None) if count == max_data_rows else None
    rest = None if following is None else itertools.chain([following], rows)
    return SheetWritten(count, rest)


def table_xml(table_id: int, name: str, output: OutputSheet, data_rows: int) -> bytes:
    """The table part over a sheet's header and data rows (an empty table keeps one
    blank row: Excel wants a table to have at least one), and its totals row if any."""
    columns, top = output.columns, output.header_row
    last_column = column_letter(len(columns) - 1)
    last_data = top + max(data_rows, 1)
    ref = f"A{top}:{last_column}{last_data + (1 if output.has_totals else 0)}"
    table_columns = "".join(
        f'<tableColumn id="{number}" name={xml_attribute(header)}{_totals_attribute(output, number - 1)}/>'
        for number, header in enumerate(unique_headers(columns), 1)
    )
    totals = ' totalsRowCount="1"' if output.has_totals else ' totalsRowShown="0"'
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<table xmlns="{MAIN_NS}" id="{table_id}" name="{name}" displayName="{name}" '
        f'ref="{ref}"{totals}><autoFilter ref="A{top}:{last_column}{last_data}"/>'
        f'<tableColumns count="{len(columns)}">{table_columns}</tableColumns>'
        f'<tableStyleInfo name="{TABLE_STYLE}" showFirstColumn="0" showLastColumn="0" '
        'showRowStripes="1" showColumnStripes="0"/></table>'
    ).encode()


def _totals_attribute(output: OutputSheet, index: int) -> str:
    if not output.has_totals:
        return ""
    if output.columns[index].total:
        return ' totalsRowFunction="sum"'
    return f' totalsRowLabel="{TOTAL_LABEL}"' if index == 0 else ""


class _Totals:
    """The sums of an output's total columns, added up as its rows are written."""

    def __init__(self, columns: Sequence[Column]):
        self.headers = unique_headers(columns)
        self.indexes = [i for i, column in enumerate(columns) if column.total]
        self.sums = {i: Decimal(0) for i in self.indexes}

    def adding(self, rows: Iterator[Row]) -> Iterator[Row]:
        sums, indexes = self.sums, self.indexes
        for row in rows:
            for i in indexes:
                value = row[i] if i < len(row) else None
                if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                    sums[i] += value if isinstance(value, Decimal) else Decimal(str(value))
            yield row

    def row_xml(self, number: int, styles: CellStyles, table: str) -> str:
        """The totals row: a label, and `SUBTOTAL(109, ...)` (the sum of the rows shown)
        with its value, so the file shows the total before any recalculation."""
        style = styles.totals or styles.columns
        cells = []
        if 0 not in self.sums:
            cells.append(f'<c r="A{number}" s="{style[0]}" t="inlineStr"><is><t>{TOTAL_LABEL}</t></is></c>')
        for i in self.indexes:
            reference = f"{table}[{_structured_name(self.headers[i])}]"
            cells.append(f'<c r="{column_letter(i)}{number}" s="{style[i]}">'
                         f"<f>SUBTOTAL(109,{xml_text(reference)})</f><v>{self.sums[i]}</v></c>")
        return f'<row r="{number}">{"".join(cells)}</row>'


def _wrapped_columns(columns: Sequence[Column], every: bool = False) -> list[tuple[int, float]]:
    """(index, width) of the columns whose text wraps."""
    return [(i, column.width) for i, column in enumerate(columns) if every or column.wrap]


def _height(values: Sequence, wrapped: list[tuple[int, float]]) -> float | None:
    """The height a row needs for its wrapped text, in points (`seam.text_height`); None
    for one line."""
    heights = [text_height(values[index], width) for index, width in wrapped
               if index < len(values) and isinstance(values[index], str)]
    return max((height for height in heights if height), default=None)


def _row_start(number: int, height: float | None) -> str:
    return f'<row r="{number}" ht="{height:g}" customHeight="1">' if height else f'<row r="{number}">'


def _sized(encode, wrapped: list[tuple[int, int]]):
    """`encode` with each row as tall as its wrapped text needs (small sheets only: notes
    and memos; the trace never wraps)."""
    def encode_rows(first: int, rows: list[Row]) -> str:
        heights = {str(number): height for number, values in enumerate(rows, first)
                   if (height := _height(values, wrapped))}
        if not heights:
            return encode(first, rows)
        return _ROW_START.sub(lambda row: _row_start(int(row[1]), heights.get(row[1])), encode(first, rows))

    return encode_rows


def _structured_name(header: str) -> str:
    """A column's name as a structured reference spells it: ', [, ], # escaped with '."""
    return re.sub(r"(['\[\]#])", r"'\1", header)


def _frozen(rows: int) -> str:
    """The sheet view's frozen pane: `rows` rows frozen (none: no pane)."""
    if not rows:
        return ""
    return (f'<pane ySplit="{rows}" topLeftCell="A{rows + 1}" activePane="bottomLeft" state="frozen"/>'
            f'<selection pane="bottomLeft" activeCell="A{rows + 1}" sqref="A{rows + 1}"/>')


def _sheet_start(output: OutputSheet, styles: CellStyles, above: str = "",
                 layout: PrintLayout = PrintLayout()) -> str:
    top = output.header_row
    widths = "".join(
        f'<col min="{number}" max="{number}" width="{float(column.width):g}" customWidth="1"/>'
        for number, column in enumerate(output.columns, 1)
    )
    intro = "".join(
        f'{_row_start(number, height)}'
        f'<c r="A{number}" s="{styles.title if number == 1 else styles.legend}"'
        f' t="inlineStr"><is><t>{cell_text(line)}</t></is></c></row>'
        for number, (line, height) in enumerate(zip(output.intro, intro_heights(output)), 1)
    )
    headers = unique_headers(output.columns)
    header_cells = "".join(
        f'<c r="{column_letter(index)}{top}" s="{styles.header}" t="inlineStr"><is><t>{cell_text(header)}</t></is></c>'
        for index, header in enumerate(headers)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        + ('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if layout.fitted else "")
        + f'<sheetViews><sheetView workbookViewId="0">{_frozen(frozen_rows(output))}</sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        f"<cols>{widths}</cols><sheetData>{intro}{above}"
        f'{_row_start(top, _height(headers, _wrapped_columns(output.columns, every=True)))}{header_cells}</row>'
    )


def _breaks_xml(tag: str, starts: tuple[int, ...], extent: int) -> str:
    """Manual page breaks before each row (or column) in `starts`, counted from 1: a
    break's id is the last row (column) of the page before it."""
    if not starts:
        return ""
    breaks = "".join(f'<brk id="{number - 1}" max="{extent}" man="1"/>' for number in starts)
    return f'<{tag} count="{len(starts)}" manualBreakCount="{len(starts)}">{breaks}</{tag}>'


def print_setup_xml(layout: PrintLayout) -> str:
    """The sheet's `<pageMargins>`, `<pageSetup>`, footer and `<colBreaks>` for `layout`
    (its fitting is `<sheetPr>`'s `fitToPage`, in `_sheet_start`)."""
    margins = "".join(f' {name}="{inches:g}"' for name, inches in layout.margins._asdict().items())
    scaling = (f'fitToWidth="{layout.pages_wide}" fitToHeight="{layout.pages_tall}"' if layout.fitted
               else f'scale="{layout.scale}"')
    left, right = (xml_text(part) for part in layout.footer)
    return (
        f"<pageMargins{margins}/>"
        f'<pageSetup orientation="{layout.orientation}" {scaling}/>'
        f"<headerFooter><oddFooter>&amp;L{left}&amp;R{right}</oddFooter></headerFooter>"
        + _breaks_xml("rowBreaks", layout.row_breaks, 16383) + _breaks_xml("colBreaks", layout.column_breaks, 1048575)
    )


def _legend_merges(output: OutputSheet) -> str:
    """The legend lines, each merged across the table's width, its first page's when
    columns print on pages of their own (its text wraps there, and the page is never
    wider than the table)."""
    last = column_letter(len(output.legend_columns) - 1)
    merged = [f'<mergeCell ref="A{number}:{last}{number}"/>' for number in range(2, len(output.intro) + 1)]
    return f'<mergeCells count="{len(merged)}">{"".join(merged)}</mergeCells>' if merged and last != "A" else ""


def _sheet_end(table_relationship: str, links: Sequence[tuple[str, str]] = (),
               extras: SheetExtras = SheetExtras(), output: OutputSheet | None = None,
               layout: PrintLayout = PrintLayout()) -> str:
    hyperlinks = "".join(
        f'<hyperlink ref="{ref}" location={xml_attribute(link_location(target))} display={xml_attribute(target)}/>'
        for ref, target in links
    )
    return (
        "</sheetData>"
        + (_legend_merges(output) if output else "")
        + extras.validations
        + (f"<hyperlinks>{hyperlinks}</hyperlinks>" if links else "")
        + print_setup_xml(layout)
        + (f'<drawing r:id="{extras.drawing}"/>' if extras.drawing else "")
        + f'<tableParts count="1"><tablePart r:id="{table_relationship}"/></tableParts>'
        "</worksheet>"
    )


def _write_rows(stream: IO[bytes], encode_rows, rows: Iterator[Row], first: int) -> int:
    count = 0
    while batch := list(itertools.islice(rows, _ROWS_PER_WRITE)):
        stream.write(encode_rows(first + count, batch).encode())
        count += len(batch)
    return count


def _rows_encoder(styles: CellStyles, links: list[tuple[str, str]] | None = None):
    """A function turning a list of rows, numbered from a given row, into their XML: the
    hot loop. Consecutive rows whose values have the same types (nearly all rows of an
    output sheet) are written column by column (`_RunTemplate`); the rows it cannot take
    go cell by cell (`_cell_by_cell_encoder`, which lists each link's cell and target in
    `links`), and both give the same bytes."""
    markup = _CellMarkup.of(styles)
    by_cell = _cell_by_cell_encoder(markup, [] if links is None else links, styles.link, styles.date_system)
    templates: dict[tuple[type, ...], _RunTemplate | None] = {}

    def encode(first: int, rows: list[Row]) -> str:
        out: list[str] = []
        columns = list(zip(*rows)) if len(set(map(len, rows))) == 1 else None  # an output sheet's rows: one length
        for kinds, start, end in _runs(rows, columns):
            if kinds not in templates:
                templates[kinds] = _RunTemplate.of(kinds, markup, styles.date_system)
            template = templates[kinds]
            text = template.fill_columns(first + start, _columns(rows, columns, start, end),
                                         end - start) if template else None
            if text is None:
                for offset in range(start, end):
                    by_cell(first + offset, rows[offset], out)
            else:
                out.append(text)
        return "".join(out)

    return encode


def _kinds(values: Row) -> tuple[type, ...]:
    return tuple(map(type, values))


def _runs(rows: list[Row], columns: list[tuple] | None) -> Iterator[tuple[tuple[type, ...], int, int]]:
    """The runs of consecutive rows whose values have the same types: (the types, the
    first row's index, the index past the last). With `columns` (`zip(*rows)` of rows of
    one length) the types are taken column by column, in C, rather than with a Python
    call a row (a fifth of LoopTrace's encoding)."""
    if columns:
        types = [list(map(type, column)) for column in columns]
        if all(column.count(column[0]) == len(column) for column in types):  # nearly every batch: one run
            yield tuple(column[0] for column in types), 0, len(rows)
            return
        kinds = list(zip(*types))
    else:
        kinds = list(map(_kinds, rows))
    start = 0
    for kind, run in itertools.groupby(kinds):
        end = start + len(list(run))
        yield kind, start, end
        start = end


def _columns(rows: list[Row], columns: list[tuple] | None, start: int, end: int) -> list[tuple]:
    """The columns of `rows[start:end]`, sliced from the batch's `columns` when it has them."""
    if columns is None:
        return list(zip(*rows[start:end]))
    return columns if start == 0 and end == len(rows) else [column[start:end] for column in columns]


_TEMPLATE_KINDS = {str, int, float, Decimal, dt.date, type(None)}
_TEXT_SEPARATOR = "|"


class _RunTemplate:
    """The markup of rows whose values have given types, as pieces around each row's
    number and values: a run of such rows is written by filling whole columns into the
    pieces repeated, and joining them. Speed: about 2.4x cell by cell (bench/write.py),
    each column's values checked and turned into text in one pass.

    Only for the types whose cell is their text or, for a date, its serial number
    (`_TEMPLATE_KINDS`); `None` is no cell."""

    def __init__(self, kinds: tuple[type, ...], markup: _CellMarkup, dates: DateSystem = EXCEL_1900):
        self.kinds, self.dates = kinds, dates
        self.serials: dict[dt.date, str] = {}
        self.present = [i for i, kind in enumerate(kinds) if kind is not type(None)]
        self.pieces: list[str | None] = ['<row r="', None]  # None: a row number or value
        self.number_slots, self.value_slots = [1], []
        after = '">'
        for i in self.present:
            tail, close = ((markup.text_tail[i], "</t></is></c>") if kinds[i] is str
                           else (markup.date_tails[i][0], "</v></c>") if kinds[i] is dt.date
                           else (markup.number_tail[i], "</v></c>"))
            self.pieces += [after + markup.starts[i], None, tail, None]
            self.number_slots.append(len(self.pieces) - 3)
            self.value_slots.append(len(self.pieces) - 1)
            after = close
        self.pieces.append(after + "</row>")

    @classmethod
    def of(cls, kinds: tuple[type, ...], markup: _CellMarkup, dates: DateSystem = EXCEL_1900) -> _RunTemplate | None:
        """The template for rows of these types, or None when some type needs more than
        its text (date-times, booleans, subclasses) or the row is too long (an error)."""
        if len(kinds) > len(markup.starts) or not set(kinds) <= _TEMPLATE_KINDS:
            return None
        return cls(kinds, markup, dates)

    def fill(self, first: int, rows: list[Row]) -> str | None:
        """The rows' XML, numbered from `first`; None when a value needs care."""
        return self.fill_columns(first, list(zip(*rows)), len(rows))

    def fill_columns(self, first: int, columns: list[tuple], count: int) -> str | None:
        """`fill` of `count` rows given as their columns."""
        values = self._cell_values(columns)
        if values is None:
            return None
        per_row = len(self.pieces)
        parts = self.pieces * count
        numbers = list(map(str, range(first, first + count)))
        for slot in self.number_slots:
            parts[slot::per_row] = numbers
        for slot, column in zip(self.value_slots, values):
            parts[slot::per_row] = column
        return "".join(parts)

    def _cell_values(self, columns: list[tuple]) -> list[Sequence[str]] | None:
        """Each present column's values as cell text, or None when some value cannot
        go in as its plain text: text needing more than XML's escapes, a number Excel
        cannot hold. (str(n) is what f"{n}" writes for int, float and Decimal.)"""
        values: list[Sequence[str]] = []
        for i in self.present:
            column, kind = columns[i], self.kinds[i]
            if kind is str:
                text = _text_values(column)
            elif kind is Decimal:
                text = _decimal_values(column)
            elif kind is dt.date:  # the serial in the book's date system; early dates cell by cell
                text = self._serials(column) if min(column) >= self.dates.first else None
            else:  # abs(n) <= the largest float, False for NaN
                text = list(map(str, column)) if all(map(_LARGEST.__ge__, map(abs, column))) else None
            if text is None:
                return None
            values.append(text)
        return values

    def _serials(self, dates: tuple[dt.date, ...]) -> list[str]:
        """Dates as their serial numbers' text, each distinct date worked out once (a
        sheet's dates repeat: a year's usage has at most 366)."""
        serials, epoch = self.serials, self.dates.epoch_ordinal
        for date in set(dates).difference(serials):
            serials[date] = str(date.toordinal() - epoch)
        return list(map(serials.__getitem__, dates))


def _text_values(texts: tuple[str, ...]) -> Sequence[str] | None:
    """Texts as cell text: as they are, or XML-escaped when `&`, `<` or `>` is all the
    care they need (as `cell_text` would write them); None when some need more. A text
    longer than half a cell's limit goes in as it is only when it is ASCII and within the
    limit, which `within_cell` leaves whole (the run record's long lines)."""
    joined = _TEXT_SEPARATOR.join(texts)
    if not _plain_texts(joined):
        return None
    if len(joined) > MAX_TEXT // 2 and (longest := max(map(len, texts))) > MAX_TEXT // 2 \
            and not (longest <= MAX_TEXT and joined.isascii()):
        return None  # a text that may be longer than a cell holds (in UTF-16) is cut cell by cell
    if "&" in joined or "<" in joined or ">" in joined:
        return list(map(escape, texts))
    return texts


def _plain_texts(joined: str) -> bool:
    """Whether texts joined by `_TEXT_SEPARATOR` need no care but XML's escapes. Finds at
    least whatever `_TEXT_NEEDING_CARE` but `&<>` finds in any one of them: `isprintable`
    is False for every character XML cannot carry and every white space but " " (a test
    checks every code point), so of the blanks at a text's ends only spaces need looking
    for."""
    return (joined.isprintable() and "_x" not in joined
            and joined[:1] != " " and joined[-1:] != " "
            and " |" not in joined and "| " not in joined)


def _finite_decimals(decimals: Sequence[Decimal]) -> bool:
    """Whether Excel can hold them all (the cell by cell test, column at a time)."""
    return all(map(Decimal.is_finite, decimals)) and max(map(Decimal.adjusted, decimals)) < 308


def _decimal_values(decimals: Sequence[Decimal]) -> list[str] | None:
    """Decimals as cell text, or None when Excel cannot hold one (`_finite_decimals`).
    Text of digits, sign and point alone (no exponent, NaN or Infinity) under 309
    characters is a finite number under 1E308: the check the test would make, from the
    text already made."""
    texts = list(map(str, decimals))
    joined = "".join(texts)
    if ("E" in joined or "e" in joined or "N" in joined or "I" in joined
            or (len(joined) >= _DECIMAL_DIGITS and max(map(len, texts)) >= _DECIMAL_DIGITS)):
        return texts if _finite_decimals(decimals) else None
    return texts


class _CellMarkup(NamedTuple):
    """Each column's fixed pieces of a cell's markup: `starts` and the tails by type,
    around the row number and the value."""

    starts: list[str]
    number_tail: list[str]
    text_tail: list[str]
    spaced_text_tail: list[str]
    bool_tail: list[str]
    error_tail: list[str]
    date_tails: list[tuple[str, str]]

    @classmethod
    def of(cls, styles: CellStyles) -> _CellMarkup:
        style = [f'" s="{xf}"' if xf else '"' for xf in styles.columns]
        number_tail = [f"{s}><v>" for s in style]
        return cls(
            starts=[f'<c r="{column_letter(index)}' for index in range(len(style))],
            number_tail=number_tail,
            text_tail=[f'{s} t="inlineStr"><is><t>' for s in style],
            spaced_text_tail=[f'{s} t="inlineStr"><is><t xml:space="preserve">' for s in style],
            bool_tail=[f'{s} t="b"><v>' for s in style],
            error_tail=[f'{s} t="e"><v>' for s in style],
            date_tails=[
                (f'" s="{styles.date}"><v>', f'" s="{styles.datetime}"><v>') if general else (tail, tail)
                for general, tail in zip(styles.general, number_tail)
            ],
        )


def _cell_by_cell_encoder(markup: _CellMarkup, links: list[tuple[str, str]], link_style: int,
                          dates: DateSystem = EXCEL_1900):
    """A function appending one row's XML to a list, cell by cell, types checked fastest
    first: every row can go this way."""
    starts, number_tail, text_tail, spaced_text_tail, bool_tail, error_tail, date_tails = markup
    first_plain_date, epoch = dates.first, dates.epoch_ordinal
    width = len(starts)
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
                if needs_care(value) or len(value) > MAX_TEXT // 2:
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
            elif kind is dt.date and value >= first_plain_date:
                serial = value.toordinal() - epoch
                out.append(f"{starts[i]}{r}{date_tails[i][0]}{serial}</v></c>")
            elif kind is Link:
                out.append(f'{starts[i]}{r}" s="{link_style}" t="inlineStr"><is><t>{cell_text(value.text)}</t></is></c>')
                links.append((f"{column_letter(i)}{r}", value.target))
            else:
                out.append(_other_cell(value, starts[i] + r, number_tail[i], bool_tail[i],
                                       error_tail[i], text_tail[i], date_tails[i], dates))
        out.append("</row>")

    return encode


def _other_cell(value, start, number_tail, bool_tail, error_tail, text_tail, date_tails,
                dates: DateSystem = EXCEL_1900) -> str:
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
        serial = excel_serial(value, dates)
        if serial is not None:
            tail = date_tails[1] if isinstance(value, dt.datetime) else date_tails[0]
            return f"{start}{tail}{serial}</v></c>"
        value = value.isoformat()
    text = str(value)
    if text != text.strip():
        text_tail = text_tail.replace("<t>", '<t xml:space="preserve">')
    return f"{start}{text_tail}{cell_text(text)}</t></is></c>"
