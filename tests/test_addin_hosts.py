"""Every host writes the same book: the Options sheet's drop-down list, hidden rows,
formats and chart, and every output sheet's print setup, as the file the command line
writes carries them (read back with openpyxl).

- Excel on the web through giveback's client: the script's actions replayed on the
  book's JSON (`officejs.apply_actions`), giveback's callbacks recorded with what they
  were given; what those callbacks then do in Excel: tests/js, run under node with
  office-addin-mock, here and in test_addin_client.py.
- A JSON book from another client (xlwings Lite, xlwings' own `runPython`): what xlwings'
  own actions can do, and the legend saying what it could not.
- Desktop Excel: `addin.hosts`' COM and AppleScript calls against recording fakes.
"""

from __future__ import annotations

import asyncio
import copy
import json
import os
import subprocess
import sys

import openpyxl
import pytest
import xlwings as xw
import xlwings.server

from addin import scripts
from addin.book import BookReader, BookWriter
from addin.hosts import PROPERTIES_NOT_SET, DesktopExcel, GivebackClient, Host, Mac, Windows, host_of
from giveback import cli
from giveback.demo import COUNTS, LOTS, USAGE
from officejs import apply_actions, book_payload, client_payload, sheet_named, with_givebacks_client
from test_addin_client import JS_TESTS, node  # noqa: F401 (a fixture)
from workbook.close.record import PROPERTY_NAMES
from workbook.files.books import open_book
from workbook.files.newbook import input_book, save_new
from workbook.paper import NOT_SET_UP, print_layout
from workbook.reconcile import reconcile
from workbook.seam import ChartSeries
from workbook.sheets.options import INTRO, options_sheet
from workbook.sheets.schema import column_letter

OUTPUTS = ("Adjustments", "LoopTrace", "Summary", "Options", "Issues")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo's inputs as Office.js sends them, and the file the command line writes."""
    folder = tmp_path_factory.mktemp("hosts")
    source, target = folder / "demo.xlsx", folder / "demo.reconciled.xlsx"
    save_new(input_book({"Usage": USAGE, "Lots": LOTS, "Counts": COUNTS}), source)
    cli.main(["reconcile", str(source), "-o", str(target)])
    with open_book(source) as inputs:
        payload = book_payload({name: list(inputs.rows(name)) for name in inputs.sheet_names()})
    return payload, target


def run(payload: dict) -> tuple[dict, list[dict]]:
    book = xw.Book(json=copy.deepcopy(payload))
    asyncio.run(xlwings.server.custom_scripts_call(scripts, "reconcile", typehint_to_value={xw.Book: book}))
    actions = book.json()["actions"]
    return apply_actions(payload, actions), actions


# ---- what the file carries, in the shape the client callbacks take -----------------------


def layout_in_file(sheet) -> dict:
    """A sheet's print setup as `hosts.office_layout` describes one (scale only when not
    fitted)."""
    fitted = bool(sheet.sheet_properties.pageSetUpPr and sheet.sheet_properties.pageSetUpPr.fitToPage)
    setup, margins = sheet.page_setup, sheet.page_margins
    return {
        "orientation": setup.orientation,
        "pages_wide": int(setup.fitToWidth) if fitted else 0,
        "pages_tall": int(setup.fitToHeight) if fitted else 0,
        **({} if fitted else {"scale": int(setup.scale)}),
        "title_rows": sheet.print_title_rows or "",
        "title_columns": sheet.print_title_cols or "",
        "column_breaks": [f"{column_letter(brk.id)}1" for brk in sheet.col_breaks.brk],
        "row_breaks": [f"A{brk.id + 1}" for brk in sheet.row_breaks.brk],
        "footer": {"left": sheet.oddFooter.left.text, "right": sheet.oddFooter.right.text},
        "margins": {name: getattr(margins, name) * 72 for name in ("left", "right", "top", "bottom", "header", "footer")},
    }


def comparable(layout: dict) -> dict:
    return {key: value for key, value in layout.items() if not (key == "scale" and layout["pages_wide"])}


