"""Summary's sign-off (SPEC section 11): `Prepared by` and `Reviewed by` labels, the name in
the cell right of the label, the date right of that; empty on a fresh book, kept by a
re-run with unchanged inputs, cleared onto a History line when the inputs changed, in every
host."""

from __future__ import annotations

import copy
import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlwings as xw

from addin import scripts
from giveback.cli import main
from officejs import apply_actions, client_payload, file_payload, sheet_named
from workbook.files.snapshot import Snapshot
from workbook.sheets.signoff import HISTORY, MOST_HISTORY, PREPARED, REVIEWED, SCAN_ROWS, block_of
from workbooks import sheets, xlsx

USAGE = [("GASKET", 6, None, "SO-1010"), ("GASKET", -4, None, "RMA-91"), ("NUT-5", 2, None, "NZ-1"),
         ("NUT-5", -3, None, "NZ-2")]


def reconciled_book(tmp_path):
    book = xlsx(tmp_path / "march.xlsx", sheets(usage=USAGE))
    assert main(["reconcile", str(book), "--in-place"]) == 0
    return book


def label_rows(sheet) -> dict[str, int]:
    return {row[0].value: row[0].row for row in sheet.iter_rows(max_row=SCAN_ROWS, max_col=1) if row[0].value}


def sign(path, prepared=("Ann Lee", dt.date(2026, 3, 5)), reviewed=("Bo Chan", dt.date(2026, 3, 6)), edit=None):
    book = openpyxl.load_workbook(path)
    summary = book["Summary"]
    rows = label_rows(summary)
    for label, (name, date) in ((PREPARED, prepared), (REVIEWED, reviewed)):
        summary.cell(rows[label], 2).value = name
        summary.cell(rows[label], 3).value = date
    if edit:
        edit(book)
    book.save(path)


def signoff_cells(path) -> dict[str, tuple]:
    """{label: (the cell right of it, the one right of that)} on Summary, and the history."""
    summary = openpyxl.load_workbook(path)["Summary"]
    rows = label_rows(summary)
    found = {label: (summary.cell(rows[label], 2).value, summary.cell(rows[label], 3).value)
             for label in (PREPARED, REVIEWED)}
    history = summary.cell(rows[HISTORY], 2).value
    return {**found, HISTORY: history.split(" | ") if history else []}


def test_a_fresh_book_has_the_labels_and_empty_cells_right_of_them(tmp_path):
    book = reconciled_book(tmp_path)
    assert signoff_cells(book) == {PREPARED: (None, None), REVIEWED: (None, None), HISTORY: []}
    rows = label_rows(openpyxl.load_workbook(book)["Summary"])
    assert rows[PREPARED] + 1 == rows[REVIEWED] == rows[HISTORY] - 1 < rows["Product"] - 1  # above the table


def test_a_rerun_with_unchanged_inputs_keeps_the_names_and_dates(tmp_path, capsys):
    book = reconciled_book(tmp_path)
    sign(book)
    assert main(["reconcile", str(book), "--in-place"]) == 0
    assert "Summary's sign-off is kept" in capsys.readouterr().out
    cells = signoff_cells(book)
    assert cells[PREPARED] == ("Ann Lee", dt.datetime(2026, 3, 5)) and cells[REVIEWED][0] == "Bo Chan"
    assert cells[HISTORY] == []
    assert openpyxl.load_workbook(book)["Summary"].cell(label_rows(openpyxl.load_workbook(book)["Summary"])[PREPARED],
                                                        3).is_date  # still a date cell


def test_a_rerun_with_changed_inputs_clears_them_onto_a_history_line(tmp_path, capsys):
    book = reconciled_book(tmp_path)
    old_fingerprint = dict(openpyxl.load_workbook(book)["Summary"].iter_rows(max_col=2, values_only=True))["Fingerprint"]
    sign(book, edit=lambda workbook: workbook["Usage"].__setitem__("B2", 8))
    main(["reconcile", str(book), "--in-place"])
    assert "sign-off was cleared (the inputs changed)" in capsys.readouterr().out
    cells = signoff_cells(book)
    assert cells[PREPARED] == cells[REVIEWED] == (None, None)
    (line,) = cells[HISTORY]
    assert line.startswith("Cleared 2026-03-05 12:00 UTC (the inputs changed): prepared by Ann Lee, 2026-03-05;"
                           " reviewed by Bo Chan, 2026-03-06. They signed the run of 2026-03-05 12:00 UTC by giveback")
    assert f"fingerprint {old_fingerprint[:12]}" in line


