"""The guard: look at a workbook file before any parser touches it, and refuse what cannot
be a sound Excel workbook with one line an accountant can act on.

The guard judges a `Snapshot` (the file's bytes, read once: `snapshot`), so what it
passes is exactly what every reader and the writer then read: `check_workbook(snapshot)`
first, then parse (`check_workbook_file(path)` takes the snapshot and checks it, for
tools and tests). Every refusal is an `UnreadableWorkbook` carrying a stable `code` (for
tests and `--json`) and a one-line `message` naming the file and what to do. Parts that
must be read whole go through `bounded_read`, which inflates in chunks and stops at a
limit whatever the zip declares.

The defences, in the order they run, and why:

1. **The file itself.** Missing, a folder, a device or pipe (reading one could wait
   forever), not readable by this user, or changing while read: said as such by the
   snapshot, not as an operating-system error.
2. **What kind of file it is.** An .xlsx/.xlsm is a zip package: its first bytes are
   `50 4B 03 04` ("PK", a part's header). Anything else is sniffed from its first bytes:
   empty; an OLE compound file (`D0 CF 11 E0 A1 B1 1A E1`), which is either an old Excel
   97-2003 `.xls` or an *encrypted* (password-protected) workbook (Excel wraps the
   encrypted package in OLE, with streams named `EncryptionInfo` and `EncryptedPackage`),
   told apart by reading the compound file's directory (a few sectors, see
   `_ole_stream_names`); an XML or web page saved with an Excel name (ERPs export these);
   a text/CSV file; Excel's own lock file (`~$Book1.xlsx`), easy to pick by mistake.
3. **The zip's central directory, before inflating anything.** A zip bomb is a small file
   that unpacks to gigabytes. The directory declares each part's packed and unpacked
   size, so we refuse: more parts than `Limits.max_parts` (counted from the zip's end
   record first, so a million-entry directory is refused before zipfile parses it); a
   part declaring more than `max_part_bytes`; all parts together declaring more than
   `max_total_bytes`; a part, or the whole, over `ratio_applies_above` packed more than
   `max_ratio` times (200: even a sheet of identical rows or a million empty formatted
   rows packs only 10-17 times, because row numbers differ; bombs reach deflate's
   ceiling, about 1,032); a part whose packed data is bigger than deflate could ever
   make of its declared size (a lie seen without inflating); parts that overlap in the
   file (the "overlapping" bomb: many entries sharing one packed body); two parts with
   one name; encrypted parts; compression methods Excel never writes (only stored and
   deflate pass).
4. **Is it an Excel workbook.** `[Content_Types].xml` names the package's main part: a
   workbook (.xlsx, .xlsm, .xltx, .xltm) passes; .xlsb, an add-in, a Word or PowerPoint
   file, an OpenDocument file or any other zip is named and refused.
5. **XML attacks.** Entity expansion ("billion laughs") and external entities (XXE, e.g.
   `<!ENTITY x SYSTEM "file:///etc/passwd">`) both need a document type declaration
   (`<!DOCTYPE ...>`), which XML only allows before the root element, and which Excel
   never writes. So the guard reads only the *prolog* of every `.xml`, `.rels` and `.vml`
   part (at most `max_prolog_bytes`, a few KB: a large sheet costs nothing) and refuses a
   DTD, or a prolog too long to see the end of. UTF-16 parts are decoded first so the
   declaration cannot hide between zero bytes. (Python's expat already refuses the
   classic expansion, and defusedxml makes openpyxl refuse DTDs; this refusal comes
   first, with a clear message, and covers every reader.)
6. **Declared sizes that lie.** A part may declare 200 KB and hold deflate data that
   unpacks to 200 MB. zipfile hands out only the declared size, but `ZipFile.read()`
   inflates up to 2 GB in one step before cutting (openpyxl reads styles, the workbook,
   relationships and themes that way). So every part up to `verify_parts_up_to` (64 MB:
   every part of nearly every workbook) is inflated here, in 1 MB chunks and keeping
   nothing, by our own inflater, which stops the moment a part passes its declared size;
   the CRC is checked at the end, which also catches damage anywhere in the file before
   a long read starts. Inflating runs at about 300 MB a second (0.06 s for a 20 MB
   sheet); with the whole-file ratio capped, a file can never cost the guard more than
   about 0.7 s per MB of its own size, no more than reading an honest file that size.
   Larger parts are bounded only by their declared size: readers must stream them
   (`ZipFile.open` and an incremental parser, which inflate a few KB at a time) or read
   them with `bounded_read`.

What the guard does not judge: sheets, headers and cells (the readers and codecs report
those), nor a sheet's claimed `dimension` (readers must not trust it).
"""

