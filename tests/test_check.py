"""`giveback check` (SPEC section 11): current (0), stale naming what changed cell by cell
(1), never reconciled (2); editing a note, a format or another sheet keeps a book current."""

from __future__ import annotations

import json
import shutil
import zipfile

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from giveback import check as command
from workbook.close.changes import MOST_LISTED
from workbook.close.check import check
import workbook.close.record as record_module
from workbook.close.edited import edited_lines
from workbook.reconcile import reconcile
from workbook.seam import Grids
from workbook.sheets import outputs
from workbook.sheets.run_record import RUN_RECORD
from test_cli_reconcile import run
from workbooks import sheets, xlsx

USAGE = [("GASKET", 6, None, "SO-1010"), ("GASKET", -4, None, "RMA-91"), ("NUT-5", 2, None, "NZ-1"),
         ("NUT-5", 4, None, "NZ-2"), ("NUT-5", -10, None, "NZ-3")]


@pytest.fixture
def reconciled(tmp_path, capsys):
    """A book reconciled by the command line, with a sheet of notes of the user's."""
    book = xlsx(tmp_path / "march.xlsx", sheets(usage=USAGE), extra={"Notes": [("call the warehouse",)]})
    run(capsys, "reconcile", book)
    return tmp_path / "march.reconciled.xlsx"


def edited(path, edit):
    book = openpyxl.load_workbook(path)
    edit(book)
    book.save(path)
    return path


def test_a_reconciled_book_is_current(capsys, reconciled):
    status, out, _ = run(capsys, "check", reconciled)
    assert status == 0
    assert out.splitlines()[0].startswith("current: the outputs match the inputs read by the run of 2026-03-05 12:00")
    assert "Not signed off yet" in out


def test_an_edited_input_cell_makes_it_stale_naming_the_cell_its_old_and_new_value_and_product(capsys, reconciled):
    edited(reconciled, lambda book: book["Usage"]["B2"].__setattr__("value", 8))
    status, out, _ = run(capsys, "check", reconciled)
    assert status == 1
    first, *rest = out.splitlines()
    assert first.startswith("stale: 1 cell edited since the run of")
    assert "  Usage!B2 changed from 6 to 8 (GASKET)" in rest


@pytest.mark.parametrize("edit", [
    lambda book: setattr(book["Usage"]["B2"], "comment", Comment("checked with the warehouse", "Ann")),  # a note
    lambda book: setattr(book["Usage"]["B3"], "font", Font(bold=True, color="FFFF0000")),  # a format
    lambda book: setattr(book["Usage"]["A2"], "fill", PatternFill("solid", fgColor="FFFFFF00")),
    lambda book: setattr(book["Usage"]["B2"], "number_format", "0.00"),
    lambda book: book["Notes"].append(("and the carrier",)),  # another sheet
    lambda book: book["Summary"].__setitem__("B12", None),  # giveback's own output
    lambda book: book.create_sheet("April"),
    lambda book: setattr(book["Usage"]["F2"], "value", "see ticket 42"),  # a column giveback does not read
])
def test_a_note_a_format_or_another_sheet_keeps_it_current(capsys, reconciled, edit):
    edited(reconciled, edit)
    assert run(capsys, "check", reconciled)[0] == 0


@pytest.mark.parametrize("edit, said", [
    (lambda sheet, row: sheet.cell(row, 4, 999), "Adjustments!D{row} (GASKET On) reads 999 where the run made 2"),
    (lambda sheet, row: sheet.cell(row, 3, "Off"), "Adjustments!A{row} (GASKET Off) is not a line the run made"),
    (lambda sheet, row: sheet.delete_rows(row), "GASKET On (2) is missing from the sheet"),
    (lambda sheet, row: sheet.insert_rows(row) or [sheet.cell(row, c, v) for c, v in ((1, "GASKET"), (3, "On"), (4, 2))],
     "(GASKET On) is listed twice"),  # the second of the two rows is named
])
def test_lines_edited_on_adjustments_make_it_stale_though_the_inputs_did_not_change(capsys, reconciled, edit, said):
    """The sheet someone keys from must be the run's: an edited quantity is no longer what was reviewed."""
    book = openpyxl.load_workbook(reconciled)
    sheet = book["Adjustments"]
    row = next(cell.row for cell in sheet["A"] if cell.value == "GASKET")
    edit(sheet, row)
    book.save(reconciled)
    status, out, _ = run(capsys, "check", reconciled)
    assert status == 1
    assert out.startswith("stale: the lines on Adjustments were edited after the run (") and "Reconcile again" in out
    assert said.format(row=row) in out
    report = json.loads(run(capsys, "check", reconciled, "--json")[1])
    assert report["status"] == "stale" and report["changes"] == []
    assert any(said.format(row=row) in phrase for phrase in report["edited"])


