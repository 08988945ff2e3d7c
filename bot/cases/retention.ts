import { z } from "zod";
import { londonInstant } from "../escalations/calendar.js";
import { formatDateTime } from "../shared/format.js";
import type { Person } from "../shared/person.js";
import type { Case } from "./case.js";
import { formReferralsOf, type FormAnswers } from "../referrals/submitted-referral.js";

/** Which closed cases a retention rule applies to. */
export const retentionConditions = ["all", "looked-after", "child-protection-plan"] as const;
export type RetentionCondition = (typeof retentionConditions)[number];

const condition = z.enum(retentionConditions);
const why = z.string().min(1);

/** One rule of the council's retention policy: N years after closure, or until the child reaches age N. */
const retentionRuleSchema = z.union([
  z.strictObject({ appliesTo: condition, yearsAfterClosure: z.number().int().positive().max(150), why }),
  z.strictObject({ appliesTo: condition, untilAge: z.number().int().positive().max(150), why }),
]);
export type RetentionRule = z.infer<typeof retentionRuleSchema>;

/**
 * How long the immediate-danger alert of a referral never submitted keeps its details (the
 * referrer's contact, the child, what happened) once its draft ended (cancelled or expired).
 */
const unsubmittedAlertsSchema = z.strictObject({
  daysAfterDraftEnded: z.number().int().positive().max(3650),
  why,
});

/** The retention policy file (RETENTION_POLICY_FILE), checked at start. */
export const retentionPolicySchema = z.object({
  $comment: z.string().optional(),
  rules: z.array(retentionRuleSchema).min(1, "list at least one rule"),
  unsubmittedAlerts: unsubmittedAlertsSchema,
});

/**
 * How long closed cases are kept (the longest rule that matches), and what happens then, and
 * how long alerts of referrals never submitted keep their details (council policy).
 */
export interface RetentionPolicy {
  readonly rules: readonly RetentionRule[];
  readonly action: "anonymise" | "purge";
  readonly unsubmittedAlerts: z.infer<typeof unsubmittedAlertsSchema>;
}

/** Who the history names for what the retention sweep does. */
export const retentionSweep: Person = { id: "system:retention", name: "Retention sweep" };

/** What retention reads of a closed case: when it closed, the child's date of birth, and every referral's flags. */
export interface RetentionFacts {
  readonly closedAt: string;
  readonly dateOfBirth: string;
  readonly vulnerabilities: readonly { flags: readonly string[]; riskFactors: readonly string[] }[];
}

export function retentionFactsOf(current: Case): RetentionFacts | undefined {
  if (!current.closure) return undefined;
  return {
    closedAt: current.closure.at,
    dateOfBirth: current.referral.child.dateOfBirth,
    vulnerabilities: formReferralsOf(current).map((referral) => referral.vulnerability),
  };
}

/** Whether a rule's condition holds: any referral of the case said so (the flag, or the risk factor). */
function matches(condition: RetentionCondition, facts: RetentionFacts): boolean {
  if (condition === "all") return true;
  // A child missing from care is looked after.
  const said = condition === "looked-after" ? ["looked-after", "missing-from-care"] : [condition];
  return facts.vulnerabilities.some((each) =>
    [...each.flags, ...each.riskFactors].some((value) => said.includes(value)),
  );
}

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/**
 * The day a child reaches an age: the birthday that year; a 29 February birthday falls on
 * 1 March in a year without one (as the law reckons it, Family Law Reform Act 1969 s.9).
 */
export function birthdayAtAge(dateOfBirth: string, age: number): string {
  const year = Number(dateOfBirth.slice(0, 4)) + age;
  const monthDay = dateOfBirth.slice(5);
  return monthDay === "02-29" && !isLeapYear(year) ? `${year}-03-01` : `${year}-${monthDay}`;
}