def charts_in_file(sheet) -> list[dict]:
    """A sheet's charts as `hosts.office_chart` describes one (a series' name as of
    writing: Office.js cannot link it to a cell)."""
    def text(title):
        return "".join(run.t for paragraph in title.tx.rich.p for run in paragraph.r)

    def local(reference):
        return reference.split("!")[-1].replace("$", "")

    found = []
    for chart in sheet._charts:
        start, end = chart.anchor._from, chart.anchor.to
        series = []
        for line in chart.series:
            markers = line.marker.symbol == "circle"
            fill = (line.marker.spPr if markers else line.spPr.ln).solidFill.srgbClr
            series.append({"name": line.tx.strRef.strCache.pt[0].v, "x": local(line.xVal.numRef.f),
                           "y": local(line.yVal.numRef.f), "markers": markers, "color": f"#{fill}",
                           **({"marker_size": line.marker.size} if markers else {})})
        found.append({"title": text(chart.title), "x_title": text(chart.x_axis.title), "y_title": text(chart.y_axis.title),
                      "from": f"{column_letter(start.col)}{start.row + 1}", "to": f"{column_letter(end.col - 1)}{end.row}",
                      "series": series})
    return found


def without_size_of_lines(charts: list[dict]) -> list[dict]:
    """A line series' marker size means nothing (it has no markers): left out."""
    return [{**chart, "series": [{key: value for key, value in series.items() if series["markers"] or key != "marker_size"}
                                 for series in chart["series"]]} for chart in charts]


def validations_in_file(sheet) -> dict:
    return {(cell.row, cell.column): validation.formula1
            for validation in sheet.data_validations.dataValidation for cell in _cells(sheet, str(validation.sqref))}


def _cells(sheet, sqref: str):
    for area in sqref.split():
        for row in sheet[area] if ":" in area else [[sheet[area]]]:
            yield from row


# ---- Excel on the web with giveback's client -------------------------------------------


def test_giveback_client_gets_the_files_drop_down_hidden_rows_formats_and_chart(demo):
    payload, target = demo
    after, _ = run(with_givebacks_client(payload))
    in_book, in_file = sheet_named(after, "Options"), openpyxl.load_workbook(target)["Options"]
    assert in_book["validations"] == validations_in_file(in_file) and in_book["validations"]
    assert in_book["hidden_rows"] == {row for row, dimension in in_file.row_dimensions.items() if dimension.hidden}
    assert {cell: f for cell, f in in_book["cell_formats"].items() if cell[0] < 33} == {
        (cell.row, cell.column): cell.number_format for row in in_file.iter_rows(max_row=32) for cell in row
        if cell.number_format != "General"}
    assert without_size_of_lines(in_book["client"]["givebackCharts"]) == charts_in_file(in_file)
    assert len(charts_in_file(in_file)) == 2  # the whole book's and the picked product's


@pytest.mark.parametrize("name", OUTPUTS)
def test_giveback_client_gets_every_sheets_print_setup_from_the_same_layout(demo, name):
    payload, target = demo
    after, _ = run(with_givebacks_client(payload))
    in_book, in_file = sheet_named(after, name), openpyxl.load_workbook(target)[name]
    assert comparable(in_book["client"]["givebackPageLayout"]) == layout_in_file(in_file)
    in_file_area = ",".join(area.split("!")[-1] for area in in_file.print_area.split(",")) if in_file.print_area else None
    assert (in_book.get("print_area") or None) == in_file_area
    assert NOT_SET_UP not in json.dumps(in_book["values"])


def test_a_rerun_replaces_the_chart_and_a_sheet_without_a_panel_loses_its_rows_list_and_chart(demo):
    payload, _ = demo
    once, _ = run(with_givebacks_client(payload))
    twice, actions = run(client_payload(once))
    assert len(sheet_named(twice, "Options")["charts"]) == 2
    assert not {"deleteChart", "addSheet"} & {action["func"] for action in actions}
    options = sheet_named(once, "Options")
    book = xw.Book(json=client_payload(once))
    writer = BookWriter(book)
    bare = options_sheet([], "'Summary'!$A$8:$A$8")  # no product with options: no panel
    writer.write([bare])
    emptied = sheet_named(apply_actions(once, book.json()["actions"]), "Options")
    assert options["hidden_rows"] and not emptied["hidden_rows"]
    assert options["validations"] and not emptied["validations"]
    assert emptied["client"]["givebackCharts"] == [] and emptied["charts"] == []
    assert emptied["print_area"] is None


