"""The ribbon's scripts on a JSON-backed book, as xlwings Server and xlwings Lite run them.

The book is what Excel's Office.js client sends for the demo workbook (`giveback demo`'s
input rows, date cells as ISO strings); the actions the script returns are replayed on
that payload (`officejs.apply_actions`) and the output sheets compared, cell by cell,
with what `giveback reconcile` writes into the same workbook as a file."""

import asyncio
import copy
import datetime as dt
import re

import openpyxl
import pytest
import xlwings as xw
import xlwings.server

from addin import scripts
from addin.book import is_owned
from giveback import cli
from giveback.demo import COUNTS, LOTS, USAGE
from officejs import (apply_actions, book_payload, client_payload, excluded_payload, file_payload, sheet_named,
                      with_givebacks_client)
from workbook.files.books import open_book
from workbook.files.newbook import input_book, save_new
from workbook.sheets.readme import header_note
from workbook.sheets.schema import LOTS as LOTS_SCHEMA
from workbook.sheets.signoff import SCAN_ROWS

OUTPUTS = ("Adjustments", "LoopTrace", "Summary", "Issues", "RunRecord")


def run_script(name: str, payload: dict) -> tuple[dict, list[dict]]:
    """Run a script as xlwings Server does; returns the replayed book and the actions."""
    book = xw.Book(json=copy.deepcopy(payload))  # xlwings updates the payload it is given
    asyncio.run(xlwings.server.custom_scripts_call(scripts, name, typehint_to_value={xw.Book: book}))
    actions = book.json()["actions"]
    return apply_actions(payload, actions), actions


def trimmed(rows) -> list[list]:
    """Cell values as compared: blanks as None, trailing blank rows and columns dropped, a
    link as the text it shows, and a totals row's figures as "(total)": the file carries
    a SUBTOTAL's value, a live book the formula that Excel computes."""
    rows = [[None if value == "" else shown(value) for value in row] for row in rows]
    rows = [[value if row[0] != "Total" or value in (None, "Total") else "(total)" for value in row] for row in rows]
    while rows and all(value is None for value in rows[-1]):
        rows.pop()
    width = max((i + 1 for row in rows for i, v in enumerate(row) if v is not None), default=0)
    return [row[:width] + [None] * (width - len(row)) for row in rows]


def shown(value):
    """What a cell shows: a HYPERLINK formula's text; a date as the ISO text xlwings sends
    Office.js (Excel reads it back as a date)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    link = re.fullmatch(r'=HYPERLINK\("#[^"]*(?:""[^"]*)*","(.*)"\)', value) if isinstance(value, str) else None
    return link.group(1).replace('""', '"') if link else value


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo workbook as a file, reconciled by the command line, and as Office.js'
    payload of its input sheets."""
    folder = tmp_path_factory.mktemp("demo")
    source, target = folder / "demo.xlsx", folder / "demo.reconciled.xlsx"
    save_new(input_book({"Usage": USAGE, "Lots": LOTS, "Counts": COUNTS}), source)
    assert cli.main(["reconcile", str(source), "-o", str(target)]) == 1  # the demo's bad row
    with open_book(source) as inputs:
        payload = with_givebacks_client(book_payload({name: list(inputs.rows(name)) for name in inputs.sheet_names()}))
    with open_book(target) as reconciled:
        expected = {name: trimmed(reconciled.rows(name)) for name in reconciled.sheet_names() if name in OUTPUTS}
    return payload, expected


def test_the_payload_carries_dates_as_office_js_does(demo):
    payload, _ = demo
    assert sheet_named(payload, "Usage")["values"][1][2] == "2026-03-02T00:00:00.000Z"


