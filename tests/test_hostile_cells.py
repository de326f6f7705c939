"""Bad cells through the real `giveback reconcile` (issue 6): each case is a workbook built
here from rows; the run must exit 1 with every row problem on the Issues sheet and in
`--json` (cell and stable code), or 2 with one line for what cannot be read at all, and
every non-blank input row must be used for a product or reported.

A cell written as `"=ERR:#DIV/0!"` becomes a formula whose cached value is that error,
`"=RAW:1e999"` a numeric cell holding that literal (openpyxl cannot write either), and any
other `"=..."` a formula Excel never calculated (no cached value).
"""

from __future__ import annotations

import json
import re
import time
import zipfile
from xml.sax.saxutils import escape
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from giveback.cli import main
from workbook.sheets.cells import quantity, text
from workbook.sheets.schema import normal_name
from workbooks import COUNTS_HEADER, LOTS_HEADER, USAGE_HEADER, digest, records, sheet_names

SECONDS = 5.0
EXCEL_MAX_TEXT = 32_767
OK = [("A", 2), ("A", -2), ("B", -20), ("B", 3)]  # two good products after the case's rows
KNOWN_HEADERS = {"product", "sku", "item", "code", "setting"}


def usage(*rows, header=USAGE_HEADER) -> dict[str, list]:
    return {"Usage": [header, *rows, *OK]}


def with_sheet(book: dict, name: str, header: tuple, *rows) -> dict:
    return {**book, name: [header, *rows]}


# Building files ---------------------------------------------------------------------------------


def build(path: Path, book: dict[str, list], merged: dict[str, str] | None = None, dimension: str | None = None) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in book.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    for name, cells in (merged or {}).items():
        workbook[name].merge_cells(cells)
    workbook.save(path)
    longer = {value for rows in book.values() for row in rows for value in row
              if isinstance(value, str) and len(value) > EXCEL_MAX_TEXT}
    return _rewrite_cells(path, dimension, longer)


CACHED_ERROR = re.compile(r'<c r="([A-Z]+[0-9]+)"([^>]*)><f>ERR:([^<]+)</f><v\s*/?>(</v>)?</c>')
RAW_NUMBER = re.compile(r'<c r="([A-Z]+[0-9]+)"([^>]*)><f>RAW:([^<]+)</f><v\s*/?>(</v>)?</c>')


def _rewrite_cells(path: Path, dimension: str | None, longer: set[str] = frozenset()) -> Path:
    """Turn the `=ERR:` and `=RAW:` placeholders into what Excel or an ERP would write, and
    put back text longer than a cell holds (openpyxl cuts it at 32,767 characters)."""
    with zipfile.ZipFile(path) as old:
        parts = {info.filename: old.read(info.filename) for info in old.infolist()}
    for name, data in parts.items():
        if name.startswith("xl/worksheets/sheet"):
            xml = CACHED_ERROR.sub(r'<c r="\1"\2 t="e"><f>1/0</f><v>\3</v></c>', data.decode())
            xml = RAW_NUMBER.sub(r'<c r="\1"\2><v>\3</v></c>', xml)
            for text_ in longer:
                xml = xml.replace(escape(text_[:EXCEL_MAX_TEXT]), escape(text_))
            if dimension:
                xml = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{dimension}"/>', xml)
            parts[name] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in parts.items():
            new.writestr(name, data)
    return path


# Running and accounting ------------------------------------------------------------------------


def run(capsys, *argv) -> tuple[int, str, str]:
    status = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return status, out, err


def reconciled(capsys, tmp_path: Path, book: dict, **file) -> tuple[int, dict, Path, Path]:
    path = build(tmp_path / "in.xlsx", book, **file)
    before, out_path = digest(path), tmp_path / "out.xlsx"
    started = time.perf_counter()
    status, out, err = run(capsys, "reconcile", path, "-o", out_path, "--json")
    assert time.perf_counter() - started < SECONDS
    assert digest(path) == before and "Traceback" not in err
    return status, (json.loads(out) if out else {}), path, out_path


def data_rows(rows: list) -> list[tuple[int, tuple]]:
    """(row number, row) of the non-blank rows below the header (the first row naming a column)."""
    start = next((i for i, row in enumerate(rows) if any(normal_name(value) in KNOWN_HEADERS for value in row)), 0)
    return [(i + 1, tuple(row)) for i, row in enumerate(rows) if i > start and any(
        value is not None and str(value).strip() for value in row)]


