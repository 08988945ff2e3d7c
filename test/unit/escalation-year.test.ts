import { expect } from "chai";
import { applyCaseAction, type CaseActionName } from "../../bot/cases/actions.js";
import type { Case } from "../../bot/cases/case.js";
import { bankHolidaysInEngland } from "../../bot/escalations/bank-holidays.js";
import {
  addDays,
  createCalendar,
  londonInstant,
  schoolDaysBetween,
  workingDaysBetween,
} from "../../bot/escalations/calendar.js";
import { due, type Clocks } from "../../bot/escalations/due.js";
import { readEscalationPolicy } from "../../bot/escalations/files.js";
import { escalationKey } from "../../bot/escalations/due.js";
import { formCaseOf, sampleCase } from "../support/sample-case.js";
import { ukDate } from "../../bot/shared/uk-dates.js";

const policy = readEscalationPolicy(new URL("../../config/escalation-policy.json", import.meta.url).pathname);
// A synthetic school year: terms with half terms and holidays, so school days differ from working days.
const calendar = createCalendar(bankHolidaysInEngland, {
  source: "synthetic, for tests",
  covers: { from: "2026-09-01", to: "2027-08-31" },
  terms: [
    { start: "2026-09-03", end: "2026-10-16" },
    { start: "2026-10-26", end: "2026-12-18" },
    { start: "2027-01-05", end: "2027-02-12" },
    { start: "2027-02-22", end: "2027-03-26" },
    { start: "2027-04-12", end: "2027-05-28" },
    { start: "2027-06-07", end: "2027-07-16" },
  ],
});
const clocks: Clocks = { policy, calendar };

const template = sampleCase("school-age", new Date("2026-11-28T09:00:00Z"), "2026-11-28");

/** The first day that counts on or after a date: a clock started on another day starts there, at opening. */
function opening(date: string, counts: (day: string) => boolean): string {
  let day = date;
  while (!counts(day)) day = addDays(day, 1);
  return day;
}
const working = (day: string) => calendar.isWorkingDay(day);
const school = (day: string) => calendar.isSchoolDay(day);

/** The school day before a date. */
function schoolDayBefore(date: string): string {
  let day = addDays(date, -1);
  while (!school(day)) day = addDays(day, -1);
  return day;
}

/** A case submitted at 10:00 UK time on a date, the child last attending the school day before. */
function caseOn(date: string): Case {
  const submittedAt = londonInstant(date, 10).toISOString();
  return {
    ...template,
    submittedAt,
    referral: {
      ...template.referral,
      school: { ...template.referral.school, dateLastAttended: schoolDayBefore(date) },
    } as Case["referral"],
    events: [{ ...template.events[0]!, at: submittedAt }],
  };
}

