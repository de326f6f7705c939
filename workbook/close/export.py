"""The hand-off (SPEC section 11): the adjustment lines as an import file for the ERP, one
row per line, ready to map onto an import template.

| column | holds |
|---|---|
| Adjustment ID | one per product: both lines of a product are one beginning-balance adjustment |
| Product | the product, as on the Usage sheet |
| Line | On (creates the beginning-balance lot) or Off (the write-off) |
| Quantity | signed: On positive, Off negative |
| Unit Cost | the unit cost giveback priced the entry at; blank when unknown |
| Extended Cost | Quantity x Unit Cost, exactly; blank when the cost is unknown |
| Date | the posting date (`--date`, else the day of the export), ISO `yyyy-mm-dd` |
| Memo | how to post the line, and the run it comes from (or that it is not the reviewed run) |

The adjustment id is `GB-` + the first 8 hex digits of the SHA-256 of the run's input
fingerprint, rule and settings (`run_digest`) + `-` + the product's number on the Usage
sheet (in order of first appearance, from 1, four digits at least): `GB-3F2A9C01-0003`.
It is stable: exporting the same run again gives the same ids (an ERP that refuses a
duplicate document id refuses a second import), and other inputs, another rule or other
settings give other ids, as they give other lines (a new adjustment, not an edit of the
reviewed one).

Only products whose status is Adjust are exported: a product that is blocked, that cannot
be cleared, or that needs no adjustment has no line to post. The lines come from the
recommendations a reconcile makes of the inputs (`workbook.reconcile.reconcile`, the run's
rule and settings), never from the Adjustments sheet's cells, so they equal
`giveback reconcile --json`'s lines.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from decimal import Decimal
from typing import Iterator, Sequence

from core.models import Recommendation, Status
from core.notes import units
from core.quantities import json_number

from .record import RunRecord

HEADER = ("Adjustment ID", "Product", "Line", "Quantity", "Unit Cost", "Extended Cost", "Date", "Memo")


def adjustment_id(record: RunRecord, number: int) -> str:
    """`GB-3F2A9C01-0003`: the run (its inputs, rule and settings), the product's number on
    the Usage sheet."""
    return f"GB-{run_digest(record)[:8].upper()}-{number:04d}"


def run_digest(record: RunRecord) -> str:
    """The SHA-256 (hex) of what decides the lines: the input fingerprint, the rule and the
    settings, one a line (`giveback_fingerprint`, `giveback_rule`, `giveback_settings`)."""
    return hashlib.sha256(f"{record.fingerprint}\n{record.rule}\n{record.settings}".encode("utf-8")).hexdigest()


def export_rows(products: Sequence[str], recommendations: Sequence[Recommendation], record: RunRecord,
                date: dt.date, memo_source: str) -> Iterator[tuple]:
    """One row per adjustment line of every product to adjust, in Usage sheet order; `record`
    is the run the lines were worked out by (their ids), `memo_source` the memo's words for it
    (`source`)."""
    numbers = {product: number for number, product in enumerate(products, start=1)}
    for rec in recommendations:
        if rec.status is not Status.ADJUST:
            continue
        identity = adjustment_id(record, numbers[rec.product])
        lines = rec.chosen.lines
        for number, line in enumerate(lines, start=1):
            cost = rec.unit_cost
            extended = line.quantity * cost if cost is not None else None
            yield (identity, rec.product, line.kind, _number(line.quantity), _number(cost), _number(extended),
                   date.isoformat(), _memo(identity, line.kind, line.quantity, number, len(lines), rec, memo_source))


def source(reviewed: RunRecord, now: RunRecord) -> str:
    """The memo's last words: the run the lines come from, the book's own (`reviewed`, its
    version and time) when `now`, the export's run of the same inputs, makes the same
    lines; else that they were worked out at the export, and how the book's run differs."""
    if reviewed.same_run(now):
        return f"giveback {reviewed.version}, run of {reviewed.shown_time()}."
    why = ("had other inputs" if reviewed.fingerprint != now.fingerprint
           else f"was made by giveback {reviewed.version}")
    return (f"Not the reviewed run: worked out on {now.shown_time()} by giveback {now.version} (the book's run of"
            f" {reviewed.shown_time()} {why}).")


def _memo(identity: str, kind: str, quantity: Decimal, number: int, count: int, rec: Recommendation,
          memo_source: str) -> str:
    what = (f"writes {units(quantity)} on to the books as a lot" if kind == "On"  # Adjustments' words
            else f"writes {units(-quantity)} off the books")
    return (f"Beginning-balance adjustment {identity}, line {number} of {count}: {what}. Clears the unallocated"
            f" usage in {rec.chosen.loops} reconciliation run{'s' if rec.chosen.loops != 1 else ''}."
            f" {memo_source}")


def _number(value: Decimal | None) -> str:
    """A quantity or an amount as an import file takes it: plain digits, a point, no
    exponent and no grouping (the JSON's numbers as text); blank for None."""
    return "" if value is None else str(json_number(value))


def csv_text(rows: Sequence[tuple]) -> str:
    """The import file: a header row, then the rows (RFC 4180 quoting, CRLF line ends)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue()
