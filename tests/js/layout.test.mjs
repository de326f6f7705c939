// giveback's print setup and chart callbacks (addin/server/static/js/layout.js) on a
// workbook mocked with office-addin-mock. That they give Excel the file's figures for the
// demo book: tests/test_addin_hosts.py (replay.mjs).
import assert from "node:assert/strict";
import { test } from "node:test";

import * as layout from "../../addin/server/static/js/layout.js";
import { excelState, mockLayoutWorkbook } from "./excel.mjs";

const LAYOUT = {
  orientation: "landscape", pages_wide: 0, pages_tall: 0, scale: 80, title_rows: "$6:$6", title_columns: "$A:$A",
  column_breaks: ["H1"], footer: { left: "&A", right: "Page &P of &N" },
  margins: { left: 28.8, right: 28.8, top: 43.2, bottom: 43.2, header: 21.6, footer: 21.6 },
};
const CHART = {
  title: "Loops against the on line", x_title: "On line (units)", y_title: "Loops (reconciliation runs)",
  from: "A12", to: "F30",
  series: [
    { name: "BRACKET", x: "B8:X8", y: "B9:X9", markers: false, marker_size: 7, color: "#4472C4" },
    { name: "Each option", x: "B10:M10", y: "B11:M11", markers: true, marker_size: 7, color: "#ED7D31" },
  ],
};

test("the callbacks are registered under the names the script calls", () => {
  const names = [];
  layout.registerCallbacks((callback) => names.push(callback.name)); // xlwings' registerCallback keys by name
  assert.deepEqual(names, [layout.PAGE_LAYOUT, layout.CHARTS, layout.PROPERTIES]);
});

test("the client offers only the callbacks this Excel's API can run", () => {
  const upTo = (highest) => (set, version) => set === "ExcelApi" && Number(version.split(".")[1]) <= highest;
  assert.deepEqual(layout.clientCapabilities(upTo(9)),
    { callbacks: ["givebackPageLayout", "givebackCharts", "givebackProperties"] });
  assert.deepEqual(layout.clientCapabilities(upTo(8)), { callbacks: ["givebackCharts", "givebackProperties"] });
  assert.deepEqual(layout.clientCapabilities(upTo(7)), { callbacks: ["givebackProperties"] });
  assert.deepEqual(layout.clientCapabilities(upTo(6)), { callbacks: [] });
});

test("the run record replaces the previous run's properties; the user's own are kept", async () => {
  const before = { Client: "ACME Ltd", giveback_fingerprint: "old", GIVEBACK_TIME: "2026-02-01T09:00:00Z" };
  const { context, properties } = mockLayoutWorkbook({ properties: before });
  const record = { giveback_version: "0.1.0", giveback_rule: "book", giveback_settings: '{"lot_order":"fifo"}',
                   giveback_fingerprint: "f45f0f04", giveback_time: "2026-03-05T14:02:00Z" };
  await layout.givebackProperties(context, record);
  assert.deepEqual(properties, {
    Client: "ACME Ltd", giveback_fingerprint: "f45f0f04", GIVEBACK_TIME: "2026-03-05T14:02:00Z",
    giveback_version: "0.1.0", giveback_rule: "book", giveback_settings: '{"lot_order":"fifo"}',
  });
});

test("a sheet printed in pages of columns: a scale, column A repeated, the old breaks replaced", async () => {
  const { context, sheets } = mockLayoutWorkbook();
  await layout.givebackPageLayout(context, "Summary", LAYOUT);
  const { pageLayout, verticalPageBreaks, horizontalPageBreaks } = excelState(sheets).Summary;
  assert.deepEqual(pageLayout.zoom, { scale: 80 });
  assert.deepEqual(horizontalPageBreaks, []); // "A3", a previous run's, is gone
  assert.equal(pageLayout.orientation, "Landscape");
  assert.deepEqual([pageLayout.printTitleRows, pageLayout.printTitleColumns], ["$6:$6", "$A:$A"]);
  assert.deepEqual(verticalPageBreaks, ["H1"]); // "C1", a previous run's, is gone
  assert.deepEqual([pageLayout.leftFooter, pageLayout.rightFooter, pageLayout.topMargin], ["&A", "Page &P of &N", 43.2]);
});

test("a sheet fitted one page wide and as tall as it needs", async () => {
  const { context, sheets } = mockLayoutWorkbook();
  await layout.givebackPageLayout(context, "Adjustments", { ...LAYOUT, pages_wide: 1, title_columns: "", column_breaks: [] });
  const { pageLayout, verticalPageBreaks } = excelState(sheets).Adjustments;
  assert.deepEqual(pageLayout.zoom, { horizontalFitToPages: 1, verticalFitToPages: 0 });
  assert.equal(pageLayout.printTitleColumns, "");
  assert.deepEqual(verticalPageBreaks, []);
});

test("charts replace the sheet's charts: each series with its own ranges and look", async () => {
  const { context, sheets } = mockLayoutWorkbook({ charts: { Options: 2 } });
  await layout.givebackCharts(context, "Options", [CHART]);
  const { charts, deletedCharts } = excelState(sheets).Options;
  assert.equal(deletedCharts, 2);
  assert.equal(charts.length, 1);
  const [chart] = charts;
  assert.deepEqual([chart.from, chart.to, chart.plotVisibleOnly, chart.legend], ["A12", "F30", false, "Bottom"]);
  assert.deepEqual(chart.series, [
    { name: "BRACKET", x: "B8:X8", y: "B9:X9", chartType: "XYScatterLinesNoMarkers", markerStyle: "None", markerSize: undefined, color: "#4472C4" },
    { name: "Each option", x: "B10:M10", y: "B11:M11", chartType: "XYScatter", markerStyle: "Circle", markerSize: 7, color: "#ED7D31" },
  ]);
});

test("no chart to draw leaves the sheet without charts", async () => {
  const { context, sheets } = mockLayoutWorkbook({ charts: { Options: 1 } });
  await layout.givebackCharts(context, "Options", []);
  assert.deepEqual([excelState(sheets).Options.deletedCharts, excelState(sheets).Options.charts], [1, []]);
});
