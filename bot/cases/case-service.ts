import { withNextCheck, type Clocks } from "../escalations/due.js";
import type { Outbox } from "../outbox/outbox.js";
import type { Actor } from "../people/person.js";
import type { CaseStore } from "../store/case-store.js";
import { retryWhileContended } from "../store/contention.js";
import {
  appendOnlyActions,
  applyCaseAction,
  notInCmeTeam,
  refusalFor,
  type ActionContext,
  type CaseActionName,
} from "./actions.js";
import { formatDateTime } from "../people/format.js";
import { titleOf } from "../referrals/questions.js";
import { revisionOf, type Case } from "./case.js";
import { outcomeChoices } from "./choices.js";
import { infoRequestView, statusNoticeView } from "./views.js";

export interface CasePorts {
  readonly cases: CaseStore;
  readonly outbox: Outbox;
  readonly clocks: Clocks;
}

export type CaseActionOutcome =
  /** Saved; `postsDelayed` if the channel card update or the referrer's message could not be queued. */
  | { readonly kind: "done"; readonly case: Case; readonly postsDelayed?: unknown }
  | { readonly kind: "refused"; readonly reason: string; readonly case?: Case }
  /** The card was made before someone else's change: nothing was saved; here is the case now. */
  | { readonly kind: "stale"; readonly case: Case }
  | { readonly kind: "not-found" };

export function canWorkCases(actor: Actor): boolean {
  return actor.roles.has("officer") || actor.roles.has("manager");
}

/**
 * Runs one action on a case: re-read it, check the actor may, check the card is current,
 * apply the pure rule, write it under its ETag (one write), then show the change in the
 * channel and tell the referrer, both through the outbox. If someone else wrote first, an
 * action that only adds is applied again to their version; any other is refused as stale.
 */
export async function runCaseAction(
  ports: CasePorts,
  reference: string,
  name: CaseActionName,
  actor: Actor,
  input: unknown,
  cardRevision: number | undefined,
  context: ActionContext,
): Promise<CaseActionOutcome> {
  // Losing a race to another officer's write is never a failure: the rule runs again on the
  // fresh case (so a stale state change is refused and a note lands), until the deadline.
  const attempt = await retryWhileContended(async () => {
    const current = await ports.cases.get(reference);
    if (!current) {
      // Someone outside the team learns nothing about which references exist.
      const mayAsk = canWorkCases(actor) || name === "answerInfo";
      return mayAsk ? ({ kind: "not-found" } as const) : ({ kind: "refused", reason: notInCmeTeam } as const);
    }
    const refusal = refusalFor(name, current, actor);
    if (refusal) return { kind: "refused", reason: refusal } as const;
    const checksRevision = cardRevision !== undefined && !appendOnlyActions.has(name);
    if (checksRevision && (cardRevision !== revisionOf(current) || missedReferrals(name, input, current)))
      return { kind: "stale", case: current } as const;
    const result = applyCaseAction(name, current, actor, input, context);
    if (!result.ok) return { kind: "refused", reason: result.reason, case: current } as const;
    const saved = await ports.cases.replace(
      withNextCheck(result.case, ports.clocks, context.now),
      current._etag,
    );
    return { kind: "saved", before: current, saved } as const;
  });
  if (attempt.kind !== "saved") return attempt;
  // Saved: from here on nothing may run the action again. The posts are keyed, so queueing
  // one twice sends it once; if queueing fails, the change stands and the person is told.
  const { before, saved } = attempt;
  try {
    await ports.outbox.showCaseCard(reference);
    await askManagersToSignOff(ports.outbox, before, saved);
    await alertIfRaised(ports.outbox, before, saved);
    await tellReferrer(ports.outbox, before, saved, actor);
    return { kind: "done", case: saved };
  } catch (error) {
    return { kind: "done", case: saved, postsDelayed: error };
  }
}

/**
 * A further referral only adds (it leaves the revision), but it can make a case urgent: a priority
 * change from a card that had not seen it is stale. The card says how many further referrals it saw.
 */
function missedReferrals(name: CaseActionName, input: unknown, current: Case): boolean {
  const seen =
    name === "changePriority"
      ? (input as { furtherReferrals?: unknown } | undefined)?.furtherReferrals
      : undefined;
  return seen !== undefined && String(seen) !== String(current.furtherReferrals.length);
}

/** A closure newly waiting for sign-off @mentions the managers in the channel, once per request. */
async function askManagersToSignOff(outbox: Outbox, before: Case, after: Case): Promise<void> {
  const pending = after.pendingClosure;
  if (!pending || before.pendingClosure?.at === pending.at) return;
  await outbox.postChannelCard(`closure-sign-off|${after.id}|${pending.at}`, after.id, "closure-sign-off", {
    outcome: titleOf(outcomeChoices, pending.outcome),
    requestedBy: pending.by.name,
    requestedAt: formatDateTime(pending.at),
  });
}

/**
 * A case an officer raised to urgent is escalated to the managers at once, as an urgent arrival
 * is: once per raising (keyed by the change), so lowering and raising again alerts again.
 */
async function alertIfRaised(outbox: Outbox, before: Case, after: Case): Promise<void> {
  const change = after.events.at(-1);
  if (before.urgent || !after.urgent || change?.type !== "priority-changed") return;
  await outbox.postChannelCard(`urgent-raised|${after.id}|${change.at}`, after.id, "escalation-urgent", {
    rule: `Raised to urgent by ${change.by.name}`,
    // Urgent since the raising, not since the referral.
    since: formatDateTime(change.at),
  });
}

/** The referrer hears when their case changes status, and gets the team's questions to answer. */
async function tellReferrer(outbox: Outbox, before: Case, after: Case, actor: Actor): Promise<void> {
  const conversation = after.referrerConversation;
  if (!conversation || before.status === after.status || actor.id === after.referrer.id) return;
  const question = after.infoRequests.at(-1);
  if (after.status === "info_requested" && question) {
    await outbox.postPersonalCard(
      `case-info-request|${after.id}|${question.id}`,
      conversation,
      "case-info-request",
      infoRequestView(after, question),
    );
    return;
  }
  await outbox.postPersonalCard(
    `case-status|${after.id}|${revisionOf(after)}`,
    conversation,
    "case-status-notice",
    statusNoticeView(after),
  );
}
