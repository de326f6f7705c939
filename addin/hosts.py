"""What each host does beyond xlwings' portable calls: a sheet's print setup (as
`workbook.paper` lays it out), its charts (`seam.Chart`) and the workbook's custom
document properties (the run record, `giveback_fingerprint` and the others, SPEC section
11), the things xlwings has no call for on every host.

| host | print setup | charts | document properties |
|---|---|---|---|
| desktop Excel, Windows | COM: `sheet.page_setup.api` (Excel's PageSetup), a column's `PageBreak` | xlwings' `sheet.charts`, each series added through COM (`SeriesCollection().NewSeries()`) | COM: `book.api.CustomDocumentProperties` |
| desktop Excel, macOS | AppleScript: the sheet's page setup object, a column's `page break` | the same, each series made through AppleScript (`make new series`) | AppleScript: the workbook's `custom document properties` |
| Excel on the web and new Excel, giveback's client (xlwings Server) | `givebackPageLayout`, a callback of giveback's client script (`static/js/layout.js`) | `givebackCharts`, the same | `givebackProperties`, the same (`workbook.properties.custom`) |
| any other JSON book (xlwings Lite, xlwings' own `runPython`) | none | none | none |

Where a host cannot do one of them, the sheet's legend says so (`notes`): its words are
`paper.NOT_SET_UP`, each chart's `missing_note`, and on Summary (where the run record is
shown) `PROPERTIES_NOT_SET`. Everything else a sheet carries (its panel's formulas, hidden
rows and drop-down lists, its print area) goes through xlwings' own calls on every host
(`addin.book`).

giveback's client sends, with the book, the callbacks this Excel can run
(`giveback_client: {"callbacks": [...]}`); the script calls one as xlwings' `runMacro`
action (what `book.app.macro(name)(...)` sends, but put on this book: xlwings' remote
`App.run` adds it to the process's most recently opened book).

Desktop Excel's calls are written from Excel's object model as xlwings spells it
(`xlwings.constants` on Windows, `xlwings.mac_dict` on macOS) and checked here against
fakes that record them; only desktop Excel can run them (docs/excel.md).
"""

from __future__ import annotations

import sys
from typing import Mapping, Sequence

from workbook.paper import LANDSCAPE, NOT_SET_UP, PrintLayout
from workbook.seam import MARKER_SIZE, Chart, ChartSeries, OutputSheet, series_colour, sheet_reference
from workbook.sheets.outputs import SUMMARY
from workbook.sheets.schema import column_letter

CLIENT = "giveback_client"  # what giveback's client adds to the book it sends
PAGE_LAYOUT, CHARTS, PROPERTIES = "givebackPageLayout", "givebackCharts", "givebackProperties"  # its callbacks (static/js/layout.js)
LINES, MARKERS = "xy_scatter_lines_no_markers", "xy_scatter"  # xlwings' names of Excel's chart types
PROPERTIES_NOT_SET = ("This copy of Excel cannot write the file's document properties (giveback_fingerprint and the"
                      " others): they still hold an earlier run's record, if any; the record above is this run's.")


class Host:
    """A host that can do none of them (a JSON book without giveback's client): its
    charts are removed on a re-run, through xlwings, and nothing more."""

    paper = charts = properties = False

    def notes(self, output: OutputSheet) -> str:
        """What the sheet's legend says that this host could not do, or ""."""
        missing = [] if self.paper else [NOT_SET_UP]
        if output.panel is not None and not self.charts:
            missing += [chart.missing_note() for chart in output.panel.charts]
        if output.name == SUMMARY and not self.properties:
            missing.append(PROPERTIES_NOT_SET)
        return " ".join(missing)

    def set_up_paper(self, sheet, layout: PrintLayout) -> None:
        pass

    def set_properties(self, book, properties: Mapping[str, str]) -> None:
        """Set the workbook's custom document `properties` (text), the user's own kept."""

    def draw_charts(self, sheet, charts: Sequence[Chart]) -> None:
        """Remove the sheet's charts (giveback's, as the sheet is) and draw `charts`."""
        for chart in reversed(list(sheet.charts)):
            chart.delete()


class GivebackClient(Host):
    """A JSON book sent by giveback's client: its callbacks do what xlwings cannot."""

    def __init__(self, callbacks: Sequence[str]):
        self.paper, self.charts = PAGE_LAYOUT in callbacks, CHARTS in callbacks
        self.properties = PROPERTIES in callbacks

    def set_up_paper(self, sheet, layout: PrintLayout) -> None:
        if self.paper:
            call_client(sheet.book, PAGE_LAYOUT, sheet.name, office_layout(layout))

    def set_properties(self, book, properties: Mapping[str, str]) -> None:
        if self.properties:
            call_client(book, PROPERTIES, dict(properties))

    def draw_charts(self, sheet, charts: Sequence[Chart]) -> None:
        if self.charts:
            call_client(sheet.book, CHARTS, sheet.name, [office_chart(chart) for chart in charts])
        else:
            super().draw_charts(sheet, charts)


