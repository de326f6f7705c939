"""Compound files (MS-CFB), the container of `vbaProject.bin`: read whole with olefile,
changed as a tree of values, written whole.

olefile reads compound files well but writes a stream back only at its old size, and
adding a module adds a stream and grows others. So `write` lays out a new version 3
file (512-byte sectors): the mini stream (every stream under 4,096 bytes, in 64-byte
mini sectors), the larger streams, the directory, the mini FAT, then the FAT; the header
lists the FAT sectors itself (up to 109 of them, files of about 7 MB). The siblings of
each storage form a balanced red-black tree in the format's order (shorter names first,
then by upper-cased name). The same tree always gives the same bytes.
"""

from __future__ import annotations

import struct
import uuid
from typing import NamedTuple

import olefile

SECTOR, MINI_SECTOR, MINI_CUTOFF = 512, 64, 4096
FREE, END_OF_CHAIN, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
STORAGE, STREAM, ROOT = 1, 2, 5
RED, BLACK = 0, 1
HEADER_FAT_SECTORS = 109
SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")


class Entry(NamedTuple):
    """A stream (`data` is its bytes) or a storage (`data` is None) and its children."""

    name: str
    data: bytes | None = None
    children: tuple[Entry, ...] = ()
    clsid: bytes = bytes(16)
    state: int = 0
    created: int = 0
    modified: int = 0


def read(data: bytes) -> Entry:
    """The root storage of a compound file, every stream read."""
    ole = olefile.OleFileIO(data)
    return entry_of(ole, ole.root, [])


def entry_of(ole: olefile.OleFileIO, node, path: list[str]) -> Entry:
    clsid = uuid.UUID(node.clsid).bytes_le if node.clsid else bytes(16)
    meta = dict(clsid=clsid, state=node.dwUserFlags, created=node.createTime, modified=node.modifyTime)
    if node.entry_type == olefile.STGTY_STREAM:
        return Entry(node.name, ole.openstream(path).read(), **meta)
    return Entry(node.name, None, tuple(entry_of(ole, kid, path + [kid.name]) for kid in node.kids), **meta)


def stream(root: Entry, path: tuple[str, ...]) -> bytes:
    """The bytes of the stream at `path` (storage names, then the stream's name)."""
    entry = root
    for name in path:
        entry = next(kid for kid in entry.children if kid.name.casefold() == name.casefold())
    return entry.data


def with_stream(root: Entry, path: tuple[str, ...], data: bytes) -> Entry:
    """`root` with the stream at `path` replaced, or added when it is not there."""
    name, rest = path[0], path[1:]
    kids = list(root.children)
    at = next((i for i, kid in enumerate(kids) if kid.name.casefold() == name.casefold()), None)
    if rest:
        kids[at] = with_stream(kids[at], rest, data)
    elif at is None:
        kids.append(Entry(name, data))
    else:
        kids[at] = kids[at]._replace(data=data)
    return root._replace(children=tuple(kids))