/** When one rule's keeping ends: N years after the closure instant, or the start of the UK day of the Nth birthday. */
function endOf(rule: RetentionRule, facts: RetentionFacts): Date {
  if ("untilAge" in rule) return londonInstant(birthdayAtAge(facts.dateOfBirth, rule.untilAge), 0);
  const end = new Date(facts.closedAt);
  end.setUTCFullYear(end.getUTCFullYear() + rule.yearsAfterClosure);
  return end;
}

/** The rule in words, for the history and the purge record. */
export function describeRule(rule: RetentionRule): string {
  const what =
    "untilAge" in rule ? `until age ${rule.untilAge}` : `${rule.yearsAfterClosure} years after closure`;
  const whom = {
    all: "",
    "looked-after": ", looked-after children",
    "child-protection-plan": ", child protection plan",
  }[rule.appliesTo];
  return `${what}${whom} (retention policy)`;
}

/**
 * When a closed case's keeping ends: the latest end of the rules that match it (a case is kept
 * while any rule still keeps it), and that rule. Pure.
 */
export function retentionEnd(facts: RetentionFacts, policy: Pick<RetentionPolicy, "rules">) {
  let latest: { until: Date; rule: RetentionRule } | undefined;
  for (const rule of policy.rules) {
    if (!matches(rule.appliesTo, facts)) continue;
    const until = endOf(rule, facts);
    if (!latest || until > latest.until) latest = { until, rule };
  }
  return latest;
}

/**
 * The instant before which a case must have closed to be past retention now (the store's query):
 * every case is kept at least as long as the longest "after closure" rule for all cases; without
 * one, any closed case may be past it.
 */
export function retentionCutoff(policy: Pick<RetentionPolicy, "rules">, now: Date): Date {
  const years = policy.rules.flatMap((rule) =>
    rule.appliesTo === "all" && "yearsAfterClosure" in rule ? [rule.yearsAfterClosure] : [],
  );
  const cutoff = new Date(now);
  if (years.length > 0) cutoff.setUTCFullYear(cutoff.getUTCFullYear() - Math.max(...years));
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
  "child.addressStatus",
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
  // A case opened from a pupil database extract: what it is, its list, its dates (not the file's name).
  "from",
  "whatHappened.title",
  "school.dateLeft",
  "extract.importId",
  "extract.importedAt",
  "extract.lists",
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
 * questions and answers, the log's words, the closure's detail and why the case was kept open. What is left (kind, dates,
 * status, DfE reason, outcome, school, year group, sex, risk factors) serves statistics and
 * the DfE return. The history keeps who did what and when, and says this happened.
 */
export function anonymise(current: Case, rule: RetentionRule, now: Date): Case {
  const anonymised: Case = {
    ...current,
    referral: scrub(current.referral) as Case["referral"],
    matchKeys: { nameAndBirth: `anonymised|${current.id}` },
    furtherReferrals: current.furtherReferrals.map((further) => ({
      draftId: further.draftId,
      at: further.at,
      referrer: further.referrer,
      kind: further.kind,
      referral: scrub(further.referral) as FormAnswers,
    })),
    // Where a search found the child's record says where the child is: it goes with the words.
    enquiryLog: current.enquiryLog.map(({ foundSchool: _school, ...entry }) => ({
      ...entry,
      contacted: removed,
      outcome: removed,
    })),
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
        reason: describeRule(rule),
      },
    ],
    anonymisedAt: now.toISOString(),
  };
  delete anonymised.referrerConversation;
  delete anonymised.nextCheckAt;
  delete anonymised.clockLevels;
  if (anonymised.closure) anonymised.closure = { ...anonymised.closure, detail: removed };
  if (anonymised.jointEnquiriesDecision?.reason !== undefined)
    anonymised.jointEnquiriesDecision = { ...anonymised.jointEnquiriesDecision, reason: removed };
  if (anonymised.enquiriesIncomplete)
    anonymised.enquiriesIncomplete = { ...anonymised.enquiriesIncomplete, reason: removed };
  return anonymised;
}

/** A channel card redrawn by retention in place of one that showed a case's details (`retention-removed`). */
export function retentionRemovedView(title: string, reference: string, now: Date) {
  return { title, reference, removedOn: formatDateTime(now) };
}