def test_history_keeps_the_newest_entries_first_and_the_table_where_it_was(tmp_path):
    book = reconciled_book(tmp_path)
    rows = label_rows(openpyxl.load_workbook(book)["Summary"])
    height = rows["Product"] - rows["Reconciled"]
    for quantity in range(7, 7 + MOST_HISTORY + 2):
        sign(book, prepared=(f"Preparer {quantity} | A", None), reviewed=(None, None),
             edit=lambda workbook, q=quantity: workbook["Usage"].__setitem__("B2", q))
        main(["reconcile", str(book), "--in-place"])
    history = signoff_cells(book)[HISTORY]
    assert len(history) == MOST_HISTORY and "Preparer 18 / A" in history[0] and "Preparer 17 / A" in history[1]
    rows = label_rows(openpyxl.load_workbook(book)["Summary"])
    assert rows["Product"] - rows["Reconciled"] == height  # the block keeps its height: Excel resizes tables so


def test_a_changed_rule_clears_them_too(tmp_path, capsys):
    book = reconciled_book(tmp_path)
    sign(book)
    main(["reconcile", str(book), "--in-place", "--rule", "guide"])
    assert "sign-off was cleared (the rule or settings changed)" in capsys.readouterr().out
    assert signoff_cells(book)[PREPARED] == (None, None)


def test_reconciling_the_input_again_into_the_signed_output_keeps_the_sign_off(tmp_path):
    source = xlsx(tmp_path / "march.xlsx", sheets(usage=USAGE))
    target = tmp_path / "march.reconciled.xlsx"
    main(["reconcile", str(source)])
    sign(target)
    main(["reconcile", str(source)])  # march.xlsx has no Summary: the one replaced is read
    assert signoff_cells(target)[PREPARED][0] == "Ann Lee"


def test_the_output_replaced_is_glanced_at_never_read_whole(tmp_path, monkeypatch):
    """Only Summary's first rows of the output a re-run replaces are read, where the file
    lies: no snapshot of it, no other sheet opened (a large LoopTrace costs nothing)."""
    source = xlsx(tmp_path / "march.xlsx", sheets(usage=USAGE))
    target = tmp_path / "march.reconciled.xlsx"
    main(["reconcile", str(source)])
    sign(target)
    summary = openpyxl.load_workbook(target).sheetnames.index("Summary") + 1
    taken, opened, take, open_part = [], [], Snapshot.take.__func__, zipfile.ZipFile.open

    def taking(cls, path, *args, **kwargs):
        taken.append(Path(path).name)
        return take(cls, path, *args, **kwargs)

    def opening(archive, name, *args, **kwargs):
        if Path(str(archive.filename)).name == target.name:
            opened.append(getattr(name, "filename", name))
        return open_part(archive, name, *args, **kwargs)

    monkeypatch.setattr(Snapshot, "take", classmethod(taking))
    monkeypatch.setattr(zipfile.ZipFile, "open", opening)
    main(["reconcile", str(source)])
    monkeypatch.undo()
    assert taken == ["march.xlsx"]
    assert [part for part in opened if part.startswith("xl/worksheets/")] == [f"xl/worksheets/sheet{summary}.xml"]
    assert signoff_cells(target)[PREPARED] == ("Ann Lee", dt.datetime(2026, 3, 5))


def test_the_block_is_read_back_from_summarys_first_rows():
    rows = [("Summary",), (), ("Reconciled", "2026-03-05 12:00 UTC by giveback 0.1"), ("Rule", "Fewest runs"),
            ("Fingerprint", "ab" * 32), (" prepared BY ", " Ann ", dt.datetime(2026, 3, 5)), ("Reviewed by",),
            ("History", "Cleared once | Cleared before"), (), ("Product", "Status"), ("Prepared by", "X")]
    block = block_of(rows)
    assert (block.prepared.name, block.prepared.date, block.reviewed.given) == ("Ann", dt.date(2026, 3, 5), False)
    assert block.history == ("Cleared once", "Cleared before") and block.fingerprint == "ab" * 32


def run_reconcile(payload: dict) -> dict:
    book = xw.Book(json=copy.deepcopy(payload))
    scripts.reconcile_book(book)
    return apply_actions(payload, book.json()["actions"])


def summary_block(payload: dict):
    return block_of(sheet_named(payload, "Summary")["values"][:SCAN_ROWS])


@pytest.mark.parametrize("view", [client_payload, lambda book: book], ids=["office.js", "lite"])
def test_the_ribbons_reconcile_keeps_and_clears_the_sign_off_as_the_command_line_does(tmp_path, view):
    book = reconciled_book(tmp_path)
    sign(book)
    payload = file_payload(book)
    again = run_reconcile(view(payload))
    kept = summary_block(again)
    assert (kept.prepared.name, kept.reviewed.name, kept.history) == ("Ann Lee", "Bo Chan", ())
    changed = copy.deepcopy(again)
    sheet_named(changed, "Usage")["values"][1][1] = 8
    cleared = summary_block(run_reconcile(view(changed)))
    assert not cleared.signed and cleared.history[0].startswith("Cleared 2026-03-05 12:00 UTC (the inputs changed):"
                                                                " prepared by Ann Lee, 2026-03-05")
