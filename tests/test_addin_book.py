"""The xlwings side of the seam on a JSON-backed book, as xlwings Server receives it from
Office.js: what the reader hands the codecs, and what the writer's actions do when Excel
replays them (emulated by `officejs.apply_actions`)."""

import copy
import datetime as dt
import json
from decimal import Decimal

import pytest
import xlwings as xw

from addin.book import BookReader, BookWriter, ForeignSheet, is_owned, json_cell
from officejs import apply_actions, book_payload, copy_sheet, rename_sheet, sheet_named
from workbook.seam import Column, OutputSheet

USAGE = [
    ["Product", "Quantity", "Date", "Reference"],
    ["A-100", 2, dt.date(2024, 1, 5), "INV-1"],
    [None, None, None, None],
    ["B-200", -3.5, None, "#N/A"],
]
ADJUSTMENTS = OutputSheet(
    "Adjustments",
    (Column("Product"), Column("Quantity", "#,##0.######", 10.0)),
    [["A-100", Decimal("13")], ["A-100", Decimal("-1.25")]],
)


def test_reader_gives_plain_rows_from_a1_with_dates_blanks_and_error_text():
    reader = BookReader(xw.Book(json=book_payload({"Usage": USAGE, "Notes": []})))
    assert reader.sheet_names() == ["Usage", "Notes"]
    assert reader.rows("Usage") == [
        ["Product", "Quantity", "Date", "Reference"],
        ["A-100", 2, dt.datetime(2024, 1, 5), "INV-1"],
        [None, None, None, None],
        ["B-200", -3.5, None, "#N/A"],
    ]
    assert reader.rows("Notes") == []


def written(payload, outputs):
    book = xw.Book(json=copy.deepcopy(payload))  # xlwings updates the payload it is given
    names = BookWriter(book).write(outputs)
    return names, apply_actions(payload, book.json()["actions"])


def test_writer_adds_a_marked_sheet_with_values_formats_table_and_frozen_header():
    names, after = written(book_payload({"Usage": USAGE}), [ADJUSTMENTS])
    assert names == ["Adjustments"]
    sheet = sheet_named(after, "Adjustments")
    assert sheet["values"] == [["Product", "Quantity"], ["A-100", 13], ["A-100", -1.25]]
    assert sheet["formats"] == {2: "#,##0.######"}
    assert sheet["tables"] == [{"name": "Adjustments", "range_address": "$A$1:$B$3", "table_style": "TableStyleMedium2"}]
    assert sheet["frozen"] == "1:1"
    [mark] = after["names"]
    assert (mark["name"], mark["refers_to"], mark["book_scope"]) == ("_giveback_sheet_Adjustments", "='Adjustments'!$A$1", True)
    assert is_owned(xw.Book(json=after).sheets["Adjustments"])
    assert sheet_named(after, "Usage")["values"][1][0] == "A-100"


def test_writer_reuses_its_own_sheet_and_resizes_its_table():
    _, first = written(book_payload({"Usage": USAGE}), [ADJUSTMENTS])
    shorter = ADJUSTMENTS._replace(rows=[["C-300", Decimal(4)]])
    _, second = written(first, [shorter])
    assert [s["name"] for s in second["sheets"]] == ["Usage", "Adjustments"]
    sheet = sheet_named(second, "Adjustments")
    assert sheet["values"][:2] == [["Product", "Quantity"], ["C-300", 4]]
    assert sheet["values"][2] == ["", ""]
    assert sheet["tables"][0]["range_address"] == "$A$1:$B$2"


def test_writer_never_replaces_a_sheet_it_did_not_write():
    payload = book_payload({"Usage": USAGE, "adjustments": [["my own notes"]]})
    book = xw.Book(json=payload)
    with pytest.raises(ForeignSheet, match="Sheet 'adjustments' was not written by giveback"):
        BookWriter(book).write([ADJUSTMENTS])
    assert book.json()["actions"] == []


def test_a_renamed_output_is_the_users_and_so_is_a_new_sheet_under_its_old_name():
    _, after = written(book_payload({"Usage": USAGE}), [ADJUSTMENTS])
    rename_sheet(after, "Adjustments", "March")
    after["sheets"].append(book_payload({"Adjustments": [["mine"]]})["sheets"][0])
    book = xw.Book(json=after)
    assert not is_owned(book.sheets["March"]) and not is_owned(book.sheets["Adjustments"])
    assert BookWriter(book).remove(["Adjustments", "March"]) == []


def test_a_copy_excel_made_of_an_output_is_the_users():
    _, after = written(book_payload({"Usage": USAGE}), [ADJUSTMENTS])
    copy_sheet(after, "Adjustments", "Adjustments (2)")
    book = xw.Book(json=after)
    assert is_owned(book.sheets["Adjustments"]) and not is_owned(book.sheets["Adjustments (2)"])
    assert BookWriter(book).remove(["Adjustments"]) == ["Adjustments"]


def test_a_deleted_output_is_written_again_with_its_mark_renewed():
    _, after = written(book_payload({"Usage": USAGE}), [ADJUSTMENTS])
    deleted = apply_actions(after, [{"func": "sheetDelete", "sheet_position": 1}])
    assert deleted["names"][0]["refers_to"] == "=#REF!$A$1"
    _, again = written(deleted, [ADJUSTMENTS])
    assert [(n["name"], n["refers_to"]) for n in again["names"]] == [("_giveback_sheet_Adjustments", "='Adjustments'!$A$1")]


