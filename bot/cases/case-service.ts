import { withNextCheck, type Clocks } from "../escalations/due.js";
import type { Outbox } from "../outbox/outbox.js";
import type { Actor } from "../shared/person.js";
import type { CaseRepository } from "./case-repository.js";
import { canWorkCases } from "../people/roles.js";
import { retryWhileContended } from "../store/contention.js";
import {
  appendOnlyActions,
  applyCaseAction,
  notInCmeTeam,
  refusalFor,
  type ActionContext,
  type CaseActionName,
} from "./actions.js";
import { revisionOf, type Case } from "./case.js";
import { queueOwedPosts } from "./owed-posts.js";

export interface CasePorts {
  readonly cases: CaseRepository;
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
    // Saved with the posts it owes (kept from an earlier change whose posts the sweep has not seen).
    const postsOwed = current.postsOwed ?? { since: context.now.toISOString() };
    const saved = await ports.cases.replace(
      withNextCheck({ ...result.case, postsOwed }, ports.clocks, context.now),
      current._etag,
    );
    return { kind: "saved", saved } as const;
  });
  if (attempt.kind !== "saved") return attempt;
  // Saved: from here on nothing may run the action again. The posts are keyed, so queueing
  // one twice sends it once; if queueing fails, the change stands, the person is told, and the
  // escalation sweep queues what the stored case still owes.
  try {
    await queueOwedPosts(ports.outbox, attempt.saved);
    return { kind: "done", case: attempt.saved };
  } catch (error) {
    return { kind: "done", case: attempt.saved, postsDelayed: error };
  }
}

/**
 * A further referral only adds (it leaves the revision), but it can make a case urgent: a priority
 * change from a card that had not seen it is stale. The card says how many further referrals it saw.
 */
function missedReferrals(name: CaseActionName, input: unknown, current: Case): boolean {
  if (name !== "changePriority") return false;
  const seen = (input as { furtherReferrals?: unknown } | undefined)?.furtherReferrals;
  // A card from before this check sends nothing and is not refused for it.
  return seen !== undefined && Number(seen) !== current.furtherReferrals.length;
}
