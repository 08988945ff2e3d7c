import { runReport, type ReportSettings, type ReportSource } from "./run-report.js";
import { reportListView, reportViews, type PageAt } from "./report-view.js";
import { checkedPeriod, periodIn, reportCatalogue, reportNames, type Report } from "./reports.js";

/** A report as a person asks for it (typed, or a page button): which report, run, or why not. */

export interface ReportAsking {
  readonly now: Date;
  /** Today in London, YYYY-MM-DD. */
  readonly today: string;
  /** Files are offered, and rows naming children shown, in a personal chat only. */
  readonly inPersonalChat: boolean;
  readonly settings: ReportSettings;
}

export type ReportAnswer =
  | { readonly kind: "catalogue"; readonly view: ReturnType<typeof reportListView> }
  | { readonly kind: "refused"; readonly reason: string }
  /** The report, and its card's views to try in turn (the last fits). */
  | { readonly kind: "report"; readonly report: Report; readonly views: (() => object)[] };

/** `report` lists the reports; `report <name> [from YYYY-MM-DD] [to YYYY-MM-DD]` runs one. */
export async function typedReport(
  source: ReportSource,
  words: string,
  asking: ReportAsking,
): Promise<ReportAnswer> {
  const [word = "", ...rest] = words.split(/\s+/).filter(Boolean);
  if (!word) return { kind: "catalogue", view: reportListView(asking.now) };
  const name = reportNames.find((each) => each === word);
  if (!name)
    return {
      kind: "refused",
      reason: `I don't know the report '${word.slice(0, 40)}'. Say 'report' for the list: ${reportNames.join(", ")}.`,
    };
  const refusal = personalOnly(name, asking);
  if (refusal) return refusal;
  const period = periodIn(rest.join(" "), asking.today);
  if (typeof period === "string") return { kind: "refused", reason: period };
  return ran(await runReport(source, name, period, asking.settings), 0, asking);
}

/** Previous / Next on a report's card: the report is run again (nothing is kept); undefined if the button's period cannot be. */
export async function reportPage(
  source: ReportSource,
  { name, from, to, page }: PageAt,
  asking: ReportAsking,
): Promise<ReportAnswer | undefined> {
  const period = checkedPeriod({ from, to }, asking.today);
  if (typeof period === "string") return undefined;
  const refusal = personalOnly(name, asking);
  if (refusal) return refusal;
  return ran(await runReport(source, name, period, asking.settings), page, asking);
}

function personalOnly(name: Report["name"], { inPersonalChat }: ReportAsking): ReportAnswer | undefined {
  return !inPersonalChat && reportCatalogue[name].namesChildren
    ? { kind: "refused", reason: `Say 'report ${name}' in a personal chat with me: its rows name children.` }
    : undefined;
}

function ran(report: Report, page: number, asking: ReportAsking): ReportAnswer {
  return { kind: "report", report, views: reportViews(report, page, asking.now, asking.inPersonalChat) };
}
