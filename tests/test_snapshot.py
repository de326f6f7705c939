"""The workbook is read once, into one snapshot that every reader and the writer use
(issue 19): a file replaced or rewritten while giveback reads it gives an output wholly
from one version, or "changed while reading" and no output; never a mix."""

from __future__ import annotations

import itertools
import os
import random
import shutil
import threading
import time
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from giveback import reconcile as command
from giveback.cli import main
from workbook.files import snapshot as snapshots
from workbook.files.books import FileBook, StreamBook, open_book, read_book, write_book
from workbook.files.snapshot import Snapshot, UnreadableWorkbook
from workbook.reconcile import reconcile
from workbooks import sheets, usage_rows, xlsx

ROWS = 3_000  # enough that a run takes a while: the racer gets to act during it


def version(path: Path, product: str, rows: int = ROWS) -> Path:
    """A book whose every usage row is `product`'s: a version told apart by its product."""
    quantities = [(5 if i % 3 else -2) for i in range(rows)]
    return xlsx(path, sheets(usage_rows(product, quantities)))


def products(path: Path, sheet: str, column: int) -> set[str]:
    """The products named on `sheet` of the output, in `column` of its data rows."""
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
    return {row[column] for row in rows if len(row) > column and row[column] in ("VERSION-A", "VERSION-B")}


# One read -------------------------------------------------------------------------------------------


def test_no_reader_or_writer_opens_the_path_again(tmp_path):
    """After the snapshot, the file is replaced by a text file: every reader reads the
    snapshot's version, and the output is written from it."""
    book = version(tmp_path / "march.xlsx", "VERSION-A", rows=30)
    taken = read_book(book)
    book.write_text("not a workbook any more")
    for reader in (open_book, FileBook, StreamBook):
        with reader(taken) as opened:
            assert {row[0] for row in list(opened.rows("Usage"))[1:]} == {"VERSION-A"}
    with open_book(taken) as reader:
        done = reconcile(reader)
    write_book(taken, tmp_path / "out.xlsx", done.sheets, done.drop)
    assert products(tmp_path / "out.xlsx", "Usage", 0) == products(tmp_path / "out.xlsx", "Adjustments", 0) == {
        "VERSION-A"}


def test_the_command_reads_the_file_once(monkeypatch, capsys, tmp_path):
    book = version(tmp_path / "march.xlsx", "VERSION-A", rows=30)
    reads = []
    take = Snapshot.take.__func__

    def counted(cls, path, *args, **kwargs):
        reads.append(Path(path).name)
        return take(cls, path, *args, **kwargs)

    monkeypatch.setattr(Snapshot, "take", classmethod(counted))
    assert main(["reconcile", str(book), "-o", str(tmp_path / "out.xlsx")]) == 0
    assert reads == ["march.xlsx"]


def test_a_file_replaced_between_looks_is_read_again(monkeypatch, tmp_path):
    """The first read sees the file replaced (a rename by a sync client) while it reads:
    its identity differs before and after, so it is read again, whole, as version B."""
    book = version(tmp_path / "march.xlsx", "VERSION-A", rows=30)
    newer = version(tmp_path / "newer.xlsx", "VERSION-B", rows=30)
    fstat = os.fstat
    calls = itertools.count()

    def replaced_during_the_first_read(handle):
        if next(calls) == 1:  # after reading, the first time
            os.replace(newer, book)
        return fstat(handle)

    monkeypatch.setattr(snapshots.os, "fstat", replaced_during_the_first_read)
    taken = Snapshot.take(book, pause=0)
    monkeypatch.undo()
    with open_book(taken) as reader:
        assert {row[0] for row in list(reader.rows("Usage"))[1:]} == {"VERSION-B"}


def test_a_file_that_keeps_changing_is_refused_in_words(monkeypatch, tmp_path):
    book = version(tmp_path / "march.xlsx", "VERSION-A", rows=30)
    monkeypatch.setattr(snapshots, "_read_once", lambda path: None)
    with pytest.raises(UnreadableWorkbook) as refusal:
        Snapshot.take(book, pause=0)
    assert refusal.value.code == "changed_while_reading"
    assert refusal.value.message.startswith("march.xlsx changed while giveback was reading it")


