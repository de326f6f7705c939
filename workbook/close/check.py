"""`giveback check` and the ribbon's Check button (SPEC section 11): do a reconciled book's
outputs still match its inputs, and did the reconciliation runs after posting go as the
trace said?

- `current`: the input values read now have the run's fingerprint;
- `stale`: they do not; what changed is named cell by cell from the run record sheet
  (`changes`); a book whose record survives only in its document properties (its hidden
  sheet removed by some tool) is still told apart, without the cells. Also stale: a book
  whose inputs did not change but whose Adjustments lines were edited (`edited`);
- `never`: the book has no run record: giveback never reconciled it.

The inputs are read, and the products recommended, through the very routine a reconcile
runs (`workbook.reconcile.reconcile`, with the run's own rule and settings), so the
fingerprint is computed alike and the follow-up's prediction is the run's (`follow_up`).
Nothing is written: a check never changes the book.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Callable, Mapping, NamedTuple

from core.quantities import json_number, show

from ..reconcile import reconcile
from ..seam import SheetReader, WorkbookError
from ..sheets.after_run import read_after_run
from ..sheets.run_record import Recorded, read_run_record
from ..sheets.signoff import Block, read_block
from .changes import Change, Changes, changes, shown
from .edited import edited_words, lines_compared
from .follow_up import Compared, FollowUp, Left, follow_up
from .record import Recorder, RunRecord

CURRENT, STALE, NEVER = "current", "stale", "never"
SHOWN_CHANGES = 20  # change lines in the text report; --json lists up to changes.MOST_LISTED


class Check(NamedTuple):
    """What a check found. `why` says what made the book stale when no cell can say it
    (the inputs cannot be read any more, or the run record sheet is gone); `edited` the
    lines on Adjustments that differ from the run's though the inputs did not change."""

    status: str
    record: RunRecord | None = None
    changes: Changes = Changes((), 0)
    why: str = ""
    edited: tuple[str, ...] = ()
    version: str = ""  # this giveback's version, when another made the run (its lines then not compared)
    signoff: Block | None = None
    follow_up: FollowUp = FollowUp("none")


def recorded_run(reader: SheetReader, names: list[str],
                 properties: Callable[[], Mapping[str, str]]) -> tuple[Recorded | None, RunRecord | None]:
    """The book's last run: the RunRecord sheet (with the values it read) when there is
    one, else the record in its custom document properties (`properties()`, read only
    then); None when it was never reconciled."""
    recorded = read_run_record(reader, names)
    return recorded, recorded.record if recorded else RunRecord.from_properties(dict(properties()))


def check(reader: SheetReader, properties: Mapping[str, str] | None = None) -> Check:
    """Check the book behind `reader`; `properties` are its custom document properties,
    where the run record also lives (a file's; a live book's are not to be had)."""
    names = list(reader.sheet_names())
    recorded, record = recorded_run(reader, names, lambda: properties or {})
    if record is None:
        return Check(NEVER)
    signoff = read_block(reader, names)
    recorder = Recorder(keep=recorded is not None, pack=False)
    try:
        done = reconcile(reader, record.policy_overrides(), recorder=recorder)
    except WorkbookError as error:
        return Check(STALE, record, why=str(error), signoff=signoff)
    after = follow_up(read_after_run(reader, names), done.recommendations, done.ready, done.blocked)
    if done.record.fingerprint == record.fingerprint:
        edited = lines_compared(reader, names, done.sheets, record, done.record)
        other = done.record.version if done.record.version != record.version else ""
        return Check(STALE if edited else CURRENT, record, edited=edited, version=other, signoff=signoff,
                     follow_up=after)
    if recorded is None:
        why = ("the run record sheet is gone, so the cells that changed cannot be named; the document"
               " properties' fingerprint differs from the inputs'")
        return Check(STALE, record, why=why, signoff=signoff, follow_up=after)
    return Check(STALE, record, changes(recorded, recorder.sheets), signoff=signoff, follow_up=after)


# ---- what a check says ------------------------------------------------------------------


