import { z } from "zod";
import { canWorkCases } from "../people/roles.js";
import { dfeReturnRequest } from "../reports/census-dates.js";
import { dfeReturnCsv, dfeReturnFor, type DfeReturn } from "../reports/dfe-return.js";
import { dfeReturnView } from "../reports/dfe-return-view.js";
import type { Services } from "../services.js";
import { fileConsentCard, type FileMaker, type OfferedFile } from "./file-offers.js";
import { renderCard } from "./render-card.js";
import { command, verb, type Reply, type Route } from "./route.js";
import { ukDate } from "../shared/uk-dates.js";

const usage =
  "Say 'dfe return' for the latest census day, or 'dfe return 2026-10-01' (and a year, like 2025/26, for the any-time measure).";
const notAllowed = "The DfE return is for CME officers and managers.";

/** The return asked for (a census day and a year, either left out, as typed), run; or what is wrong. */
async function returnAsked(services: Services, census: string | undefined, year: string | undefined) {
  const request = dfeReturnRequest(services.config.censusDates, ukDate(services.now()), census, year);
  return request.ok ? await dfeReturnFor(services.cases, request.censusDate, request.year) : request.problem;
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

/** The return's card; typed in personal chat, with the CSV to submit offered (it holds counts, no child). */
function returnReply(result: DfeReturn, withFile: boolean): Reply {
  const offer = { kind: "dfe-return", census: result.censusDate, year: result.year.label } as const;
  return {
    card: renderCard("dfe-return", dfeReturnView(result)),
    ...(withFile ? { attachments: [fileConsentCard(dfeReturnFileOf(result), offer)] } : {}),
  };
}

export const dfeReturnRoutes: readonly Route[] = [
  // `dfe return [YYYY-MM-DD] [YYYY/YY]`: the termly return's tables for the CME team.
  command({
    name: "dfe return",
    aliases: ["dfe"],
    description:
      "CME team: 'dfe return [2026-10-01]' gives the DfE's termly CME return for a census day, as the DfE asks for it",
    scopes: ["personal", "team"],
    who: "cme-team",
    notAllowed,
    input: z
      .string()
      .transform((rest) => rest.split(/\s+/).filter(Boolean))
      .refine(([census, ...more]) => more.length <= 1 && (census === undefined || /^\d/.test(census))),
    malformed: usage,
    handle: async ({ services, scope }, [census, year]) => {
      const result = await returnAsked(services, census, year);
      return typeof result === "string"
        ? { text: `${result} ${usage}` }
        : returnReply(result, scope === "personal");
    },
  }),
  // The return's button on the channel's census-day card: the same tables, for the person who pressed.
  verb({
    verb: "dfe.return",
    scopes: ["personal", "team"],
    who: "cme-team",
    notAllowed,
    input: z.object({ census: z.string().max(10) }),
    malformed: "I don't know that button.",
    handle: async ({ services }, { census }) => {
      const result = await returnAsked(services, census, undefined);
      return typeof result === "string" ? { text: result } : returnReply(result, false);
    },
  }),
];

/** The DfE return's CSV, made again when the person accepts the file (nothing is kept in between). */
export const dfeReturnFile: FileMaker<{ kind: "dfe-return"; census: string; year: string }> = {
  async make(services, actor, { census, year }) {
    const request = dfeReturnRequest(services.config.censusDates, ukDate(services.now()), census, year);
    if (!canWorkCases(actor) || !request.ok)
      return "I can't make that return (your role or the census day could not be confirmed). Nothing was saved.";
    return dfeReturnFileOf(await dfeReturnFor(services.cases, request.censusDate, request.year));
  },
  declined: "Not saved.",
  uploadFailed: "I couldn't save the return to your OneDrive just now. Please say 'dfe return' again.",
};