describe("a year of synthetic cases: every rule on the right day, once", () => {
  const dates = Array.from({ length: 365 }, (_, i) => addDays("2026-09-01", i));

  it("raises 'unassigned' exactly one working day after submission, at the same time, under one key", () => {
    for (const date of dates) {
      const current = caseOn(date);
      const levels = (at: Date) =>
        due(current, clocks, at).due.filter((level) => level.rule === "unassigned");
      const fired = due(current, clocks, new Date("2028-01-01T00:00:00Z")).due.find(
        (l) => l.rule === "unassigned",
      )!;
      // One working day after the clock starts (at opening on the next working day if it came in on
      // another), whatever weekends and bank holidays lie between, at the time it started.
      const start = opening(date, working);
      expect(workingDaysBetween(calendar, start, ukDate(fired.at)), date).to.equal(1);
      expect(fired.at.toISOString(), date).to.equal(
        londonInstant(ukDate(fired.at), start === date ? 10 : 9).toISOString(),
      );
      expect(calendar.isWorkingDay(ukDate(fired.at)), date).to.equal(true);
      expect(levels(new Date(fired.at.getTime() - 60_000)), date).to.have.length(0);
      // Still due later, under the same key: the sweep queues it once.
      const keys = new Set(
        [
          fired.at,
          new Date(fired.at.getTime() + 86_400_000),
          new Date(fired.at.getTime() + 30 * 86_400_000),
        ].flatMap((at) => levels(at).map((level) => escalationKey(current.id, level))),
      );
      expect(keys.size, date).to.equal(1);
    }
  });

  it("raises the joint-enquiries decision on the 20th school day after the child last attended", () => {
    for (const date of dates) {
      const current = caseOn(date);
      const joint = due(current, clocks, new Date("2028-01-01T00:00:00Z")).due.find(
        (l) => l.rule === "jointEnquiries",
      )!;
      const lastAttended = formCaseOf(current).referral.school.dateLastAttended;
      expect(schoolDaysBetween(calendar, lastAttended, ukDate(joint.at)), date).to.equal(20);
      expect(calendar.isSchoolDay(ukDate(joint.at)), date).to.equal(true);
    }
  });

  it("raises 'long-running' 84 days after submission and 'no progress' five working days after the last change", () => {
    for (const date of dates) {
      const current = caseOn(date);
      const levels = due(current, clocks, new Date("2028-01-01T00:00:00Z")).due;
      const long = levels.find((l) => l.rule === "longRunning")!;
      expect(ukDate(long.at), date).to.equal(addDays(date, 84));
      const [first, second] = levels.filter((l) => l.rule === "noProgress");
      const start = opening(date, working);
      expect(workingDaysBetween(calendar, start, ukDate(first!.at)), date).to.equal(5);
      expect(workingDaysBetween(calendar, start, ukDate(second!.at)), date).to.equal(10);
      expect([first!.notify, second!.notify]).to.deep.equal(["owner", "managers"]);
    }
  });

  it("reminds the referrer five school days after a question, and tells the owner after ten; early years after three working days", () => {
    for (const date of dates) {
      const asked: Case = {
        ...caseOn(date),
        status: "info_requested",
        infoRequests: [
          {
            id: "1",
            askedAt: londonInstant(date, 11).toISOString(),
            askedBy: { id: "29:o", name: "Olu" },
            question: "?",
          },
        ],
      };
      const [referrer, owner] = due(asked, clocks, new Date("2028-01-01T00:00:00Z")).due.filter(
        (l) => l.rule === "referrerNotAnswering",
      );
      const askedOn = opening(date, school);
      expect(schoolDaysBetween(calendar, askedOn, ukDate(referrer!.at)), date).to.equal(5);
      expect(schoolDaysBetween(calendar, askedOn, ukDate(owner!.at)), date).to.equal(10);
      expect([referrer!.notify, owner!.notify]).to.deep.equal(["referrer", "owner"]);

      const earlyYears: Case = { ...caseOn(date), kind: "early-years" };
      const noContact = due(earlyYears, clocks, new Date("2028-01-01T00:00:00Z")).due.find(
        (l) => l.rule === "earlyYearsNoContact",
      )!;
      expect(workingDaysBetween(calendar, opening(date, working), ukDate(noContact.at)), date).to.equal(3);
      expect(due(earlyYears, clocks, new Date("2028-01-01T00:00:00Z")).due.map((l) => l.rule)).not.to.include(
        "jointEnquiries",
      );
    }
  });
});

