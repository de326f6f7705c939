"""What changed in the inputs since a run: the run record sheet's lines (what the run read)
against the lines of the inputs as they are now, sheet by sheet, cell by cell.

    Usage!D14    edited    6 -> 8          (GASKET)
    Usage!B15    added     8               a row typed below the others
    Usage!B9     removed   -3              a row deleted (B9 is where it was)
    Usage!A3:E3  moved     row 7 -> row 3  a row cut and pasted higher up (its values unchanged)
    Usage!A2:E2  swapped   row 2 <-> row 6 two rows that changed places
    Usage!A6:E21 shifted   rows 5-20 -> 6-21 (a blank row inserted above them)

Rows are matched by their values, not only their numbers, so a row inserted or deleted
is one row added or removed, not every row below it changed: the lines the two share at
the start and at the end are set aside (a few comparisons of whole lines), and what is
left between is aligned by `difflib` when it is short (`ALIGNED_ROWS`), else row by row.
An edit, an added and a removed row, the common changes, cost one pass over the lines.

A row the alignment could not pair whose very values are found among the rows it could
not pair on the other side was moved, not removed and added (`_Moves`): one change says
so, or that two rows swapped places; the rows between, shifted only by that move, are not
listed again.
"""

from __future__ import annotations

import difflib
from bisect import bisect_left
from collections import Counter, defaultdict, deque
from typing import Iterator, NamedTuple

from ..close.record import SheetRead, rows_of
from ..sheets.run_record import Recorded, RecordedSheet
from ..sheets.schema import INPUTS, column_letter, column_address

ALIGNED_ROWS = 5_000  # rows aligned by difflib between the unchanged start and end
MOST_LISTED = 1_000  # changes listed; the others are counted


class Change(NamedTuple):
    """One cell that changed (`edited`, `added`, `removed`: `was` and `now` are canonical
    values, None for blank), or rows whose values are unchanged but whose place is not
    (`was` and `now` then name their rows): `moved` by the user, two rows `swapped` (the
    product names both when they differ), a block `shifted` by rows inserted or deleted
    above it."""

    cell: str
    product: str | None
    was: object
    now: object
    change: str = "edited"


class Changes(NamedTuple):
    listed: tuple[Change, ...]
    not_listed: int  # changes beyond `MOST_LISTED`


class _Side(NamedTuple):
    """One side of the comparison: a sheet's name, fields, columns and parsed lines."""

    name: str
    fields: tuple[str, ...] | None
    columns: dict[str, int]
    rows: list[tuple[int, list]]


def changes(recorded: Recorded, current: dict[str, SheetRead]) -> Changes:
    """Every change from what the run read (`recorded`) to what was read now (`current`,
    a `Recorder`'s sheets, their lines kept)."""
    found: list[Change] = []
    count = 0
    for schema in INPUTS:
        was, now = recorded.sheets.get(schema.sheet), current.get(schema.sheet)
        if was is not None and now is not None and was.hash == now.digest():
            continue
        for change in _sheet_changes(_side(was, schema.sheet), _side(now, schema.sheet)):
            count += 1
            if len(found) < MOST_LISTED:
                found.append(change)
    return Changes(tuple(found), count - len(found))


def _side(sheet: RecordedSheet | SheetRead | None, name: str) -> _Side:
    if sheet is None:
        return _Side(name, None, {}, [])
    return _Side(sheet.name, sheet.fields, sheet.columns, rows_of(sheet.lines or []))


Piece = tuple[bool, list, list]  # rows aligned as equal (True) or not, old and new


def _sheet_changes(was: _Side, now: _Side) -> Iterator[Change]:
    fields = now.fields or was.fields
    names = _Names(was, now, fields)
    old, new = was.rows, now.rows
    start = 0
    while start < min(len(old), len(new)) and old[start][1] == new[start][1]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end][1] == new[-1 - end][1]:
        end += 1
    pieces = [(True, old[:start], new[:start]), *_aligned(old[start:len(old) - end], new[start:len(new) - end]),
              (True, old[len(old) - end:], new[len(new) - end:])]
    moves = _Moves.of(pieces)
    for equal, old_rows, new_rows in pieces:
        if equal:
            yield from _shifted(names, *moves.unexplained(old_rows, new_rows))
        else:
            yield from moves.landing(names, new_rows)
            yield from _paired(names, moves.left(old_rows, moves.sources), moves.left(new_rows, moves.targets))


def _aligned(old: list, new: list, anchored: bool = False) -> Iterator[Piece]:
    """Align the rows between the unchanged start and end: by difflib when short; when
    long, on the rows that occur once on each side (patience diff), each gap between them
    aligned the same way, and row by row when nothing anchors them."""
    if not old or not new or max(len(old), len(new)) <= ALIGNED_ROWS:
        opcodes = difflib.SequenceMatcher(None, [_key(values) for _, values in old],
                                          [_key(values) for _, values in new], autojunk=False).get_opcodes()
    elif anchored or not (anchors := _anchors(old, new)):
        opcodes = [("replace", 0, len(old), 0, len(new))]
    else:
        opcodes = _between(anchors, len(old), len(new))
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "gap":
            yield from _aligned(old[i1:i2], new[j1:j2], anchored=True)
        else:
            yield tag == "equal", old[i1:i2], new[j1:j2]


