"""Build `dist/giveback.xlam`, the desktop ribbon add-in, from xlwings' own ribbon
template, reproducibly: `python -m addin.build_xlam [DIST]` (or `make addin`).

xlwings ships `quickstart_addin_ribbon.xlam` (what `xlwings quickstart NAME --addin
--ribbon` copies): a ribbon add-in whose VBA has xlwings' `RunPython` and one ribbon
callback, `RibbonMyAddin.RunMain`, which runs `import NAME; NAME.main()` with NAME the
add-in's file name. The build copies every part of it byte for byte but two:
`customUI/customUI.xml`, a "Give-Back" tab with four buttons, and `xl/vbaProject.bin`,
which gains the module `GivebackRibbon` (`addin/ribbon.bas`) with the other three buttons'
callbacks (`addin.vba.project`: the template's project has no compiled cache, so Excel
compiles the module's source when it loads the add-in, as it does xlwings' own module).

- Reconcile -> `RibbonMyAddin.RunMain` -> `giveback.main()` -> `addin.desktop.reconcile()`.
- Check -> `GivebackRibbon.GivebackCheck` -> `addin.desktop.check()`.
- Clear results -> `GivebackRibbon.GivebackClearResults` -> `addin.desktop.clear_results()`.
- New template -> `GivebackRibbon.GivebackNewTemplate` -> `addin.desktop.new_template()`.

Zip entries keep the template's order with fixed timestamps and attributes, and the VBA
project is written the same way every time, so the same xlwings version always gives the
same bytes. `dist/giveback_ribbon.bas` is the module's source beside it: a fallback for an
add-in whose VBA project was replaced (the VBA editor's File > Import File...).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import zipfile
from pathlib import Path

import xlwings

from .vba.project import add_module

TEMPLATE = Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam"
RIBBON_PART = "customUI/customUI.xml"
VBA_PART = "xl/vbaProject.bin"
RIBBON_MACROS = Path(__file__).with_name("ribbon.bas")
RIBBON_MODULE = "GivebackRibbon"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
TEMPLATE_CALLBACK = "RibbonMyAddin.RunMain"

RIBBON_XML = f"""\
<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui">
  <ribbon>
    <tabs>
      <tab id="givebackTab" label="Give-Back">
        <group id="givebackGroup" label="Unallocated usage">
          <button id="givebackReconcile" label="Reconcile" size="large" imageMso="MacroPlay"
                  onAction="{TEMPLATE_CALLBACK}"
                  screentip="Reconcile"
                  supertip="Write Adjustments, LoopTrace and Summary for the active workbook." />
          <button id="givebackCheck" label="Check" size="large" imageMso="ReviewAcceptChange"
                  onAction="GivebackCheck"
                  screentip="Check"
                  supertip="Say whether the results still match the inputs, name what changed, and follow up the After run sheet." />
          <button id="givebackClearResults" label="Clear results" size="large" imageMso="Delete"
                  onAction="GivebackClearResults"
                  screentip="Clear results"
                  supertip="Remove the sheets giveback wrote; your sheets stay as they are." />
          <button id="givebackNewTemplate" label="New template" size="large" imageMso="FileNew"
                  onAction="GivebackNewTemplate"
                  screentip="New template"
                  supertip="Add the Usage, Lots, Counts and Settings input sheets." />
        </group>
      </tab>
    </tabs>
  </ribbon>
</customUI>
"""


def build(dist: Path, template: Path = TEMPLATE) -> Path:
    """Write `dist/giveback.xlam` and `dist/giveback_ribbon.bas`; returns the add-in."""
    dist.mkdir(parents=True, exist_ok=True)
    target = dist / "giveback.xlam"
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(target, "w") as addin:
        for entry in source.infolist():
            addin.writestr(fixed_entry(entry.filename), part(entry.filename, source.read(entry)))
    shutil.copyfile(RIBBON_MACROS, dist / "giveback_ribbon.bas")
    return target


def part(name: str, data: bytes) -> bytes:
    """A template part as the add-in has it."""
    if name == RIBBON_PART:
        return RIBBON_XML.encode("utf-8")
    if name == VBA_PART:
        return add_module(data, RIBBON_MODULE, RIBBON_MACROS.read_text(encoding="utf-8"))
    return data


def fixed_entry(name: str) -> zipfile.ZipInfo:
    """A zip entry whose metadata does not depend on the machine or the clock."""
    entry = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.create_system = 0
    entry.external_attr = 0
    return entry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build giveback's desktop ribbon add-in.")
    parser.add_argument("dist", nargs="?", default="dist", type=Path)
    args = parser.parse_args(argv)
    addin = build(args.dist)
    print(f"built {addin}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
