"""Issue 3 on a workbook with a pivot table and a text box: `giveback reconcile` keeps both.

openpyxl can create neither, so LibreOffice builds the workbook through Python-UNO
(`uno_pivot_book.py`, run with the system python, where `import uno` works): a `Usage`
sheet (A: 2 4 4 -10 3 -3, B: -20 3), a `Report` sheet with a pivot summing Quantity by
Product and a rectangle shape with text. Then `giveback reconcile` writes its outputs into
it, once to a new file and once more in place on that output. Checked three ways:

- in the zip: every part of the built book except the four the writer edits comes out byte
  for byte, and the workbook part still points at the pivot cache;
- LibreOffice opens each file and still finds the pivot (its cells show the sums) and the
  shape with its text;
- openpyxl loads the output and sees the pivot.

And the contrast the package writer exists for: openpyxl's own load-and-save of the same
book drops the text box (its drawing part goes entirely).

One soffice builds the book and one more inspects all three files, so the module takes a
few seconds. Without LibreOffice or python3-uno the tests skip locally; in CI (`CI` set)
they fail instead, as in `test_libreoffice.py`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from giveback.cli import main

SYSTEM_PYTHON = "/usr/bin/python3"
UNO_SCRIPT = Path(__file__).with_name("uno_pivot_book.py")
SHAPE_TEXT = "Reviewed by the auditor"  # as in uno_pivot_book.py
OUTPUTS = ["Adjustments", "LoopTrace", "Summary", "Options", "RunRecord"]  # RunRecord: very hidden
# The only parts write_outputs re-serialises (workbook/xlsx/package.py, _Edit.finish). It drops
# xl/calcChain.xml when it replaces a sheet, but LibreOffice writes none here.
EDITED = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
          "_rels/.rels"}  # the package root's relationships gain the run record's custom properties part
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PIVOT_CACHE = f"{R_NS}/pivotCacheDefinition"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _missing(message: str):
    if os.environ.get("CI"):
        pytest.fail(f"{message} (.ci/run should have installed it)")
    pytest.skip(message)


@pytest.fixture(scope="module")
def uno_env() -> dict[str, str]:
    """The environment for the UNO script: the system python, soffice named in SOFFICE."""
    soffice = shutil.which("soffice")
    if soffice is None:
        _missing("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui")
    env = {k: v for k, v in os.environ.items()
           if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}}
    env["SOFFICE"] = soffice
    try:
        found = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], env=env,
                               capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        found = False
    if not found:
        _missing(f"{SYSTEM_PYTHON} cannot import uno: apt-get install python3-uno")
    return env


def run_uno(env: dict[str, str], folder: Path, *args: str) -> str:
    """Run uno_pivot_book.py with its own soffice profile in `folder`; its stdout."""
    result = subprocess.run(
        [SYSTEM_PYTHON, str(UNO_SCRIPT), str(folder / "profile"), *args],
        env=env, capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result
    return result.stdout


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pivot")


@pytest.fixture(scope="module")
def book(uno_env, folder) -> Path:
    """The workbook LibreOffice built: Usage, and Report with the pivot and the text box."""
    path = folder / "book.xlsx"
    run_uno(uno_env, folder / "build", "build", str(path))
    assert path.exists()
    return path


@pytest.fixture(scope="module")
def reconciled(book, folder) -> dict[str, tuple[int, Path]]:
    """`reconcile BOOK -o OUT`, then `reconcile AGAIN --in-place` on a copy of OUT."""
    out = folder / "out.xlsx"
    first = main(["reconcile", str(book), "-o", str(out)])
    again = folder / "again.xlsx"
    shutil.copyfile(out, again)
    second = main(["reconcile", str(again), "--in-place"])
    return {"out": (first, out), "again": (second, again)}


@pytest.fixture(scope="module")
def seen_by_libreoffice(uno_env, folder, book, reconciled) -> dict[str, dict]:
    """What LibreOffice finds in each file (one soffice for all three): by file stem."""
    paths = [book] + [path for _, path in reconciled.values()]
    lines = run_uno(uno_env, folder / "inspect", "inspect", *map(str, paths)).splitlines()
    found = [json.loads(line) for line in lines]
    return {Path(item["path"]).stem: item for item in found}


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def drawings_with_shapes(contents: dict[str, bytes]) -> list[str]:
    return [name for name, data in contents.items()
            if name.startswith("xl/drawings/") and b"<xdr:sp>" in data
            and SHAPE_TEXT.encode() in data]


def test_the_built_book_has_a_pivot_table_and_a_text_box(book):
    contents = parts(book)
    names = set(contents)
    assert {"xl/pivotTables/pivotTable1.xml", "xl/pivotCache/pivotCacheDefinition1.xml",
            "xl/pivotCache/pivotCacheRecords1.xml"} <= names
    assert drawings_with_shapes(contents) == ["xl/drawings/drawing1.xml"]
    assert b"<pivotCaches>" in contents["xl/workbook.xml"]


@pytest.mark.parametrize("run", ["out", "again"])
def test_reconcile_copies_every_other_part_byte_for_byte(book, reconciled, run):
    status, path = reconciled[run]
    before, after = parts(book), parts(path)

    assert status == 0
    assert set(before) <= set(after)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == EDITED
    assert any(name.startswith("xl/pivotTables/") for name in before)  # so they were compared
    assert drawings_with_shapes(after) == ["xl/drawings/drawing1.xml"]


@pytest.mark.parametrize("run", ["out", "again"])
def test_the_workbook_part_still_points_at_the_pivot_cache(reconciled, run):
    contents = parts(reconciled[run][1])
    workbook = etree.fromstring(contents["xl/workbook.xml"])
    caches = workbook.findall(f"{{{MAIN_NS}}}pivotCaches/{{{MAIN_NS}}}pivotCache")
    assert len(caches) == 1
    relationships = etree.fromstring(contents["xl/_rels/workbook.xml.rels"])
    (cache,) = [r for r in relationships.iter(f"{{{RELS_NS}}}Relationship")
                if r.get("Id") == caches[0].get(f"{{{R_NS}}}id")]
    assert cache.get("Type") == PIVOT_CACHE
    assert cache.get("Target") == "pivotCache/pivotCacheDefinition1.xml"
    types = contents["[Content_Types].xml"]
    for part in (b"/xl/pivotTables/pivotTable1.xml", b"/xl/pivotCache/pivotCacheDefinition1.xml",
                 b"/xl/pivotCache/pivotCacheRecords1.xml", b"/xl/drawings/drawing1.xml"):
        assert part in types


@pytest.mark.parametrize("stem", ["book", "out", "again"])
def test_libreoffice_still_sees_the_pivot_and_the_text_box(seen_by_libreoffice, stem):
    seen = seen_by_libreoffice[stem]

    assert seen["sheets"] == ["Usage", "Report"] + ([] if stem == "book" else OUTPUTS)
    (pivot,) = seen["pivots"]["Report"]
    assert pivot["source"] == [0, 0, 0, 1, 8]  # Usage!A1:B9
    totals = {row[0]: row[1] for row in pivot["cells"][1:]}
    assert totals == {"A": 0, "B": -17, "Total Result": -17}
    assert [shape["text"] for shape in seen["shapes"]["Report"]] == [SHAPE_TEXT]
    outputs = [name for name in OUTPUTS if name in seen["sheets"]]
    assert all(not seen["pivots"][name] for name in outputs)
    assert {name: [shape["type"] for shape in seen["shapes"][name]] for name in outputs if seen["shapes"][name]} == (
        {"Options": ["com.sun.star.drawing.OLE2Shape"] * 2} if outputs else {})  # its charts, nothing of Report's


@pytest.mark.parametrize("run", ["out", "again"])
def test_openpyxl_loads_the_output_and_sees_the_pivot(reconciled, run):
    book = openpyxl.load_workbook(reconciled[run][1])
    assert book.sheetnames == ["Usage", "Report"] + OUTPUTS
    (pivot,) = book["Report"]._pivots
    assert pivot.name == "UsagePivot"
    assert [field.name for field in pivot.dataFields] == ["Sum - Quantity"]


def test_openpyxls_own_save_loses_the_text_box_where_reconcile_keeps_it(book, tmp_path):
    """Why write_outputs copies parts instead of loading and saving with openpyxl:
    openpyxl keeps the pivot but drops the drawing with the shape."""
    saved = tmp_path / "openpyxl.xlsx"
    openpyxl.load_workbook(book).save(saved)
    contents = parts(saved)

    assert any(name.startswith("xl/pivotTables/") for name in contents)
    assert not any(b"<xdr:sp" in data or SHAPE_TEXT.encode() in data for data in contents.values())
