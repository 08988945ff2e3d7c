import { z } from "zod";
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
  type: z.enum(["submitted", "assigned"]),
  from: z.string().optional(),
  to: z.string().optional(),
  reason: z.string().optional(),
});
export type CaseEvent = z.infer<typeof caseEventSchema>;

export const caseSchema = z.object({
  /** The human reference, CME-YYYY-NNNNN; also the partition key. */
  id: z.string().regex(/^CME-\d{4}-\d{5}$/),
  kind: z.enum(referralKinds),
  /** The draft this case was submitted from: what makes submission idempotent. */
  draftId: z.string(),
  submittedAt: z.string(),
  referrer: personSchema,
  /** The answers exactly as submitted; never changed. */
  referral: z.union([schoolAgeAnswersSchema, earlyYearsAnswersSchema]),
  urgent: z.boolean(),
  /** Submitted with core enquiries missing (the readiness gate), and why. */
  enquiriesIncomplete: z.object({ missing: z.array(z.string()), reason: z.string() }).optional(),
  status: z.enum(caseStatuses),
  owner: personSchema.optional(),
  events: z.array(caseEventSchema),
  /** Where the new-case card was posted, so it can be updated in place. */
  channelMessage: z.object({ conversationId: z.string(), activityId: z.string() }).optional(),
});

export type Case = z.infer<typeof caseSchema>;

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
