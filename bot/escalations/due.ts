import type { Case, ClockLevel } from "../cases/case.js";
import { isExtractReferral } from "../referrals/extract-referral.js";
import { formatDateTime } from "../shared/format.js";
import {
  londonClockHours,
  addDays,
  addSchoolDays,
  addWorkingDays,
  addWorkingHours,
  londonInstant,
  type Calendar,
} from "./calendar.js";
import { ruleIds, type EscalationPolicy, type PolicyLevel, type RuleId } from "./policy.js";
import { ukDate } from "../shared/uk-dates.js";
import { referralKindOf, schoolAgeConversionDay } from "../cases/school-age-conversion.js";

/** The policy and the calendar it counts in. */
export interface Clocks {
  readonly policy: EscalationPolicy;
  readonly calendar: Calendar;
}

/** One level of one rule, and when it falls due for a case. */
export interface DueLevel {
  readonly rule: RuleId;
  /** 1 for the first level. */
  readonly level: number;
  readonly at: Date;
  readonly notify: PolicyLevel["notify"];
  /**
   * When the rule's clock started (a new start is a new lapse, escalated afresh); for a rule
   * counted back from a date (reaching school age), that date's start.
   */
  readonly clockStart: Date;
}

export interface CaseClocks {
  /** Levels already due (the sweep fires each once). */
  readonly due: readonly DueLevel[];
  /** The next level to fall due, if any: its time is the case's `nextCheckAt`. */
  readonly next?: DueLevel | undefined;
}

const open = (current: Case) => current.status !== "closed";

/** Events that record something about a case without anyone working it. */
const notActivity: ReadonlySet<Case["events"][number]["type"]> = new Set(["shared", "anonymised"]);

/** When the case was last reopened, if it was ("reopening restarts it"). */
function reopenedAt(current: Case): Date | undefined {
  const reopened = current.events.filter((event) => event.type === "reopened").at(-1);
  return reopened ? new Date(reopened.at) : undefined;
}

/** When the case was last opened: its latest reopening, else its referral. */
const openedAt = (current: Case): Date => reopenedAt(current) ?? new Date(current.submittedAt);

/** When each rule's clock started for this case, or undefined where the rule does not apply. */
function clockStart(rule: RuleId, current: Case, clocks: Clocks): Date | undefined {
  switch (rule) {
    case "unassigned":
      return current.status === "new" && !current.owner ? new Date(current.submittedAt) : undefined;
    case "noProgress": {
      // Any work on the case counts as activity (waiting on the referrer has a clock of its own);
      // records kept about it do not: a report file saved, or the data anonymised.
      const last = current.events.filter((event) => !notActivity.has(event.type)).at(-1);
      return open(current) && current.status !== "info_requested" && last ? new Date(last.at) : undefined;
    }
    case "jointEnquiries": {
      // Whereabouts still unknown and nothing decided with the school, counted from the day after
      // the child last attended, or from the reopening when that came later.
      // Only a child referred from a school's roll: a case that became school-age has none, and
      // an extract row says no date last attended (the clock does not run).
      if (isExtractReferral(current.referral)) return undefined;
      const lastAttended = londonInstant(
        current.referral.school.dateLastAttended,
        clocks.policy.workingHours.start,
      );
      const reopened = reopenedAt(current);
      return referralKindOf(current) === "school-age" &&
        open(current) &&
        current.status !== "located" &&
        !current.jointEnquiriesDecision
        ? reopened && reopened > lastAttended
          ? reopened
          : lastAttended
        : undefined;
    }
    case "referrerNotAnswering": {
      const asked = current.infoRequests.at(-1);
      return current.status === "info_requested" && asked && asked.answer === undefined
        ? new Date(asked.askedAt)
        : undefined;
    }
    case "longRunning":
      return open(current) ? openedAt(current) : undefined;
    case "earlyYearsNoContact": {
      // Contact made before a reopening does not answer the case as reopened.
      const opened = openedAt(current);
      const contacted = current.enquiryLog.some((entry) => new Date(entry.at) >= opened);
      return current.kind === "early-years" && open(current) && !contacted ? opened : undefined;
    }
    case "earlyYearsSchoolAge": {
      // Counted back from the day the case becomes school-age, which no reopening moves: raised once.
      const day = schoolAgeConversionDay(current);
      return day ? londonInstant(day, 0) : undefined;
    }
  }
}

/**
 * The instant a threshold is reached, counted from `from` in its clock (days keep the time of
 * day); one counted `before` a date is due at the start of the working day so many days before it.
 */