@pytest.mark.parametrize("callbacks, notes", [
    ([], [NOT_SET_UP, "cannot draw the chart"]),  # xlwings Lite, xlwings' runPython
    (["givebackCharts"], [NOT_SET_UP]),  # an Excel with ExcelApi 1.8 but not 1.9
])
def test_a_host_that_cannot_says_so_in_the_legend_and_writes_the_rest(demo, callbacks, notes):
    payload, target = demo
    sent = with_givebacks_client(payload, {"callbacks": callbacks}) if callbacks else payload
    after, actions = run(sent)
    options = sheet_named(after, "Options")
    legend = options["values"][LEGEND][0]
    assert all(note in legend for note in notes)
    assert ("cannot draw the chart" in legend) == ("givebackCharts" not in callbacks)
    assert options["validations"] and options["hidden_rows"] and options["print_area"]
    in_file = openpyxl.load_workbook(target)["Options"]
    assert legend.startswith(in_file.cell(LEGEND + 1, 1).value)
    assert {action["args"][0] for action in actions if action["func"] == "runMacro"} == set(callbacks)


LEGEND = len(INTRO) - 1  # Options' last legend line, from 0: where a host's note goes


def test_the_legend_note_moves_no_row(demo):
    payload, target = demo
    after, _ = run(payload)
    with_note = sheet_named(after, "Options")["values"]
    in_file = openpyxl.load_workbook(target)["Options"]
    assert [row[0] for row in with_note[LEGEND + 1:]] == [
        in_file.cell(row, 1).value or "" for row in range(LEGEND + 2, len(with_note) + 1)]


def test_the_host_is_what_the_book_came_from(monkeypatch):
    assert type(host_of(xw.Book(json=book_payload({"Usage": []})))) is Host
    client = host_of(xw.Book(json=with_givebacks_client(book_payload({"Usage": []}))))
    assert isinstance(client, GivebackClient) and client.paper and client.charts
    live = type("Live", (), {"impl": object()})()
    monkeypatch.setattr(sys, "platform", "win32")
    assert isinstance(host_of(live), DesktopExcel) and isinstance(host_of(live).native, Windows)


# ---- the run record's document properties, on every host ---------------------------------


def record_in_file(path) -> dict:
    """The giveback_* custom document properties the command line's file carries."""
    return {prop.name: prop.value for prop in openpyxl.load_workbook(path).custom_doc_props
            if prop.name in PROPERTY_NAMES}


def test_giveback_client_sets_the_files_run_record_properties(demo):
    payload, target = demo
    after, actions = run(with_givebacks_client(payload))
    assert after["custom_properties"] == record_in_file(target) and set(after["custom_properties"]) == set(PROPERTY_NAMES)
    summary = sheet_named(after, "Summary")["values"]
    assert PROPERTIES_NOT_SET not in json.dumps(summary)


@pytest.mark.parametrize("callbacks", [[], ["givebackPageLayout", "givebackCharts"]],
                         ids=["xlwings' own client", "giveback's client before ExcelApi 1.7"])
def test_a_host_that_cannot_write_the_properties_says_so_on_summary(demo, callbacks):
    payload, _ = demo
    sent = with_givebacks_client(payload, {"callbacks": callbacks}) if callbacks else payload
    after, actions = run(sent)
    assert "custom_properties" not in after
    column_a = [row[0] for row in sheet_named(after, "Summary")["values"]]
    legend = column_a[:column_a.index("Reconciled")]  # the intro, above the run record
    assert legend[-2].endswith(PROPERTIES_NOT_SET)  # its last line (a blank row under it)
    assert all(PROPERTIES_NOT_SET not in json.dumps(sheet_named(after, name)["values"])
               for name in ("Adjustments", "LoopTrace", "Options"))


class FakeDocumentProperties:
    """Office's DocumentProperties over COM: `Count`, `Item(index from 1)`, `Add`."""

    def __init__(self, log: list, existing: dict):
        self.log = log
        self.items = [Recorder(log, f"property[{name}]", Name=name) for name in existing]

    @property
    def Count(self):  # noqa: N802 (COM's name)
        return len(self.items)

    def Item(self, index):  # noqa: N802
        return self.items[index - 1]

    def Add(self, *args):  # noqa: N802
        self.log.append(("Add", *args))


RECORD = {"giveback_version": "0.1.0", "giveback_rule": "book", "giveback_settings": '{"lot_order":"fifo"}',
          "giveback_fingerprint": "f45f0f04", "giveback_time": "2026-03-05T14:02:00Z"}