class DesktopExcel(Host):
    """Desktop Excel through xlwings: charts through xlwings' calls, a series's ranges and
    the page setup through Excel's own object (`native`: `Windows` or `Mac`)."""

    paper = charts = properties = True

    def __init__(self, native):
        self.native = native

    def set_up_paper(self, sheet, layout: PrintLayout) -> None:
        self.native.set_up_paper(sheet, layout)

    def set_properties(self, book, properties: Mapping[str, str]) -> None:
        self.native.set_properties(book, properties)

    def draw_charts(self, sheet, charts: Sequence[Chart]) -> None:
        super().draw_charts(sheet, charts)
        for chart in charts:
            self.draw(sheet, chart)

    def draw(self, sheet, chart: Chart) -> None:
        first_column, first_row, last_column, last_row = chart.anchor
        start, end = sheet.range((first_row + 1, first_column + 1)), sheet.range((last_row + 1, last_column + 1))
        drawn = sheet.charts.add(start.left, start.top, end.left - start.left, end.top - start.top, style=None)
        for series in chart.series:
            self.native.add_series(drawn.api[1], sheet.name, series)
        for index, (series, line) in enumerate(zip(drawn.series, chart.series)):
            series.set(**series_look(index, line))
        drawn.title = chart.title
        drawn.category_axis.title = chart.x_title
        drawn.value_axis.title = chart.y_title
        drawn.legend.position = "bottom"
        self.native.plot_hidden_cells(drawn.api[1])


def series_look(index: int, series: ChartSeries) -> dict:
    """xlwings' `ChartSeries.set` arguments for the look the file writer gives a series."""
    colour = series_colour(index)
    if series.markers:
        return {"chart_type": MARKERS, "marker_style": "circle", "marker_size": MARKER_SIZE,
                "marker_foreground_color": colour, "marker_background_color": colour}
    return {"chart_type": LINES, "marker_style": "none", "line_color": colour}


class Windows:
    """Excel's COM object model (pywin32), as `sheet.page_setup.api` and `Range.api` give it."""

    LANDSCAPE, PORTRAIT = 2, 1  # xlLandscape, xlPortrait
    PAGE_BREAK_MANUAL = -4135  # xlPageBreakManual
    TEXT_PROPERTY = 4  # msoPropertyTypeString

    def set_up_paper(self, sheet, layout: PrintLayout) -> None:
        """Every PageSetup property, with Excel's printer communication off meanwhile
        (each property would otherwise talk to the printer driver)."""
        application = sheet.book.app.api
        application.PrintCommunication = False
        try:
            setup = sheet.page_setup.api
            setup.Orientation = self.LANDSCAPE if layout.orientation == LANDSCAPE else self.PORTRAIT
            if layout.fitted:
                setup.Zoom = False
                setup.FitToPagesWide = layout.pages_wide
                setup.FitToPagesTall = layout.pages_tall or False
            else:
                setup.Zoom = layout.scale
            setup.PrintTitleRows = layout.title_rows_reference()
            setup.PrintTitleColumns = layout.title_columns_reference()
            setup.LeftFooter, setup.RightFooter = layout.footer
            margins = layout.margins.points()
            setup.LeftMargin, setup.RightMargin = margins.left, margins.right
            setup.TopMargin, setup.BottomMargin = margins.top, margins.bottom
            setup.HeaderMargin, setup.FooterMargin = margins.header, margins.footer
        finally:
            application.PrintCommunication = True
        sheet.api.ResetAllPageBreaks()
        for column in layout.column_breaks:
            sheet.range((1, column)).api.EntireColumn.PageBreak = self.PAGE_BREAK_MANUAL
        for row in layout.row_breaks:
            sheet.range((row, 1)).api.EntireRow.PageBreak = self.PAGE_BREAK_MANUAL

    def add_series(self, chart, sheet_name: str, series: ChartSeries) -> None:
        added = chart.SeriesCollection().NewSeries()
        added.Name = "=" + sheet_reference(sheet_name, series.name_cell) if series.name_cell else series.name
        added.XValues = "=" + sheet_reference(sheet_name, series.x)
        added.Values = "=" + sheet_reference(sheet_name, series.y)

    def plot_hidden_cells(self, chart) -> None:
        chart.PlotVisibleOnly = False

    def set_properties(self, book, properties: Mapping[str, str]) -> None:
        """Office's DocumentProperties collection (`Item` counts from 1): a property there
        gets its new value, another is added as text."""
        custom = book.api.CustomDocumentProperties
        existing = {item.Name: item for item in map(custom.Item, range(1, custom.Count + 1))}
        for name, value in properties.items():
            if name in existing:
                existing[name].Value = value
            else:
                custom.Add(name, False, self.TEXT_PROPERTY, value)