def test_the_lines_on_adjustments_are_matched_by_product_and_line_not_by_position():
    """Sorted or filtered by its buttons, read back by desktop Excel (a product code 1001
    as the number 1001.0), a column inserted, a row holding a memo alone: the same lines."""
    made = outputs.adjustments(reconcile(Grids(sheets(usage=[(1001, 6), (1001, -10), ("NUT-5", 5)]))).recommendations)
    rows = [list(row[:4]) + [None, "memo"] for row in made.rows]
    header = ["Product", "Status", "Note", "Line", "Quantity"]
    book = [["Adjustments to post"], [], header] + [[float(r[0]) if r[0] == "1001" else r[0], r[1], "", r[2], r[3]]
                                                    for r in reversed(rows)] + [[None, None, "keyed on the 6th"]]
    assert edited_lines(Grids({"Adjustments": book}), ["Adjustments"], made) == ()
    book[4][4] = 3  # a quantity
    assert edited_lines(Grids({"Adjustments": book}), ["Adjustments"], made)[0].startswith("Adjustments!E5 (")


def test_a_book_another_version_reconciled_is_current_its_lines_not_compared(capsys, tmp_path, monkeypatch):
    """Another giveback may make other lines of the same inputs: they are no edit of the user's."""
    book = xlsx(tmp_path / "b.xlsx", sheets(usage=USAGE))
    monkeypatch.setattr(record_module, "version", lambda: "0.0.9")
    run(capsys, "reconcile", book, "--in-place")
    edited(book, lambda workbook: workbook["Adjustments"].cell(7, 4, 999))
    monkeypatch.setattr(record_module, "version", lambda: "0.2.0")
    status, out, _ = run(capsys, "check", book)
    assert status == 0 and out.startswith("current: the outputs match the inputs read by the run of")
    assert "This is giveback 0.2.0: the lines on Adjustments, which another version may make otherwise, were not" \
           " compared, and giveback export refuses the book." in out


def test_costs_and_memos_on_adjustments_may_be_edited(capsys, reconciled):
    def edit(book):
        sheet = book["Adjustments"]
        row = next(cell.row for cell in sheet["A"] if cell.value == "GASKET")
        sheet.cell(row, 10, "keyed by Bo on the 6th")  # the memo
        sheet.cell(row, 5, 2.75)  # the unit cost
    edited(reconciled, edit)
    assert run(capsys, "check", reconciled)[0] == 0


def test_rows_added_and_removed_are_named_not_every_row_below_them(capsys, reconciled):
    def edit(book):
        book["Usage"].delete_rows(3)  # GASKET -4
        book["Usage"].append(("BOLT-10", -20, None, "RMA-90"))
    edited(reconciled, edit)
    status, out, _ = run(capsys, "check", "--json", reconciled)
    report = json.loads(out)
    assert status == 1 and report["status"] == "stale"
    changes = [(c["change"], c["cell"], c["product"], c["was"], c["now"]) for c in report["changes"]]
    assert changes == [
        ("removed", "Usage!A3", "GASKET", "GASKET", None), ("removed", "Usage!B3", "GASKET", -4, None),
        ("removed", "Usage!D3", "GASKET", "RMA-91", None),
        ("shifted", "Usage!A3:E5", None, "rows 4 to 6", "rows 3 to 5"),
        ("added", "Usage!A6", "BOLT-10", None, "BOLT-10"), ("added", "Usage!B6", "BOLT-10", None, -20),
        ("added", "Usage!D6", "BOLT-10", None, "RMA-90"),
    ]
    text = run(capsys, "check", reconciled)[1].splitlines()
    assert text[0].startswith("stale: 1 row added, 1 row removed, 1 block of rows shifted since the run of")
    assert text[1:4] == ["  Usage row 3 removed: GASKET, -4, RMA-91",
                         "  Usage rows 4 to 6 shifted to rows 3 to 5 (rows inserted or deleted above them)",
                         "  Usage row 6 added: BOLT-10, -20, RMA-90"]


def test_the_json_report_has_the_contracts_keys(capsys, reconciled):
    edited(reconciled, lambda book: book["Usage"]["B2"].__setattr__("value", 8))
    report = json.loads(run(capsys, "check", "--json", reconciled)[1])
    assert {"status", "changes", "follow_up"} <= set(report)
    assert report["changes"] == [{"cell": "Usage!B2", "product": "GASKET", "was": 6, "now": 8, "change": "edited"}]
    assert report["follow_up"]["status"] == "none"