function reached(
  from: Date,
  threshold: { clock: PolicyLevel["clock"]; after: number } | { clock: PolicyLevel["clock"]; before: number },
  clocks: Clocks,
): Date {
  const { calendar, policy } = clocks;
  if ("before" in threshold) {
    const dueDate =
      threshold.clock === "workingDays"
        ? addWorkingDays(calendar, ukDate(from), -threshold.before)
        : threshold.clock === "schoolDays"
          ? addSchoolDays(calendar, ukDate(from), -threshold.before)
          : addDays(ukDate(from), -threshold.before);
    return londonInstant(dueDate, policy.workingHours.start);
  }
  if (threshold.clock === "workingHours") {
    return addWorkingHours(calendar, from, threshold.after, policy.workingHours);
  }
  // A day clock started outside working time starts at the next opening: a referral at 02:00 on
  // Saturday is a working day old at 09:00 on Tuesday, not at 02:00 on Monday.
  let date = ukDate(from);
  let hours = londonClockHours(from);
  const counts = (day: string) =>
    threshold.clock === "schoolDays" ? calendar.isSchoolDay(day) : calendar.isWorkingDay(day);
  if (threshold.clock !== "calendarDays") {
    if (!counts(date) || hours >= policy.workingHours.end) {
      do date = addDays(date, 1);
      while (!counts(date));
      hours = policy.workingHours.start;
    } else if (hours < policy.workingHours.start) {
      hours = policy.workingHours.start;
    }
  }
  const dueDate =
    threshold.clock === "workingDays"
      ? addWorkingDays(calendar, date, threshold.after)
      : threshold.clock === "schoolDays"
        ? addSchoolDays(calendar, date, threshold.after)
        : addDays(date, threshold.after);
  return londonInstant(dueDate, hours);
}

/**
 * What is due on a case at `now`, and what falls due next: `due(case, policy, calendar, now)`.
 * Pure: the same case, policy, calendar and time always give the same answer.
 */
export function due(current: Case, clocks: Clocks, now: Date): CaseClocks {
  const levels: DueLevel[] = [];
  for (const rule of ruleIds) {
    const start = clockStart(rule, current, clocks);
    if (!start) continue;
    const ruleLevels: readonly PolicyLevel[] = clocks.policy.rules[rule].levels;
    ruleLevels.forEach((level, index) => {
      const threshold = current.urgent && "urgent" in level && level.urgent ? level.urgent : level;
      levels.push({
        rule,
        level: index + 1,
        at: reached(start, threshold, clocks),
        notify: level.notify,
        clockStart: start,
      });
    });
  }
  const byTime = levels.sort((a, b) => a.at.getTime() - b.at.getTime());
  return {
    due: byTime.filter((level) => level.at <= now),
    next: byTime.find((level) => level.at > now),
  };
}

/**
 * The key an escalation fires under: the case, the rule, the level and when the rule's clock
 * started. A clock that restarts (new activity, a reopened case) starts a new key.
 */
export function escalationKey(caseId: string, level: DueLevel): string {
  return `escalation|${caseId}|${level.rule}|${level.level}|${level.clockStart.toISOString()}`;
}

/** Levels due now that have not been raised yet (the case records the keys it raised). */
export function unraised(current: Case, clocks: Clocks, now: Date): DueLevel[] {
  const raised = new Set(current.escalated ?? []);
  return due(current, clocks, now).due.filter((level) => !raised.has(escalationKey(current.id, level)));
}

/** The last instant a Date can hold: every level of every running clock is due by then. */
const endOfTime = new Date(8.64e15);

/** Every level of every clock running on a case, by time: a level's time changes only when the case does. */
export function clockLevelsOf(current: Case, clocks: Clocks): ClockLevel[] {
  return due(current, clocks, endOfTime).due.map(({ rule, level, at }) => ({
    rule,
    level,
    at: at.toISOString(),
  }));
}

/**
 * The case with `nextCheckAt` set (stored, so the sweep can ask an index for cases due): the
 * earliest level not yet raised, even if its time has passed, so no escalation is skipped. And
 * `clockLevels`, so what is overdue can be listed from a few fields, not whole cases.
 */
export function withNextCheck(current: Case, clocks: Clocks, now: Date): Case {
  const state = due(current, clocks, now);
  const pending = unraised(current, clocks, now)[0] ?? state.next;
  const updated: Case = { ...current, clockLevels: clockLevelsOf(current, clocks) };
  // Posts owed bring the next check forward: the sweep queues any that were not. So does the day
  // an early-years case becomes school-age: the sweep converts it.
  const schoolAgeDay = schoolAgeConversionDay(current);
  const checkAt = [
    pending?.at.toISOString(),
    current.postsOwed?.since,
    schoolAgeDay && londonInstant(schoolAgeDay, 0).toISOString(),
  ]
    .filter((at) => at !== undefined)
    .sort()[0];
  if (checkAt) updated.nextCheckAt = checkAt;
  else delete updated.nextCheckAt;
  return updated;
}

/**
 * Whether the case's stored next check is later than its clocks now put it: a case last written
 * before a rule existed (the school-age clock), whose check `withNextCheck` would bring forward.
 * (A case stored with no check at all predates the clocks: it waits for its next write.)
 */
export function checkedTooLate(current: Case, clocks: Clocks, now: Date): boolean {
  const checkAt = withNextCheck(current, clocks, now).nextCheckAt;
  return checkAt !== undefined && current.nextCheckAt !== undefined && checkAt < current.nextCheckAt;
}

/** The escalation state in words, for the case card: what is overdue, and the next clock. */
export function describeClocks(current: Case, clocks: Clocks, now: Date): { overdue: string; next: string } {
  const state = due(current, clocks, now);
  const title = (level: DueLevel) =>
    `${clocks.policy.rules[level.rule].title}${level.level > 1 ? ` (level ${level.level})` : ""}`;
  return {
    overdue: state.due.map((level) => `${title(level)} since ${formatDateTime(level.at)}`).join("; "),
    next: state.next ? `${title(state.next)}, ${formatDateTime(state.next.at)}` : "No clock running",
  };
}