def test_reconcile_writes_the_same_sheets_and_values_as_the_command_line(demo):
    payload, expected = demo
    after, actions = run_script("reconcile", payload)
    assert set(expected) == {"Adjustments", "LoopTrace", "Summary", "Issues", "RunRecord"}
    for name, rows in expected.items():  # Summary's run record, fingerprint included, and RunRecord too
        assert trimmed(sheet_named(after, name)["values"]) == rows, name
    assert {a["func"] for a in actions} <= {
        "addSheet", "namesAdd", "setValues", "setNumberFormat", "setColumnWidth", "addTable", "freezePaneAtRange",
        "freezePaneUnfreeze",  # Summary and Options: their tops are taller than a laptop's window
        "setFontProperty", "setWrapText", "rangeMerge", "setRowHeight", "setSheetVisibility",
        "setFormula", "setRowHidden", "setDataValidationList", "setPrintArea", "runMacro",  # Options' panel, paper
    }
    assert [(s["name"], s["visibility"]) for s in after["sheets"] if s["visibility"] != "Visible"] == [
        ("RunRecord", "VeryHidden")]
    assert sheet_named(after, "Adjustments")["tables"][0]["name"] == "Adjustments"
    assert sheet_named(after, "Adjustments")["frozen"] == "1:6"  # the header frozen, as the file writer does,
    assert sheet_named(after, "Summary").get("frozen") is None  # but not under Summary's tall top (seam.frozen_rows)


def test_reconciling_again_reuses_giveback_sheets_with_the_same_values(demo):
    payload, expected = demo
    once, _ = run_script("reconcile", payload)
    twice, actions = run_script("reconcile", once)
    assert [s["name"] for s in twice["sheets"]] == [s["name"] for s in once["sheets"]]
    assert "addSheet" not in {a["func"] for a in actions}
    for name, rows in expected.items():
        assert trimmed(sheet_named(twice, name)["values"]) == rows, name


def test_a_workbook_reconciled_on_the_command_line_is_reconciled_again_from_the_ribbon(tmp_path):
    source, target = tmp_path / "book.xlsx", tmp_path / "book.reconciled.xlsx"
    save_new(input_book({"Usage": USAGE, "Lots": LOTS, "Counts": COUNTS}), source)
    cli.main(["reconcile", str(source), "-o", str(target)])
    payload = with_givebacks_client(file_payload(target))
    after, actions = run_script("reconcile", payload)
    assert "addSheet" not in {a["func"] for a in actions}  # the file's outputs are reused
    assert [s["name"] for s in after["sheets"]] == [s["name"] for s in payload["sheets"]]
    with open_book(target) as reconciled:
        for name in OUTPUTS:
            assert trimmed(sheet_named(after, name)["values"]) == trimmed(reconciled.rows(name)), name


def test_fixed_input_drops_the_stale_issues_sheet(demo):
    payload, _ = demo
    once, _ = run_script("reconcile", payload)
    usage = sheet_named(once, "Usage")["values"]
    bad = next(i for i, row in enumerate(usage) if row[1] == "five")
    usage[bad][1] = 5
    fixed, _ = run_script("reconcile", once)
    assert "Issues" not in [s["name"] for s in fixed["sheets"]]


def test_a_users_sheet_with_an_output_name_stops_the_run_before_anything_is_written(demo):
    payload, _ = demo
    payload = copy.deepcopy(payload)
    payload["sheets"].append(book_payload({"Summary": [["my notes"]]})["sheets"][0])
    book = xw.Book(json=copy.deepcopy(payload))
    with pytest.raises(xw.XlwingsError, match="Sheet 'Summary' was not written by giveback"):
        scripts.reconcile_book(book)
    assert book.json()["actions"] == []


def test_a_rerun_with_the_outputs_left_out_of_the_payload_replaces_giveback_sheets(demo):
    payload, expected = demo
    once, _ = run_script("reconcile", payload)
    sent = client_payload(once)  # what giveback's Reconcile sends: no output's values but Summary's first rows
    assert all(sheet_named(sent, name)["values"] == [[]] for name in expected if name != "Summary")
    assert sheet_named(sent, "Summary")["values"] == sheet_named(once, "Summary")["values"][:SCAN_ROWS]
    book = xw.Book(json=copy.deepcopy(sent))
    scripts.reconcile_book(book)
    actions = book.json()["actions"]
    twice = apply_actions(once, actions)
    assert [s["name"] for s in twice["sheets"]] == [s["name"] for s in once["sheets"]]  # no Adjustments1
    assert "addSheet" not in {a["func"] for a in actions}
    for name, rows in expected.items():
        assert trimmed(sheet_named(twice, name)["values"]) == rows, name