def test_removing_an_output_removes_its_mark():
    _, after = written(book_payload({"Usage": USAGE}), [ADJUSTMENTS])
    book = xw.Book(json=copy.deepcopy(after))
    BookWriter(book).remove(["Adjustments"])
    assert apply_actions(after, book.json()["actions"])["names"] == []


def test_a_sheet_marked_the_older_way_is_giveback_and_is_marked_anew():
    payload = book_payload({"Usage": USAGE, "Adjustments": [["old"]]})
    payload["names"].append({"name": "_giveback_output", "refers_to": '="Adjustments"', "type": "String",
                             "sheet_index": None, "address": None, "scope_sheet_name": "Adjustments",
                             "scope_sheet_index": 1, "book_scope": False})
    assert is_owned(xw.Book(json=copy.deepcopy(payload)).sheets["Adjustments"])
    _, after = written(payload, [ADJUSTMENTS])
    assert [s["name"] for s in after["sheets"]] == ["Usage", "Adjustments"]
    assert "_giveback_sheet_Adjustments" in [n["name"] for n in after["names"]]


def test_a_table_name_in_use_gets_a_suffix():
    payload = book_payload({"Usage": USAGE})
    payload["sheets"][0]["tables"] = [{"name": "Adjustments", "range_address": "A1:D4"}]
    _, after = written(payload, [ADJUSTMENTS])
    assert sheet_named(after, "Adjustments")["tables"][0]["name"] == "Adjustments_2"


def test_remove_deletes_only_giveback_sheets():
    _, after = written(book_payload({"Usage": USAGE, "Summary": [["mine"]]}), [ADJUSTMENTS])
    book = xw.Book(json=copy.deepcopy(after))
    assert BookWriter(book).remove(["Adjustments", "Summary", "LoopTrace"]) == ["Adjustments"]
    cleared = apply_actions(after, book.json()["actions"])
    assert [s["name"] for s in cleared["sheets"]] == ["Usage", "Summary"]


def test_long_outputs_continue_on_numbered_sheets(monkeypatch):
    monkeypatch.setattr("workbook.seam.EXCEL_MAX_ROWS", 3)
    trace = OutputSheet("LoopTrace", (Column("Loop"),), [[i] for i in range(1, 6)])
    names, after = written(book_payload({"Usage": USAGE}), [trace])
    assert names == ["LoopTrace", "LoopTrace (2)", "LoopTrace (3)"]
    assert sheet_named(after, "LoopTrace (3)")["values"] == [["Loop"], [5]]
    names, again = written(after, [trace._replace(rows=[[1]])])
    assert names == ["LoopTrace"]
    assert [s["name"] for s in again["sheets"]] == ["Usage", "LoopTrace"]


def test_long_sheets_are_written_in_blocks(monkeypatch):
    monkeypatch.setattr("addin.book.BLOCK_ROWS", 2)
    trace = OutputSheet("LoopTrace", (Column("Loop"), Column("Lot")), [[i, f"L{i}"] for i in range(1, 6)])
    book = xw.Book(json=copy.deepcopy(book_payload({"Usage": USAGE})))
    BookWriter(book).write([trace])
    blocks = [(a["start_row"], len(a["values"])) for a in book.json()["actions"] if a["func"] == "setValues"]
    assert blocks == [(0, 2), (2, 2), (4, 2)]
    after = apply_actions(book_payload({"Usage": USAGE}), book.json()["actions"])
    assert sheet_named(after, "LoopTrace")["values"] == [["Loop", "Lot"]] + [[i, f"L{i}"] for i in range(1, 6)]


def test_blocks_stay_within_the_bytes_an_office_js_request_may_carry(monkeypatch):
    monkeypatch.setattr("addin.book.BLOCK_BYTES", 200)
    memo = OutputSheet("Adjustments", (Column("Memo"),), [[f"line {i} " + "x" * 30] for i in range(10)])
    book = xw.Book(json=copy.deepcopy(book_payload({"Usage": USAGE})))
    BookWriter(book).write([memo])
    blocks = [a["values"] for a in book.json()["actions"] if a["func"] == "setValues"]
    assert len(blocks) > 2 and all(len(json.dumps(block)) <= 200 for block in blocks)
    after = apply_actions(book_payload({"Usage": USAGE}), book.json()["actions"])
    assert sheet_named(after, "Adjustments")["values"] == [["Memo"]] + [[row[0]] for row in memo.rows]


@pytest.mark.parametrize("value, sent", [
    (Decimal("13"), 13), (Decimal("-1.25"), -1.25), (Decimal("13.000"), 13), (None, ""),
    (dt.date(2024, 3, 31), "2024-03-31"), (dt.datetime(2024, 4, 1, 13, 30, 5, 999), "2024-04-01 13:30:05"),
    (dt.datetime(2024, 4, 1), "2024-04-01"), ("text", "text"), (True, True), (7, 7),
])
def test_cells_are_sent_as_xlwings_sends_them(value, sent):
    assert json_cell(value) == sent and type(json_cell(value)) is type(sent)