def test_a_book_giveback_never_reconciled_exits_2(capsys, tmp_path):
    status, out, _ = run(capsys, "check", xlsx(tmp_path / "book.xlsx"))
    assert status == 2 and out.startswith("never reconciled: book.xlsx has no run record")
    report = json.loads(run(capsys, "check", "--json", tmp_path / "book.xlsx")[1])
    assert (report["status"], report["changes"]) == ("never", [])


def test_a_settings_change_is_named_too(capsys, tmp_path):
    book = xlsx(tmp_path / "b.xlsx", sheets(usage=USAGE, settings=[("lot_order", "fifo")]))
    run(capsys, "reconcile", book, "--in-place")
    edited(book, lambda workbook: workbook["Settings"]["B2"].__setattr__("value", "lifo"))
    assert "  Settings!B2 changed from fifo to lifo" in run(capsys, "check", book)[1].splitlines()


def test_without_its_run_record_sheet_the_properties_still_tell_stale_from_current(capsys, reconciled, tmp_path):
    def without_record_sheet(book):
        del book[RUN_RECORD]
    edited(reconciled, without_record_sheet)  # a tool that drops very hidden sheets; openpyxl keeps the properties
    assert run(capsys, "check", reconciled)[0] == 0
    edited(reconciled, lambda book: book["Usage"]["B2"].__setattr__("value", 8))
    status, out, _ = run(capsys, "check", reconciled)
    assert status == 1 and "the run record sheet is gone" in out.splitlines()[0]


def test_the_properties_come_from_the_snapshot_the_cells_come_from(capsys, reconciled, tmp_path, monkeypatch):
    """The book replaced (saved, synced) after giveback read it: the check is of the version
    read, properties included, never properties of one version and cells of another."""
    edited(reconciled, lambda book: book.remove(book[RUN_RECORD]))  # the record in the properties only
    never_reconciled = tmp_path / "march.xlsx"
    real_open = command.open_book

    def replaced_once_read(source):
        reader = real_open(source)
        shutil.copy(never_reconciled, reconciled)
        return reader

    monkeypatch.setattr(command, "open_book", replaced_once_read)
    status, out, _ = run(capsys, "check", reconciled)
    assert status == 0 and out.startswith("current:")


def test_a_signed_book_that_went_stale_says_its_sign_off_no_longer_holds(capsys, reconciled):
    def sign_and_edit(book):
        labels = {row[0].value: row[0].row for row in book["Summary"].iter_rows(max_col=1) if row[0].value}
        book["Summary"][f"B{labels['Prepared by']}"] = "Ann Lee"
        book["Usage"]["B2"] = 8
    edited(reconciled, sign_and_edit)
    out = run(capsys, "check", reconciled)[1]
    assert "Summary's sign-off (prepared by Ann Lee) was given for the inputs as they were; it no longer holds." in out


def test_many_changes_are_counted_beyond_those_listed():
    usage = [("P", n, None, f"R{n}") for n in range(1, MOST_LISTED + 50)]
    book = sheets(usage=usage)
    done = reconcile(Grids(book))
    record = next(sheet for sheet in done.sheets if sheet.name == RUN_RECORD)
    book["Usage"] = [book["Usage"][0]] + [(p, q * 2, d, r) for p, q, d, r in book["Usage"][1:]]
    result = check(Grids({**book, RUN_RECORD: [("Sheet", "Data"), *record.rows]}))
    assert result.status == "stale" and len(result.changes.listed) == MOST_LISTED
    assert result.changes.not_listed == MOST_LISTED + 49 - MOST_LISTED


def test_a_stale_book_stays_stale_after_a_libreoffice_like_copy(capsys, reconciled, tmp_path):
    """The check reads the file only: it writes nothing, even when the book is stale."""
    edited(reconciled, lambda book: book["Usage"]["B2"].__setattr__("value", 8))
    before = reconciled.read_bytes()
    run(capsys, "check", reconciled)
    assert reconciled.read_bytes() == before
    copy = shutil.copyfile(reconciled, tmp_path / "copy.xlsx")
    with zipfile.ZipFile(copy) as archive:
        assert "docProps/custom.xml" in archive.namelist()


