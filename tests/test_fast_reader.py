"""The calamine reader, and giveback's own streaming reader that reads what calamine
cannot, give the codecs what the openpyxl reader gives them.

Workbooks are built with openpyxl in memory and saved to `tmp_path`; both readers read
them and the rows are compared after the differences the seam allows: a float where
openpyxl has an int (`5.0 == 5`), a `date` where openpyxl has a midnight `datetime`,
trailing blank cells and rows.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from python_calamine import CalamineError, CalamineWorkbook

import odd_packages as odd

from core.problems import Code
from workbook.files.books import FileBook, StreamBook
from workbook.files.fast_reader import FastBook, error_cells
from workbook.seam import UNCALCULATED, WorkbookError


def openpyxl_rows(path, name):
    """The reference reader: openpyxl read-only, values only, every row of the file
    (`FileBook`: with formulas saved without a result marked, as the XML says)."""
    with FileBook(path) as book:
        return [list(row) for row in book.rows(name)]


READERS = {"calamine": FastBook, "own": StreamBook}
each_reader = pytest.mark.parametrize("reader", READERS.values(), ids=READERS.keys())


def fast_rows(path, name, reader=FastBook):
    with reader(path) as book:
        return [list(row) for row in book.rows(name)]


def normal(rows):
    """Rows as the codecs see them: midnight datetimes as dates, no trailing blanks."""
    def value(v):
        if isinstance(v, dt.datetime) and v.time() == dt.time():
            return v.date()
        return v

    rows = [[value(v) for v in row] for row in rows]
    for row in rows:
        while row and row[-1] is None:
            row.pop()
    while rows and not rows[-1]:
        rows.pop()
    return rows


def save(tmp_path, sheets, name="book.xlsx"):
    """`sheets` as `{name: {cell: value or ("error", text)}}`, saved with openpyxl."""
    book = Workbook()
    book.remove(book.active)
    for title, cells in sheets.items():
        sheet = book.create_sheet(title)
        for ref, value in cells.items():
            if isinstance(value, tuple) and value[0] == "error":
                sheet[ref].value = value[1]
                sheet[ref].data_type = "e"
            else:
                sheet[ref] = value
    path = tmp_path / name
    book.save(path)
    return path


MIXED = {
    "A1": "Product", "B1": "Quantity", "C1": "Date", "D1": "Reference", "E1": "Unit Cost",
    "A2": "NUT-5", "B2": 5, "C2": dt.date(2026, 3, 31), "D2": "INV-1", "E2": 1.25,
    "A3": "  BOLT ", "B3": -2.5, "C3": dt.datetime(2026, 3, 31, 8, 30), "E3": 0,
    "A4": 1001, "B4": "12", "C4": "2026-03-31", "D4": True,
    "A5": "WIDGET", "B5": "=1/0", "C5": "=TODAY()", "E5": ("error", "#DIV/0!"),
    "A6": "NUT-5", "B6": ("error", "#N/A"), "D6": "#N/A", "E6": 9_007_199_254_740_992,
    "A8": "après", "B8": 0.1, "C8": dt.time(8, 15), "D8": "", "E8": 1e-7,
}


@each_reader
def test_mixed_values_read_alike(tmp_path, reader):
    path = save(tmp_path, {"Usage": MIXED})
    assert normal(fast_rows(path, "Usage", reader)) == normal(openpyxl_rows(path, "Usage"))


@each_reader
def test_1904_dates_durations_and_formatted_numbers_read_alike(tmp_path, reader):
    book = Workbook()
    book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    sheet.title = "Usage"
    sheet.append([dt.date(2026, 3, 31), dt.datetime(2026, 3, 31, 12), dt.timedelta(hours=30), 0.25, 12.5])
    sheet["D1"].number_format, sheet["E1"].number_format = "0%", "[h]:mm"
    book.save(tmp_path / "mac.xlsx")
    assert normal(fast_rows(tmp_path / "mac.xlsx", "Usage", reader)) == normal(openpyxl_rows(tmp_path / "mac.xlsx", "Usage"))


@each_reader
def test_formulas_saved_without_a_result_read_as_uncalculated(tmp_path, reader):
    path = save(tmp_path, {"Usage": {"A1": "Quantity", "A2": "=1+1", "B2": "=SUM(A1:A2)", "C4": "=A2"}})
    assert normal(fast_rows(path, "Usage", reader)) == normal(openpyxl_rows(path, "Usage")) == [
        ["Quantity"], [UNCALCULATED, UNCALCULATED], [], [None, None, UNCALCULATED]]


@pytest.mark.parametrize("cell, value", [
    ('<c r="A2"><f>1+1</f></c>', UNCALCULATED),  # no <v>
    ('<c r="A2"><f>1+1</f><v/></c>', UNCALCULATED),
    ('<c r="A2" t="n"><f>1+1</f><v></v></c>', UNCALCULATED),
    ('<c r="A2" t="e"><f>1/0</f></c>', UNCALCULATED),
    ('<c r="A2"><f t="shared" ref="A2:A3" si="0">B2</f></c>', UNCALCULATED),
    ('<c r="A2"><f t="shared" si="0"/></c>', UNCALCULATED),
    ('<c r="A2"><f t="shared" si="0"/><v></v></c>', UNCALCULATED),
    ('<c r="A2" t="str"><f>B2</f></c>', UNCALCULATED),
    ('<c r="A2"><f>1+1</f><v>2</v></c>', 2),  # calculated, as Excel saves it
    ('<c r="A2"><f t="shared" si="0"/><v>2</v></c>', 2),
    ('<c r="A2" t="str"><f>""</f><v></v></c>', None),  # a formula that gave ""
    ('<c r="A2" t="str"><f>"a"&amp;"&lt;b"</f><v>a&lt;b</v></c>', "a<b"),
])
@each_reader
def test_formula_cells_read_as_their_result_or_uncalculated(tmp_path, reader, cell, value):
    path = rewrite_sheet(save(tmp_path, {"Usage": {"A1": "Quantity", "A2": 1, "B3": 5}}),
                         '<c r="A2" t="n"><v>1</v></c>', cell)
    assert fast_rows(path, "Usage", reader)[1][0] == openpyxl_rows(path, "Usage")[1][0] == value


def test_formulas_without_a_result_are_found_in_namespaced_xml(tmp_path):
    path = save(tmp_path, {"Usage": {"A1": "Quantity", "A2": "=1+1", "B2": 3}})
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    xml = xml.replace("<worksheet xmlns=", "<x:worksheet xmlns:x=").replace("</worksheet>", "</x:worksheet>")
    xml = re.sub(r"<(/?)(sheetData|row|c|f|v|is|t|dimension|sheetViews|sheetView|selection|sheetFormatPr|"
                 r"pageMargins|sheetPr|outlinePr|pageSetUpPr)\b", r"<\1x:\2", xml)
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    assert error_cells(path, "Usage") == {2: {0: UNCALCULATED}}


@each_reader
def test_error_cells_read_as_their_text(tmp_path, reader):
    path = save(tmp_path, {"Usage": {"A1": ("error", "#DIV/0!"), "C3": ("error", "#N/A"), "B3": 4}})
    assert normal(fast_rows(path, "Usage", reader)) == [["#DIV/0!"], [], [None, 4, "#N/A"]]


@each_reader
def test_error_cell_with_a_formula_reads_as_its_cached_text(tmp_path, reader):
    path = rewrite_sheet(
        save(tmp_path, {"Usage": {"A1": "Quantity", "A2": 1}}),
        '<c r="A2" t="n"><v>1</v></c>', '<c r="A2" t="e"><f>VLOOKUP(9,B:B,1,0)</f><v>#N/A</v></c>',
    )
    assert fast_rows(path, "Usage", reader) == [["Quantity"], ["#N/A"]]


def test_error_cell_without_reference_falls_back_to_the_own_reader(tmp_path):
    path = rewrite_sheet(
        save(tmp_path, {"Usage": {"A1": "Quantity", "A2": 1}}),
        '<c r="A2" t="n"><v>1</v></c>', '<c t="e"><v>#REF!</v></c>',
    )
    assert normal(fast_rows(path, "Usage")) == normal(openpyxl_rows(path, "Usage")) == [["Quantity"], ["#REF!"]]


@each_reader
def test_rows_start_at_a1_when_the_data_does_not(tmp_path, reader):
    path = save(tmp_path, {"Usage": {"C3": "Product", "D3": "Qty", "D4": 2}})
    rows = fast_rows(path, "Usage", reader)
    assert rows[2] == [None, None, "Product", "Qty"]
    assert normal(rows) == normal(openpyxl_rows(path, "Usage"))


def test_sheet_names_are_the_worksheets_in_order(tmp_path):
    path = save(tmp_path, {"Lots": {"A1": 1}, "Usage": {"A1": 2}, "Empty": {}})
    with FastBook(path) as book:
        assert book.sheet_names() == ["Lots", "Usage", "Empty"]
        assert list(book.rows("Empty")) == []


@each_reader
def test_a_used_range_claiming_a_million_rows_reads_only_the_cells(tmp_path, reader):
    path = rewrite_sheet(
        save(tmp_path, {"Usage": {"A1": "Quantity", "F2": 1}}), r'<dimension ref="A1:F2"\s*/>', '<dimension ref="A1:F1048576"/>'
    )
    assert len(fast_rows(path, "Usage", reader)) == 2


def test_error_cells_are_found_across_chunk_boundaries(tmp_path, monkeypatch):
    monkeypatch.setattr("workbook.files.fast_reader.CHUNK", 64)
    cells = {f"A{n}": n for n in range(1, 200)}
    cells |= {"B50": ("error", "#N/A"), "C51": ("error", "#VALUE!"), "B199": ("error", "#NAME?")}
    path = save(tmp_path, {"Usage": cells})
    assert error_cells(path, "Usage") == {50: {1: "#N/A"}, 51: {2: "#VALUE!"}, 199: {1: "#NAME?"}}


def rewrite_sheet(path, old, new):
    """Replace the pattern `old` by `new` in the first worksheet's XML (once)."""
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    xml, count = re.subn(old, new, xml)
    assert count == 1
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


text = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=12).filter(
    lambda s: not s.startswith("=")
)
cell_values = st.one_of(
    st.none(),
    text,
    st.booleans(),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False, width=64).filter(lambda f: abs(f) < 1e300),
    st.dates(dt.date(1900, 3, 1), dt.date(9999, 12, 31)),
    st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(9999, 12, 31)).map(lambda d: d.replace(microsecond=0)),
)


@each_reader
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(cell_values, max_size=5), max_size=6))
def test_any_grid_reads_alike(tmp_path, reader, grid):
    cells = {f"{'ABCDE'[c]}{r}": v for r, row in enumerate(grid, 1) for c, v in enumerate(row) if v is not None}
    path = save(tmp_path, {"Usage": cells})
    assert normal(fast_rows(path, "Usage", reader)) == normal(openpyxl_rows(path, "Usage"))


@pytest.mark.parametrize("name", ["b.xls", "b.csv", "missing.xlsx", "torn.xlsx"])
def test_what_cannot_be_read_is_one_workbook_error(tmp_path, name):
    (tmp_path / "b.xls").write_bytes(b"\xd0\xcf\x11\xe0" + bytes(100))
    (tmp_path / "b.csv").write_text("Product,Quantity\n")
    (tmp_path / "torn.xlsx").write_bytes(save(tmp_path, {"Usage": MIXED}).read_bytes()[:-200])
    with pytest.raises(WorkbookError) as raised:
        FastBook(tmp_path / name)
    assert raised.value.code == Code.FILE_UNREADABLE


