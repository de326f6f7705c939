"""The run record (SPEC section 11): what a reconciled book was computed from.

A reconcile run records giveback's version, the time, the rule and settings it ran with
(the `Policy`, as run) and a fingerprint of the input values it read, so that `giveback
check` can later tell whether the outputs still match the inputs, and name what changed.

What is fingerprinted is what the codecs read, not the file: for Usage, Lots and Counts
the cells of the columns their schema knows, on every row below the header with a cell
in them; for Settings every non-blank row (its few cells are all settings).
Formats, notes, other sheets, unknown columns, title rows and blank rows are not read, so
editing them keeps the book current.

Each value is put in a canonical form that every host gives alike: a number is a float
(calamine reads 5.0 where Office.js sends 5), a date cell is its ISO date whether the
reader made it a date or a datetime, empty text is a blank. So a book reconciled on the
command line is current for Excel's Check button, and the other way round.

The rows recorded (those not blank in every column read) go in batches of `BATCH` rows, a
batch one line of JSON: the rows' numbers (the first, then the step to each next one: 1,
mostly) and each field's values as a column, in the schema's order:

    Usage, rows 2 to 4097   [[2,1,1,...],["GASKET","GASKET",...],[6.0,-4.0,...],[...],...]
    Settings                [[1,1],["Setting","lot_order"],["Value","lifo"]]

Each sheet's lines are hashed (SHA-256) and, on a reconcile, kept zlib-compressed for the
run record sheet (`workbook.sheets.run_record`), so that a later check can name the cells
that changed and what they held (`rows_of`). The fingerprint is the SHA-256 of the four
sheets' hashes in schema order: it does not depend on the order the sheets are read in.

Cost: the rows the codecs read anyway pass through one more generator, which takes
them a chunk at a time; values are made canonical a column of a line at a time (a
column of one type in one comprehension), and the lines are compressed on a second
thread as they are made; columns of like values compress to about a twelfth
(`bench/record.py` has the figures).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import zlib
from decimal import Decimal
from itertools import accumulate, compress, islice, zip_longest
from operator import itemgetter, sub
from typing import Iterable, Iterator, NamedTuple, Sequence

from core.models import Policy

from ..seam import Uncalculated
from ..xlsx.background import BackgroundWriter, in_background
from ..sheets.schema import INPUTS, Header, NumberedRow, Schema

PROPERTY_NAMES = ("giveback_version", "giveback_rule", "giveback_settings", "giveback_fingerprint", "giveback_time")
LONGEST_TEXT = 1_000  # characters of a text recorded as it is; a longer one is recorded by its digest
BATCH = 4_096  # rows a line, at least
LINE_END = 512  # a line of a sheet's known columns ends at a row numbered a multiple of this (`SheetRead.extend`)
CHUNK = 4_096  # rows `known_columns` takes at once
COMPRESSION = 4  # zlib's level: 4% larger than its default 6 on the benchmark book, 2.7 times as fast
UNCALCULATED_VALUE = {"formula": "without a value"}
_encode = json.JSONEncoder(separators=(",", ":")).encode
_HALF_SECOND = dt.timedelta(microseconds=500_000)


def version() -> str:
    """giveback's version as installed ("(not installed)" in a checkout never installed)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("giveback")
    except PackageNotFoundError:
        return "(not installed)"


def now() -> dt.datetime:
    """The time of a run, in UTC to the second; `SOURCE_DATE_EPOCH` (seconds since 1970,
    the reproducible-builds convention) fixes it, for outputs that must not vary."""
    fixed = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if fixed.isdigit():
        return dt.datetime.fromtimestamp(int(fixed), dt.timezone.utc)
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def canonical(value: object) -> object:
    """A cell's value as every host gives it (see the module's docstring): None, a bool,
    a float (every number: calamine reads 5.0 where Office.js sends 5), text, or a dict
    standing for what is not a value (a formula saved without its result, a text too long
    to keep)."""
    kind = type(value)
    if kind is str:
        if len(value) > LONGEST_TEXT:
            return {"text": f"{len(value):,} characters",
                    "sha256": hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()}
        return value or None
    if kind is float or value is None or kind is bool:
        return value
    if kind is int:
        return float(value)
    if kind is dt.date:
        return value.isoformat()
    if isinstance(value, dt.datetime):
        value = (value.replace(tzinfo=None) + _HALF_SECOND).replace(microsecond=0)  # to the nearest second
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Uncalculated):
        return UNCALCULATED_VALUE
    if isinstance(value, (int, float, str)):  # subclasses (numpy's, xlwings')
        return canonical((int if isinstance(value, int) else float if isinstance(value, float) else str)(value))
    return str(value)


