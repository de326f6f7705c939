"""LoopTrace's rows are the engine's TraceRows as they are (their fields are its columns,
in order), but for a zero left unallocated, which never shows as -0."""

from __future__ import annotations

from decimal import Decimal as D

from core import Policy
from core.models import TraceRow
from workbook.sheets import outputs


def test_trace_row_fields_are_loop_trace_columns_in_order():
    headers = [column.header for column in outputs.loop_trace(outputs.Traces([], Policy())).columns]
    assert [header.lower().replace(" ", "_") for header in headers] == list(TraceRow._fields)


def test_a_settled_return_shows_zero_unallocated_not_minus_zero(monkeypatch):
    trace = [
        TraceRow(1, "give_back", "P", "PO-1", "#2", "L1", D(-3), D(0), D("-0")),
        TraceRow(1, "give_back", "P", "PO-1", "#2", "L1", D(-3), D(0), D("-0.00")),
        TraceRow(2, "allocate", "P", "PO-2", "#3", "L1", D(4), D(4), D("-1.5")),
    ]
    monkeypatch.setattr(outputs, "trace_of", lambda product, outcome, policy: trace)
    recommendation = type("Recommendation", (), {"product": "P", "chosen": None, "step": D(1)})
    rows = list(outputs.loop_trace(outputs.Traces([(None, recommendation)], Policy())).rows)
    assert [str(row[-1]) for row in rows] == ["0", "0.00", "-1.5"]
    assert [tuple(row[:-1]) for row in rows] == [tuple(row[:-1]) for row in trace]
