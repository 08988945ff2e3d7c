import type { ReferrerContacts } from "../config.js";
import { formatDate } from "../shared/format.js";
import { ConcurrencyError } from "../concurrency.js";
import { showDangerAlert } from "./danger-alert.js";
import { draftExpiresOn, draftHousekeeping, type DraftPolicy } from "./expiry.js";
import { forms } from "./steps.js";
import { submittedView } from "./views.js";
import { submitReferral, type SubmissionPorts } from "./submission.js";

export type DraftSweepPorts = SubmissionPorts;

export interface DraftSweepResult {
  readonly reminded: number;
  readonly expired: number;
  readonly submissionsFinished: number;
}

/** A submission still unfinished this long after its last write was interrupted (it takes well under a second). */
const interruptedAfterMs = 2 * 60_000;

/**
 * Finishes submissions a crash interrupted, reminds people of drafts about to expire and
 * discards expired ones. Safe to run on several
 * instances at once: every write is ETag-guarded and every message keyed, so each happens once.
 */
export async function sweepDrafts(
  ports: DraftSweepPorts,
  policy: DraftPolicy,
  now: Date,
  contacts: ReferrerContacts,
): Promise<DraftSweepResult> {
  const horizon = new Date(now.getTime() - (policy.expiryDays - policy.reminderDaysBefore) * 86_400_000);
  let reminded = 0;
  let expired = 0;
  let submissionsFinished = 0;
  for (const draft of await ports.drafts.interruptedSubmissions(
    new Date(now.getTime() - interruptedAfterMs),
  )) {
    const result = await submitReferral(ports, draft.userId, draft.id, draft.version, now);
    if (result.kind !== "submitted" && result.kind !== "added-to-existing") continue;
    submissionsFinished += 1;
    // The person was not there to see it go: tell them it went, once.
    if (draft.conversation) {
      await ports.outbox.postPersonalCard(
        `submission-finished|${draft.id}|${draft.createdAt}`,
        draft.conversation,
        result.kind === "submitted" ? "referral-submitted" : "referral-added",
        result.kind === "submitted"
          ? submittedView(result.case.id, result.case.referral, result.case.submittedAt, contacts)
          : { reference: result.reference, ...contacts },
      );
    }
  }
  // An alert whose queueing failed after its draft was saved is queued now (a no-op otherwise).
  for (const draft of await ports.drafts.withDangerAlert()) await showDangerAlert(ports.outbox, draft);
  for (const draft of await ports.drafts.idleSince(horizon)) {
    const action = draftHousekeeping(draft, policy, now);
    const title = forms[draft.kind].title;
    try {
      if (action === "remind") {
        // Queued first: if the save below loses a race, the keyed reminder is still sent only once.
        if (draft.conversation) {
          await ports.outbox.postPersonalCard(
            `draft-reminder|${draft.id}|${draft.updatedAt}`,
            draft.conversation,
            "referral-reminder",
            {
              title,
              expiresOn: formatDate(draftExpiresOn(draft, policy).toISOString()),
            },
          );
        }
        await ports.drafts.save({ ...draft, remindedAt: now.toISOString() }, draft);
        reminded += 1;
      } else if (action === "expire" || action === "expire-quietly") {
        // The alert says so first: should the discard then lose a race, the next save shows it open again.
        if (action === "expire") await showDangerAlert(ports.outbox, draft, { kind: "expired", at: now });
        await ports.drafts.remove(draft, draft._etag);
        if (action === "expire" && draft.conversation) {
          await ports.outbox.postPersonalCard(
            `draft-expired|${draft.id}|${draft.updatedAt}`,
            draft.conversation,
            "referral-expired",
            {
              title,
              days: policy.expiryDays,
            },
          );
        }
        expired += 1;
      }
    } catch (error) {
      // The person (or another instance) changed it meanwhile: the next sweep looks again.
      if (!(error instanceof ConcurrencyError)) throw error;
    }
  }
  return { reminded, expired, submissionsFinished };
}
