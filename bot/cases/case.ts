import { z } from "zod";
import { personalConversationSchema } from "../outbox/outbox-item.js";
import { personSchema, type Person } from "../people/person.js";
import { earlyYearsAnswersSchema, referralKinds, schoolAgeAnswersSchema } from "../referrals/steps.js";

export const caseStatuses = [
  "new",
  "in_progress",
  "info_requested",
  "located",
  "tracking",
  "closed",
] as const;
export type CaseStatus = (typeof caseStatuses)[number];

export const caseEventSchema = z.object({
  at: z.string(),
  by: personSchema,
  type: z.enum(["submitted", "assigned", "further-referral"]),
  from: z.string().optional(),
  to: z.string().optional(),
  reason: z.string().optional(),
});
export type CaseEvent = z.infer<typeof caseEventSchema>;

/** A referral submitted with core enquiries missing (the readiness gate), and the referrer's reason. */
const enquiriesIncompleteSchema = z.object({ missing: z.array(z.string()), reason: z.string() });

export const caseSchema = z.object({
  /** The human reference, CME-YYYY-NNNNN; also the partition key. */
  id: z.string().regex(/^CME-\d{4}-\d{5}$/),
  kind: z.enum(referralKinds),
  /** The draft this case was submitted from: what makes submission idempotent. */
  draftId: z.string(),
  submittedAt: z.string(),
  referrer: personSchema,
  /** The referrer's personal chat with the bot, for telling them what happens to the case. */
  referrerConversation: personalConversationSchema.optional(),
  /** The answers exactly as submitted; never changed. */
  referral: z.union([schoolAgeAnswersSchema, earlyYearsAnswersSchema]),
  urgent: z.boolean(),
  /** What identifies the child for spotting a second referral: UPN, and surname + forenames + date of birth. */
  matchKeys: z.object({ upn: z.string().optional(), nameAndBirth: z.string() }),
  /** Later referrals of the same child, added to this case rather than opening another. */
  furtherReferrals: z
    .array(
      z.object({
        /** The draft it came from: adding it twice is a no-op. */
        draftId: z.string(),
        at: z.string(),
        referrer: personSchema,
        kind: z.enum(referralKinds),
        referral: z.union([schoolAgeAnswersSchema, earlyYearsAnswersSchema]),
        enquiriesIncomplete: enquiriesIncompleteSchema.optional(),
      }),
    )
    .default([]),
  /** Submitted with core enquiries missing (the readiness gate), and why. */
  enquiriesIncomplete: enquiriesIncompleteSchema.optional(),
  status: z.enum(caseStatuses),
  owner: personSchema.optional(),
  events: z.array(caseEventSchema),
  /** Where the new-case card was posted, so it can be updated in place. */
  channelMessage: z.object({ conversationId: z.string(), activityId: z.string() }).optional(),
});

export type Case = z.infer<typeof caseSchema>;

/** The keys a second referral of the same child is matched on (case-blind, spacing-blind). */
export function matchKeysOf(child: {
  forenames: string;
  surname: string;
  dateOfBirth: string;
  upn?: string | undefined;
}) {
  const fold = (text: string) => text.toLowerCase().replace(/\s+/g, " ").trim();
  return {
    ...(child.upn ? { upn: child.upn.toUpperCase() } : {}),
    nameAndBirth: `${fold(child.surname)}|${fold(child.forenames)}|${child.dateOfBirth}`,
  };
}

export function formatReference(year: number, sequence: number): string {
  return `CME-${year}-${String(sequence).padStart(5, "0")}`;
}

export type ActionResult =
  { readonly ok: true; readonly case: Case } | { readonly ok: false; readonly reason: string };

/** An officer takes the case. The status stays `new` until triage records the DfE reason. */
export function assignCase(current: Case, officer: Person, now: Date): ActionResult {
  if (current.status === "closed") return { ok: false, reason: `${current.id} is closed.` };
  if (current.owner?.id === officer.id) return { ok: false, reason: `${current.id} is already yours.` };
  if (current.owner) {
    return { ok: false, reason: `${current.id} is already assigned to ${current.owner.name}.` };
  }
  return {
    ok: true,
    case: {
      ...current,
      owner: officer,
      events: [...current.events, { at: now.toISOString(), by: officer, type: "assigned", to: officer.name }],
    },
  };
}