def report_lines(result: Check, book: str, reconcile_with: str = "") -> list[str]:
    """The check in words; the first line holds `current`, `stale` or `never reconciled`
    (and `on track` when the follow-up is). `reconcile_with` says how this host reconciles
    (the command line's `giveback reconcile BOOK` by default)."""
    if result.status == NEVER:
        how = reconcile_with or f"giveback reconcile {book}"
        return [f"never reconciled: {book} has no run record; reconcile it first ({how})."]
    record = result.record
    run = f"the run of {record.shown_time()} (giveback {record.version}, fingerprint {record.fingerprint[:12]})"
    if result.status == CURRENT:
        lines = [f"current{_track(result.follow_up)}: the outputs match the inputs read by {run}."]
        if result.version:
            lines.append(f"This is giveback {result.version}: the lines on Adjustments, which another version may make"
                         " otherwise, were not compared, and giveback export refuses the book. Reconcile it again"
                         " with this version to compare them.")
        lines.append(_signed(result.signoff) if result.signoff and result.signoff.signed
                     else "Not signed off yet: Summary's Prepared by and Reviewed by are empty.")
    else:
        if result.edited:
            lines = [f"stale: {edited_words(result.edited)}; the book's inputs are those read by {run}. Reconcile"
                     " again before posting: the lines to post are the run's."]
        else:
            what = result.why or what_changed(result.changes)
            lines = [f"stale: {what} since {run}. Reconcile again before posting."]
        lines += [f"  {line}" for line in change_lines(result.changes)]
        if result.signoff and result.signoff.signed:
            given_for = "the lines the run made" if result.edited else "the inputs as they were"
            lines.append(f"Summary's sign-off ({_signed(result.signoff, sentence=False)}) was given for {given_for};"
                         " it no longer holds.")
    lines += follow_up_lines(result.follow_up)
    return lines


def _track(after: FollowUp) -> str:
    return {"on_track": ", and on track", "off_track": ", but not on track"}.get(after.status, "")


def _signed(block: Block, sentence: bool = True) -> str:
    parts = [signoff.describe(role) for role, signoff in (("prepared by", block.prepared),
                                                          ("reviewed by", block.reviewed)) if signoff.given]
    text = "; ".join(parts)
    return f"Signed off: {text}." if sentence else text


def what_changed(found: Changes) -> str:
    """`1 cell edited, 2 rows added`: the changes counted as the report lists them."""
    counts = Counter(_counted_as(change) for change, _ in _by_row(found.listed))
    parts = [f"{counts[kind]:,} {_plural(kind[0], counts[kind])} {kind[1]}" for kind in COUNTED if counts[kind]]
    if found.not_listed:
        parts.append(f"{found.not_listed:,} more {_plural('cell', found.not_listed)} changed")
    return ", ".join(parts) or "the input values changed"


COUNTED = (("cell", "edited"), ("row", "added"), ("row", "removed"), ("row", "moved"), ("block of rows", "moved"),
           ("pair of rows", "swapped"), ("block of rows", "shifted"))  # what_changed's words, in its order


def _counted_as(change: Change) -> tuple[str, str]:
    """What `what_changed` counts a change as: (the thing, what happened to it)."""
    if change.change == "edited":
        return "cell", "edited"
    if change.change == "moved":
        return ("row" if change.was.startswith("row ") else "block of rows"), "moved"
    thing = {"swapped": "pair of rows", "shifted": "block of rows"}.get(change.change, "row")
    return thing, change.change


def _plural(thing: str, count: int) -> str:
    if count == 1:
        return thing
    kind, of, rows = thing.partition(" of ")
    return f"{kind}s{of}{rows}"


def change_lines(found: Changes, most: int = SHOWN_CHANGES) -> list[str]:
    """One line per cell edited, row added or removed, block of rows moved."""
    lines: list[str] = []
    groups = _by_row(found.listed)
    for change, cells in groups[:most]:
        lines.append(_change_line(change, cells))
    rest = len(groups) - most + found.not_listed
    if rest > 0:
        lines.append(f"... and {rest:,} more (giveback check --json lists them).")
    return lines


def _by_row(listed: tuple[Change, ...]) -> list[tuple[Change, list[Change]]]:
    """Edits and moves one by one; an added or removed row's cells together."""
    groups: list[tuple[Change, list[Change]]] = []
    for change in listed:
        last = groups[-1][0] if groups else None
        if change.change in ("added", "removed") and last is not None and last.change == change.change \
                and _row_of(last.cell) == _row_of(change.cell):
            groups[-1][1].append(change)
        else:
            groups.append((change, [change]))
    return groups


