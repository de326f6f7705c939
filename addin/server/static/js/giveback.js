// giveback's Reconcile and Check for Excel on the web and new Excel, through xlwings Server.
//
// xlwings' runPython sends the values and number formats of every sheet in one request,
// and Excel on the web caps each request and response between an add-in and the workbook
// at 5 MB: a first run passed it at about 50,000 Usage rows, and a re-run, which also sent
// the LoopTrace giveback had written, at about 17,000. Reconcile sends only what the
// script (addin/scripts.py) reads:
//
// 1. xlwings' getBookData with `lazy`: every sheet's name, used range and tables, and the
//    names of both scopes (giveback's marks on its own sheets among them), no values;
// 2. the values of the input sheets (Usage, Lots, Counts, Settings, found by name case-
//    and blank-insensitively, as the script finds them), from A1 in requests of at most
//    CELLS_PER_READ cells, with their number formats so that xlwings' convertDateValues
//    turns date cells into ISO text as getBookData would; a request Excel still refuses
//    as too large is split in two, down to a single row. Of giveback's own sheets only
//    Summary's first SUMMARY_ROWS rows, where its run record and sign-off are (a re-run
//    keeps the names and dates typed there: workbook/sheets/signoff.py), and, for Check,
//    the After run sheet, the very hidden RunRecord sheet (a few dozen cells of
//    compressed text: workbook/sheets/run_record.py) and the lines on Adjustments (their
//    first POSTED_COLUMNS columns, Product to Quantity: workbook/close/edited.py);
// 3. the script's actions, replayed by xlwings' runActions (addin/book.py keeps each
//    block of values under 2 MB); among them, calls of giveback's own callbacks
//    (layout.js: print setup and charts), which the book names as `giveback_client`
//    when this Excel can run them.
//
// xlwings' own `include` option does not do: it reads every included sheet in one
// request, trims the names it is given (a sheet named "Usage " is left out) and sends an
// excluded sheet without its tables, which a re-run resizes.
//
// What Excel on the web cannot pass even so (a single row over 5 MB, a workbook whose
// sheets, tables and names alone are) stops the run with an accountant's message rather
// than Office.js' RichApi error. Dependencies come in as arguments so that tests/js runs
// this module under node with office-addin-mock.

export const INPUT_SHEETS = ["Usage", "Lots", "Counts", "Settings"];
export const CHECK_SHEETS = ["After run", "RunRecord", "Adjustments"];
export const POSTED_COLUMNS = 4; // Adjustments' Product, Status, Line, Quantity: what Check compares
export const SUMMARY_ROWS = 40; // workbook/sheets/signoff.py: SCAN_ROWS
export const CELLS_PER_READ = 100000; // about 2 MB of values and number formats
const PAYLOAD_LIMIT_CODES = ["RequestPayloadSizeLimitExceeded", "ResponsePayloadSizeLimitExceeded"];

export class BeyondLimit extends Error {}

export function isInputSheet(name) {
  return isNamed(name, INPUT_SHEETS);
}

function isNamed(name, names) {
  const key = name.trim().toLowerCase();
  return names.some((wanted) => wanted.toLowerCase() === key);
}

// The rows to read of a sheet: all of an input sheet's, Summary's first SUMMARY_ROWS,
// and, for Check, all of After run's, RunRecord's and Adjustments'; none of any other sheet's.
export function rowsToRead(name, { forCheck = false } = {}) {
  if (isInputSheet(name) || (forCheck && isNamed(name, CHECK_SHEETS))) return Infinity;
  return isNamed(name, ["Summary"]) ? SUMMARY_ROWS : 0;
}

// The columns to read of a sheet from A: Adjustments' POSTED_COLUMNS (not its memos), every other's all.
export function columnsToRead(name) {
  return isNamed(name, ["Adjustments"]) ? POSTED_COLUMNS : Infinity;
}

// The extent from A1 to the last cell of a used range ("B2:E50001" -> 50001 x 5).
export function extentFromA1(address) {
  if (!address) return { rows: 0, columns: 0 };
  const last = address.split("!").pop().split(":").pop().replaceAll("$", "");
  const [, letters, digits] = /^([A-Za-z]+)(\d+)$/.exec(last);
  let columns = 0;
  for (const letter of letters.toUpperCase()) columns = columns * 26 + letter.charCodeAt(0) - 64;
  return { rows: Number(digits), columns };
}

// Row ranges ({first, count}, 0-based) of at most `cellsPerRead` cells each.
export function readPlan(rows, columns, cellsPerRead = CELLS_PER_READ) {
  const step = Math.max(1, Math.floor(cellsPerRead / Math.max(columns, 1)));
  const chunks = [];
  for (let first = 0; first < rows; first += step) {
    chunks.push({ first, count: Math.min(step, rows - first) });
  }
  return chunks;
}

