"""The `RunRecord` sheet: giveback's own, very hidden, holding the run record and the input
values the run read (`workbook.close.record`), so that a check can name the cells that
changed since and what they held ("Usage!D14 changed from 6 to 8").

Why a sheet: every host reads a sheet's values, a live desktop book and Office.js (which
reads a very hidden sheet like any other) as well as a file; a custom XML part or the
document properties reach neither xlwings' JSON book nor Excel on the Mac. Why packed: the
values read are as many as the input's cells (a million at 200,000 rows); kept as one
compressed stream per input sheet, base64 text in cells of at most `CHUNK` characters,
they take about a twelfth of the cells' own size and a few dozen cells, which Office.js
reads in one request.

    Sheet      | Data
    Run record | {"version": "0.4.0", "time": "...", "rule": "fewest", "settings": "...",
               |  "fingerprint": "...", "sheets": {"Usage": {"name": "Usage", "hash": "...",
               |  "fields": ["product", ...], "columns": {"product": 0, ...}, "rows": 200000}, ...}}
    Usage      | z:eJzsvWuT...      (the first 32,000 characters of Usage's stream)
    Usage      | z:5kq0Lm...      (the next)
    Lots       | z:...

The `z:` in front keeps a chunk that starts with `=`, `+` or `-` from being taken for a
formula or a number by a host that writes it as typed text.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from typing import NamedTuple

from ..close.record import Recorder, RunRecord, unpack
from ..seam import Column, OutputSheet, SheetReader
from .schema import normal_name

RUN_RECORD = "RunRecord"
RECORD_LABEL = "Run record"
CHUNK = 32_000  # characters a cell: Excel holds at most 32,767
PREFIX = "z:"
FORMAT = 1


class RecordedSheet(NamedTuple):
    """An input sheet as a run read it: its name as the book spelled it, the hash of its
    lines, the fields its values stand for (None: every column from A), where each field
    was (0-based columns), and the lines (`workbook.close.record.line`)."""

    name: str
    hash: str
    fields: tuple[str, ...] | None
    columns: dict[str, int]
    lines: list[bytes]


class Recorded(NamedTuple):
    """What a run record sheet holds: the record, and each input sheet as read."""

    record: RunRecord
    sheets: dict[str, RecordedSheet]


def run_record_sheet(record: RunRecord, recorder: Recorder) -> OutputSheet:
    """The sheet of `record` and the values `recorder` read."""
    digests = recorder.digests()
    described = {
        schema: {"name": sheet.name, "hash": digests[schema], "fields": sheet.fields,
                 "columns": sheet.columns, "rows": sheet.rows}
        for schema, sheet in recorder.sheets.items()
    }
    head = {**record._asdict(), "format": FORMAT, "sheets": described}
    rows: list[tuple[str, str]] = [(RECORD_LABEL, json.dumps(head, separators=(",", ":")))]
    for schema, sheet in recorder.sheets.items():
        text = base64.b64encode(sheet.packed()).decode("ascii")
        rows += [(schema, PREFIX + text[start:start + CHUNK]) for start in range(0, len(text), CHUNK)]
    return OutputSheet(RUN_RECORD, (Column("Sheet", width=12), Column("Data", width=60)), rows, hidden=True)


def read_run_record(reader: SheetReader, names: list[str] | None = None) -> Recorded | None:
    """The run record sheet of the book behind `reader`; None when it has none, or one
    this version cannot read."""
    wanted = normal_name(RUN_RECORD)
    sheet = next((name for name in (names if names is not None else reader.sheet_names())
                  if normal_name(name) == wanted), None)
    if sheet is None:
        return None
    head, chunks = None, {}
    for row in reader.rows(sheet):
        label, data = (list(row) + [None, None])[:2]
        if label == RECORD_LABEL and isinstance(data, str):
            head = data
        elif isinstance(label, str) and isinstance(data, str) and data.startswith(PREFIX):
            chunks.setdefault(label, []).append(data[len(PREFIX):])
    try:
        return _recorded(json.loads(head), chunks) if head else None
    except (ValueError, TypeError, KeyError, binascii.Error, zlib.error):
        return None


def _recorded(head: dict, chunks: dict[str, list[str]]) -> Recorded | None:
    if head.get("format") != FORMAT:
        return None
    record = RunRecord(**{field: str(head[field]) for field in RunRecord._fields})
    sheets = {}
    for schema, described in head["sheets"].items():
        packed = base64.b64decode("".join(chunks.get(schema, [])))
        fields = tuple(described["fields"]) if described["fields"] is not None else None
        sheets[schema] = RecordedSheet(described["name"], described["hash"], fields,
                                       {key: int(column) for key, column in described["columns"].items()},
                                       unpack(packed) if packed else [])
    return Recorded(record, sheets)
