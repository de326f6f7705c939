"""Every kind of valid workbook SPEC section 9 names, built part by part (`odd_packages`) or
saved by Excel (`tests/data/excel/`, a Usage sheet added): giveback reads it, recommends what
it recommends from the same rows held in memory, writes its outputs keeping every other part
byte for byte (compressed bytes and CRCs as they were, run after run), and LibreOffice opens
the result. A chart sheet, dialog sheet or macro sheet named Usage is never the Usage sheet."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

import odd_packages as odd
from core.problems import Code
from core.report import product_json
from test_libreoffice import soffice  # noqa: F401 (a fixture)
from workbook.files.books import open_book, write_book
from workbook.reconcile import WorkbookError, reconcile
from workbook.seam import Grids

CORPUS = {**odd.KINDS, **odd.EXCEL_SAVED}
EDITED = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"}
EXPECTED = [product_json(rec) for rec in reconcile(Grids({"Usage": odd.USAGE})).recommendations]


def reconciled(source: Path, target: Path) -> list[dict]:
    """`giveback reconcile SOURCE -o TARGET`, as the command line runs it."""
    with open_book(source) as book:
        done = reconcile(book)
    write_book(source, target, done.sheets, done.drop)
    return [product_json(rec) for rec in done.recommendations]


def packed(path: Path) -> dict[str, tuple[int, int, bytes]]:
    """Each part's CRC, compressed size and contents."""
    with zipfile.ZipFile(path) as archive:
        return {info.filename: (info.CRC, info.compress_size, archive.read(info)) for info in archive.infolist()}


@pytest.mark.parametrize("kind", CORPUS)
def test_reads_and_recommends_as_the_same_rows_in_memory(kind, tmp_path):
    path = CORPUS[kind](tmp_path)
    with open_book(path) as book:
        assert "Usage" in book.sheet_names()
        rows = [tuple(row) for row in book.rows("Usage")]
        assert rows == odd.USAGE
        assert [product_json(rec) for rec in reconcile(book).recommendations] == EXPECTED


@pytest.mark.parametrize("kind", CORPUS)
def test_every_user_part_is_kept_byte_for_byte_run_after_run(kind, tmp_path):
    source = CORPUS[kind](tmp_path)
    first, second = tmp_path / f"first{source.suffix}", tmp_path / f"second{source.suffix}"

    assert reconciled(source, first) == EXPECTED
    assert reconciled(first, second) == EXPECTED  # giveback finds and replaces its own sheets

    before, after = packed(source), packed(second)
    kept = {name for name in before if name not in EDITED and name != "xl/calcChain.xml"}
    assert {name: after.get(name) for name in kept} == {name: before[name] for name in kept}
    with open_book(source) as book:
        users = book.sheet_names()
    with open_book(second) as book:  # the user's sheets, then giveback's, once each
        assert book.sheet_names()[:len(users)] == users
        assert {"Adjustments", "LoopTrace", "Summary"} <= set(book.sheet_names()[len(users):])
        assert len(book.sheet_names()) == len(set(book.sheet_names()))


@pytest.mark.parametrize("kind", odd.NOT_A_USAGE_SHEET)
def test_a_chart_dialog_or_macro_sheet_named_usage_is_not_the_usage_sheet(kind, tmp_path):
    path = odd.NOT_A_USAGE_SHEET[kind](tmp_path)
    with open_book(path) as book, pytest.raises(WorkbookError) as raised:
        reconcile(book)
    assert raised.value.code == Code.SHEET_MISSING
    assert kind.split(" named")[0].replace("chartsheet", "chart sheet") in str(raised.value)


TRANSITIONAL_NAMESPACES = [uri.encode() for uri in odd.STRICT_NAMESPACES]


@pytest.mark.parametrize("kind", [kind for kind in CORPUS if "Strict" in kind])
def test_a_strict_workbook_stays_strict(kind, tmp_path):
    source = CORPUS[kind](tmp_path)
    target = tmp_path / "out.xlsx"
    reconciled(source, target)

    added = set(packed(target)) - set(packed(source))
    written = {name: data for name, (_, _, data) in packed(target).items() if name in EDITED | added}
    assert any(name.startswith("xl/worksheets/") for name in added)
    assert any(name.startswith("xl/charts/") for name in added)  # the Options sheet's chart
    for name, data in written.items():
        assert not any(uri in data for uri in TRANSITIONAL_NAMESPACES), name
    assert b'conformance="strict"' in written["xl/workbook.xml"]
    assert b"/ooxml/officeDocument/relationships/worksheet" in written["xl/_rels/workbook.xml.rels"]


