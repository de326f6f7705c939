"""`giveback reconcile`, `template` and `demo` on real files: exit status, output sheets,
JSON shape, the input left alone, re-running on an output."""

import gc
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from giveback.cli import main
from giveback import reconcile as command
from giveback.reconcile import output_path
from workbook.seam import WorkbookError
from workbooks import SEED_NET_ZERO, digest, records, sheet_names, sheet_values, sheets, table_values, usage_rows, xlsx

OUTPUTS = ["Adjustments", "LoopTrace", "Summary", "Options", "RunRecord"]  # RunRecord: very hidden


def run(capsys, *argv):
    try:
        status = main([str(arg) for arg in argv])
    except SystemExit as exit:  # argparse's own errors
        status = exit.code
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def book(tmp_path):
    return xlsx(tmp_path / "march.xlsx", extra={"Notes": [("keep me", 42)]})


@pytest.fixture
def bad_book(tmp_path):
    return xlsx(tmp_path / "bad.xlsx", sheets(usage=usage_rows("A", [2, "two"]) + usage_rows("B", [-20, 3])))


def test_reconcile_writes_a_reconciled_copy_beside_the_input_and_leaves_the_input_alone(capsys, book):
    before = digest(book)
    status, out, err = run(capsys, "reconcile", book)
    target = book.with_name("march.reconciled.xlsx")
    assert (status, err) == (0, "")
    assert digest(book) == before
    assert sheet_names(target) == ["Usage", "Notes"] + OUTPUTS
    assert sheet_values(target, "Notes") == [("keep me", 42)]
    assert table_values(target, "Adjustments")[1:] and "NUT-5" in out


def test_adjustments_hold_the_lines_to_key_in(capsys, tmp_path, book):
    run(capsys, "reconcile", book, "-o", tmp_path / "out.xlsx")
    rows = table_values(tmp_path / "out.xlsx", "Adjustments")
    assert rows[0] == ("Product", "Status", "Line", "Quantity", "Unit Cost", "Extended Cost", "Runs", "Case", "Rule",
                       "Memo")
    # the book's runs: 3, NUT-5's under the guide's +10 / -10; BOLT-10 (the guide's 2 runs) takes 3 with less
    assert [(row[0], row[2], row[3]) for row in rows[1:]] == [
        ("NUT-5", "On", 7), ("NUT-5", "Off", -7), ("BOLT-10", "On", 17), ("BOLT-10", "Off", -17), ("WIDGET", "On", 60)]


def test_input_problems_exit_1_with_an_issues_sheet(capsys, tmp_path, bad_book):
    status, out, err = run(capsys, "reconcile", bad_book, "-o", tmp_path / "out.xlsx")
    assert status == 1
    (issue,) = records(tmp_path / "out.xlsx", "Issues")
    assert (issue["Cell"], issue["Product"], issue["Code"]) == ("Usage!B3", "A", "quantity_not_a_number")
    summary = {row["Product"]: row["Status"] for row in records(tmp_path / "out.xlsx", "Summary")}
    assert summary == {"A": "Blocked", "B": "Adjust"}


def test_json_lists_products_and_issues(capsys, tmp_path, bad_book):
    status, out, err = run(capsys, "reconcile", bad_book, "-o", tmp_path / "out.xlsx", "--json", "--rule", "guide")
    report = json.loads(out)
    assert status == 1 and set(report) == {"products", "issues", "book"}
    blocked, product = report["products"]
    assert blocked == {"product": "A", "status": "blocked", "case": None, "positive": None, "negative": None,
                       "net": None, "delta": None, "W": None, "loops": None, "guide": None, "lines": [],
                       "settled": False, "notes": ["Not recommended: input problems in Usage!B3."],
                       "issues": ["Usage!B3"], "options": []}
    spec = {"product", "status", "case", "positive", "negative", "net", "delta", "W", "lines", "loops", "settled",
            "guide", "options"}  # SPEC section 6: every product has at least these
    assert spec <= set(product) and spec <= set(blocked)
    assert (product["product"], product["case"], product["W"], product["rule"]) == ("B", "net_negative", 20, "guide")
    assert product["lines"] == [{"line": "On", "quantity": 20}, {"line": "Off", "quantity": -20}]
    assert set(product["guide"]) >= {"lines", "loops", "settled"}
    assert report["issues"] == [{"cell": "Usage!B3", "code": "quantity_not_a_number", "message": "'two' is not a number: type digits, such as 12 or -12.5.",
                                 "severity": "error"}]


