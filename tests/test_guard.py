"""The guard refuses every hostile file with one clear line, quickly and in bounded memory,
and lets sound workbooks through (issue 6)."""

from __future__ import annotations

import dataclasses
import functools
import tempfile
import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hostile_files as hostile
from workbook.files.guard import Limits, UnreadableWorkbook, _decode_xml_head, _prolog_verdict, bounded_read, check_workbook_file

MB = 1024 * 1024

# case -> (code, a word the message must hold)
EXPECTED = {
    "missing file": ("missing", "not found"),
    "a folder": ("folder", "folder"),
    "a named pipe": ("not_a_file", "pipe"),
    "unreadable file": ("no_permission", "permission"),
    "empty file": ("empty", "empty"),
    "Excel's lock file": ("lock_file", "choose Book1.xlsx"),
    "CSV named .xlsx": ("text_file", "CSV"),
    "CSV starting with PK": ("text_file", "CSV"),
    "web page named .xlsx": ("xml_or_html", "web page"),
    "random binary": ("not_a_workbook", "not an Excel workbook"),
    ".xls named .xlsx": ("old_xls", "97-2003"),
    "encrypted workbook": ("encrypted", "password"),
    "encrypted workbook, 9 MB": ("encrypted", "password"),
    "truncated workbook": ("damaged", "damaged"),
    "damaged workbook part": ("damaged", "xl/workbook.xml"),
    "Word file named .xlsx": ("word_file", "Word"),
    ".xlsb named .xlsx": ("xlsb", ".xlsb"),
    ".ods named .xlsx": ("opendocument", "OpenDocument"),
    "plain zip": ("not_excel_zip", "zip"),
    "billion laughs, shared strings": ("xml_dtd", "xl/sharedStrings.xml"),
    "billion laughs, worksheet": ("xml_dtd", "xl/worksheets/sheet1.xml"),
    "external entity /etc/passwd": ("xml_dtd", "document type declaration"),
    "DTD in a UTF-16 part": ("xml_dtd", "document type declaration"),
    "DTD after a long comment": ("crafted_zip", "xl/sharedStrings.xml"),
    "zip bomb 5 GB": ("too_large", "5 GB"),
    "zip bomb 600 MB, ratio": ("too_large", "packed"),
    "lying zip bomb": ("crafted_zip", "more data than it declares"),
    "lying styles part": ("crafted_zip", "xl/styles.xml"),
    "overlapping zip bomb": ("crafted_zip", "overlap"),
    "10,001 parts": ("too_large", "parts"),
    "70,000 parts, zip64": ("too_large", "70,009 parts"),
    "10,001 parts, end record says 9": ("too_large", "10,010 parts"),
    "2,000 dense small parts": ("too_large", "packed"),
    "part named twice differently": ("damaged", "xl/media/image1.png"),
    "part name not UTF-8": ("damaged", "damaged"),
    "password-protected zip": ("encrypted", "password"),
    "parts named with backslashes": ("damaged", "backslashes"),
}


def test_every_refused_case_has_an_expectation():
    assert set(EXPECTED) == set(hostile.REFUSED)


def checked(path: Path, limits: Limits = Limits()) -> tuple[UnreadableWorkbook | None, float, float]:
    """The guard's refusal (or None), its seconds and its peak traced memory in MB."""
    return hostile.measured(lambda: check_workbook_file(path, limits), UnreadableWorkbook)


def raised(read, error=UnreadableWorkbook) -> tuple[BaseException, float]:
    """What `read()` raises (it must raise `error`), and its peak traced memory in MB."""
    refusal, _, peak = hostile.measured(read, error)
    assert refusal is not None, f"no {error.__name__}"
    return refusal, peak


@pytest.mark.parametrize("case", list(hostile.REFUSED))
def test_hostile_file_is_refused_with_one_clear_line(case, tmp_path):
    if case in hostile.NOT_HERE:
        pytest.skip("this machine cannot stage it (root reads any file; no named pipes)")
    path = hostile.REFUSED[case](tmp_path)
    code, keyword = EXPECTED[case]
    refusal, seconds, peak = checked(path)
    assert refusal is not None, f"{case} was let through"
    assert (refusal.code, keyword in refusal.message) == (code, True), refusal.message
    assert refusal.message.startswith(path.name) and "\n" not in refusal.message
    assert seconds < 2 and peak < 200


@pytest.mark.parametrize("case", list(hostile.SOUND))
def test_sound_workbook_passes(case, tmp_path):
    refusal, seconds, peak = checked(hostile.SOUND[case](tmp_path))
    assert refusal is None, refusal.message
    assert seconds < 2 and peak < 50


def test_a_file_the_user_may_not_read_is_said_so(tmp_path, monkeypatch):
    path = hostile.valid_xlsx(tmp_path)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)
    refusal, _, _ = checked(path)
    assert refusal.code == "no_permission"


