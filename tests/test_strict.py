"""Strict Open XML's spelling: only what names a namespace is translated, both ways, and a
streamed part's root start tag however its bytes arrive."""

from __future__ import annotations

import io

import pytest

from workbook.xlsx.strict import StrictRoot, to_strict, to_transitional

MAIN, STRICT_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main"
REL, STRICT_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships", "http://purl.oclc.org/ooxml/officeDocument/relationships"


@pytest.mark.parametrize("transitional, strict", [
    (f'<workbook xmlns="{MAIN}" xmlns:r="{REL}">', f'<workbook xmlns="{STRICT_MAIN}" xmlns:r="{STRICT_REL}">'),
    (f"<sheet xmlns:r='{REL}' r:id=\"rId1\"/>", f"<sheet xmlns:r='{STRICT_REL}' r:id=\"rId1\"/>"),
    (f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>',
     f'<Relationship Id="rId1" Type="{STRICT_REL}/worksheet" Target="worksheets/sheet1.xml"/>'),
    ('<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>',
     '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'),
    ('<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">',
     '<a:graphicData uri="http://purl.oclc.org/ooxml/drawingml/chart">'),
    ('<ext uri="{140A7094-0E35-4892-8432-C4D2E57EDEB5}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"/>',
     '<ext uri="{140A7094-0E35-4892-8432-C4D2E57EDEB5}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"/>'),
    ('<ext xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"/>',
     '<ext xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"/>'),
    (f'<definedName name="x">xmlns="{MAIN}"</definedName>', f'<definedName name="x">xmlns="{MAIN}"</definedName>'),
    (f'<c r="A1" t="inlineStr"><is><t> Type="{REL}/x"</t></is></c>', f'<c r="A1" t="inlineStr"><is><t> Type="{REL}/x"</t></is></c>'),
], ids=["root", "a sheet's own declaration", "relationship type", "content type", "a chart's graphicData",
        "an extension's GUID", "Microsoft's namespace",
        "a defined name's text", "a cell's text"])
def test_only_namespace_names_change_spelling(transitional, strict):
    assert to_strict(transitional.encode()) == strict.encode()
    assert to_transitional(strict.encode()) == transitional.encode()


@pytest.mark.parametrize("pieces", [
    [f'<?xml version="1.0"?>\n<worksheet xmlns="{MAIN}" xmlns:r="{REL}"><sheetData>', "<row/></sheetData></worksheet>"],
    ['<?xml version="1.0"?>\n<work', f'sheet xmlns="{MAIN}"', f' xmlns:r="{REL}">', f'<sheetData><row><c><is><t>xmlns="{MAIN}"</t></is></c></row>'],
], ids=["in one write", "cut inside the root tag"])
def test_a_streamed_part_gets_its_root_tag_in_strict_spelling(pieces):
    written = io.BytesIO()
    stream = StrictRoot(written)
    for piece in pieces:
        assert stream.write(piece.encode()) == len(piece.encode())
    head, body = written.getvalue().decode().split("<sheetData>", 1)
    assert head == f'<?xml version="1.0"?>\n<worksheet xmlns="{STRICT_MAIN}" xmlns:r="{STRICT_REL}">'
    assert body == "".join(pieces).split("<sheetData>", 1)[1]  # text is never translated
