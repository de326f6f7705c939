"""`giveback demo [DIR]`: write a sample input workbook covering every case and reconcile
it, printing the summary: `DIR/giveback-demo.xlsx` and `DIR/giveback-demo.reconciled.xlsx`.

The sample: a net-positive product with a physical count, the seed's net-negative
`-20 +3`, the seed's net-zero `+2 +4 +4 -10 +3 -3`, products with existing lots (one
needs no adjustment at all), one in fractions with a unit cost, one whose usage mostly
comes back (five options from 2 to 6 runs: the Options sheet's chart), and one with a bad
row (reported, not recommended).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from workbook.seam import WorkbookError

from .reconcile import FAILED, print_summary, reconcile_file, why_not_written

DONE = 0
NAME = "giveback-demo.xlsx"

USAGE = [
    # product, quantity, date, reference, unit cost
    ("WIDGET-RED", 25, dt.date(2026, 3, 2), "SO-1001", 4.5),
    ("WIDGET-RED", 45, dt.date(2026, 3, 9), "SO-1017", 4.5),
    ("WIDGET-RED", -10, dt.date(2026, 3, 12), "RMA-88", 4.5),
    ("BOLT-10", -20, dt.date(2026, 3, 3), "RMA-90", 3.2),
    ("BOLT-10", 3, dt.date(2026, 3, 4), "SO-1005", 3.2),
    *(("NUT-5", q, None, f"NZ-{i}", None) for i, q in enumerate([2, 4, 4, -10, 3, -3], start=1)),
    ("GASKET", 6, dt.date(2026, 3, 5), "SO-1010", 0.8),
    ("GASKET", -4, dt.date(2026, 3, 6), "RMA-91", 0.8),
    ("O-RING", 3, dt.date(2026, 3, 6), "SO-1011", None),
    ("O-RING", -3, dt.date(2026, 3, 7), "RMA-93", None),
    ("CABLE-2M", 1.5, dt.date(2026, 3, 7), "SO-1012", 12.25),
    ("CABLE-2M", -0.25, dt.date(2026, 3, 8), "RMA-92", 12.25),
    *(("BRACKET", q, dt.date(2026, 3, day), ref, 2.4) for q, day, ref in
      [(200, 2, "SO-1002"), (-180, 4, "RMA-89"), (150, 9, "SO-1018"), (-160, 11, "RMA-94"), (60, 13, "SO-1023")]),
    ("WASHER", 5, dt.date(2026, 3, 10), "SO-1020", None),
    ("WASHER", "five", dt.date(2026, 3, 11), "SO-1021", None),
]
LOTS = [
    # product, lot, quantity, used, date, unit cost
    ("GASKET", "L-2026-02", 10, 8, dt.date(2026, 2, 1), 0.8),
    ("GASKET", "L-2026-03", 5, 1, dt.date(2026, 3, 1), 0.82),
    ("O-RING", "L-2026-01", 10, 5, dt.date(2026, 1, 15), None),  # clears its usage alone
]
COUNTS = [("WIDGET-RED", -60, 0)]  # product, system balance, counted: delta = 60


def add_parser(commands) -> None:
    parser = commands.add_parser(
        "demo",
        description=f"Write DIR/{NAME} (usage, lots and a count covering every case, one bad "
        "row included) and reconcile it into DIR/giveback-demo.reconciled.xlsx.",
    )
    parser.add_argument("dir", type=Path, nargs="?", default=Path("."), metavar="DIR",
                        help="where to write the demo workbooks (default: here)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Exit 0 when the demo ran: its one bad row is part of the show."""
    book = args.dir / NAME
    target = args.dir / NAME.replace(".xlsx", ".reconciled.xlsx")
    try:
        args.dir.mkdir(parents=True, exist_ok=True)
        from workbook.files.newbook import input_book, save_new  # openpyxl: only these commands need it

        save_new(input_book({"Usage": USAGE, "Lots": LOTS, "Counts": COUNTS}), book, replace=True)
        done = reconcile_file(book, target, {})
    except WorkbookError as error:
        print(f"giveback: {error}", file=sys.stderr)
        return FAILED
    except OSError as error:
        where = Path(error.filename) if error.filename else book
        print(f"giveback: {where}: cannot write it: {why_not_written(where, error)}; nothing was written.",
              file=sys.stderr)
        return FAILED
    print(f"Wrote the sample input {book}.")
    print_summary(done, target)
    return DONE
