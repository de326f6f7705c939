"""The pipeline the scale benchmark times, stage by stage.

INTERIM, until `workbook.reconcile` and `workbook.package` land: read = the fast reader
plus a minimal Usage parse grouped by product in one pass; engine = `core.recommend` for
every product, trace included; no write stage yet.
"""

from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path

from core import Policy, ProductUsage, Usage, recommend, to_quantity
from workbook.fast_reader import FastBook


def run(path: Path, target: Path) -> dict:
    started = time.perf_counter()
    with FastBook(path) as book:
        products, rows = read_usage(book.rows("Usage"))
    read = time.perf_counter()
    trace_rows = sum(len(recommend(product, Policy()).trace) for product in products)
    engine = time.perf_counter()
    return {"read": read - started, "engine": engine - read, "total": engine - started, "rows": rows,
            "trace_rows": trace_rows}


def read_usage(rows) -> tuple[list[ProductUsage], int]:
    rows = iter(rows)
    next(rows)  # the header: Product, Quantity, Date, Reference, Unit Cost
    grouped = defaultdict(list)
    count = 0
    for count, (product, quantity, date, reference, cost) in enumerate(rows, 1):
        grouped[product].append(Usage(product=product, quantity=to_quantity(quantity), date=date,
                                      reference=reference, unit_cost=to_quantity(cost), row=count,
                                      source=f"Usage!B{count + 1}"))
    return [ProductUsage(product=p, usage=tuple(u)) for p, u in grouped.items()], count
