"""Open a reconciled workbook in LibreOffice through Python-UNO, pick products on its
Options sheet, recalculate, and report (or render) what the chart shows.

Run with the SYSTEM python (`/usr/bin/python3`, where `import uno` works), not the project
venv; `tests/test_options_sheet.py` runs it as a subprocess:

    /usr/bin/python3 tests/uno_options_chart.py PROFILE_DIR inspect BOOK.xlsx [PRODUCT ...]
    /usr/bin/python3 tests/uno_options_chart.py PROFILE_DIR render BOOK.xlsx OUT_DIR [PRODUCT ...]

`inspect` prints one JSON object: `loaded`, the panel as LibreOffice loaded it (cached
values), and for each PRODUCT the panel after picking it and recalculating; a panel is the
pick, the option count, the chart's title and its series' points as LibreOffice's chart
reads them (`#N/A` points left out), the number of charts on the sheet, and the whole
book's chart's points (`book`).

`render` writes `options-N.pdf` into OUT_DIR, one per PRODUCT (the loaded pick first when
none are given): the Options sheet's table and chart on one landscape page.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import uno  # noqa: F401 (the UNO bridge: system python only)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from uno_pivot_book import prop, start_office  # noqa: E402

SHEET = "Options"
PRODUCT_CHART = "Runs against the On line"
BOOK_CHART = "The whole book"


def open_book(desktop, path: Path):
    return desktop.loadComponentFromURL(Path(path).resolve().as_uri(), "_blank", 0, (prop("Hidden", True),))


def pick_cell(sheet):
    """The cell right of the label "Product" in column A above the table."""
    for row in range(0, 40):
        if sheet.getCellByPosition(0, row).getString() == "Product" and \
                sheet.getCellByPosition(1, row).getString() != "Runs":
            return sheet.getCellByPosition(1, row)
    raise SystemExit("no pick cell on the Options sheet")


def panel(sheet) -> dict:
    cell = pick_cell(sheet)
    row = cell.getCellAddress().Row
    charts = sheet.getCharts()
    shown = [charts.getByIndex(i).getEmbeddedObject() for i in range(charts.getCount())]
    titled = {chart.getTitle().getPropertyValue("String"): chart for chart in shown}
    chart = titled.get(PRODUCT_CHART)
    book = titled.get(BOOK_CHART)
    count = next(sheet.getCellByPosition(column, row) for column in range(2, 10)
                 if sheet.getCellByPosition(column, row).getFormula())
    return {
        "pick": cell.getString(),
        "count": count.getValue(),
        "count_text": count.getString(),
        "charts": charts.getCount(),
        "title": chart.getTitle().getPropertyValue("String") if chart else None,
        "series": series_points(chart) if chart else [],
        "book": series_points(book) if book else [],
    }


def series_points(chart) -> list[dict]:
    """Each series' name and (x, y) points as the chart's data sequences hold them."""
    found = []
    for chart_type in chart.getFirstDiagram().getCoordinateSystems()[0].getChartTypes():
        for series in chart_type.getDataSeries():
            values, name = {}, None
            for sequence in series.getDataSequences():
                role = sequence.getValues().getPropertyValue("Role")
                values[role] = list(sequence.getValues().getData())
                if sequence.getLabel() is not None:
                    name = "".join(map(str, sequence.getLabel().getData()))
            xs, ys = values.get("values-x", []), values.get("values-y", [])
            found.append({"name": name, "points": [[x, y] for x, y in zip(xs, ys) if _number(x) and _number(y)]})
    return found


def _number(value) -> bool:
    return isinstance(value, float) and not math.isnan(value)


def pick(document, product: str) -> None:
    sheet = document.getSheets().getByName(SHEET)
    pick_cell(sheet).setString(product)
    document.calculateAll()


def inspect(desktop, book: Path, products: list[str]) -> dict:
    document = open_book(desktop, book)
    try:
        sheet = document.getSheets().getByName(SHEET)
        report = {"loaded": panel(sheet), "picked": {}}
        for product in products:
            pick(document, product)
            report["picked"][product] = panel(sheet)
        return report
    finally:
        document.close(True)


def render(desktop, book: Path, folder: Path, products: list[str]) -> list[str]:
    """One PDF page per product: the Options sheet alone, as it prints (its print area
    holds the pick, the chart under it and the table)."""
    document = open_book(desktop, book)
    written = []
    try:
        sheets = document.getSheets()
        for name in [n for n in sheets.getElementNames() if n != SHEET]:
            sheets.removeByName(name)
        for number, product in enumerate(products or [None], start=1):
            if product is not None:
                pick(document, product)
            target = folder / f"options-{number}.pdf"
            document.storeToURL(target.resolve().as_uri(), (prop("FilterName", "calc_pdf_Export"),))
            written.append(str(target))
        return written
    finally:
        document.close(True)


def main() -> None:
    profile, command, book, *rest = sys.argv[1:]
    process, desktop = start_office(profile)
    try:
        if command == "inspect":
            print(json.dumps(inspect(desktop, Path(book), rest)))
        elif command == "render":
            folder, products = Path(rest[0]), rest[1:]
            print(json.dumps(render(desktop, Path(book), folder, products)))
        else:
            raise SystemExit(f"unknown command {command!r}")
    finally:
        try:
            desktop.terminate()
        except Exception:
            pass
        process.wait(timeout=30)


if __name__ == "__main__":
    main()
