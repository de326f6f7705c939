"""One read of the user's workbook file: the snapshot every reader and the writer use.

A workbook on a desktop is often being written while giveback reads it: a sync client
puts the version from another computer in its place, Excel or LibreOffice saves it. A
run that opened the path several times (the fast reader, the guard, the package writer)
could mix two versions in one output, one version's Adjustments beside the other's Usage
sheet, or call a sound file damaged because its two halves came from different saves.
So the file is read once, whole, into memory, and that read is checked:

1. The path is looked at (`os.stat`), opened, looked at through the open file before and
   after reading it, and looked at again by its path afterwards. Its identity (device and
   inode: a file put in its place by a rename is another file), size, modification and
   change times must agree all four times, and the bytes read must be as many as its size.
2. When they do not, the file was being written: it is read again after a short pause, a
   few times, and then refused as "changed while reading", with nothing written. An empty
   file (a save that truncated it first) is looked at again the same way before it is
   called empty, and a file the guard refuses is read again and judged anew if its bytes
   changed (`guard.check_workbook_file`), rather than called damaged: a program saving
   over the file in place can finish within one tick of the file system's clock, leaving
   its size and times as they were, and only the parts' checksums tell the read was mixed.

The bytes then travel through `workbook/` as a `Snapshot`: the guard judges them once
(`guard.check_workbook`), calamine, giveback's stream reader and openpyxl each read their
own in-memory stream over them, and the package writer copies the user's parts from them.
No reader or writer opens the path again. When the output replaces the input itself
(`--in-place`), the writer asks `changed()` just before the rename, so a book saved in
the meantime is not overwritten with an output made from its older version.

What is at the path is judged here too, before anything is read: missing, a folder, a
device or pipe (reading one could wait forever), unreadable by this user, empty, larger
than any workbook giveback will hold in memory. Each is an `UnreadableWorkbook` with a
stable code and one line for the accountant naming the file.
"""

from __future__ import annotations

import io
import os
import stat
import time
import zipfile
from pathlib import Path
from typing import NamedTuple

__all__ = ["ATTEMPTS", "MAX_FILE_BYTES", "PAUSE", "Identity", "Snapshot", "UnreadableWorkbook", "changed_while_reading"]

MAX_FILE_BYTES = 1 << 30  # 1 GB: Excel's largest real workbooks are a few hundred MB
ATTEMPTS = 5  # reads of a file that keeps changing before it is refused
PAUSE = 0.2  # seconds between them: a save or a sync usually ends within a second


class UnreadableWorkbook(Exception):
    """A file that cannot be read as a workbook at all: one line for the accountant
    (`message`, naming the file), a stable `code`, and the `path`."""

    def __init__(self, path: Path | str, code: str, message: str) -> None:
        super().__init__(message)
        self.path = Path(path)
        self.code = code
        self.message = message


