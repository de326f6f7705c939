"""The desktop entry points that `RunPython` calls, with `xw.Book.caller()` standing in
for Excel: a JSON-backed book records what they do as actions."""

import copy

import pytest
import xlwings as xw

import giveback
from addin import desktop
from officejs import apply_actions, book_payload, sheet_named
from workbooks import table_of

SEED_USAGE = [["Product", "Quantity"]] + [["NUT-5", q] for q in (2, 4, 4, -10, 3, -3)]


@pytest.fixture
def caller(monkeypatch):
    """Make `xw.Book.caller()` return a JSON-backed book of the given sheets."""
    def open_as_caller(sheets, name="Reconcile.xlsx"):
        payload = book_payload(sheets, name)
        book = xw.Book(json=copy.deepcopy(payload))
        book.payload = payload  # as Excel had it, for replaying the actions
        monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: book))
        return book
    return open_as_caller


def alerts(book):
    return [action["args"][:2] for action in book.json()["actions"] if action["func"] == "alert"]


def test_the_ribbons_reconcile_writes_the_active_workbooks_outputs(caller):
    book = caller({"Usage": SEED_USAGE})
    giveback.main()
    assert alerts(book) == []
    after = apply_actions(book.payload, book.json()["actions"])
    header, *rows = table_of(sheet_named(after, "Adjustments")["values"])
    assert [row[2:4] for row in rows] == [["On", 7], ["Off", -7]]


def test_a_problem_is_an_alert_with_the_message_not_a_traceback(caller):
    book = caller({"Sheet1": [["Product", "Qty"]]})
    desktop.reconcile()
    [(message, title)] = alerts(book)
    assert "no Usage sheet" in message and title == "Give-Back"


def test_the_add_in_itself_is_never_the_target(caller):
    book = caller({"Sheet1": [[None]]}, name="giveback.xlam")
    desktop.new_template()
    [(message, _)] = alerts(book)
    assert message == "Open or select the workbook to work on first."
    assert [a["func"] for a in book.json()["actions"]] == ["alert"]


def test_new_template_and_clear_results_from_the_ribbon(caller):
    book = caller({"Usage": SEED_USAGE})
    desktop.new_template()
    desktop.reconcile()
    desktop.clear_results()
    assert [sheet.name for sheet in book.sheets] == ["Read me", "Usage", "Lots", "Counts", "Settings", "After run"]


def test_the_ribbons_check_answers_in_an_alert_and_writes_nothing(caller, monkeypatch):
    book = caller({"Usage": SEED_USAGE})
    desktop.reconcile()
    reconciled = apply_actions(book.payload, book.json()["actions"])
    sheet_named(reconciled, "Usage")["values"][2][1] = 5  # Usage!B3: 4 -> 5
    checked = xw.Book(json=copy.deepcopy(reconciled))
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: checked))
    desktop.check()
    [(message, title)] = alerts(checked)
    assert title == "Give-Back: Check" and message.startswith("stale: 1 cell edited since the run of")
    assert "Usage!B3 changed from 4 to 5 (NUT-5)" in message
    assert [action["func"] for action in checked.json()["actions"]] == ["alert"]


def test_a_book_never_reconciled_is_said_so_by_check(caller):
    book = caller({"Usage": SEED_USAGE})
    desktop.check()
    [(message, _)] = alerts(book)
    assert message.startswith("never reconciled: Reconcile.xlsx has no run record")
