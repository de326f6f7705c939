"""Copy zip entries from one archive to another without inflating them.

Python's `zipfile` has no public way to copy an entry's compressed bytes, and inflating
then deflating a 50 MB workbook's parts costs seconds. `copy_entries` writes a plain zip
(local headers, the source's compressed bytes, a central directory) that
`zipfile.ZipFile(path, "a")` then opens to add the new parts. Entries whose sizes or
offsets need ZIP64 are not copied raw: `needs_reencode` says so and the caller falls back
to `zipfile` (same part bytes, freshly compressed).
"""

from __future__ import annotations

import struct
import zipfile
from typing import BinaryIO, Iterable

_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")
_LOCAL_SIGNATURE = b"PK\x03\x04"
_CENTRAL_SIGNATURE = b"PK\x01\x02"
_END_SIGNATURE = b"PK\x05\x06"
_DATA_DESCRIPTOR_FLAG = 0x08
_ENCRYPTED_FLAG = 0x01
_VERSION_NEEDED = 20  # deflate, no ZIP64
_LIMIT_32 = 0xFFFF_FFFF - 1
_CHUNK = 1 << 20


def needs_reencode(infos: Iterable[zipfile.ZipInfo]) -> bool:
    """True when a raw copy of these entries would need ZIP64 records (over 4 GB)."""
    infos = list(infos)
    total = sum(30 + len(info.filename.encode()) + info.compress_size for info in infos)
    return len(infos) >= 0xFFFF or total >= _LIMIT_32


def copy_entries(source: BinaryIO, infos: Iterable[zipfile.ZipInfo], target: BinaryIO) -> None:
    """Write `infos` from the open zip file `source` into `target` (at its start) as a
    complete zip archive, each entry's compressed bytes copied unchanged."""
    central = []
    for info in infos:
        offset = target.tell()
        _write_local_header(info, target)
        _copy_compressed(source, info, target)
        central.append(_central_record(info, offset))
    _write_central_directory(central, target)


def _flags(info: zipfile.ZipInfo) -> int:
    return info.flag_bits & ~_DATA_DESCRIPTOR_FLAG & ~_ENCRYPTED_FLAG


def _name(info: zipfile.ZipInfo) -> bytes:
    return info.filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437")


def _dos_time(info: zipfile.ZipInfo) -> tuple[int, int]:
    year, month, day, hour, minute, second = info.date_time
    date = max(0, year - 1980) << 9 | month << 5 | day
    return hour << 11 | minute << 5 | second // 2, date


def _write_local_header(info: zipfile.ZipInfo, target: BinaryIO) -> None:
    name = _name(info)
    time, date = _dos_time(info)
    target.write(_LOCAL.pack(
        _LOCAL_SIGNATURE, _VERSION_NEEDED, _flags(info), info.compress_type, time, date,
        info.CRC, info.compress_size, info.file_size, len(name), 0,
    ))
    target.write(name)


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


def _central_record(info: zipfile.ZipInfo, offset: int) -> bytes:
    name = _name(info)
    time, date = _dos_time(info)
    return _CENTRAL.pack(
        _CENTRAL_SIGNATURE, info.create_version, _VERSION_NEEDED, _flags(info),
        info.compress_type, time, date, info.CRC, info.compress_size, info.file_size,
        len(name), 0, 0, 0, info.internal_attr, info.external_attr, offset,
    ) + name


def _write_central_directory(records: list[bytes], target: BinaryIO) -> None:
    start = target.tell()
    for record in records:
        target.write(record)
    size = target.tell() - start
    target.write(_END.pack(_END_SIGNATURE, 0, 0, len(records), len(records), size, start, 0))
