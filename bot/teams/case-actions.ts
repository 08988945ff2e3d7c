import { z } from "zod";
import {
  caseActionFields,
  caseActionNames,
  notInCmeTeam,
  onlyManagersSignOff,
  type CaseActionName,
} from "../cases/actions.js";
import { postsDelayedNotice, savedNotShown, staleNotice } from "../cases/case-reads.js";
import { runCaseAction, type CaseActionOutcome } from "../cases/case-service.js";
import { infoRequestView } from "../cases/views.js";
import type { Actor } from "../shared/person.js";
import { StoreUnavailableError } from "../store/deadline.js";
import { referrerOf } from "./actor.js";
import { caseCardFor, officersOf } from "./case-card.js";
import { cardNumber } from "./inbound.js";
import { renderCard } from "./render-card.js";
import { verb, type Reply, type Route, type Turn } from "./route.js";
import { caseReferencePattern } from "../shared/case-reference.js";
import { ukDate } from "../shared/uk-dates.js";

/** What every case card's buttons carry: which case, and as it was when the card was made. */
export const caseCardData = z.looseObject({
  caseId: z.string().regex(caseReferencePattern),
  /** The case's revision when the card was made; absent on cards that only start things (escalations). */
  revision: cardNumber(1_000_000).optional(),
  page: cardNumber(10_000).optional(),
  /** Questions are numbered 1, 2, … on the case. */
  requestId: z
    .string()
    .regex(/^\d{1,6}$/)
    .optional(),
});

export const notOnTheCard = "That card does not say which case it is about.";

/**
 * An action's button: the case, and the action's own fields from the card's `<action>.<field>`
 * inputs. Their values are the action's to check (against today, in words that say what is wrong).
 */
function actionData(name: CaseActionName, fields: readonly string[] = caseActionFields(name)) {
  return caseCardData.transform((data) => ({
    caseId: data.caseId,
    revision: data.revision,
    requestId: data.requestId,
    input: Object.fromEntries(
      fields.flatMap((field) => {
        const value: unknown = data[`${name}.${field}`];
        return value === undefined ? [] : [[field, value]];
      }),
    ),
    /** Everything the card sent, to show again in its forms if nothing is saved. */
    typed: data,
  }));
}

type ActionData = z.output<ReturnType<typeof actionData>>;

function acted(turn: Turn, name: CaseActionName, actor: Actor, data: ActionData, input: unknown) {
  const now = turn.services.now();
  return runCaseAction(turn.services, data.caseId, name, actor, input, data.revision, {
    now,
    today: ukDate(now),
    signOffOutcomes: turn.services.config.signOffOutcomes,
  });
}

/** What the person sees after the action: the case card as it is now, or why nothing was saved. */
async function shown(
  turn: Turn,
  name: CaseActionName,
  actor: Actor,
  data: ActionData,
  outcome: CaseActionOutcome,
): Promise<Reply> {
  const { services, context, log } = turn;
  if (outcome.kind === "not-found") return { text: `I can't find ${data.caseId}.` };
  if (outcome.kind === "refused") return { text: outcome.reason };
  if (outcome.kind === "stale")
    return {
      card: await caseCardFor(services, context, actor, outcome.case, staleNotice(outcome.case), data.typed),
    };
  if (outcome.postsDelayed !== undefined) {
    log("case.posts.delayed", {
      caseId: data.caseId,
      action: name,
      error: outcome.postsDelayed instanceof Error ? outcome.postsDelayed.name : "unknown",
    });
  }
  const notice = outcome.postsDelayed === undefined ? "" : postsDelayedNotice;
  try {
    return { card: await caseCardFor(services, context, actor, outcome.case, notice) };
  } catch (error) {
    // The change is saved: a store that stopped answering since must not make it look lost.
    if (!(error instanceof StoreUnavailableError)) throw error;
    return { text: savedNotShown(data.caseId) };
  }
}

/** An action of the CME team's (officers and managers), or of its managers alone. */
function teamAction(name: CaseActionName, fields?: readonly string[], manager = false): Route {
  return verb({
    verb: `case.${name}`,
    scopes: ["personal", "team"],
    who: manager ? "manager" : "cme-team",
    notAllowed: manager ? onlyManagersSignOff : notInCmeTeam,
    malformed: notOnTheCard,
    input: actionData(name, fields),
    handle: async (turn, data) => {
      const actor = await turn.actor();
      return shown(turn, name, actor, data, await acted(turn, name, actor, data, data.input));
    },
  });
}

/** Every button on the case's cards that changes the case, each once (checked complete by its type). */
const actionRoutes: { readonly [Name in CaseActionName]: Route } = {
  assignToMe: teamAction("assignToMe"),
  // The card picks a member of the team; the action is given the officer as Teams lists them.
  assignTo: verb({
    verb: "case.assignTo",
    scopes: ["personal", "team"],
    who: "cme-team",
    notAllowed: notInCmeTeam,
    malformed: notOnTheCard,
    input: actionData("assignTo", ["officerId"]),
    handle: async (turn, data) => {
      const { officerId } = data.input;
      const chosen = (await officersOf(turn.services, turn.context)).find(
        (member) => member.aadObjectId === officerId || member.id === officerId,
      );
      if (!chosen) return { text: "Choose an officer from the CME team." };
      const officer = {
        id: chosen.id,
        name: chosen.name,
        ...(chosen.aadObjectId ? { aadObjectId: chosen.aadObjectId } : {}),
      };
      const actor = await turn.actor();
      return shown(turn, "assignTo", actor, data, await acted(turn, "assignTo", actor, data, { officer }));
    },
  }),
  unassign: teamAction("unassign"),
  triage: teamAction("triage"),
  changeStatus: teamAction("changeStatus"),
  requestInfo: teamAction("requestInfo"),
  // The referrer's: who they are is all it needs (the domain checks they made the referral).
  answerInfo: verb({
    verb: "case.answerInfo",
    scopes: ["personal", "team"],
    who: "anyone",
    malformed: notOnTheCard,
    input: actionData("answerInfo"),
    handle: async (turn, data) => {
      const actor: Actor = { ...referrerOf(turn.context), roles: new Set() };
      const { requestId } = data;
      const outcome = await acted(turn, "answerInfo", actor, data, { ...data.input, requestId });
      const request =
        outcome.kind === "done" && outcome.case.infoRequests.find((each) => each.id === requestId);
      if (outcome.kind === "done" && request)
        return { card: renderCard("case-info-request", infoRequestView(outcome.case, request)) };
      return shown(turn, "answerInfo", actor, data, outcome);
    },
  }),
  logEnquiry: teamAction("logEnquiry"),
  referOn: teamAction("referOn"),
  referralOnOutcome: teamAction("referralOnOutcome"),
  addNote: teamAction("addNote"),
  close: teamAction("close"),
  signOffClosure: teamAction("signOffClosure", undefined, true),
  declineClosure: teamAction("declineClosure", undefined, true),
  // The card says how many further referrals it saw: a priority change that missed one is stale.
  changePriority: teamAction("changePriority", [...caseActionFields("changePriority"), "furtherReferrals"]),
  reopen: teamAction("reopen"),
  decideJointEnquiries: teamAction("decideJointEnquiries"),
};

export const caseActionRoutes: readonly Route[] = caseActionNames.map((name) => actionRoutes[name]);
