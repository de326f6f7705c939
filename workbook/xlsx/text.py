"""Any text, written so that Excel, LibreOffice and openpyxl read it back as it was.

XML 1.0 cannot carry most control characters (`\\x01`, a form feed), lone UTF-16
surrogates, or U+FFFE/U+FFFF: one of them in a part makes the whole file unreadable to an
XML parser (openpyxl refuses it; Excel calls the file damaged); a carriage return it reads
back as a line feed. Office writes each such character as `_xHHHH_` (its code in hex) in
cells, shared strings, chart text, names and attributes, and reads `_xHHHH_` back as the
character; so a text that itself holds `_x0001_` has its underscore written `_x005F_` to
stay text (ERP exports carry control characters in product codes exactly this way, and a
product code read from such a file arrives here as the character). Every text giveback
writes goes through `xml_text` or `xml_attribute`, after `&`, `<`, `>` (and quotes in
attributes) are escaped.

A cell holds at most 32,767 characters, counted as Excel counts them (UTF-16 units: an
emoji is two); `within_cell` cuts a longer text there and says so at its end, rather than
write a cell Excel refuses to open.

(References to a sheet are spelled by `seam.sheet_reference`, for every writer.)
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr

__all__ = ["CUT_NOTE", "MAX_TEXT", "escape_characters", "within_cell", "xml_attribute", "xml_text"]

MAX_TEXT = 32_767  # Excel's limit on a cell's text, in UTF-16 units
CUT_NOTE = " [cut: an Excel cell holds 32,767 characters]"
NOT_XML_CHARACTER = re.compile(r"[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")  # and \r, which XML reads as \n
_LOOKS_LIKE_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


def escape_characters(text: str) -> str:
    """Office's `_xHHHH_` for each character XML cannot carry, and `_x005F_` for the
    underscore of a text that already reads like one."""
    if "_x" in text:
        text = _LOOKS_LIKE_ESCAPE.sub(r"_x005F_\1", text)
    return NOT_XML_CHARACTER.sub(lambda match: f"_x{ord(match.group()):04X}_", text)


def xml_text(text: str) -> str:
    """`text` as an element's content."""
    return escape(escape_characters(text))


def xml_attribute(text: str) -> str:
    """`text` as an attribute's value, quotes included."""
    return quoteattr(escape_characters(text))


def within_cell(text: str) -> str:
    """`text` as a cell holds it: unchanged up to 32,767 UTF-16 units, else cut there (never
    inside a character) with `CUT_NOTE` at its end."""
    if len(text) <= MAX_TEXT // 2 or (len(text) <= MAX_TEXT and text.isascii()):
        return text
    units = text.encode("utf-16-le", "surrogatepass")
    if len(units) <= 2 * MAX_TEXT:
        return text
    kept = units[: 2 * (MAX_TEXT - len(CUT_NOTE))]
    if 0xD8 <= kept[-1] <= 0xDB:  # the first half of a pair: leave the character out whole
        kept = kept[:-2]
    return kept.decode("utf-16-le", "surrogatepass") + CUT_NOTE
