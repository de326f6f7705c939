"""Read the VBA source of an Office file's `vbaProject.bin` (MS-OVBA): the `dir` stream
names the modules and where each one's compressed source starts in its stream. olefile
reads the compound file; the records and the compression are `addin.vba`'s (olevba and
LibreOffice read the built add-in independently, in tests/test_addin_xlam.py)."""

from __future__ import annotations

import struct

import olefile

from addin.vba.ovba import decompress
from addin.vba.project import dir_records

MODULE_STREAM_NAME, MODULE_OFFSET = 0x1A, 0x31


def modules(vba_project: bytes) -> dict[str, str]:
    """{module name: VBA source} of a vbaProject.bin."""
    ole = olefile.OleFileIO(vba_project)
    found, name = {}, None
    for record, body in dir_records(decompress(ole.openstream("VBA/dir").read())):
        if record == MODULE_STREAM_NAME:
            name = body.decode("latin-1")
        elif record == MODULE_OFFSET:
            stream = ole.openstream(f"VBA/{name}").read()
            found[name] = decompress(stream[struct.unpack("<I", body)[0] :]).decode("latin-1")
    return found
