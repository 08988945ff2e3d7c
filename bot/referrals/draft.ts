import { z } from "zod";
import { personSchema } from "../people/person.js";
import { schoolAgeAnswersSchema, stepOrder, type StepId } from "./steps.js";

export const referralKinds = ["school-age"] as const;
export type ReferralKind = (typeof referralKinds)[number];

export const draftSchema = z.object({
  /** One open draft per person per kind: `${userId}|${kind}`. */
  id: z.string(),
  userId: z.string(),
  kind: z.enum(referralKinds),
  /** Bumped on every change; a card from an older version is stale. */
  version: z.number().int(),
  step: z.enum(stepOrder as [StepId, ...StepId[]]).or(z.literal("review")),
  answers: schoolAgeAnswersSchema.partial(),
  referrer: personSchema,
  /** Set as the first act of submission, so retries reuse it and never allocate a second case. */
  reference: z.string().optional(),
  submittedAt: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export type Draft = z.infer<typeof draftSchema>;

export function draftIdFor(userId: string, kind: ReferralKind): string {
  return `${userId}|${kind}`;
}
