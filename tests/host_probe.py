"""Call every Excel function of `addin.functions` and the Reconcile script through
xlwings' own dispatch (`xlwings.server`, what xlwings Server and xlwings Lite run), and
report what came back as JSON, so that two hosts can be compared: CPython and Pyodide
(`tests/test_pyodide.py`), or a fresh venv holding only the wheel (`tests/test_wheel.py`).

    python tests/host_probe.py BOOK.json        # prints {"functions": ..., "reconcile": ...}

Inside Pyodide: `import host_probe; await host_probe.probe(payload)`.

The functions come from the module itself (every function xlwings registered); each
parameter gets its value from ARGUMENTS by name, an optional one left out is sent as an
empty cell. A new function needs a row there only for a new required parameter.
Needs XLWINGS_LICENSE_KEY (`noncommercial`) for `xw.Book(json=...)`.
"""

from __future__ import annotations

import asyncio
import copy
import inspect
import json
import os
import sys
import time

os.environ.setdefault("XLWINGS_ON_SERVER", "true")  # before xlwings is imported
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import xlwings as xw  # noqa: E402
import xlwings.server  # noqa: E402

from addin import functions, scripts  # noqa: E402

SEED = [[2], [4], [4], [-10], [3], [-3]]  # one column of a range, as Office.js sends it
ARGUMENTS = {  # parameter name: (a call that works, a call that is refused)
    "usage": (SEED, [[2], ["abc"], [-3]]),
    "on": ([[13]], [[13]]),
    "off": ([[13]], [[13]]),
}
REPEATS = 5  # timing: the best of this many calls


def excel_functions() -> dict[str, object]:
    """{Python name: function} of every function xlwings registered in the module."""
    return {name: f for name, f in vars(functions).items() if hasattr(f, "__xlfunc__")}


def call_body(name: str, function, which: int) -> dict:
    """What Office.js posts for one formula; `which` 0: good arguments, 1: refused ones."""
    args = []
    for parameter in inspect.signature(function).parameters.values():
        if parameter.name in ARGUMENTS:
            args.append(ARGUMENTS[parameter.name][which])
        elif parameter.default is inspect.Parameter.empty:
            raise KeyError(f"host_probe.ARGUMENTS needs a value for {name}'s parameter {parameter.name}")
        else:
            args.append([[None]])
    return {"client": "Office.js", "func_name": name, "args": args, "caller_address": "[Book.xlsx]Sheet1!D2",
            "culture_info_name": "en-US", "date_format": "M/d/yyyy", "version": xw.__version__, "runtime": "1.4"}


async def outcome(body: dict) -> dict:
    try:
        return {"result": await xlwings.server.custom_functions_call(body, functions)}
    except xw.XlwingsError as error:
        return {"error": str(error)}


async def timed(body: dict) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        await xlwings.server.custom_functions_call(body, functions)
        best = min(best, time.perf_counter() - start)
    return best


async def reconcile(payload: dict) -> tuple[list[dict], float]:
    book = xw.Book(json=copy.deepcopy(payload))
    start = time.perf_counter()
    await xlwings.server.custom_scripts_call(scripts, "reconcile", typehint_to_value={xw.Book: book})
    return book.json()["actions"], time.perf_counter() - start


async def probe(payload: dict) -> dict:
    """Every function's result (and error for refused arguments), the Reconcile script's
    actions on `payload`, and the seconds each took (excluded from comparisons)."""
    found, seconds = {}, {}
    for name, function in sorted(excel_functions().items()):
        good, refused = call_body(name, function, 0), call_body(name, function, 1)
        found[name] = [await outcome(good), await outcome(refused)]
        seconds[name] = await timed(good)
    actions, seconds["reconcile"] = await reconcile(payload)
    return {"functions": found, "reconcile": actions, "seconds": seconds,
            "python": sys.version.split()[0], "platform": sys.platform}


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as file:
        print(json.dumps(asyncio.run(probe(json.load(file)))))