def test_limits_are_frozen_and_applied(tmp_path):
    limits = Limits(max_parts=3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        limits.max_parts = 10  # type: ignore[misc]
    refusal, _, _ = checked(hostile.valid_xlsx(tmp_path), limits)
    assert refusal.code == "too_large"


def test_bounded_read_returns_a_part_whole(tmp_path):
    with zipfile.ZipFile(hostile.valid_xlsx(tmp_path)) as book:
        assert bounded_read(book, "xl/workbook.xml", MB) == book.read("xl/workbook.xml")


def test_bounded_read_stops_a_bomb_soon_after_its_limit(tmp_path):
    with zipfile.ZipFile(hostile.zip_bomb(tmp_path)) as book:
        refusal, peak = raised(lambda: bounded_read(book, "xl/worksheets/sheet1.xml", 8 * MB))
    assert refusal.code == "too_large" and peak < 40


@pytest.mark.parametrize("part, code", [("xl/workbook.xml", "damaged"), ("xl/nothing.xml", "part_missing")])
def test_bounded_read_reports_damaged_and_missing_parts(tmp_path, part, code):
    with zipfile.ZipFile(hostile.damaged_part(tmp_path)) as book:
        with pytest.raises(UnreadableWorkbook) as refusal:
            bounded_read(book, part, MB)
    assert refusal.value.code == code


def test_zipfile_read_inflates_a_lying_part_far_past_its_declared_size(tmp_path):
    """Why `bounded_read` inflates by itself: `ZipFile.read()` hands back only the declared
    size, but inflates everything behind it first (up to 2 GB) to get there."""
    with zipfile.ZipFile(hostile.lying_styles(tmp_path)) as book:
        refusal, peak = raised(lambda: book.read("xl/styles.xml"), zipfile.BadZipFile)
    assert "CRC" in str(refusal) and peak > 150


def test_bounded_read_refuses_a_lying_part_in_little_memory(tmp_path):
    with zipfile.ZipFile(hostile.lying_styles(tmp_path)) as book:
        refusal, peak = raised(lambda: bounded_read(book, "xl/styles.xml", 64 * MB))
    assert refusal.code == "crafted_zip" and peak < 5


def test_the_bomb_is_a_valid_zip_part(tmp_path):
    """Built from repeated deflate blocks, with the CRC of the whole worked out."""
    sheet = hostile.bomb_sheet("sheet.xml", 40 * MB)
    hostile.write_raw_zip(tmp_path / "bomb.zip", [sheet])
    with zipfile.ZipFile(tmp_path / "bomb.zip") as book:
        data = book.read("sheet.xml")  # checks the CRC
    assert len(data) == sheet.file_size and data.endswith(b"</sheetData></worksheet>")


@pytest.mark.parametrize("chunk, times, start", [(b"abc", 1, 0), (b"x" * 1000, 77, 5), (bytes(range(256)), 1024, 0xDEADBEEF)])
def test_repeated_crc32_equals_the_crc_of_the_repeated_bytes(chunk, times, start):
    assert hostile.repeated_crc32(chunk, times, start) == zlib.crc32(chunk * times, start)


@pytest.mark.parametrize(
    "head, verdict",
    [
        (b'<?xml version="1.0"?>\n<worksheet>', "root"),
        (b"\xef\xbb\xbf<sst>", "root"),
        (b"<!-- <!DOCTYPE x> --><a/>", "root"),
        (b"<?xml?><!DOCTYPE a [<!ENTITY b 'c'>]><a/>", "dtd"),
        (b"<?xml?><!ENTITY b 'c'><a/>", "dtd"),
        (b"<?xml?>\n  <!doctype a><a/>", "dtd"),
        ('<?xml?><!DOCTYPE a><a/>'.encode("utf-16-be"), "dtd"),
        ('<?xml?><!DOCTYPE a><a/>'.encode("utf-16-le"), "dtd"),
        (b"<!-- a comment that never ends", "unclear"),
        (b"", "unclear"),
        (b"garbage<a/>", "unclear"),
    ],
)
def test_prolog_verdicts(head, verdict):
    assert _prolog_verdict(_decode_xml_head(head)) == verdict


FUZZED_BASES = ["valid .xlsm", "Excel-made .xlsm", "external entity /etc/passwd", "lying styles part", "encrypted workbook", "part name not UTF-8"]


@functools.cache
def file_bytes(case: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        return {**hostile.REFUSED, **hostile.SOUND}[case](Path(folder)).read_bytes()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_damaged_file_is_refused_or_passed_never_crashes(data):
    damaged = bytearray(file_bytes(data.draw(st.sampled_from(FUZZED_BASES))))
    for _ in range(data.draw(st.integers(1, 8))):
        damaged[data.draw(st.integers(0, len(damaged) - 1))] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        del damaged[data.draw(st.integers(1, len(damaged))) :]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "Fuzzed.xlsx"
        path.write_bytes(bytes(damaged))
        try:
            check_workbook_file(path)
        except UnreadableWorkbook as refusal:
            assert refusal.message.startswith("Fuzzed.xlsx") and "\n" not in refusal.message


@pytest.mark.parametrize("case", list(hostile.SOUND))
def test_sound_workbook_opens_in_openpyxl(case, tmp_path):
    """The sound fixtures are real workbooks, not just files the guard happens to pass."""
    from openpyxl import load_workbook

    book = load_workbook(hostile.SOUND[case](tmp_path), read_only=True)
    assert book.sheetnames
    book.close()


def test_part_names_are_compared_regardless_of_case(tmp_path):
    from workbook.files.books import open_book

    path = hostile.content_types_in_lower_case(tmp_path)
    check_workbook_file(path)
    with open_book(path) as book:
        assert list(book.rows("Usage"))[1][:2] == ["A-100", 2]
