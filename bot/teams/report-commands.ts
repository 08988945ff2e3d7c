import type { AdaptiveCardInvokeResponse, TurnContext } from "botbuilder";
import { CardFactory } from "botbuilder";
import { z } from "zod";
import { canWorkCases } from "../people/roles.js";
import { londonDate } from "../escalations/calendar.js";
import { toCsv } from "../reports/csv.js";
import { reportListView, reportView } from "../reports/report-view.js";
import {
  checkedPeriod,
  periodIn,
  reportCatalogue,
  reportNames,
  type Period,
  type Report,
  type ReportName,
} from "../reports/reports.js";
import { runReport } from "../reports/run-report.js";
import type { Services } from "../services.js";
import { actorOfTurn } from "./actor.js";
import { fileConsentCard, type FileMaker, type OfferedFile } from "./file-offers.js";
import { cardNumber, isoDay } from "./inbound.js";
import { messageResponse } from "./invoke-responses.js";
import { cardAttachment, renderFittingCard } from "./render-card.js";

const notForYou =
  "Reports are for CME officers and managers. If you made a referral, say 'my referrals' to see what is happening with it.";

const isPersonal = (context: TurnContext) => context.activity.conversation.conversationType === "personal";

function run(services: Services, name: ReportName, period: Period): Promise<Report> {
  return runReport(services.cases, name, period, {
    calendar: services.clocks.calendar,
    closeTargetWorkingDays: services.config.closeTargetWorkingDays,
  });
}

/** The card, a page of its long list; with fewer rows a page if people's words make it too big. */
function reportCard(report: Report, page: number, now: Date, fileOffered: boolean) {
  const shorter = (rows: number): Report => ({
    ...report,
    tables: report.tables.map((table) =>
      table.paged ? { ...table, rows: table.rows.slice(0, rows) } : table,
    ),
  });
  return renderFittingCard("report", [
    () => reportView(report, page, now, fileOffered),
    () => reportView(shorter(3), 0, now, fileOffered),
    () => reportView(shorter(0), 0, now, fileOffered),
  ]);
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

/** `report` lists the reports; `report <name> [from YYYY-MM-DD] [to YYYY-MM-DD]` runs one. */
export async function reportCommand(services: Services, context: TurnContext, rest: string): Promise<void> {
  const actor = await actorOfTurn(services, context);
  if (!canWorkCases(actor)) {
    await context.sendActivity(notForYou);
    return;
  }
  const now = services.now();
  const [word = "", ...words] = rest.split(/\s+/).filter(Boolean);
  if (!word) {
    await context.sendActivity({ attachments: [cardAttachment("report", reportListView(now))] });
    return;
  }
  const name = reportNames.find((each) => each === word);
  if (!name) {
    await context.sendActivity(
      `I don't know the report '${word.slice(0, 40)}'. Say 'report' for the list: ${reportNames.join(", ")}.`,
    );
    return;
  }
  const personal = isPersonal(context);
  if (!personal && reportCatalogue[name].namesChildren) {
    await context.sendActivity(`Say 'report ${name}' in a personal chat with me: its rows name children.`);
    return;
  }
  const period = periodIn(words.join(" "), londonDate(now));
  if (typeof period === "string") {
    await context.sendActivity(period);
    return;
  }
  const report = await run(services, name, period);
  await context.sendActivity({
    attachments: [CardFactory.adaptiveCard(reportCard(report, 0, now, personal))],
  });
  if (personal)
    await context.sendActivity({
      attachments: [
        fileConsentCard(reportFileOf(report), {
          kind: "report",
          name,
          from: period.from,
          to: period.to,
        }),
      ],
    });
}

const pageData = z.object({
  name: z.enum(reportNames),
  from: isoDay,
  to: isoDay,
  page: cardNumber(100_000),
});

/** Previous / Next on a report's card: the report is run again (nothing is kept) and the card shows that page. */
export async function handleReportAction(
  services: Services,
  context: TurnContext,
  verb: string,
  data: Record<string, unknown>,
): Promise<AdaptiveCardInvokeResponse> {
  const parsed = pageData.safeParse(data);
  const period = parsed.success ? checkedPeriod(parsed.data, londonDate(services.now())) : "";
  if (verb !== "report.page" || !parsed.success || typeof period === "string")
    return messageResponse(
      "I couldn't read that button (the card may be damaged). Say 'report' to start again.",
    );
  const { name, page } = parsed.data;
  if (!canWorkCases(await actorOfTurn(services, context))) return messageResponse(notForYou);
  const personal = isPersonal(context);
  if (!personal && reportCatalogue[name].namesChildren)
    return messageResponse(`Say 'report ${name}' in a personal chat with me: its rows name children.`);
  const report = await run(services, name, period);
  return {
    statusCode: 200,
    type: "application/vnd.microsoft.card.adaptive",
    value: reportCard(report, page, services.now(), personal),
  };
}

/** The report's CSV, made again when the person accepts. */
export const reportFile: FileMaker<{ kind: "report"; name: ReportName; from: string; to: string }> = {
  async make(services, actor, { name, from, to }, now) {
    const period = checkedPeriod({ from, to }, londonDate(now));
    if (!canWorkCases(actor) || typeof period === "string")
      return "I can't make that report (your role could not be confirmed). Nothing was shared.";
    return reportFileOf(await run(services, name, period));
  },
  declined: "Not saved: nothing was shared.",
  uploadFailed: "I couldn't save the report to your OneDrive just now. Please ask for the report again.",
};
