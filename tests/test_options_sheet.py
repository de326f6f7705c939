"""The Options sheet (SPEC section 5): one row per product and option, a drop-down list of
products, and a native chart of the picked product's runs against the on line.

The table and the panel's cached values are checked as plain values; the written package
for its chart and drawing parts (the user's own kept byte for byte, a re-run leaving no
orphans); openpyxl reads it without a warning; LibreOffice, driven over UNO, picks every
product in turn, recalculates, and its chart must show the staircase Python computes."""

from __future__ import annotations

import json
import subprocess
import warnings
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from core import Policy, recommend
from core.whatif import recommend_quantities
from engine_cases import product
from giveback.demo import COUNTS, LOTS, USAGE
from giveback.reconcile import reconcile_file
from test_libreoffice import soffice  # noqa: F401 (a fixture)
from test_package import parts, user_book  # noqa: F401 (a fixture)
from workbook.files.newbook import input_book, save_new
from workbook.seam import Formula
from workbook.sheets.options import CHART_ROWS, EACH_OPTION, escaped, mark, options_sheet, staircase
from workbook.xlsx.opc import Package
from workbook.xlsx.package import write_outputs

HERE = Path(__file__).resolve().parent
SYSTEM_PYTHON = "/usr/bin/python3"
SEED = (2, 4, 4, -10, 3, -3)
BRACKET = (200, -180, 150, -160, 60)


def named(rec, name):
    return rec.model_copy(update={"product": name})


def test_one_row_per_product_and_option_fewest_runs_first_with_its_marks():
    recs = [named(recommend_quantities(SEED), "NUT-5"), named(recommend_quantities((50, -45, 48, -40, 30)), "W")]
    sheet = options_sheet(recs, "'Summary'!$A$5:$A$6")
    assert [c.header for c in sheet.columns] == ["Product", "Runs", "On the Books", "Off the Books",
                                                 "Gross Units", "Gross Cost", "Mark"]
    assert list(sheet.rows) == [
        ("NUT-5", 2, 13, -13, 26, None, ""),
        ("NUT-5", 3, 7, -7, 14, None, "Chosen; Guide's runs"),  # the guide's own lines are +10 / -10
        ("W", 2, 85, -42, 127, None, ""),
        ("W", 3, 43, None, 43, None, "Chosen; Guide's"),
    ]


def test_marks_say_chosen_guides_runs_and_over_the_cap():
    rec = recommend_quantities((50, -45, 48, -40, 30), policy=Policy(rule="fewest", max_write_off=10))
    assert [mark(option, rec.guide.w) for option in rec.options] == ["Over the cap", "Chosen; Guide's"]


@pytest.mark.parametrize(
    "quantities, corners",
    [
        (SEED, [(7, 3), (13, 3), (13, 2)]),
        (BRACKET, [(70, 6), (85, 6), (85, 5), (114, 5), (114, 4), (170, 4), (170, 3), (340, 3), (340, 2)]),
        ((60,), [(60, 1)]),
    ],
)
def test_the_staircase_runs_from_the_most_runs_to_the_fewest(quantities, corners):
    found = staircase(recommend_quantities(quantities).options)
    assert [c for c in found if c != (None, None)] == corners and len(found) == 23


def test_the_panel_picks_the_first_product_and_holds_its_chart_points():
    recs = [named(recommend_quantities(BRACKET), "BRACKET"), named(recommend_quantities(SEED), "NUT-5")]
    sheet = options_sheet(recs, "'Summary'!$A$5:$A$6")
    pick, first, step_x, step_y, option_x, option_y, *chart_place = sheet.panel.rows
    assert chart_place == [()] * CHART_ROWS  # the chart sits there, above the table, and prints with it
    assert pick[:2] == ("Product", "BRACKET") and pick[4].value == 5
    assert first[1] == Formula("IFERROR(MATCH($C$8,$A$35:$A$1048576,0),0)", 1)
    assert [cell.value for cell in step_x[1:10]] == [70, 85, 85, 114, 114, 170, 170, 340, 340]
    assert [cell.value for cell in step_y[1:11]] == [6, 6, 5, 5, 4, 4, 3, 3, 2, None]
    assert [cell.value for cell in option_x[1:7]] == [340, 170, 114, 85, 70, None]
    assert option_x[0] == EACH_OPTION
    assert sheet.panel.hidden == frozenset({1, 2, 3, 4, 5}) and sheet.header_row == 14 + CHART_ROWS
    assert sheet.panel.charts[0].anchor == (0, 12, 6, 31)  # columns A-F, rows 13-32
    assert sheet.panel.choices[0].cell == "B7" and sheet.panel.choices[0].source == "'Summary'!$A$5:$A$6"


