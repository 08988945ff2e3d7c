import { z } from "zod";

export const personalConversationSchema = z.object({
  id: z.string(),
  serviceUrl: z.string(),
  userId: z.string(),
  tenantId: z.string().optional(),
});
export type PersonalConversation = z.infer<typeof personalConversationSchema>;

export const outboxItemSchema = z.object({
  id: z.string(),
  state: z.enum(["pending", "sent", "failed"]),
  /**
   * `case-card`: show the case's current card in the CME channel (post it the first time,
   * update it in place after); rendered at delivery, so several pending changes go as one.
   * `channel-card`: post a card of its own to the CME channel (escalations).
   * `personal-card`: a card to one person in their personal chat with the bot (reminders, notices).
   */
  kind: z.enum(["case-card", "channel-card", "personal-card"]),
  /** Where a `personal-card` goes: the person's personal conversation with the bot. */
  conversation: personalConversationSchema.optional(),
  /** The view of a `personal-card` (or what an escalation's card says): ids and words only. */
  data: z.record(z.string(), z.unknown()).optional(),
  caseId: z.string().optional(),
  /** A `personal-card` that replaces a card the person already has (this message) instead of posting. */
  updatesActivityId: z.string().optional(),
  /** The card template of a `channel-card`; its view is built from the case at delivery. */
  template: z.string().optional(),
  attempts: z.number().int(),
  /** Bumped each time the item is asked for again; delivery of an older revision leaves it pending. */
  revision: z.number().int(),
  nextAttemptAt: z.string(),
  /** Another instance is delivering it until then. */
  claimedUntil: z.string().optional(),
  /**
   * Whose claim it is (instance and attempt): every write under a claim checks this, which no
   * renewal changes, so a renewal that landed unanswered cannot make the claim look lost.
   */
  claimedBy: z.string().optional(),
  createdAt: z.string(),
  sentAt: z.string().optional(),
  /**
   * Set just before a post whose id must be kept (a case's first card) goes to Teams, cleared
   * when the delivery is recorded: a delivery that finds it set does not know whether Teams
   * took the earlier post, and looks for it in the channel before posting again.
   */
  inDoubtSince: z.string().optional(),
  /** The message Teams made of it (a case card's post, updated in place after). */
  activityId: z.string().optional(),
  lastError: z.string().optional(),
});

export type OutboxItem = z.infer<typeof outboxItemSchema>;

export class RetryableDeliveryError extends Error {
  constructor(
    message: string,
    /** What the far side asked for (Retry-After), if anything. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "RetryableDeliveryError";
  }
}

/** Exponential backoff with full jitter, capped: attempt 1 waits up to 2 s, attempt 8 up to ~4 min. */
export function retryDelayMs(attempts: number, random: () => number, retryAfterMs?: number): number {
  const ceiling = Math.min(2000 * 2 ** (attempts - 1), 15 * 60_000);
  const jittered = Math.round(ceiling / 2 + (random() * ceiling) / 2);
  return Math.max(jittered, retryAfterMs ?? 0);
}