describe("a year of synthetic cases closed and reopened: every clock restarts at the reopening and fires once per level", () => {
  const officer = { id: "29:olu", name: "Olu", roles: new Set(["officer" as const]) };
  const act = (current: Case, name: CaseActionName, input: unknown, at: Date): Case => {
    const result = applyCaseAction(name, current, officer, input, {
      now: at,
      today: ukDate(at),
      signOffOutcomes: [],
    });
    if (!result.ok) throw new Error(`${name}: ${result.reason}`);
    return result.case;
  };
  /** Sweeps once a day at noon from one day to another, as the sweep does: what fired, by key. */
  const sweepDaily = (current: Case, from: string, days: number) => {
    const raised = new Set(current.escalated ?? []);
    const fired: ReturnType<typeof due>["due"][number][] = [];
    for (let day = 0; day <= days; day += 1) {
      for (const level of due(current, clocks, londonInstant(addDays(from, day), 12)).due) {
        const key = escalationKey(current.id, level);
        if (raised.has(key)) continue;
        raised.add(key);
        fired.push(level);
      }
    }
    return { fired, raised: [...raised] };
  };
  // Every fourth day of the year, school-age and early-years: closed 30 days after referral, reopened 40 days later.
  const dates = Array.from({ length: 92 }, (_, i) => addDays("2026-09-01", i * 4));

  for (const kind of ["school-age", "early-years"] as const) {
    it(`${kind}: long-running, no progress, joint enquiries and early years start again from the reopening, under new keys`, () => {
      for (const date of dates) {
        const submitted: Case = { ...caseOn(date), kind };
        const triaged = act(
          submitted,
          "triage",
          { dfeReason: "unknown", cmeStartDate: formCaseOf(submitted).referral.school.dateLastAttended },
          londonInstant(date, 11),
        );
        const contacted = act(
          triaged,
          "logEnquiry",
          { type: "family", date, contacted: "Parent", outcome: "No answer" },
          londonInstant(date, 12),
        );
        // Open for 30 days: what fired then is recorded on the case.
        const before = sweepDaily(contacted, date, 29);
        const closedAt = londonInstant(addDays(date, 30), 10);
        const closed = act(
          { ...contacted, escalated: before.raised },
          "close",
          { outcome: kind === "early-years" ? "ey-no-concern" : "returned" },
          closedAt,
        );
        expect(due(closed, clocks, new Date("2028-06-01T00:00:00Z")).due, date).to.have.length(0);
        const reopenedOn = addDays(date, 70);
        const reopenedAt = londonInstant(reopenedOn, 10);
        const reopened = act(closed, "reopen", { reason: "Seen again, not at school" }, reopenedAt);
        expect(reopened.owner?.id, date).to.equal(officer.id);

        const after = sweepDaily(reopened, reopenedOn, 200);
        const byRule = (rule: string) => after.fired.filter((level) => level.rule === rule);
        // Each level once, and none under a key raised before the closure.
        expect(
          after.fired.map((level) => escalationKey(reopened.id, level)),
          date,
        ).not.to.include.members(before.raised);
        const long = byRule("longRunning");
        expect(
          long.map((level) => level.level),
          date,
        ).to.deep.equal([1]);
        expect(long[0]!.clockStart.toISOString(), date).to.equal(reopenedAt.toISOString());
        expect(ukDate(long[0]!.at), date).to.equal(addDays(reopenedOn, 84));
        const noProgress = byRule("noProgress");
        expect(
          noProgress.map((level) => level.level),
          date,
        ).to.deep.equal([1, 2]);
        const start = opening(reopenedOn, working);
        expect(workingDaysBetween(calendar, start, ukDate(noProgress[0]!.at)), date).to.equal(5);
        expect(byRule("unassigned"), date).to.have.length(0);
        if (kind === "school-age") {
          // The child last attended long before: the decision is due 20 school days after the reopening.
          const joint = byRule("jointEnquiries");
          expect(
            joint.map((level) => level.level),
            date,
          ).to.deep.equal([1]);
          expect(joint[0]!.clockStart.toISOString(), date).to.equal(reopenedAt.toISOString());
          expect(
            schoolDaysBetween(calendar, opening(reopenedOn, school), ukDate(joint[0]!.at)),
            date,
          ).to.equal(20);
        } else {
          // Contact before the closure does not answer the reopened case.
          const noContact = byRule("earlyYearsNoContact");
          expect(
            noContact.map((level) => level.level),
            date,
          ).to.deep.equal([1]);
          expect(workingDaysBetween(calendar, start, ukDate(noContact[0]!.at)), date).to.equal(3);
          expect(byRule("jointEnquiries"), date).to.have.length(0);
        }
      }
    });
  }

  it("stops the joint-enquiries clock with a recorded decision, and starts it again when the case is reopened", () => {
    for (const date of dates) {
      const submitted = caseOn(date);
      const decided = act(
        submitted,
        "decideJointEnquiries",
        { decision: "keep-open", reason: "Family seen in Leicester; school keeps the place" },
        londonInstant(date, 11),
      );
      const rules = (current: Case) =>
        due(current, clocks, new Date("2028-06-01T00:00:00Z")).due.map((level) => level.rule);
      expect(rules(submitted), date).to.include("jointEnquiries");
      expect(rules(decided), date).not.to.include("jointEnquiries");
      const triaged = act(
        decided,
        "triage",
        { dfeReason: "unknown", cmeStartDate: date },
        londonInstant(date, 12),
      );
      const closed = act(triaged, "close", { outcome: "returned" }, londonInstant(addDays(date, 3), 10));
      const reopened = act(closed, "reopen", { reason: "Gone again" }, londonInstant(addDays(date, 10), 10));
      expect(reopened.jointEnquiriesDecision, date).to.equal(undefined);
      expect(rules(reopened), date).to.include("jointEnquiries");
    }
  });
});