// Reconcile the workbook of `context`: read, post to the script, replay its actions.
export async function reconcile(context, dependencies) {
  return run(context, dependencies, {});
}

// Check the workbook of `context`: read, post to the script, replay its actions (an alert).
export async function check(context, dependencies) {
  return run(context, dependencies, { forCheck: true });
}

// `client`: layout.js' clientCapabilities, sent with the book.
async function run(context, { getBookData, runActions, convertDates, post, auth = "", headers = {}, client = null },
                   which) {
  const payload = await withinLimit(
    () => getBookData({ auth, headers, lazy: true }, context),
    "This workbook's sheets, tables and names together are",
  );
  if (client) payload.giveback_client = client;
  const inputs = await addInputValues(context, payload, convertDates, which);
  const response = await post(payload, headers);
  await withinLimit(
    () => runActions(response, context),
    `giveback's results for ${rowsOf(inputs)} are`,
    " Some output sheets may be partly written: Clear results removes them.",
  );
}

// Fill in the values of the payload's sheets to read (`rowsToRead`); returns [{name, rows}]
// of the input sheets read.
export async function addInputValues(context, payload, convertDates, which = {}) {
  const wanted = payload.sheets.filter((sheet) => rowsToRead(sheet.name, which) > 0);
  for (const sheet of wanted) {
    sheet.values = await readSheet(context, sheet, convertDates, rowsToRead(sheet.name, which));
  }
  const inputs = wanted.filter((sheet) => isInputSheet(sheet.name));
  return inputs.map((sheet) => ({ name: sheet.name, rows: extentFromA1(sheet.used_range_address).rows }));
}

async function readSheet(context, sheet, convertDates, most = Infinity) {
  const extent = extentFromA1(sheet.used_range_address);
  const rows = Math.min(extent.rows, most);
  const columns = Math.min(extent.columns, columnsToRead(sheet.name));
  if (rows === 0) return [[""]]; // an empty sheet: a blank A1, as getBookData sends it
  const source = { worksheet: context.workbook.worksheets.getItem(sheet.name), name: sheet.name, rows, columns };
  const values = [];
  for (const chunk of readPlan(rows, columns)) {
    for (const row of await readRows(context, source, chunk, convertDates)) values.push(row);
  }
  return values;
}

// Rows `chunk` of `source`, in one request, or in halves while Excel says it is too large.
async function readRows(context, source, chunk, convertDates) {
  try {
    const range = source.worksheet.getRangeByIndexes(chunk.first, 0, chunk.count, source.columns);
    range.load("values, numberFormat");
    await context.sync();
    convertDates(range.values, range.numberFormat);
    return range.values;
  } catch (error) {
    if (!isPayloadLimit(error)) throw error;
    if (chunk.count === 1) {
      const where = `Row ${count(chunk.first + 1)} of the ${source.name} sheet's ${count(source.rows)} rows is`;
      throw new BeyondLimit(beyondLimit(where));
    }
    const half = Math.ceil(chunk.count / 2);
    const head = await readRows(context, source, { first: chunk.first, count: half }, convertDates);
    const rest = { first: chunk.first + half, count: chunk.count - half };
    return head.concat(await readRows(context, source, rest, convertDates));
  }
}

async function withinLimit(step, what, after = "") {
  try {
    return await step();
  } catch (error) {
    if (isPayloadLimit(error) || isPayloadLimit(error?.cause)) throw new BeyondLimit(beyondLimit(what) + after);
    throw error;
  }
}

export function isPayloadLimit(error) {
  return PAYLOAD_LIMIT_CODES.includes(error?.code);
}

function beyondLimit(what) {
  return (
    `${what} more than Excel on the web passes between an add-in and the workbook in one ` +
    "request (5 MB), so Reconcile stopped. Desktop Excel has no such limit: reconcile this " +
    "workbook there, or save it and run `giveback reconcile` on the file."
  );
}

function rowsOf(inputs) {
  return inputs.map(({ name, rows }) => `${name} (${count(rows)} rows)`).join(", ");
}

function count(number) {
  return number.toLocaleString("en-US");
}

// What to tell the user about an error of the run: giveback's message from the script
// (HTTP 400 with `detail`), a limit, or what Office.js or the network said.
export function messageOf(error) {
  const data = error?.response?.data;
  if (data) return data.detail || data.error || (typeof data === "object" ? JSON.stringify(data) : String(data));
  if (error?.request) return "No response from the giveback server; check that it is running and try again.";
  return error?.message || String(error);
}
