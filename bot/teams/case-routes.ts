import { z } from "zod";
import type { Case } from "../cases/case.js";
import { detailsForTheTeam, refreshedCase } from "../cases/case-reads.js";
import { inCaseChannel } from "./actor.js";
import { caseActionRoutes, caseCardData, notOnTheCard } from "./case-actions.js";
import { caseCardFor, caseDetailsCard, caseHistoryCard } from "./case-card.js";
import { command, verb, type Reply, type Route, type Turn } from "./route.js";
import { exportOffer } from "./subject-access.js";
import { caseReferencePattern } from "../shared/case-reference.js";

const notInTeam = "Cases are for the CME team. If you made a referral, say 'my referrals'.";

/** A case's reference, as typed after a command (any case). */
const reference = z
  .string()
  .transform((words) => words.toUpperCase())
  .pipe(z.string().regex(caseReferencePattern));

/** The case, or words saying it is not there. */
async function found(
  { services }: Turn,
  id: string,
  then: (current: Case) => Reply | Promise<Reply>,
): Promise<Reply> {
  const current = await services.cases.get(id);
  return current ? then(current) : { text: `I can't find ${id}.` };
}

/** Working a case: the commands that show one, and every button on the case's cards. */
export const caseRoutes: readonly Route[] = [
  command({
    name: "case",
    aliases: ["show"],
    description: "CME team: 'case CME-2026-00042' (or 'show CME-2026-00042') shows the case card to work it",
    scopes: ["personal", "team"],
    who: "cme-team",
    input: reference,
    malformed: "Say 'case CME-2026-00042' with the case's reference.",
    notAllowed: notInTeam,
    handle: (turn, id) =>
      found(turn, id, async (current) => ({
        card: await caseCardFor(turn.services, turn.context, await turn.actor(), current),
      })),
  }),
  command({
    name: "history",
    description: "CME team: 'history CME-2026-00042' shows everything that happened on a case",
    scopes: ["personal"],
    who: "cme-team",
    input: reference,
    elsewhere:
      "Say 'history' in a personal chat with me (or press History on the case card): a case's history holds personal details.",
    malformed: "Say 'history CME-2026-00042' with the case's reference.",
    notAllowed: notInTeam,
    handle: (turn, id) => found(turn, id, (current) => ({ card: caseHistoryCard(current, 0) })),
  }),
  command({
    name: "export",
    description:
      "CME officers: 'export CME-2026-00042' saves everything held about that child, for a subject access request",
    scopes: ["personal"],
    who: "cme-team",
    input: reference,
    elsewhere: "Say 'export' in a personal chat with me: the export holds a child's personal details.",
    malformed: "Say 'export CME-2026-00042' with a case of the child the request is about.",
    notAllowed: "Subject access exports are for CME officers and managers.",
    handle: (turn, id) =>
      found(turn, id, async (current) => ({ attachments: [await exportOffer(turn, current)] })),
  }),
  // Anyone may refresh the card they see in the CME channel: someone outside the team gets the card everyone there sees.
  verb({
    verb: "case.refresh",
    scopes: ["personal", "team"],
    who: "anyone",
    input: caseCardData,
    malformed: notOnTheCard,
    handle: async (turn, { caseId }) => {
      const actor = await turn.actor();
      const shown = await refreshedCase(turn.services.cases, caseId, actor, {
        inCaseChannel: await inCaseChannel(turn.services, turn.context),
      });
      if (shown.kind === "not-found") return { text: `I can't find ${caseId}.` };
      if (shown.kind === "refused") return { text: shown.reason };
      return { card: await caseCardFor(turn.services, turn.context, actor, shown.case, shown.notice) };
    },
  }),
  verb({
    verb: "case.details",
    scopes: ["personal", "team"],
    who: "cme-team",
    notAllowed: detailsForTheTeam,
    input: caseCardData,
    malformed: notOnTheCard,
    handle: (turn, { caseId }) => found(turn, caseId, (current) => ({ card: caseDetailsCard(current) })),
  }),
  verb({
    verb: "case.history",
    scopes: ["personal", "team"],
    who: "cme-team",
    notAllowed: detailsForTheTeam,
    input: caseCardData,
    malformed: notOnTheCard,
    handle: (turn, { caseId, page }) =>
      found(turn, caseId, (current) => ({ card: caseHistoryCard(current, page ?? 0) })),
  }),
  ...caseActionRoutes,
];