def test_ownership_survives_xlwings_exclude_which_drops_the_sheets_own_names(demo):
    payload, expected = demo
    once, _ = run_script("reconcile", payload)
    sent = excluded_payload(once, set(expected))
    assert all(n["book_scope"] for n in sent["names"])
    book = xw.Book(json=copy.deepcopy(sent))
    assert all(is_owned(book.sheets[name]) for name in expected)
    _, actions = run_script("clear_results", sent)
    assert [s["name"] for s in apply_actions(once, actions)["sheets"]] == [s["name"] for s in payload["sheets"]]


@pytest.mark.parametrize("view", [client_payload, lambda book: excluded_payload(book, {"Summary"})])
def test_a_users_summary_left_out_of_the_payload_is_still_refused(demo, view):
    payload, _ = demo
    mine = copy.deepcopy(payload)
    mine["sheets"].append(book_payload({"Summary": [["my notes"]]})["sheets"][0])
    book = xw.Book(json=view(mine))
    with pytest.raises(xw.XlwingsError, match="Sheet 'Summary' was not written by giveback"):
        scripts.reconcile_book(book)
    assert book.json()["actions"] == []


def test_an_input_sheet_sent_without_its_cells_stops_the_run(demo):
    payload, _ = demo
    book = xw.Book(json=excluded_payload(payload, {"Lots"}))
    with pytest.raises(xw.XlwingsError, match="The Lots sheet reached giveback without its cells"):
        scripts.reconcile_book(book)
    assert book.json()["actions"] == []


def test_a_structural_problem_is_one_message_and_no_writes():
    book = xw.Book(json=book_payload({"Sheet1": [["Product", "Qty"], ["A", 1]]}))
    with pytest.raises(xw.XlwingsError, match="no Usage sheet"):
        scripts.reconcile_book(book)
    assert book.json()["actions"] == []


def test_clear_results_removes_only_giveback_sheets(demo):
    payload, _ = demo
    once, _ = run_script("reconcile", payload)
    once["sheets"].append(book_payload({"issues log": [["mine"]]})["sheets"][0])
    cleared, _ = run_script("clear_results", once)
    assert [s["name"] for s in cleared["sheets"]] == ["Read me", "Usage", "Lots", "Counts", "Settings", "After run",
                                                      "issues log"]


def test_check_from_a_client_that_sends_no_adjustments_cells_asks_to_reload_it(demo):
    """An older web client (cached by the browser) sends Adjustments without its cells: no
    line is said to be edited; the add-in is to be reloaded, as for an input sheet."""
    payload, _ = demo
    once, _ = run_script("reconcile", payload)
    sent = client_payload(once, for_check=True)
    sheet_named(sent, "Adjustments")["values"] = [[]]
    with pytest.raises(xw.XlwingsError, match="The Adjustments sheet reached giveback without its cells, so nothing"
                                              " was changed. Reload the giveback add-in"):
        scripts.check_book(xw.Book(json=sent))


def test_clear_results_says_what_it_removed_or_that_there_was_nothing(demo):
    payload, _ = demo
    once, _ = run_script("reconcile", payload)
    cleared, _ = run_script("clear_results", once)
    assert cleared["alerts"][-1]["prompt"] == ("Removed the sheets giveback wrote: Adjustments, LoopTrace, Summary,"
                                               " Options, Issues. Your own sheets are as they were.")
    again, _ = run_script("clear_results", cleared)
    assert again["alerts"][-1]["prompt"] == "Nothing to clear: no sheet of this workbook was written by giveback."


def test_check_in_excel_of_a_book_never_reconciled_names_the_reconcile_button(demo):
    payload, _ = demo
    said = run_script("check", client_payload(payload, for_check=True))[0]["alerts"][0]["prompt"]
    assert said.endswith("has no run record; reconcile it first (Reconcile on the Give-Back tab).")


def test_new_template_adds_the_missing_input_sheets_with_headers():
    payload = book_payload({"Usage": [["Product", "Quantity"], ["A", 3]]})
    after, actions = run_script("new_template", payload)
    assert [s["name"] for s in after["sheets"]] == ["Read me", "Usage", "Lots", "Counts", "Settings", "After run"]
    read_me = sheet_named(after, "Read me")["values"]
    assert read_me[0][0] == "giveback: how to fill in this workbook" and ["Signs", ""] in read_me
    notes = [action["args"] for action in actions if action["func"] == "addNote"]
    assert len(notes) == 6 + 3 + 2 + 1 + 3 and notes[0] == ["$A$1", header_note(LOTS_SCHEMA, "product")]
    assert sheet_named(after, "After run")["values"] == [["Run", "", ""], ["", "", ""],
                                                         ["Product", "Quantity", "Reference"]]
    assert sheet_named(after, "Usage")["values"] == [["Product", "Quantity"], ["A", 3]]
    assert sheet_named(after, "Lots")["values"][0] == ["Product", "Lot", "Quantity", "Used", "Date", "Unit Cost"]
    assert sheet_named(after, "Settings")["values"][1] == ["rule", "book"]


