"""Native Excel charts for an output sheet: the drawing part that places them over cells,
and one chart part (DrawingML `c:chartSpace`) each.

A chart here is a scatter chart whose series read ranges of its own sheet; each series
also carries its values as of writing (`numCache`), so a program that draws from the
cache shows the chart before any recalculation. Points whose cell is `#N/A` are left
out. The ranges may sit in hidden rows: `plotVisOnly="0"` tells Excel to draw them.

Parts and relationships (`package` adds them to the sheet being written):

    worksheet --drawing--> xl/drawings/drawingN.xml --chart--> xl/charts/chartN.xml
"""

from __future__ import annotations

from typing import Sequence

from ..seam import MARKER_SIZE, Chart, ChartSeries, series_colour, sheet_reference
from .text import xml_text

DRAWING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"
CHART = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"
DRAWING_TYPE = "application/vnd.openxmlformats-officedocument.drawing+xml"
CHART_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_X_AXIS, _Y_AXIS = 500000001, 500000002


def drawing_xml(charts: Sequence[Chart], relationship_ids: Sequence[str]) -> bytes:
    """The drawing part: each chart in a frame anchored to its cells."""
    frames = "".join(_frame(number, chart, rid) for number, (chart, rid) in
                     enumerate(zip(charts, relationship_ids), start=1))
    return (f'{_DECLARATION}<xdr:wsDr xmlns:xdr="{_XDR}" xmlns:a="{_A}">{frames}</xdr:wsDr>').encode()


def _frame(number: int, chart: Chart, relationship_id: str) -> str:
    first_column, first_row, last_column, last_row = chart.anchor
    return (
        '<xdr:twoCellAnchor editAs="oneCell">'
        f"<xdr:from><xdr:col>{first_column}</xdr:col><xdr:colOff>0</xdr:colOff>"
        f"<xdr:row>{first_row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
        f"<xdr:to><xdr:col>{last_column}</xdr:col><xdr:colOff>0</xdr:colOff>"
        f"<xdr:row>{last_row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>"
        "<xdr:graphicFrame macro=\"\">"
        f'<xdr:nvGraphicFramePr><xdr:cNvPr id="{number + 1}" name="Chart {number}"/><xdr:cNvGraphicFramePr/>'
        "</xdr:nvGraphicFramePr>"
        '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>'
        f'<a:graphic><a:graphicData uri="{_C}">'
        f'<c:chart xmlns:c="{_C}" xmlns:r="{_R}" r:id="{relationship_id}"/>'
        "</a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor>"
    )


def chart_xml(chart: Chart, sheet: str) -> bytes:
    """The chart part of `chart`, its ranges on `sheet`."""
    series = "".join(_series(index, line, sheet) for index, line in enumerate(chart.series))
    return (
        f'{_DECLARATION}<c:chartSpace xmlns:c="{_C}" xmlns:a="{_A}" xmlns:r="{_R}">'
        '<c:roundedCorners val="0"/><c:chart>'
        f'<c:title>{_rich(chart.title)}<c:overlay val="0"/></c:title><c:autoTitleDeleted val="0"/>'
        '<c:plotArea><c:layout/><c:scatterChart><c:scatterStyle val="lineMarker"/><c:varyColors val="0"/>'
        f'{series}<c:axId val="{_X_AXIS}"/><c:axId val="{_Y_AXIS}"/></c:scatterChart>'
        f"{_axis(_X_AXIS, _Y_AXIS, 'b', chart.x_title, gridlines=False)}"
        f"{_axis(_Y_AXIS, _X_AXIS, 'l', chart.y_title, gridlines=True)}"
        '</c:plotArea><c:legend><c:legendPos val="b"/><c:overlay val="0"/></c:legend>'
        '<c:plotVisOnly val="0"/><c:dispBlanksAs val="gap"/></c:chart></c:chartSpace>'
    ).encode()


def _series(index: int, series: ChartSeries, sheet: str) -> str:
    colour = series_colour(index).lstrip("#")
    if series.markers:
        look = ('<c:spPr><a:ln w="28575"><a:noFill/></a:ln></c:spPr><c:marker><c:symbol val="circle"/>'
                f'<c:size val="{MARKER_SIZE}"/><c:spPr><a:solidFill><a:srgbClr val="{colour}"/></a:solidFill></c:spPr></c:marker>')
    else:
        look = (f'<c:spPr><a:ln w="28575" cap="rnd"><a:solidFill><a:srgbClr val="{colour}"/></a:solidFill>'
                '</a:ln></c:spPr><c:marker><c:symbol val="none"/></c:marker>')
    return (
        f'<c:ser><c:idx val="{index}"/><c:order val="{index}"/>{_series_name(series, sheet)}'
        f"{look}<c:xVal>{_numbers(sheet, series.x, series.x_values)}</c:xVal>"
        f'<c:yVal>{_numbers(sheet, series.y, series.y_values)}</c:yVal><c:smooth val="0"/></c:ser>'
    )


def _series_name(series: ChartSeries, sheet: str) -> str:
    if not series.name_cell:
        return f"<c:tx><c:v>{xml_text(series.name)}</c:v></c:tx>"
    return (f"<c:tx><c:strRef><c:f>{xml_text(sheet_reference(sheet, series.name_cell))}</c:f>"
            f'<c:strCache><c:ptCount val="1"/><c:pt idx="0"><c:v>{xml_text(series.name)}</c:v></c:pt>'
            "</c:strCache></c:strRef></c:tx>")


def _rich(text: str) -> str:
    """Static text of a title."""
    return f"<c:tx><c:rich><a:bodyPr/><a:p><a:r><a:t>{xml_text(text)}</a:t></a:r></a:p></c:rich></c:tx>"


def _numbers(sheet: str, cells: str, values: Sequence[object]) -> str:
    points = "".join(f'<c:pt idx="{i}"><c:v>{value}</c:v></c:pt>'
                     for i, value in enumerate(values) if value is not None)
    return (f"<c:numRef><c:f>{xml_text(sheet_reference(sheet, cells))}</c:f><c:numCache>"
            f'<c:formatCode>General</c:formatCode><c:ptCount val="{len(values)}"/>{points}</c:numCache></c:numRef>')


def _axis(axis: int, crossing: int, position: str, title: str, gridlines: bool) -> str:
    return (
        f'<c:valAx><c:axId val="{axis}"/><c:scaling><c:orientation val="minMax"/><c:min val="0"/></c:scaling>'
        f'<c:delete val="0"/><c:axPos val="{position}"/>'
        + ("<c:majorGridlines/>" if gridlines else "")
        + f'<c:title>{_rich(title)}<c:overlay val="0"/></c:title><c:numFmt formatCode="#,##0" sourceLinked="0"/>'
        '<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        f'<c:crossAx val="{crossing}"/><c:crosses val="autoZero"/><c:crossBetween val="midCat"/></c:valAx>'
    )