def test_desktop_windows_writes_the_run_record_through_com_keeping_the_users_properties():
    log: list = []
    properties = FakeDocumentProperties(log, {"Client": "ACME Ltd", "giveback_fingerprint": "old"})
    book = type("Book", (), {"api": type("Workbook", (), {"CustomDocumentProperties": properties})()})()
    DesktopExcel(Windows()).set_properties(book, RECORD)
    assert ("set", "property[giveback_fingerprint].Value", "f45f0f04") in log  # the previous run's, replaced
    added = [entry[1:] for entry in log if entry[0] == "Add"]
    assert added == [(name, False, Windows.TEXT_PROPERTY, value) for name, value in RECORD.items()
                     if name != "giveback_fingerprint"]
    assert not [entry for entry in log if "Client" in str(entry[1])]  # the user's own: untouched


class FakeAppleScriptProperties:
    """A workbook's `custom document properties` through appscript: `name.get()`, an
    element by name, its `value.set`, and the workbook's `make`."""

    def __init__(self, log: list, names: list[str]):
        self.log, self.names = log, names
        self.name = type("Names", (), {"get": lambda _: list(names)})()

    def __getitem__(self, name):
        return Recorder(self.log, f"custom[{name}]")


def test_desktop_mac_writes_the_run_record_through_applescript():
    log: list = []
    mac = Mac.__new__(Mac)
    mac.k = FakeAppscript()
    workbook = Recorder(log, "workbook", custom_document_properties=FakeAppleScriptProperties(log, ["giveback_rule"]))
    mac.set_properties(type("Book", (), {"api": workbook})(), RECORD)
    assert ("call", "custom[giveback_rule].value.set", ("book",), {}) in log
    made = [kwargs["with_properties"] for kind, path, args, kwargs in (e for e in log if e[0] == "call")
            if path == "workbook.make"]
    assert made == [{"k.name": name, "k.value": value, "k.document_property_type": "k.property_type_string"}
                    for name, value in RECORD.items() if name != "giveback_rule"]


# ---- desktop Excel: COM and AppleScript against recording fakes --------------------------


class Recorder:
    """Any object of Excel's object model: records every property set (by path) and call."""

    def __init__(self, log: list, path: str = "", **known):
        object.__setattr__(self, "_log", log)
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_known", known)

    def __getattr__(self, name):
        if name in self._known:
            return self._known[name]
        return Recorder(self._log, f"{self._path}.{name}")

    def __setattr__(self, name, value):
        self._log.append(("set", f"{self._path}.{name}", value))

    def __call__(self, *args, **kwargs):
        self._log.append(("call", self._path, args, kwargs))
        return Recorder(self._log, f"{self._path}()")


class FakeSheet:
    """What `addin.hosts` asks of an xlwings sheet on desktop Excel."""

    def __init__(self, name: str, log: list):
        self.name, self.log = name, log
        self.api = Recorder(log, "sheet")
        self.book = type("Book", (), {"app": type("App", (), {"api": Recorder(log, "app")})()})()
        self.page_setup = type("PageSetup", (), {"api": Recorder(log, "setup")})()
        self.charts = FakeCharts(log)

    def range(self, cell):
        row, column = cell
        return type("Range", (), {"api": Recorder(self.log, f"range{cell}"), "left": 50.0 * (column - 1),
                                  "top": 15.0 * (row - 1)})()


class FakeCharts(list):
    def __init__(self, log):
        super().__init__()
        self.log = log

    def add(self, left, top, width, height, style=227):
        chart = FakeChart(self.log, (left, top, width, height))
        self.append(chart)
        return chart


class FakeChart:
    def __init__(self, log, box):
        self.log, self.box = log, box
        self.native = Recorder(log, "chart")
        self.api = (Recorder(log, "chartobject"), self.native)
        self.category_axis, self.value_axis, self.legend = (Recorder(log, name) for name in ("x", "y", "legend"))
        self.looks: list[dict] = []

    @property
    def series(self):
        added = sum(1 for entry in self.log if entry[:2] == ("call", "chart.SeriesCollection().NewSeries"))
        return [type("Series", (), {"set": lambda _, **look: self.looks.append(look)})() for _ in range(added)]

    def __setattr__(self, name, value):
        if name == "title":
            self.log.append(("set", "chart.title", value))
        object.__setattr__(self, name, value)


def sets(log: list, prefix: str) -> dict:
    return {path[len(prefix):]: value for kind, path, value, *_ in log if kind == "set" and path.startswith(prefix)}


