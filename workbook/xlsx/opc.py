"""Reading an .xlsx/.xlsm package (the Open Packaging Conventions) without loading it.

A workbook file is a zip of parts tied together by relationship parts (`_rels/*.rels`):
the root points at the workbook part, the workbook at its sheets and styles, a sheet at
its tables, drawings and comments, a drawing at its charts and images. `Package` lets
`guard` refuse what is not a sound workbook (one line an accountant can act on), parses the few
small XML parts giveback edits (with entity resolution and network access off, and a cap on
their size so a zip bomb is refused before it is inflated), and follows the relationships to
tell which parts belong to which sheet. A Strict Open XML package is read in the
transitional spelling (`strict`), so the writer's code knows one spelling only.
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path
from typing import Iterable, NamedTuple
from urllib.parse import unquote

from lxml import etree

from . import strict
from ..files.guard import UnreadableWorkbook, check_workbook
from ..files.snapshot import Snapshot

CONTENT_TYPES = "[Content_Types].xml"
ROOT_RELS = "_rels/.rels"
PACKAGE_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
OFFICE_DOCUMENT = f"{DOC_RELS}/officeDocument"
STRICT_OFFICE_DOCUMENT = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
WORKSHEET = f"{DOC_RELS}/worksheet"
STYLES = f"{DOC_RELS}/styles"
CALC_CHAIN = f"{DOC_RELS}/calcChain"
TABLE = f"{DOC_RELS}/table"
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
TABLE_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"
STYLES_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
_MAX_PARSED_BYTES = 64 << 20  # the workbook, styles and relationship parts are small
_MAX_RATIO = 200  # deflate rarely beats 100:1 on real XML; bombs reach 1000:1
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class PackageError(Exception):
    """The file is not a readable .xlsx/.xlsm package (one clear accountant-facing message)."""


class Relationship(NamedTuple):
    id: str
    type: str
    target: str | None  # the part name it points at; None when external (a URL, a file)


def rels_part(part: str) -> str:
    """`xl/workbook.xml` -> `xl/_rels/workbook.xml.rels` (the package root is "")."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def relative_target(source_part: str, target_part: str) -> str:
    """How a relationship of `source_part` spells `target_part`."""
    return posixpath.relpath(target_part, posixpath.dirname(source_part) or ".")