class Mac:
    """Excel's AppleScript dictionary (appscript), as `sheet.page_setup.api` and
    `Range.api` give it."""

    def __init__(self):
        from appscript import k  # only on macOS: xlwings' own dependency there

        self.k = k

    def set_up_paper(self, sheet, layout: PrintLayout) -> None:
        setup, k = sheet.page_setup.api, self.k
        setup.page_orientation.set(k.landscape if layout.orientation == LANDSCAPE else k.portrait)
        if layout.fitted:
            setup.zoom.set(False)
            setup.fit_to_pages_wide.set(layout.pages_wide)
            setup.fit_to_pages_tall.set(layout.pages_tall or False)
        else:
            setup.zoom.set(layout.scale)
        setup.print_title_rows.set(layout.title_rows_reference())
        setup.print_title_columns.set(layout.title_columns_reference())
        setup.left_footer.set(layout.footer[0])
        setup.right_footer.set(layout.footer[1])
        margins = layout.margins.points()
        for name, points in margins._asdict().items():
            getattr(setup, f"{name}_margin").set(points)
        sheet.api.reset_all_page_breaks()
        for column in layout.column_breaks:
            sheet.range((1, column)).api.entire_column.page_break.set(k.page_break_manual)
        for row in layout.row_breaks:
            sheet.range((row, 1)).api.entire_row.page_break.set(k.page_break_manual)

    def add_series(self, chart, sheet_name: str, series: ChartSeries) -> None:
        k = self.k
        name = "=" + sheet_reference(sheet_name, series.name_cell) if series.name_cell else series.name
        chart.make(new=k.series, at=chart, with_properties={
            k.name: name,
            k.xvalues: "=" + sheet_reference(sheet_name, series.x),
            k.series_values: "=" + sheet_reference(sheet_name, series.y),
        })

    def plot_hidden_cells(self, chart) -> None:
        chart.plot_visible_only.set(False)

    def set_properties(self, book, properties: Mapping[str, str]) -> None:
        """The workbook's `custom document properties` elements, by name: one there gets
        its new value, another is made as text (`property type string`)."""
        workbook, k = book.api, self.k
        custom = workbook.custom_document_properties
        existing = set(custom.name.get())
        for name, value in properties.items():
            if name in existing:
                custom[name].value.set(value)
            else:
                workbook.make(new=k.custom_document_property, at=workbook, with_properties={
                    k.name: name, k.value: value, k.document_property_type: k.property_type_string})


def host_of(book) -> Host:
    """The host behind `book`: desktop Excel for a live book, else what the JSON book's
    client can run."""
    if is_json_book(book):
        callbacks = (book.impl.api.get(CLIENT) or {}).get("callbacks") or ()
        return GivebackClient(callbacks) if callbacks else Host()
    return DesktopExcel(Mac() if sys.platform == "darwin" else Windows())


def is_json_book(book) -> bool:
    """Whether `book` is what a JSON client sent (xlwings Server, xlwings Lite)."""
    return isinstance(getattr(book.impl, "api", None), dict)


def call_client(book, callback: str, *args) -> None:
    """Queue a call of one of giveback's client callbacks on this JSON book: xlwings'
    `runMacro` action, which its client runs as `callback(context, *args)`."""
    book.impl.append_json_action(func="runMacro", args=[callback, *args])


def office_layout(layout: PrintLayout) -> dict:
    """`layout` as `givebackPageLayout` takes it (Office.js' pageLayout: margins in points)."""
    return {
        "orientation": layout.orientation,
        "pages_wide": layout.pages_wide,
        "pages_tall": layout.pages_tall,
        "scale": layout.scale,
        "title_rows": layout.title_rows_reference(),
        "title_columns": layout.title_columns_reference(),
        "column_breaks": [f"{column_letter(column - 1)}1" for column in layout.column_breaks],
        "row_breaks": [f"A{row}" for row in layout.row_breaks],
        "footer": dict(zip(("left", "right"), layout.footer)),
        "margins": layout.margins.points()._asdict(),
    }


def office_chart(chart: Chart) -> dict:
    """`chart` as `givebackCharts` takes it: its cells from `from` to `to` (the anchor's
    last column and row are where it ends, not cells it covers), ranges on its sheet."""
    first_column, first_row, last_column, last_row = chart.anchor
    return {
        "title": chart.title,
        "x_title": chart.x_title,
        "y_title": chart.y_title,
        "from": f"{column_letter(first_column)}{first_row + 1}",
        "to": f"{column_letter(last_column - 1)}{last_row}",
        "series": [{"name": series.name, "x": series.x.replace("$", ""), "y": series.y.replace("$", ""),
                    "markers": series.markers, "marker_size": MARKER_SIZE, "color": series_colour(index)}
                   for index, series in enumerate(chart.series)],
    }
