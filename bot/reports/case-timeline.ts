import { z } from "zod";
import { caseStatuses, type Case, type CaseStatus } from "../cases/case.js";
import {
  dfeReasonChoices,
  earlierDfeReasonTitles,
  outcomeChoices,
  type DfeReason,
} from "../cases/choices.js";
import { isExtractReferral } from "../referrals/extract-referral.js";
import { referralKinds } from "../referrals/steps.js";
import { valuesOf } from "../shared/choice.js";
import { ukDate } from "../shared/uk-dates.js";

/**
 * What the reports need of a case, as it stood on any day: a few dates and values, small enough
 * to keep on the case at every write and read without the case's answers or history. Days are
 * UK dates (YYYY-MM-DD): a change counts from the end of the UK day it was made on.
 */
export const caseTimelineSchema = z.object({
  /** The case's kind now (an early-years case becomes school-age: `schoolAgeFrom`). */
  kind: z.enum(referralKinds),
  /**
   * The day an early-years case's child reached compulsory school age, when the case became
   * school-age: it is a school-age case for the whole of that day and after, not before.
   */
  schoolAgeFrom: z.string().optional(),
  submittedOn: z.string(),
  /** The status from the end of each day it changed on, oldest first. */
  statuses: z.array(z.object({ on: z.string(), status: z.enum(caseStatuses) })),
  /** The DfE primary reason from the end of each day it was recorded on, oldest first. */
  reasons: z.array(z.object({ on: z.string(), reason: z.enum(valuesOf(dfeReasonChoices)) })),
  /** The day the case was first triaged: the CME start date recorded then counts from that day. */
  triagedOn: z.string().optional(),
  cmeStartDate: z.string().optional(),
  /**
   * The day an untriaged case counts from: the form's date last attended; for a case opened from
   * a pupil extract (which has none), its Date Left, or with none the day it was opened (the
   * council's own data showed the child missing then: docs/REPORTS.md).
   */
  dateLastAttended: z.string().optional(),
  /** Ever closed as not CME (an attendance matter or a duplicate): never in the return. */
  everNotCme: z.boolean(),
  sex: z.string().optional(),
  dateOfBirth: z.string().optional(),
  matchKeys: z.object({ upn: z.string().optional(), nameAndBirth: z.string() }),
});
export type CaseTimeline = z.infer<typeof caseTimelineSchema>;

const reasonByTitle: ReadonlyMap<string, DfeReason> = new Map([
  ...dfeReasonChoices.map((choice) => [choice.title, choice.value] as const),
  ...Object.entries(earlierDfeReasonTitles),
]);

const notCmeTitle = outcomeChoices.find((choice) => choice.value === "not-cme")?.title ?? "Not CME";

const isStatus = (value: string | undefined): value is CaseStatus =>
  (caseStatuses as readonly string[]).includes(value ?? "");

/** The day an untriaged case counts from (`dateLastAttended` above), if its referral gives one. */
function untriagedStartOf(current: Case): string | undefined {
  if (isExtractReferral(current.referral))
    return current.referral.school.dateLeft ?? ukDate(current.submittedAt);
  return (current.referral.school as { dateLastAttended?: string } | undefined)?.dateLastAttended;
}

/** The case's timeline, read from its history (the events record every change with its time). */
export function timelineOf(current: Case): CaseTimeline {
  const statuses: CaseTimeline["statuses"] = [];
  const reasons: CaseTimeline["reasons"] = [];
  let triagedOn: string | undefined;
  let everNotCme = current.closure?.outcome === "not-cme";
  for (const event of current.events) {
    const on = ukDate(event.at);
    if (["submitted", "status-changed", "closed", "reopened"].includes(event.type) && isStatus(event.to)) {
      statuses.push({ on, status: event.to });
    }
    // The outcome as a value (older events have only its words, which anonymising removes).
    if (event.type === "closed" && (event.outcome === "not-cme" || event.reason?.startsWith(notCmeTitle)))
      everNotCme = true;
    if (event.type === "triaged") {
      triagedOn ??= on;
      const reason = reasonByTitle.get(event.to ?? "");
      if (reason) reasons.push({ on, reason });
    }
    // Reopening a case closed from new (not CME) records its first reason without a triage.
    if (event.type === "reopened" && event.dfeReason) {
      triagedOn ??= on;
      reasons.push({ on, reason: event.dfeReason });
    }
  }
  const child = current.referral.child as { sex?: string; dateOfBirth?: string } | undefined;
  const dateLastAttended = untriagedStartOf(current);
  return {
    kind: current.kind,
    ...(current.reachedSchoolAge ? { schoolAgeFrom: current.reachedSchoolAge.on } : {}),
    submittedOn: ukDate(current.submittedAt),
    statuses,
    reasons,
    ...(triagedOn ? { triagedOn } : {}),
    ...(current.cmeStartDate ? { cmeStartDate: current.cmeStartDate } : {}),
    ...(dateLastAttended ? { dateLastAttended } : {}),
    everNotCme,
    ...(child?.sex ? { sex: child.sex } : {}),
    ...(child?.dateOfBirth ? { dateOfBirth: child.dateOfBirth } : {}),
    matchKeys: current.matchKeys,
  };
}

