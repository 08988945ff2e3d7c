import type { Person } from "../people/person.js";
import type { Case } from "./case.js";

/** How long closed cases are kept, and what happens then (council policy: configuration). */
export interface RetentionPolicy {
  readonly yearsAfterClosure: number;
  readonly action: "anonymise" | "purge";
}

/** Who the history names for what the retention sweep does. */
export const retentionSweep: Person = { id: "system:retention", name: "Retention sweep" };

/** The instant before which a case must have closed to be past retention now. */
export function retentionCutoff(policy: RetentionPolicy, now: Date): Date {
  const cutoff = new Date(now);
  cutoff.setUTCFullYear(cutoff.getUTCFullYear() - policy.yearsAfterClosure);
  return cutoff;
}

/**
 * Answers kept after anonymising, by path: choices and dates that identify no one, which the DfE
 * return and the council's reports need. Everything else is removed, free text above all.
 */
const keptAnswers = new Set([
  "whatHappened.whatHappened",
  "whatHappened.immediateDanger",
  "child.sex",
  "child.yearGroup",
  "child.interpreterNeeded",
  "school.school",
  "school.dateAdmitted",
  "school.dateLastAttended",
  "school.onRoll",
  "school.deletionDate",
  "school.deletionGround",
  "school.ctf",
  "school.dfeNumber",
  "school.ofstedUrn",
  "school.fundedEntitlement",
  "school.healthVisitorContacted",
  "vulnerability.riskFactors",
  "vulnerability.flags",
  "vulnerability.referredToSocialCare",
  "vulnerability.socialCareReferralDate",
  "referrer.source",
  "referrer.parentsTold",
  "referrer.setting",
  "referrer.dfeNumber",
]);

const removed = "[removed]";

/**
 * A date of birth cut to the 1 September that starts the child's school year of birth: it names no
 * one, and keeps the year group the DfE return counts (a birth year alone would move September to
 * December births a year up).
 */
function schoolYearOfBirth(dateOfBirth: string): string {
  const year = Number(dateOfBirth.slice(0, 4));
  return `${dateOfBirth.slice(5) >= "09-01" ? year : year - 1}-09-01`;
}

/** The answers with everything that could identify a person taken out (lists emptied, words removed, school year of birth only). */
function scrub(value: unknown, path = ""): unknown {
  if (keptAnswers.has(path)) return value;
  if (Array.isArray(value)) return [];
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([name, inner]) => [name, scrub(inner, path ? `${path}.${name}` : name)]),
    );
  }
  if (typeof value === "string") return path === "child.dateOfBirth" ? schoolYearOfBirth(value) : removed;
  return value;
}

/**
 * The case with its personal data removed: the child, family and referral's words, the
 * questions and answers, the log's words and the closure's detail. What is left (kind, dates,
 * status, DfE reason, outcome, school, year group, sex, risk factors) serves statistics and
 * the DfE return. The history keeps who did what and when, and says this happened.
 */
export function anonymise(current: Case, policy: RetentionPolicy, now: Date): Case {
  const anonymised: Case = {
    ...current,
    referral: scrub(current.referral) as Case["referral"],
    matchKeys: { nameAndBirth: `anonymised|${current.id}` },
    furtherReferrals: current.furtherReferrals.map((further) => ({
      draftId: further.draftId,
      at: further.at,
      referrer: further.referrer,
      kind: further.kind,
      referral: scrub(further.referral) as Case["referral"],
    })),
    enquiryLog: current.enquiryLog.map((entry) => ({ ...entry, contacted: removed, outcome: removed })),
    referralsOn: current.referralsOn.map(
      ({ reference: _reference, outcome: _outcome, why: _why, ...entry }) => entry,
    ),
    infoRequests: current.infoRequests.map((request) => ({
      ...request,
      question: removed,
      ...(request.answer === undefined ? {} : { answer: removed }),
    })),
    events: [
      // A referral on's outcome, changed later, is in the words of its event's from and to.
      ...current.events.map(({ reason: _reason, ...event }) =>
        event.type === "referral-on-outcome" ? { ...event, from: undefined, to: undefined } : event,
      ),
      {
        at: now.toISOString(),
        by: retentionSweep,
        type: "anonymised",
        reason: `${policy.yearsAfterClosure} years after closure (retention policy)`,
      },
    ],
    anonymisedAt: now.toISOString(),
  };
  delete anonymised.referrerConversation;
  delete anonymised.nextCheckAt;
  delete anonymised.clockLevels;
  if (anonymised.closure) anonymised.closure = { ...anonymised.closure, detail: removed };
  if (anonymised.enquiriesIncomplete)
    anonymised.enquiriesIncomplete = { ...anonymised.enquiriesIncomplete, reason: removed };
  return anonymised;
}
