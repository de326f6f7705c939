"""Excel functions benchmark: a formula's round trip through the real xlwings Server over
HTTP (what Excel on the web waits for), beside the same call in process and beside a
one-cell `USAGE_CASE`, the server's floor, measured in the same run.

    .venv/bin/python bench/udf.py [--repeat 15]

Each call is the body Office.js posts (`tests/officejs.py` style): every argument a matrix,
whole numbers as int. The ranges:

- 1,000 usage cells, random signed quantities, one in five with cents (`RECOMMEND_ADJ`,
  `GIVEBACK_OPTIONS`, `NET_UNALLOCATED`);
- what-ifs that never settle within the trace's bound (10,000 runs): an On line of 1
  against those 1,000 cells (about 79,000 runs), against 50,000 such cells (4.4 million
  runs) and against +1,000,000 / -999,999 (a million runs).

Figures are the fastest of `--repeat` calls (a busy machine's slower calls measure its
other work) and the median. Goals (issue 21): `RECOMMEND_ADJ` on 1,000 cells within 50 ms
over HTTP; a what-if that never settles well under a second.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]
os.environ.setdefault("XLWINGS_ON_SERVER", "true")  # before xlwings is imported
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import httpx  # noqa: E402
import xlwings as xw  # noqa: E402
import xlwings.server  # noqa: E402

from addin import functions  # noqa: E402
from web import Server  # noqa: E402

GOAL_MS, GOAL_WHAT_IF_MS = 50, 1000


def body(func_name: str, *args) -> dict:
    """What Office.js posts for `=GIVEBACK.FUNC_NAME(...)`."""
    return {
        "client": "Office.js", "version": xw.__version__, "func_name": func_name,
        "args": [arg if isinstance(arg, list) else [[arg]] for arg in args],
        "caller_address": "[Book1.xlsx]Sheet1!D2", "culture_info_name": "en-US",
        "date_format": "M/d/yyyy", "runtime": "1.4",
    }


def usage_cells(count: int, seed: int = 21) -> list[list]:
    rng = random.Random(seed)
    cells = []
    for _ in range(count):
        units = rng.randint(1, 500) if rng.random() < 0.8 else rng.randint(100, 50_000) / 100
        cells.append([-units if rng.random() < 0.35 else units])
    return cells


def calls() -> dict[str, dict]:
    usage, many = usage_cells(1_000), usage_cells(50_000)
    return {
        "USAGE_CASE, 1 cell (baseline)": body("usage_case", [[5]]),
        "RECOMMEND_ADJ, 1,000 cells": body("recommend_adj", usage, None, None, None, None),
        "NET_UNALLOCATED, 1,000 cells": body("net_unallocated", usage),
        "GIVEBACK_OPTIONS, 1,000 cells": body("giveback_options", usage, None, None),
        "GIVEBACK_LOOPS, 1,000 cells, On 1 (never settles)": body("giveback_loops", usage, 1, 1),
        "GIVEBACK_TRACE, 1,000 cells, On 1 (never settles)": body("giveback_trace", usage, 1, 1),
        "GIVEBACK_LOOPS, 50,000 cells, On 1 (never settles)": body("giveback_loops", many, 1, 1),
        "GIVEBACK_TRACE, 50,000 cells, On 1 (never settles)": body("giveback_trace", many, 1, 1),
        "GIVEBACK_LOOPS, +1,000,000 -999,999, On 1": body("giveback_loops", [[1_000_000], [-999_999]], 1, 1),
        "GIVEBACK_TRACE, +1,000,000 -999,999, On 1": body("giveback_trace", [[1_000_000], [-999_999]], 1, 1),
    }


def over_http(client: httpx.Client, payload: str) -> tuple[float, httpx.Response]:
    started = time.perf_counter()
    response = client.post("/xlwings/custom-functions-call", content=payload,
                           headers={"Content-Type": "application/json"})
    return time.perf_counter() - started, response


def in_process(call: dict) -> float:
    started = time.perf_counter()
    try:
        asyncio.run(xlwings.server.custom_functions_call(json.loads(json.dumps(call)), functions))
    except xw.XlwingsError:
        pass
    return time.perf_counter() - started


def answer(response: httpx.Response) -> str:
    """What Excel shows: the spilled size, the value, or the error's message."""
    if response.status_code != 200:
        return f"error {response.status_code}: {response.text[:90]}"
    result = response.json()["result"]
    return f"{len(result)} x {len(result[0])}" if len(result) > 1 or len(result[0]) > 1 else repr(result[0][0])


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--repeat", type=int, default=15)
    arguments = options.parse_args()
    wanted = calls()
    http: dict[str, list[float]] = {name: [] for name in wanted}
    inside: dict[str, list[float]] = {name: [] for name in wanted}
    answers: dict[str, str] = {}
    load = os.getloadavg()[0]
    with Server() as client:
        payloads = {name: json.dumps(call) for name, call in wanted.items()}
        for name in wanted:  # warm up: the server imports the functions on the first call
            answers[name] = answer(over_http(client, payloads[name])[1])
        for _ in range(arguments.repeat):  # interleaved: a busy moment weighs on every call alike
            for name, payload in payloads.items():
                http[name].append(over_http(client, payload)[0])
                inside[name].append(in_process(wanted[name]))
    base = min(http[next(iter(wanted))])
    print(f"{arguments.repeat} calls each; ms, fastest (median)\n")
    print("| call | HTTP ms | in process ms | HTTP less the 1-cell call | Excel shows |\n|---|---:|---:|---:|---|")
    for name in wanted:
        fast, middle = min(http[name]), statistics.median(http[name])
        print(f"| {name} | {fast * 1000:.1f} ({middle * 1000:.1f}) | {min(inside[name]) * 1000:.1f} "
              f"({statistics.median(inside[name]) * 1000:.1f}) | {(fast - base) * 1000:+.1f} | {answers[name]} |")
    recommend = min(http["RECOMMEND_ADJ, 1,000 cells"]) * 1000
    slowest = max(min(times) for name, times in http.items() if "never settles" in name or "999,999" in name) * 1000
    print(f"\nRECOMMEND_ADJ on 1,000 cells over HTTP: {recommend:.0f} ms (goal <= {GOAL_MS} ms): "
          f"{'met' if recommend <= GOAL_MS else 'NOT met'}")
    print(f"slowest what-if that never settles, over HTTP: {slowest:.0f} ms (goal well under {GOAL_WHAT_IF_MS} ms): "
          f"{'met' if slowest < GOAL_WHAT_IF_MS / 2 else 'NOT met'}")
    print(f"Load average (1 min) of this {os.cpu_count()}-core machine: {load:.1f} at the start, "
          f"{os.getloadavg()[0]:.1f} at the end.")


if __name__ == "__main__":
    main()
