"""Hold a workbook open in LibreOffice, as an accountant's desktop does, until told to close.

Run with the SYSTEM python (`/usr/bin/python3`, where `import uno` works), not the project
venv; `tests/test_open_books.py` runs it as a subprocess:

    /usr/bin/python3 tests/uno_hold_open.py PROFILE_DIR BOOK.xlsx "Jane Doe"

It sets the profile's user name (Tools > Options > LibreOffice > User Data) to the given
first and last name, starts a headless soffice on that profile, opens BOOK for editing
(LibreOffice then writes its lock file beside it, and an Excel-style owner file where its
settings ask for one), prints `open` on a line of its own, and waits for a line on stdin
(or its end) before closing the book and soffice: the lock file is then removed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import uno  # noqa: F401 (the UNO bridge: system python only)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from uno_pivot_book import prop, start_office  # noqa: E402

USER_DATA = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.UserProfile/Data"><prop oor:name="givenname" oor:op="fuse"><value>{first}</value></prop></item>
<item oor:path="/org.openoffice.UserProfile/Data"><prop oor:name="sn" oor:op="fuse"><value>{last}</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="CreateMSOLockFiles" oor:op="fuse"><value>true</value></prop></item>
</oor:items>
"""


def main(profile: str, book: str, user: str) -> None:
    first, _, last = user.partition(" ")
    settings = Path(profile) / "user" / "registrymodifications.xcu"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(USER_DATA.format(first=first, last=last))
    process, desktop = start_office(profile)
    try:
        document = desktop.loadComponentFromURL(Path(book).resolve().as_uri(), "_blank", 0,
                                                (prop("Hidden", True),))
        print("open", flush=True)
        sys.stdin.readline()
        document.close(True)
        desktop.terminate()
    finally:
        try:
            process.wait(timeout=30)
        except Exception:
            process.kill()


if __name__ == "__main__":
    main(*sys.argv[1:4])
