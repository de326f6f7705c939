"""giveback's own reader: a worksheet's values read by streaming its XML, for the valid
files python-calamine cannot read (an XLM macro sheet or a tab without a
relationship id anywhere in the workbook, UTF-16 parts, an error cell without a cell
reference). It reads both spellings of Open XML, transitional and Strict, in any encoding
XML allows, and gives the values openpyxl's read-only reader gives, by openpyxl's own rules
(`books.StreamBook` reads a whole workbook with it alone):

| the cell | gives |
|---|---|
| a number, `<v>5</v>` / `<v>2.5</v>` | `int` when written without `.` or an exponent, else `float` |
| a number whose style's format is a date (`yyyy-mm-dd`, built-in 14, ...) | a `datetime` (a `time` or `timedelta` for time formats), in the workbook's date system |
| `t="d"`, an ISO 8601 date (Strict files) | a `datetime` |
| `t="s"` (shared string), `t="inlineStr"`, `t="str"` (a formula's text) | the text, runs joined, phonetic hints left out, Office's `_xHHHH_` read as the character it stands for (as Excel and calamine read it: `_x0001_` is U+0001, `_x005F_x0001_` the text `_x0001_`) |
| `t="b"` | `True` / `False` |
| `t="e"` | the error's text, `"#N/A"` |
| a formula saved without its result (no `<v>`, or an empty one) | `UNCALCULATED` |
| an empty cell, a text formula whose result is "" | `None` |

Rows come from row 1 and column A, blank rows and cells as `None`, so positions match the
sheet; a cell without a reference takes the next column, a row without one the next row.
Memory stays flat: each row is dropped from the parsed tree once it is read.
"""

from __future__ import annotations

import functools
import re
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, NamedTuple
from xml.etree.ElementTree import ParseError

from defusedxml.ElementTree import iterparse

from .guard import UnreadableWorkbook
from .parts import WORKSHEET, Contents, DamagedPart, read_contents
from ..seam import UNCALCULATED, Row, WorkbookError

__all__ = ["Worksheets", "as_damage", "damaged"]


class Worksheets:
    """The worksheets of a package the guard has checked, open in `archive`: their rows,
    with the shared strings and date styles read once, on the first sheet read."""

    def __init__(self, path: Path, archive: zipfile.ZipFile, contents: Contents):
        self.path, self.archive, self.contents = path, archive, contents
        self._cells: Cells | None = None

    @classmethod
    def of(cls, path: Path, archive: zipfile.ZipFile) -> "Worksheets":
        with as_damage(path):
            return cls(path, archive, read_contents(archive))

    def rows(self, name: str) -> Iterator[Row]:
        tab = self.contents.tab(name)
        if tab is None or tab.kind != WORKSHEET:
            raise KeyError(f"no worksheet named {name!r}")
        with as_damage(self.path, f"its sheet {name} ({tab.part})"):
            cells = self._cell_reader()
            with self.archive.open(tab.part) as part:
                yield from sheet_rows(part, cells)

    def _cell_reader(self) -> Cells:
        if self._cells is None:
            strings = functools.partial(self._parsed, self.contents.shared_strings, shared_strings, [])
            styles = functools.partial(self._parsed, self.contents.styles, date_styles,
                                       Styles(frozenset(), frozenset()))
            self._cells = Cells(strings, styles, self.contents.date1904)
        return self._cells

    def _parsed(self, part: str | None, parse, absent):
        if part is None or part not in self.archive.NameToInfo:
            return absent
        with self.archive.open(part) as stream:
            return parse(stream)


@contextmanager
def as_damage(path: Path, what: str = "part of it") -> Iterator[None]:
    """Turn what a damaged package raises while `what` is parsed into one `WorkbookError`."""
    try:
        yield
    except UnreadableWorkbook as refusal:
        raise WorkbookError(refusal.message) from None
    except DamagedPart as damage:
        raise damaged(path, f"its part {damage.part}") from None
    except (ParseError, KeyError, ValueError, IndexError, zipfile.BadZipFile, EOFError):
        raise damaged(path, what) from None


def damaged(path: Path, what: str = "part of it") -> WorkbookError:
    """The message for a workbook that is a workbook but whose contents cannot be read:
    the file by its name, what of it is damaged, and what to do."""
    return WorkbookError(
        f"{path.name} is damaged: {what} is not what Excel writes. Open it in Excel, which "
        "offers to repair it, save it, and try again."
    )


class Styles(NamedTuple):
    """Which cell styles (indexes into `cellXfs`) show a number as a date or a duration."""

    dates: frozenset[int]
    durations: frozenset[int]


def date_styles(stream) -> Styles:
    """The styles part's cell styles whose number format is a date, by openpyxl's rules."""
    from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format

    custom: dict[int, str] = {}
    cell_formats: list[int] = []
    inside = None
    for event, element in iterparse(stream, events=("start", "end")):
        tag = _local(element.tag)
        if tag in ("cellXfs", "cellStyleXfs"):
            inside = tag if event == "start" else None
        elif event == "end" and tag == "numFmt":
            custom[int(element.get("numFmtId", -1))] = element.get("formatCode", "")
        elif event == "end" and tag == "xf" and inside == "cellXfs":
            cell_formats.append(int(element.get("numFmtId", 0)))
    codes = [custom.get(number) or builtin_format_code(number) or "General" for number in cell_formats]
    dates = frozenset(index for index, code in enumerate(codes) if is_date_format(code))
    durations = frozenset(index for index, code in enumerate(codes) if is_timedelta_format(code))
    return Styles(dates, durations)