class Package:
    """An open workbook package: its zip entries, and its XML parts parsed on demand. It
    reads the workbook's snapshot (`files.snapshot`: the bytes every reader read), or the
    file at a path, read once."""

    def __init__(self, source: Snapshot | Path):
        try:
            snapshot = source if isinstance(source, Snapshot) else Snapshot.take(source)
            check_workbook(snapshot)  # the one verdict on files that cannot be read (once a snapshot)
        except UnreadableWorkbook as refusal:
            raise PackageError(refusal.message) from None
        self.snapshot = snapshot
        self._open(snapshot.path, snapshot.stream())

    @classmethod
    def glance(cls, path: Path) -> "Package":
        """The package at `path` opened where it lies, to look at its small parts (which
        sheets giveback wrote) without reading it whole: for a file about to be replaced,
        never for one giveback reads or copies (those are snapshots). Each part it parses
        is still bounded and parsed without entities (`xml`)."""
        package = cls.__new__(cls)
        package.snapshot = None
        try:
            file = open(path, "rb")
        except OSError as error:
            raise PackageError(f"{Path(path).name} cannot be opened: {error.strerror or error}.") from None
        package._open(Path(path), file)
        return package

    def _open(self, path: Path, file) -> None:
        self.path, self.file = path, file
        try:
            self.zip = _open_zip(self.path, self.file)
            self.infos = {info.filename: info for info in self.zip.infolist()}
            self._by_lower = {name.lower(): name for name in self.infos}
            self._relationships: dict[str, list[Relationship]] = {}
            self.strict = False  # Strict Open XML: parts are read in the transitional spelling
            self.workbook_part = self._find_workbook_part()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if getattr(self, "zip", None) is not None:
            self.zip.close()
        self.file.close()

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def has(self, part: str) -> bool:
        return part.lower() in self._by_lower

    def actual_name(self, part: str) -> str:
        """Part names are case-insensitive: the zip entry's own spelling of `part`."""
        return self._by_lower.get(part.lower(), part)

    def xml(self, part: str) -> etree._Element:
        """Parse one part, refusing a part whose size says it is a zip bomb."""
        info = self.infos.get(self.actual_name(part))
        if info is None:
            raise PackageError(f"{self.path.name} is damaged: its part {part} is missing.")
        self.refuse_bomb(part)
        try:
            root = etree.fromstring(self.zip.read(info), _PARSER)
        except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError, EOFError) as error:
            raise PackageError(
                f"{self.path.name} is damaged ({part} cannot be read): "
                "open it in Excel and save it again."
            ) from error
        if root.getroottree().docinfo.internalDTD is not None:  # Office never writes one
            raise PackageError(
                f"{self.path.name} looks unsafe: its part {part} declares XML entities. "
                "Open it in Excel and save it again."
            )
        if self.strict:
            return etree.fromstring(strict.to_transitional(etree.tostring(root, encoding="UTF-8")), _PARSER)
        return root

    def refuse_bomb(self, part: str) -> None:
        """PackageError when `part` would unpack past what giveback parses whole (a zip
        bomb: see `xml`); nothing when the package has no such part."""
        info = self.infos.get(self.actual_name(part))
        if info is not None:
            _refuse_bomb(self.path, info)

    def relationships(self, part: str) -> list[Relationship]:
        """The relationships of `part` (none when it has no rels part)."""
        if part not in self._relationships:
            rels_name = rels_part(part)
            root = self.xml(rels_name) if self.has(rels_name) else etree.Element("none")
            elements = root.iterchildren(f"{{{PACKAGE_RELS_NS}}}Relationship")
            self._relationships[part] = [_relationship(part, element) for element in elements]
        return self._relationships[part]

    def targets(self) -> set[str]:
        """Every part a relationship of the package names (lower-cased), whether the
        package holds it or not."""
        found = set()
        for name in self.infos:
            folder, rels = posixpath.split(name)
            if rels.lower().endswith(".rels") and posixpath.basename(folder).lower() == "_rels":
                source = posixpath.join(posixpath.dirname(folder), rels[: -len(".rels")])
                found |= {r.target.lower() for r in self.relationships(source) if r.target}
        return found

    def reachable(self, skip: Iterable[tuple[str, str]] = ()) -> set[str]:
        """The parts reachable from the package root through relationships (by their
        lower-case names), not following the (source part, relationship id) pairs in
        `skip`."""
        skipped = set(skip)
        seen: set[str] = set()
        pending = [""]
        while pending:
            source = pending.pop()
            for relationship in self.relationships(source):
                target = relationship.target
                if target is None or (source, relationship.id) in skipped:
                    continue
                if target.lower() not in seen and self.has(target):
                    seen.add(target.lower())
                    pending.append(self.actual_name(target))
        return seen

    def _find_workbook_part(self) -> str:
        if not self.has(CONTENT_TYPES) or not self.has(ROOT_RELS):
            raise PackageError(_not_a_workbook(self.path))
        for relationship in self.relationships(""):
            if relationship.type == OFFICE_DOCUMENT and relationship.target:
                if relationship.target.lower().endswith(".bin"):
                    raise PackageError(
                        f"{self.path.name} is a binary workbook (.xlsb): save it in Excel as "
                        "Excel Workbook (.xlsx) and try again."
                    )
                return self.actual_name(relationship.target)
            if relationship.type == STRICT_OFFICE_DOCUMENT and relationship.target:
                self.strict = True
                self._relationships.clear()  # read again, in the transitional spelling
                return self.actual_name(relationship.target)
        raise PackageError(_not_a_workbook(self.path))


def _open_zip(path: Path, file) -> zipfile.ZipFile:
    """The guard vetted these bytes (a zip, no encrypted parts): failing here is a bug or
    a damage the guard does not see."""
    try:
        return zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise PackageError(f"{path.name} is damaged: open it in Excel, which offers to repair it, and save it again.") from None


def _not_a_workbook(path: Path) -> str:
    return f"{path.name} is not an Excel workbook: giveback reads .xlsx and .xlsm files."


def _refuse_bomb(path: Path, info: zipfile.ZipInfo) -> None:
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > _MAX_PARSED_BYTES or (info.file_size > 1 << 20 and ratio > _MAX_RATIO):
        raise PackageError(
            f"{path.name} looks unsafe: its part {info.filename} would unpack to "
            f"{info.file_size / 1e6:.0f} MB. Open it in Excel and save it again."
        )


def _relationship(source: str, element: etree._Element) -> Relationship:
    target = element.get("Target", "")
    if element.get("TargetMode") == "External":
        return Relationship(element.get("Id", ""), element.get("Type", ""), None)
    target = unquote(target.split("#", 1)[0])
    if target.startswith("/"):
        part = target.lstrip("/")
    else:
        part = posixpath.normpath(posixpath.join(posixpath.dirname(source), target))
    return Relationship(element.get("Id", ""), element.get("Type", ""), part)