from __future__ import annotations

import codecs
import errno
import io
import os
import struct
import time
import xml.etree.ElementTree as ElementTree
import zipfile
import zlib
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from .snapshot import ATTEMPTS, PAUSE, Snapshot, UnreadableWorkbook, changed_while_reading

__all__ = ["Limits", "UnreadableWorkbook", "bounded_read", "check_workbook", "check_workbook_file"]

KB = 1024
MB = 1024 * KB
GB = 1024 * MB


@dataclass(frozen=True)
class Limits:
    """How much a workbook may ask of this computer. The defaults are far above any real
    workbook (Excel's own limit, 1,048,576 rows x 16,384 columns, fills a sheet part of a
    few hundred MB in practice) and far below what would exhaust a laptop."""

    max_parts: int = 10_000  # files inside the zip; a big real workbook has a few hundred
    max_part_bytes: int = 1 * GB  # declared unpacked size of any one part
    max_total_bytes: int = 4 * GB  # declared unpacked size of all parts together
    max_ratio: int = 200  # unpacked / packed, of a part or the whole, above ratio_applies_above
    ratio_applies_above: int = 1 * MB  # small parts (styles, empty sheets) pack very well
    max_prolog_bytes: int = 8 * KB  # how far into an XML part its root element must start
    verify_parts_up_to: int = 64 * MB  # parts this size or smaller are inflated to check them


def check_workbook(snapshot: Snapshot, limits: Limits = Limits()) -> None:
    """Return quietly if the snapshot's bytes look like a sound .xlsx/.xlsm that is safe to
    parse with the limits given, and mark it `checked`; raise `UnreadableWorkbook`
    otherwise. Looks at the first bytes, the zip's directory and the first KB of each XML
    part, and inflates (keeping nothing) each part up to `limits.verify_parts_up_to`. A
    snapshot already checked is not judged again."""
    if snapshot.checked:
        return
    path, head = snapshot.path, snapshot.data[: 8 * KB]
    if head[:4] not in ZIP_MAGIC:
        raise _not_a_zip(path, head, snapshot.data)
    with _damage_reported(path):
        _check_declared_part_count(path, snapshot.data, limits)
        with snapshot.zip() as archive:
            _check_directory(path, archive.infolist(), limits)
            _check_is_a_workbook(path, archive, limits)
            _check_xml_prologs(path, archive, limits)
            _check_parts_are_what_they_declare(archive, limits)
    snapshot.checked = True


def check_workbook_file(path: Path | str, limits: Limits = Limits()) -> Snapshot:
    """The workbook at `path`, read once and checked (`check_workbook`); raises
    `UnreadableWorkbook`. A file refused (cut short, its parts' checksums wrong) is read
    again: if its bytes differ, it was being written while read (a save can rewrite a file
    within one tick of the clock, its size and times unchanged), so the new bytes are
    judged instead, and a file that keeps changing is refused as "changed while reading",
    not called damaged."""
    snapshot = Snapshot.take(path)
    for _ in range(ATTEMPTS):
        try:
            check_workbook(snapshot, limits)
            return snapshot
        except UnreadableWorkbook:
            if snapshot.recently_modified():
                time.sleep(PAUSE)  # a program saving it now gets to go on
            again = Snapshot.take(path)
            if again.data == snapshot.data:
                raise
            snapshot = again
    raise changed_while_reading(Path(path))


def bounded_read(archive: zipfile.ZipFile, name: str, max_bytes: int) -> bytes:
    """The part `name`, inflated here in chunks from its packed bytes, trusting none of
    its declared sizes: `UnreadableWorkbook` as soon as it passes `max_bytes` or its
    declared size (memory stays near `max_bytes`), when it is missing, or when it is
    damaged (cut short, bad deflate data, wrong CRC)."""
    path = Path(archive.filename or "the workbook")
    if name not in archive.NameToInfo:
        raise UnreadableWorkbook(path, "part_missing", f"{path.name} is damaged: its part {name} is missing.")
    return b"".join(_inflated(archive, archive.getinfo(name), max_bytes))