def rows_lost(book: dict, report: dict, summary: dict[str, str]) -> list[str]:
    """Input rows neither used (their product recommended, no problem on the row) nor
    reported (a problem names a cell on the row, or the product is set aside on Summary)."""
    reported = {(cell.split("!")[0].strip("'"), int(re.sub(r"^.*![A-Z]+", "", cell))) for cell in
                (issue["cell"] for issue in report["issues"] if issue["severity"] == "error")
                if re.search(r"![A-Z]+\d+$", cell)}
    recommended = {product["product"][:32_767] for product in report["products"] if product["status"] != "blocked"}
    lost = []
    for name, rows in book.items():
        for number, row in data_rows(rows):
            product = text(row[0])[:32_767] if row and row[0] is not None else ""
            on_row = (name, number) in reported
            used = normal_name(name) != "settings" and product in recommended and not on_row
            set_aside = summary.get(product) == "Blocked"
            applied = normal_name(name) == "settings" and not on_row
            if on_row + used + set_aside + applied == 0:
                lost.append(f"{name}!{number}")
            assert not (on_row and used), f"{name}!{number} is both used and reported"
    return lost


def check_used_totals(book: dict, report: dict) -> None:
    """A recommended product's positive and negative totals are its Usage rows' sums."""
    rows = next(rows for name, rows in book.items() if normal_name(name) == "usage")
    header = next(row for row in rows if any(normal_name(value) in KNOWN_HEADERS for value in row))
    column = next(i for i, name in enumerate(header) if normal_name(name) in ("quantity", "qty"))
    for product in (product for product in report["products"] if product["status"] != "blocked"):
        quantities = [quantity(row[column]) for _, row in data_rows(rows)
                      if text(row[0])[:EXCEL_MAX_TEXT] == product["product"][:EXCEL_MAX_TEXT]]
        assert Decimal(str(product["positive"])) == sum(q for q in quantities if q > 0)
        assert Decimal(str(product["negative"])) == -sum(q for q in quantities if q < 0)


def output_problems(path: Path) -> set[tuple[str, str]]:
    if "Issues" not in sheet_names(path):
        return set()
    return {(issue["Cell"], issue["Code"]) for issue in records(path, "Issues")}


# The cases --------------------------------------------------------------------------------------

LONG_NAME = "L" * 40_000
UNICODE_NAMES = ["🙂📦", "\u05de\u05d5\u05e6\u05e8 RTL", "e\u0301\u0308\u20dd", "tab\there", "next\u0085line",
                 "\u202eevil\u202c", "zero\u200bwidth", "Ａ-１００"]