@pytest.fixture(scope="module")
def options(demo):
    """The demo's Options output, and the file's Options sheet."""
    payload, target = demo
    done = reconcile(BookReader(xw.Book(json=copy.deepcopy(payload))))
    output = next(sheet for sheet in done.sheets if sheet.name == "Options")
    return output, openpyxl.load_workbook(target)["Options"]


def test_desktop_windows_sets_the_files_page_setup_through_com(options):
    output, in_file = options
    log: list = []
    sheet = FakeSheet("Options", log)
    Windows().set_up_paper(sheet, print_layout(output))
    setup = sets(log, "setup.")
    expected = layout_in_file(in_file)
    assert setup["Orientation"] == Windows.LANDSCAPE and expected["orientation"] == "landscape"
    assert (expected["pages_wide"], setup["Zoom"]) == (0, expected["scale"])  # its row break: printed at a scale
    assert "FitToPagesWide" not in setup
    assert sets(log, "range") == {f"({row[1:]}, 1).EntireRow.PageBreak": -4135 for row in expected["row_breaks"]}
    assert (setup["PrintTitleRows"], setup["PrintTitleColumns"]) == (expected["title_rows"], expected["title_columns"])
    assert {"left": setup["LeftFooter"], "right": setup["RightFooter"]} == expected["footer"]
    assert {name: setup[f"{name.capitalize()}Margin"] for name in expected["margins"]} == expected["margins"]
    communication = [value for kind, path, value, *_ in log if path == "app.PrintCommunication"]
    assert communication == [False, True]  # off while setting, so Excel does not ask the printer each time
    assert ("call", "sheet.ResetAllPageBreaks", (), {}) in log


def test_desktop_windows_breaks_pages_where_the_layout_says(options):
    output, _ = options
    log: list = []
    layout = print_layout(output)._replace(pages_wide=0, column_breaks=(3, 6), title_columns=(1, 1), row_breaks=(22,))
    Windows().set_up_paper(FakeSheet("Options", log), layout)
    assert sets(log, "range") == {"(1, 3).EntireColumn.PageBreak": -4135, "(1, 6).EntireColumn.PageBreak": -4135,
                                  "(22, 1).EntireRow.PageBreak": -4135}
    setup = sets(log, "setup.")
    assert (setup["Zoom"], setup["PrintTitleColumns"]) == (layout.scale, "$A:$A") and "FitToPagesWide" not in setup


def test_desktop_windows_draws_the_files_chart(options):
    output, in_file = options
    log: list = []
    sheet = FakeSheet("Options", log)
    DesktopExcel(Windows()).draw_charts(sheet, output.panel.charts)
    [_, chart] = sheet.charts  # the whole book's, then the picked product's
    [_, expected] = charts_in_file(in_file)
    first_column, first_row, last_column, last_row = output.panel.charts[1].anchor
    assert chart.box == (0.0, 15.0 * first_row, 50.0 * last_column, 15.0 * (last_row - first_row))
    drawn = len(output.panel.charts[0].series)  # the whole book's series come first
    names, x, y = ([value for kind, path, value, *_ in log if path == f"chart.SeriesCollection().NewSeries().{what}"]
                   [drawn:] for what in ("Name", "XValues", "Values"))
    cells = [series.name_cell for series in output.panel.charts[1].series]
    assert names == [f"='Options'!{cell}" for cell in cells]  # linked to the cells, as in the file
    assert [value.split("!")[1].replace("$", "") for value in x] == [series["x"] for series in expected["series"]]
    assert [value.split("!")[1].replace("$", "") for value in y] == [series["y"] for series in expected["series"]]
    assert [look["chart_type"] for look in chart.looks] == ["xy_scatter_lines_no_markers", "xy_scatter"]
    assert [look.get("line_color", look.get("marker_background_color")) for look in chart.looks] == \
        [series["color"] for series in expected["series"]]
    assert ("set", "chart.title", expected["title"]) in log
    assert (sets(log, "x.")["title"], sets(log, "y.")["title"]) == (expected["x_title"], expected["y_title"])
    assert sets(log, "chart.")["PlotVisibleOnly"] is False  # the series read hidden rows


class FakeAppscript:
    """appscript's `k`: any keyword, by name."""

    def __getattr__(self, name):
        return f"k.{name}"


