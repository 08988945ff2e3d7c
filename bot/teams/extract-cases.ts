import type { z } from "zod";
import { childrenToOpen, extractListTitles } from "../pupils/extract-view.js";
import { extractLists, type Finding } from "../pupils/findings.js";
import { linkChild, type KeptImport } from "../pupils/kept-imports.js";
import { openExtractCase, type ExtractCaseOutcome } from "../pupils/open-extract-case.js";
import type { Actor } from "../shared/person.js";
import { findingsCard, keptImportOf, notForReferrers, pageData } from "./extract-import.js";
import { failureMessage } from "./failure-message.js";
import { cardNumber } from "./inbound.js";
import { replyAfterTurn } from "./later-reply.js";
import { renderCard } from "./render-card.js";
import { verb, type Reply, type Route, type Turn } from "./route.js";

/**
 * Cases opened from a pupil extract's findings card (issue 14 items 2–3): "Open a case" on a row,
 * and "Open cases for all N" after a confirmation, done after the turn (hundreds of cases, some
 * twelve store requests each, do not fit the 15 s Teams waits) and told in the chat when done.
 * Each open is idempotent (bot/pupils/open-extract-case.ts): pressing again opens only the rest.
 */

const rowData = pageData.extend({ row: cardNumber(1_000_000) });

const count = (n: number) => n.toLocaleString("en-GB");

/** Opens one listed child's case (or finds their open one) and links their rows on the kept lists. */
async function openFor(turn: Turn, importId: string, kept: KeptImport, finding: Finding, officer: Actor) {
  const { services } = turn;
  const outcome = await openExtractCase(
    services,
    { importId, fileName: kept.fileName, importedAt: kept.importedAt },
    finding,
    officer,
    services.now(),
  );
  linkChild(kept, finding, outcome.reference);
  // The reference only: the child's details stay out of the logs.
  turn.log("extract.case", { outcome: outcome.kind, reference: outcome.reference });
  // The import's record failed to be written when it was read: the case is not on it.
  if (!outcome.recorded) turn.log("extract.record.missing", { reference: outcome.reference });
  return outcome;
}

/** The import of this person, still kept, or what to tell them. */
async function theirImport(
  turn: Turn,
  importId: string,
): Promise<{ kept: KeptImport; actor: Actor } | Reply> {
  const actor = await turn.actor();
  const kept = keptImportOf(turn, importId, actor.id);
  return "findings" in kept ? { kept, actor } : kept;
}

/** How many of each list "Open cases for all" opens (each child once, under the list their case is opened from). */
function perList(children: readonly Finding[]) {
  return extractLists.map((list) => ({
    title: extractListTitles[list],
    value: count(children.filter((finding) => finding.lists[0] === list).length),
  }));
}

/**
 * Opens every child not yet linked, one at a time; what to tell the person when done, or where it
 * stopped (a store failure, the bot closing): each case opened stays, and pressing again opens the rest.
 */
async function openAll(
  turn: Turn,
  importId: string,
  kept: KeptImport,
  actor: Actor,
  pages: z.infer<typeof pageData>["pages"],
  stopping: AbortSignal,
): Promise<Reply> {
  const children = childrenToOpen(kept);
  const outcomes: ExtractCaseOutcome[] = [];
  const card = () => findingsCard(kept, importId, pages);
  const sofar = () =>
    `Opened ${count(outcomes.filter((outcome) => outcome.kind === "opened").length)} of ${count(children.length)} cases`;
  try {
    for (const finding of children) {
      if (stopping.aborted)
        return {
          text: `${sofar()} before the bot restarted; the rest are not opened. Send the file again and press Open cases for all to open them.`,
          card: card(),
        };
      outcomes.push(await openFor(turn, importId, kept, finding, actor));
    }
  } catch (error) {
    turn.log("extract.openAll.failed", {
      done: outcomes.length,
      of: children.length,
      error: error instanceof Error ? error.message : String(error),
    });
    return {
      text: `${sofar()}, then this went wrong: ${failureMessage(error)} The cases opened stay open: press Open cases for all again to open the rest.`,
      card: card(),
    };
  } finally {
    kept.openingAll = false;
  }
  const opened = outcomes.filter((outcome) => outcome.kind === "opened").length;
  return {
    text: `Opened ${count(opened)} cases (${count(outcomes.length - opened)} already had one).`,
    card: card(),
  };
}

const underWay = "I'm already opening these cases; I'll tell you here when they are open.";

export const extractCaseRoutes: readonly Route[] = [
  verb({
    verb: "extract.open",
    scopes: ["personal"],
    who: "cme-team",
    notAllowed: notForReferrers,
    input: rowData,
    handle: async (turn, { importId, row, pages }) => {
      const found = await theirImport(turn, importId);
      if (!("kept" in found)) return found;
      const { kept, actor } = found;
      const finding = kept.findings.findings.find((each) => each.row === row);
      if (!finding) return { text: `Row ${row} is not on these lists: nothing was opened.` };
      if (!kept.openCases.has(row)) await openFor(turn, importId, kept, finding, actor);
      return { card: findingsCard(kept, importId, pages) };
    },
  }),
  verb({
    verb: "extract.openAll",
    scopes: ["personal"],
    who: "cme-team",
    notAllowed: notForReferrers,
    input: pageData,
    handle: async (turn, data) => {
      const found = await theirImport(turn, data.importId);
      if (!("kept" in found)) return found;
      const children = childrenToOpen(found.kept);
      if (children.length === 0)
        return { text: "Every child listed already has an open case: nothing to open." };
      return {
        card: renderCard("pupil-extract-open-all", {
          title: `Open ${count(children.length)} cases?`,
          text: `One case for each child listed who has no open case, from ${found.kept.fileName}. Each appears in the CME channel, with the source "pupil database report".`,
          perList: perList(children),
          note: "A child on more than one list gets one case, from the first list they are on.",
          confirmTitle: `Open ${count(children.length)} cases`,
          data,
        }),
      };
    },
  }),
  verb({
    verb: "extract.openAllConfirm",
    scopes: ["personal"],
    who: "cme-team",
    notAllowed: notForReferrers,
    input: pageData,
    handle: async (turn, { importId, pages }) => {
      const found = await theirImport(turn, importId);
      if (!("kept" in found)) return found;
      const { kept, actor } = found;
      // A second press (a double click) while they are opening would open each child twice over.
      if (kept.openingAll) return { text: underWay };
      const waiting = childrenToOpen(kept).length;
      if (waiting === 0) return { text: "Every child listed already has an open case: nothing to open." };
      kept.openingAll = true;
      replyAfterTurn(turn, "extract.openAll", (stopping) =>
        openAll(turn, importId, kept, actor, pages, stopping),
      );
      return { text: `Opening ${count(waiting)} cases; I'll tell you here when they are open.` };
    },
  }),
  verb({
    verb: "extract.openAllCancel",
    scopes: ["personal"],
    who: "cme-team",
    notAllowed: notForReferrers,
    input: pageData,
    handle: async (turn, { importId, pages }) => {
      const found = await theirImport(turn, importId);
      return "kept" in found ? { card: findingsCard(found.kept, importId, pages) } : found;
    },
  }),
];
