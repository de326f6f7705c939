"""What Excel's Office.js client sends and does, for tests without Excel.

`book_payload` builds the body xlwings' `getBookData()` (xlwings-server's
`static/js/custom-scripts/index.js`) posts for a workbook: empty cells as "", numbers as
JSON numbers, date-formatted cells as ISO strings ending in "Z", `used_range_address`
from A1's side, names of both scopes. `client_payload` is the part of it giveback's own
Reconcile sends (`static/js/giveback.js`), `excluded_payload` what xlwings' `exclude`
option sends. `apply_actions` replays the actions a script returns on a payload the way
the client's callbacks change the workbook (Excel's checks included: sheet names and
table ranges must not clash, a deleted sheet's references become `#REF!`), for the actions
giveback uses; any other action fails the test.
"""

from __future__ import annotations

import copy
import datetime as dt
import re

import xlwings as xw

from workbook.sheets.schema import INPUTS, column_letter
from workbook.close.edited import POSTED
from workbook.sheets.signoff import SCAN_ROWS
from workbook.xlsx.workbookpart import without_sheet_references


def cell_json(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%dT00:00:00.000Z")
    return value


def sheet_payload(name: str, rows: list[list]) -> dict:
    width = max((len(row) for row in rows), default=0)
    values = [[cell_json(row[i] if i < len(row) else None) for i in range(width)] for row in rows]
    address = f"A1:{column_letter(width - 1)}{len(rows)}" if rows and width else None
    return {
        "name": name,
        "visibility": "Visible",
        "show_gridlines": True,
        "print_area": None,
        "notes": [],
        "notes_supported": True,
        "used_range_address": address,
        "used_range_row_count": len(rows) if address else 0,
        "used_range_column_count": width if address else 0,
        "values": values if address else [[""]],
        "pictures": [],
        "shapes": [],
        "charts": [],
        "tables": [],
        "pivot_tables": [],
    }


def book_payload(sheets: dict[str, list[list]], name: str = "Reconcile.xlsx") -> dict:
    return {
        "client": "Office.js",
        "version": xw.__version__,
        "book": {"name": name, "active_sheet_index": 0, "selection": "A1", "calculation": "Automatic"},
        "names": [],
        "sheets": [sheet_payload(sheet, rows) for sheet, rows in sheets.items()],
    }


GIVEBACK_CLIENT = {"callbacks": ["givebackPageLayout", "givebackCharts", "givebackProperties"]}  # layout.js' clientCapabilities, ExcelApi 1.9


def with_givebacks_client(payload: dict, client: dict = GIVEBACK_CLIENT) -> dict:
    """`payload` as giveback's client sends it: with the callbacks this Excel can run."""
    return {**copy.deepcopy(payload), "giveback_client": client}


def runpython_payload(book: dict) -> dict:
    """What xlwings' `runPython` sends for `book`: every sheet with its values (without
    what `apply_actions` records beside them: formats, looks, widths)."""
    sent = copy.deepcopy(book)
    keys = sheet_payload("", []).keys()
    sent["sheets"] = [{key: value for key, value in sheet.items() if key in keys} for sheet in sent["sheets"]]
    return sent


def client_payload(book: dict, for_check: bool = False) -> dict:
    """What giveback's Reconcile (or Check) sends for `book`: xlwings' `getBookData` with
    `lazy` (every sheet's name, used range, tables, charts, print area and names, no
    values), then the values of the input sheets, found by name case- and
    blank-insensitively, and of Summary's first `SCAN_ROWS` rows (its run record and
    sign-off), Check's also After run's, RunRecord's and the first `POSTED` columns of
    Adjustments (its lines); and the callbacks it can run."""
    sent = with_givebacks_client(runpython_payload(book))
    checked = {"after run", "runrecord", "adjustments"} if for_check else set()
    wanted = {schema.sheet.casefold() for schema in INPUTS} | checked
    for sheet in sent["sheets"]:
        key = sheet["name"].strip().casefold()
        if key == "summary":
            sheet["values"] = sheet["values"][:SCAN_ROWS]
        elif key not in wanted:
            sheet["values"] = [[]]
        elif key == "adjustments":
            sheet["values"] = [row[:len(POSTED)] for row in sheet["values"]]
    return sent


def excluded_payload(book: dict, excluded: set[str]) -> dict:
    """What xlwings' `exclude` option sends: the excluded sheets without values, tables or
    the names scoped to them."""
    sent = copy.deepcopy(book)
    for index, sheet in enumerate(sent["sheets"]):
        if sheet["name"] in excluded:
            sheet.update(values=[[]], tables=[])
            sent["names"] = [n for n in sent["names"] if n["scope_sheet_index"] != index]
    return sent


# ---- replaying actions ---------------------------------------------------------------


def parse_address(address: str) -> tuple[int, int, int, int]:
    """'B2:C10' -> (row, column, last row, last column), 1-based; '1:1' -> whole row."""
    def cell(text):
        match = re.fullmatch(r"\$?([A-Z]*)\$?(\d*)", text.upper())
        letters, digits = match.groups()
        column = 0
        for letter in letters:
            column = column * 26 + ord(letter) - 64
        return (int(digits) if digits else None), (column or None)
    first, _, last = address.partition(":")
    (r1, c1), (r2, c2) = cell(first), cell(last or first)
    return r1 or 1, c1 or 1, r2 or 1_048_576, c2 or 16_384


def set_values(sheet: dict, row: int, column: int, values: list[list]) -> None:
    grid = sheet["values"]
    if grid == [[""]] and sheet["used_range_address"] is None:
        grid.clear()
    height = row + len(values)
    width = column + max(len(r) for r in values)
    current_width = max((len(r) for r in grid), default=0)
    for r in grid:
        r.extend([""] * (max(width - 1, current_width) - len(r)))
    while len(grid) < height - 1:
        grid.append([""] * max(width - 1, current_width))
    for i, new_row in enumerate(values):
        for j, value in enumerate(new_row):
            grid[row - 1 + i][column - 1 + j] = "" if value is None else value
    sheet["used_range_address"] = f"A1:{column_letter(len(grid[0]) - 1)}{len(grid)}"


def apply_actions(payload: dict, actions: list[dict]) -> dict:
    """A copy of `payload` with the actions replayed; the formats, tables, frozen panes,
    names, formulas, hidden rows, drop-down lists, print areas and giveback's client
    calls they set are recorded on each sheet (`formats`, `tables`, `frozen`, ...)."""
    book = copy.deepcopy(payload)
    for action in actions:
        REPLAY[action["func"]](book, action)
    return book


def _sheet(book, action):
    return book["sheets"][action["sheet_position"]]


def _add_sheet(book, action):
    position, name = action["args"]
    assert name.casefold() not in {s["name"].casefold() for s in book["sheets"]}, f"Excel refuses a second {name!r}"
    book["sheets"].insert(position, sheet_payload(name, []))


def _set_values(book, action):
    set_values(_sheet(book, action), action["start_row"] + 1, action["start_column"] + 1, action["values"])


def _clear_contents(book, action):
    sheet = _sheet(book, action)
    sheet["values"] = [["" for _ in row] for row in sheet["values"]]


def _delete(book, action):
    position = action["sheet_position"]
    gone = book["sheets"].pop(position)["name"]
    names = [n for n in book["names"] if n["scope_sheet_index"] != position]
    for name in names:
        if name["scope_sheet_index"] is not None and name["scope_sheet_index"] > position:
            name["scope_sheet_index"] -= 1
        name["refers_to"] = without_sheet_references(name["refers_to"], {gone.casefold()})
    book["names"] = names


def _name_delete(book, action):
    _, _, name, _, book_scope, scope_index = action["args"]
    [found] = [n for n in book["names"] if n["name"] == name and n["book_scope"] == book_scope
               and (book_scope or n["scope_sheet_index"] == scope_index)]
    book["names"].remove(found)


def _names_add(book, action):
    name, refers_to = action["args"]
    sheet = None if action["sheet_position"] is None else _sheet(book, action)
    book["names"].append({
        "name": name, "refers_to": refers_to, "type": "String", "sheet_index": None, "address": None,
        "scope_sheet_name": sheet["name"] if sheet else None,
        "scope_sheet_index": action["sheet_position"], "book_scope": sheet is None,
    })


def _add_table(book, action):
    address, has_headers, style, name = action["args"]
    sheet = _sheet(book, action)
    assert not sheet["tables"], f"Excel refuses a table overlapping {sheet['name']}'s table"
    sheet["tables"].append({"name": name, "range_address": address, "table_style": style})


def _resize_table(book, action):
    index, address = action["args"]
    _sheet(book, action)["tables"][index]["range_address"] = address


def _number_format(book, action):
    """Recorded by column under `formats`, and by cell under `cell_formats`."""
    sheet = _sheet(book, action)
    sheet.setdefault("formats", {})[action["start_column"] + 1] = action["args"][0]
    for row, column in _cells(action):
        sheet.setdefault("cell_formats", {})[(row, column)] = action["args"][0]


def _cells(action):
    """The (row, column) of each cell of the action's range, from 1."""
    return [(action["start_row"] + 1 + i, action["start_column"] + 1 + j)
            for i in range(action["row_count"]) for j in range(action["column_count"])]


def _set_formula(book, action):
    """Formulas go in as their text (Excel would compute them); recorded under `formulas`."""
    sheet = _sheet(book, action)
    set_values(sheet, action["start_row"] + 1, action["start_column"] + 1, action["values"])
    for i, row in enumerate(action["values"]):
        for j, value in enumerate(row):
            if isinstance(value, str) and value.startswith("="):
                sheet.setdefault("formulas", {})[(action["start_row"] + 1 + i, action["start_column"] + 1 + j)] = value


def _row_hidden(book, action):
    sheet = _sheet(book, action)
    rows = range(action["start_row"] + 1, action["start_row"] + 1 + action["row_count"])
    hidden = set(sheet.get("hidden_rows", ()))
    sheet["hidden_rows"] = hidden | set(rows) if action["args"][0] else hidden - set(rows)


def _validation_list(book, action):
    """Recorded by cell under `validations`, as `'Summary'!$A$5:$A$9`."""
    source, _ = action["args"]
    assert source["type"] == "range", source
    named = book["sheets"][source["sheet_position"]]["name"].replace("'", "''")
    first = f"${column_letter(source['start_column'])}${source['start_row'] + 1}"
    last = f"${column_letter(source['start_column'] + source['column_count'] - 1)}${source['start_row'] + source['row_count']}"
    for cell in _cells(action):
        _sheet(book, action).setdefault("validations", {})[cell] = f"'{named}'!{first}:{last}"


def _delete_validation(book, action):
    validations = _sheet(book, action).get("validations", {})
    for cell in _cells(action):
        validations.pop(cell, None)


def _print_area(book, action):
    _sheet(book, action)["print_area"] = action["args"][0]


def _delete_chart(book, action):
    _sheet(book, action)["charts"].pop(action["args"][0])


def _run_macro(book, action):
    """giveback's client callbacks (static/js/layout.js), by name: recorded on the sheet
    they name under `client`; `givebackCharts` also replaces the sheet's charts;
    `givebackProperties` sets the book's `custom_properties` (the user's kept)."""
    if action["args"][0] == "givebackProperties":
        _, properties = action["args"]
        book.setdefault("custom_properties", {}).update(properties)
        return
    callback, sheet_name, description = action["args"]
    assert callback in {"givebackPageLayout", "givebackCharts"}, callback
    sheet = sheet_named(book, sheet_name)
    sheet.setdefault("client", {})[callback] = description
    if callback == "givebackCharts":
        sheet["charts"] = [{"name": f"Chart {i}", **chart} for i, chart in enumerate(description, 1)]


def _column_width(book, action):
    sheet = _sheet(book, action)
    sheet.setdefault("widths", {})[action["start_column"] + 1] = action["args"][0]


def _freeze(book, action):
    _sheet(book, action)["frozen"] = action["args"][0]


def _unfreeze(book, action):
    _sheet(book, action)["frozen"] = None


def _look(key):
    """An action that only changes how cells look: recorded by range under `looks`."""
    def replay(book, action):
        cells = (action["start_row"] + 1, action["start_column"] + 1, action["row_count"], action["column_count"])
        _sheet(book, action).setdefault("looks", []).append((key, cells, action["args"]))
    return replay


def _visibility(book, action):
    _sheet(book, action)["visibility"] = action["args"][0]


def _alert(book, action):
    prompt, title, buttons, mode, _ = action["args"]
    book.setdefault("alerts", []).append({"prompt": prompt, "title": title, "mode": mode})


REPLAY = {
    "addSheet": _add_sheet,
    "setSheetVisibility": _visibility,
    "alert": _alert,
    "setValues": _set_values,
    "sheetClearContents": _clear_contents,
    "sheetDelete": _delete,
    "namesAdd": _names_add,
    "nameDelete": _name_delete,
    "addTable": _add_table,
    "resizeTable": _resize_table,
    "setNumberFormat": _number_format,
    "setColumnWidth": _column_width,
    "freezePaneAtRange": _freeze,
    "freezePaneUnfreeze": _unfreeze,
    "setFontProperty": _look("font"),
    "addNote": _look("note"),
    "rangeMerge": _look("merge"),
    "rangeUnmerge": _look("unmerge"),
    "setFormula": _set_formula,
    "setRowHidden": _row_hidden,
    "setDataValidationList": _validation_list,
    "deleteDataValidation": _delete_validation,
    "setPrintArea": _print_area,
    "deleteChart": _delete_chart,
    "runMacro": _run_macro,
    "setRowHeight": _look("height"),
    "setWrapText": _look("wrap"),
}


def rename_sheet(book: dict, old: str, new: str) -> None:
    """The user renames a sheet: Excel rewrites the references to it in names."""
    sheet_named(book, old)["name"] = new
    old_quoted, quoted = (re.escape(old.replace("'", "''")), "'" + new.replace("'", "''") + "'!")
    reference = re.compile(rf"(?:'{old_quoted}'|\b{re.escape(old)})!")
    for name in book["names"]:
        name["refers_to"] = reference.sub(lambda _: quoted, name["refers_to"] or "")
        if name["scope_sheet_name"] == old:
            name["scope_sheet_name"] = new


def copy_sheet(book: dict, name: str, copy_name: str) -> None:
    """Excel's Move or Copy of sheet `name`, at the end: the copy gets the names scoped to
    the original, and sheet-scoped copies of the workbook's names that refer to it."""
    index = next(i for i, sheet in enumerate(book["sheets"]) if sheet["name"] == name)
    duplicate = copy.deepcopy(book["sheets"][index]) | {"name": copy_name, "tables": []}
    book["sheets"].append(duplicate)
    position = len(book["sheets"]) - 1
    for defined in list(book["names"]):
        scoped = defined["scope_sheet_index"] == index
        refers = defined["book_scope"] and name in (defined["refers_to"] or "")
        if scoped or refers:
            book["names"].append(defined | {
                "refers_to": (defined["refers_to"] or "").replace(f"'{name}'!", f"'{copy_name}'!"),
                "scope_sheet_name": copy_name, "scope_sheet_index": position, "book_scope": False,
            })


def sheet_named(book: dict, name: str) -> dict:
    return next(sheet for sheet in book["sheets"] if sheet["name"] == name)


def file_payload(path) -> dict:
    """What Office.js would send for the workbook file at `path`: every sheet's values,
    the names of both scopes (`refers_to` as Excel's formula, `='Adjustments'!$A$1`) and
    tables."""
    import openpyxl

    from workbook.files.books import open_book

    with open_book(path) as book:
        payload = book_payload({name: list(book.rows(name)) for name in book.sheet_names()})
    workbook = openpyxl.load_workbook(path)
    for name, defined in workbook.defined_names.items():
        payload["names"].append({
            "name": name, "refers_to": "=" + defined.attr_text, "type": "Range",
            "sheet_index": None, "address": None,
            "scope_sheet_name": None, "scope_sheet_index": None, "book_scope": True,
        })
    for index, (sheet, sent) in enumerate(zip(workbook.worksheets, payload["sheets"])):
        for name, defined in sheet.defined_names.items():
            payload["names"].append({
                "name": name, "refers_to": "=" + defined.attr_text, "type": "String",
                "sheet_index": None, "address": None,
                "scope_sheet_name": sheet.title, "scope_sheet_index": index, "book_scope": False,
            })
        sent["tables"] = [{"name": name, "range_address": ref} for name, ref in sheet.tables.items()]
    return payload
