"""`make addin`'s output: `dist/giveback.xlam` is xlwings' ribbon template with only the
ribbon rewritten, built reproducibly, and each button's callback reaches a Python entry
point. (Excel itself is needed to see the tab and click it; see the README, "Excel: functions, ribbon and hosts".)"""

import importlib
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

import giveback
from addin import build_xlam, desktop
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


def test_the_ribbon_tab_has_the_three_buttons(built):
    assert buttons(built / "giveback.xlam") == {
        "Reconcile": "RibbonMyAddin.RunMain",
        "Clear results": "GivebackClearResults",
        "New template": "GivebackNewTemplate",
    }


def test_the_build_is_reproducible_and_changes_only_the_ribbon(built, tmp_path):
    again = build_xlam.build(tmp_path)
    assert again.read_bytes() == (built / "giveback.xlam").read_bytes()
    template = zipfile.ZipFile(build_xlam.TEMPLATE)
    addin = zipfile.ZipFile(again)
    assert addin.namelist() == template.namelist()
    changed = [n for n in template.namelist() if addin.read(n) != template.read(n)]
    assert changed == ["customUI/customUI.xml"]
    assert {info.date_time for info in addin.infolist()} == {build_xlam.FIXED_TIME}


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


def test_the_other_buttons_callbacks_ship_as_vba_that_runs_our_entry_points(built):
    shipped = (built / "giveback_ribbon.bas").read_text()
    assert 'Attribute VB_Name = "GivebackRibbon"' in shipped
    python = callbacks_in(shipped)
    assert python == {
        "GivebackClearResults": "addin.desktop.clear_results",
        "GivebackNewTemplate": "addin.desktop.new_template",
    }
    for target in python.values():
        module, _, function = target.rpartition(".")
        assert callable(getattr(importlib.import_module(module), function))
    vba = modules(zipfile.ZipFile(built / "giveback.xlam").read("xl/vbaProject.bin"))
    assert "Function RunPython(PythonCommand As String)" in vba["xlwings"]
