"""The pipeline the scale benchmark times, stage by stage: `giveback reconcile BOOK -o
OUT` (`giveback.reconcile.reconcile_file`, without the argument parsing and the printed
summary), with the reader chosen (`fast`: python-calamine; `openpyxl`: read-only mode).

- read: open the book, read the input sheets and turn them into models (the codecs),
  group by product; everything `workbook.reconcile.reconcile` does but the engine;
- engine: `core.book.recommend_book` (every product, and the whole book), and
  `core.recommend.simulation_of`, each product's trace simulated while LoopTrace is
  written (timed around each call);
- write: `workbook.files.books.write_book`, the output sheets into a byte copy of the user's
  book, less the trace simulation inside it;
- cpu: the processor time of every thread during the run (the zip and run record threads,
  calamine's parse and zlib work without Python's lock), against the total's clock time.
"""

from __future__ import annotations

import time
from pathlib import Path

import giveback.reconcile as command
import workbook.sheets.outputs as outputs
import workbook.reconcile as reconciling
from workbook.files.fast_reader import FastBook
from workbook.files.books import FileBook

READERS = {"fast": FastBook, "openpyxl": FileBook}


class Stopwatch:
    """Wraps a function and adds up the seconds spent inside it."""

    def __init__(self, function):
        self.function, self.seconds, self.rows = function, 0.0, 0

    def __call__(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            result = self.function(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - started
        if isinstance(result, tuple):  # a simulation counts its trace's rows
            self.rows += len(getattr(result, "trace", result))
        return result


def run(path: Path, target: Path, reader: str = "fast", rule: str | None = None) -> dict:
    """Reconcile `path` into `target` (with `rule`, as `--rule` would; None: the
    book's Settings, else the default); seconds per stage and the trace's length."""
    engine = reconciling.recommend_book = Stopwatch(reconciling.recommend_book)
    tracing = outputs.simulation_of = Stopwatch(outputs.simulation_of)  # simulated as LoopTrace is written
    writing = command.write_book = Stopwatch(command.write_book)
    if reader != "fast":
        command.open_book = READERS[reader]  # the guard still runs: FileBook checks the file first
    started, processor = time.perf_counter(), time.process_time()
    command.reconcile_file(path, target, {"rule": rule}, quiet=True)
    total, cpu = time.perf_counter() - started, time.process_time() - processor
    return {
        "read": total - writing.seconds - engine.seconds,
        "engine": engine.seconds + tracing.seconds,
        "write": writing.seconds - tracing.seconds,
        "total": total,
        "cpu": cpu,  # every thread's: the zip and record threads, calamine's and zlib's work without the GIL
        "trace_rows": tracing.rows,
    }
