import { expect } from "chai";
import type { Case } from "../../bot/cases/case.js";
import { bankHolidaysInEngland } from "../../bot/escalations/bank-holidays.js";
import {
  addDays,
  createCalendar,
  londonDate,
  londonInstant,
  schoolDaysBetween,
  workingDaysBetween,
} from "../../bot/escalations/calendar.js";
import { due, type Clocks } from "../../bot/escalations/due.js";
import { readEscalationPolicy } from "../../bot/escalations/files.js";
import { escalationKey } from "../../bot/escalations/due.js";
import { sampleCase } from "../support/sample-case.js";

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
      expect(workingDaysBetween(calendar, start, londonDate(fired.at)), date).to.equal(1);
      expect(fired.at.toISOString(), date).to.equal(
        londonInstant(londonDate(fired.at), start === date ? 10 : 9).toISOString(),
      );
      expect(calendar.isWorkingDay(londonDate(fired.at)), date).to.equal(true);
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
      const lastAttended = current.referral.school.dateLastAttended;
      expect(schoolDaysBetween(calendar, lastAttended, londonDate(joint.at)), date).to.equal(20);
      expect(calendar.isSchoolDay(londonDate(joint.at)), date).to.equal(true);
    }
  });

  it("raises 'long-running' 84 days after submission and 'no progress' five working days after the last change", () => {
    for (const date of dates) {
      const current = caseOn(date);
      const levels = due(current, clocks, new Date("2028-01-01T00:00:00Z")).due;
      const long = levels.find((l) => l.rule === "longRunning")!;
      expect(londonDate(long.at), date).to.equal(addDays(date, 84));
      const [first, second] = levels.filter((l) => l.rule === "noProgress");
      const start = opening(date, working);
      expect(workingDaysBetween(calendar, start, londonDate(first!.at)), date).to.equal(5);
      expect(workingDaysBetween(calendar, start, londonDate(second!.at)), date).to.equal(10);
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
      expect(schoolDaysBetween(calendar, askedOn, londonDate(referrer!.at)), date).to.equal(5);
      expect(schoolDaysBetween(calendar, askedOn, londonDate(owner!.at)), date).to.equal(10);
      expect([referrer!.notify, owner!.notify]).to.deep.equal(["referrer", "owner"]);

      const earlyYears: Case = { ...caseOn(date), kind: "early-years" };
      const noContact = due(earlyYears, clocks, new Date("2028-01-01T00:00:00Z")).due.find(
        (l) => l.rule === "earlyYearsNoContact",
      )!;
      expect(workingDaysBetween(calendar, opening(date, working), londonDate(noContact.at)), date).to.equal(
        3,
      );
      expect(due(earlyYears, clocks, new Date("2028-01-01T00:00:00Z")).due.map((l) => l.rule)).not.to.include(
        "jointEnquiries",
      );
    }
  });
});
