import { isSubmitting, type Draft } from "./draft.js";

export interface DraftPolicy {
  /** A draft untouched this long is discarded (policy). */
  readonly expiryDays: number;
  /** The person is reminded this long before. */
  readonly reminderDaysBefore: number;
}

export type DraftHousekeeping = "none" | "remind" | "expire" | "expire-quietly";

const dayMs = 86_400_000;

/**
 * What to do with a draft now: remind the person before it expires (once per change), discard
 * it when it has been untouched too long, and drop a submitted draft quietly (the case has it).
 */
export function draftHousekeeping(draft: Draft, policy: DraftPolicy, now: Date): DraftHousekeeping {
  const idle = now.getTime() - new Date(draft.updatedAt).getTime();
  const expiry = policy.expiryDays * dayMs;
  if (draft.submittedAt) return idle >= expiry ? "expire-quietly" : "none";
  if (isSubmitting(draft)) return "none"; // the sweep finishes sending it instead
  if (idle >= expiry) return "expire";
  const remindedForThisVersion = draft.remindedAt !== undefined && draft.remindedAt >= draft.updatedAt;
  if (idle >= expiry - policy.reminderDaysBefore * dayMs && !remindedForThisVersion) return "remind";
  return "none";
}

/** The day a draft will expire if left alone. */
export function draftExpiresOn(draft: Draft, policy: DraftPolicy): Date {
  return new Date(new Date(draft.updatedAt).getTime() + policy.expiryDays * dayMs);
}