def test_a_styles_relationship_to_a_missing_part_is_repaired_not_doubled(tmp_path):
    target = tmp_path / "out.xlsx"
    reconciled(odd.broken_styles_relationship(tmp_path), target)
    parts = packed(target)
    rels = parts["xl/_rels/workbook.xml.rels"][2]
    assert rels.count(b"relationships/styles") == 1 and b'Id="rId9"' in rels
    assert "xl/styles.xml" in parts
    assert parts["[Content_Types].xml"][2].count(b"/xl/styles.xml") == 1


@pytest.mark.parametrize("kind, cell_styles_before", [
    ("empty styles part", 0),
    ("styles without cellXfs", 0),
    ("styles with only cellXfs", 1),
    ("styles with custom number formats", 2),
])
def test_any_styles_part_gets_giveback_formats_and_keeps_the_users(kind, cell_styles_before, tmp_path):
    source = CORPUS[kind](tmp_path)
    target = tmp_path / "out.xlsx"
    reconciled(source, target)

    before, after = (_cell_styles(path) for path in (source, target))
    assert after[:cell_styles_before] == before
    assert _number_formats(source) <= _number_formats(target)
    product, line, quantity = adjustment_lines(openpyxl.load_workbook(target)["Adjustments"])[0]
    assert (product.value, line.value, quantity.value) == ("NUT-5", "On", 7)
    assert quantity.number_format != "General"


def adjustment_lines(sheet) -> list[tuple]:
    """The Product, Line and Quantity cells of each adjustment line, found under the
    table's header by name (the sheet's title rows and layout are the outputs' business)."""
    rows = list(sheet.iter_rows())
    at = next(i for i, row in enumerate(rows) if {"Product", "Line", "Quantity"} <= {c.value for c in row})
    columns = [[c.value for c in rows[at]].index(name) for name in ("Product", "Line", "Quantity")]
    return [tuple(row[c] for c in columns) for row in rows[at + 1:] if row[columns[1]].value in ("On", "Off")]


def _cell_styles(path: Path) -> list[bytes]:
    from lxml import etree

    styles = etree.fromstring(packed(path)["xl/styles.xml"][2])
    return [etree.tostring(xf) for xf in styles.iterfind("{*}cellXfs/{*}xf")]


def _number_formats(path: Path) -> set[tuple[str, str]]:
    from lxml import etree

    styles = etree.fromstring(packed(path)["xl/styles.xml"][2])
    return {(f.get("numFmtId"), f.get("formatCode")) for f in styles.iterfind("{*}numFmts/{*}numFmt")}


# LibreOffice, a second client, opens every output ------------------------------------------------


@pytest.fixture(scope="module")
def opened_by_libreoffice(soffice, tmp_path_factory) -> dict[str, Path]:  # noqa: F811
    """Every kind written by giveback, then loaded and saved again by LibreOffice (one
    LibreOffice run for all): `{kind: the file LibreOffice saved}`."""
    folder = tmp_path_factory.mktemp("libreoffice")
    written = {}
    for number, (kind, build) in enumerate(CORPUS.items()):
        place = folder / f"in{number}"
        place.mkdir()
        source = build(place)
        written[kind] = folder / f"out{number}{source.suffix}"
        reconciled(source, written[kind])
    converted = folder / "converted"
    subprocess.run([soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
                    "--convert-to", "xlsx", "--outdir", str(converted), *map(str, written.values())],
                   capture_output=True, text=True, timeout=600)
    return {kind: converted / path.with_suffix(".xlsx").name for kind, path in written.items()}


@pytest.mark.parametrize("kind", CORPUS)
def test_libreoffice_opens_the_output(opened_by_libreoffice, kind):
    saved = opened_by_libreoffice[kind]
    assert saved.exists(), f"LibreOffice could not load what giveback wrote for: {kind}"
    book = openpyxl.load_workbook(saved, data_only=True)
    assert {"Usage", "Adjustments", "LoopTrace", "Summary"} <= set(book.sheetnames)
    lines = [tuple(cell.value for cell in line) for line in adjustment_lines(book["Adjustments"])]
    assert lines == [("NUT-5", "On", 7), ("NUT-5", "Off", -7), ("BOLT-10", "On", 17), ("BOLT-10", "Off", -17)]
