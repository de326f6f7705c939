"""Strict Open XML: the same package, its namespaces spelled otherwise.

Excel's "Strict Open XML Spreadsheet" format (ISO/IEC 29500 Strict) has the parts, content
types and relationships of a transitional workbook; only the namespaces and the
relationship types are spelled differently (`http://purl.oclc.org/ooxml/spreadsheetml/main`
for `http://schemas.openxmlformats.org/spreadsheetml/2006/main`, ...), and the workbook
says `conformance="strict"`. giveback's writer reads, edits and writes transitional XML; a
Strict package is translated at the edges, so that the output stays Strict:

- the parts giveback edits (the workbook, its relationships, the styles) are read into the
  transitional spelling (`to_transitional`) and written back in Strict's (`to_strict`);
- the parts giveback adds are written in Strict's: small ones whole (`to_strict`), streamed
  sheets through `StrictRoot`, which translates their root element's start tag, the one
  tag of a streamed part that declares namespaces;
- every other part of the user's is copied byte for byte, as in any workbook.

Only what names a namespace is translated: a namespace declaration (`xmlns="..."`,
`xmlns:r="..."`), a relationship's `Type`, or a drawing's `graphicData uri` (the namespace of
the chart it holds), inside a tag, never text, whatever a cell or a defined name holds. Tags are found by `<...>`, which is exact on XML that lxml or giveback
wrote: both escape `>` in attribute values.
"""

from __future__ import annotations

import re
from typing import IO

__all__ = ["StrictRoot", "to_strict", "to_transitional"]

TRANSITIONAL_TO_STRICT = {
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main": "http://purl.oclc.org/ooxml/spreadsheetml/main",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships": "http://purl.oclc.org/ooxml/officeDocument/relationships",
    "http://schemas.openxmlformats.org/officeDocument/2006/sharedTypes": "http://purl.oclc.org/ooxml/officeDocument/sharedTypes",
    "http://schemas.openxmlformats.org/drawingml/2006/main": "http://purl.oclc.org/ooxml/drawingml/main",
    "http://schemas.openxmlformats.org/drawingml/2006/chart": "http://purl.oclc.org/ooxml/drawingml/chart",
    "http://schemas.openxmlformats.org/drawingml/2006/chartDrawing": "http://purl.oclc.org/ooxml/drawingml/chartDrawing",
    "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing": "http://purl.oclc.org/ooxml/drawingml/spreadsheetDrawing",
    "http://schemas.openxmlformats.org/drawingml/2006/picture": "http://purl.oclc.org/ooxml/drawingml/picture",
}
_TO_STRICT = {old.encode(): new.encode() for old, new in TRANSITIONAL_TO_STRICT.items()}
_TO_TRANSITIONAL = {new: old for old, new in _TO_STRICT.items()}
_TAG = re.compile(rb"<[^>]*>")
_NAMING = re.compile(rb"""(\s(?:xmlns(?::[\w.\-]+)?|Type|uri)\s*=\s*)(["'])([^"']*)\2""")


def to_strict(xml: bytes) -> bytes:
    """`xml` with its namespaces and relationship types in Strict's spelling."""
    return _translated(xml, _TO_STRICT)


def to_transitional(xml: bytes) -> bytes:
    """`xml` with its namespaces and relationship types in the transitional spelling."""
    return _translated(xml, _TO_TRANSITIONAL)


def _translated(xml: bytes, table: dict[bytes, bytes]) -> bytes:
    def naming(match: re.Match) -> bytes:
        name, quote, uri = match.groups()
        return name + quote + _uri(uri, table) + quote

    return _TAG.sub(lambda tag: _NAMING.sub(naming, tag.group()), xml)


def _uri(uri: bytes, table: dict[bytes, bytes]) -> bytes:
    """A namespace, or a relationship type (a namespace, "/", the kind), translated."""
    if uri in table:
        return table[uri]
    stem, slash, kind = uri.rpartition(b"/")
    return table[stem] + slash + kind if stem in table else uri


class StrictRoot:
    """A write-only stream over `stream` that writes the part's root start tag (and what
    precedes it: the XML declaration) in Strict's spelling, and the rest as it comes."""

    def __init__(self, stream: IO[bytes]):
        self.stream = stream
        self.head: bytes | None = b""  # None once the root start tag has been written

    def write(self, data: bytes) -> int:
        if self.head is None:
            return self.stream.write(data)
        self.head += data
        end = _end_of_root_tag(self.head)
        if end >= 0:
            self.stream.write(to_strict(self.head[:end]) + self.head[end:])
            self.head = None
        return len(data)


def _end_of_root_tag(xml: bytes) -> int:
    """Where the root element's start tag ends in `xml` (-1 if it has not yet)."""
    for tag in _TAG.finditer(xml):
        if not tag.group().startswith((b"<?", b"<!")):
            return tag.end()
    return -1
