"""Every hostile file of `tests/hostile_files.py` through the real `giveback reconcile`:
exit 2, exactly one line on stderr, no output file, the input byte-identical, in seconds
(issue 6). A few run in a fresh process to prove no traceback reaches stderr."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

import hostile_files as hostile
from giveback.cli import main
from workbooks import sheets, usage_rows, xlsx

CASES = [case for case in hostile.REFUSED if case not in hostile.NOT_HERE]
SECONDS = 5.0


def fingerprint(path: Path) -> str | None:
    """The file's sha256, or None when there is no regular file to hash."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def folder_listing(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*")}


def run(capsys, *argv) -> tuple[int, str, str]:
    try:
        status = main([str(arg) for arg in argv])
    except SystemExit as exit:
        status = exit.code
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("case", CASES)
def test_a_hostile_file_exits_2_with_one_line_and_writes_nothing(capsys, tmp_path, case):
    path = hostile.REFUSED[case](tmp_path)
    before, listing = fingerprint(path), folder_listing(tmp_path)
    started = time.perf_counter()
    status, out, err = run(capsys, "reconcile", path, "-o", tmp_path / "out.xlsx")
    assert time.perf_counter() - started < SECONDS
    assert (status, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith("giveback: ") and "Traceback" not in err
    assert fingerprint(path) == before
    assert folder_listing(tmp_path) == listing  # no output, no temporary file left


@pytest.mark.parametrize("case", CASES)
def test_json_on_a_hostile_file_still_answers_with_one_line_on_stderr(capsys, tmp_path, case):
    path = hostile.REFUSED[case](tmp_path)
    status, out, err = run(capsys, "reconcile", path, "--json")
    assert (status, out) == (2, "") and err.count("\n") == 1


@pytest.mark.parametrize(
    "book_sheets",
    [{"Sheet1": [("Product", "Quantity"), ("A", 1)]}, {"Usage": [("Product", "Amount"), ("A", 1)]},
     {"Usage": [("Item",), ("A",)]}, {"Usage": []}],
    ids=["no Usage sheet", "no Quantity column", "no Quantity, alias product", "blank Usage sheet"],
)
def test_json_on_a_structural_error_exits_2_with_one_line_on_stderr(capsys, tmp_path, book_sheets):
    path = xlsx(tmp_path / "b.xlsx", book_sheets)
    status, out, err = run(capsys, "reconcile", path, "--json")
    assert (status, out) == (2, "") and err.count("\n") == 1
    assert not (tmp_path / "b.reconciled.xlsx").exists()


def test_a_missing_column_is_said_as_missing_and_an_erps_item_code_is_a_product(capsys, tmp_path):
    path = xlsx(tmp_path / "b.xlsx", {"Usage": [("Item Code", "Amount"), ("A", 1)]})
    err = run(capsys, "reconcile", path)[2]
    assert "The Usage sheet has no Quantity column: its header row (row 1) does not name it (accepted" in err
    path = xlsx(tmp_path / "c.xlsx", {"Usage": [("Item Code", "Qty"), ("A", 1), ("A", -1)]})
    assert run(capsys, "reconcile", path)[0] == 0


SUBPROCESS_CASES = ["truncated workbook", "billion laughs, worksheet", "zip bomb 5 GB", "encrypted workbook",
                    "CSV named .xlsx", "70,000 parts, zip64"]


@pytest.mark.parametrize("case", SUBPROCESS_CASES)
def test_no_traceback_reaches_stderr_of_a_fresh_process(tmp_path, case):
    path = hostile.REFUSED[case](tmp_path)
    before = fingerprint(path)
    child = subprocess.run([sys.executable, "-m", "giveback", "reconcile", str(path), "--json"],
                           capture_output=True, text=True, timeout=60)
    assert child.returncode == 2 and child.stdout == ""
    assert len(child.stderr.splitlines()) == 1 and "Traceback" not in child.stderr
    assert fingerprint(path) == before
    assert not path.with_name(f"{path.stem}.reconciled{path.suffix}").exists()


def test_a_sound_workbook_in_a_fresh_process_prints_json(tmp_path):
    path = xlsx(tmp_path / "b.xlsx", sheets(usage=usage_rows("A", [2, -2])))
    child = subprocess.run([sys.executable, "-m", "giveback", "reconcile", str(path), "--json"],
                           capture_output=True, text=True, timeout=60)
    assert (child.returncode, child.stderr) == (0, "")
    assert json.loads(child.stdout)["products"][0]["product"] == "A"


SOUND_STATUS = {
    "valid .xlsx": 0, "valid .xlsm": 0, "Excel-made .xlsm": 2, "300,000-row workbook": 2,
    "workbook type as the .xml default": 0, "dimension A1:XFD1048576": 0, "user's own summary sheet": 2,
    "merged header cells": 0, "duplicated header cells": 1, "title rows above the header": 0,
    "sheet named ' USAGE '": 0,
}


@pytest.mark.parametrize("case", list(hostile.SOUND))
def test_a_sound_file_gets_its_answer_and_the_input_is_left_alone(capsys, tmp_path, case):
    path = hostile.SOUND[case](tmp_path)
    before = fingerprint(path)
    started = time.perf_counter()
    status, out, err = run(capsys, "reconcile", path, "-o", tmp_path / f"out{path.suffix}")
    assert time.perf_counter() - started < SECONDS
    assert status == SOUND_STATUS[case] and fingerprint(path) == before
    assert (tmp_path / f"out{path.suffix}").exists() == (status != 2)
    assert err.count("\n") == (1 if status == 2 else 0)
