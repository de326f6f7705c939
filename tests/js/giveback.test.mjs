// giveback's Reconcile client (addin/server/static/js/giveback.js) against a workbook
// mocked with office-addin-mock: which sheets it asks Excel for, in how large requests,
// and what it sends to xlwings Server. xlwings' own convertDateValues comes from the
// installed xlwings-server (XLWINGS_SERVER_STATIC, set by tests/test_addin_client.py).
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";

import * as giveback from "../../addin/server/static/js/giveback.js";
import { EXCEL_ON_THE_WEB_LIMIT, lazyBook, mockExcel, usageRows } from "./excel.mjs";

const metadata = join(process.env.XLWINGS_SERVER_STATIC, "js", "custom-scripts", "workbook-metadata.js");
const { convertDateValues } = await import(pathToFileURL(metadata));

const ACTIONS = { actions: [{ func: "setValues" }] };

// Run Reconcile (or `script`) on `sheets`; returns what Excel was asked, what was posted,
// what replayed.
async function reconcile(sheets, { limit, names, post, client, script = giveback.reconcile } = {}) {
  const excel = mockExcel(sheets, { limit });
  const seen = { bookData: [], posted: [], replayed: [] };
  await script(excel.context, {
    getBookData: async (options, context) => {
      seen.bookData.push(options);
      assert.equal(context, excel.context);
      return lazyBook(sheets, names);
    },
    runActions: async (actions, context) => seen.replayed.push([actions, context === excel.context]),
    convertDates: convertDateValues,
    post: post ?? (async (payload, headers) => (seen.posted.push([payload, headers]), ACTIONS)),
    auth: "token",
    headers: { "Auth-Provider": "entraid" },
    client,
  });
  return { ...seen, log: excel.log };
}

test("input sheets are found by name case- and blank-insensitively", () => {
  for (const name of ["Usage", "usage", " USAGE ", "Lots", "counts", "Settings "]) assert.ok(giveback.isInputSheet(name), name);
  for (const name of ["Usage2", "Summary", "LoopTrace", "Adjustments", "My Usage", ""]) assert.ok(!giveback.isInputSheet(name), name);
});

test("a used range is read from A1 to its last cell", () => {
  assert.deepEqual(giveback.extentFromA1("A1:E50001"), { rows: 50001, columns: 5 });
  assert.deepEqual(giveback.extentFromA1("C3:$AB$7"), { rows: 7, columns: 28 });
  assert.deepEqual(giveback.extentFromA1("D4"), { rows: 4, columns: 4 });
  assert.deepEqual(giveback.extentFromA1(null), { rows: 0, columns: 0 });
});

test("a sheet is read in requests of at most CELLS_PER_READ cells, every row once", () => {
  const plan = giveback.readPlan(50001, 5);
  assert.deepEqual(plan.map((chunk) => chunk.count), [20000, 20000, 10001]);
  assert.equal(plan.reduce((rows, chunk) => rows + chunk.count, 0), 50001);
  assert.deepEqual(giveback.readPlan(3, 200000), [{ first: 0, count: 1 }, { first: 1, count: 1 }, { first: 2, count: 1 }]);
  assert.deepEqual(giveback.readPlan(0, 5), []);
});

// Summary as giveback writes it: its run record and sign-off above a long table.
function summaryRows(products) {
  const block = [["Summary: one row per product"], [], ["Reconciled", "2026-03-05 12:00 UTC by giveback 0.1.0"],
    ["Fingerprint", "3f2a"], ["Prepared by", "Ann Lee", "2026-03-05"], ["Reviewed by"], []];
  return block.concat([["Product", "Status"]], Array.from({ length: products }, (_, i) => [`SKU-${i}`, "Adjust"]));
}