def test_desktop_mac_sets_the_same_page_setup_through_applescript(options):
    output, in_file = options
    log: list = []
    mac = Mac.__new__(Mac)
    mac.k = FakeAppscript()
    mac.set_up_paper(FakeSheet("Options", log), print_layout(output))
    calls = {path[len("setup."):-len(".set")]: args[0] for kind, path, *rest in log if kind == "call"
             and path.startswith("setup.") for args in [rest[0]]}
    expected = layout_in_file(in_file)
    assert calls["page_orientation"] == "k.landscape"
    assert (calls["zoom"], expected["scale"]) == (expected["scale"], 100) and "fit_to_pages_wide" not in calls
    assert (calls["print_title_rows"], calls["print_title_columns"]) == (expected["title_rows"], expected["title_columns"])
    assert {"left": calls["left_footer"], "right": calls["right_footer"]} == expected["footer"]
    assert {name: calls[f"{name}_margin"] for name in expected["margins"]} == expected["margins"]


def test_desktop_mac_makes_each_series_with_its_ranges():
    log: list = []
    mac = Mac.__new__(Mac)
    mac.k = FakeAppscript()
    chart = Recorder(log, "chart")
    series = ChartSeries("WIDGET", "$B$8:$X$8", "$B$9:$X$9", (), (), name_cell="$B$6")
    mac.add_series(chart, "Options", series)
    [(_, path, args, kwargs)] = [entry for entry in log if entry[0] == "call"]
    assert path == "chart.make" and kwargs["new"] == "k.series"
    assert kwargs["with_properties"] == {"k.name": "='Options'!$B$6", "k.xvalues": "='Options'!$B$8:$X$8",
                                         "k.series_values": "='Options'!$B$9:$X$9"}


# ---- what giveback's callbacks do in Excel (node, office-addin-mock) ---------------------


@pytest.mark.slow
def test_the_client_callbacks_give_excel_the_files_print_setup_and_chart(node, demo, tmp_path):  # noqa: F811
    payload, target = demo
    _, actions = run(with_givebacks_client(payload))
    calls = [action for action in actions if action["func"] == "runMacro"]
    (tmp_path / "calls.json").write_text(json.dumps(calls))
    done = subprocess.run([node, str(JS_TESTS / "replay.mjs"), str(tmp_path / "calls.json")], cwd=JS_TESTS,
                          capture_output=True, text=True, timeout=120, env=os.environ)
    assert done.returncode == 0, done.stderr
    replayed = json.loads(done.stdout)
    excel = replayed["sheets"]
    book = openpyxl.load_workbook(target)
    assert replayed["properties"] == record_in_file(target)  # the same run record, where other programs read it
    for name in OUTPUTS:
        page = excel[name]["pageLayout"]
        zoom = page["zoom"]
        seen = {
            "orientation": page["orientation"].lower(),
            "pages_wide": zoom.get("horizontalFitToPages", 0),
            "pages_tall": zoom.get("verticalFitToPages", 0),
            **({} if "horizontalFitToPages" in zoom else {"scale": zoom["scale"]}),
            "title_rows": page["printTitleRows"] or "",
            "title_columns": page["printTitleColumns"] or "",
            "column_breaks": excel[name]["verticalPageBreaks"],
            "row_breaks": excel[name]["horizontalPageBreaks"],
            "footer": {"left": page["leftFooter"], "right": page["rightFooter"]},
            "margins": {side: page[f"{side}Margin"] for side in ("left", "right", "top", "bottom", "header", "footer")},
        }
        assert seen == layout_in_file(book[name]), name
    for chart, expected in zip(excel["Options"]["charts"], charts_in_file(book["Options"]), strict=True):
        assert_drawn_as_in_file(chart, expected)


def assert_drawn_as_in_file(chart: dict, expected: dict) -> None:
    assert (chart["title"], chart["categoryTitle"], chart["valueTitle"]) == (expected["title"], expected["x_title"], expected["y_title"])
    assert (chart["from"], chart["to"], chart["plotVisibleOnly"], chart["legend"]) == (expected["from"], expected["to"], False, "Bottom")
    for drawn, series in zip(chart["series"], expected["series"], strict=True):
        assert (drawn["name"], drawn["x"], drawn["y"]) == (series["name"], series["x"], series["y"])
        assert drawn["chartType"] == ("XYScatter" if series["markers"] else "XYScatterLinesNoMarkers")
        assert drawn["color"] == series["color"]