def test_the_ribbon_writes_the_options_sheet_as_the_command_line_does(demo, tmp_path):
    """The Options sheet cell by cell, the panel's formulas as formulas (the file's read
    with openpyxl, which gives a formula's text); its drop-down list, chart and print
    setup: test_addin_hosts.py."""
    payload, _ = demo
    after, _ = run_script("reconcile", payload)
    source, target = tmp_path / "demo.xlsx", tmp_path / "demo.reconciled.xlsx"
    save_new(input_book({"Usage": USAGE, "Lots": LOTS, "Counts": COUNTS}), source)
    cli.main(["reconcile", str(source), "-o", str(target)])
    in_book = trimmed(sheet_named(after, "Options")["values"])
    in_file = trimmed(openpyxl.load_workbook(target)["Options"].values)
    assert in_book == in_file
    assert sum(isinstance(v, str) and v.startswith("=") for row in in_book for v in row) > 50


def test_a_rerun_never_copies_a_sheet_through_xlwings_range_api(demo, monkeypatch):
    """xlwings' JSON `Range.api` copies the sheet's whole grid on each call: a re-run whose
    payload holds the outputs it wrote spent seconds there."""
    from xlwings.pro import _xlremote

    payload, _ = demo
    once, _ = run_script("reconcile", payload)
    copies = []
    api = _xlremote.Range.api
    monkeypatch.setattr(_xlremote.Range, "api", property(lambda rng: copies.append(rng.sheet.name) or api.fget(rng)))
    run_script("reconcile", once)
    run_script("clear_results", once)
    assert copies == []


def test_check_after_a_ribbon_reconcile_is_current_and_names_an_edit_once_stale(demo):
    payload, _ = demo
    once, _ = run_script("reconcile", payload)
    after, actions = run_script("check", client_payload(once, for_check=True))
    assert [a["func"] for a in actions] == ["alert"]
    assert after["alerts"][0]["prompt"].startswith("current: the outputs match the inputs read by the run of")
    assert after["alerts"][0]["mode"] == "info"
    sheet_named(once, "Usage")["values"][1][1] = 30  # Usage!B2, WIDGET-RED's 25
    stale = run_script("check", client_payload(once, for_check=True))[0]["alerts"][0]
    assert stale["mode"] == "critical"
    assert stale["prompt"].splitlines()[:2] == [
        stale["prompt"].splitlines()[0], "  Usage!B2 changed from 25 to 30 (WIDGET-RED)"]


def test_check_in_excel_names_a_line_edited_on_adjustments(demo):
    """The ribbon's Check reads Adjustments' Product to Quantity (tests/js: POSTED_COLUMNS) and
    tells an edited line as the command line does."""
    payload, _ = demo
    once, _ = run_script("reconcile", payload)
    adjustments = sheet_named(once, "Adjustments")["values"]
    row = next(number for number, values in enumerate(adjustments, start=1) if values[:1] == ["WIDGET-RED"])
    adjustments[row - 1][3] = 999  # WIDGET-RED's On 60
    said = run_script("check", client_payload(once, for_check=True))[0]["alerts"][0]
    assert said["mode"] == "critical"
    assert said["prompt"].startswith("stale: the lines on Adjustments were edited after the run"
                                     f" (Adjustments!D{row} (WIDGET-RED On) reads 999 where the run made 60)")


def test_a_long_check_report_is_cut_to_what_a_message_box_shows():
    lines = [f"  Usage!B{row} changed from 1 to 2 (P)" for row in range(2, 200)]
    text = scripts.alert_text(["stale: 198 changes", *lines])
    assert len(text) <= scripts.LONGEST_ALERT + 100 and text.startswith("stale: 198 changes\n")
    assert text.endswith("more lines: giveback check on the file lists them all.")