class _Moves:
    """The rows that moved: those the alignment left unpaired whose values are found
    unpaired on the other side too (the first such old row paired with the first such new
    row; `sources` their old numbers, `targets` their new ones), and the swaps among them:
    a moved row and another row (moved too, or aligned) each where the other was."""

    def __init__(self, pairs: list[tuple[int, int, list]], aligned: dict[int, tuple[int, list]]):
        self.pairs = {new: (old, values) for old, new, values in pairs}  # by new number
        self.sources, self.targets = {old for old, _, _ in pairs}, set(self.pairs)
        self._sources, self._targets = sorted(self.sources), sorted(self.targets)
        moved_from = {old: new for old, new, _ in pairs}
        self.swaps: dict[int, tuple[int, list]] = {}  # a moved row's number -> the other row's number and values
        for new, (old, _) in self.pairs.items():
            if moved_from.get(new) == old:
                self.swaps[new] = (old, self.pairs[old][1])
            elif aligned.get(new, (None,))[0] == old:
                self.swaps[new] = (old, aligned[new][1])
        self._said: set[int] = set()

    @classmethod
    def of(cls, pieces: list[Piece]) -> "_Moves":
        unpaired: dict[str, deque[int]] = defaultdict(deque)
        for equal, old_rows, _ in pieces:
            for number, values in old_rows if not equal else ():
                unpaired[_key(values)].append(number)
        pairs = []
        for equal, _, new_rows in pieces:
            for number, values in new_rows if unpaired and not equal else ():
                if same := unpaired.get(_key(values)):
                    pairs.append((same.popleft(), number, values))
        if not pairs:
            return cls([], {})
        wanted = {new for _, new, _ in pairs}  # an aligned row that was where a moved row now is
        aligned = {old: (new, values) for equal, old_rows, new_rows in pieces if equal
                   for (old, _), (new, values) in zip(old_rows, new_rows) if old in wanted}
        return cls(pairs, aligned)

    def left(self, rows: list, moved: set[int]) -> list:
        """`rows` but the moved ones (`moved`: `sources` or `targets`)."""
        return [row for row in rows if row[0] not in moved] if moved else rows

    def unexplained(self, old: list, new: list) -> tuple[list, list]:
        """The aligned rows whose shift neither the moves nor a swap explain: rows were
        inserted or deleted above them."""
        if not self.pairs:
            return old, new
        kept = [(before, after) for before, after in zip(old, new) if not self._explained(before[0], after[0])]
        return [before for before, _ in kept], [after for _, after in kept]

    def _explained(self, old: int, new: int) -> bool:
        if self.swaps.get(old, (None,))[0] == new:
            return True
        return new - old == bisect_left(self._targets, new) - bisect_left(self._sources, old)

    def landing(self, names: "_Names", rows: list) -> Iterator[Change]:
        """The moves and swaps whose rows land among `rows`, each once; rows moved together
        (consecutive before and after) are one block."""
        block: list[tuple[int, int, list]] = []
        for number, _ in rows:
            if number not in self.pairs or number in self._said:
                continue
            old, values = self.pairs[number]
            if number in self.swaps:
                yield self._swap(names, number)
                continue
            if block and (number != block[-1][1] + 1 or old != block[-1][0] + 1):
                yield names.moved(block, "moved")
                block = []
            block.append((old, number, values))
        if block:
            yield names.moved(block, "moved")

    def _swap(self, names: "_Names", number: int) -> Change:
        other, other_values = self.swaps[number]
        self._said |= {number, other}
        rows = sorted([(number, self.pairs[number][1]), (other, other_values)])  # as they are now
        products = dict.fromkeys(filter(None, (names.product(values) for _, values in rows)))
        (first, _), (second, _) = rows
        return Change(names.row_cells(first), " and ".join(products) or None, f"row {first}", f"row {second}",
                      "swapped")


def _key(values: list) -> str:
    return repr(values)


def _anchors(old: list, new: list) -> list[tuple[int, int]]:
    """Pairs (i, j) of rows equal on both sides and found once on each, the longest
    series increasing on both sides (a longest increasing subsequence, by bisection)."""
    old_keys, new_keys = [_key(values) for _, values in old], [_key(values) for _, values in new]
    old_count, new_count = Counter(old_keys), Counter(new_keys)
    where_new = {key: j for j, key in enumerate(new_keys) if new_count[key] == 1}
    pairs = [(i, where_new[key]) for i, key in enumerate(old_keys) if old_count[key] == 1 and key in where_new]
    tails: list[int] = []  # tails[k]: the pair ending the best series of k + 1 pairs found so far
    before: list[int] = []
    for index, (_, j) in enumerate(pairs):
        k = _bisect(pairs, tails, j)
        before.append(tails[k - 1] if k else -1)
        tails[k:k + 1] = [index]
    series, index = [], tails[-1] if tails else -1
    while index >= 0:
        series.append(pairs[index])
        index = before[index]
    return series[::-1]


