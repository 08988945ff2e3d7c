import { expect } from "chai";
import {
  birthdayAtAge,
  retentionCutoff,
  retentionEnd,
  retentionPolicySchema,
  type RetentionFacts,
  type RetentionRule,
} from "../../bot/cases/retention.js";
import { readChecked } from "../../bot/escalations/files.js";
import { alertWithoutDetails } from "../../bot/referrals/danger-alert.js";

const sevenYears: RetentionRule = { appliesTo: "all", yearsAfterClosure: 7, why: "x" };
const age25: RetentionRule = { appliesTo: "all", untilAge: 25, why: "x" };
const lookedAfter75: RetentionRule = { appliesTo: "looked-after", untilAge: 75, why: "x" };
const plan40: RetentionRule = { appliesTo: "child-protection-plan", yearsAfterClosure: 40, why: "x" };

const facts = (dateOfBirth: string, closedAt: string, flags: string[] = [], riskFactors: string[] = []) =>
  ({ closedAt, dateOfBirth, vulnerabilities: [{ flags, riskFactors }] }) satisfies RetentionFacts;

/** Whether the case is past retention at an instant (what the sweep decides). */
const past = (of: RetentionFacts, rules: RetentionRule[], at: string) =>
  retentionEnd(of, { rules })!.until <= new Date(at);

describe("retention by rule (pure)", () => {
  it("N years after closure: kept the day before, past at the closure's time on the day, and after", () => {
    const closed = facts("2005-06-01", "2026-03-10T14:00:00.000Z");
    expect(past(closed, [sevenYears], "2033-03-09T14:00:00Z")).to.equal(false);
    expect(past(closed, [sevenYears], "2033-03-10T13:59:59Z")).to.equal(false);
    expect(past(closed, [sevenYears], "2033-03-10T14:00:00Z")).to.equal(true);
    expect(past(closed, [sevenYears], "2033-03-11T14:00:00Z")).to.equal(true);
  });

  it("until age N: kept the day before the birthday, past from the start of the birthday (UK time), and after", () => {
    const closed = facts("2015-07-20", "2026-03-10T14:00:00.000Z");
    expect(past(closed, [age25], "2040-07-19T22:59:59Z")).to.equal(false);
    // Midnight in London in July is 23:00 UTC the day before.
    expect(past(closed, [age25], "2040-07-19T23:00:00Z")).to.equal(true);
    expect(past(closed, [age25], "2040-07-21T12:00:00Z")).to.equal(true);
    const winter = facts("2015-01-20", "2026-03-10T14:00:00.000Z");
    expect(retentionEnd(winter, { rules: [age25] })?.until.toISOString()).to.equal(
      "2040-01-20T00:00:00.000Z",
    );
  });

  it("a 29 February birthday is reached on 1 March in a year without one, on 29 February in a leap year", () => {
    expect(birthdayAtAge("2016-02-29", 25)).to.equal("2041-03-01");
    expect(birthdayAtAge("2016-02-29", 24)).to.equal("2040-02-29");
    const leapling = facts("2016-02-29", "2026-03-10T14:00:00.000Z");
    expect(past(leapling, [age25], "2041-02-28T12:00:00Z")).to.equal(false);
    expect(past(leapling, [age25], "2041-03-01T00:00:00Z")).to.equal(true);
    expect(past(leapling, [age25], "2041-03-02T00:00:00Z")).to.equal(true);
  });

  it("applies the longest rule that matches: the later of 7 years and age 25, 75 for looked-after children", () => {
    const rules = [sevenYears, age25, lookedAfter75, plan40];
    // 21 at closure: 25 in 2030, before 7 years after closure (2033).
    const older = facts("2005-01-15", "2026-03-10T14:00:00.000Z");
    expect(retentionEnd(older, { rules })?.rule).to.equal(sevenYears);
    const younger = facts("2015-01-15", "2026-03-10T14:00:00.000Z");
    expect(retentionEnd(younger, { rules })?.rule).to.equal(age25);
    // Looked after: by the flag, or by the risk factor "looked after" or "missing from care".
    for (const [flags, riskFactors] of [
      [["looked-after"], []],
      [[], ["looked-after"]],
      [[], ["missing-from-care"]],
    ]) {
      const cared = facts("2015-01-15", "2026-03-10T14:00:00.000Z", flags, riskFactors);
      expect(retentionEnd(cared, { rules })?.rule, String([flags, riskFactors])).to.equal(lookedAfter75);
      expect(past(cared, rules, "2090-01-14T12:00:00Z")).to.equal(false);
      expect(past(cared, rules, "2090-01-15T00:00:00Z")).to.equal(true);
    }
    // A child protection plan on a further referral counts as on the first.
    const plan = {
      ...younger,
      vulnerabilities: [...younger.vulnerabilities, { flags: ["child-protection-plan"], riskFactors: [] }],
    };
    expect(retentionEnd(plan, { rules })?.rule).to.equal(plan40);
  });

  it("asks the store only for cases closed before the longest after-closure rule for all cases", () => {
    const now = new Date("2040-05-01T00:00:00Z");
    expect(retentionCutoff({ rules: [sevenYears, age25, plan40] }, now).toISOString()).to.equal(
      "2033-05-01T00:00:00.000Z",
    );
    expect(retentionCutoff({ rules: [age25] }, now)).to.deep.equal(now);
  });

  it("ships a policy file that passes its schema; a rule with both kinds, or none, is refused", () => {
    const shipped = readChecked(
      new URL("../../config/retention-policy.json", import.meta.url).pathname,
      retentionPolicySchema,
      "The retention policy",
    );
    expect(shipped.rules).to.deep.include.members([{ ...sevenYears, why: shipped.rules[0]!.why }]);
    expect(shipped.unsubmittedAlerts.daysAfterDraftEnded).to.equal(90);
    expect(retentionPolicySchema.safeParse({ ...shipped, unsubmittedAlerts: undefined }).success).to.equal(
      false,
    );
    expect(
      retentionPolicySchema.safeParse({
        rules: [{ appliesTo: "all", untilAge: 25, yearsAfterClosure: 7, why: "x" }],
      }).success,
    ).to.equal(false);
    expect(retentionPolicySchema.safeParse({ rules: [{ appliesTo: "all", why: "x" }] }).success).to.equal(
      false,
    );
    expect(retentionPolicySchema.safeParse({ rules: [] }).success).to.equal(false);
  });

  it("keeps of an alert only when it was raised and what became of it", () => {
    const view = {
      raisedAt: "23 Nov 2026, 10:00",
      referrer: "Dana School-DSL",
      setting: "Example Primary School",
      contact: "0116 496 0000, dsl@example-primary.example",
      childName: "Amelia Rose Testchild",
      whatHappened: "Other: staying with Aunt Jane at 5 Elm Rd",
      answerChanged: 'The referrer has since changed their answer to "not in immediate danger".',
      state: "The referrer cancelled this referral on 23 Nov 2026, 10:05: follow up with the referrer.",
      ended: true,
      reference: "",
      hasCase: false,
    };
    const redacted = alertWithoutDetails(view, new Date("2027-02-21T10:00:00Z"));
    const text = JSON.stringify(redacted);
    for (const value of ["Dana", "Example Primary", "0116", "Amelia", "Aunt Jane", "changed their answer"])
      expect(text, value).not.to.include(value);
    expect(redacted).to.include({ raisedAt: view.raisedAt, ended: true, detailsRemoved: true });
    expect(redacted.state).to.include("The referrer cancelled this referral on 23 Nov 2026");
    expect(redacted.state).to.include("removed on 21 Feb 2027");
  });
});