def shared_strings(stream) -> list[str]:
    """The shared strings, each its runs' text joined (as openpyxl reads them)."""
    strings = []
    for _, element in iterparse(stream):
        if _local(element.tag) == "si":
            strings.append(rich_text(element))
            element.clear()
    return strings


def rich_text(element) -> str:
    """The text of a shared string or inline string: its `t`, or its runs' `t`s joined;
    phonetic hints (`rPh`) left out; Office's escapes read (`unescaped`)."""
    pieces = []
    for child in element:
        tag = _local(child.tag)
        if tag == "t":
            pieces.append(child.text or "")
        elif tag == "r":
            pieces += [run.text or "" for run in child if _local(run.tag) == "t"]
    return unescaped("".join(pieces))


_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def unescaped(text: str) -> str:
    """Office's `_xHHHH_` escapes read as the characters they stand for (`_x005F_` is the
    underscore, so `_x005F_x0001_` stays the text `_x0001_`)."""
    return _ESCAPED.sub(lambda match: chr(int(match.group(1), 16)), text) if "_x" in text else text


class Cells:
    """Turns `<c>` elements into plain values, knowing the shared strings, which styles are
    dates and the workbook's date system. The shared strings are read (`strings`) at the
    first cell that needs them, the styles (and openpyxl's rules for them) at the first
    number: a glance at the run record above the table of giveback's own Summary (inline
    text) needs neither, and in a large book they cost more than those rows."""

    def __init__(self, strings: Callable[[], list[str]], styles: Callable[[], Styles], date1904: bool):
        self._read_strings, self._read_styles, self.date1904 = strings, styles, date1904

    @functools.cached_property
    def strings(self) -> list[str]:
        return self._read_strings()

    @functools.cached_property
    def styles(self) -> Styles:
        return self._read_styles()

    @functools.cached_property
    def _dates(self):
        """openpyxl's (epoch, from_excel, from_ISO8601) for this workbook."""
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601

        return (CALENDAR_MAC_1904 if self.date1904 else CALENDAR_WINDOWS_1900), from_excel, from_ISO8601

    def value(self, cell) -> object:
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            inline = _child(cell, "is")
            return None if inline is None else rich_text(inline)
        value = _child(cell, "v")
        if value is None or not value.text:
            return _without_value(cell, kind, value)
        return self._typed(kind, value.text, int(cell.get("s") or 0))

    def _typed(self, kind: str, value: str, style: int) -> object:
        if kind == "n":
            return self._number(value, style)
        if kind == "s":
            return self.strings[int(value)]
        if kind == "b":
            return bool(int(value))
        if kind == "d":
            return self._dates[2](value)
        return unescaped(value) if kind == "str" else value  # a formula's text; "e": the error's text

    def _number(self, value: str, style: int) -> object:
        number = float(value) if "." in value or "e" in value.lower() else int(value)
        if style not in self.styles.dates:
            return number
        try:
            epoch, from_excel, _ = self._dates
            return from_excel(number, epoch, timedelta=style in self.styles.durations)
        except (OverflowError, ValueError):
            return "#VALUE!"  # a date format on a number no date has: openpyxl's reading too


def _without_value(cell, kind: str, value) -> object:
    """A cell with no value: blank, or a formula saved without its result (`UNCALCULATED`);
    a text formula with an empty `<v></v>` gave "" and reads as blank."""
    if _child(cell, "f") is None or (kind == "str" and value is not None):
        return None
    return UNCALCULATED


def sheet_rows(stream, cells: Cells) -> Iterator[Row]:
    """The worksheet's rows from row 1, each from column A, as plain values."""
    expected = 1
    sheet_data = None
    for event, element in iterparse(stream, events=("start", "end")):
        tag = _local(element.tag)
        if event == "start":
            if tag == "sheetData":
                sheet_data = element
            continue
        if tag != "row":
            continue
        number = int(element.get("r") or expected)
        for _ in range(expected, number):
            yield []
        yield _row_values(element, cells)
        expected = number + 1
        if sheet_data is not None:
            sheet_data.clear()  # the rows read so far: memory stays flat


def _row_values(row, cells: Cells) -> list:
    values: list = []
    column = -1
    for cell in row:
        if _local(cell.tag) != "c":
            continue
        reference = cell.get("r")
        column = _column(reference) if reference else column + 1
        values.extend([None] * (column + 1 - len(values)))  # as openpyxl: up to the last cell
        values[column] = cells.value(cell)
    return values


def _column(reference: str) -> int:
    """`C17` -> 2."""
    index = 0
    for letter in reference:
        if not letter.isalpha():
            break
        index = index * 26 + ord(letter.upper()) - 64
    return index - 1


def _child(element, name: str):
    return next((child for child in element if _local(child.tag) == name), None)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]
