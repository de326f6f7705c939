"""The template and demo input workbook (`workbook/files/newbook.py`): a `Read me` sheet
first, a note on every input header, every sheet printable; reconcile never reads `Read me`."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from giveback.cli import main
from workbook.sheets.readme import COLUMNS, READ_ME, SETTINGS_HELP
from workbook.files.newbook import input_book, save_new
from workbook.sheets.schema import INPUTS
from workbook.sheets.settings import PARSERS
from workbooks import demo_usage, sheet_names, sheet_values


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "template.xlsx"
    save_new(input_book(), path)
    return load_workbook(path)


def read_me_names(book) -> set[str]:
    return {row[0] for row in book[READ_ME].iter_rows(values_only=True) if row and row[0]}


def test_read_me_comes_first_then_the_input_sheets_then_after_run(template):
    assert template.sheetnames == [READ_ME, "Usage", "Lots", "Counts", "Settings", "After run"]


@pytest.mark.parametrize("schema", INPUTS, ids=lambda schema: schema.sheet)
def test_every_input_header_has_a_note_saying_what_to_type(template, schema):
    notes = [cell.comment.text if cell.comment else None for cell in template[schema.sheet][1]]
    assert notes == [COLUMNS[schema.sheet, field.key] for field in schema.fields]


def test_read_me_names_every_column_and_every_setting(template):
    names = {name.split(" (or ")[0] for name in read_me_names(template)}
    assert {field.header for schema in INPUTS[:3] for field in schema.fields} <= names
    assert set(PARSERS) <= names


def test_every_setting_giveback_reads_is_explained():
    assert set(PARSERS) <= set(SETTINGS_HELP)


@pytest.mark.parametrize("sheet, title_rows", [(READ_ME, None), ("Usage", "$1:$1"), ("Lots", "$1:$1"),
                                               ("Counts", "$1:$1"), ("Settings", "$1:$1")])
def test_every_sheet_prints_landscape_one_page_wide(template, sheet, title_rows):
    page = template[sheet].page_setup
    assert (page.orientation, page.fitToWidth, page.fitToHeight) == ("landscape", 1, 0)
    assert template[sheet].sheet_properties.pageSetUpPr.fitToPage
    assert template[sheet].print_title_rows == title_rows


def test_a_filled_template_reconciles_and_read_me_is_neither_read_nor_changed(tmp_path, capsys):
    source, target = tmp_path / "book.xlsx", tmp_path / "book.reconciled.xlsx"
    book = input_book({"Usage": demo_usage()})
    book[READ_ME].append(["Product", "Quantity"])  # reads like a header: still not an input
    book[READ_ME].append(["GHOST", 5])
    save_new(book, source)
    assert main(["reconcile", str(source), "-o", str(target), "--json"]) == 0
    assert "GHOST" not in capsys.readouterr().out
    assert sheet_names(target)[:5] == [READ_ME, "Usage", "Lots", "Counts", "Settings"]
    assert sheet_values(target, READ_ME) == sheet_values(source, READ_ME)