def _inflated(archive: zipfile.ZipFile, info: zipfile.ZipInfo, max_bytes: int) -> Iterator[bytes]:
    """A part's data in chunks of at most 1 MB, checked as it comes against `max_bytes`,
    its declared size and, at the end, its CRC. (zipfile's own `read()` inflates up to
    2 GB in one step before cutting the data to the declared size.)"""
    path = Path(archive.filename or "the workbook")
    size, crc = 0, 0
    with _damage_reported(path, info.filename), _raw_reader(archive, info) as packed_chunks:
        for chunk in _unpacked(packed_chunks, info):
            size += len(chunk)
            if size > info.file_size:
                raise _crafted(path, f"its part {info.filename} holds more data than it declares")
            if size > max_bytes:
                raise _too_big(path, info.filename, f"unpacks to more than {_size(max_bytes)}")
            crc = zlib.crc32(chunk, crc)
            yield chunk
    if size != info.file_size or crc != info.CRC:
        raise _damaged(path, info.filename)


CHUNK = 1 * MB  # the most one inflating step hands out
PACKED_CHUNK = 64 * KB  # packed bytes read at a time (a smaller unconsumed tail to copy)


@contextmanager
def _raw_reader(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[Iterator[bytes]]:
    """The part's packed bytes, in chunks, read past its local header: from a stream of
    its own over a snapshot's bytes (the archive's stream is zipfile's), else from the
    archive's file (an archive opened from a path, by a tool)."""
    if hasattr(archive.fp, "getvalue"):
        source = nullcontext(io.BytesIO(archive.fp.getvalue()))  # the same bytes, not a copy
    else:
        source = open(archive.filename, "rb") if archive.filename else nullcontext(archive.fp)
    with source as file:
        file.seek(info.header_offset)
        local = file.read(30)
        if len(local) < 30 or local[:4] != b"PK\x03\x04":
            raise zipfile.BadZipFile("no local header")
        name_length, extra_length = struct.unpack_from("<HH", local, 26)
        if file.read(name_length) != _raw_name(info):
            raise zipfile.BadZipFile("the part's header names another part")
        file.seek(extra_length, os.SEEK_CUR)
        yield _chunks(file, info.compress_size)


def _raw_name(info: zipfile.ZipInfo) -> bytes:
    """The part's name as the zip stores it (UTF-8 when flagged, else code page 437)."""
    return info.orig_filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437")


def _chunks(file: BinaryIO, count: int) -> Iterator[bytes]:
    """`count` bytes of `file` in chunks; EOFError if the file ends first."""
    while count > 0:
        chunk = file.read(min(PACKED_CHUNK, count))
        if not chunk:
            raise EOFError("the file ends inside a part")
        count -= len(chunk)
        yield chunk


def _unpacked(packed_chunks: Iterator[bytes], info: zipfile.ZipInfo) -> Iterator[bytes]:
    """Inflate packed chunks, never more than `CHUNK` bytes out at a time."""
    if info.compress_type == zipfile.ZIP_STORED:
        yield from packed_chunks
        return
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    for packed in packed_chunks:
        while packed and not inflater.eof:
            yield inflater.decompress(packed, CHUNK)
            packed = inflater.unconsumed_tail
    if not inflater.eof:
        raise EOFError("the packed data ends early")


# 1-2. The file and its kind ----------------------------------------------------------

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a first part's local header; an empty zip


SAVE_AS_XLSX = "open it in Excel and save it as an Excel Workbook (.xlsx), then try again."


def _not_a_zip(path: Path, head: bytes, data: bytes) -> UnreadableWorkbook:
    """The refusal for a file that is not a zip package, named by what it looks like."""
    if path.name.startswith("~$"):
        return UnreadableWorkbook(path, "lock_file", f"{path.name} is the lock file Excel keeps while a workbook is open, not the workbook: choose {path.name[2:]} itself.")
    if head.startswith(OLE_MAGIC):
        return _ole_refusal(path, data)
    text = _as_text(head)
    if text is not None and text.lstrip().startswith("<"):
        return UnreadableWorkbook(path, "xml_or_html", f"{path.name} is a web page or XML file with an Excel name, not an .xlsx workbook: {SAVE_AS_XLSX}")
    if text is not None:
        return UnreadableWorkbook(path, "text_file", f"{path.name} is a text or CSV file, not an Excel workbook: {SAVE_AS_XLSX}")
    return UnreadableWorkbook(path, "not_a_workbook", f"{path.name} is not an Excel workbook (.xlsx or .xlsm): it may be damaged or another kind of file.")


def _as_text(head: bytes) -> str | None:
    """The head decoded as text, or None if it holds binary bytes."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if head.startswith(bom):
            return head.decode(encoding, errors="replace")
    if b"\x00" in head:
        return None
    return head.decode("utf-8", errors="replace")


def _ole_refusal(path: Path, data: bytes) -> UnreadableWorkbook:
    """An OLE compound file: encrypted workbook, old .xls, or another old Office file."""
    names = _ole_stream_names(data)
    if names & {"EncryptionInfo", "EncryptedPackage"}:
        return UnreadableWorkbook(path, "encrypted", f"{path.name} is an encrypted (password-protected) workbook: save a copy without a password and try again.")
    if names & {"Workbook", "Book"}:
        return UnreadableWorkbook(path, "old_xls", f"{path.name} is an old Excel 97-2003 (.xls) workbook: {SAVE_AS_XLSX}")
    if names:
        return UnreadableWorkbook(path, "old_office_file", f"{path.name} is an old-style Office file but not an Excel workbook: {SAVE_AS_XLSX}")
    return UnreadableWorkbook(path, "encrypted_or_xls", f"{path.name} is either an encrypted (password-protected) workbook or an old Excel 97-2003 (.xls) file: save a copy as an Excel Workbook (.xlsx) without a password and try again.")


END_OF_CHAIN = 0xFFFFFFFE


def _ole_stream_names(data: bytes, max_sectors: int = 64) -> set[str]:
    """The stream and storage names in an OLE compound file's directory (its first
    `max_sectors` sectors), following the directory's sector chain through the FAT.
    An empty set when the file is malformed."""
    try:
        with io.BytesIO(data) as file:
            header = file.read(512)
            sector_size = 1 << struct.unpack_from("<H", header, 0x1E)[0]
            read = _sector_reader(file, sector_size)
            fat_sectors = _fat_sectors(header, read, sector_size)
            names: set[str] = set()
            sector = struct.unpack_from("<I", header, 0x30)[0]
            for _ in range(max_sectors):
                if sector >= END_OF_CHAIN:
                    break
                names |= _directory_names(read(sector), sector_size)
                sector = _next_sector(read, fat_sectors, sector, sector_size)
            return names
    except (struct.error, IndexError, OSError, ValueError):
        return set()


def _sector_reader(file: BinaryIO, sector_size: int) -> Callable[[int], bytes]:
    """A function reading sector `n` of a compound file (the header is sector -1)."""
    if sector_size not in (512, 4096):
        raise ValueError("unusual sector size")

    def read(sector: int) -> bytes:
        file.seek((sector + 1) * sector_size)
        data = file.read(sector_size)
        if len(data) < sector_size:
            raise ValueError("sector past the end of the file")
        return data

    return read


def _fat_sectors(header: bytes, read: Callable[[int], bytes], sector_size: int, max_difat: int = 4096) -> list[int]:
    """Where the FAT's sectors are: 109 in the header, then in the chain of DIFAT sectors
    (each lists `sector_size / 4 - 1` more and ends with the next DIFAT sector)."""
    places = list(struct.unpack_from("<109I", header, 0x4C))
    difat = struct.unpack_from("<I", header, 0x44)[0]
    per_sector = sector_size // 4 - 1
    for _ in range(max_difat):
        if difat >= END_OF_CHAIN:
            break
        *more, difat = struct.unpack(f"<{per_sector + 1}I", read(difat))
        places += more
    return places


def _next_sector(read: Callable[[int], bytes], fat_sectors: list[int], sector: int, sector_size: int) -> int:
    """The FAT entry of `sector`: the next sector in its chain."""
    per_fat_sector = sector_size // 4
    fat_sector = fat_sectors[sector // per_fat_sector]
    return struct.unpack_from("<I", read(fat_sector), (sector % per_fat_sector) * 4)[0]


def _directory_names(sector: bytes, sector_size: int) -> set[str]:
    """The names of the 128-byte directory entries in one directory sector."""
    names = set()
    for offset in range(0, sector_size, 128):
        length = struct.unpack_from("<H", sector, offset + 0x40)[0]
        if 2 <= length <= 64:
            names.add(sector[offset : offset + length - 2].decode("utf-16-le", errors="replace"))
    return names


# 3. The zip's central directory -------------------------------------------------------


def _check_declared_part_count(path: Path, data: bytes, limits: Limits) -> None:
    """Refuse too many parts from the zip's end record, before zipfile builds an object
    for each (a million-entry directory would take it a minute and a gigabyte). zipfile
    reads entries until the directory's declared size is used up, whatever the count
    says, so the size is bounded too: 256 bytes a part (Excel's take about 100)."""
    count, directory_size = _end_record(data)
    if count > limits.max_parts or directory_size > limits.max_parts * 256:
        raise _too_big(path, None, f"holds {count:,} parts, more than the {limits.max_parts:,} a workbook plausibly needs")


def _end_record(data: bytes) -> tuple[int, int]:
    """The entry count and central directory size from the zip's end record (or its zip64
    successor); (0, 0) if there is none to read, for zipfile to call the file damaged."""
    with io.BytesIO(data) as file:
        size = file.seek(0, os.SEEK_END)
        file.seek(max(0, size - (22 + 65_535)))  # the record, then a comment of at most 64 KB
        tail = file.read()
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) < at + 22:
            return 0, 0
        count, directory_size = struct.unpack_from("<HI", tail, at + 10)
        if at < 20 or tail[at - 20 : at - 16] != b"PK\x06\x07":
            return count, directory_size
        file.seek(struct.unpack_from("<Q", tail, at - 12)[0])  # the zip64 end record
        record = file.read(56)
        if len(record) < 56 or record[:4] != b"PK\x06\x06":
            return count, directory_size
        return struct.unpack_from("<QQ", record, 32)


