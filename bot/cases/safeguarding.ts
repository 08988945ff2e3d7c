import { formatDate } from "../shared/format.js";
import { urgentTriggers } from "../referrals/urgency.js";
import type { Case } from "./case.js";
import { formReferralsOf, type FormAnswers } from "../referrals/submitted-referral.js";

/**
 * Why a case must go to Children's Social Care first, in the order the card names them: for these
 * children Social Care is told at once, and CME procedure runs alongside, never instead.
 */
export const safeguardingReasons = [
  "child-protection-plan",
  "looked-after",
  "known-to-social-care",
  "urgent",
] as const;
export type SafeguardingReason = (typeof safeguardingReasons)[number];

export interface SafeguardingFirst {
  readonly reasons: readonly SafeguardingReason[];
  /** The school's own referral to social care, as its referrer said (the latest with a date, if any). */
  readonly schoolReferred?: { readonly date?: string };
}

/**
 * Whether an open case must be referred to Children's Social Care and is not yet: a child
 * protection plan, looked after (or missing from care), known to social care (child in need, or a
 * social worker named), or urgent, in any of the case's referrals, and no referral on to
 * Children's Social Care recorded since the latest reopening or further referral with a reason. The school's answer "referred to social care already" does
 * not count: that is the school's referral; the council's own contact is what the case records.
 */
export function safeguardingFirst(current: Case): SafeguardingFirst | undefined {
  if (current.status === "closed") return undefined;
  const answers = formReferralsOf(current).map((referral) => referral.vulnerability);
  const reasons = reasonsIn(answers, current.urgent);
  if (reasons.length === 0) return undefined;
  // A referral on counts for this opening and what CSC was told: one recorded before a reopening,
  // or before a further referral that brought a reason of its own, leaves the banner up.
  const since = [
    ...current.events.filter((event) => event.type === "reopened").map((event) => event.at),
    ...current.furtherReferrals
      .filter(
        (further) =>
          reasonsIn([further.referral.vulnerability], urgentTriggers(further.referral).length > 0).length > 0,
      )
      .map((further) => further.at),
  ]
    .sort()
    .at(-1);
  const referred = current.referralsOn.some(
    (entry) => entry.service === "childrens-social-care" && (since === undefined || entry.at >= since),
  );
  if (referred) return undefined;
  const school = answers.filter((each) => each.referredToSocialCare === "yes");
  if (school.length === 0) return { reasons };
  const date = school
    .map((each) => each.socialCareReferralDate)
    .filter(Boolean)
    .sort()
    .at(-1);
  return { reasons, schoolReferred: date ? { date } : {} };
}

type Vulnerability = FormAnswers["vulnerability"];

/** The safeguarding reasons these answers (and the case's urgency) give, in the card's order. */
function reasonsIn(answers: readonly Vulnerability[], urgent: boolean): SafeguardingReason[] {
  const flagged = (flag: string) => answers.some((each) => (each.flags as readonly string[]).includes(flag));
  const factor = (risk: string) =>
    answers.some((each) => (each.riskFactors as readonly string[]).includes(risk));
  const has: Record<SafeguardingReason, boolean> = {
    "child-protection-plan": flagged("child-protection-plan"),
    "looked-after": flagged("looked-after") || factor("looked-after") || factor("missing-from-care"),
    "known-to-social-care": flagged("child-in-need") || answers.some((each) => Boolean(each.socialWorker)),
    urgent,
  };
  return safeguardingReasons.filter((reason) => has[reason]);
}

const childReasons: Partial<Record<SafeguardingReason, string>> = {
  "child-protection-plan": "has a child protection plan",
  "looked-after": "is looked after",
  "known-to-social-care": "is known to social care",
};

const inWords = (parts: readonly string[]) =>
  parts.length < 2 ? (parts[0] ?? "") : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;

/** The card's banner: why, that no referral is recorded, whom to call; words only, no personal data. */
export function safeguardingFirstText(first: SafeguardingFirst, childrensDuty: string): string {
  const about = first.reasons.flatMap((reason) => childReasons[reason] ?? []);
  const why = [
    ...(about.length > 0 ? [`this child ${inWords(about)}`] : []),
    ...(first.reasons.includes("urgent") ? ["this case is urgent"] : []),
  ];
  const school = first.schoolReferred
    ? ` The school says it referred the child to Children's Social Care${first.schoolReferred.date ? ` on ${formatDate(first.schoolReferred.date)}` : ""}: that is the school's referral, not the council's. Tell them the child is missing education, and record it with Refer on.`
    : "";
  return `Safeguarding first: ${why.join(", and ")}. No referral to Children's Social Care is recorded. Refer now: ${childrensDuty}, and record it on this card with Refer on to Children's Social Care (below).${school}`;
}