def test_a_long_stretch_between_changes_is_aligned_on_rows_found_once(monkeypatch):
    """Past `ALIGNED_ROWS` rows between the first and the last change, rows that occur
    once on each side anchor the alignment: a row inserted near the top and a cell edited
    near the bottom are one row added and one cell edited, not every row between."""
    import workbook.close.changes as changes_module

    monkeypatch.setattr(changes_module, "ALIGNED_ROWS", 10)
    book = sheets(usage=[("P", n, None, f"R{n}") for n in range(1, 101)])
    done = reconcile(Grids(book))
    record = next(sheet for sheet in done.sheets if sheet.name == RUN_RECORD)
    usage = book["Usage"]
    book["Usage"] = [usage[0], usage[1], ("NEW", 7, None, "X"), *usage[2:95], ("P", 950, None, "R95"), *usage[96:]]
    result = check(Grids({**book, RUN_RECORD: [("Sheet", "Data"), *record.rows]}))
    assert [(c.change, c.cell, c.was, c.now) for c in result.changes.listed] == [
        ("added", "Usage!A3", None, "NEW"), ("added", "Usage!B3", None, 7), ("added", "Usage!D3", None, "X"),
        ("shifted", "Usage!A4:E96", "rows 3 to 95", "rows 4 to 96", ),
        ("edited", "Usage!B97", 95, 950),
        ("shifted", "Usage!A98:E102", "rows 97 to 101", "rows 98 to 102"),
    ]


MORE_USAGE = [*USAGE, ("BOLT-10", -20, None, "RMA-90"), ("BOLT-10", 3, None, "SO-1005")]  # rows 2 to 8


def rows_placed(order: list[int]):
    """An edit putting Usage's rows 2 to 8 in `order` (their old numbers)."""
    def edit(book):
        sheet = book["Usage"]
        rows = {number: [cell.value for cell in sheet[number]] for number in range(2, 9)}
        for number, old in enumerate(order, start=2):
            for column, value in enumerate(rows[old], start=1):
                sheet.cell(number, column, value)
    return edit


@pytest.mark.parametrize("order, first, lines, changes", [
    ([3, 2, 4, 5, 6, 7, 8], "1 pair of rows swapped", ["  Usage rows 2 and 3 swapped (GASKET)"],
     [("swapped", "Usage!A2:E2", "GASKET", "row 2", "row 3")]),
    ([6, 3, 4, 5, 2, 7, 8], "1 pair of rows swapped", ["  Usage rows 2 and 6 swapped (NUT-5 and GASKET)"],
     [("swapped", "Usage!A2:E2", "NUT-5 and GASKET", "row 2", "row 6")]),
    ([2, 7, 3, 4, 5, 6, 8], "1 row moved", ["  Usage row 7 moved to row 3 (BOLT-10)"],
     [("moved", "Usage!A3:E3", "BOLT-10", "row 7", "row 3")]),
    ([4, 5, 6, 7, 2, 3, 8], "1 block of rows moved", ["  Usage rows 2 to 3 moved to rows 6 to 7 (GASKET)"],
     [("moved", "Usage!A6:E7", "GASKET", "rows 2 to 3", "rows 6 to 7")]),
], ids=["adjacent rows swapped", "rows far apart swapped", "a row moved up", "two rows moved down"])
def test_a_swap_or_a_move_is_said_once_in_words(capsys, tmp_path, order, first, lines, changes):
    book = xlsx(tmp_path / "b.xlsx", sheets(usage=MORE_USAGE))
    run(capsys, "reconcile", book, "--in-place")
    edited(book, rows_placed(order))
    status, out, _ = run(capsys, "check", book)
    text = out.splitlines()
    assert status == 1 and text[0].startswith(f"stale: {first} since the run of") and text[1:] == lines
    report = json.loads(run(capsys, "check", "--json", book)[1])
    assert [(c["change"], c["cell"], c["product"], c["was"], c["now"]) for c in report["changes"]] == changes


def test_a_moved_row_beside_real_edits_still_names_the_edits(capsys, tmp_path):
    book = xlsx(tmp_path / "b.xlsx", sheets(usage=MORE_USAGE))
    run(capsys, "reconcile", book, "--in-place")

    def edit(workbook):
        rows_placed([2, 7, 3, 4, 5, 6, 8])(workbook)
        workbook["Usage"]["B8"] = 4  # SO-1005's 3
        workbook["Usage"].append(("WASHER", 1, None, "SO-2000"))
    edited(book, edit)
    text = run(capsys, "check", book)[1].splitlines()
    assert text[0].startswith("stale: 1 cell edited, 1 row added, 1 row moved since")
    assert text[1:] == ["  Usage row 7 moved to row 3 (BOLT-10)", "  Usage!B8 changed from 3 to 4 (BOLT-10)",
                        "  Usage row 9 added: WASHER, 1, SO-2000"]
