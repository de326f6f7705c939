"""`make addin`'s output: `dist/giveback.xlam` is xlwings' ribbon template with the ribbon
rewritten and giveback's VBA module added, built reproducibly, and each button's callback
reaches a Python entry point. Three readers check the VBA project: `tests/vba.py`, olevba
(oletools) and LibreOffice through UNO. (Excel itself is needed to see the tab and click
it; see docs/excel.md, "Desktop Excel".)"""

import importlib
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from oletools.olevba import VBA_Parser

import giveback
from addin import build_xlam, desktop
from test_roundtrip_pivot import SYSTEM_PYTHON, uno_env  # noqa: F401 (a fixture)
from vba import modules

ROOT = Path(__file__).resolve().parents[1]
NS = {"ui": "http://schemas.microsoft.com/office/2006/01/customui"}
RUN_PYTHON = re.compile(r'RunPython "import ([\w.]+); ([\w.]+)\(\)"')


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "addin.build_xlam", str(dist)], cwd=ROOT, check=True, capture_output=True)
    return dist


def buttons(addin: Path) -> dict[str, str]:
    ribbon = ET.fromstring(zipfile.ZipFile(addin).read("customUI/customUI.xml"))
    tab = ribbon.find(".//ui:tab", NS)
    assert tab.get("label") == "Give-Back"
    return {button.get("label"): button.get("onAction") for button in tab.iterfind(".//ui:button", NS)}


def test_the_ribbon_tab_has_the_four_buttons(built):
    assert buttons(built / "giveback.xlam") == {
        "Reconcile": "RibbonMyAddin.RunMain",
        "Check": "GivebackCheck",
        "Clear results": "GivebackClearResults",
        "New template": "GivebackNewTemplate",
    }


def test_the_build_is_reproducible_and_changes_only_the_ribbon_and_the_vba(built, tmp_path):
    again = build_xlam.build(tmp_path)
    assert again.read_bytes() == (built / "giveback.xlam").read_bytes()
    template = zipfile.ZipFile(build_xlam.TEMPLATE)
    addin = zipfile.ZipFile(again)
    assert addin.namelist() == template.namelist()
    changed = [n for n in template.namelist() if addin.read(n) != template.read(n)]
    assert set(changed) == {"customUI/customUI.xml", "xl/vbaProject.bin"}
    assert {info.date_time for info in addin.infolist()} == {build_xlam.FIXED_TIME}


def shipped_module() -> str:
    """addin/ribbon.bas as the VBA project holds it: CRLF line ends."""
    return "\r\n".join(build_xlam.RIBBON_MACROS.read_text().splitlines()) + "\r\n"


def test_the_vba_project_gains_giveback_s_module_and_keeps_the_template_s(built):
    template = modules(zipfile.ZipFile(build_xlam.TEMPLATE).read("xl/vbaProject.bin"))
    vba = modules(zipfile.ZipFile(built / "giveback.xlam").read("xl/vbaProject.bin"))
    assert vba == {**template, "GivebackRibbon": shipped_module()}


def test_reconcile_uses_the_templates_callback_which_runs_giveback_main(built, monkeypatch):
    vba = modules(zipfile.ZipFile(built / "giveback.xlam").read("xl/vbaProject.bin"))
    run_main = vba["RibbonMyAddin"]
    assert "Sub RunMain(control As IRibbonControl)" in run_main
    # The module it imports is the add-in's file name without its extension.
    assert 'RunPython "import " & mymodule & ";" & mymodule & ".main()"' in run_main
    assert "mymodule = Left(ThisWorkbook.Name" in run_main
    called = []
    monkeypatch.setattr(desktop, "reconcile", lambda: called.append("reconcile"))
    giveback.main()
    assert called == ["reconcile"]


def callbacks_in(source: str) -> dict[str, str]:
    """{macro name: the Python it runs} for every ribbon callback in a VBA module."""
    found = {}
    for name, body in re.findall(r"Sub (\w+)\(control As IRibbonControl\)(.*?)End Sub", source, re.S):
        found[name] = RUN_PYTHON.search(body).group(2)
    return found


def test_the_other_buttons_callbacks_are_in_the_addin_and_run_our_entry_points(built):
    shipped = modules(zipfile.ZipFile(built / "giveback.xlam").read("xl/vbaProject.bin"))["GivebackRibbon"]
    assert (built / "giveback_ribbon.bas").read_text() == build_xlam.RIBBON_MACROS.read_text()  # the fallback
    python = callbacks_in(shipped)
    assert python == {
        "GivebackCheck": "addin.desktop.check",
        "GivebackClearResults": "addin.desktop.clear_results",
        "GivebackNewTemplate": "addin.desktop.new_template",
    }
    for target in python.values():
        module, _, function = target.rpartition(".")
        assert callable(getattr(importlib.import_module(module), function))
    vba = modules(zipfile.ZipFile(built / "giveback.xlam").read("xl/vbaProject.bin"))
    assert "Function RunPython(PythonCommand As String)" in vba["xlwings"]


def test_olevba_lists_the_macros_of_every_button(built):
    parser = VBA_Parser(str(built / "giveback.xlam"))
    found = {vba_name: code for _, _, vba_name, code in parser.extract_macros()}
    parser.close()
    assert set(callbacks_in(found["GivebackRibbon.bas"])) == {"GivebackCheck", "GivebackClearResults",
                                                              "GivebackNewTemplate"}
    assert "Sub RunMain(control As IRibbonControl)" in found["RibbonMyAddin.bas"]
    assert "Function RunPython(PythonCommand As String)" in found["xlwings.bas"]


def workbook_form(addin: Path, target: Path) -> Path:
    """The add-in as a macro-enabled workbook (.xlsm): LibreOffice opens no .xlam."""
    with zipfile.ZipFile(addin) as source, zipfile.ZipFile(target, "w") as book:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "[Content_Types].xml":
                data = data.replace(b"ms-excel.addin.macroEnabled.main", b"ms-excel.sheet.macroEnabled.main")
            book.writestr(entry, data)
    return target


def test_libreoffice_loads_the_module_through_uno(built, uno_env, tmp_path):
    book = workbook_form(built / "giveback.xlam", tmp_path / "giveback.xlsm")
    script = Path(__file__).with_name("uno_basic_modules.py")
    done = subprocess.run([SYSTEM_PYTHON, str(script), str(tmp_path / "profile"), str(book)],
                          env=uno_env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    project = json.loads(done.stdout)["MyAddin"]  # the VBA project's name
    assert set(project) == {"ThisWorkbook", "Dictionary", "RibbonMyAddin", "Sheet2", "xlwings", "GivebackRibbon"}
    # LibreOffice turns the Attribute line into its own two header lines
    header = "Rem Attribute VBA_ModuleType=VBAModule\nOption VBASupport 1\n"
    source = shipped_module().replace("\r\n", "\n").split("\n", 1)[1]
    assert project["GivebackRibbon"] == header + source + "\n"