def test_a_book_cut_short_while_being_saved_is_changed_not_damaged(monkeypatch, tmp_path):
    """A save caught half-way (the file cut short, then complete): read again, not
    called damaged."""
    book = version(tmp_path / "march.xlsx", "VERSION-A", rows=30)
    whole = book.read_bytes()
    book.write_bytes(whole[: len(whole) // 2])
    take = Snapshot.take.__func__

    def saved_after_the_first_read(cls, path, *args, **kwargs):
        taken = take(cls, path, *args, **kwargs)
        book.write_bytes(whole)
        return taken

    monkeypatch.setattr(Snapshot, "take", classmethod(saved_after_the_first_read))
    with open_book(read_book(book)) as reader:
        assert len(list(reader.rows("Usage"))) == 31


def test_an_input_saved_again_meanwhile_is_not_overwritten_in_place(capsys, monkeypatch, tmp_path):
    book = version(tmp_path / "march.xlsx", "VERSION-A", rows=30)
    newer = version(tmp_path / "newer.xlsx", "VERSION-B", rows=30)
    real_open = command.open_book

    def saved_by_excel_while_read(source):
        reader = real_open(source)
        shutil.copy(newer, book)  # Excel saves the book meanwhile
        return reader

    monkeypatch.setattr(command, "open_book", saved_by_excel_while_read)
    status = main(["reconcile", str(book), "--in-place"])
    err = capsys.readouterr().err
    assert status == 2 and "march.xlsx changed while giveback worked on it" in err and "nothing was written" in err
    assert book.read_bytes() == newer.read_bytes()


# A replacement racing the run ---------------------------------------------------------------------


class Racer(threading.Thread):
    """Puts version A and version B in the book's place, again and again, at random moments:
    by a rename (a sync client), or by rewriting the file where it is in pieces (a program
    saving over it)."""

    def __init__(self, book: Path, versions: list[bytes]):
        super().__init__(daemon=True)
        self.book, self.versions = book, versions
        self.stop = threading.Event()
        self.changes = 0

    def run(self) -> None:
        chance = random.Random(19)
        while not self.stop.is_set():
            data = chance.choice(self.versions)
            if chance.random() < 0.5:
                staged = self.book.with_name(f"staged-{self.changes}.xlsx")
                staged.write_bytes(data)
                os.replace(staged, self.book)
            else:
                with open(self.book, "r+b") as file:
                    file.truncate(0)
                    for at in range(0, len(data), 16_384):
                        file.write(data[at:at + 16_384])
                        file.flush()
            self.changes += 1
            time.sleep(chance.uniform(0.0, 0.05))


def test_a_replacement_racing_the_run_never_mixes_two_versions(capsys, tmp_path):
    book = version(tmp_path / "march.xlsx", "VERSION-A")
    versions = [book.read_bytes(), version(tmp_path / "b.xlsx", "VERSION-B").read_bytes()]
    racer = Racer(book, versions)
    racer.start()
    outcomes = []
    try:
        for attempt in range(24):
            target = tmp_path / f"out{attempt}.xlsx"
            status = main(["reconcile", str(book), "-o", str(target), "--json"])
            err = capsys.readouterr().err
            if status == 2:
                assert "changed while giveback was reading it" in err and not target.exists(), err
                outcomes.append("changed")
                continue
            assert status == 0, err
            usage, adjustments, summary = (products(target, sheet, column) for sheet, column in
                                           (("Usage", 0), ("Adjustments", 0), ("Summary", 0)))
            assert len(usage) == 1 and usage == adjustments == summary, (usage, adjustments, summary)
            outcomes.append(usage.pop())
    finally:
        racer.stop.set()
        racer.join()
    assert racer.changes > 24 and outcomes.count("changed") < len(outcomes), outcomes
    assert {"VERSION-A", "VERSION-B"} <= set(outcomes), outcomes  # both versions were read, each whole
