import { withShare } from "../../bot/cases/subject-access.js";
import { expect } from "chai";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, ConfigError } from "../../bot/config.js";
import { applyCaseAction } from "../../bot/cases/actions.js";
import type { Case } from "../../bot/cases/case.js";
import { bankHolidaysInEngland } from "../../bot/escalations/bank-holidays.js";
import {
  addSchoolDays,
  addWorkingDays,
  addWorkingHours,
  createCalendar,
  londonInstant,
  schoolDaysBetween,
  workingDaysBetween,
  workingHoursBetween,
} from "../../bot/escalations/calendar.js";
import { describeClocks, due, withNextCheck, type Clocks } from "../../bot/escalations/due.js";
import { readEscalationPolicy } from "../../bot/escalations/files.js";
import { sampleCase } from "../support/sample-case.js";
import { ukDate } from "../../bot/shared/uk-dates.js";

const policy = readEscalationPolicy(new URL("../../config/escalation-policy.json", import.meta.url).pathname);
const noTerms = { source: "test", terms: [] };
const calendar = createCalendar(bankHolidaysInEngland, noTerms);
const clocks: Clocks = { policy, calendar };

describe("the calendar", () => {
  it("skips weekends and England's bank holidays, substitute days included", () => {
    // Christmas 2026: Friday 25th, Boxing Day on a Saturday, so Monday 28th is the substitute.
    expect(addWorkingDays(calendar, "2026-12-24", 1)).to.equal("2026-12-29");
    expect(workingDaysBetween(calendar, "2026-12-24", "2026-12-31")).to.equal(3);
    expect(calendar.isWorkingDay("2026-08-31")).to.equal(false); // Summer bank holiday
    expect(calendar.isWorkingDay("2027-03-26")).to.equal(false); // Good Friday
    expect(calendar.isWorkingDay("2026-11-27")).to.equal(true);
  });

  it("keeps UK local time across the change to and from summer time", () => {
    expect(londonInstant("2026-03-27", 9).toISOString()).to.equal("2026-03-27T09:00:00.000Z");
    expect(londonInstant("2026-03-30", 9).toISOString()).to.equal("2026-03-30T08:00:00.000Z");
    expect(ukDate(new Date("2026-06-30T23:30:00Z"))).to.equal("2026-07-01");
    // Two working hours from 16:00 on the Friday before the clocks go forward: 10:00 BST on Monday.
    const from = londonInstant("2026-03-27", 16);
    expect(addWorkingHours(calendar, from, 2, policy.workingHours).toISOString()).to.equal(
      "2026-03-30T09:00:00.000Z",
    );
    // And back in October: 10:00 GMT on the Monday after.
    expect(
      workingHoursBetween(calendar, from, londonInstant("2026-03-30", 10), policy.workingHours),
    ).to.equal(2);
    // Christmas Eve afternoon to the Tuesday after: 25th, the weekend and the substitute day don't count.
    const eve = londonInstant("2026-12-24", 15);
    expect(workingHoursBetween(calendar, eve, londonInstant("2026-12-29", 11), policy.workingHours)).to.equal(
      4,
    );
    expect(addWorkingHours(calendar, eve, 4, policy.workingHours).toISOString()).to.equal(
      "2026-12-29T11:00:00.000Z",
    );
    const autumn = londonInstant("2026-10-23", 16);
    expect(addWorkingHours(calendar, autumn, 2, policy.workingHours).toISOString()).to.equal(
      "2026-10-26T10:00:00.000Z",
    );
  });

  it("counts school days only in term where the term file covers, and every working day where it does not", () => {
    const withTerms = createCalendar(bankHolidaysInEngland, {
      source: "test",
      covers: { from: "2026-09-01", to: "2026-12-31" },
      terms: [
        { start: "2026-09-03", end: "2026-10-16" },
        { start: "2026-10-26", end: "2026-12-18" },
      ],
    });
    expect(withTerms.isSchoolDay("2026-10-19")).to.equal(false); // half term
    expect(withTerms.isSchoolDay("2026-10-26")).to.equal(true);
    expect(addSchoolDays(withTerms, "2026-10-15", 2)).to.equal("2026-10-26");
    // 18 December in term; the Christmas holiday is covered and out of term; 1 January is a bank
    // holiday; 4 and 5 January are past the file's cover, so they count.
    expect(schoolDaysBetween(withTerms, "2026-12-17", "2027-01-05")).to.equal(3);
    expect(withTerms.isSchoolDay("2027-01-04")).to.equal(true); // not covered: counted, so clocks run early
  });
});

