"""The run record (SPEC section 11): every reconciled book records giveback's version, the
time, the rule and settings, and a fingerprint of the input values read; on Summary, in
the very hidden RunRecord sheet and in the file's custom document properties."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from openpyxl.packaging.custom import StringProperty

from giveback.cli import main
from workbook.close.record import PROPERTY_NAMES, Recorder, batch_line, canonical, canonical_column, rows_of
from workbook.reconcile import reconcile
from workbook.seam import UNCALCULATED, Grids
from workbook.sheets.run_record import RUN_RECORD, read_run_record
from workbook.xlsx.docprops import properties_of
from workbooks import demo_usage, grids, sheet_values, sheets, usage_rows, xlsx
from test_libreoffice import convert_to_xlsx, soffice  # noqa: F401 (a fixture)

D = Decimal


@pytest.mark.parametrize("value, canonical_value", [
    (5.0, 5.0), (5, 5.0), (2.5, 2.5), (-0.25, -0.25), (D("13"), 13.0), (D("1.5"), 1.5),
    ("GASKET", "GASKET"), ("  ", "  "), ("", None), (None, None), (True, True),
    (dt.date(2026, 3, 1), "2026-03-01"), (dt.datetime(2026, 3, 1), "2026-03-01"),
    (dt.datetime(2026, 3, 1, 10, 30, 0, 999_999), "2026-03-01 10:30:01"),
    (UNCALCULATED, {"formula": "without a value"}), (D("Infinity"), float("inf")),
])
def test_a_value_is_recorded_as_every_host_gives_it(value, canonical_value):
    assert canonical(value) == canonical_value


@pytest.mark.parametrize("column", [
    ["GASKET", "  ", None, "x" * 1001], ["GASKET", "", None], ["GASKET", None], [5.0, 2.5, None, 7, float("inf")],
    [5.0, None], [dt.date(2026, 3, 1), dt.date(2026, 3, 2)], [dt.date(2026, 3, 1), "a", 1.0, None]])
def test_a_column_is_made_canonical_as_each_value_is(column):
    assert canonical_column(column) == [canonical(value) for value in column]


def test_rows_go_in_lines_of_steps_and_columns_and_come_back_without_trailing_blanks():
    text = batch_line([14, 15, 17], [("GASKET", 6.0, dt.date(2026, 3, 1), None), ("GASKET", -4, None, None),
                                     ("NUT-5", 2.0, None, "NZ-1")])
    assert text == (b'[[14,1,2],["GASKET","GASKET","NUT-5"],[6.0,-4.0,2.0],["2026-03-01",null,null],'
                    b'[null,null,"NZ-1"]]\n')
    assert rows_of([text]) == [(14, ["GASKET", 6, "2026-03-01"]), (15, ["GASKET", -4]), (17, ["NUT-5", 2, None, "NZ-1"])]


def fingerprint(book: dict) -> str:
    return reconcile(Grids(book)).record.fingerprint


def test_the_fingerprint_is_the_same_whichever_host_read_the_numbers_and_dates():
    """calamine reads 6.0 and a date, Office.js sends 6 and a date-time: one fingerprint."""
    assert canonical_column([6.0, 2.5]) == canonical_column([6, 2.5])
    as_file = sheets(usage=[("GASKET", 6.0, dt.date(2026, 3, 1), "SO-1", 0.8)])
    as_office = sheets(usage=[("GASKET", 6, dt.datetime(2026, 3, 1), "SO-1", 0.8)])
    assert fingerprint(as_file) == fingerprint(as_office)


@pytest.mark.parametrize("edit", [
    lambda book: book["Usage"].__setitem__(0, ("April usage export",)),  # the title above the header
    lambda book: book["Usage"].append((None, None, None, None, None)),  # a blank row
    lambda book: book.update({"Notes": [("mine",)]}),  # another sheet
    lambda book: book.update({"Usage": [row + ("a note",) for row in book["Usage"]]}),  # a column giveback ignores
    lambda book: book.update({"Usage": [row[:2] + row[2:] for row in book["Usage"]]}),
])
def test_what_giveback_does_not_read_is_not_in_the_fingerprint(edit):
    book = sheets(usage=[("GASKET", 6, None, "SO-1", None), ("GASKET", -4, None, "RMA-2", None)])
    book["Usage"].insert(0, ("March usage export",))
    before = fingerprint(book)
    edit(book)
    assert fingerprint(book) == before


@pytest.mark.parametrize("edit", [
    lambda book: book["Usage"][1].__setitem__(slice(1, 2), (8,)),  # a quantity
    lambda book: book["Usage"].append(("GASKET", 1)),  # a row
    lambda book: book.update({"Lots": [("Product", "Lot", "Quantity"), ("GASKET", "L1", 5)]}),
    lambda book: book.update({"Settings": [("Setting", "Value"), ("lot_order", "lifo")]}),
])
def test_every_input_value_read_is_in_the_fingerprint(edit):
    book = sheets(usage=[["GASKET", 6, None, "SO-1", None], ["GASKET", -4, None, "RMA-2", None]])
    before = fingerprint(book)
    edit(book)
    assert fingerprint(book) != before


def test_the_run_record_sheet_keeps_the_values_read_packed(tmp_path):
    done = reconcile(grids(usage=demo_usage(), settings=[("lot_order", "lifo")]))
    record_sheet = next(sheet for sheet in done.sheets if sheet.name == RUN_RECORD)
    assert record_sheet.hidden and len(list(record_sheet.rows)) == 3  # the record, Usage's and Settings' streams
    recorded = read_run_record(Grids({RUN_RECORD: [("Sheet", "Data"), *record_sheet.rows]}))
    assert recorded.record == done.record
    assert rows_of(recorded.sheets["Usage"].lines)[0] == (2, ["NUT-5", 2])
    assert rows_of(recorded.sheets["Settings"].lines) == [(1, ["Setting", "Value"]), (2, ["lot_order", "lifo"])]


def test_the_record_says_what_the_policy_says():
    done = reconcile(grids(usage=demo_usage(), settings=[("lot_order", "lifo"), ("max_write_off", 5)]),
                     {"rule": "guide"})
    assert (done.record.rule, json.loads(done.record.settings)) == (
        "guide", {"lot_order": "lifo", "max_loops": 10000, "max_write_off": "5"})
    assert done.record.time == "2026-03-05T12:00:00Z"  # SOURCE_DATE_EPOCH (tests/conftest.py)


def users_book(path):
    book = openpyxl.Workbook()
    book.active.title = "Usage"
    for row in [("Product", "Quantity"), *usage_rows("NUT-5", [2, 4, 4, -10, 3, -3]), ("WASHER", "five")]:
        book.active.append(row)
    book.custom_doc_props.append(StringProperty(name="Client", value="ACME Ltd"))
    book.custom_doc_props.append(StringProperty(name="giveback_rule", value="an old value"))
    book.save(path)
    return path


def test_the_custom_properties_are_written_beside_the_users_own_even_with_input_problems(tmp_path):
    out = tmp_path / "out.xlsx"
    assert main(["reconcile", str(users_book(tmp_path / "book.xlsx")), "-o", str(out)]) == 1  # WASHER's bad row
    found = {prop.name: prop.value for prop in openpyxl.load_workbook(out).custom_doc_props}
    assert found["Client"] == "ACME Ltd"
    assert set(PROPERTY_NAMES) <= set(found) and found["giveback_rule"] == "book"  # the default rule
    assert len(found["giveback_fingerprint"]) == 64 and found["giveback_time"] == "2026-03-05T12:00:00Z"
    assert json.loads(found["giveback_settings"]) == {"lot_order": "fifo", "max_loops": 10000}
    summary = {row[0]: row[1] for row in sheet_values(out, "Summary") if len(row) > 1 and row[0]}
    assert summary["Fingerprint"] == found["giveback_fingerprint"]
    assert summary["Reconciled"] == f"2026-03-05 12:00 UTC by giveback {found['giveback_version']}"


def test_a_book_without_custom_properties_gains_the_part_its_relationship_and_content_type(tmp_path):
    book, out = xlsx(tmp_path / "book.xlsx"), tmp_path / "out.xlsx"
    with zipfile.ZipFile(book) as before:
        assert "docProps/custom.xml" not in before.namelist()
    main(["reconcile", str(book), "-o", str(out)])
    with zipfile.ZipFile(out) as after:
        assert b'PartName="/docProps/custom.xml"' in after.read("[Content_Types].xml")
        assert b'relationships/custom-properties" Target="docProps/custom.xml"' in after.read("_rels/.rels")
    assert set(PROPERTY_NAMES) <= set(properties_of(out))


def test_the_run_record_sheet_is_very_hidden(tmp_path):
    out = tmp_path / "out.xlsx"
    main(["reconcile", str(xlsx(tmp_path / "book.xlsx")), "-o", str(out)])
    book = openpyxl.load_workbook(out)
    assert book[RUN_RECORD].sheet_state == "veryHidden"
    assert [sheet.title for sheet in book if sheet.sheet_state != "visible"] == [RUN_RECORD]


def test_libreoffice_opens_the_book_keeps_the_properties_and_the_book_stays_current(soffice, tmp_path):
    out = tmp_path / "out.xlsx"
    main(["reconcile", str(users_book(tmp_path / "book.xlsx")), "-o", str(out)])
    saved = convert_to_xlsx(soffice, out, tmp_path)
    kept = properties_of(saved)
    assert kept["Client"] == "ACME Ltd" and kept["giveback_fingerprint"] == properties_of(out)["giveback_fingerprint"]
    assert main(["check", str(saved)]) == 0  # the hidden sheet, its values and the inputs survive its save


def test_recording_keeps_only_what_it_is_asked_to():
    recorder = Recorder(keep=True, pack=False)
    reconcile(grids(usage=demo_usage()), recorder=recorder)
    assert len(rows_of(recorder.sheets["Usage"].lines)) == 11 and recorder.sheets["Usage"].packed() == b""


def lines_one_row_at_a_time(rows: list[tuple[int, tuple]]) -> list[bytes]:
    """The lines as recorded before rows were read in chunks: a row at a time, a line
    ended at a row numbered a multiple of 512 once it held 4,096 rows (the lines of books
    reconciled then, which must stay current)."""
    lines, numbers, values = [], [], []
    for number, row in rows:
        if row.count(None) < len(row):
            numbers.append(number)
            values.append(row)
            if number % 512 == 0 and len(values) >= 4_096:
                lines.append(batch_line(numbers, values))
                numbers, values = [], []
    if values:
        lines.append(batch_line(numbers, values))
    return lines


@pytest.mark.parametrize("chunk", [1, 700, 4_096, 9_000])
def test_rows_read_in_chunks_make_the_lines_rows_read_one_by_one_made(chunk, monkeypatch):
    import random

    from workbook.close import record
    from workbook.sheets.schema import USAGE, find_header, numbered

    monkeypatch.setattr(record, "CHUNK", chunk)
    pick = random.Random(chunk)
    data = [("A", 1.0, None, None, None) if pick.random() < 0.95 else (None,) * 5 for _ in range(20_000)]
    rows = numbered([("Product", "Quantity", "Date", "Reference", "Unit Cost"), *data])
    header = find_header(USAGE, "Usage", rows)
    recorder = Recorder(keep=True)
    passed = list(recorder.known_columns(USAGE, header, rows))
    assert passed == list(zip(range(2, 20_002), data))
    recorder.digests()
    assert recorder.sheets["Usage"].lines == lines_one_row_at_a_time(passed)


def test_a_reading_that_stops_leaves_no_thread_behind():
    """The lines are compressed on a thread while a sheet is read; a read that fails half
    way (a file gone unreadable) ends it too, so a server's failed requests leave none."""
    import threading

    class Failing(Grids):
        def rows(self, name):
            yield ["Product", "Quantity"]
            for number in range(6_000):  # past the first line's end (row 4,608)
                yield ["A", 1.0 + number]
            raise OSError("the file went away")

    before = threading.active_count()
    with pytest.raises(OSError):
        reconcile(Failing({"Usage": []}))
    assert threading.active_count() == before