def test_every_json_issue_carries_its_severity(capsys, tmp_path):
    usage = [("A", 2, "03/04/2026"), ("A", -2, "soon"), ("B", "1,23"), ("C", "1,234", None, None, "cheap"),
             ("MOTOR-H", 5), ("Motor-H", 5)]
    book = xlsx(tmp_path / "typed.xlsx", sheets(usage=usage, settings=[("max_write_off", "1,000")]))
    status, out, err = run(capsys, "reconcile", book, "-o", tmp_path / "out.xlsx", "--json", "--rule", "guide")
    report = json.loads(out)
    assert status == 1 and all(set(issue) == {"cell", "code", "message", "severity"} for issue in report["issues"])
    assert [(issue["cell"], issue["code"], issue["severity"]) for issue in report["issues"]] == [
        ("Usage!C2", "date_ambiguous", "warning"), ("Usage!C3", "date_invalid", "warning"),
        ("Usage!B4", "quantity_not_a_number", "error"), ("Usage!E5", "cost_invalid", "warning"),
        ("Usage!A6", "product_lookalike", "error"), ("Usage!A7", "product_lookalike", "error"),
        ("Settings!B2", "setting_not_used", "warning")]
    assert {product["product"]: product["status"] for product in report["products"]} == {
        "A": "adjust", "B": "blocked", "C": "adjust", "MOTOR-H": "blocked",
        "Motor-H": "blocked"}
    issues = records(tmp_path / "out.xlsx", "Issues")
    assert [(row["Cell"], row["Severity"]) for row in issues] == [
        (issue["cell"], issue["severity"].title()) for issue in report["issues"]]


@pytest.mark.parametrize(
    "settings, argv, nut_lines",
    [
        (None, [], [13, -13]),
        ([("max_write_off", 8)], [], [7, -7]),
        ([("max_write_off", 8)], ["--max-write-off", "13"], [13, -13]),
        ([("Max write-off cost", 20)], [], [5, -5]),  # 5 units at 4.00
        (None, ["--max-write-off-cost", "20"], [5, -5]),
    ],
)
def test_the_write_off_cap_comes_from_settings_or_the_command_line(capsys, tmp_path, settings, argv, nut_lines):
    usage = [("NUT-5", q, None, None, 4) for q in SEED_NET_ZERO] + usage_rows("BOLT-10", [-20, 3])
    book = xlsx(tmp_path / "cap.xlsx", sheets(usage=usage, settings=settings))
    status, out, err = run(capsys, "reconcile", book, "-o", tmp_path / "out.xlsx", "--json", "--rule", "fewest", *argv)
    products = {product["product"]: product for product in json.loads(out)["products"]}
    assert [line["quantity"] for line in products["NUT-5"]["lines"]] == nut_lines
    assert [o["W"] for o in products["NUT-5"]["options"]][:2] == [13, 7]


@pytest.mark.parametrize(
    "content, words",
    [
        (lambda path: path.write_bytes(path.read_bytes()[:500]), "is damaged or incomplete"),
        (lambda path: path.write_text("Product,Quantity\nA,1\n"), "is a text or CSV file"),
        (lambda path: path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(600)), "password-protected"),
    ],
)
def test_an_unreadable_file_exits_2_with_one_line_and_writes_nothing(capsys, book, content, words):
    content(book)
    status, out, err = run(capsys, "reconcile", book)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and words in err and "Traceback" not in err
    assert not book.with_name("march.reconciled.xlsx").exists()


@pytest.mark.parametrize(
    "book_sheets",
    [{"Sheet1": [("Product", "Quantity"), ("A", 1)]}, {"Usage": [("Product", "Amount"), ("A", 1)]}],
)
def test_a_structural_problem_exits_2_and_writes_nothing(capsys, tmp_path, book_sheets):
    path = xlsx(tmp_path / "b.xlsx", book_sheets)
    status, out, err = run(capsys, "reconcile", path)
    assert status == 2 and err.count("\n") == 1
    assert not (tmp_path / "b.reconciled.xlsx").exists()


@pytest.mark.parametrize(
    "argv",
    [["reconcile", "missing.xlsx"], ["reconcile", "book.xls"], ["reconcile", "BOOK", "-o", "out.xlsm"],
     ["reconcile", "BOOK", "--max-runs", "0"], ["reconcile", "BOOK", "--rule", "cheapest"],
     ["reconcile", "BOOK", "-o", "x.xlsx", "--in-place"]],
)
def test_usage_and_file_errors_exit_2(capsys, book, argv):
    status, out, err = run(capsys, *[str(book) if arg == "BOOK" else arg for arg in argv])
    assert status == 2 and "Traceback" not in err


def test_a_sheet_with_an_output_name_that_giveback_did_not_write_is_never_replaced(capsys, tmp_path):
    path = xlsx(tmp_path / "b.xlsx", sheets(usage=usage_rows("A", [2, -2])), extra={"Summary": [("mine",)]})
    status, out, err = run(capsys, "reconcile", path)
    assert status == 2 and "Summary" in err
    assert not (tmp_path / "b.reconciled.xlsx").exists()


def test_in_place_writes_into_the_input(capsys, book):
    status, _, _ = run(capsys, "reconcile", book, "--in-place")
    assert status == 0 and sheet_names(book) == ["Usage", "Notes"] + OUTPUTS
    assert not book.with_name("march.reconciled.xlsx").exists()


