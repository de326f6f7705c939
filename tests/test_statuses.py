"""Every product ends in exactly one status (adjust, no adjustment, cannot clear, blocked),
and the JSON, the Summary and Adjustments sheets and the RECOMMEND_ADJ function agree on
it. A product that cannot be cleared is never offered as lines to post."""

from __future__ import annotations

import json

import pytest
import xlwings as xw

from addin.functions import recommend_adj
from giveback import cli
from workbooks import SEED_NET_ZERO, records, sheets, usage_rows, xlsx

LABELS = {"adjust": "Adjust", "no_adjustment": "No adjustment", "cannot_clear": "Cannot clear", "blocked": "Blocked"}

CASES = {
    # name: (usage, lots, counts (product, balance, counted), status, lines on Adjustments)
    "the seed's net zero": (SEED_NET_ZERO, None, None, "adjust", [7, -7]),
    "existing lots clear it": ([-4, 3], [("P", "L1", 10, 6)], None, "no_adjustment", []),
    "a count below the net usage": ([45, 30, -5], None, [("P", 0, 10)], "cannot_clear", [10]),
    "a bad row": ([5, "five"], None, None, "blocked", []),
    "the guide's 'count -20, balance 50' typed as read": ([45, 30, -5], None, [("P", 50, -20)], "blocked", []),
    "the same, balance -20 and count 50": ([45, 30, -5], None, [("P", -20, 50)], "adjust", [70]),
}


def reconciled(tmp_path, usage, lots, counts):
    book = xlsx(tmp_path / "book.xlsx", sheets(usage=usage_rows("P", usage), lots=lots, counts=counts))
    out = tmp_path / "out.xlsx"
    return book, out


@pytest.mark.parametrize("case", CASES)
def test_the_json_and_the_sheets_agree_on_the_status(capsys, tmp_path, case):
    usage, lots, counts, status, lines = CASES[case]
    book, out = reconciled(tmp_path, usage, lots, counts)
    exit_status = cli.main(["reconcile", str(book), "-o", str(out), "--json"])
    (product,) = json.loads(capsys.readouterr().out)["products"]
    assert product["status"] == status
    assert exit_status == (1 if status in ("cannot_clear", "blocked") else 0)
    (summary,) = records(out, "Summary")
    assert summary["Status"] == LABELS[status]
    adjustments = [row for row in records(out, "Adjustments") if row["Product"] == "P"]
    assert [row["Quantity"] for row in adjustments] == lines
    assert {row["Status"] for row in adjustments} <= {LABELS[status]}
    if status == "cannot_clear":
        assert all(row["Extended Cost"] is None and "Not for posting" in row["Memo"] for row in adjustments)
        assert "Check the count" in summary["Notes"]


def test_a_product_that_cannot_be_cleared_tells_one_story_everywhere(capsys, tmp_path):
    """Status, lines (not for posting), runs and units left: the same words and figures in
    the JSON, on Summary and Adjustments, and in the command line's table."""
    book, out = reconciled(tmp_path, [45, 30, -5], None, [("P", 0, 10)])
    cli.main(["reconcile", str(book), "-o", str(out), "--json"])
    (product,) = json.loads(capsys.readouterr().out)["products"]
    runs, left, lines = product["loops"], product["unallocated"], [line["quantity"] for line in product["lines"]]
    story = f"{left} units left unallocated after {runs} run"
    (summary,) = records(out, "Summary")
    figure = f"{runs}, {left} left"  # never a bare number, read as "clears in that many runs"
    assert (summary["Status"], summary["On the Books"], summary["Runs"]) == ("Cannot clear", lines[0], figure)
    assert story in summary["Notes"] and summary["Gross Cost"] is None
    memos = [row["Memo"] for row in records(out, "Adjustments")]
    assert [row["Quantity"] for row in records(out, "Adjustments")] == lines
    assert {row["Runs"] for row in records(out, "Adjustments")} == {figure}
    assert all(memo.startswith(f"Not for posting: {story}") for memo in memos)
    cli.main(["reconcile", str(book), "-o", str(out)])
    table = capsys.readouterr().out
    assert "Cannot clear" in table and figure in table and story in " ".join(table.split())


@pytest.mark.parametrize("case", [case for case, (_, lots, *_) in CASES.items() if lots is None])
def test_recommend_adj_agrees_lines_for_adjust_an_error_otherwise(case):
    usage, _, counts, status, lines = CASES[case]
    column = [[value] for value in usage]
    count, balance = (counts[0][2], counts[0][1]) if counts else (None, None)
    if status == "adjust":
        assert [quantity for quantity, _ in recommend_adj(column, count, balance)] == lines
    else:
        with pytest.raises(xw.XlwingsError):
            recommend_adj(column, count, balance)