_TEXT, _FLOATS, _NUMBERS = {str, type(None)}, {float, type(None)}, {float, int, type(None)}


def canonical_column(values: Sequence[object]) -> list:
    """`canonical` of every value, the common columns without a Python call a value: text
    (unchanged unless too long or empty), a file's numbers (floats already), dates."""
    kinds = set(map(type, values))
    if kinds <= _TEXT and "" not in values and max(map(len, filter(None, values)), default=0) <= LONGEST_TEXT:
        return list(values)
    if kinds <= _FLOATS:
        return list(values)
    if kinds <= _NUMBERS:
        return [float(value) if type(value) is int else value for value in values]
    if kinds == {dt.date}:  # a year's rows have at most 366 dates: each written once
        return list(map({date: date.isoformat() for date in set(values)}.__getitem__, values))
    return [canonical(value) for value in values]


def batch_line(numbers: Sequence[int], rows: Sequence[Sequence[object]]) -> bytes:
    """Rows `numbers` as one line: their numbers as steps, their values by column."""
    return columns_line(numbers, list(zip_longest(*rows)))


def columns_line(numbers: Sequence[int], columns: Sequence[Sequence[object]]) -> bytes:
    """`batch_line` of rows given as their columns."""
    steps = [numbers[0], *map(sub, numbers[1:], numbers)]
    return _encode([steps, *map(canonical_column, columns)]).encode("ascii") + b"\n"


def rows_of(lines: Iterable[bytes]) -> list[tuple[int, list]]:
    """The recorded rows of a sheet's lines: (row number, values), trailing blanks dropped."""
    rows = []
    for text in lines:
        steps, *columns = json.loads(text)
        for number, values in zip(accumulate(steps), zip(*columns) if columns else ((),) * len(steps)):
            values = list(values)
            while values and values[-1] is None:
                values.pop()
            rows.append((number, values))
    return rows


class SheetRead:
    """What was read of one input sheet: the hash of its lines and, as asked, the lines
    themselves (`keep`, for a check's comparison) or their compressed stream (`pack`, for
    the run record sheet). `name` is the sheet's name as the book spells it; `fields`
    names the values after the row number: the schema's field keys, or None for every
    column from A (Settings); `columns` says where each field was on the sheet (0-based),
    for naming its cells."""

    def __init__(self, name: str, fields: tuple[str, ...] | None, columns: dict[str, int],
                 keep: bool, pack: bool):
        self.name, self.fields, self.columns = name, fields, columns
        self.rows = 0
        self.lines: list[bytes] | None = [] if keep else None
        self._hash = hashlib.sha256()
        self._compressed = Compressed() if pack else None
        self._packing: BackgroundWriter | Compressed | None = None  # the lines on their way to `_compressed`
        self._numbers: list[int] = []
        self._batch: list[Sequence[object]] = []  # the rows added one by one (`add`)
        self._columns: list[list] = []  # or the columns of the rows added a chunk at a time (`extend`)

    def add(self, number: int, values: Sequence[object]) -> None:
        self._numbers.append(number)
        self._batch.append(values)
        if len(self._batch) >= BATCH:
            self._flush()

    def extend(self, numbers: Sequence[int], columns: Sequence[Sequence[object]]) -> None:
        """Rows added in order, given as their columns, a line ending, once it has `BATCH`
        rows, at the first row numbered a multiple of `LINE_END` (the lines of rows added
        one by one, a line ended at each such row once long enough)."""
        pending = len(self._numbers)
        self._numbers.extend(numbers)
        self._columns = self._columns or [[] for _ in columns]
        for kept, column in zip(self._columns, columns):
            kept.extend(column)
        for index in [index for index, number in enumerate(numbers) if number % LINE_END == 0]:
            end = pending + index + 1
            if end >= BATCH:
                self._flush(end)
                pending -= end

    def _flush(self, end: int | None = None) -> None:
        """The first `end` rows (every row) as a line."""
        if not self._numbers:
            return
        end = len(self._numbers) if end is None else end
        if self._columns:
            data = columns_line(self._numbers[:end], [column[:end] for column in self._columns])
            for column in self._columns:
                del column[:end]
        else:
            data = batch_line(self._numbers[:end], self._batch[:end])
            del self._batch[:end]
        self.rows += end
        del self._numbers[:end]
        self._hash.update(data)
        if self._compressed is not None:
            if self._packing is None:
                self._packing = in_background(self._compressed)
            self._packing.write(data)
        if self.lines is not None:
            self.lines.append(data)

    def done(self) -> None:
        """Every row has been read (or the reading stopped): the last line is made, and
        compressed, and the thread that compressed the lines ends."""
        self._flush()
        if isinstance(self._packing, BackgroundWriter):
            self._packing.close()
        self._packing = None

    def digest(self) -> str:
        self._flush()
        return self._hash.hexdigest()

    def packed(self) -> bytes:
        """The lines, zlib-compressed (once every row has been read)."""
        self.done()
        return b"" if self._compressed is None else self._compressed.packed()


