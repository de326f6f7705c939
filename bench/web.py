"""Excel on the web benchmark: what Reconcile passes between Excel, the add-in and xlwings
Server for 1k to 200k Usage rows, on a first run and on a re-run, against Excel on the
web's 5 MB a request, beside xlwings' runPython as the add-in used it before (every
sheet's values and formats in one request) measured in the same run.

    make web                  # or: .venv/bin/python bench/web.py [--sizes 1k 10k 50k 200k] [--repeat 7]

For each book (the scale benchmark's Usage rows, `make_books.usage_rows`, as Office.js
sends them: `tests/officejs.py`) it measures:

- Excel -> add-in: the requests that read the workbook. giveback's client (static/js/
  giveback.js) reads the metadata (`lazy`), then the input sheets in requests of
  `CELLS_PER_READ` cells: the largest is shown, values and number formats as Excel returns
  them. Before, one request carried every sheet.
- add-in -> xlwings Server: the HTTP request (the book), and back the response (the
  actions); add-in -> Excel: the largest action (one `setValues` block), one request each.
- seconds: the script in this process, as xlwings Server runs it (`xw.Book(json=...)`,
  `custom_scripts_call`, `book.json()`), wall clock and CPU, and the whole HTTP round trip
  to the real xlwings Server under uvicorn on 127.0.0.1 (JSON both ways included). Each
  is the fastest of --repeat runs: on a machine shared with other work the slower runs
  measure that work, not this (as `timeit` advises).

Goals (issue 13): a re-run sends no more than a first run; first runs and re-runs at
50,000 rows within every limit; a re-run at 50,000 rows under 1.5 s in-process.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT), str(ROOT / "tests")]
os.environ.setdefault("XLWINGS_ON_SERVER", "true")  # before xlwings is imported: xw.Book(json=...)
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import httpx  # noqa: E402
import xlwings as xw  # noqa: E402
import xlwings.server  # noqa: E402

import make_books  # noqa: E402
from addin import scripts  # noqa: E402
from officejs import apply_actions, book_payload, client_payload, runpython_payload  # noqa: E402

SIZES = {"1k": 1_000, "10k": 10_000, "50k": 50_000, "200k": 200_000}
LIMIT = 5_000_000  # Excel on the web: each request and response between add-in and Excel
GOAL_SIZE, GOAL_SECONDS = "50k", 1.5
CLIENT_JS = ROOT / "addin" / "server" / "static" / "js" / "giveback.js"
CELLS_PER_READ = int(re.search(r"export const CELLS_PER_READ = (\d+);", CLIENT_JS.read_text()).group(1))
DATE_FORMAT = "m/d/yyyy"
EPOCH = dt.datetime(1899, 12, 30)


# ---- what crosses each boundary ----------------------------------------------------


def size(value) -> int:
    return len(json.dumps(value, separators=(",", ":")))


def excel_response(rows: list[list]) -> int:
    """Bytes of a range read as Excel returns it: values (a date as its serial number)
    and number formats."""
    values, formats = [], []
    for row in rows:
        dates = [isinstance(v, str) and v.endswith("Z") and len(v) == 24 for v in row]
        values.append([serial(v) if date else v for v, date in zip(row, dates)])
        formats.append([DATE_FORMAT if date else "General" for date in dates])
    return size(values) + size(formats)


def serial(iso: str) -> float:
    return (dt.datetime.fromisoformat(iso[:-1]) - EPOCH) / dt.timedelta(days=1)


def metadata(book: dict) -> int:
    """Bytes of what `getBookData` with `lazy` returns: the book without any values."""
    return size({**book, "sheets": [{**sheet, "values": [[]]} for sheet in book["sheets"]]})


def client_reads(book: dict) -> list[int]:
    """Response sizes of giveback's reads: the metadata, then each chunk of each input."""
    sent = client_payload(book)
    reads = [metadata(sent)]
    for sheet in sent["sheets"]:
        values = sheet["values"]
        if values != [[]]:
            step = max(1, CELLS_PER_READ // max(len(values[0]), 1))
            reads += [excel_response(values[start : start + step]) for start in range(0, len(values), step)]
    return reads


def runpython_read(book: dict) -> int:
    """xlwings' runPython before: every sheet's values and formats in one response."""
    sent = runpython_payload(book)
    return metadata(sent) + sum(excel_response(sheet["values"]) for sheet in sent["sheets"])


def largest_write(actions: list[dict]) -> int:
    return max(size(action) for action in actions)


# ---- timing ----------------------------------------------------------------------------


def in_process(body: str) -> tuple[float, tuple[float, list[dict]]]:
    """The script as xlwings Server runs it on the posted JSON (parsed outside the clock):
    (wall seconds, (CPU seconds, actions))."""
    payload = json.loads(body)
    started, cpu = time.perf_counter(), time.process_time()
    book = xw.Book(json=payload)
    asyncio.run(xlwings.server.custom_scripts_call(scripts, "reconcile", typehint_to_value={xw.Book: book}))
    actions = book.json()["actions"]
    return time.perf_counter() - started, (time.process_time() - cpu, actions)


def over_http(client: httpx.Client, body: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.post("/xlwings/custom-scripts-call/reconcile", content=body,
                           headers={"Content-Type": "application/json"})
    seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"xlwings Server answered {response.status_code}: {response.text[:500]}")
    return seconds, len(response.content)


def fastest(function, *args, repeat: int) -> tuple[float, object]:
    return min((function(*args) for _ in range(repeat)), key=lambda run: run[0])


def measure(book: dict, client: httpx.Client, repeat: int) -> dict:
    body, before = json.dumps(client_payload(book)), json.dumps(runpython_payload(book))
    seconds, (cpu, actions) = fastest(in_process, body, repeat=repeat)
    before_seconds, _ = fastest(in_process, before, repeat=repeat)
    http_seconds, response = fastest(over_http, client, body, repeat=repeat)
    return {
        "reads": client_reads(book), "read_before": runpython_read(book),
        "request": len(body), "request_before": len(before), "response": response,
        "largest_write": largest_write(actions), "seconds": seconds, "cpu": cpu,
        "seconds_before": before_seconds, "http_seconds": http_seconds, "actions": actions,
    }


def bench(rows: int, client: httpx.Client, repeat: int) -> dict:
    """The first run on the Usage rows alone, then the re-run on the book it wrote."""
    first = book_payload({"Usage": [list(row) for row in make_books.usage_rows(rows)]})
    once = measure(first, client, repeat)
    rerun = measure(apply_actions(first, once["actions"]), client, repeat)
    return {"first": once, "rerun": rerun}


# ---- xlwings Server ------------------------------------------------------------------------


class Server:
    """The real xlwings Server serving addin/server, under uvicorn on a free local port."""

    def __enter__(self) -> httpx.Client:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        env = {**os.environ, "XLWINGS_PROJECT_DIR": str(ROOT / "addin" / "server"),
               "XLWINGS_ENABLE_SOCKETIO": "false", "XLWINGS_LICENSE_KEY": "noncommercial"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "xlwings_server.main:main_app", "--host", "127.0.0.1",
             "--port", str(port), "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=600)
        for _ in range(150):
            try:
                self.client.get("/xlwings/custom-scripts-meta")
                return self.client
            except httpx.TransportError:
                time.sleep(0.2)
        self.__exit__()
        raise SystemExit("xlwings Server did not start")

    def __exit__(self, *exc) -> None:
        self.client.close()
        self.process.terminate()
        self.process.wait(timeout=10)


# ---- the table -----------------------------------------------------------------------------


def mb(n: int) -> str:
    return f"{n / 1e6:.2f}"


HEADER = ["usage rows", "run", "Excel->add-in reads", "largest read MB (before)", "HTTP request MB (before)",
          "HTTP response MB", "largest write MB", "in-process s (before)", "in-process CPU s", "HTTP s"]


def table_rows(label: str, result: dict) -> list[list[str]]:
    lines = []
    for run in ("first", "rerun"):
        r = result[run]
        lines.append([label if run == "first" else "", "first run" if run == "first" else "re-run",
                      str(len(r["reads"])), f"{mb(max(r['reads']))} ({mb(r['read_before'])})",
                      f"{mb(r['request'])} ({mb(r['request_before'])})", mb(r["response"]),
                      mb(r["largest_write"]), f"{r['seconds']:.2f} ({r['seconds_before']:.2f})",
                      f"{r['cpu']:.2f}", f"{r['http_seconds']:.2f}"])
    return lines


def print_table(results: dict[str, dict]) -> None:
    lines = [line for label, result in results.items() for line in table_rows(f"{SIZES[label]:,}", result)]
    print("| " + " | ".join(HEADER) + " |")
    print("|" + "|".join("---" for _ in HEADER) + "|")
    for line in lines:
        print("| " + " | ".join(line) + " |")
    print()
    print(f"Excel on the web's limit: {mb(LIMIT)} MB a request or response; reads of {CELLS_PER_READ:,} cells.")
    for said in goals(results):
        print(said)


def goals(results: dict[str, dict]) -> list[str]:
    said = []
    for label, result in results.items():
        first, rerun = result["first"], result["rerun"]
        cells = len(first["reads"]) - 1
        same = rerun["reads"][1:] == first["reads"][1:]
        said.append(f"{label}: the re-run reads the same {cells} requests of cells as the first run, none of the "
                    f"output sheets' cells: {'met' if same else 'NOT met'}; its HTTP request is "
                    f"{rerun['request'] - first['request']:,} bytes larger (the output sheets' names, tables, used ranges)")
    if GOAL_SIZE in results:
        result = results[GOAL_SIZE]
        largest = max(max(r["reads"] + [r["largest_write"]]) for r in result.values())
        said.append(f"{GOAL_SIZE}: largest Office.js request or response {mb(largest)} MB (limit {mb(LIMIT)}): "
                    f"{'met' if largest < LIMIT else 'NOT met'}")
        rerun = result["rerun"]
        verdict = ("met" if rerun["seconds"] < GOAL_SECONDS else
                   "met in CPU time, not in wall time on this machine's load" if rerun["cpu"] < GOAL_SECONDS else "NOT met")
        said.append(f"{GOAL_SIZE}: re-run in-process {rerun['seconds']:.2f} s wall, {rerun['cpu']:.2f} s CPU "
                    f"(goal < {GOAL_SECONDS} s): {verdict}")
    return said


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    options.add_argument("--repeat", type=int, default=7, help="runs of each measurement (200k: a third)")
    arguments = options.parse_args()
    results, load = {}, os.getloadavg()[0]
    with Server() as client:
        for label in arguments.sizes:
            repeat = max(1, arguments.repeat // 3) if SIZES[label] > 50_000 else arguments.repeat
            results[label] = bench(SIZES[label], client, repeat)
            print(f"measured {label}", file=sys.stderr)
    print_table(results)
    print(f"Load average (1 min) of this {os.cpu_count()}-core machine: {load:.1f} at the start, "
          f"{os.getloadavg()[0]:.1f} at the end; other work on it slows every time above alike.")


if __name__ == "__main__":
    main()