@pytest.mark.parametrize("name, looked_up", [("BOLT-10", "BOLT-10"), ("A*", "A~*"), ("A?", "A~?"), ("~T", "~~T")])
def test_the_pick_is_looked_up_literally(name, looked_up):
    assert escaped(name) == looked_up


def test_no_product_with_options_means_no_panel():
    cannot = recommend(product((60,), count=(0, -40)))  # a balance change of 40 for 60 used
    assert options_sheet([cannot], "'Summary'!$A$2:$A$2").panel is None


# ---- the written package -------------------------------------------------------------


def options_output():
    recs = [named(recommend_quantities(BRACKET), "BRACKET"), named(recommend_quantities(SEED), "NUT-5")]
    return options_sheet(recs, "'Usage'!$A$2:$A$11")


def test_the_chart_is_a_drawing_and_a_chart_part_and_the_users_parts_are_kept(user_book, tmp_path):  # noqa: F811
    target = tmp_path / "out.xlsx"
    write_outputs(user_book, target, [options_output()])
    before, after = parts(user_book), parts(target)
    for name, data in before.items():
        if name not in {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"}:
            assert after[name] == data, name
    new = set(after) - set(before)
    (chart,) = [n for n in new if n.startswith("xl/charts/")]
    (drawing,) = [n for n in new if n.startswith("xl/drawings/drawing")]
    assert f"../charts/{chart.split('/')[-1]}" in after[drawing.replace("drawings/", "drawings/_rels/") + ".rels"].decode()
    content_types = after["[Content_Types].xml"].decode()
    assert f"/{chart}" in content_types and f"/{drawing}" in content_types


def test_a_re_run_replaces_the_chart_and_leaves_no_orphan(user_book, tmp_path):  # noqa: F811
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    write_outputs(user_book, first, [options_output()])
    write_outputs(first, second, [options_output()])
    with Package(second) as package:
        reachable = package.reachable()
        names = [info.filename for info in package.zip.infolist()]
    orphans = [n for n in names if n.lower() not in reachable and not n.endswith(".rels")
               and n not in {"[Content_Types].xml"}]
    assert orphans == []
    assert len([n for n in names if n.startswith("xl/charts/")]) == 2  # the user's and giveback's


def test_openpyxl_reads_the_sheet_its_chart_list_and_print_area_without_a_warning(user_book, tmp_path):  # noqa: F811
    target = tmp_path / "out.xlsx"
    write_outputs(user_book, target, [options_output()])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sheet = openpyxl.load_workbook(target)["Options"]
    assert len(sheet._charts) == 1
    (validation,) = sheet.data_validations.dataValidation
    assert (validation.type, str(validation.sqref), validation.formula1) == ("list", "B7", "'Usage'!$A$2:$A$11")
    assert sheet.print_area == "'Options'!$A$1:$G$41"
    assert sheet.row_dimensions[8].hidden and not sheet.row_dimensions[7].hidden
    assert sheet["E7"].value == '=COUNTIF($A$35:$A$1048576,"="&$C$8)'


# ---- LibreOffice, the chart following the pick ------------------------------------------


def reconciled(folder: Path, sheets: dict) -> tuple[Path, dict]:
    """The workbook of `sheets`, reconciled, and its recommendations by product."""
    source, target = folder / "book.xlsx", folder / "book.reconciled.xlsx"
    save_new(input_book(sheets), source)
    done = reconcile_file(source, target, {}, quiet=True)
    return target, {rec.product: rec for rec in done.recommendations}


@pytest.fixture(scope="module")
def demo_book(tmp_path_factory):
    return reconciled(tmp_path_factory.mktemp("options"), {"Usage": USAGE, "Lots": LOTS, "Counts": COUNTS})


AWKWARD = ("A*", "AB", "A?", "~T", ">5", "<Y")  # Excel's wildcards and COUNTIF's comparisons


@pytest.fixture(scope="module")
def awkward_book(tmp_path_factory):
    usage = [(name, q, None, None, None) for name in AWKWARD for q in BRACKET[:len(name) + 2]]
    return reconciled(tmp_path_factory.mktemp("awkward"), {"Usage": usage})


def uno(profile: Path, *args) -> str:
    result = subprocess.run([SYSTEM_PYTHON, str(HERE / "uno_options_chart.py"), str(profile), *map(str, args)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


def points(rec):
    steps = [[float(x), float(y)] for x, y in staircase(rec.options) if x is not None]
    return steps, [[float(o.adjustment.on), float(o.loops)] for o in rec.options]


def test_libreoffice_charts_the_picked_products_staircase(soffice, demo_book, tmp_path):  # noqa: F811
    book, recs = demo_book
    report = json.loads(uno(tmp_path / "profile", "inspect", book, *recs))
    loaded = report["loaded"]
    # the product that sets the book's pace (6 runs), with its trade-off to show
    assert (loaded["pick"], loaded["charts"], loaded["count_text"]) == ("BRACKET", 2, "5 options")
    assert [s["points"] for s in loaded["series"]] == list(points(recs["BRACKET"]))
    assert loaded["book"][0]["points"] == [[2, 737.25], [3, 379.25], [4, 263.25], [5, 203.25], [6, 171.25]]
    for name, rec in recs.items():
        shown = report["picked"][name]
        assert [s["name"] for s in shown["series"]] == [name, EACH_OPTION]
        assert [s["points"] for s in shown["series"]] == list(points(rec)), name
        assert shown["count"] == len(rec.options)


def test_names_with_wildcards_or_comparisons_chart_their_own_options(soffice, awkward_book, tmp_path):  # noqa: F811
    book, recs = awkward_book
    assert set(recs) == set(AWKWARD)
    report = json.loads(uno(tmp_path / "profile", "inspect", book, *recs))
    for name, rec in recs.items():
        shown = report["picked"][name]
        assert (shown["count"], [s["points"] for s in shown["series"]]) == (len(rec.options), list(points(rec))), name


def test_libreoffice_renders_the_sheet_and_chart_for_two_picks(soffice, demo_book, tmp_path):  # noqa: F811
    book, _ = demo_book
    pdfs = json.loads(uno(tmp_path / "profile", "render", book, tmp_path, "BRACKET", "NUT-5"))
    texts = [subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True).stdout for pdf in pdfs]
    assert all("Runs against the On line" in text and EACH_OPTION in text for text in texts)
    assert all("The whole book" in text and "Runs the whole book takes" in text for text in texts)
    assert texts[0].count("BRACKET") > texts[1].count("BRACKET")


def test_the_demos_options_are_what_the_engine_recommends(demo_book):
    book, recs = demo_book
    sheet = openpyxl.load_workbook(book, read_only=True)["Options"]
    rows = list(sheet.iter_rows(values_only=True))
    at = next(i for i, row in enumerate(rows) if row[:3] == ("Product", "Runs", "On the Books"))
    table = [row for row in rows[at + 1:] if row[0] in recs]
    assert [(row[0], row[1]) for row in table] == [(name, o.loops) for name, rec in recs.items() for o in rec.options]
    assert Decimal(str(table[0][2])) == recs["WIDGET-RED"].options[0].adjustment.on
    with zipfile.ZipFile(book) as archive:
        assert any(name.startswith("xl/charts/") for name in archive.namelist())
