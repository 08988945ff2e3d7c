import { compulsorySchoolAgeStarts } from "../referrals/school-age.js";
import type { ReferralKind } from "../referrals/steps.js";
import { formatDate } from "../shared/format.js";
import type { Person } from "../shared/person.js";
import { isIsoDate, ukDate, type IsoDate } from "../shared/uk-dates.js";
import type { Case } from "./case.js";

/** Who the history names for a case that became school-age: nobody pressed anything. */
export const schoolAgeCheck: Person = { id: "system:school-age", name: "School-age check (the bot)" };

/**
 * The form the referral was made on. A case that became school-age keeps its early-years answers
 * as submitted, so whatever reads the answers reads them by this, not by the case's kind.
 */
export const referralKindOf = (current: Pick<Case, "kind" | "reachedSchoolAge">): ReferralKind =>
  current.reachedSchoolAge ? "early-years" : current.kind;

/** The day an open early-years case becomes school-age (the child reaches compulsory school age), if it does. */
export function schoolAgeConversionDay(current: Case): IsoDate | undefined {
  if (current.kind !== "early-years" || current.status === "closed") return undefined;
  const { dateOfBirth } = current.referral.child;
  return isIsoDate(dateOfBirth) ? compulsorySchoolAgeStarts(dateOfBirth) : undefined;
}

/**
 * The case as a school-age case from `now`, when its day has come (undefined otherwise: already
 * converted, closed, or not yet). It owes its card (`postsOwed`), so a failed queueing is caught up.
 */
export function convertedAtSchoolAge(current: Case, now: Date): Case | undefined {
  const day = schoolAgeConversionDay(current);
  if (!day || ukDate(now) < day) return undefined;
  const at = now.toISOString();
  return {
    ...current,
    kind: "school-age",
    reachedSchoolAge: { on: day, at },
    events: [
      ...current.events,
      {
        at,
        by: schoolAgeCheck,
        type: "reached-school-age",
        from: "early-years",
        to: "school-age",
        reason: `Reached compulsory school age on ${formatDate(day)}: now a school-age case.`,
      },
    ],
    postsOwed: current.postsOwed ?? { since: at },
  };
}