def _check_directory(path: Path, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Refuse zip bombs and crafted zips from the directory alone, inflating nothing."""
    if len(infos) > limits.max_parts:  # the end record's count can lie
        raise _too_big(path, None, f"holds {len(infos):,} parts, more than the {limits.max_parts:,} a workbook plausibly needs")
    if len({info.filename for info in infos}) < len(infos):
        raise _crafted(path, "two of its parts have the same name")
    for info in infos:
        _check_part_entry(path, info, limits)
    total, packed = sum(info.file_size for info in infos), sum(info.compress_size for info in infos)
    if total > limits.max_total_bytes:
        raise _too_big(path, None, f"would unpack to {_size(total)}, over the {_size(limits.max_total_bytes)} limit")
    if total > limits.ratio_applies_above and total > limits.max_ratio * packed:
        raise _too_big(path, None, f"is packed {total // max(packed, 1):,} times as a whole, far tighter than any real workbook (limit {limits.max_ratio:,})")
    _check_no_overlap(path, infos)


def _check_part_entry(path: Path, info: zipfile.ZipInfo, limits: Limits) -> None:
    """One part's directory entry: method, encryption, declared size, ratio, honesty."""
    name = info.filename
    if info.flag_bits & 0x1:
        raise UnreadableWorkbook(path, "encrypted", f"{path.name} is an encrypted (password-protected) zip: save a copy without a password and try again.")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _crafted(path, f"its part {name} is compressed in a way Excel never uses")
    if info.file_size > limits.max_part_bytes:
        raise _too_big(path, name, f"would unpack to {_size(info.file_size)}, over the {_size(limits.max_part_bytes)} limit")
    if info.file_size > limits.ratio_applies_above and info.file_size > limits.max_ratio * info.compress_size:
        ratio = info.file_size // max(info.compress_size, 1)
        raise _too_big(path, name, f"is packed {ratio:,} times, far tighter than any real workbook (limit {limits.max_ratio:,})")
    if info.compress_size > _largest_packed_size(info):
        raise _crafted(path, f"its part {name} holds more data than it declares")


def _largest_packed_size(info: zipfile.ZipInfo) -> int:
    """The most bytes a part of `info.file_size` can take packed: stored parts exactly
    their size; deflate adds at most 5 bytes a 16 KB block (zlib's deflateBound), plus slack."""
    if info.compress_type == zipfile.ZIP_STORED:
        return info.file_size
    return info.file_size + 5 * (info.file_size // (16 * KB) + 1) + 64


def _check_no_overlap(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    """Each part's local header and packed data end before the next part starts."""
    ordered = sorted(infos, key=lambda info: info.header_offset)
    for this, following in zip(ordered, ordered[1:]):
        smallest_end = this.header_offset + 30 + len(_raw_name(this)) + this.compress_size
        if smallest_end > following.header_offset:
            raise _crafted(path, f"its parts {this.filename} and {following.filename} overlap")


# 4. Is it an Excel workbook -------------------------------------------------------------

CONTENT_TYPES = "[Content_Types].xml"
WORKBOOK_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
}
OTHER_MAIN_TYPES = {  # content type of another package's main part: what to call that file
    "application/vnd.ms-excel.sheet.binary.macroEnabled.main": ("xlsb", "an Excel Binary Workbook (.xlsb)"),
    "application/vnd.ms-excel.addin.macroEnabled.main+xml": ("excel_addin", "an Excel add-in (.xlam)"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": ("word_file", "a Word document"),
    "application/vnd.ms-word.document.macroEnabled.main+xml": ("word_file", "a Word document"),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": ("powerpoint_file", "a PowerPoint presentation"),
}


def _check_is_a_workbook(path: Path, archive: zipfile.ZipFile, limits: Limits) -> None:
    """The main part named in `[Content_Types].xml` is a workbook that the zip holds.
    Part names are compared regardless of case, as the package format says."""
    names = {name.lower(): name for name in archive.NameToInfo}
    if any("\\" in info.orig_filename for info in archive.infolist()):  # zipfile on Windows turns them into "/"
        raise UnreadableWorkbook(path, "damaged", f"{path.name} is damaged: the program that wrote it named its parts with backslashes (xl\\workbook.xml), which the Excel file format does not allow. Open it in Excel, save it, and try again.")
    if CONTENT_TYPES.lower() not in names:
        if "mimetype" in archive.NameToInfo:
            raise _not_excel(path, "opendocument", "an OpenDocument file (for example .ods)")
        raise _not_excel(path, "not_excel_zip", "a zip archive")
    content_types = names[CONTENT_TYPES.lower()]
    _check_prolog(path, archive, content_types, limits)
    overrides, defaults = _content_types(path, bounded_read(archive, content_types, limits.verify_parts_up_to))
    if any(overrides.get(part) in WORKBOOK_TYPES for part in names):
        return
    if defaults & WORKBOOK_TYPES and "xl/workbook.xml" in names:
        return  # some tools declare the workbook type as the default for .xml; openpyxl accepts it
    for content_type, (code, what) in OTHER_MAIN_TYPES.items():
        if content_type in overrides.values():
            raise _not_excel(path, code, what)
    raise _not_excel(path, "not_excel_zip", "an Office-style package without a workbook in it")


def _content_types(path: Path, xml: bytes) -> tuple[dict[str, str], set[str]]:
    """From `[Content_Types].xml`: part name (no leading slash, lower-cased) -> content
    type for each Override, and the set of Default content types."""
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError:
        raise _damaged(path, CONTENT_TYPES) from None
    elements = [(element.tag.rpartition("}")[2], element) for element in root]
    overrides = {element.get("PartName", "").lstrip("/").lower(): element.get("ContentType", "") for tag, element in elements if tag == "Override"}
    defaults = {element.get("ContentType", "") for tag, element in elements if tag == "Default"}
    return overrides, defaults


def _check_parts_are_what_they_declare(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Inflate every part up to `verify_parts_up_to` (all of them in most workbooks) in
    chunks, keeping nothing: each must be exactly its declared size with its declared CRC.
    Readers may read such parts whole; larger parts they must stream."""
    for info in archive.infolist():
        if info.file_size <= limits.verify_parts_up_to:
            for _ in _inflated(archive, info, info.file_size):
                pass


# 5. XML attacks ----------------------------------------------------------------------------


XML_SUFFIXES = (".xml", ".rels", ".vml")  # openpyxl re-parses a .xlsm's VML drawings on save


def _check_xml_prologs(path: Path, archive: zipfile.ZipFile, limits: Limits) -> None:
    """No XML part declares a DTD before its root element."""
    for info in archive.infolist():
        if info.filename.lower().endswith(XML_SUFFIXES):
            _check_prolog(path, archive, info.filename, limits)


def _check_prolog(path: Path, archive: zipfile.ZipFile, name: str, limits: Limits) -> None:
    """Refuse the part `name` if its prolog holds a DTD or does not end within the limit."""
    with _damage_reported(path, name), archive.open(name) as part:
        head = part.read(limits.max_prolog_bytes)
    verdict = _prolog_verdict(_decode_xml_head(head))
    if verdict == "dtd":
        raise UnreadableWorkbook(path, "xml_dtd", f"{path.name} contains an XML document type declaration in {name}, which Excel never writes and which can be used to attack this computer: re-save the workbook in Excel and try again.")
    if verdict == "unclear" and len(head) == limits.max_prolog_bytes:
        raise _crafted(path, f"its part {name} does not start like an Excel XML part")


def _decode_xml_head(head: bytes) -> str:
    """The head of an XML part as text: UTF-16 (with or without a byte-order mark) decoded,
    anything else read byte for byte (markup is ASCII in every other encoding XML allows)."""
    if head.startswith(codecs.BOM_UTF8):
        return head[3:].decode("latin-1")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", errors="replace")
    if head.startswith(b"<\x00"):
        return head.decode("utf-16-le", errors="replace")
    if head.startswith(b"\x00<"):
        return head.decode("utf-16-be", errors="replace")
    return head.decode("latin-1")


def _prolog_verdict(text: str) -> str:
    """"root" when the root element starts after only whitespace, processing instructions
    and comments; "dtd" when a `<!DOCTYPE` (or any other `<!` declaration) comes first;
    "unclear" when the text ends inside the prolog or holds anything else there."""
    position = 0
    while True:
        position = len(text) - len(text[position:].lstrip(" \t\r\n"))
        if text.startswith("<?", position):
            position = _after(text, "?>", position + 2)
        elif text.startswith("<!--", position):
            position = _after(text, "-->", position + 4)
        elif text.startswith("<!", position):
            return "dtd"
        elif text.startswith("<", position) and position + 1 < len(text):
            return "root"
        else:
            return "unclear"
        if position < 0:
            return "unclear"


def _after(text: str, end: str, start: int) -> int:
    """The position just past the next `end` in `text` from `start`, or -1."""
    found = text.find(end, start)
    return -1 if found < 0 else found + len(end)


# Refusals -------------------------------------------------------------------------------------


@contextmanager
def _damage_reported(path: Path, part: str | None = None) -> Iterator[None]:
    """Turn zipfile's and zlib's complaints about damaged data into one clear refusal."""
    try:
        yield
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, UnicodeDecodeError) as error:
        raise _damaged(path, part) from error
    except ValueError as error:  # an in-memory stream's seek to a negative offset: the directory lies
        raise _damaged(path, part) from error
    except OSError as error:
        if error.errno == errno.EINVAL:  # a seek to a negative offset: the directory lies
            raise _damaged(path, part) from error
        raise UnreadableWorkbook(path, "cannot_open", f"{path.name} could not be read: {error.strerror or error}.") from error


def _damaged(path: Path, part: str | None) -> UnreadableWorkbook:
    where = f" (in {part})" if part else ""
    return UnreadableWorkbook(path, "damaged", f"{path.name} is damaged or incomplete{where}: it may have been cut short while copying or downloading; open it in Excel to repair it, or get a fresh copy.")


def _too_big(path: Path, part: str | None, what: str) -> UnreadableWorkbook:
    subject = f"{path.name}: its part {part}" if part else path.name
    return UnreadableWorkbook(path, "too_large", f"{subject} {what}; refused to protect this computer (a \"zip bomb\" or a damaged file).")


def _crafted(path: Path, what: str) -> UnreadableWorkbook:
    return UnreadableWorkbook(path, "crafted_zip", f"{path.name} is damaged or was deliberately crafted ({what}): open it in Excel and save a fresh copy, or get a new copy from its sender.")


def _not_excel(path: Path, code: str, what: str) -> UnreadableWorkbook:
    return UnreadableWorkbook(path, code, f"{path.name} is {what}, not an Excel workbook (.xlsx or .xlsm): {SAVE_AS_XLSX}")


def _size(count: int) -> str:
    """A byte count as an accountant reads it: 1.5 GB, 64 MB, 800 KB."""
    for unit, size in (("GB", GB), ("MB", MB), ("KB", KB)):
        if count >= size:
            return f"{count / size:,.1f} {unit}".replace(".0 ", " ")
    return f"{count} bytes"
