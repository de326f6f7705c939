"""Summary's run record and sign-off (SPEC section 11): a small block between Summary's
intro and its table (the sheet's `Panel`).

    Reconciled   2026-03-05 14:02 UTC by giveback 0.4.0
    Rule         Fewest runs (rule fewest); lot_order fifo; max_loops 10000
    Fingerprint  3f2a9c01e4b5...      (of the input values read: `workbook.close.record`)
    Prepared by  Ann Lee    2026-03-05
    Reviewed by  Bo Chan    2026-03-06
    History      Cleared 2026-03-09 10:00 UTC (the inputs changed): prepared by ... | Cleared ...

The accountant types the names and dates: the name in the cell right of the label, the
date right of that; a fresh book has them empty. Every run replaces Summary, so the block
is read back first (`read_block`, from the book being reconciled) and written again
(`signoff_panel`):

- the inputs, rule and settings are as they were (same fingerprint, same rule line): the
  names and dates are kept;
- something changed: they are cleared, and what they were, with the run they were given
  for, goes first on the History line (at most `MOST_HISTORY` entries, newest first,
  ` | ` between them), so nobody posts figures whose review was of different numbers.

The block is always these six rows, so Summary's table starts on the same row run after
run: Excel resizes a table (the ribbon's re-run reuses Summary's) only with its header
row where it was.

The block is found by its labels in Summary's first `SCAN_ROWS` rows, wherever the intro
above it ends; Excel on the web sends giveback only those rows of Summary
(`addin/server/static/js/giveback.js`).
"""

from __future__ import annotations

import datetime as dt
import json
from itertools import islice
from typing import Iterable, NamedTuple

from core.models import RULE_WORDS

from ..close.record import RunRecord
from ..seam import Panel, Row, SheetReader, Uncalculated
from .schema import normal_name

RECONCILED, RULE, FINGERPRINT = "Reconciled", "Rule", "Fingerprint"
PREPARED, REVIEWED, HISTORY = "Prepared by", "Reviewed by", "History"
SCAN_ROWS = 40
MOST_HISTORY = 10
SEPARATOR = " | "  # between History entries, in the one cell
HINT = "Type the name, then the date. A run whose inputs changed clears them (see History)."
_TABLE_HEADER = "product"  # the first header of Summary's table: the block is above it


class SignOff(NamedTuple):
    """One sign-off: a name and a date as typed (text, a date, or None)."""

    name: object = None
    date: object = None

    @property
    def given(self) -> bool:
        return self.name is not None or self.date is not None

    def describe(self, role: str) -> str:
        """`prepared by Ann Lee, 2026-03-05`."""
        words = [_shown(value) for value in self if value is not None]
        return f"{role} {', '.join(words)}"


class Block(NamedTuple):
    """What Summary's block holds: the run record's lines as shown, the sign-offs and the
    history lines."""

    reconciled: str | None = None
    rule: str | None = None
    fingerprint: str | None = None
    prepared: SignOff = SignOff()
    reviewed: SignOff = SignOff()
    history: tuple[str, ...] = ()

    @property
    def signed(self) -> bool:
        return self.prepared.given or self.reviewed.given


class Outcome(NamedTuple):
    """What a run did with the sign-off: `kept`, `cleared` (with `why`), or neither
    (nothing was signed)."""

    kept: bool = False
    cleared: bool = False
    why: str = ""


def read_block(reader: SheetReader, names: list[str]) -> Block | None:
    """Summary's block as the book holds it; None when the book has no Summary or its
    Summary has no block (a book reconciled before sign-off existed)."""
    summary = next((name for name in names if normal_name(name) == "summary"), None)
    if summary is None:
        return None
    return block_of(islice(reader.rows(summary), SCAN_ROWS))  # read no further than the table's header


