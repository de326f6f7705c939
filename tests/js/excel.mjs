// A workbook behind Office.js for giveback's client, built on Microsoft's office-addin-mock:
// a property is readable only after load() and context.sync(), as in Excel. The mock
// records which sheets and ranges the client asks for and the size of every response, and
// refuses a response over `limit` bytes as Excel on the web does (5 MB).
import { OfficeMockObject } from "office-addin-mock";

export const EXCEL_ON_THE_WEB_LIMIT = 5 * 1000 * 1000;
const DATE_FORMAT = "m/d/yyyy";

// sheets: {name: rows}; a Date cell goes to Excel as its serial number, date-formatted.
export function mockExcel(sheets, { limit = EXCEL_ON_THE_WEB_LIMIT } = {}) {
  const log = { sheets: [], reads: [], responses: [] };
  let pending = [];
  const data = {
    context: {
      workbook: {
        worksheets: {
          getItem(name) {
            log.sheets.push(name);
            if (!(name in sheets)) throw Object.assign(new Error(`no sheet ${name}`), { code: "ItemNotFound" });
            return worksheet(name, sheets[name], (range) => pending.push(range), log);
          },
        },
      },
      async sync() {
        const batch = pending;
        pending = [];
        const size = batch.reduce((total, range) => total + range.bytes, 0);
        if (size > limit) {
          throw Object.assign(new Error("The response payload size has exceeded the limit."), {
            code: "ResponsePayloadSizeLimitExceeded",
          });
        }
        log.responses.push(size);
        for (const range of batch) await range.mock.sync();
      },
    },
  };
  return { context: new OfficeMockObject(data).context, log };
}

function worksheet(name, rows, queue, log) {
  return {
    getRangeByIndexes(first, column, count, columns) {
      const cells = rows.slice(first, first + count).map((row) => pad(row, column, columns));
      while (cells.length < count) cells.push(pad([], column, columns));
      const values = cells.map((row) => row.map(excelValue));
      const numberFormat = cells.map((row) => row.map((cell) => (cell instanceof Date ? DATE_FORMAT : "General")));
      const mock = new OfficeMockObject({ values, numberFormat });
      log.reads.push({ sheet: name, first, count, columns });
      queue({ mock, bytes: JSON.stringify(values).length + JSON.stringify(numberFormat).length });
      return mock;
    },
  };
}

function pad(row, column, columns) {
  return Array.from({ length: columns }, (_, i) => row[column + i] ?? "");
}

function excelValue(cell) {
  return cell instanceof Date ? cell.getTime() / 86400000 + 25569 : cell;
}

// Usage rows as make_books.py writes them: product, quantity, date, reference, unit cost.
export function usageRows(count) {
  const rows = [["Product", "Quantity", "Date", "Reference", "Unit Cost"]];
  for (let i = 1; i <= count; i += 1) {
    const day = new Date(Date.UTC(2025, 0, 1 + (i % 365)));
    rows.push([`SKU-${String(i % 500).padStart(5, "0")}`, i % 3 ? 17 : -4.25, day, `INV-${String(i).padStart(7, "0")}`, 12.5]);
  }
  return rows;
}

// What xlwings' getBookData({lazy: true}) returns for `sheets`: no values, the used range
// of each sheet from its rows, and `names`.
export function lazyBook(sheets, names = []) {
  return {
    client: "Office.js",
    book: { name: "Reconcile.xlsx", active_sheet_index: 0 },
    names,
    sheets: Object.entries(sheets).map(([name, rows]) => ({
      name,
      used_range_address: rows.length ? `A1:${letters(Math.max(...rows.map((row) => row.length)))}${rows.length}` : null,
      values: [[]],
      tables: [],
    })),
  };
}

function letters(column) {
  let text = "";
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) text = String.fromCharCode(65 + ((n - 1) % 26)) + text;
  return text;
}

// A workbook for giveback's layout callbacks (layout.js): each sheet asked for is a mock
// with a pageLayout, vertical page breaks and a chart collection; what the callbacks set
// stays on them, and `excelState` reads it back. `charts`: {sheet: number of charts
// already there}. The workbook's custom document properties (`properties`, {key: value},
// as the file had them) are Office.js' CustomPropertyCollection: `add` sets the property
// whose key matches whatever its case, else makes one, once the request is synced.
export function mockLayoutWorkbook({ charts = {}, properties = {} } = {}) {
  const sheets = {};
  const custom = { ...properties };
  const queued = [];
  const context = new OfficeMockObject({
    workbook: {
      worksheets: {
        getItem(name) {
          sheets[name] ??= layoutSheet(name, charts[name] ?? 0);
          return sheets[name];
        },
      },
      properties: {
        custom: {
          add(key, value) {
            if (typeof value !== "string") throw new Error(`a property's value as sent: ${typeof value}`);
            queued.push([key, value]);
          },
        },
      },
    },
    async sync() {
      for (const sheet of Object.values(sheets)) await sheet.charts.sync();
      for (const [key, value] of queued.splice(0)) {
        const same = Object.keys(custom).find((name) => name.toLowerCase() === key.toLowerCase());
        custom[same ?? key] = value;
      }
    },
  });
  return { context, sheets, properties: custom };
}

