"""Build, or inspect, a workbook holding a pivot table and a text-box shape, by driving
LibreOffice through Python-UNO. openpyxl can create neither.

Run with the SYSTEM python (`/usr/bin/python3`, where `import uno` works), not the project
venv; `tests/test_roundtrip_pivot.py` runs it as a subprocess:

    /usr/bin/python3 tests/uno_pivot_book.py PROFILE_DIR build BOOK.xlsx
    /usr/bin/python3 tests/uno_pivot_book.py PROFILE_DIR inspect BOOK.xlsx [BOOK2.xlsx ...]

`build` writes a workbook with
  - a `Usage` sheet: Product, Quantity rows (the seed lists A: 2 4 4 -10 3 -3, B: -20 3);
  - a `Report` sheet: a DataPilot (pivot) table at A1 summing Quantity by Product over the
    Usage range, and a rectangle shape whose text is SHAPE_TEXT;
saved as "Calc MS Excel 2007 XML" (.xlsx).

`inspect` opens each file and prints one JSON object per file on stdout: the sheet names,
for each sheet its pivot tables (name, output range, the cells of that range) and its
shapes (type, text).

One soffice is started per run, headless, with its own profile (`-env:UserInstallation`;
two soffice sharing a profile fail silently) and a private pipe to connect to; it is
terminated when the script ends. The `SOFFICE` environment variable names the soffice to
run (default: `soffice` on PATH).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid

import uno
from com.sun.star.awt import Point, Size
from com.sun.star.beans import PropertyValue
from com.sun.star.sheet.GeneralFunction import SUM
from com.sun.star.sheet.DataPilotFieldOrientation import ROW, DATA
from com.sun.star.table import CellAddress, CellRangeAddress

USAGE = [("A", q) for q in (2, 4, 4, -10, 3, -3)] + [("B", q) for q in (-20, 3)]
SHAPE_TEXT = "Reviewed by the auditor"
CONNECT_SECONDS = 60


def prop(name, value):
    """A com.sun.star.beans.PropertyValue, as loadComponentFromURL/storeToURL take them."""
    item = PropertyValue()
    item.Name, item.Value = name, value
    return item


def start_office(profile):
    """Start a headless soffice listening on a private pipe; return (process, desktop)."""
    pipe = f"giveback_{uuid.uuid4().hex}"
    soffice = os.environ.get("SOFFICE", "soffice")
    process = subprocess.Popen(
        [soffice, f"-env:UserInstallation=file://{os.path.abspath(profile)}",
         "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
         "--nolockcheck", f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + CONNECT_SECONDS
    while True:  # soffice takes a second or two (longer on a first-run profile) to listen
        try:
            context = resolver.resolve(
                f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except Exception:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"soffice did not accept a connection (exit {process.poll()})")
            time.sleep(0.2)
    desktop = context.ServiceManager.createInstanceWithContext(
        "com.sun.star.frame.Desktop", context)
    return process, desktop


def stop_office(process, desktop):
    try:
        desktop.terminate()  # the connection drops as soffice exits: that raises
    except Exception:
        pass
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def build(desktop, path):
    document = desktop.loadComponentFromURL(
        "private:factory/scalc", "_blank", 0, (prop("Hidden", True),))
    try:
        sheets = document.Sheets
        usage = sheets.getByIndex(0)
        usage.Name = "Usage"
        # Cells: header then the rows; setDataArray takes a tuple of row tuples.
        rows = [("Product", "Quantity")] + [(p, float(q)) for p, q in USAGE]
        usage.getCellRangeByPosition(0, 0, 1, len(rows) - 1).setDataArray(tuple(rows))

        sheets.insertNewByName("Report", 1)
        report = sheets.getByName("Report")

        # The pivot (DataPilot): source = the Usage range, Product as row field, Sum of
        # Quantity as data field, output at Report.A1.
        pilots = report.getDataPilotTables()
        descriptor = pilots.createDataPilotDescriptor()
        source = CellRangeAddress()
        source.Sheet, source.StartColumn, source.StartRow = 0, 0, 0
        source.EndColumn, source.EndRow = 1, len(rows) - 1
        descriptor.setSourceRange(source)
        fields = descriptor.getDataPilotFields()
        product = fields.getByName("Product")
        product.Orientation = ROW
        quantity = fields.getByName("Quantity")
        quantity.Orientation = DATA
        quantity.Function = SUM
        target = CellAddress()
        target.Sheet, target.Column, target.Row = 1, 0, 0
        pilots.insertNewByName("UsagePivot", target, descriptor)

        # A rectangle with text, on the Report sheet's draw page, to the right of the pivot.
        # In .xlsx it is a drawing part with an <xdr:sp> holding <a:t>SHAPE_TEXT</a:t>.
        shape = document.createInstance("com.sun.star.drawing.RectangleShape")
        position, size = Point(), Size()
        position.X, position.Y = 6000, 1000  # 1/100 mm
        size.Width, size.Height = 6000, 1500
        report.getDrawPage().add(shape)  # add first: setting text needs a live shape
        shape.setPosition(position)
        shape.setSize(size)
        shape.setString(SHAPE_TEXT)

        document.storeToURL(uno.systemPathToFileUrl(os.path.abspath(path)),
                            (prop("FilterName", "Calc MS Excel 2007 XML"),))
    finally:
        document.close(True)


def inspect(desktop, path):
    document = desktop.loadComponentFromURL(
        uno.systemPathToFileUrl(os.path.abspath(path)), "_blank", 0, (prop("Hidden", True),))
    try:
        sheets = document.Sheets
        found = {"sheets": list(sheets.getElementNames()), "pivots": {}, "shapes": {}}
        for name in found["sheets"]:
            sheet = sheets.getByName(name)
            pilots = sheet.getDataPilotTables()
            found["pivots"][name] = []
            for pilot_name in pilots.getElementNames():
                pilot = pilots.getByName(pilot_name)
                area = pilot.getOutputRange()
                cells = sheet.getCellRangeByPosition(
                    area.StartColumn, area.StartRow, area.EndColumn, area.EndRow)
                found["pivots"][name].append({
                    "name": pilot_name,
                    "source": _range_text(pilot.getSourceRange()),
                    "cells": [list(row) for row in cells.getDataArray()],
                })
            page = sheet.getDrawPage()
            found["shapes"][name] = [
                {"type": page.getByIndex(i).getShapeType(),
                 "text": page.getByIndex(i).getString()
                 if hasattr(page.getByIndex(i), "getString") else None}
                for i in range(page.getCount())
            ]
        return found
    finally:
        document.close(True)


def _range_text(area):
    return [area.Sheet, area.StartColumn, area.StartRow, area.EndColumn, area.EndRow]


def main(argv):
    profile, command, *paths = argv
    process, desktop = start_office(profile)
    try:
        if command == "build":
            (path,) = paths
            build(desktop, path)
        elif command == "inspect":
            for path in paths:
                print(json.dumps({"path": path, **inspect(desktop, path)}), flush=True)
        else:
            raise SystemExit(f"unknown command {command!r}")
    finally:
        stop_office(process, desktop)


if __name__ == "__main__":
    main(sys.argv[1:])
