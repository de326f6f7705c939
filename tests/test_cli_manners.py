"""The command line as an accountant meets it: help when run bare, one clear line for a
mistake, tables that fit an 80-column terminal, no file of the user's overwritten, and a
product that cannot be cleared said plainly (exit status 1)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from workbooks import SEED_NET_ZERO, digest, sheet_names, sheets, usage_rows, xlsx

OUTPUTS = ["Adjustments", "LoopTrace", "Summary", "Options", "RunRecord"]  # RunRecord: very hidden


def giveback(*args, cwd=None):
    environment = {**os.environ, "COLUMNS": "80"}
    return subprocess.run([sys.executable, "-m", "giveback", *map(str, args)], capture_output=True, text=True,
                          env=environment, cwd=cwd)


def test_bare_giveback_prints_its_help():
    result = giveback()
    assert result.returncode == 0 and "reconcile" in result.stdout and "recommend" in result.stdout


@pytest.mark.parametrize("args", [
    ["recommend", "--rule", "guide", "--max-runs", "2", "--", "2", "-2"],
    ["reconcile", "BOOK", "--rule", "guide", "--max-runs", "2"],
])
def test_the_guide_rule_with_a_run_budget_is_refused(tmp_path, args):
    book = xlsx(tmp_path / "book.xlsx", sheets(usage=usage_rows("A", SEED_NET_ZERO)))
    result = giveback(*[book if arg == "BOOK" else arg for arg in args])
    assert result.returncode == 2 and "--rule guide and --max-runs do not go together" in result.stderr
    assert sheet_names(book) == ["Usage"]


def test_a_template_into_a_missing_folder_is_one_clear_line(tmp_path):
    result = giveback("template", tmp_path / "no" / "such" / "t.xlsx")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "the folder" in result.stderr and "does not exist" in result.stderr and "internal" not in result.stderr


def test_a_reconciled_book_is_reconciled_again_into_itself(tmp_path):
    book = xlsx(tmp_path / "march.xlsx", sheets(usage=usage_rows("A", SEED_NET_ZERO)))
    assert giveback("reconcile", book).returncode == 0
    again = giveback("reconcile", tmp_path / "march.reconciled.xlsx")
    assert again.returncode == 0 and "march.reconciled.xlsx" in again.stdout
    assert sorted(path.name for path in tmp_path.iterdir()) == ["march.reconciled.xlsx", "march.xlsx"]


def test_an_existing_file_giveback_did_not_write_needs_force(tmp_path):
    book = xlsx(tmp_path / "march.xlsx", sheets(usage=usage_rows("A", SEED_NET_ZERO)))
    theirs = xlsx(tmp_path / "theirs.xlsx", {"Budget": [("keep", 1)]})
    before = digest(theirs)
    refused = giveback("reconcile", book, "-o", theirs)
    assert refused.returncode == 2 and "was not written by giveback" in refused.stderr and "--force" in refused.stderr
    assert digest(theirs) == before
    assert giveback("reconcile", book, "-o", theirs, "--force").returncode == 0
    assert sheet_names(theirs) == ["Usage"] + OUTPUTS


def test_giveback_own_output_is_replaced_without_force(tmp_path):
    book = xlsx(tmp_path / "march.xlsx", sheets(usage=usage_rows("A", SEED_NET_ZERO)))
    out = tmp_path / "out.xlsx"
    assert giveback("reconcile", book, "-o", out).returncode == 0
    assert giveback("reconcile", book, "-o", out).returncode == 0


def test_tables_fit_an_80_column_terminal(tmp_path):
    long_name = "PRODUCT-WITH-A-RATHER-LONG-CODE-AND-LOCATION-WAREHOUSE-NORTH"
    book = xlsx(tmp_path / "book.xlsx", sheets(usage=usage_rows(long_name, SEED_NET_ZERO) + usage_rows("B", [-20, 3])))
    for result in (giveback("reconcile", book.name, cwd=tmp_path), giveback("demo", "demo", cwd=tmp_path),
                   giveback("recommend", "--count", "10", "--balance", "0", "--", "45", "30", "-5"),
                   giveback("loops", "--on", "1", "--off", "1", "--", *SEED_NET_ZERO)):
        lines = result.stdout.splitlines()
        assert lines and max(map(len, lines)) <= 80, result.stdout
        assert "…" not in result.stdout  # nothing cut short


def test_a_product_that_cannot_be_cleared_is_said_plainly_and_exits_1(tmp_path):
    book = xlsx(tmp_path / "book.xlsx", sheets(usage=usage_rows("A", [45, 30, -5]), counts=[("A", 0, 10)]))
    result = giveback("reconcile", book)
    assert result.returncode == 1 and "Cannot clear" in result.stdout
    assert "A: Cannot clear: whatever the write-off, 60 units left unallocated" in " ".join(result.stdout.split())
    inline = giveback("recommend", "--count", "10", "--balance", "0", "--", "45", "30", "-5")
    assert inline.returncode == 1 and "Status: Cannot clear" in inline.stdout
    as_json = json.loads(giveback("recommend", "--json", "--count", "10", "--balance", "0", "--", "45", "30", "-5").stdout)
    assert (as_json["status"], as_json["unallocated"]) == ("cannot_clear", 60)
