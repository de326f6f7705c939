"""Saving a file where the accountant keeps their workbooks, as a desktop expects.

    with saving(target, like=book, unchanged=snapshot, notes=notes) as file:
        file.write(...)                     # the whole new file; nothing is at target yet

- **Never under an open book.** When Excel or LibreOffice has the target open (its owner
  file is beside it, `owners`), nothing is written (`SaveRefused` naming who has it open
  and what to do); no option overrides this.
- **Atomically.** The new file is written to a temporary file beside the target, flushed
  to disk, and only then renamed over the target: a failed or killed run leaves the
  target as it was.
- **Temporary files say what they are.** `.~giveback-march.xlsx.1a2b3c4d.tmp`: hidden (a
  leading dot), giveback's, for `march.xlsx`. A run holds its temporary file locked while
  it writes it (`flock`); the next save in that folder removes every giveback temporary
  file that no run holds (one left by a run that was killed), and only those.
- **Through links.** A symbolic link is followed: its target is written and the link kept
  (the temporary file goes beside the real file, so the rename stays on one disk). A
  file with other hard links is written in place, once its new contents are complete in
  the temporary file (then named `...pending.tmp`, so that a run killed during that copy
  is finished by the next one), so every name keeps showing the new file; when the file
  cannot be opened for writing, it is replaced and `notes` say the link was split.
- **Permissions.** The new file takes the mode of the file it replaces, or of `like` (the
  input) for a new file, with write permission for its owner: never read-only because
  the input was, so the next run can replace it.
- **The input replaced** (`unchanged`, the snapshot it was read from): if the file
  changed since it was read (saved in Excel meanwhile), nothing is replaced
  (`SaveRefused`): its newer contents are not overwritten by an output made from the
  older ones.
- **Never over an existing file** when `replace=False` (a new template): the rename is a
  link that fails if a file appeared meanwhile.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import tempfile
import zipfile
from pathlib import Path
from typing import BinaryIO, Iterator

from .owners import open_by, refusal
from .snapshot import Snapshot

try:
    import fcntl
except ImportError:  # Windows: a file open in another process cannot be removed at all
    fcntl = None

__all__ = ["PREFIX", "SUFFIX", "SaveRefused", "real_path", "refuse_if_open", "remove_stale_temporaries", "saving",
           "scratch_file"]

PREFIX = ".~giveback-"
SUFFIX = ".tmp"
PENDING = ".pending" + SUFFIX  # complete, being copied into a file with other hard links
_CHUNK = 1 << 20


class SaveRefused(Exception):
    """Nothing was saved, for a reason the message gives in an accountant's words."""


@contextlib.contextmanager
def saving(target: Path, like: Path | None = None, unchanged: Snapshot | None = None,
           notes: list[str] | None = None, replace: bool = True, option: str = "-o") -> Iterator[BinaryIO]:
    """An open temporary file beside `target` (beside the file a symbolic link points at)
    that takes the target's place when the block succeeds, and is removed when it fails.
    See the module's notes for `like`, `unchanged`, `notes` and `replace`; `option` is the
    command's option naming another file, for the refusal of a file open in Excel."""
    refuse_if_open(target, option)
    real = real_path(target)
    remove_stale_temporaries(real.parent)
    temporary, handle = create_temporary(real)
    try:
        with os.fdopen(handle, "w+b", closefd=False) as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
            _put_in_place(file, temporary, real, like, unchanged, notes if notes is not None else [], replace)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    finally:
        os.close(handle)  # and the lock with it
    _sync_folder(real.parent)