function layoutSheet(name, existing) {
  const titles = { rows: "", columns: "" };
  const sheet = new OfficeMockObject({
    name,
    pageLayout: {
      orientation: "Portrait",
      leftMargin: 0, rightMargin: 0, topMargin: 0, bottomMargin: 0, headerMargin: 0, footerMargin: 0,
      headersFooters: { defaultForAllPages: { leftFooter: "", rightFooter: "" } },
      setPrintTitleRows(rows) { titles.rows = rows; },
      setPrintTitleColumns(columns) { titles.columns = columns; },
    },
    getRange(address) { return { address }; },
  });
  sheet.pageLayout.titles = titles; // not Office.js': what the test reads back
  sheet.verticalPageBreaks = {
    cells: ["C1"], // a break a previous run left
    add(cell) { this.cells.push(cell); },
    removePageBreaks() { this.cells = []; },
  };
  sheet.horizontalPageBreaks = {
    cells: ["A3"], // a break a previous run left
    add(cell) { this.cells.push(cell); },
    removePageBreaks() { this.cells = []; },
  };
  const drawn = [];
  const before = Array.from({ length: existing }, (_, i) => ({ name: `Chart ${i + 1}`, delete() { this.deleted = true; } }));
  sheet.charts = new OfficeMockObject({
    items: before,
    add(type, source, seriesBy) {
      const chart = layoutChart(type, source, seriesBy);
      drawn.push(chart);
      return chart;
    },
  });
  Object.assign(sheet.charts, { drawn, before }); // not Office.js': what the test reads back
  return sheet;
}

function layoutChart(type, source, seriesBy) {
  const series = [];
  const newSeries = (name) => {
    const one = {
      name,
      format: { line: {} },
      setXAxisValues(range) { this.x = range.address; },
      setValues(range) { this.y = range.address; },
    };
    series.push(one);
    return one;
  };
  newSeries("Series1").setValues(source);
  return {
    type, source: source.address, seriesBy,
    title: {}, legend: {},
    axes: { categoryAxis: { title: {} }, valueAxis: { title: {} } },
    allSeries: series,
    series: { getItemAt: (index) => series[index], add: (name) => newSeries(name) },
    setPosition(from, to) { this.from = from; this.to = to; },
  };
}

// What Excel holds on each sheet after the callbacks: its page layout, page breaks and charts.
export function excelState(sheets) {
  return Object.fromEntries(Object.entries(sheets).map(([name, sheet]) => {
    const page = sheet.pageLayout;
    const footers = page.headersFooters.defaultForAllPages;
    return [name, {
      pageLayout: {
        orientation: page.orientation, zoom: page.zoom,
        leftMargin: page.leftMargin, rightMargin: page.rightMargin, topMargin: page.topMargin,
        bottomMargin: page.bottomMargin, headerMargin: page.headerMargin, footerMargin: page.footerMargin,
        leftFooter: footers.leftFooter, rightFooter: footers.rightFooter,
        printTitleRows: page.titles.rows, printTitleColumns: page.titles.columns,
      },
      verticalPageBreaks: sheet.verticalPageBreaks.cells,
      horizontalPageBreaks: sheet.horizontalPageBreaks.cells,
      deletedCharts: sheet.charts.before.filter((chart) => chart.deleted).length,
      charts: sheet.charts.drawn.map((chart) => ({
        type: chart.type, title: chart.title.text,
        categoryTitle: chart.axes.categoryAxis.title.text, valueTitle: chart.axes.valueAxis.title.text,
        legend: chart.legend.visible ? chart.legend.position : null, plotVisibleOnly: chart.plotVisibleOnly,
        from: chart.from, to: chart.to,
        series: chart.allSeries.map((series) => ({
          name: series.name, x: series.x, y: series.y, chartType: series.chartType,
          markerStyle: series.markerStyle, markerSize: series.markerSize,
          color: series.markerStyle === "None" ? series.format.line.color : series.markerBackgroundColor,
        })),
      })),
    }];
  }));
}
