"""A book open in Excel or LibreOffice is never written under the program (issue 19): the
owner file beside it, as each program writes it, stops every write (in place, to -o, to
the default output, a template, the demo), --force included, with a message naming who has
it open and what to do; and a real LibreOffice holding the book open is refused the same."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from desktop_books import excel_owner_file, libreoffice_lock_file
from giveback.cli import main
from workbook.files.owners import excel_user, lock_fields, open_by
from workbooks import digest, sheet_names, xlsx

HERE = Path(__file__).resolve().parent
SYSTEM_PYTHON = "/usr/bin/python3"


@pytest.fixture
def book(tmp_path):
    return xlsx(tmp_path / "march.xlsx")


def run(capsys, *argv) -> tuple[int, str, str]:
    status = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return status, out, err


def refused(status: int, err: str, *words: str) -> None:
    assert status == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    for word in words:
        assert word in err, err


# The owner files, as the programs write them ----------------------------------------------------


@pytest.mark.parametrize("user", ["Jane Doe", "Zoë Łukasiewicz", "山田 太郎", "x" * 52])
def test_the_user_is_read_from_excels_owner_file(tmp_path, user):
    owner_file = excel_owner_file(tmp_path / "march.xlsx", user)
    owner = open_by(tmp_path / "march.xlsx")
    assert owner_file.stat().st_size == 165
    assert owner.program == "Excel" and owner.user == user and owner.file == owner_file


@pytest.mark.parametrize("data, user", [
    (b"", ""),  # an owner file cut short: someone, unnamed
    (bytes([4]) + b"jdoe" + b" " * 50 + bytes([4, 0]) + "jdoe".encode("utf-16-le") + b" \x00" * 50, "jdoe"),
    (bytes([99]) + b" " * 164, ""),  # a length no Office writes
])
def test_an_owner_file_not_laid_out_as_office_writes_it_still_stops_the_write(data, user):
    assert excel_user(data) == user


@pytest.mark.parametrize("fields, expected", [
    (("Jane Doe", "jdoe", "LAPTOP-7"), ("Jane Doe", "LAPTOP-7")),
    (("", "jdoe", "LAPTOP-7"), ("jdoe", "LAPTOP-7")),  # no name set in LibreOffice: the system user's
    (("Doe, Jane; CPA\\", "jdoe", "LAPTOP-7"), ("Doe, Jane; CPA\\", "LAPTOP-7")),  # escaped , ; \
])
def test_the_user_and_computer_are_read_from_libreoffices_lock_file(tmp_path, fields, expected):
    user, system_user, host = fields
    lock = libreoffice_lock_file(tmp_path / "march.xlsx", user, system_user, host)
    owner = open_by(tmp_path / "march.xlsx")
    assert (owner.program, owner.user, owner.computer, owner.since) == ("LibreOffice", *expected, "2026-03-14 10:35")
    assert owner.file == lock
    assert lock_fields(lock.read_text())[0] == user


def test_no_owner_file_no_owner(tmp_path):
    xlsx(tmp_path / "march.xlsx")
    (tmp_path / "~$other.xlsx").write_bytes(b"\x04jdoe")
    assert open_by(tmp_path / "march.xlsx") is None


# Every write is refused ----------------------------------------------------------------------------


@pytest.mark.parametrize("program", ["Excel", "LibreOffice"])
@pytest.mark.parametrize("force", [[], ["--force"]])
def test_in_place_on_an_open_book_writes_nothing(capsys, book, program, force):
    owner(book, program)
    before = digest(book)
    status, out, err = run(capsys, "reconcile", book, "--in-place", *force)
    refused(status, err, f"march.xlsx is open in {program} by Jane Doe", f"Close it in {program}",
            "write the result to another file with -o", "If nobody has it open")
    assert digest(book) == before and sorted(os.listdir(book.parent)) == sorted([book.name, owner_name(book, program)])


@pytest.mark.parametrize("program", ["Excel", "LibreOffice"])
def test_an_open_output_is_not_replaced(capsys, tmp_path, book, program):
    target = tmp_path / "march.reconciled.xlsx"
    assert run(capsys, "reconcile", book)[0] == 0
    owner(target, program)
    before = digest(target)
    for argv in (["reconcile", book], ["reconcile", book, "-o", target], ["reconcile", book, "--force"]):
        status, out, err = run(capsys, *argv)
        refused(status, err, f"march.reconciled.xlsx is open in {program} by Jane Doe")
    assert digest(target) == before


def test_another_output_beside_an_open_book_is_written(capsys, tmp_path, book):
    """Reading a book open in Excel is fine (Excel keeps its last save on disk): only the
    file written is looked at."""
    excel_owner_file(book, "Jane Doe")
    status, out, err = run(capsys, "reconcile", book, "-o", tmp_path / "copy.xlsx")
    assert (status, err) == (0, "") and "LoopTrace" in sheet_names(tmp_path / "copy.xlsx")


def test_a_stale_owner_file_says_how_to_tell_and_what_to_delete(capsys, book):
    owner_file = excel_owner_file(book, "Jane Doe")
    old = dt.datetime(2026, 1, 5, 8, 30).timestamp()
    os.utime(owner_file, (old, old))
    status, out, err = run(capsys, "reconcile", book, "--in-place")
    refused(status, err, "since 2026-01-05 08:30", "Excel closed without tidying up",
            f"delete ~$march.xlsx in {book.parent}")
    owner_file.unlink()
    assert run(capsys, "reconcile", book, "--in-place")[0] == 0


def test_a_book_named_without_its_folder_gets_the_folder_by_its_full_path(capsys, book, monkeypatch):
    """`giveback reconcile march.xlsx` run in the book's folder: "delete ~$march.xlsx in ."
    tells an accountant nothing; the folder is named as a file manager shows it."""
    excel_owner_file(book, "Jane Doe")
    monkeypatch.chdir(book.parent)
    status, out, err = run(capsys, "reconcile", book.name, "--in-place")
    refused(status, err, f"delete ~$march.xlsx in {book.parent.absolute()} and run again")
    assert " in . " not in err


def test_an_owner_file_beside_the_target_of_a_link_counts(capsys, tmp_path):
    """Both programs resolve a symbolic link and keep their owner file beside the real
    book; the book is open whichever name giveback is given."""
    (tmp_path / "shared").mkdir()
    real = xlsx(tmp_path / "shared" / "march.xlsx")
    link = tmp_path / "march.xlsx"
    link.symlink_to(real)
    libreoffice_lock_file(real, "Jane Doe")
    status, out, err = run(capsys, "reconcile", link, "--in-place")
    refused(status, err, "open in LibreOffice by Jane Doe on LAPTOP-7")


def test_a_template_or_the_demo_over_an_open_file_writes_nothing(capsys, tmp_path):
    demo = tmp_path / "demo"
    demo.mkdir()
    excel_owner_file(demo / "giveback-demo.xlsx", "Jane Doe")
    status, out, err = run(capsys, "demo", demo)
    refused(status, err, "giveback-demo.xlsx is open in Excel by Jane Doe")
    assert not (demo / "giveback-demo.xlsx").exists()
    excel_owner_file(tmp_path / "new.xlsx", "Jane Doe")
    status, out, err = run(capsys, "template", tmp_path / "new.xlsx")
    refused(status, err, "new.xlsx is open in Excel by Jane Doe")


def owner(book: Path, program: str) -> Path:
    if program == "Excel":
        return excel_owner_file(book, "Jane Doe")
    return libreoffice_lock_file(book, "Jane Doe")


def owner_name(book: Path, program: str) -> str:
    return f"~${book.name}" if program == "Excel" else f".~lock.{book.name}#"


# A real LibreOffice holding the book open ----------------------------------------------------------


@pytest.fixture
def libreoffice_python():
    if shutil.which("soffice") is None or not Path(SYSTEM_PYTHON).exists():
        if os.environ.get("CI"):
            pytest.fail("LibreOffice and its Python bridge are needed (.ci/run installs them)")
        pytest.skip("LibreOffice with python3-uno is not installed")
    return SYSTEM_PYTHON


def test_a_book_open_in_libreoffice_is_refused_until_it_is_closed(capsys, tmp_path, libreoffice_python, book):
    holder = subprocess.Popen([libreoffice_python, str(HERE / "uno_hold_open.py"), str(tmp_path / "profile"),
                               str(book), "Jane Doe"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        assert (tmp_path / ".~lock.march.xlsx#").exists()  # as LibreOffice itself writes it
        before = digest(book)
        status, out, err = run(capsys, "reconcile", book, "--in-place", "--force")
        refused(status, err, "march.xlsx is open in LibreOffice by Jane Doe on ", "Close it in LibreOffice")
        assert digest(book) == before
    finally:
        holder.communicate("close\n", timeout=60)
    assert not (tmp_path / ".~lock.march.xlsx#").exists()
    status, out, err = run(capsys, "reconcile", book, "--in-place")
    assert (status, err) == (0, "") and "LoopTrace" in sheet_names(book)
