import { earlyYearsEnquiryTypeChoices, enquiryTypeChoices } from "./questions.js";
import { urgentTriggers } from "./urgency.js";
import { optionalText } from "../shared/fields.js";
import type { ReferralAnswers, ReferralKind } from "./steps.js";

/** Why the referrer submits before the core enquiries are made (the review's one input). */
export const reasonIncompleteSchema = optionalText(1000);

export interface MissingEnquiry {
  readonly title: string;
  readonly why: string;
}

/**
 * The readiness gate: the core enquiries a school makes before referring, and
 * the home visit. What is missing is listed with why it matters; the referrer may still submit
 * with a reason, and the case is flagged "enquiries incomplete".
 */
export function missingEnquiries(
  kind: ReferralKind,
  enquiries: ReferralAnswers["enquiries"] | undefined,
): MissingEnquiry[] {
  const made = new Set<string>((enquiries?.enquiries ?? []).map((enquiry) => enquiry.type));
  const types = kind === "early-years" ? earlyYearsEnquiryTypeChoices : enquiryTypeChoices;
  const missing: MissingEnquiry[] = types
    .filter((choice) => choice.core && !made.has(choice.value))
    .map((choice) => ({ title: choice.title, why: choice.why }));
  if ((enquiries?.homeVisits ?? []).length === 0) {
    missing.push({
      title: "Home visit",
      why: "a visit shows whether the family still lives there; without one the council cannot agree the child is missing",
    });
  }
  return missing;
}

/** High-risk referrals start urgent and are escalated at once: see `urgentTriggers`. */
export function isHighRisk(answers: Partial<ReferralAnswers>): boolean {
  return urgentTriggers(answers).length > 0;
}
