"""The real xlwings Server app, serving `addin/server`, under uvicorn on 127.0.0.1: the
JSON Excel's Office.js client posts, and what comes back.

xlwings Server falls back to its own empty `custom_functions` module, without an error,
when the project's package cannot be imported; the metadata test catches that."""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import xlwings as xw

from workbook.close.record import PROPERTY_NAMES
from workbooks import table_of
from officejs import apply_actions, book_payload, runpython_payload, sheet_named, with_givebacks_client

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ROOT / "addin" / "server"
SEED = [[2], [4], [4], [-10], [3], [-3]]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "uvicorn.log"
    env = {
        **os.environ,
        "XLWINGS_PROJECT_DIR": str(PROJECT),
        "XLWINGS_ENABLE_SOCKETIO": "false",
        "XLWINGS_LICENSE_KEY": "noncommercial",
    }
    with open(log, "w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "xlwings_server.main:main_app", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process, log)
        with httpx.Client(base_url=base, timeout=30) as client:
            yield client
    finally:
        process.terminate()
        process.wait(timeout=10)


def wait_until_up(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"xlwings Server exited:\n{log.read_text()}")
        try:
            httpx.get(f"{base}/xlwings/custom-functions-meta", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail(f"xlwings Server did not start:\n{log.read_text()}")


def function_call(func_name, *args):
    """The body Office.js' custom-functions-code.js posts for one formula."""
    return {
        "client": "Office.js",
        "func_name": func_name,
        "args": list(args),
        "caller_address": "[Reconcile.xlsx]Sheet1!D2",
        "session_id": "test-session",
        "culture_info_name": "en-US",
        "date_format": "M/d/yyyy",
        "version": xw.__version__,
        "runtime": "1.4",
    }


def test_the_server_loaded_our_functions_and_scripts(server):
    functions = server.get("/xlwings/custom-functions-meta").json()["functions"]
    assert {f["name"] for f in functions} == {
        "RECOMMEND_ADJ", "USAGE_CASE", "NET_UNALLOCATED", "GIVEBACK_LOOPS", "GIVEBACK_TRACE", "GIVEBACK_OPTIONS",
    }
    usage = next(f for f in functions if f["id"] == "RECOMMEND_ADJ")["parameters"][0]
    assert usage["description"].startswith("One column or one row of signed")
    scripts = server.get("/xlwings/custom-scripts-meta").json()
    assert {s["function_name"] for s in scripts} >= {"reconcile", "check", "clear_results", "new_template"}


def test_recommend_adj_spills_the_seed_adjustment(server):
    response = server.post("/xlwings/custom-functions-call", json=function_call("recommend_adj", SEED, [[None]], [[None]], [[None]]))
    assert response.status_code == 200
    assert response.json() == {"result": [[7, "On"], [-7, "Off"]]}


def test_a_text_cell_is_http_400_with_the_message(server):
    usage = [[2], [4], ["abc"], [-10]]
    response = server.post("/xlwings/custom-functions-call", json=function_call("recommend_adj", usage, [[None]], [[None]], [[None]]))
    assert response.status_code == 400
    assert "usage cell 3 (row 3 of the range) is text (abc), not a number" in response.text


def test_the_manifest_has_the_give_back_tab_with_four_buttons(server):
    manifest = server.get("/manifest").text
    assert 'DefaultValue="Give-Back"' in manifest
    # Office.js prefixes the functions: =GIVEBACK.RECOMMEND_ADJ(B2:B7)
    assert '<bt:String id="Functions.Namespace" DefaultValue="GIVEBACK" />' in manifest
    for function in ("giveback-reconcile", "giveback-check", "giveback-clear-results", "giveback-new-template"):
        assert f"<FunctionName>{function}</FunctionName>" in manifest
    labels = re.findall(r'<bt:String id="(\w+)Button.Label" DefaultValue="([^"]+)" />', manifest)
    assert labels == [("Reconcile", "Reconcile"), ("Check", "Check"), ("ClearResults", "Clear results"),
                      ("NewTemplate", "New template")]
    main_js = server.get("/static/js/main.js").text
    assert 'Office.actions.associate("giveback-reconcile", ribbonCommand("reconcile"))' in main_js
    assert 'Office.actions.associate("giveback-check", ribbonCommand("check"))' in main_js


def test_the_served_modules_export_what_the_buttons_import(server):
    """main.js imports giveback.js and xlwings-server's own modules by relative path: each
    must be served, and export the names imported."""
    main_js = server.get("/static/js/main.js").text
    imports = re.findall(r'import \{([^}]*)\} from "\./([^"]+)";', main_js)
    assert {path for _, path in imports} >= {"giveback.js", "custom-scripts/workbook-metadata.js", "utils.js"}
    for names, path in imports:
        served = server.get(f"/static/js/{path}")
        assert served.status_code == 200, path
        for name in (name.strip() for name in names.split(",")):
            assert re.search(rf"^export (async function|function|const|let|class) {name}\b", served.text, re.M), (path, name)


def test_the_task_pane_buttons_run_givebacks_client(server):
    pane = server.get("/taskpane.html").text
    for script in ("reconcile", "check", "clear_results", "new_template"):
        assert f'data-giveback-script="{script}"' in pane
    assert "xw-click" not in pane  # xlwings' own binding would send every sheet


def test_the_reconcile_script_returns_actions_that_write_the_adjustments(server):
    usage = [["Product", "Quantity", "Reference"]] + [["NUT-5", q, f"NZ-{i}"] for i, (q,) in enumerate(SEED, 1)]
    payload = book_payload({"Usage": usage})
    response = server.post("/xlwings/custom-scripts-call/reconcile", json=payload)
    assert response.status_code == 200, response.text
    after = apply_actions(payload, response.json()["actions"])
    header, *adjustments = table_of(sheet_named(after, "Adjustments")["values"])
    assert [[row[0], row[2], row[3]] for row in adjustments] == [["NUT-5", "On", 7], ["NUT-5", "Off", -7]]
    assert [s["name"] for s in after["sheets"]] == ["Usage", "Adjustments", "LoopTrace", "Summary", "Options",
                                                    "RunRecord"]


def test_the_check_script_answers_with_an_alert_naming_the_changed_cell(server):
    usage = [["Product", "Quantity", "Reference"]] + [["NUT-5", q, f"NZ-{i}"] for i, (q,) in enumerate(SEED, 1)]
    payload = book_payload({"Usage": usage})
    actions = server.post("/xlwings/custom-scripts-call/reconcile", json=payload).json()["actions"]
    reconciled = runpython_payload(apply_actions(payload, actions))  # what Excel sends back: values, no looks
    current = server.post("/xlwings/custom-scripts-call/check", json=reconciled).json()["actions"]
    assert [(a["func"], a["args"][0].split(":")[0], a["args"][1]) for a in current] == [
        ("alert", "current", "Give-Back: Check")]
    sheet_named(reconciled, "Usage")["values"][3][1] = 6  # Usage!B4: 4 -> 6
    stale = server.post("/xlwings/custom-scripts-call/check", json=reconciled).json()["actions"]
    assert stale[0]["args"][0].startswith("stale: 1 cell edited")
    assert "Usage!B4 changed from 4 to 6 (NUT-5)" in stale[0]["args"][0]


def test_giveback_client_gets_its_print_setup_and_chart_calls_over_http(server):
    """The book as giveback's client sends it (with the callbacks it can run): the
    actions carry each sheet's print setup and the Options chart for those callbacks,
    and the Options panel through xlwings' own actions."""
    usage = [["Product", "Quantity", "Reference"]] + [["NUT-5", q, f"NZ-{i}"] for i, (q,) in enumerate(SEED, 1)]
    payload = with_givebacks_client(book_payload({"Usage": usage}))
    response = server.post("/xlwings/custom-scripts-call/reconcile", json=payload)
    assert response.status_code == 200, response.text
    actions = response.json()["actions"]
    *calls, properties = [action["args"] for action in actions if action["func"] == "runMacro"]
    assert [(name, sheet) for name, sheet, _ in calls] == [
        ("givebackPageLayout", "Adjustments"), ("givebackPageLayout", "LoopTrace"), ("givebackPageLayout", "Summary"),
        ("givebackCharts", "Options"), ("givebackPageLayout", "Options")]
    assert properties[0] == "givebackProperties" and set(properties[1]) == set(PROPERTY_NAMES)  # the run record, last
    options = sheet_named(apply_actions(payload, actions), "Options")
    assert options["validations"] and options["hidden_rows"] and options["print_area"]
    header = re.match(r"\$A\$(\d+):", options["tables"][0]["range_address"]).group(1)  # the table's first row
    assert options["client"]["givebackPageLayout"]["title_rows"] == f"${header}:${header}"


def test_a_script_error_reaches_excel_as_its_message(server):
    payload = book_payload({"Sheet1": [["Product", "Qty"], ["A", 1]]})
    response = server.post("/xlwings/custom-scripts-call/reconcile", json=payload)
    assert response.status_code == 400
    assert "no Usage sheet" in response.text
