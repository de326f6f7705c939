"""LoopTrace's rows are the engine's TraceRows in the accountant's words, with the usage
record's date and quantity beside each movement; a zero left unallocated never shows as -0."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from core import Policy, ProductUsage, Usage
from core.giveback import LoopState, Simulation
from core.models import TraceRow
from workbook.sheets import outputs

COLUMNS = {  # LoopTrace column -> the TraceRow field it shows
    "Run": "loop", "Phase": "phase", "Product": "product", "Reference": "reference", "Usage Cell": "source",
    "Lot": "lot", "Moved": "moved", "Lot Used After": "lot_used_after", "Left to Allocate": "unallocated_after",
}


def test_every_engine_field_has_its_column_beside_the_records_date_and_quantity():
    headers = [column.header for column in outputs.loop_trace(outputs.Traces([], Policy())).columns]
    assert set(COLUMNS.values()) == set(TraceRow._fields)
    assert [h for h in headers if h not in COLUMNS] == ["Date", "Usage Quantity"]


def test_rows_show_the_phase_in_words_and_a_settled_return_as_zero_not_minus_zero(monkeypatch):
    trace = [
        TraceRow(1, "give_back", "P", "PO-1", "#2", "L1", D(-3), D(0), D("-0")),
        TraceRow(1, "give_back", "P", "PO-1", "#2", "L1", D(-3), D(0), D("-0.00")),
        TraceRow(2, "allocate", "P", "PO-2", "#3", "L1", D(4), D(4), D("-1.5")),
    ]
    usage = (Usage(product="P", quantity=D(-3), reference="PO-1", source="#2", date=dt.date(2026, 3, 1)),
             Usage(product="P", quantity=D(4), reference="PO-2", source="#3"))
    moved = (usage[0], usage[0], usage[1])  # the record each row moves, as the simulation hands it back
    simulation = Simulation(2, True, False, LoopState((), ()), tuple(trace), moved)
    monkeypatch.setattr(outputs, "simulation_of", lambda product, outcome, policy: simulation)
    recommendation = type("Recommendation", (), {"product": "P", "chosen": type("O", (), {"adjustment": None, "w": D(0)}),
                                                 "step": D(1), "positive": D(4), "negative": D(3), "delta": D(1)})
    sheet = outputs.loop_trace(outputs.Traces([(ProductUsage(product="P", usage=usage), recommendation)], Policy()))
    headers = [column.header for column in sheet.columns]
    rows = [dict(zip(headers, row)) for row in sheet.rows]
    assert [str(row["Left to Allocate"]) for row in rows] == ["0", "0.00", "-1.5"]
    assert [row["Phase"] for row in rows] == ["Give back", "Give back", "Allocate"]
    assert [(row["Date"], row["Usage Quantity"]) for row in rows] == [
        (dt.date(2026, 3, 1), D(-3)), (dt.date(2026, 3, 1), D(-3)), (None, D(4))]
    for row, engine in zip(rows, trace):
        assert all(row[column] == getattr(engine, field) for column, field in COLUMNS.items() if field != "phase")