class Identity(NamedTuple):
    """What tells one version of a file from another without reading it."""

    device: int
    inode: int
    size: int
    modified_ns: int
    changed_ns: int

    @classmethod
    def of(cls, status: os.stat_result) -> "Identity":
        return cls(status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


class _NamedBytes(io.BytesIO):
    """An in-memory stream that carries the file's name, so that `zipfile` and openpyxl
    name the file in their messages (`ZipFile.filename`); nothing opens that name."""

    def __init__(self, data: bytes, name: str):
        super().__init__(data)
        self.name = name


class Snapshot:
    """The bytes of the workbook at `path`, read once and checked to be one version.

    `path` is what the user named, for messages and for the writer to know where the
    input lives; it is never read again. `checked` is set by the guard once it has judged
    the bytes, so that a reader handed the snapshot does not judge them twice."""

    __slots__ = ("path", "data", "identity", "checked")

    def __init__(self, path: Path, data: bytes, identity: Identity):
        self.path, self.data, self.identity = Path(path), data, identity
        self.checked = False

    @classmethod
    def take(cls, path: Path | str, attempts: int = ATTEMPTS, pause: float = PAUSE) -> "Snapshot":
        """Read the file at `path` once, whole, as one version (see the module's notes);
        raises UnreadableWorkbook for what is not a readable file or keeps changing."""
        path = Path(path)
        taken = None
        for attempt in range(attempts):
            if attempt:
                time.sleep(pause)
            taken = _read_once(path)
            if taken is not None and taken.data:
                return taken
        if taken is not None:  # empty each time it was looked at, not just while being saved
            raise UnreadableWorkbook(path, "empty", f"{path.name} is empty (0 bytes): it may not have finished saving or copying.")
        raise changed_while_reading(path)

    def stream(self) -> io.BytesIO:
        """A new stream over the bytes, positioned at 0 (each reader gets its own: the
        bytes are shared, not copied)."""
        return _NamedBytes(self.data, str(self.path))

    def zip(self) -> zipfile.ZipFile:
        """The bytes as a zip archive of their own (close it, or use `with`)."""
        return zipfile.ZipFile(self.stream())

    def recently_modified(self, seconds: float = 5.0) -> bool:
        """Whether the version read was saved in the last few seconds (a save may be under
        way: worth a second look before calling the file damaged)."""
        return abs(time.time_ns() - self.identity.modified_ns) < seconds * 1e9

    def changed(self) -> bool:
        """Whether the file at `path` is no longer the version read (saved again, replaced,
        removed)."""
        try:
            return Identity.of(os.stat(self.path)) != self.identity
        except OSError:
            return True


def changed_while_reading(path: Path) -> UnreadableWorkbook:
    """The refusal for a file that kept changing while it was read."""
    return UnreadableWorkbook(
        path, "changed_while_reading",
        f"{path.name} changed while giveback was reading it (it is being saved or synced): nothing was "
        "written. Wait until it is saved, or its sync has finished, and run giveback again.")


def _read_once(path: Path) -> Snapshot | None:
    """The file's bytes if it stayed one version while read, else None."""
    before = _looked_at(path)
    try:
        with path.open("rb") as file:
            opened = os.fstat(file.fileno())
            if opened.st_size > MAX_FILE_BYTES:
                raise _too_large(path, opened.st_size)
            data = file.read(opened.st_size + 1)  # one byte more tells a file that grew
            after = os.fstat(file.fileno())
        now = os.stat(path)
    except FileNotFoundError:
        return None  # removed while read: replaced by a rename, or being saved
    except PermissionError:
        raise _no_permission(path) from None
    except OSError as error:
        raise UnreadableWorkbook(path, "cannot_open", f"{path.name} cannot be opened: {error.strerror or error}.") from None
    versions = {Identity.of(status) for status in (before, opened, after, now)}
    if len(versions) > 1 or len(data) != after.st_size:
        return None
    return Snapshot(path, data, versions.pop())


def _looked_at(path: Path) -> os.stat_result:
    """The file's status; refusals for what is not a regular file this user can read."""
    try:
        status = os.stat(path)
    except FileNotFoundError:
        raise UnreadableWorkbook(path, "missing", f"{path.name} was not found: check the name and the folder ({path.parent}).") from None
    except PermissionError:
        raise _no_permission(path) from None
    except OSError as error:
        raise UnreadableWorkbook(path, "cannot_open", f"{path.name} cannot be opened: {error.strerror or error}.") from None
    if stat.S_ISDIR(status.st_mode):
        raise UnreadableWorkbook(path, "folder", f"{path.name} is a folder, not a workbook file: choose the .xlsx file inside it.")
    if not stat.S_ISREG(status.st_mode):
        raise UnreadableWorkbook(path, "not_a_file", f"{path.name} is not a file but a device or pipe: choose a saved workbook file.")
    if status.st_size > MAX_FILE_BYTES:
        raise _too_large(path, status.st_size)
    return status


def _no_permission(path: Path) -> UnreadableWorkbook:
    return UnreadableWorkbook(path, "no_permission", f"{path.name} cannot be opened: you do not have permission to read it.")


def _too_large(path: Path, size: int) -> UnreadableWorkbook:
    return UnreadableWorkbook(
        path, "too_large", f"{path.name} is {size / (1 << 20):,.0f} MB, more than the {MAX_FILE_BYTES >> 20:,} MB "
        "giveback reads: it is probably not a workbook of usage, or mostly pictures; save the usage sheets in a "
        "workbook of their own.")