/** The last entry on or before a day, of a list ordered by day. */
function lastOnOrBefore<T extends { on: string }>(entries: readonly T[], day: string): T | undefined {
  let found: T | undefined;
  for (const entry of entries) {
    if (entry.on > day) break;
    found = entry;
  }
  return found;
}

/** The case's status at the end of a day (undefined before it was submitted). */
export function statusAtEndOf(timeline: CaseTimeline, day: string): CaseStatus | undefined {
  return lastOnOrBefore(timeline.statuses, day)?.status;
}

/** The DfE primary reason in force at the end of a day (undefined: not recorded). */
export function reasonAtEndOf(timeline: CaseTimeline, day: string): DfeReason | undefined {
  return lastOnOrBefore(timeline.reasons, day)?.reason;
}

/** The CME start date as known at the end of a day: the triage's, or before triage the date last attended. */
export function startDateOn(timeline: CaseTimeline, day: string): string | undefined {
  return timeline.triagedOn && timeline.triagedOn <= day
    ? (timeline.cmeStartDate ?? timeline.dateLastAttended)
    : timeline.dateLastAttended;
}

/**
 * The day the return counts the child missing education from, as known at the end of a day: the
 * CME start date, or the day a case became school-age when that is later (before it the child was
 * not of compulsory school age, so not a child missing education the DfE counts).
 */
export function missingEducationSinceOn(timeline: CaseTimeline, day: string): string | undefined {
  const start = startDateOn(timeline, day);
  const { schoolAgeFrom } = timeline;
  return start && schoolAgeFrom && schoolAgeFrom > start ? schoolAgeFrom : start;
}

/** The form the case's referral was made on (a case that became school-age was referred as early years). */
export const referralKindOfTimeline = (timeline: CaseTimeline): CaseTimeline["kind"] =>
  timeline.schoolAgeFrom ? "early-years" : timeline.kind;

/** Whether the case was a school-age case on a day (one that became school-age: from that day). */
export const schoolAgeOn = (timeline: CaseTimeline, day: string): boolean =>
  timeline.kind === "school-age" && (timeline.schoolAgeFrom === undefined || timeline.schoolAgeFrom <= day);

/**
 * Whether the child was missing education on a day, as the DfE counts: a case that was school-age
 * that day, existed and was not closed at the end of the day, whose CME had started, and that was
 * never found not to be CME.
 */
export function isCmeOn(timeline: CaseTimeline, day: string): boolean {
  if (!schoolAgeOn(timeline, day) || timeline.everNotCme) return false;
  const status = statusAtEndOf(timeline, day);
  if (status === undefined || status === "closed") return false;
  const start = startDateOn(timeline, day);
  return start !== undefined && start <= day;
}

/** The days in [from, to] on which `isCmeOn` can change, so checking them finds every CME day's span. */
export function changeDaysWithin(timeline: CaseTimeline, from: string, to: string): string[] {
  const days = new Set<string>([from]);
  const candidates = [
    timeline.submittedOn,
    timeline.triagedOn,
    timeline.cmeStartDate,
    timeline.dateLastAttended,
    timeline.schoolAgeFrom,
    ...timeline.statuses.map((entry) => entry.on),
  ];
  for (const day of candidates) if (day && day >= from && day <= to) days.add(day);
  return [...days].sort();
}
