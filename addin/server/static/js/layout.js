// What xlwings' own actions cannot do in Excel on the web, done for giveback's script:
// a sheet's print setup and its charts, and the workbook's custom document properties.
// The script (addin/book.py, addin/hosts.py) sends each as xlwings' `runMacro` action
// naming one of these callbacks, which main.js registers with xlwings'
// `registerCallback`; runActions calls them in order with the other actions, as
// `callback(context, sheetName, description)` (`callback(context, properties)` for the
// properties).
//
// The description comes from the same layout and charts the file writer writes
// (workbook/paper.py, workbook/seam.py's Chart), so a sheet prints and draws alike from
// every host; the properties are the run record the file writer keeps in the file's
// custom properties (workbook/close/record.py), which other programs read:
//
//   givebackPageLayout: {orientation, pages_wide, pages_tall, scale, title_rows: "$6:$6",
//     title_columns: "$A:$A" or "", column_breaks: ["H1"], row_breaks: ["A23"], footer: {left, right},
//     margins: {left, right, top, bottom, header, footer} (points)}
//   givebackCharts: [{title, x_title, y_title, from: "A12", to: "F30",
//     series: [{name, x: "B8:X8", y: "B9:X9", markers, marker_size, color: "#4472C4"}]}]
//   givebackProperties: {giveback_version: "0.1.0", giveback_rule: "book", ...} (text)
//
// Office.js has them from ExcelApi 1.9 (pageLayout, page breaks), 1.8 (a chart's
// plotVisibleOnly: the charts read hidden rows) and 1.7 (workbook.properties.custom);
// `clientCapabilities` lists the callbacks this Excel can run, and the client sends that
// list with the book, so that the script writes a legend note instead where Excel cannot
// (an older Excel 2016 or 2019).

export const PAGE_LAYOUT = "givebackPageLayout";
export const CHARTS = "givebackCharts";
export const PROPERTIES = "givebackProperties";
const NEEDS = { [PAGE_LAYOUT]: "1.9", [CHARTS]: "1.8", [PROPERTIES]: "1.7" };

// {callbacks: [...]}: what goes with the book as `giveback_client`.
export function clientCapabilities(isSetSupported) {
  return { callbacks: Object.keys(NEEDS).filter((name) => isSetSupported("ExcelApi", NEEDS[name])) };
}

export function registerCallbacks(register) {
  register(givebackPageLayout);
  register(givebackCharts);
  register(givebackProperties);
}

// The workbook's custom document properties: each of `properties` set as text, made when
// missing (`add` sets an existing one, whatever its case); the user's own left alone.
export async function givebackProperties(context, properties) {
  const custom = context.workbook.properties.custom;
  for (const [key, value] of Object.entries(properties)) custom.add(key, String(value));
  await context.sync();
}

export async function givebackPageLayout(context, sheetName, layout) {
  const sheet = context.workbook.worksheets.getItem(sheetName);
  const page = sheet.pageLayout;
  page.orientation = layout.orientation === "portrait" ? "Portrait" : "Landscape";
  page.zoom = layout.pages_wide
    ? { horizontalFitToPages: layout.pages_wide, verticalFitToPages: layout.pages_tall }
    : { scale: layout.scale };
  const margins = layout.margins;
  page.leftMargin = margins.left;
  page.rightMargin = margins.right;
  page.topMargin = margins.top;
  page.bottomMargin = margins.bottom;
  page.headerMargin = margins.header;
  page.footerMargin = margins.footer;
  const footer = page.headersFooters.defaultForAllPages;
  footer.leftFooter = layout.footer.left;
  footer.rightFooter = layout.footer.right;
  if (layout.title_rows) page.setPrintTitleRows(layout.title_rows);
  if (layout.title_columns) page.setPrintTitleColumns(layout.title_columns);
  sheet.verticalPageBreaks.removePageBreaks();
  for (const cell of layout.column_breaks) sheet.verticalPageBreaks.add(cell);
  sheet.horizontalPageBreaks.removePageBreaks();
  for (const cell of layout.row_breaks || []) sheet.horizontalPageBreaks.add(cell);
  await context.sync();
}

// The sheet's charts: the ones there (giveback's, from a previous run: the sheet is
// giveback's) removed, then each of `charts` drawn.
export async function givebackCharts(context, sheetName, charts) {
  const sheet = context.workbook.worksheets.getItem(sheetName);
  const existing = sheet.charts.load("items");
  await context.sync();
  for (const chart of existing.items) chart.delete();
  for (const spec of charts) drawChart(sheet, spec);
  await context.sync();
}

// A scatter chart from its first series' range, every series then given its own x and
// y ranges, name and look.
function drawChart(sheet, spec) {
  const [first, ...others] = spec.series;
  const chart = sheet.charts.add(seriesType(first), sheet.getRange(first.y), "Rows");
  chart.title.text = spec.title;
  chart.axes.categoryAxis.title.text = spec.x_title;
  chart.axes.valueAxis.title.text = spec.y_title;
  chart.axes.valueAxis.minimum = 0; // from 0, as the file writer's charts: a 5% step does not look like a cliff
  chart.legend.visible = true;
  chart.legend.position = "Bottom";
  chart.plotVisibleOnly = false;
  chart.setPosition(spec.from, spec.to);
  drawSeries(sheet, chart.series.getItemAt(0), first);
  for (const series of others) drawSeries(sheet, chart.series.add(series.name), series);
}

function drawSeries(sheet, series, spec) {
  series.name = spec.name;
  series.chartType = seriesType(spec);
  series.setXAxisValues(sheet.getRange(spec.x));
  series.setValues(sheet.getRange(spec.y));
  if (spec.markers) {
    series.markerStyle = "Circle";
    series.markerSize = spec.marker_size;
    series.markerBackgroundColor = spec.color;
    series.markerForegroundColor = spec.color;
  } else {
    series.markerStyle = "None";
    series.format.line.color = spec.color;
  }
}

function seriesType(spec) {
  return spec.markers ? "XYScatter" : "XYScatterLinesNoMarkers";
}
