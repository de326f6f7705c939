"""Who has a workbook open: the owner files Excel and LibreOffice keep beside an open book.

A book open in Excel or LibreOffice must not be written under it: LibreOffice's next save
fails, and Excel's overwrites what giveback wrote. Both programs leave a small file beside
the book while it is open, each naming who opened it:

| program | beside `march.xlsx` | what it holds |
|---|---|---|
| Excel (Windows and Mac); LibreOffice too when set to | `~$march.xlsx` | 165 bytes: the user name's length (one byte), the name in the computer's 8-bit code page, spaces up to byte 55, the length again (two bytes) and the name in UTF-16 (little-endian), then spaces |
| LibreOffice (and OpenOffice) | `.~lock.march.xlsx#` | one line: the name set in LibreOffice's options (often empty), the computer's user name, the computer's name, when the book was opened (`dd.mm.yyyy hh:mm`) and LibreOffice's profile, separated by `,` (a `,` `;` or `\\` inside a field is written `\\,` ...), ending with `;` |

(The layouts are as LibreOffice reads and writes them, `svl/source/misc/msodocumentlockfile.cxx`
and `lockfilecommon.cxx`.) Both programs put the file beside the book a symbolic link
points at, so both places are looked at.

An owner file is left behind when the program crashed: the book is then not open at all.
giveback cannot tell that for certain (the program may be running on another computer of a
shared folder), so it still refuses, and its message says how to tell and what to delete.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import NamedTuple

__all__ = ["Owner", "open_by", "refusal"]

EXCEL_OWNER_SIZE = 165
_NAME_AT_EXCEL, _NAME_AT_WORD = 55, 54  # where the UTF-16 copy's length is
_LONGEST_NAME = 52  # Office refuses longer user names
_OWNER_FILE_MOST = 4096  # more than either program writes


class Owner(NamedTuple):
    """Who has a book open, as its owner file says."""

    program: str  # "Excel" or "LibreOffice"
    user: str  # "" when the file does not say
    computer: str  # "" when the file does not say (Excel's does not)
    since: str  # when it was opened: as the lock file says, else the owner file's time
    file: Path  # the owner file


def open_by(book: Path) -> Owner | None:
    """Who has `book` open, from the owner file beside it (or beside the file a symbolic
    link points at); None when neither program's owner file is there."""
    book = Path(book)
    places = [book, Path(os.path.realpath(book))]
    for folder, name in dict.fromkeys((place.parent, place.name) for place in places):
        for read in (_libreoffice_owner, _excel_owner):
            owner = read(folder, name)
            if owner is not None:
                return owner
    return None


def refusal(book: Path, owner: Owner, option: str = "-o") -> str:
    """The message for a run that wrote nothing because `book` is open: who has it, what
    to do (`option`: the command's option naming another file), and how to tell a stale
    owner file."""
    who = owner.user or "someone (the owner file does not say who)"
    where = f" on {owner.computer}" if owner.computer else ""
    folder = owner.file.parent.absolute()  # "." for a book named without its folder: no help to anyone
    return (
        f"{book.name} is open in {owner.program} by {who}{where} since {owner.since}: nothing was "
        f"written. Close it in {owner.program} and run giveback again, or write the result to another file "
        f"with {option}. If nobody has it open ({owner.program} closed without tidying up, after a crash or a power "
        f"cut), delete {owner.file.name} in {folder} and run again."
    )


def _excel_owner(folder: Path, name: str) -> Owner | None:
    data = _small_file(folder / f"~${name}")
    if data is None:
        return None
    return Owner("Excel", excel_user(data), "", _modified(folder / f"~${name}"), folder / f"~${name}")


def excel_user(data: bytes) -> str:
    """The user name in an Excel owner file: its UTF-16 copy, else its 8-bit one; "" when
    the file is not laid out as Office writes it."""
    length = data[0] if data else 0
    if not 0 < length <= _LONGEST_NAME or len(data) < _NAME_AT_EXCEL + 2:
        return ""
    at = _NAME_AT_WORD
    if data[at] == 0x20 and (data[at - 1] or data[at - 2]):  # spaces before it: Excel's place, not Word's
        at = _NAME_AT_EXCEL
    wide = data[at]
    if 0 < wide <= _LONGEST_NAME and len(data) >= at + 2 + 2 * wide:
        return data[at + 2: at + 2 + 2 * wide].decode("utf-16-le", errors="replace").strip()
    return data[1: 1 + length].decode("cp1252", errors="replace").strip()


def _libreoffice_owner(folder: Path, name: str) -> Owner | None:
    path = folder / f".~lock.{name}#"
    data = _small_file(path)
    if data is None:
        return None
    fields = lock_fields(data.decode("utf-8", errors="replace"))
    formatted, system, computer, since = (fields + ["", "", "", ""])[:4]
    return Owner("LibreOffice", formatted.strip() or system.strip(), computer.strip(),
                 _opened(since.strip()) or _modified(path), path)


def _opened(since: str) -> str:
    """LibreOffice's `06.12.2026 21:12` as `2026-12-06 21:12` (other text as it is)."""
    try:
        return dt.datetime.strptime(since, "%d.%m.%Y %H:%M").strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return since


def lock_fields(text: str) -> list[str]:
    """The fields of a LibreOffice lock file's first entry, unescaped."""
    fields, field, escaped = [], [], False
    for character in text:
        if escaped:
            field.append(character)
            escaped = False
        elif character == "\\":
            escaped = True
        elif character in ",;":
            fields.append("".join(field))
            field = []
            if character == ";":
                break
        else:
            field.append(character)
    return fields


def _small_file(path: Path) -> bytes | None:
    """The owner file's bytes; None when there is none (a folder of that name, a file
    too large to be one, or one this user may not read, is taken as there: b"")."""
    try:
        if not path.is_file():
            return None
        with path.open("rb") as file:
            return file.read(_OWNER_FILE_MOST)
    except OSError:
        return b"" if path.exists() else None


def _modified(path: Path) -> str:
    try:
        return dt.datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    except OSError:
        return "a while"
