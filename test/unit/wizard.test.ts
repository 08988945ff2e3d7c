import { expect } from "chai";
import { answerStep, goBack, isComplete, startDraft } from "../../bot/referrals/wizard.js";
import type { Draft } from "../../bot/referrals/draft.js";

const today = "2026-11-28";
const now = new Date("2026-11-28T10:00:00Z");
const referrer = { id: "29:dsl", name: "Dana" };

function answered(draft: Draft, step: "whatHappened" | "child" | "school", input: Record<string, string>) {
  const result = answerStep(draft, step, input, today, now);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.draft;
}

const child = {
  forenames: "Amelia",
  surname: "Test",
  dateOfBirth: "2015-03-14",
  sex: "female",
  address: "1 Road",
  postcode: "LE3 8RA",
};

describe("the referral wizard", () => {
  it("starts at the first step, version 1, keyed one draft per person per kind", () => {
    const draft = startDraft(referrer, "school-age", now);
    expect(draft).to.include({ id: "29:dsl|school-age", step: "whatHappened", version: 1 });
  });

  it("moves on and bumps the version when a step is valid, and goes back", () => {
    const first = answered(startDraft(referrer, "school-age", now), "whatHappened", {
      whatHappened: "believed-abroad",
      immediateDanger: "no",
    });
    expect(first).to.include({ step: "child", version: 2 });
    expect(first.answers.whatHappened).to.deep.equal({
      whatHappened: "believed-abroad",
      immediateDanger: "no",
    });
    expect(goBack(first, now)).to.include({ step: "whatHappened", version: 3 });
  });

  it("reaches review only when every step is answered", () => {
    let draft = answered(startDraft(referrer, "school-age", now), "whatHappened", {
      whatHappened: "other",
      whatHappenedOther: "Family left overnight",
      immediateDanger: "yes",
    });
    expect(isComplete(draft)).to.equal(false);
    draft = answered(draft, "child", child);
    draft = answered(draft, "school", { school: "Example School", dateLastAttended: "2026-11-02" });
    expect(draft.step).to.equal("review");
    expect(isComplete(draft)).to.equal(true);
  });

  const bad: [string, "whatHappened" | "child" | "school", Record<string, string>, string, RegExp][] = [
    ["nothing chosen", "whatHappened", {}, "whatHappened", /Choose what happened/],
    [
      "an unknown choice",
      "whatHappened",
      { whatHappened: "lost", immediateDanger: "no" },
      "whatHappened",
      /Choose what happened/,
    ],
    [
      "other without a description",
      "whatHappened",
      { whatHappened: "other", immediateDanger: "no" },
      "whatHappenedOther",
      /Describe/,
    ],
    [
      "no answer on danger",
      "whatHappened",
      { whatHappened: "believed-abroad" },
      "immediateDanger",
      /immediate danger/,
    ],
    ["a blank surname", "child", { ...child, surname: "   " }, "surname", /Enter the child's surname/],
    ["no forenames", "child", { ...child, forenames: "" }, "forenames", /forename/],
    [
      "a date of birth that is not a date",
      "child",
      { ...child, dateOfBirth: "2015-02-30" },
      "dateOfBirth",
      /as a date/,
    ],
    [
      "a date of birth in the future",
      "child",
      { ...child, dateOfBirth: "2027-01-01" },
      "dateOfBirth",
      /future/,
    ],
    [
      "a child under school age",
      "child",
      { ...child, dateOfBirth: "2022-06-01" },
      "dateOfBirth",
      /under compulsory school age until 2027-08-31/,
    ],
    [
      "a child over school age",
      "child",
      { ...child, dateOfBirth: "2009-06-01" },
      "dateOfBirth",
      /over compulsory school age/,
    ],
    ["no sex", "child", { ...child, sex: "" }, "sex", /sex/],
    ["a bad postcode", "child", { ...child, postcode: "LE3" }, "postcode", /UK postcode/],
    ["no address", "child", { ...child, address: "" }, "address", /address/],
    ["no school", "school", { dateLastAttended: "2026-11-02" }, "school", /school's name/],
    [
      "last attended in the future",
      "school",
      { school: "X", dateLastAttended: "2026-12-01" },
      "dateLastAttended",
      /future/,
    ],
    [
      "last attended before birth",
      "school",
      { school: "X", dateLastAttended: "2014-01-01" },
      "dateLastAttended",
      /before the child's date of birth/,
    ],
  ];
  for (const [what, step, input, field, message] of bad) {
    it(`refuses ${what}, saying so under ${field} and keeping the values`, () => {
      let draft = startDraft(referrer, "school-age", now);
      if (step === "school")
        draft = { ...draft, answers: { child: { ...child, knownAs: undefined } } } as Draft;
      const result = answerStep(draft, step, input, today, now);
      expect(result.ok).to.equal(false);
      if (result.ok) return;
      expect(result.errors[field]).to.match(message);
      for (const [key, value] of Object.entries(input)) {
        if (value.trim()) expect(result.values[key]).to.equal(value);
      }
    });
  }

  it("normalises a postcode to upper case with one space", () => {
    const draft = answered(startDraft(referrer, "school-age", now), "child", {
      ...child,
      postcode: "le188ab",
    });
    expect(draft.answers.child?.postcode).to.equal("LE18 8AB");
  });
});
