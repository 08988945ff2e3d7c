import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { z } from "zod";
import { refusalBeforeFetch, type ExtractFile } from "../pupils/extract-source.js";
import {
  extractFindingsView,
  extractViewDetails,
  firstPages,
  type ExtractPages,
} from "../pupils/extract-view.js";
import { importExtract } from "../pupils/import-extract.js";
import { importRecordOf } from "../pupils/import-record.js";
import type { KeptImport } from "../pupils/kept-imports.js";
import { ExtractRefused, tooLarge } from "../pupils/read-extract.js";
import { ukDate } from "../shared/uk-dates.js";
import { fileDownloadInfo } from "./dispatch.js";
import { cardNumber } from "./inbound.js";
import { renderFittingCard, type CardJson } from "./render-card.js";
import { fileRoute, verb, type Reply, type Route, type Turn } from "./route.js";
import { replyAfterTurn } from "./later-reply.js";
import type { Services } from "../services.js";
import type { Log } from "../log.js";
import type { Actor } from "../shared/person.js";

/**
 * A pupil database extract sent in personal chat (issue 14): checked before anything is fetched,
 * streamed from Teams' file store into the reader (never written to disk, never logged), its
 * findings drawn as one card and kept in memory for the card's pages.
 */

/** Teams' description of a file sent to the bot in personal chat. */
const fileAttachment = z.object({
  contentType: z.literal(fileDownloadInfo),
  // SharePoint allows names of 400 characters; a longer one is cut, not refused (it is only shown).
  name: z
    .string()
    .trim()
    .min(1)
    .transform((name) => name.slice(0, 400)),
  content: z.looseObject({
    downloadUrl: z.string().min(1).max(8000),
    fileType: z.string().max(40).optional(),
  }),
});

/** A findings card button's data: the import and the page each list shows. */
export const pageData = z.object({
  importId: z.string().min(1).max(100),
  pages: z.object({
    "compulsory-no-place": cardNumber(100_000),
    "rising-fives": cardNumber(100_000),
    "leavers-no-forwarding-school": cardNumber(100_000),
  }),
});

export const notForReferrers =
  "Pupil database extracts are for the CME team. To tell us about a child, say 'refer'.";

/** Teams' file store did not give the file (it answered with an error, or not at all). */
class DownloadFailed extends Error {}

/** Takes the download's body as a stream; a size Teams' store tells beyond the limit is refused unread. */
async function download(address: string, maxBytes: number): Promise<Readable> {
  let response: Response;
  try {
    // A redirect could lead anywhere: the checked address is the only one fetched.
    response = await fetch(address, { redirect: "error", signal: AbortSignal.timeout(60_000) });
  } catch {
    throw new DownloadFailed();
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new DownloadFailed();
  }
  const length = Number(response.headers.get("content-length") ?? "");
  if (Number.isFinite(length) && length > maxBytes) {
    await response.body.cancel();
    throw tooLarge(maxBytes);
  }
  return Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
}

export function findingsCard(kept: KeptImport, importId: string, pages: ExtractPages): CardJson {
  return renderFittingCard(
    "pupil-extract-findings",
    extractViewDetails.map((detail) => () => extractFindingsView(kept, importId, pages, detail)),
  );
}

/**
 * Refusals that need no download are answered in the turn; the file is read after it (a county's
 * file takes some 10 s, near Teams' 15 s) and its lists posted to the chat when read.
 */
async function importFromTeams(turn: Turn, attachment: z.infer<typeof fileAttachment>): Promise<Reply> {
  const { pupilExtracts, localMode } = turn.services.config;
  const file: ExtractFile = {
    name: attachment.name,
    fileType: attachment.content.fileType,
    downloadUrl: attachment.content.downloadUrl,
  };
  const maxBytes = pupilExtracts.limits.maxBytes;
  const refused = refusalBeforeFetch(file, { localMode, hosts: pupilExtracts.downloadHosts, maxBytes });
  if (refused) {
    turn.log("extract.refused", { reason: refused.reason });
    return { text: refused.message };
  }
  const actor = await turn.actor();
  replyAfterTurn(turn, "extract.import", () => readExtractFile(turn.services, turn.log, file, actor));
  return { text: `Reading ${file.name}… I'll post the lists here.` };
}

/** Fetches and reads the file, keeps its findings and records the import: the card, or why not. */
async function readExtractFile(
  services: Services,
  log: Log,
  file: ExtractFile,
  actor: Actor,
): Promise<Reply> {
  const { pupilExtracts } = services.config;
  const maxBytes = pupilExtracts.limits.maxBytes;
  let downloadCut = false;
  try {
    const source = await download(file.downloadUrl, maxBytes);
    // The connection cut, or the time up, while the file is read is Teams' store failing.
    source.once("error", () => (downloadCut = true));
    const imported = await importExtract(
      services,
      source,
      pupilExtracts.mapping,
      ukDate(services.now()),
      pupilExtracts.limits,
    );
    const importedAt = services.now();
    const kept: KeptImport = {
      by: actor.id,
      fileName: file.name,
      importedAt: importedAt.toISOString(),
      findings: imported.findings,
      openCases: new Map(imported.openCases),
    };
    const importId = services.extractImports.keep(kept);
    // Counts only: the file's name and rows are a child's details.
    log("extract.imported", {
      rows: imported.findings.rows,
      counts: imported.findings.counts,
      withOpenCase: imported.openCases.size,
    });
    const card = findingsCard(kept, importId, firstPages);
    try {
      await services.settings.recordImport(
        importRecordOf(importId, actor, importedAt, file.name, imported.findings),
      );
    } catch (error) {
      // The findings stand (and page, from memory): the import is noted by hand.
      log("extract.record.failed", { error: error instanceof Error ? error.message : String(error) });
      return {
        text: "I read the extract, but couldn't record the import (who, when, the counts): tell your manager, so the import is noted by hand.",
        card,
      };
    }
    return { card };
  } catch (error) {
    if (error instanceof DownloadFailed || downloadCut) {
      log("extract.download.failed", {});
      return { text: "Teams didn't give me the file, so nothing was read: send it again in a minute." };
    }
    if (error instanceof ExtractRefused) {
      log("extract.refused", { reason: error.reason });
      return { text: error.message };
    }
    throw error;
  }
}

/** The import, if this person sent it and it is still kept; else what to tell them. */
export function keptImportOf(turn: Turn, importId: string, by: string): KeptImport | Reply {
  const kept = turn.services.extractImports.get(importId, by);
  if (kept === "someone else's")
    return { text: "Those lists are of an extract someone else sent: only they can page through them." };
  if (!kept)
    return {
      text: "I no longer have that extract's lists (they are kept for an hour, and the file is not kept): send the file again.",
    };
  return kept;
}

export const extractRoutes: readonly Route[] = [
  fileRoute({
    file: "pupil extract",
    scopes: ["personal"],
    who: "cme-team",
    elsewhere: "Send a pupil database extract to me in a personal chat: the lists name children.",
    notAllowed: notForReferrers,
    input: fileAttachment,
    handle: importFromTeams,
  }),
  verb({
    verb: "extract.page",
    scopes: ["personal"],
    who: "cme-team",
    notAllowed: notForReferrers,
    input: pageData,
    handle: async (turn, { importId, pages }) => {
      const kept = keptImportOf(turn, importId, (await turn.actor()).id);
      return "findings" in kept ? { card: findingsCard(kept, importId, pages) } : kept;
    },
  }),
];