test("Reconcile reads the input sheets' values, Summary's sign-off, and sends every sheet's metadata", async () => {
  const sheets = {
    " usage ": usageRows(3),
    LOTS: [["Product", "Lot", "Quantity", "Used"], ["SKU-00001", "L1", 10, 2]],
    Adjustments: [["Product", "Line"], ["SKU-00001", "On"]],
    LoopTrace: usageRows(50),
    Summary: summaryRows(5000),
    RunRecord: [["Sheet", "Data"], ["Run record", "{}"]],
    "After run": [["Run", 2]],
    Notes: [["mine"]],
  };
  const run = await reconcile(sheets);
  assert.deepEqual(run.bookData, [{ auth: "token", headers: { "Auth-Provider": "entraid" }, lazy: true }]);
  assert.deepEqual(run.log.sheets, [" usage ", "LOTS", "Summary"]);
  assert.deepEqual(run.log.reads.at(-1), { sheet: "Summary", first: 0, count: giveback.SUMMARY_ROWS, columns: 3 });
  const [[payload, headers]] = run.posted;
  assert.deepEqual(headers, { "Auth-Provider": "entraid" });
  assert.deepEqual(payload.sheets.map((sheet) => sheet.name), Object.keys(sheets));
  for (const sheet of payload.sheets.slice(2)) {
    if (sheet.name !== "Summary") assert.deepEqual(sheet.values, [[]], sheet.name);
  }
  assert.deepEqual(payload.sheets[4].values[4], ["Prepared by", "Ann Lee", "2026-03-05"]);
  assert.equal(payload.sheets[4].values.length, giveback.SUMMARY_ROWS);
  assert.deepEqual(payload.sheets[1].values, sheets.LOTS);
  assert.deepEqual(run.replayed, [[ACTIONS, true]]);
});

test("Check also reads After run, the very hidden RunRecord sheet and the lines on Adjustments", async () => {
  const sheets = {
    Usage: usageRows(3),
    Adjustments: [["Adjustments to post"], [], ["Product", "Status", "Line", "Quantity", "Unit Cost", "Memo"],
      ["SKU-00001", "Adjust", "On", 7, 2.5, "The whole adjustment: a memo Check does not need"]],
    LoopTrace: usageRows(50),
    Summary: summaryRows(10),
    RunRecord: [["Sheet", "Data"], ["Run record", "{}"], ["Usage", "z:eJwLycxVAAAGdAG/"]],
    "After run": [["Run", 2], [], ["Product", "Quantity", "Reference"], ["SKU-00001", 3, "INV-9"]],
  };
  const run = await reconcile(sheets, { script: giveback.check });
  assert.deepEqual(run.log.sheets, ["Usage", "Adjustments", "Summary", "RunRecord", "After run"]);
  const [[payload]] = run.posted;
  const sent = Object.fromEntries(payload.sheets.map((sheet) => [sheet.name, sheet.values]));
  assert.deepEqual(sent.RunRecord, sheets.RunRecord);
  assert.deepEqual(sent["After run"][3], ["SKU-00001", 3, "INV-9"]);
  assert.deepEqual(sent.Adjustments[3], ["SKU-00001", "Adjust", "On", 7]); // Product to Quantity: no memos
  assert.deepEqual(sent.LoopTrace, [[]]);
  const reconciled = await reconcile(sheets);
  assert.ok(!reconciled.log.sheets.includes("Adjustments")); // Reconcile writes it: no need to read it
});

test("the book names the callbacks this Excel can run, for the script's print setup and charts", async () => {
  const client = { callbacks: ["givebackPageLayout", "givebackCharts"] };
  const [[payload]] = (await reconcile({ Usage: usageRows(2) }, { client })).posted;
  assert.deepEqual(payload.giveback_client, client);
  const [[plain]] = (await reconcile({ Usage: usageRows(2) })).posted;
  assert.equal(plain.giveback_client, undefined);
});

test("dates go to the server as xlwings sends them, ISO text", async () => {
  const run = await reconcile({ Usage: usageRows(2) });
  const [[payload]] = run.posted;
  assert.deepEqual(payload.sheets[0].values[1], ["SKU-00001", 17, "2025-01-02T00:00:00.000Z", "INV-0000001", 12.5]);
});