def _bisect(pairs: list[tuple[int, int]], tails: list[int], j: int) -> int:
    low, high = 0, len(tails)
    while low < high:
        middle = (low + high) // 2
        if pairs[tails[middle]][1] < j:
            low = middle + 1
        else:
            high = middle
    return low


def _between(anchors: list[tuple[int, int]], old_length: int, new_length: int) -> list[tuple]:
    """Opcodes from anchors: runs of consecutive anchors `equal`, what lies between them a
    `gap` to align on its own."""
    opcodes: list[tuple] = []
    i = j = 0
    for a, b in anchors + [(old_length, new_length)]:
        if a > i or b > j:
            opcodes.append(("gap", i, a, j, b))
        if a < old_length:
            if opcodes and opcodes[-1][0] == "equal" and opcodes[-1][2] == a and opcodes[-1][4] == b:
                opcodes[-1] = ("equal", opcodes[-1][1], a + 1, opcodes[-1][3], b + 1)
            else:
                opcodes.append(("equal", a, a + 1, b, b + 1))
        i, j = a + 1, b + 1
    return opcodes


def _paired(names: "_Names", old: list, new: list) -> Iterator[Change]:
    """Rows side by side: cells edited; the longer side's rest added or removed."""
    for (old_number, old_values), (number, values) in zip(old, new):
        for index in range(max(len(old_values), len(values))):
            before = old_values[index] if index < len(old_values) else None
            after = values[index] if index < len(values) else None
            if before != after:
                yield Change(names.cell(index, number), names.product(values, old_values), plain(before), plain(after))
    for number, values in old[len(new):]:
        yield from _whole_row(names, number, values, "removed")
    for number, values in new[len(old):]:
        yield from _whole_row(names, number, values, "added")


def _whole_row(names: "_Names", number: int, values: list, change: str) -> Iterator[Change]:
    product = names.product(values)
    for index, value in enumerate(values):
        if value is not None:
            yield Change(names.cell(index, number), product,
                         None if change == "added" else plain(value), plain(value) if change == "added" else None,
                         change)


def _shifted(names: "_Names", old: list, new: list) -> Iterator[Change]:
    """Rows whose values are unchanged but whose numbers are not: a block per shift."""
    block: list[tuple[int, int]] = []
    for (old_number, _), (number, _) in zip(old, new):
        shift = number - old_number
        if block and (shift != block[-1][1] - block[-1][0] or number != block[-1][1] + 1):
            yield names.moved(block, "shifted")
            block = []
        if shift:
            block.append((old_number, number))
    if block:
        yield names.moved(block, "shifted")


class _Names:
    """Cells named as the book has them now (a field's column now, else where it was)."""

    def __init__(self, was: _Side, now: _Side, fields: tuple[str, ...] | None):
        self.sheet = now.name if now.rows or not was.rows else was.name
        self.fields = fields
        self.columns = {**was.columns, **now.columns}
        self.product_index = fields.index("product") if fields and "product" in fields else None

    def cell(self, index: int, number: int) -> str:
        column = index if self.fields is None else self.columns.get(self.fields[index], index)
        return f"{column_address(self.sheet, column)}{number}"

    def product(self, *rows: list) -> str | None:
        if self.product_index is None:
            return None
        for values in rows:
            if self.product_index < len(values) and values[self.product_index] is not None:
                return str(plain(values[self.product_index]))
        return None

    def moved(self, block: list[tuple], change: str) -> Change:
        """Rows (old number, new number[, values]) that are now elsewhere, as one change:
        `shifted`, or `moved` (with their product, when they have one)."""
        (first_was, first_now, *_), (last_was, last_now, *_) = block[0], block[-1]
        cells = self.row_cells(first_now, last_now)
        products = dict.fromkeys(filter(None, (self.product(values) for _, _, *rest in block for values in rest)))
        product = next(iter(products)) if len(products) == 1 else None
        return Change(cells, product, _rows(first_was, last_was), _rows(first_now, last_now), change)

    def row_cells(self, first: int, last: int | None = None) -> str:
        """`Usage!A7:E9`: the cells of rows `first` to `last` the sheet's columns cover."""
        last_column = max(self.columns.values(), default=0)
        return f"{column_address(self.sheet, 0)}{first}:{column_letter(last_column)}{last or first}"


def _rows(first: int, last: int) -> str:
    return f"row {first}" if first == last else f"rows {first} to {last}"


def plain(value: object) -> object:
    """A recorded value as a person reads it: a whole number without its `.0`."""
    if type(value) is float and value.is_integer() and abs(value) < 2 ** 53:
        return int(value)
    return value


def shown(value: object) -> str:
    """A canonical value as the check's text shows it."""
    if value is None:
        return "blank"
    if isinstance(value, dict):
        return f"(a text of {value['text']})" if "text" in value else "(a formula without its value)"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)