def test_re_running_on_an_output_replaces_only_givebacks_sheets_with_the_same_values(capsys, tmp_path, bad_book):
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    run(capsys, "reconcile", bad_book, "-o", first)
    run(capsys, "reconcile", first, "-o", second)
    assert sheet_names(second) == sheet_names(first) == ["Usage"] + OUTPUTS[:-1] + ["Issues", "RunRecord"]
    for name in OUTPUTS + ["Issues"]:
        assert sheet_values(second, name) == sheet_values(first, name)


def test_issues_go_away_when_a_re_run_has_none(capsys, tmp_path, bad_book):
    first = tmp_path / "first.xlsx"
    run(capsys, "reconcile", bad_book, "-o", first)
    workbook = load_workbook(first)
    workbook["Usage"]["B3"] = 2  # the accountant fixes the bad cell
    workbook.save(first)
    status, _, _ = run(capsys, "reconcile", first, "--in-place")
    assert status == 0 and sheet_names(first) == ["Usage"] + OUTPUTS


@pytest.mark.parametrize(
    "book, output, in_place, target",
    [
        ("d/m.xlsx", None, False, "d/m.reconciled.xlsx"),
        ("d/m.xlsm", None, False, "d/m.reconciled.xlsm"),
        ("d/m.XLSX", "o.xlsx", False, "o.xlsx"),
        ("d/m.xlsm", None, True, "d/m.xlsm"),
    ],
)
def test_where_the_result_goes(book, output, in_place, target):
    assert output_path(Path(book), output and Path(output), in_place) == Path(target)


@pytest.mark.parametrize("book, output", [("m.xlsm", "o.xlsx"), ("m.xlsx", "o.csv"), ("m.csv", None)])
def test_the_result_keeps_the_inputs_kind(book, output):
    with pytest.raises(WorkbookError):
        output_path(Path(book), output and Path(output), False)


def test_template_writes_the_input_sheets_and_never_overwrites(capsys, tmp_path):
    path = tmp_path / "new.xlsx"
    assert run(capsys, "template", path)[0] == 0
    assert sheet_names(path) == ["Read me", "Usage", "Lots", "Counts", "Settings", "After run"]
    assert sheet_values(path, "Usage")[0] == ("Product", "Quantity", "Date", "Reference", "Unit Cost")
    assert sheet_values(path, "Settings")[1] == ("rule", "book")
    before = digest(path)
    status, _, err = run(capsys, "template", path)
    assert status == 2 and "already exists" in err and digest(path) == before


def test_a_filled_in_template_reconciles(capsys, tmp_path):
    path = tmp_path / "new.xlsx"
    run(capsys, "template", path)
    workbook = load_workbook(path)
    for quantity in SEED_NET_ZERO:
        workbook["Usage"].append(["NUT-5", quantity])
    workbook.save(path)
    status, out, _ = run(capsys, "reconcile", path, "--json")
    assert status == 0 and json.loads(out)["products"][0]["W"] == 7


def test_demo_writes_and_reconciles_a_sample_covering_every_case(capsys, tmp_path):
    status, out, err = run(capsys, "demo", tmp_path)
    target = tmp_path / "giveback-demo.reconciled.xlsx"
    assert status == 0 and target.exists()
    summary = {row["Product"]: row for row in records(target, "Summary")}
    assert {row["Case"] for row in summary.values()} >= {"Net positive", "Net negative", "Net zero"}
    assert [product for product, row in summary.items() if row["Status"] == "Blocked"] == ["WASHER"]
    assert [issue["Code"] for issue in records(target, "Issues")] == ["quantity_not_a_number"]
    assert run(capsys, "demo", tmp_path)[0] == 0  # again, over its own files


def test_a_progress_bar_shows_on_a_terminal_and_not_otherwise(monkeypatch, capsys, book):
    import giveback.reconcile as command

    with command.progress_bar(quiet=False) as report:
        assert report is None  # stderr is not a terminal under pytest
    monkeypatch.setattr(command.Console, "is_terminal", property(lambda self: True))
    with command.progress_bar(quiet=False) as report:
        report("Reading Usage", 5000, None)
        report("Recommending", 3, 3)
    assert run(capsys, "reconcile", book, "-o", book.with_name("o.xlsx"))[0] == 0


def test_the_collector_runs_less_often_only_while_reconciling(tmp_path, monkeypatch):
    """`fewer_collections` raises the thresholds for the run and puts them back, also when
    the run fails."""
    before, seen = gc.get_threshold(), []
    monkeypatch.setattr(command, "open_book", lambda path: seen.append(gc.get_threshold()) or 1 / 0)
    with pytest.raises(ZeroDivisionError):
        command.reconcile_file(tmp_path / "book.xlsx", tmp_path / "out.xlsx", {}, quiet=True)
    assert seen[0][0] > before[0] and gc.get_threshold() == before