test("an empty input sheet is sent as xlwings sends one, a blank A1, without a read", async () => {
  const run = await reconcile({ Usage: usageRows(1), Counts: [] });
  assert.deepEqual(run.posted[0][0].sheets[1].values, [[""]]);
  assert.deepEqual(run.log.sheets, ["Usage"]);
});

test("50,000 Usage rows are read in three requests, each within Excel on the web's 5 MB", async () => {
  const run = await reconcile({ Usage: usageRows(50000), LoopTrace: usageRows(50000) });
  assert.deepEqual(run.log.reads.map((read) => [read.sheet, read.first, read.count]), [
    ["Usage", 0, 20000], ["Usage", 20000, 20000], ["Usage", 40000, 10001],
  ]);
  assert.ok(Math.max(...run.log.responses) < EXCEL_ON_THE_WEB_LIMIT / 2, run.log.responses);
  assert.equal(run.posted[0][0].sheets[0].values.length, 50001);
});

test("a request Excel still refuses as too large is read in halves", async () => {
  const rows = usageRows(1000);
  const run = await reconcile({ Usage: rows }, { limit: 30000 });
  assert.ok(run.log.responses.length > 2 && Math.max(...run.log.responses) <= 30000);
  assert.equal(run.posted[0][0].sheets[0].values.length, 1001);
  assert.deepEqual(run.posted[0][0].sheets[0].values.at(-1).slice(0, 2), rows.at(-1).slice(0, 2));
});

test("a row too large for one request stops the run with an accountant's message", async () => {
  const rows = usageRows(10);
  rows[7][3] = "x".repeat(5000);
  await assert.rejects(reconcile({ Usage: rows }, { limit: 4000 }), (error) => {
    assert.ok(error instanceof giveback.BeyondLimit);
    assert.match(error.message, /^Row 8 of the Usage sheet's 11 rows is more than Excel on the web passes/);
    assert.match(error.message, /\(5 MB\).*Desktop Excel.*`giveback reconcile`/s);
    return true;
  });
});

test("a workbook whose metadata alone is too large gets the message, not Office.js' error", async () => {
  const excel = mockExcel({});
  const tooLarge = Object.assign(new Error("RichApi.Error"), { code: "ResponsePayloadSizeLimitExceeded" });
  const run = giveback.reconcile(excel.context, {
    getBookData: async () => { throw tooLarge; },
    runActions: async () => assert.fail("nothing to replay"),
    convertDates: convertDateValues,
    post: async () => assert.fail("nothing to send"),
  });
  await assert.rejects(run, /^Error: This workbook's sheets, tables and names together are more than Excel on the web/);
});

test("results Excel refuses as too large name the rows and how to clear them", async () => {
  const excel = mockExcel({ Usage: usageRows(5) });
  const failed = Object.assign(new Error("Action 3 (setValues) failed"), {
    cause: { code: "RequestPayloadSizeLimitExceeded" },
  });
  const run = giveback.reconcile(excel.context, {
    getBookData: async () => lazyBook({ Usage: usageRows(5) }),
    runActions: async () => { throw failed; },
    convertDates: convertDateValues,
    post: async () => ACTIONS,
  });
  await assert.rejects(run, (error) => {
    assert.match(error.message, /^giveback's results for Usage \(6 rows\) are more than/);
    assert.match(error.message, /Clear results removes them\.$/);
    return true;
  });
});

test("what the user reads: giveback's message from the server, never a stack", () => {
  const refused = { response: { status: 400, data: { detail: "Sheet 'Summary' was not written by giveback" } } };
  assert.equal(giveback.messageOf(refused), "Sheet 'Summary' was not written by giveback");
  assert.match(giveback.messageOf({ request: {} }), /No response from the giveback server/);
  assert.equal(giveback.messageOf(new giveback.BeyondLimit("Row 8 ...")), "Row 8 ...");
});