def create_temporary(real: Path) -> tuple[Path, int]:
    """A new temporary file beside `real`, named for it, open and locked: its path and
    its file descriptor."""
    temporary = real.with_name(f"{PREFIX}{real.name}.{secrets.token_hex(4)}{SUFFIX}")
    handle = os.open(temporary, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    _hold(handle)
    return temporary, handle


def refuse_if_open(target: Path, option: str = "-o") -> None:
    """SaveRefused when Excel or LibreOffice has `target` open (its owner file is there)."""
    owner = open_by(target)
    if owner is not None:
        raise SaveRefused(refusal(Path(target), owner, option))


def real_path(target: Path) -> Path:
    """The file `target` names, its symbolic links followed (a link to nowhere yet names
    the file it will create)."""
    return Path(os.path.realpath(target))


def scratch_file(target: Path):
    """An anonymous temporary file beside `target`'s real file for a writer's spill (gone
    when closed; named like giveback's temporary files while it has a name at all)."""
    return tempfile.TemporaryFile(prefix=PREFIX, suffix=".scratch" + SUFFIX, dir=real_path(target).parent)


def _put_in_place(file: BinaryIO, temporary: Path, real: Path, like: Path | None,
                  unchanged: Snapshot | None, notes: list[str], replace: bool) -> None:
    if unchanged is not None and unchanged.changed():
        raise SaveRefused(
            f"{unchanged.path.name} changed while giveback worked on it (it was saved or synced again): nothing "
            "was written, so its newer contents are kept. Run giveback again on the book as it is now.")
    existing = _status(real)
    os.chmod(temporary, _mode(existing, like))
    if existing is not None:
        with contextlib.suppress(OSError):
            os.chown(temporary, -1, existing.st_gid)  # a shared folder's group, where allowed
    if not replace:
        _link_new(temporary, real)
    elif existing is not None and existing.st_nlink > 1 and stat.S_ISREG(existing.st_mode):
        _write_through_hard_link(file, temporary, real, existing, notes)
    else:
        os.replace(temporary, real)


def _link_new(temporary: Path, real: Path) -> None:
    """Give the finished file its name only if no file has it (never overwrite)."""
    try:
        os.link(temporary, real)
    except FileExistsError:
        raise SaveRefused(f"{real} already exists; giveback will not overwrite it. Choose another name.") from None
    os.unlink(temporary)


def _write_through_hard_link(file: BinaryIO, temporary: Path, real: Path, existing: os.stat_result,
                             notes: list[str]) -> None:
    """Copy the finished file into the existing one, so that its other names (hard links)
    show it too; when it cannot be opened for writing, replace it and say the link split."""
    try:
        into = open(real, "r+b")
    except OSError:
        os.replace(temporary, real)
        notes.append(f"{real.name} had {existing.st_nlink - 1} other hard link(s) and could not be written in "
                     "place (no permission): it was replaced, so those other names still show the old file.")
        return
    pending = temporary.with_name(temporary.name[: -len(SUFFIX)] + PENDING)
    os.replace(temporary, pending)  # complete: a run killed from here on is finished by the next
    try:
        with into:
            file.seek(0)
            _copy(file, into)
    except OSError:  # the disk filled up during the copy: the complete file takes the name instead
        os.replace(pending, real)
        notes.append(f"{real.name} had {existing.st_nlink - 1} other hard link(s) and could not be written in "
                     "place: it was replaced, so those other names still show the old file.")
        return
    os.unlink(pending)


def _copy(source: BinaryIO, into: BinaryIO) -> None:
    into.seek(0)
    while chunk := source.read(_CHUNK):
        into.write(chunk)
    into.truncate()
    into.flush()
    os.fsync(into.fileno())


def _mode(existing: os.stat_result | None, like: Path | None) -> int:
    """The file replaced's permissions, or the input's for a new file (else the usual
    ones), always writable by their owner."""
    status = existing or (_status(like) if like is not None else None)
    if status is None:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask
    return stat.S_IMODE(status.st_mode) & 0o777 | stat.S_IWUSR


def _status(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Remove giveback's temporary files in `folder` that no running giveback holds (left
    by a run that was killed); a `...pending.tmp` is first copied into the file it was
    being copied into, when that file is damaged. Returns those removed."""
    removed = []
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith(PREFIX) and entry.name.endswith(SUFFIX) and entry.is_file(follow_symlinks=False):
                if _remove_if_stale(Path(entry.path)):
                    removed.append(Path(entry.path))
    return removed


def _remove_if_stale(path: Path) -> bool:
    if fcntl is None:  # Windows: a file a run has open cannot be removed
        with contextlib.suppress(OSError):
            os.unlink(path)
            return True
        return False
    try:
        handle = os.open(path, os.O_RDWR)
    except OSError:
        return False
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # a running giveback holds it
        if path.name.endswith(PENDING):
            _finish_pending(path)
        os.unlink(path)
        return True
    except OSError:
        return False
    finally:
        os.close(handle)


def _finish_pending(pending: Path) -> None:
    """A run was killed while copying a complete file into one with hard links: finish the
    copy if that file is damaged (cut short by the kill); a sound file is left as it is."""
    name = pending.name[len(PREFIX): -len(PENDING)].rpartition(".")[0]  # drop the random part
    target = pending.with_name(name)
    if not target.is_file() or _sound_zip(target):
        return
    with open(pending, "rb") as source, open(target, "r+b") as into:
        _copy(source, into)


def _sound_zip(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.testzip() is None
    except (OSError, zipfile.BadZipFile, EOFError, ValueError):
        return False


def _hold(handle: int) -> None:
    """Lock the temporary file while it is written, so no other run takes it for stale."""
    if fcntl is not None:
        with contextlib.suppress(OSError):
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
