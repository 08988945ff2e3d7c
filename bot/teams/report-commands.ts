import { z } from "zod";
import { canWorkCases } from "../people/roles.js";
import { toCsv } from "../reports/csv.js";
import { reportPage, typedReport, type ReportAnswer, type ReportAsking } from "../reports/report-requests.js";
import { checkedPeriod, reportNames, type Report, type ReportName } from "../reports/reports.js";
import { runReport, type ReportSettings } from "../reports/run-report.js";
import type { Services } from "../services.js";
import { fileConsentCard, type FileMaker, type OfferedFile } from "./file-offers.js";
import { cardNumber, isoDay } from "./inbound.js";
import { renderCard, renderFittingCard } from "./render-card.js";
import { command, verb, type Reply, type Route, type Turn } from "./route.js";
import { ukDate } from "../shared/uk-dates.js";

const notForYou =
  "Reports are for CME officers and managers. If you made a referral, say 'my referrals' to see what is happening with it.";

const damaged = "I couldn't read that button (the card may be damaged). Say 'report' to start again.";

const settingsOf = (services: Services): ReportSettings => ({
  calendar: services.clocks.calendar,
  closeTargetWorkingDays: services.config.closeTargetWorkingDays,
});

function askingIn({ services, scope }: Turn): ReportAsking {
  const now = services.now();
  return {
    now,
    today: ukDate(now),
    inPersonalChat: scope === "personal",
    settings: settingsOf(services),
  };
}

/** The report's rows as the CSV file offered in personal chat (UTF-8 with a byte order mark, for spreadsheets). */
function reportFileOf(report: Report): OfferedFile {
  const { name, period } = report;
  return {
    name: `cme-report-${name}-${period.from}-to-${period.to}.csv`,
    description: `The ${name} report, ${period.from} to ${period.to}, as a CSV file.${
      report.references.length ? " Accepting records it as a share on the cases it lists." : ""
    }`,
    fileType: "csv",
    body: Buffer.from(`\ufeff${toCsv(report.file.columns, report.file.rows)}`, "utf8"),
    shares: {
      references: report.references,
      sharedWith: `report file: ${name} (CSV)`,
      why: `the ${name} report for ${period.from} to ${period.to}, saved to their OneDrive`,
    },
  };
}

/** The answer on a card; a report typed in personal chat comes with its CSV file offered. */
function replyOf(answer: ReportAnswer, withFile: boolean): Reply {
  if (answer.kind === "catalogue") return { card: renderCard("report", answer.view) };
  if (answer.kind === "refused") return { text: answer.reason };
  const { report } = answer;
  const { name, period } = report;
  const offer = { kind: "report", name, from: period.from, to: period.to } as const;
  return {
    card: renderFittingCard("report", answer.views),
    ...(withFile ? { attachments: [fileConsentCard(reportFileOf(report), offer)] } : {}),
  };
}

export const reportRoutes: readonly Route[] = [
  command({
    name: "report",
    description:
      "CME team: 'report' lists the reports; 'report referrals from 2025-09-01 to 2025-12-31' runs one (CSV in personal chat)",
    scopes: ["personal", "team"],
    who: "cme-team",
    notAllowed: notForYou,
    input: z.string(),
    handle: async (turn, words) =>
      replyOf(await typedReport(turn.services.cases, words, askingIn(turn)), turn.scope === "personal"),
  }),
  verb({
    verb: "report.page",
    scopes: ["personal", "team"],
    who: "cme-team",
    notAllowed: notForYou,
    input: z.object({ name: z.enum(reportNames), from: isoDay, to: isoDay, page: cardNumber(100_000) }),
    malformed: damaged,
    handle: async (turn, page) => {
      const answer = await reportPage(turn.services.cases, page, askingIn(turn));
      return answer ? replyOf(answer, false) : { text: damaged };
    },
  }),
];

/** The report's CSV, made again when the person accepts. */
export const reportFile: FileMaker<{ kind: "report"; name: ReportName; from: string; to: string }> = {
  async make(services, actor, { name, from, to }, now) {
    const period = checkedPeriod({ from, to }, ukDate(now));
    if (!canWorkCases(actor) || typeof period === "string")
      return "I can't make that report (your role could not be confirmed). Nothing was shared.";
    return reportFileOf(await runReport(services.cases, name, period, settingsOf(services)));
  },
  declined: "Not saved: nothing was shared.",
  uploadFailed: "I couldn't save the report to your OneDrive just now. Please ask for the report again.",
};
