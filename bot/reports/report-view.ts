import { formatDate, formatDateTime } from "../shared/format.js";
import { reportCatalogue, reportNames, type Report, type ReportTable } from "./reports.js";

/** A long list shows this many rows a page; the file has them all. */
export const rowsPerPage = 10;

const titles: Record<Report["name"], string> = {
  referrals: "Referrals received",
  "referrals-on": "Referrals on to other services",
  outcomes: "Closures by outcome",
  "time-to-close": "Time to close",
  "long-running": "Long-running cases",
  leavers: "Left without a forwarding school",
  "reached-school-age": "Reached compulsory school age without a place",
};

export interface PageAt {
  readonly name: Report["name"];
  readonly from: string;
  readonly to: string;
  readonly page: number;
}

/** A table as the card shows it: a chart (with its numbers as the fallback), facts, or a table. */
function sectionOf(table: ReportTable, page: number) {
  const start = table.paged ? page * rowsPerPage : 0;
  const shown = table.paged ? table.rows.slice(start, start + rowsPerPage) : table.rows;
  const facts = table.columns.length === 2 ? shown.map(([title, value]) => ({ title, value })) : [];
  const chartType =
    table.chart === "bar" ? "Chart.VerticalBar" : table.chart === "donut" ? "Chart.Donut" : "";
  return {
    title: table.title,
    chartType,
    bars: shown.map(([x, y]) => ({ x, y: Number(y) })),
    slices: shown.map(([legend, value]) => ({ legend, value: Number(value) })),
    isFacts: chartType === "" && facts.length > 0,
    facts,
    isTable: table.columns.length > 2 && shown.length > 0,
    columns: table.columns.map(() => ({ width: 1 })),
    rows: [table.columns, ...shown].map((cells) => ({ cells })),
    note:
      table.rows.length === 0
        ? "None."
        : table.paged && table.rows.length > rowsPerPage
          ? `Rows ${start + 1} to ${start + shown.length} of ${table.rows.length}.`
          : "",
  };
}

/**
 * The report's card: its tables (the long list a page at a time, with Previous and Next), and a
 * footer saying where the whole of it is: the CSV file in personal chat.
 */
export function reportView(report: Report, page: number, now: Date, fileOffered: boolean) {
  const paged = report.tables.find((table) => table.paged);
  const pages = paged ? Math.max(1, Math.ceil(paged.rows.length / rowsPerPage)) : 1;
  const shownPage = Math.min(Math.max(0, page), pages - 1);
  const at = (to: number): PageAt => ({
    name: report.name,
    from: report.period.from,
    to: report.period.to,
    page: to,
  });
  return {
    title: titles[report.name],
    period: `${formatDate(report.period.from)} to ${formatDate(report.period.to)}`,
    summary: report.summary,
    sections: report.tables.map((table) => sectionOf(table, shownPage)),
    hasPrevious: shownPage > 0,
    previous: at(shownPage - 1),
    hasNext: shownPage < pages - 1,
    next: at(shownPage + 1),
    footer: `${
      fileOffered
        ? "Every row is in the CSV file I offer next: choose where to save it."
        : `Say 'report ${report.name}' in a personal chat with me for the CSV file.`
    } As at ${formatDateTime(now)}.`,
  };
}

/** The report's card views to try in turn: the page asked; then fewer rows, if people's words make it too big. */
export function reportViews(report: Report, page: number, now: Date, fileOffered: boolean): (() => object)[] {
  const shorter = (rows: number): Report => ({
    ...report,
    tables: report.tables.map((table) =>
      table.paged ? { ...table, rows: table.rows.slice(0, rows) } : table,
    ),
  });
  return [
    () => reportView(report, page, now, fileOffered),
    () => reportView(shorter(3), 0, now, fileOffered),
    () => reportView(shorter(0), 0, now, fileOffered),
  ];
}

/** `report` alone: what each report is and how to ask for one. */
export function reportListView(now: Date) {
  return {
    title: "Reports",
    period:
      "Say 'report <name>', optionally with 'from YYYY-MM-DD' and 'to YYYY-MM-DD' (default: this academic year to date).",
    summary:
      "Each answers with a card and, in a personal chat, a CSV file of its rows. Lists naming children are for personal chat only.",
    sections: [
      {
        title: "What you can ask for",
        chartType: "",
        bars: [],
        slices: [],
        isFacts: true,
        facts: reportNames.map((name) => ({ title: name, value: reportCatalogue[name].description })),
        isTable: false,
        columns: [],
        rows: [],
        note: "",
      },
    ],
    hasPrevious: false,
    previous: {},
    hasNext: false,
    next: {},
    footer: `As at ${formatDateTime(now)}.`,
  };
}