class Compressed:
    """A stream that keeps what is written to it zlib-compressed. The run record's lines
    are handed to it on a second thread (`in_background`) while the sheet is read:
    compressing them there (zlib lets go of Python's lock) takes 0.09 s of the 200k-row
    book's run off the main thread, and only the compressed lines are kept."""

    def __init__(self) -> None:
        self._packer = zlib.compressobj(COMPRESSION)
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(self._packer.compress(data))
        return len(data)

    def packed(self) -> bytes:
        if self._packer is not None:
            self._parts.append(self._packer.flush())
            self._packer = None
        return b"".join(self._parts)


def unpack(packed: bytes) -> list[bytes]:
    """The lines of a sheet's compressed stream."""
    return zlib.decompress(packed).splitlines(keepends=True)


class Recorder:
    """Records the input values the codecs read, by wrapping the rows on their way to
    them (`known_columns`, `every_cell`). `keep` keeps each sheet's lines (a check
    compares them); `pack` compresses them for the run record sheet (a reconcile)."""

    def __init__(self, keep: bool = False, pack: bool = True):
        self.keep, self.pack = keep, pack
        self.sheets: dict[str, SheetRead] = {}

    def known_columns(self, schema: Schema, header: Header, rows: Iterable[NumberedRow]) -> Iterator[NumberedRow]:
        """`rows`, passed on unchanged, their cells in the schema's columns recorded (a
        chunk of rows at a time)."""
        columns = [header.columns.get(field.key) for field in schema.fields]
        sheet = self._sheet(schema, header.sheet, tuple(field.key for field in schema.fields), dict(header.columns))
        rows = iter(rows)
        try:
            while chunk := list(islice(rows, CHUNK)):
                numbers, cells = zip(*chunk)
                values = [_column_of(cells, column) for column in columns]
                if all(None in column for column in values):  # perhaps a row blank in every column read:
                    numbers, values = _not_blank(numbers, values)  # such rows are not recorded
                sheet.extend(numbers, values)
                yield from chunk
        finally:  # also when the reading stops early: no thread is left behind
            sheet.done()

    def every_cell(self, schema: Schema, name: str, rows: Iterable[NumberedRow]) -> Iterator[NumberedRow]:
        """`rows` of sheet `name`, passed on unchanged, every non-blank one recorded whole."""
        sheet = self._sheet(schema, name, None, {})
        try:
            for number, row in rows:
                if any(canonical(value) is not None for value in row):
                    sheet.add(number, list(row))
                yield number, row
        finally:
            sheet.done()

    def _sheet(self, schema: Schema, name: str, fields: tuple[str, ...] | None, columns: dict[str, int]) -> SheetRead:
        sheet = SheetRead(name, fields, columns, self.keep, self.pack)
        self.sheets[schema.sheet] = sheet
        return sheet

    def digests(self) -> dict[str, str]:
        """Each input sheet's hash, by the schema's sheet name; a sheet not read (absent,
        or blank) has the hash of no lines."""
        empty = hashlib.sha256().hexdigest()
        return {schema.sheet: self.sheets[schema.sheet].digest() if schema.sheet in self.sheets else empty
                for schema in INPUTS}

    def fingerprint(self) -> str:
        return fingerprint_of(self.digests())

    def record(self, policy: Policy, when: dt.datetime | None = None) -> "RunRecord":
        return RunRecord(version=version(), time=_iso(when or now()), rule=policy.rule,
                         settings=settings_text(policy), fingerprint=self.fingerprint())


