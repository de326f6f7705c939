"""Build `dist/giveback.xlam`, the desktop ribbon add-in, from xlwings' own ribbon
template, reproducibly: `python -m addin.build_xlam [DIST]` (or `make addin`).

xlwings ships `quickstart_addin_ribbon.xlam` (what `xlwings quickstart NAME --addin
--ribbon` copies): a ribbon add-in whose VBA has xlwings' `RunPython` and one ribbon
callback, `RibbonMyAddin.RunMain`, which runs `import NAME; NAME.main()` with NAME the
add-in's file name. The build copies every part of it byte for byte and rewrites only
`customUI/customUI.xml`: a "Give-Back" tab with three buttons.

- Reconcile -> `RibbonMyAddin.RunMain` -> `giveback.main()` -> `addin.desktop.reconcile()`.
- Clear results, New template -> `GivebackClearResults`, `GivebackNewTemplate`: VBA the
  template does not have. VBA lives in the binary `xl/vbaProject.bin`, which no tool on
  Linux can change safely (Excel runs its compiled p-code, not the source), so these two
  are in `addin/ribbon.bas`, copied to `dist/giveback_ribbon.bas`, to import once in
  Excel (`--import-vba` does it on Windows through xlwings and the VBA object model).

Zip entries keep the template's order with fixed timestamps and attributes, so the same
xlwings version always gives the same bytes.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import zipfile
from pathlib import Path

import xlwings

TEMPLATE = Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam"
RIBBON_PART = "customUI/customUI.xml"
RIBBON_MACROS = Path(__file__).with_name("ribbon.bas")
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
            data = RIBBON_XML.encode("utf-8") if entry.filename == RIBBON_PART else source.read(entry)
            addin.writestr(fixed_entry(entry.filename), data)
    shutil.copyfile(RIBBON_MACROS, dist / "giveback_ribbon.bas")
    return target


def fixed_entry(name: str) -> zipfile.ZipInfo:
    """A zip entry whose metadata does not depend on the machine or the clock."""
    entry = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.create_system = 0
    entry.external_attr = 0
    return entry


def import_ribbon_macros(addin: Path, macros: Path) -> None:
    """Desktop Excel on Windows only: import the ribbon's extra VBA into the add-in and
    save it. Needs "Trust access to the VBA project object model" in Excel's Trust Center."""
    import xlwings as xw

    book = xw.Book(str(addin.resolve()))
    book.api.VBProject.VBComponents.Import(str(macros.resolve()))
    book.save()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build giveback's desktop ribbon add-in.")
    parser.add_argument("dist", nargs="?", default="dist", type=Path)
    parser.add_argument("--import-vba", action="store_true",
                        help="Windows with Excel: also import addin/ribbon.bas into the add-in")
    args = parser.parse_args(argv)
    addin = build(args.dist)
    print(f"built {addin}")
    if args.import_vba:
        import_ribbon_macros(addin, args.dist / "giveback_ribbon.bas")
        print(f"imported {RIBBON_MACROS.name} into {addin}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
