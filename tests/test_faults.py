"""Faults while writing (issue 6): a missing or read-only output folder, a full disk, the
process killed during a save. Each ends with exit 2 and one line in an accountant's words,
no file (partial or not) at the target, and the input byte-identical.

A save killed by SIGKILL cannot clean up after itself: it may leave giveback's temporary
file beside the target, named `.~giveback-TARGET.xlsx.XXXXXXXX.tmp` (hidden, and not an
.xlsx, so neither Excel's file dialogs nor giveback ever open it); the next save in that
folder removes it (`workbook.files.saving`). The target itself is only ever replaced whole
(`os.replace`), so it is either absent, the old file, or the complete new one.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import hostile_files as hostile
from giveback.cli import main
from workbook.files import saving
from workbook.xlsx import package, sheetxml, zipcopy
from workbooks import digest, sheet_names, sheets, usage_rows, xlsx

TEMPORARY_SUFFIX = ".tmp"


@pytest.fixture
def book(tmp_path):
    return xlsx(tmp_path / "march.xlsx", sheets(usage=usage_rows("A", [2, -2]) + usage_rows("B", [-20, 3])))


def run(capsys, *argv) -> tuple[int, str, str]:
    status = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return status, out, err


def assert_refused(status: int, err: str, *words: str) -> None:
    assert status == 2 and err.count("\n") == 1 and "Traceback" not in err
    for word in words:
        assert word in err, err


def leftovers(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.endswith(TEMPORARY_SUFFIX))


# Where the output goes ------------------------------------------------------------------------


def test_an_output_folder_that_does_not_exist(capsys, tmp_path, book):
    before = digest(book)
    status, out, err = run(capsys, "reconcile", book, "-o", tmp_path / "missing" / "dir" / "out.xlsx")
    assert_refused(status, err, "does not exist", str(tmp_path / "missing" / "dir"))
    assert digest(book) == before and not (tmp_path / "missing").exists()


@pytest.mark.parametrize("where", [(package.os, "replace"), (saving, "create_temporary")])
def test_a_folder_giveback_may_not_write_in(capsys, monkeypatch, tmp_path, book, where):
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    module, name = where
    monkeypatch.setattr(module, name, refuse)
    before = digest(book)
    status, out, err = run(capsys, "reconcile", book, "-o", tmp_path / "out.xlsx")
    assert_refused(status, err, "permission")
    assert not (tmp_path / "out.xlsx").exists() and leftovers(tmp_path) == [] and digest(book) == before


@pytest.fixture
def immutable_folder(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    try:
        subprocess.run(["chattr", "+i", str(folder)], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("chattr +i is not available here")
    yield folder
    subprocess.run(["chattr", "-i", str(folder)], check=False)


def test_an_immutable_folder(capsys, book, immutable_folder):
    before = digest(book)
    status, out, err = run(capsys, "reconcile", book, "-o", immutable_folder / "out.xlsx")
    assert_refused(status, err, "permission")
    assert os.listdir(immutable_folder) == [] and digest(book) == before


# A full disk ----------------------------------------------------------------------------------


def disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_mid_sheet(capsys, monkeypatch, tmp_path, book):
    write_sheet = sheetxml.write_sheet

    def failing_after_a_row(stream, output, styles, rows, *rest):
        def rows_then_full():
            yield next(rows)
            disk_full()

        return write_sheet(stream, output, styles, rows_then_full(), *rest)

    monkeypatch.setattr(package.sheetxml, "write_sheet", failing_after_a_row)
    before = digest(book)
    status, out, err = run(capsys, "reconcile", book, "-o", tmp_path / "out.xlsx")
    assert_refused(status, err, "disk is full")
    assert not (tmp_path / "out.xlsx").exists() and leftovers(tmp_path) == [] and digest(book) == before


def test_a_full_disk_while_assembling_the_file(capsys, monkeypatch, tmp_path, book):
    writer_for = zipcopy.writer_for

    def failing_writer(target, *args):
        writer = writer_for(target, *args)
        writer.finish = disk_full
        return writer

    monkeypatch.setattr(package.zipcopy, "writer_for", failing_writer)
    before = digest(book)
    status, out, err = run(capsys, "reconcile", book, "-o", tmp_path / "out.xlsx")
    assert_refused(status, err, "disk is full")
    assert not (tmp_path / "out.xlsx").exists() and leftovers(tmp_path) == [] and digest(book) == before


def test_a_full_disk_in_place_keeps_the_original(capsys, monkeypatch, book):
    monkeypatch.setattr(package.os, "fsync", disk_full)
    before = digest(book)
    status, out, err = run(capsys, "reconcile", book, "--in-place")
    assert_refused(status, err, "disk is full")
    assert digest(book) == before and leftovers(book.parent) == []


@pytest.fixture
def tiny_disk(tmp_path):
    folder = tmp_path / "tiny"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here")
    yield folder
    subprocess.run(["umount", str(folder)], check=False)


def test_a_really_full_disk(capsys, tmp_path, tiny_disk):
    book = hostile.large_usage_workbook(tmp_path, rows=20_000, products=2_000)
    before = digest(book)
    status, out, err = run(capsys, "reconcile", book, "-o", tiny_disk / "out.xlsx")
    assert_refused(status, err, "disk is full")
    assert os.listdir(tiny_disk) == [] and digest(book) == before


# Killed during a save -------------------------------------------------------------------------


def kill_while_saving(book: Path, *argv: str, seconds: float = 120) -> int:
    """Run `giveback reconcile BOOK ...` and SIGKILL it as soon as its temporary file
    appears beside the target; returns the exit status (-9 when killed)."""
    child = subprocess.Popen([sys.executable, "-m", "giveback", "reconcile", str(book), *argv],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + seconds
    while child.poll() is None and time.monotonic() < deadline:
        if leftovers(book.parent):
            child.send_signal(signal.SIGKILL)
            break
        time.sleep(0.001)
    return child.wait()


@pytest.fixture(scope="module")
def large_book(tmp_path_factory):
    return hostile.large_usage_workbook(tmp_path_factory.mktemp("large"), rows=60_000, products=4_000)


def test_killed_during_a_save_leaves_no_partial_output(tmp_path, large_book):
    book = Path(large_book)
    work = tmp_path / "work"
    work.mkdir()
    copy = work / book.name
    copy.write_bytes(book.read_bytes())
    before = digest(copy)
    assert kill_while_saving(copy, "-o", str(work / "out.xlsx")) == -signal.SIGKILL
    assert not (work / "out.xlsx").exists() and digest(copy) == before
    left = leftovers(work)
    for name in left:  # what SIGKILL leaves: hidden, giveback's, never an .xlsx
        assert name.startswith(".~giveback-out.xlsx.") and name.endswith(TEMPORARY_SUFFIX)
    again = subprocess.run([sys.executable, "-m", "giveback", "reconcile", str(copy), "-o", str(work / "out.xlsx"),
                            "--json"], capture_output=True, text=True, timeout=120)
    assert (again.returncode, again.stderr) == (0, "")  # the leftover is neither read nor in the way
    assert leftovers(work) == [] and "LoopTrace" in sheet_names(work / "out.xlsx")  # and the next run removed it


def test_killed_during_an_in_place_save_keeps_the_original(tmp_path, large_book):
    copy = tmp_path / "inplace.xlsx"
    copy.write_bytes(Path(large_book).read_bytes())
    before = digest(copy)
    assert kill_while_saving(copy, "--in-place") == -signal.SIGKILL
    assert digest(copy) == before
    assert all(name.startswith(".~giveback-inplace.xlsx.") for name in leftovers(tmp_path))


@pytest.mark.parametrize("spelling", ["same", "relative", "through a link"])
def test_an_output_that_is_the_input_itself_needs_in_place(capsys, monkeypatch, tmp_path, book, spelling):
    monkeypatch.chdir(tmp_path)
    output = {"same": book, "relative": Path("sub/../march.xlsx"), "through a link": tmp_path / "link.xlsx"}[spelling]
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.xlsx").symlink_to(book)
    before = digest(book)
    status, out, err = run(capsys, "reconcile", book, "-o", output)
    assert_refused(status, err, "--in-place")
    assert digest(book) == before


def test_an_output_that_is_a_folder(capsys, tmp_path, book):
    (tmp_path / "out.xlsx").mkdir()
    status, out, err = run(capsys, "reconcile", book, "-o", tmp_path / "out.xlsx")
    assert_refused(status, err, "is a folder")
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("error, words", [(MemoryError(), "not enough memory"),
                                          (TypeError("a bug\nover two lines"), "internal error")])
def test_an_unexpected_failure_is_one_line_not_a_traceback(capsys, monkeypatch, tmp_path, book, error, words):
    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr("workbook.reconcile.recommend_book", fail)
    before = digest(book)
    status, out, err = run(capsys, "reconcile", book, "-o", tmp_path / "out.xlsx")
    assert_refused(status, err, words, "nothing was written")
    assert not (tmp_path / "out.xlsx").exists() and digest(book) == before


def test_giveback_debug_shows_the_traceback_of_an_unexpected_failure(monkeypatch, book):
    monkeypatch.setattr("workbook.reconcile.recommend_book", lambda *args, **kwargs: 1 / 0)
    monkeypatch.setenv("GIVEBACK_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        main(["reconcile", str(book)])


def test_in_place_on_a_read_only_workbook_is_refused(capsys, book):
    book.chmod(0o444)
    before = digest(book)
    status, out, err = run(capsys, "reconcile", book, "--in-place")
    assert_refused(status, err, "read-only")
    assert digest(book) == before and leftovers(book.parent) == []