CASES: dict[str, tuple[dict, dict, int, set[tuple[str, str]]]] = {
    # case: (book, file options, exit status, {(cell, code)})
    "text quantity": (usage(("C", "two")), {}, 1, {("Usage!B2", "quantity_not_a_number")}),
    "blank quantity": (usage(("C", None, "2026-01-31")), {}, 1, {("Usage!B2", "quantity_blank")}),
    "zero quantity": (usage(("C", 0)), {}, 1, {("Usage!B2", "quantity_zero")}),
    "blank product": (usage((None, 5)), {}, 1, {("Usage!A2", "product_blank")}),
    "#DIV/0! cached": (usage(("C", "=ERR:#DIV/0!")), {}, 1, {("Usage!B2", "formula_error")}),
    "#N/A cached": (usage(("C", "=ERR:#N/A")), {}, 1, {("Usage!B2", "formula_error")}),
    "#REF! cached": (usage(("C", "=ERR:#REF!")), {}, 1, {("Usage!B2", "formula_error")}),
    "#REF! in the product": (usage(("=ERR:#REF!", 5)), {}, 1, {("Usage!A2", "formula_error")}),
    "formula never calculated": (usage(("C", "=SUM(1,2)")), {}, 1, {("Usage!B2", "formula_not_calculated")}),
    "formula never calculated in the cost": (usage(("C", 5, None, None, "=2*3")), {}, 0,  # optional: a warning
                                             {("Usage!E2", "formula_not_calculated")}),
    "formula never calculated on the last row": ({"Usage": [USAGE_HEADER, *OK, (None, "=1+1")]}, {}, 1,
                                                 {("Usage!A6", "product_blank"), ("Usage!B6", "formula_not_calculated")}),
    "accounting negative (20)": (usage(("C", "(20)"), ("C", 3)), {}, 0, set()),
    "grouped thousands 1,234": (usage(("C", "1,234"), ("C", "(1,000)")), {}, 0, set()),
    "commas not grouping threes 1,23": (usage(("C", "1,23")), {}, 1, {("Usage!B2", "quantity_not_a_number")}),
    "lakh grouping 12,34,567": (usage(("C", "12,34,567")), {}, 1, {("Usage!B2", "quantity_not_a_number")}),
    "decimal comma 12,5": (usage(("C", "12,5")), {}, 1, {("Usage!B2", "quantity_not_a_number")}),
    "grouped thousands 1,234.50": (usage(("C", "1,234.50"), ("C", -1)), {}, 0, set()),
    "cost $2.50 and 2.50 EUR": (usage(("C", 5, None, None, "$2.50"), ("C", -2, None, None, "2.50 EUR")), {}, 0, set()),
    "day or month? 03/01/2026": (usage(("C", 5, "03/01/2026")), {}, 0, {("Usage!C2", "date_ambiguous")}),
    "day first by the Settings": (with_sheet(usage(("C", 5, "03/01/2026")), "Settings", ("Setting", "Value"),
                                             ("date_order", "dmy")), {}, 0, set()),
    "bad date_order": (with_sheet(usage(("C", 5, "03/01/2026")), "Settings", ("Setting", "Value"),
                                  ("date_order", "dd/mm")), {}, 1,
                       {("Settings!B2", "setting_invalid"), ("Usage!C2", "date_ambiguous")}),
    "month name 1 Mar 2026": (usage(("C", 5, "1 Mar 2026"), ("C", 2, "Mar 2, 2026")), {}, 0, set()),
    "the guide's count typed literally": (with_sheet(usage(("C", 45), ("C", 30), ("C", -5)), "Counts", COUNTS_HEADER,
                                                     ("C", 50, -20)), {}, 1, {("Counts!C2", "count_invalid")}),
    "look-alike products": (usage(("a", 2), ("a", -2)), {}, 1,
                            {("Usage!A2", "product_lookalike"), ("Usage!A4", "product_lookalike")}),
    "look-alike products told apart": (with_sheet(usage(("a", 2), ("a", -2)), "Settings", ("Setting", "Value"),
                                                  ("distinct_products", "a, A")), {}, 0, set()),
    "a cap the guide does not use": (with_sheet(usage(), "Settings", ("Setting", "Value"), ("rule", "guide"),
                                                ("max_write_off", "1,000")), {}, 0,
                                     {("Settings!B3", "setting_not_used")}),
    "ISO date as text": (usage(("C", 5, "2026-12-31")), {}, 0, set()),
    "day-first date as text": (usage(("C", 5, "31/12/2026")), {}, 0, set()),
    "impossible date 2026-02-30": (usage(("C", 5, "2026-02-30")), {}, 0, {("Usage!C2", "date_invalid")}),
    "date serial -5": (usage(("C", 5, -5)), {}, 0, {("Usage!C2", "date_invalid")}),
    "date serial 1e9": (usage(("C", 5, 1e9)), {}, 0, {("Usage!C2", "date_invalid")}),
    "date serial infinite": (usage(("C", 5, "=RAW:1e999")), {}, 0, {("Usage!C2", "date_invalid")}),
    "quantity 1e300": (usage(("C", 1e300)), {}, 1, {("Usage!B2", "quantity_not_a_number")}),
    "quantity infinite": (usage(("C", "=RAW:1e999")), {}, 1, {("Usage!B2", "quantity_not_a_number")}),
    "quantity NaN literal": (usage(("C", "=RAW:NaN")), {}, 1, {("Usage!B2", "quantity_not_a_number")}),
    "date NaN literal": (usage(("C", 5, "=RAW:NaN")), {}, 0, {("Usage!C2", "date_invalid")}),
    "quantity NaN as text": (usage(("C", "NaN")), {}, 1, {("Usage!B2", "quantity_not_a_number")}),
    "quantity inf as text": (usage(("C", "-inf")), {}, 1, {("Usage!B2", "quantity_not_a_number")}),
    "quantity -0.0": (usage(("C", -0.0)), {}, 1, {("Usage!B2", "quantity_zero")}),
    "quantity 1e-9 rounds to 0": (usage(("C", 1e-9)), {}, 1, {("Usage!B2", "quantity_zero")}),
    "quantity 1e-9 beside others": (usage(("C", 1e-9), ("C", 4)), {}, 1, {("Usage!B2", "quantity_zero")}),
    "quantity 0.0000015 keeps 6 places": (usage(("C", 0.0000015), ("C", -1)), {}, 0, set()),
    "product 40,000 characters": (usage((LONG_NAME, 5), (LONG_NAME, -2)), {}, 1,
                                  {("Usage!A2", "product_too_long"), ("Usage!A3", "product_too_long")}),
    "product 32,767 characters": (usage((LONG_NAME[:32_767], 5)), {}, 0, set()),
    "lot of a 40,000-character product": (with_sheet(usage(), "Lots", LOTS_HEADER, (LONG_NAME, "L1", 5, 1)), {}, 1,
                                          {("Lots!A2", "product_too_long")}),
    "unicode products": (usage(*[(name, 3) for name in UNICODE_NAMES]), {}, 0, set()),
    "an export's totals row": (usage(("A", 5), ("A", -2), ("Grand Total:", 3)), {}, 1,
                               {("Usage!A4", "product_total_row")}),
    "a totals row with a sum and a bad cost": (usage(("A", 5), ("A", -2), ("Total", 3, None, None, "n/a")), {}, 1,
                                               {("Usage!A4", "product_total_row")}),  # one problem for one row
    "a lot sheet's totals row": (with_sheet(usage(), "Lots", LOTS_HEADER, ("A", "L1", 5, 1), ("TOTAL", None, 5, 1)),
                                 {}, 1, {("Lots!A3", "product_total_row")}),
    "codes that only start like a total": (usage(("TOTAL-9", 5), ("Totalizer", 2)), {}, 0, set()),
    "a Usage sheet with its header alone": ({"Usage": [USAGE_HEADER]}, {}, 0, {("Usage!A1", "usage_empty")}),
    "used above quantity": (with_sheet(usage(), "Lots", LOTS_HEADER, ("A", "L1", 5, 7)), {}, 1,
                            {("Lots!D2", "lot_used_above_quantity")}),
    "negative lot quantity": (with_sheet(usage(), "Lots", LOTS_HEADER, ("A", "L1", -5, 0)), {}, 1,
                              {("Lots!C2", "lot_quantity_not_positive")}),
    "duplicate lot id": (with_sheet(usage(), "Lots", LOTS_HEADER, ("A", "L1", 5, 1), ("A", "L1", 4, 0)), {}, 1,
                         {("Lots!B3", "lot_id_duplicate")}),
    "lot of an unknown product": (with_sheet(usage(), "Lots", LOTS_HEADER, ("Z", "L1", 5, 1)), {}, 1,
                                  {("Lots!B2", "lot_unknown_product")}),
    "count of an unknown product": (with_sheet(usage(), "Counts", COUNTS_HEADER, ("Z", 5, 4)), {}, 1,
                                    {("Counts!A2", "count_unknown_product")}),
    "count not a number": (with_sheet(usage(), "Counts", COUNTS_HEADER, ("A", "five", 4)), {}, 1,
                           {("Counts!B2", "count_invalid")}),
    "unknown setting": (with_sheet(usage(), "Settings", ("Setting", "Value"), ("speed", "fast")), {}, 1,
                        {("Settings!A2", "setting_unknown")}),
    "bad setting values": (with_sheet(usage(), "Settings", ("Setting", "Value"), ("rule", "cheapest"),
                                      ("max_runs", 0), ("lot_order", 7), ("max_loops", "lots")), {}, 1,
                           {("Settings!B2", "setting_invalid"), ("Settings!B3", "setting_invalid"),
                            ("Settings!B4", "setting_invalid"), ("Settings!B5", "setting_invalid")}),
    "setting without a value: not set": (with_sheet(usage(), "Settings", ("Setting", "Value"), ("max_runs", None)),
                                         {}, 0, set()),
    "settings without a Value header": (with_sheet(usage(), "Settings", ("Setting",), ("rule", "guide")), {}, 0, set()),
    "settings without a Value header, bad value": (with_sheet(usage(), "Settings", ("Setting",), ("rule", "x")), {}, 1,
                                                   {("Settings!B2", "setting_invalid")}),
    "settings without a Setting header": (with_sheet(usage(), "Settings", ("Value",), ("guide",)), {}, 1,
                                          {("Settings!B2", "setting_unknown")}),
    "header below title rows": ({"Usage": [("March usage export",), (), ("SKU", "Qty"), *OK]}, {}, 0, set()),
    "merged header cells": ({"Usage": [("Product", None, "Quantity"), ("A", None, 2), ("A", None, -2)]},
                            {"merged": {"Usage": "A1:B1"}}, 0, set()),
    "duplicated header cells": (usage(header=("Product", "Quantity", "Quantity")), {}, 1,
                                {("Usage!C1", "header_duplicate")}),
    "sheet named ' usage '": ({" usage ": [USAGE_HEADER, *OK]}, {}, 0, set()),
    "sheet named 'USAGE'": ({"USAGE": [USAGE_HEADER, *OK]}, {}, 0, set()),
    "a million-row used range": (usage(), {"dimension": "A1:F1048576"}, 0, set()),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_cells_are_reported_with_their_cell_and_code_and_no_row_is_lost(capsys, tmp_path, case):
    book, file_options, status, expected = CASES[case]
    got, report, _, out_path = reconciled(capsys, tmp_path, book, **file_options)
    assert got == status
    assert {(issue["cell"], issue["code"]) for issue in report["issues"]} == expected
    assert output_problems(out_path) == expected
    summary = {text(row["Product"]): row["Status"] for row in records(out_path, "Summary")}
    assert rows_lost(book, report, summary) == []
    check_used_totals(book, report)


def test_the_good_products_are_still_recommended_beside_bad_rows(capsys, tmp_path):
    _, report, _, _ = reconciled(capsys, tmp_path, usage(("C", "two"), ("C", 4)))
    assert [(product["product"], product["status"]) for product in report["products"]] == [
        ("C", "blocked"), ("A", "adjust"), ("B", "adjust")]  # in the Usage sheet's order


def test_a_cell_at_row_1048576_answers_in_seconds(capsys, tmp_path):
    path = build(tmp_path / "in.xlsx", usage())
    with zipfile.ZipFile(path) as old:
        parts = {info.filename: old.read(info.filename) for info in old.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b"</sheetData>", b'<row r="1048576"><c r="F1048576" s="0"/></row></sheetData>')
    with zipfile.ZipFile(path, "w") as new:
        for name, data in parts.items():
            new.writestr(name, data)
    started = time.perf_counter()
    status, _, err = run(capsys, "reconcile", path, "-o", tmp_path / "out.xlsx")
    assert (status, err) == (0, "") and time.perf_counter() - started < SECONDS


@pytest.mark.parametrize("name", ["summary", "Issues", "loopTRACE", "ADJUSTMENTS"])
def test_the_users_own_sheet_named_like_an_output_stops_the_run_and_is_named(capsys, tmp_path, name):
    book = {**usage(("C", "two")), name: [("My notes", "keep me")]}
    path = build(tmp_path / "in.xlsx", book)
    before = digest(path)
    status, out, err = run(capsys, "reconcile", path, "-o", tmp_path / "out.xlsx")
    assert status == 2 and err.count("\n") == 1 and f'"{name}"' in err
    assert not (tmp_path / "out.xlsx").exists() and digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.xlsx"]


@pytest.mark.parametrize("names", [("Usage", "Usage "), ("Lots", " lots"), ("Settings", "SETTINGS ")])
def test_two_sheets_answering_to_one_name_stop_the_run_naming_both(capsys, tmp_path, names):
    book = {**usage(), **{name: [("Product", "Quantity"), ("A", 1)] for name in names}}
    path = build(tmp_path / "in.xlsx", book)
    status, out, err = run(capsys, "reconcile", path, "-o", tmp_path / "out.xlsx")
    assert status == 2 and err.count("\n") == 1
    assert all(f"'{name}'" in err for name in names)
    assert not (tmp_path / "out.xlsx").exists()