describe("the clocks on a case", () => {
  const now = new Date("2026-11-23T10:00:00Z"); // a Monday
  function newCase(urgent = false): Case {
    return { ...sampleCase("school-age", now, "2026-11-23"), urgent };
  }

  const officer = { id: "29:o", name: "Olu", roles: new Set(["officer"] as const) };
  const context = { now, today: "2026-11-23", signOffOutcomes: [] };

  it("starts the unassigned clock at submission: a working day, or two working hours when urgent", () => {
    const next = due(newCase(), clocks, now).next;
    expect(next).to.include({ rule: "unassigned", level: 1, notify: "managers" });
    expect(next?.at.toISOString()).to.equal("2026-11-24T10:00:00.000Z");
    expect(due(newCase(true), clocks, now).next?.at.toISOString()).to.equal("2026-11-23T12:00:00.000Z");
    const late = due(newCase(), clocks, new Date("2026-11-24T10:00:00Z"));
    expect(late.due.map((level) => level.rule)).to.include("unassigned");
  });

  it("stops the unassigned clock when someone takes the case, and runs no progress from the last change", () => {
    const result = applyCaseAction("assignToMe", newCase(), officer, {}, context);
    if (!result.ok) throw new Error(result.reason);
    const rules = [...due(result.case, clocks, now).due, due(result.case, clocks, now).next].map(
      (l) => l?.rule,
    );
    expect(rules).not.to.include("unassigned");
    const stored = withNextCheck(result.case, clocks, now);
    // Next: the joint-enquiries decision (09:00, 20 school days after 2 November), an hour before no progress.
    expect(stored.nextCheckAt).to.equal("2026-11-30T09:00:00.000Z");
    const noProgress = [...due(result.case, clocks, new Date("2026-12-01T00:00:00Z")).due].find(
      (level) => level.rule === "noProgress",
    );
    expect(noProgress?.at.toISOString()).to.equal("2026-11-30T10:00:00.000Z"); // five working days after the change
  });

  it("does not count a report file saved about a case, or its anonymising, as progress on it", () => {
    const result = applyCaseAction("assignToMe", newCase(), officer, {}, context);
    if (!result.ok) throw new Error(result.reason);
    const later = new Date("2026-11-27T15:00:00Z");
    const shared = withShare(result.case, officer, "report file: leavers (CSV)", "the leavers report", later);
    const noProgressAt = (current: Case) =>
      due(current, clocks, new Date("2026-12-01T00:00:00Z")).due.find((level) => level.rule === "noProgress")
        ?.at;
    expect(noProgressAt(shared)?.toISOString()).to.equal("2026-11-30T10:00:00.000Z");
    expect(noProgressAt(shared)).to.deep.equal(noProgressAt(result.case));
  });

  it("counts the joint-enquiries decision in school days from the day the child last attended", () => {
    const levels = due(newCase(), clocks, new Date("2026-12-01T10:00:00Z")).due;
    // Last attended Monday 2 November; 20 school days (no terms listed: working days) is 30 November.
    const joint = levels.find((level) => level.rule === "jointEnquiries");
    expect(joint?.at.toISOString()).to.equal("2026-11-30T09:00:00.000Z");
  });

  it("says on the card what is overdue and which clock is next", () => {
    const words = describeClocks(newCase(), clocks, new Date("2026-11-24T11:00:00Z"));
    expect(words.overdue).to.equal("Unassigned since 24 Nov 2026, 10:00");
    expect(words.next).to.equal("Joint enquiries decision, 30 Nov 2026, 09:00");
  });

  it("refuses to start with a policy file that is not valid, naming the file and the problem", () => {
    const folder = mkdtempSync(join(tmpdir(), "cme-policy-"));
    const file = join(folder, "policy.json");
    writeFileSync(file, JSON.stringify({ workingHours: { start: 17, end: 9 }, rules: {} }));
    expect(() => loadConfig({ ESCALATION_POLICY_FILE: file })).to.throw(
      ConfigError,
      /policy\.json.*workingHours/,
    );
  });
});

describe("the early-years clock: reaching compulsory school age", () => {
  // Dates of birth on and just after the three start dates (s.8): the start is the day itself
  // when the fifth birthday falls on it, else the next. Each due date is counted back by hand:
  // 20 working days before, at 09:00 UK time, skipping weekends and the bank holidays named.
  const cases: [string, string, string][] = [
    ["2021-08-31", "2026-08-31", "2026-08-03T08:00:00.000Z"], // 31 Aug is itself a bank holiday; BST
    ["2021-09-01", "2026-12-31", "2026-12-01T09:00:00.000Z"], // over 25 and 28 Dec
    ["2021-12-31", "2026-12-31", "2026-12-01T09:00:00.000Z"],
    ["2022-01-01", "2027-03-31", "2027-03-01T09:00:00.000Z"], // over Good Friday and Easter Monday
    ["2022-03-31", "2027-03-31", "2027-03-01T09:00:00.000Z"],
    ["2022-04-01", "2027-08-31", "2027-08-02T08:00:00.000Z"], // 30 Aug 2027 the bank holiday
  ];
  for (const [dateOfBirth, starts, dueAt] of cases) {
    it(`born ${dateOfBirth}: school age from ${starts}, the clock due ${dueAt}`, () => {
      const base = sampleCase("early-years", new Date("2026-11-23T10:00:00Z"), "2026-11-23");
      const current: Case = {
        ...base,
        referral: { ...base.referral, child: { ...base.referral.child, dateOfBirth } },
      };
      const level = due(current, clocks, new Date(8.64e15)).due.find(
        (each) => each.rule === "earlyYearsSchoolAge",
      );
      expect(level?.at.toISOString()).to.equal(dueAt);
      expect(ukDate(level!.clockStart)).to.equal(starts);
      // A school-age case, or a closed one, has no such clock.
      for (const other of [
        { ...current, kind: "school-age" as const },
        { ...current, status: "closed" as const },
      ])
        expect(due(other, clocks, new Date(8.64e15)).due.map((each) => each.rule)).not.to.include(
          "earlyYearsSchoolAge",
        );
    });
  }
});
