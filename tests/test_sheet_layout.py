"""What an output sheet looks like on paper and on screen: the intro above the table, a
bold header row printed on every page, landscape one page wide, wrapped notes, a totals
row carrying its value, links that jump to a cell. Read back with openpyxl (a second
reader of the written file) and, for the totals, recalculated by LibreOffice."""

from __future__ import annotations

import zipfile
from decimal import Decimal

import openpyxl
import pytest

from test_libreoffice import convert_to_xlsx, soffice  # noqa: F401 (a fixture)
from workbook.seam import Column, Link, OutputSheet, table_name
from workbook.xlsx.package import write_outputs

COSTS = OutputSheet(
    "Costs",
    (Column("Product", width=14), Column("Extended Cost", "#,##0.00", 14, total=True),
     Column("Cell", width=12), Column("Notes", width=30, wrap=True)),
    [("WIDGET", Decimal("12.50"), Link("Usage!B3", "Usage!B3"), "a long note " * 8),
     ("GADGET", Decimal("-2.25"), Link("'My usage'!C9", "'My usage'!C9"), "short")],
    intro=("Costs of the adjustments", "Extended cost: quantity times unit cost."),
)


@pytest.fixture
def written(tmp_path):
    source, target = tmp_path / "in.xlsx", tmp_path / "out.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Usage"
    book.create_sheet("My usage")
    book.save(source)
    write_outputs(source, target, [COSTS])
    return target


def test_the_intro_sits_above_a_bold_frozen_header(written):
    sheet = openpyxl.load_workbook(written)["Costs"]
    assert [sheet["A1"].value, sheet["A2"].value, sheet["A3"].value] == list(COSTS.intro) + [None]
    assert sheet["A1"].font.b and sheet["A2"].font.i
    assert [cell.value for cell in sheet[4]] == ["Product", "Extended Cost", "Cell", "Notes"]
    assert all(cell.font.b for cell in sheet[4])
    assert sheet.freeze_panes == "A5"
    assert next(iter(sheet.tables.values())).ref == "A4:D7"


def test_it_prints_landscape_one_page_wide_with_the_header_on_every_page(written):
    sheet = openpyxl.load_workbook(written)["Costs"]
    assert sheet.page_setup.orientation == "landscape"
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$4:$4"


def test_notes_wrap_and_every_data_cell_sits_at_the_top_of_its_row(written):
    sheet = openpyxl.load_workbook(written)["Costs"]
    assert sheet["D5"].alignment.wrap_text and not sheet["A5"].alignment.wrap_text
    assert {sheet.cell(5, column).alignment.vertical for column in range(1, 5)} == {"top"}


def test_the_totals_row_sums_the_column_and_carries_its_value(written):
    sheet = openpyxl.load_workbook(written)["Costs"]
    assert sheet["A7"].value == "Total" and sheet["A7"].font.b
    assert sheet["B7"].value == "=SUBTOTAL(109,Costs[Extended Cost])"
    values = openpyxl.load_workbook(written, data_only=True)["Costs"]
    assert values["B7"].value == 10.25
    table = next(iter(sheet.tables.values()))
    assert table.totalsRowCount == 1 and table.autoFilter.ref == "A4:D6"


def test_links_jump_to_their_cell(written):
    sheet = openpyxl.load_workbook(written)["Costs"]
    assert (sheet["C5"].value, sheet["C5"].hyperlink.location) == ("Usage!B3", "Usage!B3")
    assert sheet["C6"].hyperlink.location == "'My usage'!C9"
    assert sheet["C5"].font.u == "single"


def test_a_rerun_keeps_one_print_titles_name_per_sheet(written, tmp_path):
    again = tmp_path / "again.xlsx"
    write_outputs(written, again, [COSTS._replace(intro=())])
    with zipfile.ZipFile(again) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
    assert workbook.count("_xlnm.Print_Titles") == 1
    assert openpyxl.load_workbook(again)["Costs"].print_title_rows == "$1:$1"


def test_libreoffice_recalculates_the_total_to_the_value_written(soffice, written, tmp_path):  # noqa: F811
    converted = convert_to_xlsx(soffice, written, tmp_path, recalculate=True)
    sheet = openpyxl.load_workbook(converted, data_only=True)["Costs"]
    assert sheet["B7"].value == 10.25
    assert sheet["A4"].font.b


@pytest.mark.parametrize("sheet, taken, name", [
    ("Adjustments", set(), "Adjustments"),
    ("LoopTrace (2)", set(), "LoopTrace_2"),
    ("A1", set(), "T_A1"),  # a name Excel would read as a cell
    ("R2C3", set(), "T_R2C3"),
    ("2026 usage", set(), "T_2026_usage"),
    ("Summary", {"summary"}, "Summary_2"),
])
def test_tables_are_named_from_their_sheet_never_as_a_cell(sheet, taken, name):
    assert table_name(sheet, taken) == name


def test_the_add_in_names_tables_as_the_file_writer_does():
    from addin.book import BookWriter

    book = type("Book", (), {"sheets": [], "names": []})()  # nothing taken yet
    assert [BookWriter(book).table_name(sheet) for sheet in ("A1", "LoopTrace (2)")] == ["T_A1", "LoopTrace_2"]
