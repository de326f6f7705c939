"""Saving where the accountant keeps their books (issue 19): through a symbolic link (the
link kept, its target written), through hard links (kept; split only when the file cannot
be written in place, and then said), permissions kept but never read-only, temporary files
named for what they are and removed by the next run in the folder, and only those no
running giveback holds."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

import hostile_files as hostile
from desktop_books import hold
from giveback.cli import main
from workbook.files import saving
from workbook.files.saving import PENDING, PREFIX, SUFFIX, remove_stale_temporaries
from workbooks import digest, sheet_names, sheets, usage_rows, xlsx


@pytest.fixture
def book(tmp_path):
    return xlsx(tmp_path / "march.xlsx", sheets(usage_rows("A", [2, -2]) + usage_rows("B", [-20, 3])))


def run(capsys, *argv) -> tuple[int, str, str]:
    status = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return status, out, err


def temporaries(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.startswith(PREFIX))


# Links ----------------------------------------------------------------------------------------------


def test_in_place_through_a_symbolic_link_writes_its_target_and_keeps_the_link(capsys, tmp_path, book):
    (tmp_path / "synced").mkdir()
    real = book.rename(tmp_path / "synced" / "march.xlsx")
    link = tmp_path / "march.xlsx"
    link.symlink_to(real)
    status, out, err = run(capsys, "reconcile", link, "--in-place")
    assert (status, err) == (0, "")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert "LoopTrace" in sheet_names(real) and temporaries(tmp_path) == temporaries(real.parent) == []


def test_an_output_that_is_a_symbolic_link_is_written_through(capsys, tmp_path, book):
    (tmp_path / "reports").mkdir()
    real = tmp_path / "reports" / "march.reconciled.xlsx"
    assert run(capsys, "reconcile", book, "-o", real)[0] == 0
    link = tmp_path / "march.reconciled.xlsx"
    link.symlink_to(real)
    assert run(capsys, "reconcile", book)[0] == 0  # the default output: the link
    assert link.is_symlink() and "Summary" in sheet_names(real)


def test_in_place_keeps_hard_links(capsys, tmp_path, book):
    other = tmp_path / "other name.xlsx"
    os.link(book, other)
    status, out, err = run(capsys, "reconcile", book, "--in-place")
    assert (status, err) == (0, "")
    assert os.path.samefile(book, other) and os.stat(book).st_nlink == 2
    assert "LoopTrace" in sheet_names(other) and temporaries(tmp_path) == []


def test_a_hard_link_that_cannot_be_written_in_place_is_split_and_said(capsys, monkeypatch, tmp_path, book):
    other = tmp_path / "other name.xlsx"
    os.link(book, other)
    before = digest(other)

    def no_permission(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(saving, "open", no_permission, raising=False)  # as for a file this user cannot write
    status, out, err = run(capsys, "reconcile", book, "--in-place")
    assert status == 0 and "other hard link(s)" in err and "still show the old file" in err
    assert "LoopTrace" in sheet_names(book) and digest(other) == before and not os.path.samefile(book, other)


# Permissions ---------------------------------------------------------------------------------------


def test_a_read_only_input_gives_a_writable_output_with_its_other_permissions(capsys, tmp_path, book):
    os.chmod(book, 0o440)
    target = tmp_path / "march.reconciled.xlsx"
    assert run(capsys, "reconcile", book)[0] == 0
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640
    assert run(capsys, "reconcile", book)[0] == 0  # the next run replaces it
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640


def test_in_place_keeps_the_books_permissions(capsys, book):
    os.chmod(book, 0o660)
    assert run(capsys, "reconcile", book, "--in-place")[0] == 0
    assert stat.S_IMODE(os.stat(book).st_mode) == 0o660


# Temporary files --------------------------------------------------------------------------------------


def test_a_save_names_its_temporary_file_for_what_it_is(monkeypatch, capsys, tmp_path, book):
    seen = []
    create = saving.create_temporary

    def watched(real):
        temporary, handle = create(real)
        seen.append(temporary.name)
        return temporary, handle

    monkeypatch.setattr(saving, "create_temporary", watched)
    assert run(capsys, "reconcile", book)[0] == 0
    (name,) = seen
    assert name.startswith(".~giveback-march.reconciled.xlsx.") and name.endswith(".tmp")
    assert temporaries(tmp_path) == []


def kill_while_saving(book: Path, target: Path, seconds: float = 120) -> int:
    """`giveback reconcile BOOK -o TARGET` in a process of its own, killed (SIGKILL) as
    soon as its temporary file appears; the exit status (-9 when killed)."""
    child = subprocess.Popen([sys.executable, "-m", "giveback", "reconcile", str(book), "-o", str(target)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + seconds
    while child.poll() is None and time.monotonic() < deadline:
        if any(name.endswith(SUFFIX) for name in temporaries(target.parent)):
            child.send_signal(signal.SIGKILL)
            break
        time.sleep(0.001)
    return child.wait()


def test_a_run_killed_mid_write_leaves_a_named_temporary_file_that_the_next_run_removes(tmp_path):
    book = hostile.large_usage_workbook(tmp_path, rows=60_000, products=4_000)
    target = tmp_path / "out.xlsx"
    assert kill_while_saving(book, target) == -signal.SIGKILL
    left = temporaries(tmp_path)
    assert left and all(name.startswith(".~giveback-out.xlsx.") for name in left) and not target.exists()
    again = subprocess.run([sys.executable, "-m", "giveback", "reconcile", str(book), "-o", str(target), "--json"],
                           capture_output=True, text=True, timeout=300)
    assert (again.returncode, again.stderr) == (0, "")
    assert temporaries(tmp_path) == [] and "LoopTrace" in sheet_names(target)


def test_only_givebacks_stale_temporary_files_are_removed(tmp_path):
    running = tmp_path / f"{PREFIX}march.xlsx.0badc0de{SUFFIX}"
    running.write_bytes(b"a run writing it now")
    stale = tmp_path / f"{PREFIX}march.xlsx.deadbeef{SUFFIX}"
    stale.write_bytes(b"left by a killed run")
    others = ["~$march.xlsx", ".~lock.march.xlsx#", "notes.tmp", ".march.xlsx.1234.tmp", f"{PREFIX}folder{SUFFIX}"]
    for name in others[:-1]:
        (tmp_path / name).write_bytes(b"not giveback's")
    (tmp_path / others[-1]).mkdir()
    handle = hold(running)  # as a running giveback holds its own
    try:
        assert remove_stale_temporaries(tmp_path) == [stale]
    finally:
        os.close(handle)
    assert running.exists() and all((tmp_path / name).exists() for name in others)


def test_a_copy_into_a_hard_linked_book_killed_half_way_is_finished_by_the_next_run(tmp_path, book):
    """The output was complete (the pending file) and half copied into the book when the
    run was killed: the next run in the folder finishes the copy, then removes the file."""
    reconciled = tmp_path / "whole.xlsx"
    main(["reconcile", str(book), "-o", str(reconciled)])
    whole = reconciled.read_bytes()
    pending = tmp_path / f"{PREFIX}march.xlsx.0123abcd{PENDING}"
    pending.write_bytes(whole)
    book.write_bytes(whole[: len(whole) // 3])  # cut short by the kill
    assert remove_stale_temporaries(tmp_path) == [pending]
    assert book.read_bytes() == whole and temporaries(tmp_path) == []


def test_a_finished_copy_is_not_redone_over_a_sound_book(tmp_path, book):
    pending = tmp_path / f"{PREFIX}march.xlsx.0123abcd{PENDING}"
    pending.write_bytes(b"an older output")
    before = digest(book)
    assert remove_stale_temporaries(tmp_path) == [pending]
    assert digest(book) == before
