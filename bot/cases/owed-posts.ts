import type { Outbox } from "../outbox/outbox.js";
import { formatDateTime } from "../shared/format.js";
import { clip } from "../referrals/views.js";
import { caseStatuses, revisionOf, type Case, type CaseEvent, type CaseStatus } from "./case.js";
import { outcomeChoices } from "./choices.js";
import { infoRequestView, lastPriorityChange, statusNoticeView } from "./views.js";
import { titleOf } from "../shared/choice.js";

/**
 * The posts a case's changes since `postsOwed.since` owe, worked out from the stored case alone:
 * the action that saved it queues them at once, and the escalation sweep (the case's next check
 * is due while they are owed) queues them again in case that failed. Every post is keyed, so a
 * second queueing sends nothing twice.
 */
export async function queueOwedPosts(outbox: Outbox, current: Case): Promise<void> {
  const owed = current.postsOwed;
  await outbox.showCaseCard(current.id);
  if (!owed) return;
  const since = (event: CaseEvent) => event.at >= owed.since;
  for (const request of signOffRequests(current)) {
    if (since(request.asked) || (request.decided && since(request.decided)))
      await outbox.showChannelCard(
        `closure-sign-off|${current.id}|${request.asked.at}`,
        "closure-sign-off",
        signOffView(current, request.asked, request.decided),
        current.id,
      );
  }
  const raising = lastPriorityChange(current);
  if (current.urgent && raising?.to === "Urgent" && since(raising)) {
    await outbox.postChannelCard(
      `urgent-raised|${current.id}|${raising.at}`,
      current.id,
      "escalation-urgent",
      {
        rule: `Raised to urgent by ${raising.by.name}`,
        // Urgent since the raising, not since the referral.
        since: formatDateTime(raising.at),
      },
    );
  }
  // The referrer hears of a status move someone else made (not their own answer).
  const move = [...current.events].reverse().find((event) => isStatus(event.to) && isStatus(event.from));
  if (move && since(move) && move.by.id !== current.referrer.id) await tellReferrer(outbox, current);
}

const isStatus = (value: string | undefined): value is CaseStatus =>
  (caseStatuses as readonly (string | undefined)[]).includes(value);

/** Each closure asked for, and what decided it (signed off: closed; or sent back), if anything yet. */
function signOffRequests(current: Case): { asked: CaseEvent; decided?: CaseEvent }[] {
  return current.events.flatMap((event, index) => {
    if (event.type !== "closure-requested") return [];
    const decided = current.events
      .slice(index + 1)
      .find((later) => later.type === "closed" || later.type === "closure-declined");
    return [{ asked: event, ...(decided ? { decided } : {}) }];
  });
}

/** The sign-off request's card: what was asked, and once decided, by whom and how (words clipped: the history has them). */
export function signOffView(current: Case, asked: CaseEvent, decided?: CaseEvent) {
  const outcome =
    current.pendingClosure?.at === asked.at
      ? titleOf(outcomeChoices, current.pendingClosure.outcome)
      : (asked.to ?? "");
  const decision = !decided
    ? ""
    : decided.type === "closed"
      ? `Signed off by ${decided.by.name} on ${formatDateTime(decided.at)}: the case is closed.`
      : `Sent back by ${decided.by.name} on ${formatDateTime(decided.at)}${decided.reason ? `: ${clip(decided.reason, 200)}` : ""}. The case stays open.`;
  return {
    outcome,
    requestedBy: asked.by.name,
    requestedAt: formatDateTime(asked.at),
    decided: decision !== "",
    decision,
  };
}

/** The referrer hears when their case changes status, and gets the team's questions to answer. */
async function tellReferrer(outbox: Outbox, current: Case): Promise<void> {
  const conversation = current.referrerConversation;
  if (!conversation) return;
  const question = current.infoRequests.at(-1);
  if (current.status === "info_requested" && question) {
    await outbox.postPersonalCard(
      `case-info-request|${current.id}|${question.id}`,
      conversation,
      "case-info-request",
      infoRequestView(current, question),
    );
    return;
  }
  await outbox.postPersonalCard(
    `case-status|${current.id}|${revisionOf(current)}`,
    conversation,
    "case-status-notice",
    statusNoticeView(current),
  );
}