def _column_of(rows: Sequence[Sequence[object]], column: int | None) -> list:
    """The rows' cells in `column` (in C when every row reaches it: readers pad rows),
    None for a column the sheet lacks or a row that does not reach it."""
    if column is None:
        return [None] * len(rows)
    try:
        return list(map(itemgetter(column), rows))
    except IndexError:  # a short row (a reader that does not pad)
        return [row[column] if column < len(row) else None for row in rows]


def _not_blank(numbers: Sequence[int], columns: list[list]) -> tuple[Sequence[int], list[list]]:
    """The numbers and columns of the rows with a cell in some column."""
    kept = [row.count(None) < len(row) for row in zip(*columns)]
    return list(compress(numbers, kept)), [list(compress(column, kept)) for column in columns]


def fingerprint_of(digests: dict[str, str]) -> str:
    """The fingerprint of the inputs: the hash of each input sheet's hash, in schema order."""
    joined = "".join(f"{schema.sheet}:{digests[schema.sheet]}\n" for schema in INPUTS)
    return hashlib.sha256(joined.encode("ascii")).hexdigest()


def settings_text(policy: Policy) -> str:
    """The policy's settings but the rule, as JSON text (`{"lot_order":"fifo","max_loops":10000}`),
    whatever fields the policy has."""
    settings = policy.model_dump(mode="json", exclude={"rule"}, exclude_none=True)
    return json.dumps(settings, sort_keys=True, separators=(",", ":"))


def _iso(when: dt.datetime) -> str:
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class RunRecord(NamedTuple):
    """One reconcile run: giveback's `version`, the `time` (ISO 8601, UTC), the `rule`, the
    other `settings` of the policy (JSON text) and the `fingerprint` of the inputs read
    (64 hex digits). All text: they are the book's custom document properties."""

    version: str
    time: str
    rule: str
    settings: str
    fingerprint: str

    def same_run(self, other: "RunRecord") -> bool:
        """Whether `other` makes the lines this run made: the same inputs, read by the same
        giveback (the rule and settings are the run's whenever a check or export runs again)."""
        return (self.fingerprint, self.version) == (other.fingerprint, other.version)

    def properties(self) -> dict[str, str]:
        """The custom document properties: `giveback_version`, ... `giveback_time`."""
        return dict(zip(PROPERTY_NAMES, (self.version, self.rule, self.settings, self.fingerprint, self.time)))

    @classmethod
    def from_properties(cls, properties: dict[str, str]) -> "RunRecord | None":
        """The record kept in a book's custom properties; None unless all five are there."""
        if not all(isinstance(properties.get(name), str) for name in PROPERTY_NAMES):
            return None
        version, rule, settings, fingerprint, time = (properties[name] for name in PROPERTY_NAMES)
        return cls(version=version, time=time, rule=rule, settings=settings, fingerprint=fingerprint)

    def policy_overrides(self) -> dict[str, object] | None:
        """The policy the run used, as overrides for another run of the same inputs (a
        check's follow-up, an export); None when this version cannot read it."""
        try:
            settings = json.loads(self.settings)
            Policy(rule=self.rule, **settings)
        except (ValueError, TypeError):
            return None
        return {"rule": self.rule, **settings}

    def shown_time(self) -> str:
        """`2026-03-05 14:02 UTC`."""
        return self.time.replace("T", " ")[:16] + " UTC" if len(self.time) >= 16 else self.time
