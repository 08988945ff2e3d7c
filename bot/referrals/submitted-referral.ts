import { z } from "zod";
import { personalConversationSchema } from "../outbox/outbox-item.js";
import { personSchema } from "../shared/person.js";
import { earlyYearsAnswersSchema, referralKinds, schoolAgeAnswersSchema } from "./steps.js";
import { urgentTriggerChoices, urgentTriggers, type UrgentTrigger } from "./urgency.js";
import { valuesOf } from "../shared/choice.js";
import { caseReferencePattern } from "../shared/case-reference.js";
import { extractReferralSchema, isExtractReferral } from "./extract-referral.js";

/**
 * A referral as submitted: what the case is opened with and never changes. The case (bot/cases)
 * is this and its casework; it depends on this, never the other way.
 */

/** The referrer's immediate-danger alert to the channel, made from the draft before submission. */
const dangerAlertSchema = z.object({
  /** The alert's outbox key (`danger-alert|<draft>|<draft created>`): one card, updated in place. */
  key: z.string(),
  /** When it was raised (the referrer said "immediate danger"). */
  at: z.string(),
});

/** The answers exactly as submitted, of either form. */
export const formAnswersSchema = z.union([schoolAgeAnswersSchema, earlyYearsAnswersSchema]);

/** What a case was opened with: a form's answers, or a pupil database extract's row. */
export const submittedAnswersSchema = z.union([...formAnswersSchema.options, extractReferralSchema]);
export type FormAnswers = z.infer<typeof formAnswersSchema>;

/** A referral submitted with core enquiries missing (the readiness gate), and the referrer's reason. */
const enquiriesIncompleteSchema = z.object({ missing: z.array(z.string()), reason: z.string() });

export const submittedReferralSchema = z.object({
  /** The human reference, CME-YYYY-NNNNN; also the partition key. */
  id: z.string().regex(caseReferencePattern),
  kind: z.enum(referralKinds),
  /** The draft this case was submitted from: what makes submission idempotent. */
  draftId: z.string(),
  submittedAt: z.string(),
  referrer: personSchema,
  /** The referrer's personal chat with the bot, for telling them what happens to the case. */
  referrerConversation: personalConversationSchema.optional(),
  /** The answers exactly as submitted; never changed. */
  referral: submittedAnswersSchema,
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
        /** A further referral is always a form's (an extract row finds the open case instead). */
        referral: formAnswersSchema,
        enquiriesIncomplete: enquiriesIncompleteSchema.optional(),
        /** The alert this referral's "immediate danger" raised before it was added. */
        dangerAlert: dangerAlertSchema.optional(),
      }),
    )
    .default([]),
  /** Submitted with core enquiries missing (the readiness gate), and why. */
  enquiriesIncomplete: enquiriesIncompleteSchema.optional(),
  /** Why the referral(s) made the case urgent, as submitted (older cases: derived from the referral). */
  urgentTriggers: z.array(z.enum(valuesOf(urgentTriggerChoices))).optional(),
  /** The alert the referrer's "immediate danger" raised before the referral was submitted. */
  dangerAlert: dangerAlertSchema.optional(),
});

export type SubmittedReferral = z.infer<typeof submittedReferralSchema>;

/** A name as the match keys hold it: case-blind, spacing-blind. */
export function foldedName(text: string): string {
  return text.toLowerCase().replace(/\s+/g, " ").trim();
}

/** The keys a second referral of the same child is matched on (case-blind, spacing-blind). */
export function matchKeysOf(child: {
  forenames: string;
  surname: string;
  dateOfBirth: string;
  upn?: string | undefined;
}) {
  const fold = foldedName;
  return {
    ...(child.upn ? { upn: child.upn.toUpperCase() } : {}),
    nameAndBirth: `${fold(child.surname)}|${fold(child.forenames)}|${child.dateOfBirth}`,
  };
}

/**
 * Why the case's referrals make it urgent: as stored at submission (and with each further
 * referral), or, for a case stored before that, from its referrals.
 */
export function caseUrgentTriggers(
  current: Pick<SubmittedReferral, "urgentTriggers" | "referral" | "furtherReferrals">,
) {
  if (current.urgentTriggers) return current.urgentTriggers;
  const found = new Set<UrgentTrigger>(
    [current.referral, ...current.furtherReferrals.map((further) => further.referral)].flatMap((referral) =>
      isExtractReferral(referral) ? [] : urgentTriggers(referral),
    ),
  );
  return urgentTriggerChoices.map((choice) => choice.value).filter((value) => found.has(value));
}

/** The case's referral forms, first and further (a case opened from an extract row has no first form). */
export function formReferralsOf(
  current: Pick<SubmittedReferral, "referral" | "furtherReferrals">,
): FormAnswers[] {
  return [
    ...(isExtractReferral(current.referral) ? [] : [current.referral]),
    ...current.furtherReferrals.map((further) => further.referral),
  ];
}
