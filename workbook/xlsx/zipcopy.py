"""Assemble a zip from entries of other zips without inflating them.

Python's `zipfile` has no public way to copy an entry's compressed bytes, and inflating
then deflating a 50 MB workbook's parts costs seconds. `RawZipWriter` writes a plain zip
itself: a local header, the source's compressed bytes, and finally the central directory;
small new entries are deflated with zlib. Archives that would need ZIP64 records (over
4 GB or 65,535 entries) go through `ReencodingZipWriter` instead, which lets `zipfile`
inflate and deflate every entry (the same bytes, compressed afresh). `writer_for` picks.
"""

from __future__ import annotations

import struct
import time
import zipfile
import zlib
from typing import BinaryIO

_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")
_LOCAL_SIGNATURE = b"PK\x03\x04"
_CENTRAL_SIGNATURE = b"PK\x01\x02"
_END_SIGNATURE = b"PK\x05\x06"
_DATA_DESCRIPTOR_FLAG = 0x08
_ENCRYPTED_FLAG = 0x01
_UTF8_FLAG = 0x800
_VERSION_NEEDED = 20  # deflate, no ZIP64
_MADE_BY_UNIX = 3 << 8 | 20
_LIMIT_32 = 0xFFFF_FFFF - (1 << 20)
_MAX_ENTRIES = 0xFFFF
_CHUNK = 1 << 20


def writer_for(target: BinaryIO, entries: int, estimated_bytes: int):
    """The writer for an archive of `entries` entries and about `estimated_bytes` bytes."""
    if entries >= _MAX_ENTRIES or estimated_bytes >= _LIMIT_32:
        return ReencodingZipWriter(target)
    return RawZipWriter(target)


class RawZipWriter:
    def __init__(self, target: BinaryIO):
        self.target = target
        self.central: list[bytes] = []

    def copy(self, source: zipfile.ZipFile, source_file: BinaryIO, info: zipfile.ZipInfo) -> None:
        """Copy one entry of `source` (open on `source_file`), compressed bytes unchanged."""
        offset = self.target.tell()
        header = _Header(info.filename, info.flag_bits, info.compress_type, info.date_time,
                         info.CRC, info.compress_size, info.file_size)
        self.target.write(header.local())
        _copy_compressed(source_file, info, self.target)
        made_by = info.create_system << 8 | info.create_version
        self.central.append(header.central(offset, made_by, info.internal_attr, info.external_attr))

    def write(self, name: str, data: bytes, date_time: tuple | None = None) -> None:
        """Add a new entry holding `data`, deflated."""
        compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
        packed = compressor.compress(data) + compressor.flush()
        header = _Header(name, _UTF8_FLAG, zipfile.ZIP_DEFLATED,
                         date_time or time.localtime()[:6], zlib.crc32(data), len(packed), len(data))
        offset = self.target.tell()
        self.target.write(header.local())
        self.target.write(packed)
        self.central.append(header.central(offset, _MADE_BY_UNIX, 0, 0o100644 << 16))

    def finish(self) -> None:
        start = self.target.tell()
        for record in self.central:
            self.target.write(record)
        size = self.target.tell() - start
        count = len(self.central)
        self.target.write(_END.pack(_END_SIGNATURE, 0, 0, count, count, size, start, 0))


class ReencodingZipWriter:
    """The same interface through `zipfile`, for archives that need ZIP64."""

    def __init__(self, target: BinaryIO):
        self.archive = zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True)

    def copy(self, source: zipfile.ZipFile, source_file: BinaryIO, info: zipfile.ZipInfo) -> None:
        fresh = zipfile.ZipInfo(info.filename, info.date_time)
        fresh.compress_type, fresh.external_attr = zipfile.ZIP_DEFLATED, info.external_attr
        with source.open(info) as part, self.archive.open(fresh, "w", force_zip64=True) as copy:
            while chunk := part.read(_CHUNK):
                copy.write(chunk)

    def write(self, name: str, data: bytes, date_time: tuple | None = None) -> None:
        info = zipfile.ZipInfo(name, date_time or time.localtime()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        self.archive.writestr(info, data)

    def finish(self) -> None:
        self.archive.close()


class _Header:
    """The fields a local header and its central directory record share."""

    def __init__(self, name, flags, compression, date_time, crc, compressed, size):
        self.name = name.encode("utf-8" if flags & _UTF8_FLAG else "cp437")
        self.flags = flags & ~_DATA_DESCRIPTOR_FLAG & ~_ENCRYPTED_FLAG
        self.compression, self.crc, self.compressed, self.size = compression, crc, compressed, size
        year, month, day, hour, minute, second = date_time
        self.time = hour << 11 | minute << 5 | second // 2
        self.date = max(0, year - 1980) << 9 | month << 5 | day

    def local(self) -> bytes:
        return _LOCAL.pack(
            _LOCAL_SIGNATURE, _VERSION_NEEDED, self.flags, self.compression, self.time,
            self.date, self.crc, self.compressed, self.size, len(self.name), 0,
        ) + self.name

    def central(self, offset: int, made_by: int, internal_attr: int, external_attr: int) -> bytes:
        return _CENTRAL.pack(
            _CENTRAL_SIGNATURE, made_by, _VERSION_NEEDED, self.flags, self.compression,
            self.time, self.date, self.crc, self.compressed, self.size, len(self.name), 0, 0, 0,
            internal_attr, external_attr, offset,
        ) + self.name


def _copy_compressed(source: BinaryIO, info: zipfile.ZipInfo, target: BinaryIO) -> None:
    source.seek(info.header_offset)
    header = source.read(_LOCAL.size)
    if len(header) != _LOCAL.size or header[:4] != _LOCAL_SIGNATURE:
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    name_length, extra_length = _LOCAL.unpack(header)[-2:]
    source.seek(name_length + extra_length, 1)
    remaining = info.compress_size
    while remaining:
        chunk = source.read(min(_CHUNK, remaining))
        if not chunk:
            raise zipfile.BadZipFile(f"{info.filename} is truncated")
        target.write(chunk)
        remaining -= len(chunk)
