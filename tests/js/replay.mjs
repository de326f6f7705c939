// Replays the `runMacro` actions of giveback's script (a JSON file, argv[2]) with giveback's
// own callbacks (addin/server/static/js/layout.js) on a workbook mocked with
// office-addin-mock, and prints what each sheet then holds and the workbook's custom
// document properties, {sheets, properties} (tests/test_addin_hosts.py compares them with
// the file the command line writes).
import { readFileSync } from "node:fs";

import * as layout from "../../addin/server/static/js/layout.js";
import { excelState, mockLayoutWorkbook } from "./excel.mjs";

const callbacks = {};
layout.registerCallbacks((callback) => (callbacks[callback.name] = callback));
const { context, sheets, properties } = mockLayoutWorkbook();
for (const action of JSON.parse(readFileSync(process.argv[2], "utf8"))) {
  const [name, ...args] = action.args;
  await callbacks[name](context, ...args);
}
process.stdout.write(JSON.stringify({ sheets: excelState(sheets), properties }));