DATA = Path(__file__).parent / "data" / "excel"


@each_reader
def test_a_strict_workbook_reads_as_its_transitional_twin(reader):
    """The same cells saved by Excel both ways (tests/data/excel/README.md): text,
    numbers, a formula's value and an ISO 8601 date cell, which Strict files use."""
    strict = fast_rows(DATA / "data_types-strict-ooxml.xlsx", "TestSheet1", reader)
    assert normal(strict) == normal(openpyxl_rows(DATA / "data_types.xlsx", "TestSheet1"))
    assert dt.date(2014, 1, 1) in normal(strict)[4]


@pytest.mark.parametrize("kind", ["XLM macro sheet", "sheet without a relationship id", "every XML part in UTF-16",
                                  "UTF-16 sheet and shared strings"])
def test_what_calamine_cannot_read_giveback_reads_silently(kind, tmp_path):
    path = odd.KINDS[kind](tmp_path)
    with pytest.raises(CalamineError):  # calamine refuses the whole workbook
        CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Usage").to_python()
    with FastBook(path) as book:
        assert [tuple(row) for row in book.rows("Usage")] == odd.USAGE


@each_reader
@pytest.mark.filterwarnings("ignore:File contains an invalid specification")  # openpyxl, on the tab without a part
def test_only_worksheets_are_input_sheets(reader, tmp_path):
    path = odd.write_zip(tmp_path / "tabs.xlsm", odd.book([
        odd.Sheet("Macro1", "macrosheet"), odd.Sheet("Usage", rows=(("A", 1),)), odd.Sheet("Chart1", "chartsheet"),
        odd.Sheet("Dialog1", "dialogsheet"), odd.Sheet("Module1", "none"), odd.Sheet("Lots"),
    ], macros=True))
    with reader(path) as book:
        assert book.sheet_names() == ["Usage", "Lots"]
    with FileBook(path) as book:  # openpyxl reads macro and dialog sheets as worksheets
        assert book.sheet_names() == ["Usage", "Lots"]
    with FastBook(path) as book:
        assert book.other_sheets() == {"Macro1": "macro sheet", "Chart1": "chart sheet", "Dialog1": "dialog sheet",
                                       "Module1": "tab without a part"}


@each_reader
@pytest.mark.parametrize("part, named", [
    ("xl/worksheets/sheet1.xml", "its sheet Usage (xl/worksheets/sheet1.xml)"),
    ("xl/workbook.xml", "its part xl/workbook.xml"),
    ("xl/_rels/workbook.xml.rels", "its part xl/_rels/workbook.xml.rels"),
])
def test_a_damaged_part_is_named_with_the_file(reader, part, named, tmp_path):
    """A sound zip whose part is cut short inside its XML: damaged, said once, naming
    the file by its name and what of it is damaged."""
    parts = odd.book([odd.Sheet("Usage", rows=(("Product", "Quantity"), ("A", 1)))])
    parts[part] = parts[part][:-40]
    path = odd.write_zip(tmp_path / "Torn.xlsx", parts)
    with pytest.raises(WorkbookError) as raised:
        with reader(path) as book:
            list(book.rows("Usage"))
    assert str(raised.value).startswith(f"Torn.xlsx is damaged: {named} is not what Excel writes")
