"""Hostile and awkward workbook files, built on demand in a folder (issue 6).

Each builder takes a folder and returns the path of the file it wrote. `REFUSED` holds the
files the guard (`workbook.files.guard`) must refuse, `SOUND` the files it must let through
(valid workbooks, and structural oddities that the readers and the writer must handle:
a claimed million-row range, a user's own `summary` sheet, merged or duplicated headers).

Valid bases are made with openpyxl. The bombs are written by a small raw zip writer
(`write_raw_zip`) from deflate data packed once and repeated: a compressor flushed with
`Z_FULL_FLUSH` forgets its history, so the same input packs to the same bytes every time
and the copies join into one valid deflate stream. A 5 GB part so costs 5 MB and a few
milliseconds, and its CRC is computed exactly without reading 5 GB (`repeated_crc32`).
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path
from typing import Callable, Iterable, NamedTuple

from openpyxl import Workbook

Builder = Callable[[Path], Path]
KB, MB, GB = 1024, 1024**2, 1024**3
SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


# Valid bases ------------------------------------------------------------------------------


def usage_workbook(folder: Path, name: str = "Book1.xlsx", rows: Iterable[tuple] | None = None, sheet: str = "Usage") -> Path:
    """A small, valid usage workbook made by openpyxl (shared strings included)."""
    book = Workbook()
    usage = book.active
    usage.title = sheet
    for row in rows or [("Product", "Quantity", "Reference"), ("A-100", 2, "INV-1"), ("A-100", -2, "RET-1"), ("B-200", 5, "INV-2")]:
        usage.append(row)
    path = folder / name
    book.save(path)
    return path


def rezip(source: Path, target: Path, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> Path:
    """A copy of the zip `source` with some parts' contents replaced and others added."""
    replace, add = replace or {}, add or {}
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, replace.get(info.filename, old.read(info.filename)))
        for name, data in add.items():
            new.writestr(name, data)
    return target


def valid_xlsx(folder: Path) -> Path:
    return usage_workbook(folder)