def write(root: Entry) -> bytes:
    """The compound file of `root` (a storage), version 3."""
    entries = flattened(root)
    layout = Layout()
    mini = MiniStream(e for e in entries if e.data is not None and len(e.data) < MINI_CUTOFF)
    starts = {id(root): layout.allocate(mini.data)}
    for entry in entries:
        if entry.data is not None:
            starts[id(entry)] = mini.starts[id(entry)] if id(entry) in mini.starts else layout.allocate(entry.data)
    directory_start = layout.allocate(directory(entries, starts, len(mini.data)))
    mini_fat_start = layout.allocate(uint32s(mini.fat)) if mini.fat else END_OF_CHAIN
    fat_sectors = layout.close()
    header = header_bytes(fat_sectors, directory_start, mini_fat_start, -(-len(mini.fat) * 4 // SECTOR))
    return header + bytes(layout.body)


class Layout:
    """Sectors as they are allocated, and the FAT that chains them."""

    def __init__(self):
        self.body, self.fat = bytearray(), []

    def allocate(self, data: bytes) -> int:
        """Place `data` in whole sectors; returns its first sector (END_OF_CHAIN if empty)."""
        count = -(-len(data) // SECTOR)
        if not count:
            return END_OF_CHAIN
        start = len(self.fat)
        self.fat += chain(start, count)
        self.body += data.ljust(count * SECTOR, b"\0")
        return start

    def close(self) -> list[int]:
        """Append the FAT itself; returns the FAT's sectors."""
        count = -(-len(self.fat) // (SECTOR // 4 - 1))
        if count > HEADER_FAT_SECTORS:
            raise ValueError("compound file too large for a header-only FAT")
        sectors = list(range(len(self.fat), len(self.fat) + count))
        self.fat += [FAT_SECTOR] * count
        self.body += uint32s(self.fat + [FREE] * (count * SECTOR // 4 - len(self.fat)))
        return sectors


class MiniStream:
    """The small streams, each in whole 64-byte mini sectors, and their mini FAT."""

    def __init__(self, entries):
        self.data, self.fat, self.starts = bytearray(), [], {}
        for entry in entries:
            count = -(-len(entry.data) // MINI_SECTOR)
            self.starts[id(entry)] = len(self.fat) if count else END_OF_CHAIN
            self.fat += chain(len(self.fat), count)
            self.data += entry.data.ljust(count * MINI_SECTOR, b"\0")
        self.data = bytes(self.data)


def chain(start: int, count: int) -> list[int]:
    return list(range(start + 1, start + count)) + [END_OF_CHAIN] * bool(count)


def uint32s(values: list[int]) -> bytes:
    return struct.pack(f"<{len(values)}I", *values)


def flattened(root: Entry) -> list[Entry]:
    """Every entry, the root first, each storage's children after it."""
    entries = [root]
    for kid in root.children:
        entries += flattened(kid)
    return entries


def directory(entries: list[Entry], starts: dict[int, int], mini_size: int) -> bytes:
    number = {id(entry): i for i, entry in enumerate(entries)}
    links = {id(entries[0]): (NO_STREAM, NO_STREAM, BLACK)}
    child = {}
    for entry in entries:
        if entry.data is None and entry.children:
            top, tree = sibling_tree([number[id(kid)] for kid in sorted(entry.children, key=cfb_order)])
            child[id(entry)] = top
            links.update({id(entries[i]): link for i, link in tree.items()})
    out = bytearray()
    for i, entry in enumerate(entries):
        kind = ROOT if i == 0 else STORAGE if entry.data is None else STREAM
        size = mini_size if i == 0 else len(entry.data or b"")
        start = starts.get(id(entry), 0) if kind != STORAGE else 0
        out += directory_entry(entry, kind, links[id(entry)], child.get(id(entry), NO_STREAM), start, size)
    while len(out) % SECTOR:
        out += directory_entry(Entry(""), 0, (NO_STREAM, NO_STREAM, RED), NO_STREAM, 0, 0)
    return bytes(out)


def cfb_order(entry: Entry) -> tuple[int, list[int]]:
    name = entry.name.encode("utf-16-le")
    return len(name), [ord(c) for c in entry.name.upper()]


def sibling_tree(ids: list[int]) -> tuple[int, dict[int, tuple[int, int, int]]]:
    """A balanced binary search tree of `ids` (already in order): (its top, {id: (left,
    right, colour)}). All levels but the last are full, so colouring that last level red
    (when it is not full) gives every path the same number of black nodes."""
    deepest = len(ids).bit_length() - 1
    perfect = ((len(ids) + 1) & len(ids)) == 0
    tree = {}

    def build(low: int, high: int, depth: int) -> int:
        if low >= high:
            return NO_STREAM
        middle = (low + high) // 2
        colour = RED if depth == deepest and not perfect else BLACK
        tree[ids[middle]] = (build(low, middle, depth + 1), build(middle + 1, high, depth + 1), colour)
        return ids[middle]

    return build(0, len(ids), 0), tree


def directory_entry(entry: Entry, kind: int, link: tuple[int, int, int], child: int, start: int, size: int) -> bytes:
    name = entry.name.encode("utf-16-le")
    if len(name) > 62:
        raise ValueError(f"compound file name longer than 31 characters: {entry.name}")
    left, right, colour = link
    return struct.pack(
        "<64sHBBIII16sIQQIQ", name, len(name) + 2 if kind else 0, kind, colour, left, right, child,
        entry.clsid, entry.state, entry.created, entry.modified, start, size,
    )


def header_bytes(fat_sectors: list[int], directory_start: int, mini_fat_start: int, mini_fat_count: int) -> bytes:
    difat = fat_sectors + [FREE] * (HEADER_FAT_SECTORS - len(fat_sectors))
    return struct.pack(
        "<8s16sHHHHH6sIIIIIIIII109I", SIGNATURE, bytes(16), 0x3E, 3, 0xFFFE, 9, 6, bytes(6), 0,
        len(fat_sectors), directory_start, 0, MINI_CUTOFF, mini_fat_start, mini_fat_count,
        END_OF_CHAIN, 0, *difat,
    )
