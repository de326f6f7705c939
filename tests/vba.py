"""Read the VBA source of an Office file's `vbaProject.bin` (MS-OVBA): the `dir` stream
names the modules and where each one's compressed source starts in its stream."""

from __future__ import annotations

import struct

import olefile

MODULE_STREAM_NAME, MODULE_OFFSET, PROJECT_VERSION = 0x1A, 0x31, 0x09


def decompress(data: bytes) -> bytes:
    """MS-OVBA 2.4.1: a signature byte, then chunks of literals and copy tokens."""
    if data[0] != 1:
        raise ValueError("not a compressed VBA container")
    out, position = bytearray(), 1
    while position < len(data):
        header = struct.unpack_from("<H", data, position)[0]
        position += 2
        end = min(position + (header & 0x0FFF) + 1, len(data))
        if not header & 0x8000:  # a raw chunk
            out += data[position : position + 4096]
            position += 4096
            continue
        chunk_start = len(out)
        while position < end:
            flags = data[position]
            position += 1
            for bit in range(8):
                if position >= end:
                    break
                if not flags >> bit & 1:
                    out.append(data[position])
                    position += 1
                    continue
                token = struct.unpack_from("<H", data, position)[0]
                position += 2
                offset_bits = max((len(out) - chunk_start - 1).bit_length(), 4)
                offset = (token >> (16 - offset_bits)) + 1
                for _ in range((token & (0xFFFF >> offset_bits)) + 3):
                    out.append(out[-offset])
    return bytes(out)


def modules(vba_project: bytes) -> dict[str, str]:
    """{module name: VBA source} of a vbaProject.bin."""
    ole = olefile.OleFileIO(vba_project)
    directory = decompress(ole.openstream("VBA/dir").read())
    found, name, position = {}, None, 0
    while position < len(directory):
        record, size = struct.unpack_from("<HI", directory, position)
        position += 6
        if record == PROJECT_VERSION:
            size = 6  # its size field says 4, but 6 bytes follow
        body = directory[position : position + size]
        position += size
        if record == MODULE_STREAM_NAME:
            name = body.decode("latin-1")
        elif record == MODULE_OFFSET:
            stream = ole.openstream(f"VBA/{name}").read()
            found[name] = decompress(stream[struct.unpack("<I", body)[0] :]).decode("latin-1")
    return found
