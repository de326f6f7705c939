"""The book's custom document properties (`docProps/custom.xml`): where the run record
travels with the file (SPEC section 11), as Excel's File > Properties > Custom lists them
and as openpyxl (`custom_doc_props`), LibreOffice (File > Properties > Custom Properties)
and any OPC library read them.

    <Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
                xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">
      <property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Client">...</property>
      <property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="3" name="giveback_version">
        <vt:lpwstr>0.4.0</vt:lpwstr></property>

giveback's properties are text (`vt:lpwstr`), set in place when the part has them and
added after the user's own otherwise (each with the next free `pid`, counted from 2 as
Office does); the user's properties are kept as they are. A book without the part gets
one, with its relationship from the package root and its content type. A Strict Open
XML book has the part in Strict's namespaces; they are kept.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from lxml import etree

from ..files.snapshot import Snapshot
from .opc import DOC_RELS, Package

CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_PROPERTIES = f"{DOC_RELS}/custom-properties"
STRICT_CUSTOM_PROPERTIES = f"{DOC_RELS}/customProperties"  # Strict's type, as `Package` reads it
NAMESPACES = {  # (properties, value types), transitional then Strict
    False: ("http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
            "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"),
    True: ("http://purl.oclc.org/ooxml/officeDocument/customProperties",
           "http://purl.oclc.org/ooxml/officeDocument/docPropsVTypes"),
}
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"  # the format id Office gives every custom property
DEFAULT_PART = "docProps/custom.xml"


def custom_part(package: Package) -> str | None:
    """The custom properties part the package root points at, if the package has it."""
    for relationship in package.relationships(""):
        if relationship.type in (CUSTOM_PROPERTIES, STRICT_CUSTOM_PROPERTIES) and relationship.target \
                and package.has(relationship.target):
            return package.actual_name(relationship.target)
    return None


def read_properties(package: Package) -> dict[str, str]:
    """The custom properties as text, by name (a number or a date as written)."""
    part = custom_part(package)
    if part is None:
        return {}
    found = {}
    for element in package.xml(part):
        if etree.QName(element).localname == "property" and element.get("name") and len(element):
            found[element.get("name")] = "".join(element[0].itertext())
    return found


def with_properties(root: etree._Element | None, properties: Mapping[str, str], strict: bool) -> bytes:
    """The part `root` (None: a new one) with `properties` set as text, the others kept."""
    if root is None:
        namespace, types = NAMESPACES[strict]
        root = etree.Element(f"{{{namespace}}}Properties", nsmap={None: namespace, "vt": types})
    namespace = etree.QName(root).namespace
    types = NAMESPACES[namespace == NAMESPACES[True][0]][1]
    existing = {element.get("name"): element for element in root
                if etree.QName(element).localname == "property"}
    pids = [int(element.get("pid")) for element in existing.values() if (element.get("pid") or "").isdigit()]
    next_pid = max(pids, default=1) + 1
    for name, value in properties.items():
        element = existing.get(name)
        if element is None:
            element = etree.SubElement(root, f"{{{namespace}}}property", fmtid=FMTID, pid=str(next_pid), name=name)
            next_pid += 1
        for child in list(element):
            element.remove(child)
        etree.SubElement(element, f"{{{types}}}lpwstr").text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def relationship_type(strict: bool) -> str:
    """The root's relationship to the part, as `Package` spells types (transitional)."""
    return STRICT_CUSTOM_PROPERTIES if strict else CUSTOM_PROPERTIES


def properties_of(source: Snapshot | Path) -> dict[str, str]:
    """The custom properties of the workbook: the snapshot its readers read (never its path
    again, so properties and cells come from one version of the file), or a file read
    once; raises PackageError."""
    with Package(source) as package:
        return read_properties(package)
