"""Each refusal of SPEC section 10 in words naming the file or the cell, with what to do:
never a Python repr, never a traceback (issue 19)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import xlwings as xw

import hostile_files as hostile
import odd_packages as odd
from addin.functions import giveback_loops, recommend_adj
from giveback.cli import main
from workbooks import sheets, usage_rows, xlsx

PYTHON_LOOKS = re.compile(r"Traceback|Error\(|\d\.0\b|'\w*'\)|\de\+\d")  # a repr, a float's .0, 1e+15


@pytest.fixture
def book(tmp_path):
    return xlsx(tmp_path / "march.xlsx", sheets(usage_rows("A", [2, -2])))


def run(capsys, *argv) -> tuple[int, str, str]:
    status = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return status, out, err


def in_words(text: str, *words: str) -> None:
    """`text` holds no Python look and every one of `words` (lines a terminal wrapped joined)."""
    assert not PYTHON_LOOKS.search(text), text
    joined = " ".join(text.split())
    for word in words:
        assert word in joined, text


def test_o_naming_a_folder(capsys, tmp_path, book):
    (tmp_path / "reports").mkdir()
    status, out, err = run(capsys, "reconcile", book, "-o", tmp_path / "reports")
    assert status == 2 and err.count("\n") == 1
    in_words(err, "reports is a folder: name the workbook to write in it",
             f"-o {tmp_path / 'reports' / 'march.reconciled.xlsx'}")


def test_an_output_path_that_is_a_folder(capsys, tmp_path, book):
    (tmp_path / "march.reconciled.xlsx").mkdir()
    status, out, err = run(capsys, "reconcile", book)
    assert status == 2
    in_words(err, "march.reconciled.xlsx is a folder, where giveback would write the reconciled workbook",
             "name another file with -o")
    (tmp_path / "out.xlsx").mkdir()
    status, out, err = run(capsys, "reconcile", book, "-o", tmp_path / "out.xlsx")
    assert status == 2
    in_words(err, "out.xlsx is a folder, not a workbook file")


def test_an_output_of_another_kind(capsys, tmp_path, book):
    status, out, err = run(capsys, "reconcile", book, "-o", tmp_path / "out.csv")
    assert status == 2
    in_words(err, "-o", "name a workbook ending in .xlsx", "out.xlsx")


@pytest.mark.parametrize("build, words", [
    (hostile.xlsb_named_xlsx, ("Binary.xlsx is an Excel Binary Workbook (.xlsb)", "save it as an Excel Workbook (.xlsx)")),
    (hostile.xls_named_xlsx, ("Old.xlsx is an old Excel 97-2003 (.xls) workbook", "save it as an Excel Workbook (.xlsx)")),
])
def test_a_binary_or_old_workbook_renamed_xlsx(capsys, tmp_path, build, words):
    status, out, err = run(capsys, "reconcile", build(tmp_path))
    assert status == 2 and err.count("\n") == 1
    in_words(err, *words)


def test_a_number_too_large_for_excel_names_its_cell_in_words(capsys, tmp_path):
    book = odd.write_zip(tmp_path / "big.xlsx", odd.book([odd.Sheet("Usage", rows=(
        ("Product", "Quantity", "Unit Cost"), ("A", 1e15, 2), ("B", 5, 1e300), ("C", 12345678901234567, 1)))]))
    status, out, err = run(capsys, "reconcile", book, "-o", tmp_path / "out.xlsx")
    assert status == 1
    in_words(out, "Usage!B2: 1,000,000,000,000,000 is too large: giveback takes numbers below 1,000,000,000,000,000",
             "Usage!C3: Unit cost 1E+300 is too large", "Usage!B4: 12,345,678,901,234,568 is too large")


def test_an_excel_error_in_a_cell_names_the_cell_and_the_error(capsys, tmp_path):
    parts = odd.book([odd.Sheet("Usage", rows=(("Product", "Quantity"), ("A", 5), ("A", -2)))])
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
        '<c r="B3"><v>-2</v></c>', '<c r="B3" t="e"><f>VLOOKUP(A3,Prices!A:B,2,0)</f><v>#N/A</v></c>')
    status, out, err = run(capsys, "reconcile", odd.write_zip(tmp_path / "na.xlsx", parts), "-o", tmp_path / "out.xlsx")
    assert status == 1
    in_words(out, "Usage!B3: The cell shows #N/A")


@pytest.mark.parametrize("call, words", [
    (lambda: recommend_adj([[2], ["#N/A"], [-2]]), ("usage cell 2 (row 2 of the range) holds the error #N/A",)),
    (lambda: recommend_adj([[2, "#REF!"]]), ("usage cell 2 (column 2 of the range) holds the error #REF!",)),
    (lambda: giveback_loops([[2], [-2]], 1e-9), ("on is 0.000000001, which rounds to 0", "6 decimal places")),
    (lambda: giveback_loops([[2], [1e15]], 1), ("usage cell 2 (row 2 of the range) is 1,000,000,000,000,000, too large",)),
])
def test_excel_functions_say_what_is_wrong_with_an_argument(call, words):
    with pytest.raises(xw.XlwingsError) as refusal:
        call()
    in_words(str(refusal.value), *words)


def test_giveback_loops_refuses_an_on_line_that_rounds_away(capsys):
    status, out, err = run(capsys, "loops", "--on", "1e-9", "--", "5", "-3")
    assert status == 2
    assert "on is 1e-9, which rounds to 0: giveback counts units to 6 decimal places (0.000001)" in err


def test_a_template_over_a_folder_is_one_line(capsys, tmp_path):
    (tmp_path / "new.xlsx").mkdir()
    status, out, err = run(capsys, "template", tmp_path / "new.xlsx")
    assert status == 2 and err.count("\n") == 1
    in_words(err, "new.xlsx already exists")


def test_o_into_a_missing_folder_names_it(capsys, tmp_path, book):
    status, out, err = run(capsys, "reconcile", book, "-o", Path(tmp_path / "missing" / "out.xlsx"))
    assert status == 2
    in_words(err, f"the folder {tmp_path / 'missing'} does not exist", "nothing was written")
