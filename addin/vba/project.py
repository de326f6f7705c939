"""Add a standard module to a VBA project (`vbaProject.bin`, MS-OVBA) from its source,
without Excel: what the VBA editor's File > Import does, written the way xlwings' own
build writes its `xlwings` module.

A project whose `_VBA_PROJECT` stream has version 0xFFFF carries no compiled cache
(MS-OVBA 2.3.4.1): Office compiles every module from its source when it opens the file.
xlwings' ribbon template is such a project, so a module there is only:

- its records in the `dir` stream (2.3.4.2.3.2: name, stream name, empty doc string,
  source at offset 0 of its stream, cookie 0xFFFF, procedural type) and the module count;
- its own stream under `VBA/`: the compressed source, nothing before it;
- a `Module=NAME` line in the `PROJECT` stream (2.3.1) and a window line in its workspace;
- its name, in the project's code page and in UTF-16, in `PROJECTwm` (2.3.3).
"""

from __future__ import annotations

import struct

from . import cfb, ovba

PROJECT_CODE_PAGE, PROJECT_VERSION, PROJECT_MODULES = 0x0003, 0x0009, 0x000F
MODULE_NAME, PROJECT_END = 0x0019, 0x0010
MODULE_KEYS = {"Document", "Module", "Class", "BaseClass", "Package"}  # PROJECT lines naming a module
Record = tuple[int, bytes]  # (id, the bytes after the id and size fields)


def add_module(vba_project: bytes, name: str, source: str) -> bytes:
    """`vba_project` (a vbaProject.bin) with a new standard module `name` holding `source`
    (the text of a .bas file: it starts with `Attribute VB_Name = "NAME"`)."""
    if not source.startswith(f'Attribute VB_Name = "{name}"'):
        raise ValueError(f'the source of module {name} must start with Attribute VB_Name = "{name}"')
    root = cfb.read(vba_project)
    records = dir_records(ovba.decompress(cfb.stream(root, ("VBA", "dir"))))
    encoding = code_page(records)
    if name.encode(encoding) in module_names(records):
        raise ValueError(f"the VBA project already has a module {name}")
    text = "\r\n".join(source.splitlines()) + "\r\n"
    root = cfb.with_stream(root, ("VBA", "dir"), ovba.compress(dir_bytes(with_module(records, name, encoding))))
    root = cfb.with_stream(root, ("VBA", name), ovba.compress(text.encode(encoding)))
    root = cfb.with_stream(root, ("PROJECT",), project_with(cfb.stream(root, ("PROJECT",)), name, encoding))
    root = cfb.with_stream(root, ("PROJECTwm",), name_map_with(cfb.stream(root, ("PROJECTwm",)), name, encoding))
    return cfb.write(root)


def dir_records(data: bytes) -> list[Record]:
    """The `dir` stream's records in order. Each is an id, a 4-byte size and that many
    bytes, except PROJECTVERSION, whose size field says 4 and 6 bytes follow."""
    records, position = [], 0
    while position < len(data):
        record, size = struct.unpack_from("<HI", data, position)
        position += 6
        if record == PROJECT_VERSION:
            size = 6
        records.append((record, data[position : position + size]))
        position += size
    return records


def dir_bytes(records: list[Record]) -> bytes:
    out = bytearray()
    for record, body in records:
        size = 4 if record == PROJECT_VERSION else len(body)
        out += struct.pack("<HI", record, size) + body
    return bytes(out)


def code_page(records: list[Record]) -> str:
    return f"cp{struct.unpack('<H', dict(records)[PROJECT_CODE_PAGE])[0]}"


def module_names(records: list[Record]) -> list[bytes]:
    return [body for record, body in records if record == MODULE_NAME]


def module_records(name: str, encoding: str) -> list[Record]:
    """A standard module whose stream holds only its compressed source."""
    local, wide = name.encode(encoding), name.encode("utf-16-le")
    return [
        (MODULE_NAME, local), (0x0047, wide),  # MODULENAME, MODULENAMEUNICODE
        (0x001A, local), (0x0032, wide),  # MODULESTREAMNAME and its Unicode form
        (0x001C, b""), (0x0048, b""),  # MODULEDOCSTRING and its Unicode form
        (0x0031, struct.pack("<I", 0)),  # MODULEOFFSET: the source starts the stream
        (0x001E, struct.pack("<I", 0)),  # MODULEHELPCONTEXT
        (0x002C, struct.pack("<H", 0xFFFF)),  # MODULECOOKIE
        (0x0021, b""),  # MODULETYPE: procedural
        (0x002B, b""),  # the module's terminator
    ]


def with_module(records: list[Record], name: str, encoding: str) -> list[Record]:
    """The records with the module added after the last one and counted."""
    count = struct.unpack("<H", dict(records)[PROJECT_MODULES])[0]
    counted = [(r, struct.pack("<H", count + 1) if r == PROJECT_MODULES else body) for r, body in records]
    end = max(i for i, (record, _) in enumerate(counted) if record == PROJECT_END)
    return counted[:end] + module_records(name, encoding) + counted[end:]


def project_with(project: bytes, name: str, encoding: str) -> bytes:
    """The PROJECT stream with `Module=NAME` after the last module line and the module's
    window (closed) at the end of its [Workspace] section."""
    lines = project.decode(encoding).split("\r\n")
    last_module = max(i for i, line in enumerate(lines) if line.split("=", 1)[0] in MODULE_KEYS)
    lines.insert(last_module + 1, f"Module={name}")
    if "[Workspace]" in lines:
        workspace_end = next((i for i, line in enumerate(lines) if i > lines.index("[Workspace]") and not line), len(lines))
        lines.insert(workspace_end, f"{name}=0, 0, 0, 0, C")
    return "\r\n".join(lines).encode(encoding)


def name_map_with(name_map: bytes, name: str, encoding: str) -> bytes:
    """PROJECTwm with the module's name pair before its closing 0x0000."""
    if not name_map.endswith(b"\0\0"):
        raise ValueError("PROJECTwm does not end with its terminator")
    pair = name.encode(encoding) + b"\0" + name.encode("utf-16-le") + b"\0\0"
    return name_map[:-2] + pair + b"\0\0"
