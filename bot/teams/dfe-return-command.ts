import type { AdaptiveCardInvokeResponse, TurnContext } from "botbuilder";
import { z } from "zod";
import { canWorkCases } from "../people/roles.js";
import type { Log } from "../log.js";
import { ukDate } from "../referrals/school-age.js";
import { dfeReturnRequest, type DfeReturnRequest } from "../reports/census-dates.js";
import { dfeReturn, dfeReturnCsv, dfeReturnWindow, type DfeReturn } from "../reports/dfe-return.js";
import { dfeReturnView } from "../reports/dfe-return-view.js";
import type { Services } from "../services.js";
import { worksCases } from "./actor.js";
import { fileConsentCard, type FileMaker, type OfferedFile } from "./file-offers.js";
import { problemsWith } from "./inbound.js";
import { cardResponse, messageResponse } from "./invoke-responses.js";
import { cardAttachment } from "./render-card.js";

const usage =
  "Say 'dfe return' for the latest census day, or 'dfe return 2026-10-01' (and a year, like 2025/26, for the any-time measure).";
const notAllowed = "The DfE return is for CME officers and managers.";

async function returnFor(services: Services, request: Extract<DfeReturnRequest, { ok: true }>) {
  const window = dfeReturnWindow(request.censusDate, request.year);
  return dfeReturn(await services.cases.timelines(window), request.censusDate, request.year);
}

/** `dfe return [YYYY-MM-DD] [YYYY/YY]`: the termly return's tables for the CME team. */
export async function dfeReturnCommand(
  services: Services,
  context: TurnContext,
  rest: string,
): Promise<void> {
  const [what, census, year, ...extra] = rest.split(/\s+/).filter(Boolean);
  if (what !== "return" || extra.length > 0) {
    await context.sendActivity(usage);
    return;
  }
  if (!(await worksCases(services, context))) {
    await context.sendActivity(notAllowed);
    return;
  }
  const request = dfeReturnRequest(services.config.censusDates, ukDate(services.now()), census, year);
  if (!request.ok) {
    await context.sendActivity(`${request.problem} ${usage}`);
    return;
  }
  const result = await returnFor(services, request);
  await context.sendActivity({ attachments: [cardAttachment("dfe-return", dfeReturnView(result))] });
  // The CSV to submit: files are offered in personal chat only (it holds counts, no child).
  if (context.activity.conversation.conversationType === "personal") {
    await context.sendActivity({
      attachments: [
        fileConsentCard(dfeReturnFileOf(result), {
          kind: "dfe-return",
          census: result.censusDate,
          year: result.year.label,
        }),
      ],
    });
  }
}

function dfeReturnFileOf(result: DfeReturn): OfferedFile {
  return {
    name: `dfe-cme-return-${result.censusDate}.csv`,
    description: `The DfE children missing education return for the census day ${result.censusDate} (and ${result.year.label}), in the DfE's columns. It holds counts only.`,
    fileType: "csv",
    body: Buffer.from(dfeReturnCsv(result), "utf8"),
    // Counts name no child: nothing is shared about any case.
    shares: { references: [], sharedWith: "DfE return (CSV)", why: "the termly DfE return" },
  };
}

/** The DfE return's CSV, made again when the person accepts the file (nothing is kept in between). */
export const dfeReturnFile: FileMaker<{ kind: "dfe-return"; census: string; year: string }> = {
  async make(services, actor, { census, year }) {
    const request = dfeReturnRequest(services.config.censusDates, ukDate(services.now()), census, year);
    if (!canWorkCases(actor) || !request.ok)
      return "I can't make that return (your role or the census day could not be confirmed). Nothing was saved.";
    return dfeReturnFileOf(await returnFor(services, request));
  },
  declined: "Not saved.",
  uploadFailed: "I couldn't save the return to your OneDrive just now. Please say 'dfe return' again.",
};

const dfeCardData = z.object({ census: z.string().max(10) });

/** The return's button on the channel's census-day card: the same tables, for the person who pressed. */
export async function handleDfeAction(
  services: Services,
  context: TurnContext,
  verb: string,
  data: Record<string, unknown>,
  log: Log,
): Promise<AdaptiveCardInvokeResponse> {
  const parsed = dfeCardData.safeParse(data);
  if (verb !== "dfe.return" || !parsed.success) {
    log("invoke.refused.malformed", { verb, problems: parsed.success ? "verb" : problemsWith(parsed.error) });
    return messageResponse("I don't know that button.");
  }
  if (!(await worksCases(services, context))) return messageResponse(notAllowed);
  const request = dfeReturnRequest(
    services.config.censusDates,
    ukDate(services.now()),
    parsed.data.census,
    undefined,
  );
  if (!request.ok) return messageResponse(request.problem);
  return cardResponse("dfe-return", dfeReturnView(await returnFor(services, request)));
}
