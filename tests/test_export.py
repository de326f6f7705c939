"""`giveback export BOOK --csv FILE` (SPEC section 11): the lines to post as an import file,
equal to `giveback reconcile --json`'s lines; never a blocked product or one that cannot
be cleared; a stale book refused."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from decimal import Decimal

import openpyxl
import pytest

from desktop_books import excel_owner_file
from giveback import export as command
from giveback.demo import COUNTS, LOTS, USAGE
import workbook.close.record as record_module
from workbook.close.export import HEADER
from workbook.files.newbook import input_book, save_new
from workbook.files.saving import PREFIX, SUFFIX
from test_cli_reconcile import run
from workbooks import sheets, xlsx

D = Decimal


@pytest.fixture
def demo(tmp_path, capsys):
    """The demo workbook (every case, WASHER blocked) and a product that cannot be cleared
    (a count leaving no room for its usage), reconciled, and its --json report."""
    book = tmp_path / "demo.xlsx"
    usage = [*USAGE, ("HINGE-Ä", 10, None, "SO-2001", 3.3)]
    save_new(input_book({"Usage": usage, "Lots": LOTS, "Counts": [*COUNTS, ("HINGE-Ä", 0, 0)]}), book)
    status, out, _ = run(capsys, "reconcile", book, "--in-place", "--json")
    assert status == 1
    return book, json.loads(out)


def read_csv(path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def test_the_export_equals_the_json_lines_of_the_products_to_adjust(demo, tmp_path, capsys):
    book, report = demo
    target = tmp_path / "lines.csv"
    assert run(capsys, "export", book, "--csv", target, "--date", "2026-03-31")[0] == 0
    rows = read_csv(target)
    expected = [(product["product"], line["line"], D(str(line["quantity"])))
                for product in report["products"] if product["status"] == "adjust" for line in product["lines"]]
    assert [(row["Product"], row["Line"], D(row["Quantity"])) for row in rows] == expected
    statuses = {product["product"]: product["status"] for product in report["products"]}
    assert statuses["WASHER"] == "blocked" and statuses["HINGE-Ä"] == "cannot_clear"
    assert {row["Product"] for row in rows} == {p for p, s in statuses.items() if s == "adjust"}


def test_the_columns_ids_costs_and_dates(demo, tmp_path, capsys):
    book, report = demo
    target = tmp_path / "lines.csv"
    run(capsys, "export", book, "--csv", target, "--date", "2026-03-31")
    with open(target, encoding="utf-8", newline="") as file:
        assert next(csv.reader(file)) == list(HEADER) == [
            "Adjustment ID", "Product", "Line", "Quantity", "Unit Cost", "Extended Cost", "Date", "Memo"]
    rows = read_csv(target)
    record = dict(prop for prop in ((p.name, p.value) for p in openpyxl.load_workbook(book).custom_doc_props))
    run_digest = hashlib.sha256("\n".join(record[f"giveback_{name}"] for name in ("fingerprint", "rule", "settings"))
                                .encode()).hexdigest()
    products = [product["product"] for product in report["products"]]
    for row in rows:
        number = products.index(row["Product"]) + 1
        assert row["Adjustment ID"] == f"GB-{run_digest[:8].upper()}-{number:04d}"
        assert row["Date"] == "2026-03-31"
        if row["Unit Cost"]:
            assert D(row["Extended Cost"]) == D(row["Quantity"]) * D(row["Unit Cost"])
        else:
            assert row["Extended Cost"] == ""
        assert re.fullmatch(r"-?\d+(\.\d+)?", row["Quantity"])
    ids = {row["Product"]: row["Adjustment ID"] for row in rows}
    assert len(set(ids.values())) == len(ids)  # one id a product, both its lines under it
    cable = [row for row in rows if row["Product"] == "CABLE-2M"]
    assert [(row["Line"], row["Unit Cost"]) for row in cable][0][1] == "12.25"


def test_the_same_book_exports_the_same_file(demo, tmp_path, capsys):
    book, _ = demo
    run(capsys, "export", book, "--csv", tmp_path / "one.csv", "--date", "2026-03-31")
    run(capsys, "export", book, "--csv", tmp_path / "two.csv", "--date", "2026-03-31")
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "two.csv").read_bytes()


def test_utf8_with_crlf_rows_and_standard_output(tmp_path, capsys):
    book = xlsx(tmp_path / "b.xlsx", sheets(usage=[("Schraube-Ø8", 5, None, "Lieferung 7"), ("Schraube-Ø8", -2)]))
    run(capsys, "reconcile", book, "--in-place")
    status, out, err = run(capsys, "export", book, "--csv", "-", "--date", "2026-03-31")
    assert status == 0 and "Wrote 1 line(s) of 1 adjustment(s) to standard output." in err
    assert "Summary's Reviewed by is empty" in err
    assert list(csv.DictReader(io.StringIO(out)))[0]["Product"] == "Schraube-Ø8"
    run(capsys, "export", book, "--csv", tmp_path / "b.csv", "--date", "2026-03-31")
    data = (tmp_path / "b.csv").read_bytes()
    assert "Schraube-Ø8".encode("utf-8") in data and data.count(b"\r\n") == 2


def test_a_stale_book_is_refused_unless_asked(demo, tmp_path, capsys):
    book, _ = demo
    workbook = openpyxl.load_workbook(book)
    workbook["Usage"]["B5"] = -21  # BOLT-10's return of 20
    workbook.save(book)
    status, _, err = run(capsys, "export", book, "--csv", tmp_path / "lines.csv")
    assert status == 1 and "is stale" in err and "giveback check" in err
    assert not (tmp_path / "lines.csv").exists()
    status, _, err = run(capsys, "export", book, "--csv", tmp_path / "lines.csv", "--allow-stale")
    assert status == 0 and "Not the reviewed run" in err
    assert all(row["Memo"].endswith("had other inputs).") for row in read_csv(tmp_path / "lines.csv"))
    now = json.loads(run(capsys, "reconcile", book, "-o", tmp_path / "now.xlsx", "--json")[1])
    bolt = next(product for product in now["products"] if product["product"] == "BOLT-10")
    assert [int(row["Quantity"]) for row in read_csv(tmp_path / "lines.csv") if row["Product"] == "BOLT-10"] == [
        line["quantity"] for line in bolt["lines"]]  # what the inputs say now


def test_a_book_whose_lines_were_edited_on_adjustments_is_refused_unless_asked(demo, tmp_path, capsys):
    """The import file would not match the sheet someone keys from."""
    book, _ = demo
    workbook = openpyxl.load_workbook(book)
    sheet = workbook["Adjustments"]
    row = next(cell.row for cell in sheet["A"] if cell.value == "WIDGET-RED")
    sheet.cell(row, 4, 61)
    workbook.save(book)
    status, _, err = run(capsys, "export", book, "--csv", tmp_path / "lines.csv")
    assert status == 1 and "the lines on Adjustments were edited after the run" in err
    assert f"Adjustments!D{row} (WIDGET-RED On) reads 61 where the run made 60" in err
    assert not (tmp_path / "lines.csv").exists()
    status, _, err = run(capsys, "export", book, "--csv", tmp_path / "lines.csv", "--allow-stale")
    assert status == 0 and "The file holds the lines the run makes, not those edited on Adjustments." in err
    assert [row["Quantity"] for row in read_csv(tmp_path / "lines.csv") if row["Product"] == "WIDGET-RED"] == ["60"]


def test_a_book_never_reconciled_is_refused_even_when_stale_lines_are_allowed(tmp_path, capsys):
    for allowed in ([], ["--allow-stale"]):  # no run was reviewed: nothing to allow
        status, out, err = run(capsys, "export", xlsx(tmp_path / "b.xlsx"), "--csv", tmp_path / "lines.csv", *allowed)
        assert status == 2 and "never reconciled" in err and "--allow-stale" not in err
        assert not (tmp_path / "lines.csv").exists()


def test_the_memo_names_the_reviewed_run_not_the_export(tmp_path, capsys, monkeypatch):
    """The memo's run is the book's (its time and version), whenever the export is made."""
    book = xlsx(tmp_path / "b.xlsx", sheets(usage=[("GASKET", 6), ("GASKET", -10)]))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1772719320")  # 2026-03-05 14:02 UTC
    run(capsys, "reconcile", book, "--in-place")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1772900000")  # two days on
    assert run(capsys, "export", book, "--csv", tmp_path / "lines.csv")[0] == 0
    memos = {row["Memo"] for row in read_csv(tmp_path / "lines.csv")}
    assert memos and all(memo.endswith(", run of 2026-03-05 14:02 UTC.") for memo in memos)
    assert not any("2026-03-07" in memo for memo in memos)


def test_a_book_another_version_reconciled_is_refused_unless_asked(tmp_path, capsys, monkeypatch):
    """Another giveback may make other lines of the same inputs: not those reviewed."""
    book = xlsx(tmp_path / "b.xlsx", sheets(usage=[("GASKET", 6), ("GASKET", -10)]))
    monkeypatch.setattr(record_module, "version", lambda: "0.0.9")
    run(capsys, "reconcile", book, "--in-place")
    monkeypatch.setattr(record_module, "version", lambda: "0.2.0")
    status, _, err = run(capsys, "export", book, "--csv", tmp_path / "lines.csv")
    assert status == 1 and "reconciled by giveback 0.0.9; this is giveback 0.2.0" in err
    assert not (tmp_path / "lines.csv").exists()
    status, _, err = run(capsys, "export", book, "--csv", tmp_path / "lines.csv", "--allow-stale")
    assert status == 0 and "Not the reviewed run" in err
    memos = {row["Memo"] for row in read_csv(tmp_path / "lines.csv")}
    assert all("Not the reviewed run: worked out on" in memo and "by giveback 0.2.0" in memo
               and "was made by giveback 0.0.9)." in memo for memo in memos)


def test_the_runs_record_comes_from_the_snapshot_the_inputs_come_from(tmp_path, capsys, monkeypatch):
    """The book replaced after giveback read it: the export is of the version read, its
    record (kept only in the document properties here) included."""
    book = xlsx(tmp_path / "b.xlsx")
    before = book.read_bytes()
    run(capsys, "reconcile", book, "--in-place")
    workbook = openpyxl.load_workbook(book)
    workbook.remove(workbook["RunRecord"])
    workbook.save(book)
    real_open = command.open_book

    def replaced_once_read(source):
        reader = real_open(source)
        book.write_bytes(before)  # the book as it was before its reconcile
        return reader

    monkeypatch.setattr(command, "open_book", replaced_once_read)
    status, _, err = run(capsys, "export", book, "--csv", tmp_path / "lines.csv")
    assert status == 0, err


def test_the_export_uses_the_runs_rule(tmp_path, capsys):
    book = xlsx(tmp_path / "b.xlsx")
    status, out, _ = run(capsys, "reconcile", book, "--in-place", "--rule", "guide", "--json")
    guide = [(p["product"], line["quantity"]) for p in json.loads(out)["products"] for line in p["lines"]]
    run(capsys, "export", book, "--csv", tmp_path / "lines.csv")
    assert [(row["Product"], int(row["Quantity"])) for row in read_csv(tmp_path / "lines.csv")] == guide


# ---- saved as every giveback output is (workbook.files.saving) ---------------------------


def test_a_linked_import_file_is_written_through_its_link(demo, tmp_path, capsys):
    book, _ = demo
    (tmp_path / "erp").mkdir()
    real = tmp_path / "erp" / "lines.csv"
    real.write_text("the previous export\n")
    link = tmp_path / "lines.csv"
    link.symlink_to(real)
    assert run(capsys, "export", book, "--csv", link, "--date", "2026-03-31")[0] == 0
    assert link.is_symlink() and read_csv(real)[0]["Date"] == "2026-03-31"


def test_an_import_file_open_in_excel_is_not_replaced(demo, tmp_path, capsys):
    book, _ = demo
    target = tmp_path / "lines.csv"
    target.write_text("open in Excel\n")
    excel_owner_file(target, "Jane Doe")
    status, _, err = run(capsys, "export", book, "--csv", target)
    assert status == 2 and "lines.csv is open in Excel by Jane Doe" in err and "Traceback" not in err
    assert "another file with --csv" in " ".join(err.split())  # export's option, not reconcile's -o
    assert target.read_text() == "open in Excel\n"


def test_a_killed_exports_temporary_file_is_removed_by_the_next_and_none_is_left(demo, tmp_path, capsys):
    book, _ = demo
    left = tmp_path / f"{PREFIX}lines.csv.0badf00d{SUFFIX}"  # a run killed while writing
    left.write_text("half a file")
    assert run(capsys, "export", book, "--csv", tmp_path / "lines.csv")[0] == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == ["demo.xlsx", "lines.csv"]


def test_another_rule_on_the_same_inputs_gives_other_ids(demo, tmp_path, capsys):
    """Other lines (BOLT-10: the book rule's 17, the guide's 20) are another adjustment:
    an ERP that refuses a duplicate id must not take them for the reviewed one."""
    book, _ = demo
    run(capsys, "export", book, "--csv", tmp_path / "book.csv")
    run(capsys, "reconcile", book, "--in-place", "--rule", "guide")
    run(capsys, "export", book, "--csv", tmp_path / "guide.csv")
    bolt = {name: [row for row in read_csv(tmp_path / f"{name}.csv") if row["Product"] == "BOLT-10"]
            for name in ("book", "guide")}
    assert [row["Quantity"] for row in bolt["book"]] == ["17", "-17"]
    assert [row["Quantity"] for row in bolt["guide"]] == ["20", "-20"]
    assert bolt["book"][0]["Adjustment ID"] != bolt["guide"][0]["Adjustment ID"]
    assert bolt["book"][0]["Adjustment ID"][-5:] == bolt["guide"][0]["Adjustment ID"][-5:]  # the same product
