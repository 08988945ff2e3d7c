import type { Outbox } from "../outbox/outbox.js";
import { formatDate } from "../people/format.js";
import { ConcurrencyError } from "../store/documents.js";
import type { DraftStore } from "../store/draft-store.js";
import { draftExpiresOn, draftHousekeeping, type DraftPolicy } from "./expiry.js";
import { forms } from "./steps.js";

export interface DraftSweepPorts {
  readonly drafts: DraftStore;
  readonly outbox: Outbox;
}

export interface DraftSweepResult {
  readonly reminded: number;
  readonly expired: number;
}

/**
 * Reminds people of drafts about to expire and discards expired ones. Safe to run on several
 * instances at once: every write is ETag-guarded and every message keyed, so each happens once.
 */
export async function sweepDrafts(
  ports: DraftSweepPorts,
  policy: DraftPolicy,
  now: Date,
): Promise<DraftSweepResult> {
  const horizon = new Date(now.getTime() - (policy.expiryDays - policy.reminderDaysBefore) * 86_400_000);
  let reminded = 0;
  let expired = 0;
  for (const draft of await ports.drafts.idleSince(horizon)) {
    const action = draftHousekeeping(draft, policy, now);
    const title = forms[draft.kind].title;
    try {
      if (action === "remind") {
        await ports.drafts.save({ ...draft, remindedAt: now.toISOString() }, draft._etag);
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
        reminded += 1;
      } else if (action === "expire" || action === "expire-quietly") {
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
  return { reminded, expired };
}
