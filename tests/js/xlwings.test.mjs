// xlwings-server's own getBookData, run under node as giveback's client calls it (`lazy`):
// it must ask Excel for no cell values on any sheet, and still send every sheet and the
// names of both scopes, giveback's workbook-scoped marks among them. The workbook is a
// recording fake: any object it is asked for answers, and every load() is logged.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";

const CONFIG = { onWasm: false, isOfficialLiteAddin: false, appPath: "", requestTimeout: 300, xlwingsVersion: "test" };
globalThis.window = globalThis;
globalThis.document = {
  getElementById: (id) => (id === "config" ? { textContent: JSON.stringify(CONFIG) } : null),
  addEventListener: () => {},
  querySelectorAll: () => [],
};
globalThis.Office = { onReady: async () => {}, context: { requirements: { isSetSupported: () => false } } };
await import(pathToFileURL(join(process.env.XLWINGS_SERVER_STATIC, "js", "custom-scripts", "index.js")));

// An Office.js object that answers whatever it is asked: `known` properties as given, a
// collection's `items` empty, a null object for anything fetched "OrNullObject".
function fake(path, log, known = {}) {
  const self = new Proxy(function () {}, {
    get(_, property) {
      if (property in known) return known[property];
      if (property === "then") return undefined; // not a promise
      if (property === "load") return (what) => (log.push([path, String(what)]), self);
      if (property === "items") return [];
      if (property === "isNullObject") return path.endsWith("OrNullObject()");
      return fake(`${path}.${String(property)}`, log);
    },
    apply: (_, __, args) => fake(`${path}()`, log, {}),
  });
  return self;
}

function workbook(sheetNames, names, log) {
  const sheets = sheetNames.map((name, position) => {
    const sheetNames = { load: () => sheetNames, items: names.filter((n) => n.scope === name).map(namedItem) };
    return fake(`sheet[${name}]`, log, { name, position, names: sheetNames });
  });
  function namedItem({ name, formula }) {
    return fake(`name[${name}]`, log, { name, formula, type: "String", getRangeOrNullObject: () => null });
  }
  const bookNames = { load: () => bookNames, items: names.filter((n) => !n.scope).map(namedItem) };
  const worksheets = fake("worksheets", log, { items: sheets });
  return fake("context", log, {
    sync: async () => {},
    workbook: fake("workbook", log, { name: "Reconcile.xlsx", worksheets, names: bookNames }),
  });
}

test("getBookData with lazy asks for no cell values and sends every sheet and both scopes' names", async () => {
  const log = [];
  const names = [
    { name: "_giveback_sheet_Adjustments", formula: "='Adjustments'!$A$1" },
    { name: "_giveback_output", formula: '="Summary"', scope: "Summary" },
  ];
  const context = workbook(["Usage", "Adjustments", "Summary"], names, log);
  const payload = await globalThis.xlwings.getBookData({ lazy: true }, context);
  assert.deepEqual(payload.sheets.map((sheet) => sheet.name), ["Usage", "Adjustments", "Summary"]);
  assert.ok(payload.sheets.every((sheet) => JSON.stringify(sheet.values) === "[[]]"));
  assert.deepEqual(payload.names.map((name) => [name.name, name.refers_to, name.book_scope]), [
    ["_giveback_sheet_Adjustments", "='Adjustments'!$A$1", true],
    ["_giveback_output", '="Summary"', false],
  ]);
  const loads = log.map(([, what]) => what).join(" ");
  assert.doesNotMatch(loads, /values|numberFormat/);
  assert.ok(log.some(([path, what]) => path === "sheet[Summary].tables" && what.includes("name")), "tables of every sheet");
});
