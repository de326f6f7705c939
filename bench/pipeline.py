"""The pipeline the scale benchmark times, stage by stage: what `giveback reconcile`
does, with the reader chosen (`fast`: python-calamine; `openpyxl`: read-only mode).

- read: open the book, read the input sheets and turn them into models (the codecs),
  group by product; everything `workbook.reconcile.reconcile` does but the engine;
- engine: `core.recommend` for every product, and `core.trace_of`, each product's trace
  simulated while LoopTrace is written (timed around each call);
- write: `workbook.package.write_outputs`, the output sheets into a byte copy of the
  user's book, less the trace simulation inside it.
"""

from __future__ import annotations

import time
from pathlib import Path

import workbook.outputs as outputs
import workbook.reconcile as reconciling
from workbook.fast_reader import FastBook
from workbook.files import FileBook
from workbook.package import write_outputs

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
        if isinstance(result, tuple):
            self.rows += len(result)
        return result


def run(path: Path, target: Path, reader: str = "fast") -> dict:
    """Reconcile `path` into `target`; seconds per stage and the trace's length."""
    engine = Stopwatch(reconciling.recommend)
    reconciling.recommend = engine
    tracing = Stopwatch(outputs.trace_of)  # the trace is simulated as LoopTrace is written
    outputs.trace_of = tracing
    started = time.perf_counter()
    with READERS[reader](path) as book:
        done = reconciling.reconcile(book)
    reconciled = time.perf_counter()
    write_outputs(path, target, done.sheets, done.drop)
    written = time.perf_counter()
    return {
        "read": reconciled - started - engine.seconds,
        "engine": engine.seconds + tracing.seconds,
        "write": written - reconciled - tracing.seconds,
        "total": written - started,
        "trace_rows": tracing.rows,
    }