def valid_xlsm(folder: Path) -> Path:
    """An .xlsm as Excel lays it out: macro-enabled content type, a `vbaProject.bin`
    (itself an OLE compound file inside the zip) and its relationship."""
    base = usage_workbook(folder, "base.xlsx")
    with zipfile.ZipFile(base) as book:
        types = book.read("[Content_Types].xml").decode()
        relationships = book.read("xl/_rels/workbook.xml.rels").decode()
    types = types.replace("spreadsheetml.sheet.main+xml", "PLACEHOLDER").replace(
        "application/vnd.openxmlformats-officedocument.PLACEHOLDER", "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    )
    types = types.replace("</Types>", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    vba = '<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/>'
    relationships = relationships.replace("</Relationships>", vba + "</Relationships>")
    replace = {"[Content_Types].xml": types.encode(), "xl/_rels/workbook.xml.rels": relationships.encode()}
    return rezip(base, folder / "Macros.xlsm", replace, add={"xl/vbaProject.bin": compound_file(["VBA", "PROJECT", "PROJECTwm"])})


def excel_made_xlsm(folder: Path) -> Path:
    """A real Excel-saved .xlsm with VBA, shipped inside the xlwings package."""
    import xlwings

    source = Path(xlwings.__file__).parent / "quickstart_standalone.xlsm"
    return Path(shutil.copy(source, folder / "quickstart_standalone.xlsm"))


# Not a zip at all --------------------------------------------------------------------------


def missing_file(folder: Path) -> Path:
    return folder / "Nowhere.xlsx"


def a_folder(folder: Path) -> Path:
    path = folder / "Reports.xlsx"
    path.mkdir()
    return path


def a_pipe(folder: Path) -> Path:
    """A named pipe with a workbook's name: opening it to read would wait for a writer."""
    path = folder / "Pipe.xlsx"
    os.mkfifo(path)
    return path


def unreadable_file(folder: Path) -> Path:
    """A valid workbook the user may not read (root reads it anyway: tests skip as root)."""
    path = usage_workbook(folder, "Locked.xlsx")
    path.chmod(0)
    return path


def empty_file(folder: Path) -> Path:
    path = folder / "Empty.xlsx"
    path.write_bytes(b"")
    return path


def excel_lock_file(folder: Path) -> Path:
    """The owner file Excel writes beside an open workbook: the user's name, twice."""
    path = folder / "~$Book1.xlsx"
    path.write_bytes(b"\x04jdoe" + b" " * 50 + b"\x04\x00" + "jdoe".encode("utf-16-le") + b" \x00" * 52)
    return path


def csv_named_xlsx(folder: Path) -> Path:
    path = folder / "Export.xlsx"
    path.write_text("Product,Quantity,Reference\nA-100,2,INV-1\nA-100,-2,RET-1\n", encoding="utf-8")
    return path


def csv_starting_with_pk(folder: Path) -> Path:
    """A headerless CSV whose first product code starts with the zip's letters."""
    path = folder / "Packs.xlsx"
    path.write_text("PK-100,2\nPK-200,-2\n", encoding="utf-8")
    return path


def html_named_xls(folder: Path) -> Path:
    """What many ERPs call an Excel export: a web page with a table."""
    path = folder / "ErpExport.xlsx"
    path.write_text("<html><body><table><tr><td>Product</td><td>Quantity</td></tr></table></body></html>\n")
    return path


def random_binary(folder: Path) -> Path:
    path = folder / "Scan.xlsx"
    path.write_bytes(bytes(range(256)) * 16)
    return path


def xls_named_xlsx(folder: Path) -> Path:
    """An Excel 97-2003 file: an OLE compound file with a `Workbook` stream."""
    path = folder / "Old.xlsx"
    path.write_bytes(compound_file(["Workbook", "\x05SummaryInformation", "\x05DocumentSummaryInformation"]))
    return path


ENCRYPTED_STREAMS = ["\x06DataSpaces", "Version", "DataSpaceMap", "DataSpaceInfo", "TransformInfo", "EncryptedPackage", "EncryptionInfo"]


def encrypted_workbook(folder: Path) -> Path:
    """A password-protected workbook as Excel saves one: an OLE compound file whose
    directory (two sectors here, so the FAT chain is followed) names `EncryptionInfo`."""
    path = folder / "Secret.xlsx"
    path.write_bytes(compound_file(ENCRYPTED_STREAMS))
    return path


def large_encrypted_workbook(folder: Path) -> Path:
    """The same, 9 MB, with the directory at the end: found through the DIFAT."""
    path = folder / "BigSecret.xlsx"
    path.write_bytes(compound_file(ENCRYPTED_STREAMS, padding_sectors=18_000))
    return path


FREE, END_OF_CHAIN, FAT_SECTOR, DIFAT_SECTOR = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFC


def compound_file(stream_names: list[str], padding_sectors: int = 0) -> bytes:
    """A minimal OLE compound file (version 3, 512-byte sectors) whose directory lists
    `stream_names` as empty streams. Sectors: the FAT, the DIFAT (once the FAT passes the
    header's 109 slots), `padding_sectors` of unused space, then the directory, last, as
    Excel often writes it: past 7 MB it can only be found through the DIFAT."""
    entries = [_directory_entry("Root Entry", 5, child=1)]
    for index, name in enumerate(stream_names, start=1):
        entries.append(_directory_entry(name, 2, right=index + 1 if index < len(stream_names) else FREE))
    entries += [bytes(128)] * (-len(entries) % 4)
    directory_sectors = len(entries) // 4
    fat_count, difat_count = _fat_size(directory_sectors + padding_sectors)
    first_directory = fat_count + difat_count + padding_sectors
    fat = [FAT_SECTOR] * fat_count + [DIFAT_SECTOR] * difat_count + [FREE] * padding_sectors
    fat += [first_directory + n for n in range(1, directory_sectors)] + [END_OF_CHAIN]
    fat += [FREE] * (fat_count * 128 - len(fat))
    fat_places = list(range(fat_count)) + [FREE] * (109 + 127 * difat_count)
    difat = b"".join(
        struct.pack("<128I", *fat_places[109 + 127 * n : 109 + 127 * (n + 1)], fat_count + n + 1 if n + 1 < difat_count else END_OF_CHAIN)
        for n in range(difat_count)
    )
    header = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(16) + struct.pack(
        "<HHHHH6xIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, 0, fat_count, first_directory, 0, 4096, END_OF_CHAIN, 0,
        fat_count if difat_count else END_OF_CHAIN, difat_count,
    )
    body = struct.pack(f"<{len(fat)}I", *fat) + difat + bytes(512 * padding_sectors) + b"".join(entries)
    return header + struct.pack("<109I", *fat_places[:109]) + body


def _fat_size(other_sectors: int) -> tuple[int, int]:
    """How many FAT and DIFAT sectors a file of `other_sectors` more sectors needs."""
    fat = difat = 0
    while True:
        needed = (-(-(other_sectors + fat + difat) // 128), -(-max(fat - 109, 0) // 127))
        if needed == (fat, difat):
            return fat, difat
        fat, difat = needed


def _directory_entry(name: str, kind: int, child: int = 0xFFFFFFFF, right: int = 0xFFFFFFFF) -> bytes:
    encoded = (name + "\x00").encode("utf-16-le")
    return struct.pack("<64sHBBIII16sIQQIQ", encoded, len(encoded), kind, 1, 0xFFFFFFFF, right, child, bytes(16), 0, 0, 0, 0xFFFFFFFE, 0)


# Zips that are not sound workbooks ----------------------------------------------------------


def truncated_xlsx(folder: Path) -> Path:
    """A real workbook cut in half, as by an interrupted download."""
    data = usage_workbook(folder, "base.xlsx").read_bytes()
    path = folder / "Truncated.xlsx"
    path.write_bytes(data[: len(data) // 2])
    return path


def damaged_part(folder: Path) -> Path:
    """A workbook whose directory is intact but whose workbook part's packed bytes are not."""
    path = usage_workbook(folder, "Damaged.xlsx")
    with zipfile.ZipFile(path) as book:
        info = book.getinfo("xl/workbook.xml")
    data = bytearray(path.read_bytes())
    name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_length + extra_length
    for offset in range(start + 8, start + info.compress_size - 8):
        data[offset] ^= 0x5A
    path.write_bytes(bytes(data))
    return path


def word_named_xlsx(folder: Path) -> Path:
    return _package(folder / "Letter.xlsx", "/word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")


def xlsb_named_xlsx(folder: Path) -> Path:
    return _package(folder / "Binary.xlsx", "/xl/workbook.bin", "application/vnd.ms-excel.sheet.binary.macroEnabled.main")


def _package(path: Path, main_part: str, content_type: str) -> Path:
    """A minimal Office package whose main part has the given content type."""
    types = f'{XML_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="{main_part}" ContentType="{content_type}"/></Types>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", types)
        package.writestr(main_part.lstrip("/"), f"{XML_DECLARATION}<document/>")
    return path


def ods_named_xlsx(folder: Path) -> Path:
    path = folder / "Calc.xlsx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        package.writestr("content.xml", f"{XML_DECLARATION}<office:document-content/>")
    return path


def backslash_names(folder: Path) -> Path:
    """Parts named with Windows' separator (`xl\\workbook.xml`), as some tools write them:
    the package format does not allow it (LibreOffice cannot load such a file)."""
    return _renamed(folder, "Backslashes.xlsx", lambda name: name.replace("/", "\\"))


def _renamed(folder: Path, name: str, rename: Callable[[str], str]) -> Path:
    """A valid workbook with each part's name changed by `rename`."""
    path = folder / name
    with zipfile.ZipFile(usage_workbook(folder, "base.xlsx")) as book, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as renamed:
        for info in book.infolist():
            renamed.writestr(rename(info.filename), book.read(info))
    return path


def plain_zip(folder: Path) -> Path:
    path = folder / "Archive.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("readme.txt", "not a workbook")
    return path


# XML attacks ---------------------------------------------------------------------------------

LAUGHS = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
BILLION_LAUGHS_DTD = f'<!DOCTYPE lolz [<!ENTITY lol0 "lol">{LAUGHS}]>'


def billion_laughs_in_shared_strings(folder: Path) -> Path:
    strings = f'{XML_DECLARATION}{BILLION_LAUGHS_DTD}<sst xmlns="{SHEET_NS}" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'
    return _with_shared_strings(folder, "Laughs.xlsx", strings.encode())


def billion_laughs_in_worksheet(folder: Path) -> Path:
    sheet = f'{XML_DECLARATION}{BILLION_LAUGHS_DTD}<worksheet xmlns="{SHEET_NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
    return _with_part(folder, "LaughsSheet.xlsx", "xl/worksheets/sheet1.xml", sheet.encode())


def external_entity(folder: Path) -> Path:
    """XXE: a shared string that would read `/etc/passwd` into the workbook."""
    strings = f'{XML_DECLARATION}<!DOCTYPE sst [<!ENTITY secret SYSTEM "file:///etc/passwd">]><sst xmlns="{SHEET_NS}"><si><t>&secret;</t></si></sst>'
    return _with_shared_strings(folder, "Xxe.xlsx", strings.encode())


def dtd_in_utf16(folder: Path) -> Path:
    """The same XXE in a UTF-16 part, where the declaration's bytes are interleaved with zeros."""
    strings = f'<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE sst [<!ENTITY secret SYSTEM "file:///etc/passwd">]><sst xmlns="{SHEET_NS}"><si><t>&secret;</t></si></sst>'
    return _with_shared_strings(folder, "Utf16.xlsx", strings.encode("utf-16"))


def dtd_after_long_comment(folder: Path) -> Path:
    """A DTD pushed past the first KB by a long comment, hoping a head scan misses it."""
    strings = f'{XML_DECLARATION}<!-- {"padding " * 4096} -->{BILLION_LAUGHS_DTD}<sst xmlns="{SHEET_NS}"><si><t>&lol9;</t></si></sst>'
    return _with_shared_strings(folder, "LongComment.xlsx", strings.encode())


def _with_part(folder: Path, name: str, part: str, data: bytes) -> Path:
    return rezip(usage_workbook(folder, "base.xlsx"), folder / name, replace={part: data})


def _with_shared_strings(folder: Path, name: str, strings: bytes) -> Path:
    """A valid workbook plus a shared-strings part, registered as Excel registers it
    (openpyxl itself writes inline strings)."""
    base = usage_workbook(folder, "base.xlsx")
    with zipfile.ZipFile(base) as book:
        types = book.read("[Content_Types].xml").decode()
        relationships = book.read("xl/_rels/workbook.xml.rels").decode()
    override = '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    relationship = '<Relationship Id="rIdStrings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    replace = {
        "[Content_Types].xml": types.replace("</Types>", override + "</Types>").encode(),
        "xl/_rels/workbook.xml.rels": relationships.replace("</Relationships>", relationship + "</Relationships>").encode(),
    }
    return rezip(base, folder / name, replace, add={"xl/sharedStrings.xml": strings})


# Zip bombs ----------------------------------------------------------------------------------


class RawPart(NamedTuple):
    """A zip entry written as given: packed `pieces` (bytes, times repeated) and the sizes
    and CRC to declare, true or not."""

    name: str
    pieces: tuple[tuple[bytes, int], ...]
    crc: int
    file_size: int
    method: int = zipfile.ZIP_DEFLATED
    header_offset: int | None = None  # reuse an earlier entry's data (overlapping bomb)

    @property
    def compress_size(self) -> int:
        return sum(len(piece) * times for piece, times in self.pieces)


def packed(name: str, data: bytes, level: int = 9) -> RawPart:
    """An honest part: `data` deflated."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return RawPart(name, ((compressor.compress(data) + compressor.flush(), 1),), zlib.crc32(data), len(data))


def write_raw_zip(path: Path, parts: list[RawPart]) -> Path:
    """Write `parts` as a zip, with zip64 extra fields where a size passes 4 GB."""
    central, offsets = [], {}
    with path.open("wb") as file:
        for part in parts:
            if part.header_offset is None:
                offsets[part.name] = file.tell()
                file.write(_local_header(part))
                for piece, times in part.pieces:
                    for _ in range(times):
                        file.write(piece)
            central.append(_central_header(part, part.header_offset if part.header_offset is not None else offsets[part.name]))
        start = file.tell()
        file.write(b"".join(central))
        size = file.tell() - start
        file.write(struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, len(parts), len(parts), size, start, 0))
    return path


def _sizes(part: RawPart) -> tuple[int, int, bytes]:
    """Declared compressed and uncompressed sizes, and the zip64 extra field if needed."""
    if max(part.file_size, part.compress_size) < 0xFFFFFFFF:
        return part.compress_size, part.file_size, b""
    return 0xFFFFFFFF, 0xFFFFFFFF, struct.pack("<2H2Q", 1, 16, part.file_size, part.compress_size)


def _local_header(part: RawPart) -> bytes:
    compressed, uncompressed, extra = _sizes(part)
    name = part.name.encode()
    return struct.pack("<4s5H3I2H", b"PK\x03\x04", 45, 0, part.method, 0, 0x21, part.crc, compressed, uncompressed, len(name), len(extra)) + name + extra


def _central_header(part: RawPart, offset: int) -> bytes:
    compressed, uncompressed, extra = _sizes(part)
    name = part.name.encode()
    fixed = struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 45, 45, 0, part.method, 0, 0x21, part.crc, compressed, uncompressed, len(name), len(extra), 0, 0, 0, 0, offset)
    return fixed + name + extra


def bomb_sheet(name: str, unpacked_bytes: int, chunk_bytes: int = MB) -> RawPart:
    """A worksheet part that unpacks to about `unpacked_bytes`: a valid sheet whose
    `sheetData` holds that many blanks (about 1,000 : 1; 5 GB packs to 5 MB)."""
    head = f'{XML_DECLARATION}<worksheet xmlns="{SHEET_NS}"><sheetData>'.encode()
    tail = b"</sheetData></worksheet>"
    chunk = b" " * chunk_bytes
    times = max(unpacked_bytes // chunk_bytes, 1)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    pieces = (
        (compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH), 1),
        (compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH), times),
        (compressor.compress(tail) + compressor.flush(), 1),
    )
    crc = zlib.crc32(tail, repeated_crc32(chunk, times, zlib.crc32(head)))
    return RawPart(name, pieces, crc, len(head) + times * len(chunk) + len(tail))


def repeated_crc32(chunk: bytes, times: int, crc: int = 0) -> int:
    """`zlib.crc32(chunk * times, crc)` without building or reading `chunk * times`.
    Feeding `chunk` to a CRC is an affine map over GF(2) on the 32-bit state, so the map
    is measured once (33 CRCs of `chunk`) and raised to the power `times` by squaring."""
    constant = zlib.crc32(chunk, 0)
    step = ([zlib.crc32(chunk, 1 << bit) ^ constant for bit in range(32)], constant)
    result = ([1 << bit for bit in range(32)], 0)  # identity
    while times:
        if times & 1:
            result = _compose(step, result)
        step = _compose(step, step)
        times >>= 1
    return _apply(result, crc)


def _apply(affine: tuple[list[int], int], state: int) -> int:
    columns, constant = affine
    for bit in range(32):
        if state >> bit & 1:
            constant ^= columns[bit]
    return constant


def _compose(outer: tuple[list[int], int], inner: tuple[list[int], int]) -> tuple[list[int], int]:
    """`outer` after `inner`."""
    linear = (outer[0], 0)
    return [_apply(linear, column) for column in inner[0]], _apply(outer, inner[1])


def _base_parts(folder: Path, leaving_out: str | None = "xl/worksheets/sheet1.xml") -> list[RawPart]:
    """The parts of a valid workbook, packed honestly, but the one `leaving_out` (by
    default the sheet, for a builder to put its own in its place)."""
    with zipfile.ZipFile(usage_workbook(folder, "base.xlsx")) as book:
        return [packed(info.filename, book.read(info)) for info in book.infolist() if info.filename != leaving_out]


def zip_bomb(folder: Path) -> Path:
    """A 5 MB workbook whose sheet unpacks to 5 GB, sizes declared honestly."""
    return write_raw_zip(folder / "Bomb.xlsx", _base_parts(folder) + [bomb_sheet("xl/worksheets/sheet1.xml", 5 * GB)])


def ratio_bomb(folder: Path) -> Path:
    """A sheet of 600 MB (under the per-part limit) packed 1,000 times."""
    return write_raw_zip(folder / "Dense.xlsx", _base_parts(folder) + [bomb_sheet("xl/worksheets/sheet1.xml", 600 * MB)])


def lying_bomb(folder: Path) -> Path:
    """The 5 GB sheet again, but declaring 2 KB unpacked. Python's zipfile stops after the
    declared 2 KB (and then reports a bad CRC); a reader that trusts the deflate stream
    instead would inflate 5 GB. Refused because 5 MB of deflate data cannot be 2 KB."""
    honest = bomb_sheet("xl/worksheets/sheet1.xml", 5 * GB)
    return write_raw_zip(folder / "Liar.xlsx", _base_parts(folder) + [honest._replace(file_size=2 * KB)])


def numbers_sheet(name: str, rows: int) -> RawPart:
    """A plain worksheet part of `rows` rows of two cells, packed quickly."""
    cells = "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>P-{n % 977}</t></is></c><c r="B{n}"><v>{n * 7919 % 100003}</v></c></row>' for n in range(1, rows + 1))
    return packed(name, f'{XML_DECLARATION}<worksheet xmlns="{SHEET_NS}"><dimension ref="A1:B{rows}"/><sheetData>{cells}</sheetData></worksheet>'.encode(), level=1)


def lying_styles(folder: Path) -> Path:
    """A lie the directory cannot show: a styles part declaring 200 KB, packed in about
    200 KB, whose deflate data unpacks to 200 MB. `ZipFile.read()` (which openpyxl uses
    for styles) inflates all 200 MB in one step before cutting it to 200 KB."""
    honest = bomb_sheet("xl/styles.xml", 200 * MB)
    parts = _base_parts(folder, leaving_out="xl/styles.xml")
    return write_raw_zip(folder / "LyingStyles.xlsx", parts + [honest._replace(file_size=honest.compress_size + KB)])


def overlapping_bomb(folder: Path) -> Path:
    """Twenty sheet entries pointing at one packed body: each passes every size and ratio
    limit; together they would unpack twenty times what the file holds."""
    body = numbers_sheet("xl/worksheets/sheet1.xml", 50_000)
    copies = [body._replace(name=f"xl/worksheets/sheet{n}.xml", header_offset=0) for n in range(2, 21)]
    return write_raw_zip(folder / "Overlap.xlsx", [body] + _base_parts(folder) + copies)


def zip64_many_parts(folder: Path) -> Path:
    """70,000 empty parts: more than a plain end record can count, so zipfile writes a
    zip64 end record, which the guard reads before zipfile parses the directory."""
    path = usage_workbook(folder, "Zip64.xlsx")
    with zipfile.ZipFile(path, "a") as book:
        for n in range(70_000):
            book.writestr(f"customXml/item{n}.xml", b"")
    return path


def lying_part_count(folder: Path) -> Path:
    """10,010 parts whose end record claims 9."""
    path = too_many_parts(folder)
    data = bytearray(path.read_bytes())
    at = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, at + 8, 9, 9)
    path.write_bytes(bytes(data))
    return path


def many_dense_parts(folder: Path) -> Path:
    """2,000 parts of just under 1 MB each, each packed 1,000 times: no part is big enough
    for the per-part ratio check, but together they unpack 2 GB from 2 MB."""
    dense = bomb_sheet("", 1000 * KB, chunk_bytes=1000 * KB)
    extras = [dense._replace(name=f"customXml/item{n}.xml") for n in range(2_000)]
    return write_raw_zip(folder / "DenseParts.xlsx", _base_parts(folder, leaving_out=None) + extras)


def local_name_differs(folder: Path) -> Path:
    """The central directory and the part's own header disagree on its name."""
    path = write_raw_zip(folder / "TwoNames.xlsx", _base_parts(folder, leaving_out=None) + [packed("xl/media/image1.png", bytes(range(256)))])
    data = path.read_bytes()
    at = data.index(b"xl/media/image1.png")  # the first mention is the local header's
    path.write_bytes(data[:at] + b"xl/media/image2.png" + data[at + 19 :])
    return path


def name_not_utf8(folder: Path) -> Path:
    """A part flagged as named in UTF-8 whose name is not UTF-8 (zipfile raises
    UnicodeDecodeError, not BadZipFile, while reading the directory)."""
    path = write_raw_zip(folder / "BadName.xlsx", _base_parts(folder, leaving_out=None))
    data = bytearray(path.read_bytes())
    first_entry = data.find(b"PK\x01\x02")
    data[first_entry + 9] |= 0x08  # bit 11 of the flags (in their high byte): UTF-8 names
    data[first_entry + 46] = 0x97
    path.write_bytes(bytes(data))
    return path


def too_many_parts(folder: Path) -> Path:
    """A workbook with 10,001 tiny extra parts."""
    extras = [packed(f"customXml/item{n}.xml", b"<a/>") for n in range(10_001)]
    return write_raw_zip(folder / "Crowded.xlsx", _base_parts(folder, leaving_out=None) + extras)


def password_zip(folder: Path) -> Path:
    """A zip whose parts are encrypted (the zip's own, weak, password scheme)."""
    path = write_raw_zip(folder / "ZipCrypto.xlsx", _base_parts(folder, leaving_out=None))
    data = bytearray(path.read_bytes())
    for offset in _all(data, b"PK\x01\x02"):
        data[offset + 8] |= 1
    path.write_bytes(bytes(data))
    return path


def _all(data: bytes, needle: bytes) -> Iterable[int]:
    start = data.find(needle)
    while start >= 0:
        yield start
        start = data.find(needle, start + 1)


# Sound files with structural oddities (the readers' and the writer's business) ----------------


def large_workbook(folder: Path) -> Path:
    """A sound workbook whose sheet holds 300,000 rows (about 30 MB unpacked): the guard
    reads only its first KB."""
    return write_raw_zip(folder / "Large.xlsx", _base_parts(folder) + [numbers_sheet("xl/worksheets/sheet1.xml", 300_000)])


def usage_sheet(name: str, rows: int, products: int = 977) -> RawPart:
    """A Usage worksheet part: a Product/Quantity header, then `rows` rows of signed
    quantities spread over `products` products, packed quickly."""
    header = '<row r="1"><c r="A1" t="inlineStr"><is><t>Product</t></is></c><c r="B1" t="inlineStr"><is><t>Quantity</t></is></c></row>'
    cells = "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>P-{n % products}</t></is></c>'
                    f'<c r="B{n}"><v>{(n * 7919 % 199) - 99 or 1}</v></c></row>' for n in range(2, rows + 2))
    return packed(name, f'{XML_DECLARATION}<worksheet xmlns="{SHEET_NS}"><dimension ref="A1:B{rows + 1}"/>'
                  f'<sheetData>{header}{cells}</sheetData></worksheet>'.encode(), level=1)


def large_usage_workbook(folder: Path, rows: int = 300_000, products: int = 20_000) -> Path:
    """A sound usage workbook of `rows` rows and `products` products: long to read and to
    write (what a kill during a save needs)."""
    return write_raw_zip(folder / "LargeUsage.xlsx", _base_parts(folder) + [usage_sheet("xl/worksheets/sheet1.xml", rows, products)])


def workbook_type_as_default(folder: Path) -> Path:
    """Some tools declare the workbook's content type as the default for every .xml part
    instead of naming the workbook part; openpyxl (and so the guard) accepts it."""
    base = usage_workbook(folder, "base.xlsx")
    with zipfile.ZipFile(base) as book:
        types = book.read("[Content_Types].xml").decode()
    workbook_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    types = re.sub(r'<Override PartName="/xl/workbook.xml"[^>]*/>', "", types)
    types = re.sub(r'<Default Extension="xml"[^>]*/>', f'<Default Extension="xml" ContentType="{workbook_type}"/>', types)
    assert workbook_type in types and "/xl/workbook.xml" not in types
    return rezip(base, folder / "DefaultType.xlsx", replace={"[Content_Types].xml": types.encode()})


def content_types_in_lower_case(folder: Path) -> Path:
    """`[content_types].xml`: the package format compares part names regardless of case
    (openpyxl and LibreOffice look for the exact name; the guard and giveback's readers do not)."""
    return _renamed(folder, "LowerCase.xlsx", lambda name: name.replace("[Content_Types]", "[content_types]"))


def huge_dimension(folder: Path) -> Path:
    """Three real rows, but the sheet claims A1:XFD1048576 is in use."""
    base = usage_workbook(folder, "base.xlsx")
    with zipfile.ZipFile(base) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    sheet = re.sub(r'<dimension ref="[A-Z0-9:]+"\s*/>', '<dimension ref="A1:XFD1048576"/>', sheet)
    assert "XFD1048576" in sheet
    return rezip(base, folder / "Dimension.xlsx", replace={"xl/worksheets/sheet1.xml": sheet.encode()})


def user_summary_sheet(folder: Path) -> Path:
    """The user keeps their own sheet named `summary`: the writer must refuse to replace it."""
    path = usage_workbook(folder, "OwnSummary.xlsx")
    from openpyxl import load_workbook

    book = load_workbook(path)
    book.create_sheet("summary").append(("My notes", "keep me"))
    book.save(path)
    return path


def merged_header(folder: Path) -> Path:
    path = usage_workbook(folder, "Merged.xlsx", rows=[("Product", None, "Quantity"), ("A-100", None, 2)])
    from openpyxl import load_workbook

    book = load_workbook(path)
    book["Usage"].merge_cells("A1:B1")
    book.save(path)
    return path


def duplicated_header(folder: Path) -> Path:
    return usage_workbook(folder, "TwoQuantities.xlsx", rows=[("Product", "Quantity", "Quantity"), ("A-100", 2, 3)])


def title_rows_above_header(folder: Path) -> Path:
    rows = [("Unallocated usage, March",), (), ("Product", "Qty"), ("A-100", 2)]
    return usage_workbook(folder, "Titled.xlsx", rows=rows)


def sheet_named_in_capitals(folder: Path) -> Path:
    return usage_workbook(folder, "Capitals.xlsx", sheet=" USAGE ")


def measured(action: Callable[[], object], expected: type[BaseException]) -> tuple[BaseException | None, float, float]:
    """Run `action`: the `expected` exception it raised (or None), seconds, and the peak
    memory Python allocated meanwhile, in MB (zlib's buffers included)."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        action()
        raised = None
    except expected as error:
        raised = error
    finally:
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / MB
        tracemalloc.stop()
    return raised, seconds, peak


REFUSED: dict[str, Builder] = {
    "missing file": missing_file,
    "a folder": a_folder,
    "a named pipe": a_pipe,
    "unreadable file": unreadable_file,
    "empty file": empty_file,
    "Excel's lock file": excel_lock_file,
    "CSV named .xlsx": csv_named_xlsx,
    "CSV starting with PK": csv_starting_with_pk,
    "web page named .xlsx": html_named_xls,
    "random binary": random_binary,
    ".xls named .xlsx": xls_named_xlsx,
    "encrypted workbook": encrypted_workbook,
    "encrypted workbook, 9 MB": large_encrypted_workbook,
    "truncated workbook": truncated_xlsx,
    "damaged workbook part": damaged_part,
    "Word file named .xlsx": word_named_xlsx,
    ".xlsb named .xlsx": xlsb_named_xlsx,
    ".ods named .xlsx": ods_named_xlsx,
    "plain zip": plain_zip,
    "billion laughs, shared strings": billion_laughs_in_shared_strings,
    "billion laughs, worksheet": billion_laughs_in_worksheet,
    "external entity /etc/passwd": external_entity,
    "DTD in a UTF-16 part": dtd_in_utf16,
    "DTD after a long comment": dtd_after_long_comment,
    "zip bomb 5 GB": zip_bomb,
    "zip bomb 600 MB, ratio": ratio_bomb,
    "lying zip bomb": lying_bomb,
    "lying styles part": lying_styles,
    "overlapping zip bomb": overlapping_bomb,
    "10,001 parts": too_many_parts,
    "70,000 parts, zip64": zip64_many_parts,
    "10,001 parts, end record says 9": lying_part_count,
    "2,000 dense small parts": many_dense_parts,
    "part named twice differently": local_name_differs,
    "part name not UTF-8": name_not_utf8,
    "password-protected zip": password_zip,
    "parts named with backslashes": backslash_names,
}

# cases this machine cannot stage: root reads files it may not; Windows has no named pipes
NOT_HERE = {"unreadable file"} if getattr(os, "geteuid", lambda: -1)() == 0 else set()
NOT_HERE |= set() if hasattr(os, "mkfifo") else {"a named pipe"}

SOUND: dict[str, Builder] = {
    "valid .xlsx": valid_xlsx,
    "valid .xlsm": valid_xlsm,
    "Excel-made .xlsm": excel_made_xlsm,
    "300,000-row workbook": large_workbook,
    "workbook type as the .xml default": workbook_type_as_default,
    "dimension A1:XFD1048576": huge_dimension,
    "user's own summary sheet": user_summary_sheet,
    "merged header cells": merged_header,
    "duplicated header cells": duplicated_header,
    "title rows above the header": title_rows_above_header,
    "sheet named ' USAGE '": sheet_named_in_capitals,
}
