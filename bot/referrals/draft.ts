import { z } from "zod";
import { personalConversationSchema } from "../outbox/outbox-item.js";
import { personSchema } from "../shared/person.js";
import { referralKinds, stepOrder, type ReferralAnswers, type ReferralKind, type StepId } from "./steps.js";

export { referralKinds, type ReferralKind };

export const draftSchema = z.object({
  /** One open draft per person per kind: `${userId}|${kind}`. */
  id: z.string(),
  userId: z.string(),
  kind: z.enum(referralKinds),
  /** Bumped on every change; a card from an older version is stale. */
  version: z.number().int(),
  step: z.enum(stepOrder as [StepId, ...StepId[]]).or(z.literal("review")),
  /** Each step's answers once they passed its schema (the kind's form says which schema). */
  answers: z.custom<Partial<ReferralAnswers>>((value) => typeof value === "object" && value !== null),
  /** What the person typed on a card but has not yet passed (Save for later, a failed Next, add/remove a row). */
  typed: z.record(z.string(), z.record(z.string(), z.string())).default({}),
  /** How many rows each repeatable group shows. */
  groupSizes: z.record(z.string(), z.number().int()).default({}),
  /** Editing one section from the review: Next goes back to the review. */
  editing: z.boolean().default(false),
  referrer: personSchema,
  /** The person's personal chat with the bot, for reminders about this draft. */
  conversation: personalConversationSchema.optional(),
  /** When the "this draft will expire" reminder was sent (for the draft as last changed). */
  remindedAt: z.string().optional(),
  /** Why the referrer submitted with core enquiries missing (the readiness gate). */
  reasonIncomplete: z.string().optional(),
  /** Set when the referrer chose to add this referral to an open case for the same child. */
  mergedInto: z.string().optional(),
  /** Set as the first act of submission, so retries reuse it and never allocate a second case. */
  reference: z.string().optional(),
  submittedAt: z.string().optional(),
  /** Set when the referrer first said "immediate danger": the channel's alert about this draft. */
  dangerAlert: z.object({ key: z.string(), at: z.string() }).optional(),
  /** Set while the first card's answers send the referrer elsewhere (front-door.ts): no CME case follows. */
  redirectedTo: z.enum(["attendance", "home-education"]).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export type Draft = z.infer<typeof draftSchema>;

export function draftIdFor(userId: string, kind: ReferralKind): string {
  return `${userId}|${kind}`;
}

/**
 * Submission has begun (a case reference is fixed, or the referrer chose an open case to add
 * to) but not finished: the draft can no longer be edited, only its submission completed.
 */
export function isSubmitting(draft: Draft): boolean {
  return !draft.submittedAt && (draft.reference !== undefined || draft.mergedInto !== undefined);
}