def _row_of(cell: str) -> tuple[str, str]:
    sheet, _, address = cell.rpartition("!")
    return sheet, address.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _change_line(change: Change, cells: list[Change]) -> str:
    product = f" ({change.product})" if change.product else ""
    sheet, row = _row_of(change.cell)
    if change.change == "edited":
        return f"{change.cell} changed from {shown(change.was)} to {shown(change.now)}{product}"
    if change.change == "shifted":
        return f"{sheet.strip(chr(39))} {change.was} shifted to {change.now} (rows inserted or deleted above them)"
    if change.change == "moved":
        return f"{sheet.strip(chr(39))} {change.was} moved to {change.now}{product}"
    if change.change == "swapped":
        return f"{sheet.strip(chr(39))} {change.was.replace('row', 'rows')} and {change.now[4:]} swapped{product}"
    values = ", ".join(shown(cell.now if change.change == "added" else cell.was) for cell in cells)
    return f"{sheet.strip(chr(39))} row {row} {change.change}: {values}"


def follow_up_lines(after: FollowUp) -> list[str]:
    if after.status == "none":
        return []
    lines = [f"Follow-up: {after.message}"]
    for compared in after.products:
        lines.append(f"  {compared.product}: {compared_words(compared)}: {compared.cause}")
    return lines


def compared_words(compared: Compared) -> str:
    """`expected +100 / -100, found +3 (consumption 97 less, returns 100 less than
    predicted)`: consumption (+) and returns (-) each, as the After run sheet lists them."""
    expected, write_off = compared.compared_with, compared.expected.write_off
    if compared.write_off_listed:
        note = f" (the write-off's {show(write_off)} included, as listed)"
    else:
        note = f" (+{show(write_off)} more with the write-off listed)" if write_off else ""
    differences = [f"{side} {show(abs(by))} {'more' if by > 0 else 'less'}"
                   for side, by in compared.difference._asdict().items() if by]
    return (f"expected {_unallocated(expected)}{note}, found {_unallocated(compared.found)}"
            f" ({', '.join(differences)} than predicted)")


def _unallocated(left: Left) -> str:
    """`+100 / -100`, `+3`, `nothing`: consumption and returns still unallocated."""
    sides = [f"+{show(left.consumption)}"] * bool(left.consumption) + [f"-{show(left.returns)}"] * bool(left.returns)
    return " / ".join(sides) or "nothing"


def report_json(result: Check) -> dict:
    """`{"status", "changes": [{"cell", "product", "was", "now", "change"}], "follow_up": {...}}`
    and what else the check knows: the record, the sign-off, why."""
    return {
        "status": result.status,
        "changes": [change._asdict() for change in result.changes.listed],
        "changes_not_listed": result.changes.not_listed,
        "why": result.why or None,
        "edited": list(result.edited),
        "record": result.record._asdict() if result.record else None,
        "signoff": _signoff_json(result.signoff),
        "follow_up": follow_up_json(result.follow_up),
    }


def _signoff_json(block: Block | None) -> dict | None:
    if block is None:
        return None
    return {role: {"name": _plain(signoff.name), "date": _plain(signoff.date)}
            for role, signoff in (("prepared", block.prepared), ("reviewed", block.reviewed))}


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def follow_up_json(after: FollowUp) -> dict:
    return {
        "status": after.status,
        "run": after.run,
        "message": after.message,
        "compared": after.compared,
        "products": [_compared_json(compared) for compared in after.products],
        "skipped": list(after.skipped),
    }


def _compared_json(compared: Compared) -> dict:
    """Consumption and returns each, as magnitudes (units still unallocated); `expected`
    as compared (the write-off's remainder in its consumption when the listing holds it,
    `write_off_listed`), and the write-off predicted."""
    expected, found, difference = compared.compared_with, compared.found, compared.difference
    return {
        "product": compared.product,
        "expected": {"consumption": json_number(expected.consumption), "returns": json_number(expected.returns)},
        "expected_write_off": json_number(compared.expected.write_off),
        "write_off_listed": compared.write_off_listed,
        "found": {"consumption": json_number(found.consumption), "returns": json_number(found.returns)},
        "difference": {"consumption": json_number(difference.consumption), "returns": json_number(difference.returns)},
        "cause": compared.cause,
    }


def exit_status(result: Check) -> int:
    """0 current, 1 stale, 2 never reconciled."""
    return {CURRENT: 0, STALE: 1, NEVER: 2}[result.status]