def block_of(rows: Iterable[Row]) -> Block | None:
    """The block in Summary's first rows (labels in column A), up to its table's header."""
    found: dict[str, object] = {}
    history: tuple[str, ...] = ()
    for row in rows:
        cells = (list(row) + [None, None, None])[:3]
        label = normal_name(cells[0]) if isinstance(cells[0], str) else ""
        if label == _TABLE_HEADER:
            break
        if label in (normal_name(RECONCILED), normal_name(RULE), normal_name(FINGERPRINT)):
            found[label] = _text(cells[1])
        elif label in (normal_name(PREPARED), normal_name(REVIEWED)):
            found[label] = SignOff(_typed(cells[1]), _typed(cells[2]))
        elif label == normal_name(HISTORY) and _text(cells[1]):
            history = tuple(entry.strip() for entry in _text(cells[1]).split(SEPARATOR.strip()) if entry.strip())
    if normal_name(FINGERPRINT) not in found:
        return None
    return Block(found.get(normal_name(RECONCILED)), found.get(normal_name(RULE)), found.get(normal_name(FINGERPRINT)),
                 found.get(normal_name(PREPARED), SignOff()), found.get(normal_name(REVIEWED), SignOff()),
                 history)


def signoff_panel(record: RunRecord, previous: Block | None) -> tuple[Panel, Outcome]:
    """The block for a run of `record`, given the block the book had (`previous`), and
    what became of the sign-off."""
    rule = rule_line(record)
    prepared, reviewed, history = SignOff(), SignOff(), list(previous.history if previous else ())
    outcome = Outcome()
    if previous is not None and previous.signed:
        why = _what_changed(previous, record, rule)
        if why:
            history.insert(0, _history_line(previous, record, why))
            outcome = Outcome(cleared=True, why=why)
        else:
            prepared, reviewed = previous.prepared, previous.reviewed
            outcome = Outcome(kept=True)
    rows: tuple[Row, ...] = (
        (RECONCILED, f"{record.shown_time()} by giveback {record.version}"),
        (RULE, rule),
        (FINGERPRINT, record.fingerprint),
        (PREPARED, *_cells(prepared), HINT),
        (REVIEWED, *_cells(reviewed)),
        (HISTORY, SEPARATOR.join(history[:MOST_HISTORY]) or None),
    )
    return Panel(rows=rows), outcome


def rule_line(record: RunRecord) -> str:
    """The rule and settings as the Settings sheet spells them:
    `Fewest runs (rule fewest); lot_order fifo; max_loops 10000`."""
    try:
        settings = json.loads(record.settings)
    except ValueError:
        settings = {}
    words = [f"{RULE_WORDS.get(record.rule, record.rule)} (rule {record.rule})"]
    words += [f"{name} {value}" for name, value in sorted(settings.items())]
    return "; ".join(words)


def _what_changed(previous: Block, record: RunRecord, rule: str) -> str:
    if previous.fingerprint != record.fingerprint:
        return "the inputs changed"
    if previous.rule != rule:
        return "the rule or settings changed"
    return ""


def _history_line(previous: Block, record: RunRecord, why: str) -> str:
    """`Cleared 2026-03-09 10:00 UTC (the inputs changed): prepared by Ann Lee,
    2026-03-05; reviewed by Bo Chan, 2026-03-06. They signed the run of ...`."""
    signed = "; ".join(signoff.describe(role) for role, signoff in
                       (("prepared by", previous.prepared), ("reviewed by", previous.reviewed)) if signoff.given)
    run = "; ".join(part for part in (previous.reconciled, previous.rule,
                                      f"fingerprint {(previous.fingerprint or '')[:12]}") if part)
    line = f"Cleared {record.shown_time()} ({why}): {signed}. They signed the run of {run}."
    return line.replace(SEPARATOR.strip(), "/")  # a | typed in a name would split the entry


def _cells(signoff: SignOff) -> tuple[object, object]:
    return tuple(_as_date(value) for value in signoff)


def _as_date(value: object) -> object:
    """A date typed in a cell stays a date (a midnight date-time is its day)."""
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    return value


def _typed(value: object) -> object:
    """A sign-off cell as typed: text trimmed (blank is None), a date, a number."""
    if isinstance(value, str):
        return value.strip() or None
    if value is None or isinstance(value, (bool, int, float, dt.date)):
        return _as_date(value)
    return None if isinstance(value, Uncalculated) else str(value)


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _shown(value: object) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return _as_date(value).isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
