"""MS-OVBA compression (section 2.4.1), the run-length scheme of a VBA project's `dir`
stream and module sources.

A container is a signature byte (1) and chunks, each holding up to 4,096 bytes of the
data: a 2-byte header (size - 3, signature 0b011, bit 15 set when compressed), then
token sequences of a flag byte and eight tokens, each a literal byte or a 2-byte copy
token (offset, length) pointing back into the chunk. `compress` follows the algorithm
the specification gives (the longest match, the nearest of equal ones), so it gives
back Excel's own bytes for a stream Excel wrote (tests/test_addin_vba.py round-trips
the xlwings template's streams).
"""

from __future__ import annotations

import struct

CHUNK = 4096
COMPRESSED, SIGNATURE = 0x8000, 0x3000


def compress(data: bytes) -> bytes:
    """The compressed container of `data`."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        out += compressed_chunk(data, start, min(start + CHUNK, len(data)))
    return bytes(out)


def compressed_chunk(data: bytes, start: int, end: int) -> bytes:
    tokens = bytearray()
    position = start
    while position < end:
        flags, sequence = 0, bytearray()
        for bit in range(8):
            if position >= end:
                break
            offset, length = longest_match(data, start, position, end)
            if length:
                flags |= 1 << bit
                sequence += copy_token(offset, length, position - start)
                position += length
            else:
                sequence.append(data[position])
                position += 1
        tokens += bytes([flags]) + sequence
    if len(tokens) > CHUNK:  # incompressible: a raw chunk of exactly 4,096 bytes
        return struct.pack("<H", SIGNATURE | (CHUNK - 1)) + data[start:end].ljust(CHUNK, b"\0")
    return struct.pack("<H", COMPRESSED | SIGNATURE | (len(tokens) - 1)) + tokens


def longest_match(data: bytes, chunk_start: int, position: int, end: int) -> tuple[int, int]:
    """(offset, length) of the longest earlier match in the chunk (the farthest of equally
    long ones), or (0, 0) when none is 3 bytes long; the length is capped to fit a token."""
    found, length = -1, 2
    while position + length < end:
        candidate = data.find(data[position : position + length + 1], chunk_start, position + length)
        if candidate < 0:
            break
        found, length = candidate, length + 1
    if found < 0:
        return 0, 0
    return position - found, min(length, maximum_length(position - chunk_start))


def offset_bits(distance: int) -> int:
    """Bits of a copy token's offset at `distance` bytes into its chunk (4 to 12)."""
    return max((distance - 1).bit_length(), 4)


def maximum_length(distance: int) -> int:
    return (0xFFFF >> offset_bits(distance)) + 3


def copy_token(offset: int, length: int, distance: int) -> bytes:
    bits = offset_bits(distance)
    return struct.pack("<H", ((offset - 1) << (16 - bits)) | (length - 3))


def decompress(data: bytes) -> bytes:
    """The data of a compressed container."""
    if not data or data[0] != 1:
        raise ValueError("not a compressed VBA container")
    out, position = bytearray(), 1
    while position < len(data):
        header = struct.unpack_from("<H", data, position)[0]
        position += 2
        end = min(position + (header & 0x0FFF) + 1, len(data))
        if not header & COMPRESSED:
            out += data[position : position + CHUNK]
            position += CHUNK
            continue
        position = decompress_chunk(data, position, end, out)
    return bytes(out)


def decompress_chunk(data: bytes, position: int, end: int, out: bytearray) -> int:
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
            bits = offset_bits(len(out) - chunk_start)
            offset = (token >> (16 - bits)) + 1
            for _ in range((token & (0xFFFF >> bits)) + 3):
                out.append(out[-offset])
    return end
