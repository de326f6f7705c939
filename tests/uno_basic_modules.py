"""List the Basic modules LibreOffice imports from a macro-enabled workbook's VBA project,
by driving LibreOffice through Python-UNO: an independent reader of `vbaProject.bin`.

Run with the SYSTEM python (`/usr/bin/python3`, where `import uno` works);
`tests/test_addin_xlam.py` runs it as a subprocess:

    /usr/bin/python3 tests/uno_basic_modules.py PROFILE_DIR BOOK.xlsm

It prints one JSON object: {library: {module: source}} of the document's Basic libraries
(LibreOffice loads VBA as Basic, each module's source headed by `Option VBASupport 1`).
"""

from __future__ import annotations

import json
import os
import sys

import uno

from uno_pivot_book import prop, start_office, stop_office


def basic_modules(desktop, path):
    document = desktop.loadComponentFromURL(
        uno.systemPathToFileUrl(os.path.abspath(path)), "_blank", 0, (prop("Hidden", True),))
    try:
        libraries = document.BasicLibraries
        found = {}
        for library in libraries.getElementNames():
            libraries.loadLibrary(library)
            modules = libraries.getByName(library)
            found[library] = {name: modules.getByName(name) for name in modules.getElementNames()}
        return found
    finally:
        document.close(True)


def main(argv):
    profile, path = argv
    process, desktop = start_office(profile)
    try:
        print(json.dumps(basic_modules(desktop, path)), flush=True)
    finally:
        stop_office(process, desktop)


if __name__ == "__main__":
    main(sys.argv[1:])
