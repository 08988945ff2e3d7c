import { expect } from "chai";
import type { Draft } from "../../bot/referrals/draft.js";
import { isHighRisk, missingEnquiries } from "../../bot/referrals/readiness.js";
import { countryName } from "../../bot/referrals/countries.js";
import { schoolAgeAnswersSchema, stepOrder, type StepId } from "../../bot/referrals/steps.js";
import { isValidUpn } from "../../bot/shared/upn.js";
import { internationalPhone, phoneNotKnown, phoneNumber, phoneOrNotKnown } from "../../bot/shared/fields.js";
import {
  addRow,
  answerStep,
  currentValues,
  editStep,
  goBack,
  isComplete,
  keepTyped,
  removeRow,
  startDraft,
} from "../../bot/referrals/wizard.js";
import { goodAnswers } from "../support/referral-walk.js";

const today = "2026-11-28";
const now = new Date("2026-11-28T10:00:00Z");
const referrer = { id: "29:dsl", name: "Dana" };

function answered(draft: Draft, step: StepId, input: Record<string, string>) {
  const result = answerStep(draft, step, input, today, now);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.draft;
}

/** A draft at `step` with every earlier step answered well, rows open for every group in the answers. */
function draftAt(step: StepId): Draft {
  let draft = startDraft(referrer, "school-age", now);
  for (const each of stepOrder) {
    if (each === step) break;
    draft = withRows(draft, goodAnswers[each]);
    draft = answered(draft, each, goodAnswers[each]);
  }
  return draft;
}

function withRows(draft: Draft, input: Record<string, string>, extra = 0): Draft {
  const sizes: Record<string, number> = {};
  for (const key of Object.keys(input)) {
    const match = /^(\w+)\.(\d+)\./.exec(key);
    if (match?.[1]) sizes[match[1]] = Math.max(sizes[match[1]] ?? 0, Number(match[2]) + 1 + extra);
  }
  return { ...draft, groupSizes: { ...draft.groupSizes, ...sizes } };
}

describe("the referral wizard", () => {
  it("starts at the first step, version 1, keyed one draft per person per kind", () => {
    const draft = startDraft(referrer, "school-age", now);
    expect(draft).to.include({ id: "29:dsl|school-age", step: "whatHappened", version: 1 });
  });

  it("moves on through all seven steps to the review, bumping the version, and goes back", () => {
    const first = answered(startDraft(referrer, "school-age", now), "whatHappened", goodAnswers.whatHappened);
    expect(first).to.include({ step: "child", version: 2 });
    expect(goBack(first, now)).to.include({ step: "whatHappened", version: 3 });
    const last = answered(withRows(draftAt("referrer"), {}), "referrer", goodAnswers.referrer);
    expect(last.step).to.equal("review");
    expect(isComplete(last)).to.equal(true);
    expect(last.answers.family?.parents).to.deep.equal([
      { name: "Sam Testparent", relationship: "Mother", phone: "07700 900123" },
    ]);
    expect(last.answers.enquiries?.enquiries).to.have.length(3);
    expect(last.answers.referrer).to.include({ dfeNumber: "855/2001" });
  });

  it("goes back to the review after editing a section from it", () => {
    const complete = answered(draftAt("referrer"), "referrer", goodAnswers.referrer);
    const editing = editStep(complete, "child", now);
    expect(editing).to.include({ step: "child", editing: true });
    const again = answered(editing, "child", { ...goodAnswers.child, surname: "Changed" });
    expect(again).to.include({ step: "review", editing: false });
    expect(again.answers.child?.surname).to.equal("Changed");
  });

  it("adds and removes rows of a repeatable group, keeping what was typed in the others", () => {
    let draft = draftAt("family");
    draft = addRow(draft, "family", "parents", { "parents.0.name": "First" }, now);
    expect(draft.groupSizes.parents).to.equal(2);
    draft = addRow(
      draft,
      "family",
      "parents",
      { "parents.0.name": "First", "parents.1.name": "Second" },
      now,
    );
    draft = removeRow(
      draft,
      "family",
      "parents",
      1,
      { "parents.0.name": "First", "parents.1.name": "Second", "parents.2.name": "Third" },
      now,
    );
    expect(draft.groupSizes.parents).to.equal(2);
    expect(currentValues(draft, "family")).to.deep.equal({
      "parents.0.name": "First",
      "parents.1.name": "Third",
    });
    // The first parent row cannot go: one parent or carer is required.
    const one = removeRow(draftAt("family"), "family", "parents", 0, { "parents.0.name": "Only" }, now);
    expect(one.groupSizes.parents).to.equal(1);
  });

  it("keeps typed values unchecked for Save for later, and shows them on resume", () => {
    const saved = keepTyped(draftAt("child"), "child", { surname: "Half-typed", postcode: "nonsense" }, now);
    expect(saved.answers.child).to.equal(undefined);
    expect(currentValues(saved, "child")).to.deep.equal({ surname: "Half-typed", postcode: "nonsense" });
  });

  it("drops a wholly blank row rather than refusing it", () => {
    const draft = withRows(draftAt("family"), { ...goodAnswers.family, "siblings.0.name": "x" });
    const result = answerStep(draft, "family", { ...goodAnswers.family }, today, now);
    expect(result.ok).to.equal(true);
    if (result.ok) expect(result.draft.answers.family?.siblings).to.deep.equal([]);
  });

  it("puts a row's message under that row on the card, even after a blank row above it was dropped", () => {
    const draft = withRows(draftAt("enquiries"), {
      "enquiries.2.type": "letter",
    });
    const result = answerStep(
      draft,
      "enquiries",
      {
        "enquiries.0.type": "letter",
        "enquiries.0.date": "2026-11-05",
        "enquiries.0.outcome": "No reply",
        "enquiries.2.type": "letter",
      },
      today,
      now,
    );
    expect(result.ok).to.equal(false);
    if (!result.ok) {
      expect(Object.keys(result.errors).every((key) => key.startsWith("enquiries.2."))).to.equal(true);
      expect(result.errors).to.have.property("enquiries.2.date");
    }
  });

  it("keeps what was typed on a card when going Back from it", () => {
    const typed = keepTyped(draftAt("family"), "family", { "parents.0.name": "Typed, not checked" }, now);
    const back = goBack(typed, now);
    expect(back.step).to.equal("child");
    expect(currentValues(back, "family")).to.deep.equal({ "parents.0.name": "Typed, not checked" });
  });

  const bad: [string, StepId, Record<string, string>, string, RegExp][] = [
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
    [
      "a blank surname",
      "child",
      { ...goodAnswers.child, surname: "   " },
      "surname",
      /Enter the child's surname/,
    ],
    ["no forenames", "child", { ...goodAnswers.child, forenames: "" }, "forenames", /forename/],
    [
      "a date of birth that is not a date",
      "child",
      { ...goodAnswers.child, dateOfBirth: "2015-02-30" },
      "dateOfBirth",
      /as a date/,
    ],
    [
      "a date of birth in the future",
      "child",
      { ...goodAnswers.child, dateOfBirth: "2027-01-01" },
      "dateOfBirth",
      /future/,
    ],
    [
      "a child under school age",
      "child",
      { ...goodAnswers.child, dateOfBirth: "2022-06-01" },
      "dateOfBirth",
      /under compulsory school age until 2027-08-31/,
    ],
    [
      "a child over school age",
      "child",
      { ...goodAnswers.child, dateOfBirth: "2009-06-01" },
      "dateOfBirth",
      /over compulsory school age/,
    ],
    ["no sex", "child", { ...goodAnswers.child, sex: "" }, "sex", /sex/],
    ["a bad postcode", "child", { ...goodAnswers.child, postcode: "LE3" }, "postcode", /UK postcode/],
    ["no address", "child", { ...goodAnswers.child, address: "" }, "address", /address/],
    [
      "a known address with no postcode",
      "child",
      { ...goodAnswers.child, addressStatus: "known", postcode: "" },
      "postcode",
      /Enter the postcode, or choose no fixed abode or not known/,
    ],
    [
      "a bad postcode with no fixed abode",
      "child",
      { ...goodAnswers.child, addressStatus: "no-fixed-abode", address: "", postcode: "LE3" },
      "postcode",
      /UK postcode/,
    ],
    ["a UPN of the wrong shape", "child", { ...goodAnswers.child, upn: "12345" }, "upn", /13 characters/],
    [
      "a UPN whose check letter is wrong",
      "child",
      { ...goodAnswers.child, upn: "A801200001001" },
      "upn",
      /check letter/,
    ],
    ["no parent or carer", "family", {}, "parents", /Add at least one parent or carer/],
    [
      "a parent's phone that is not a UK number",
      "family",
      { ...goodAnswers.family, "parents.0.phone": "12345" },
      "parents.0.phone",
      /UK phone/,
    ],
    [
      "a parent's bad e-mail",
      "family",
      { ...goodAnswers.family, "parents.0.email": "not-an-email" },
      "parents.0.email",
      /e-mail/,
    ],
    ["no school", "school", { dateLastAttended: "2026-11-02", onRoll: "on-roll" }, "school", /school's name/],
    [
      "last attended in the future",
      "school",
      { ...goodAnswers.school, dateLastAttended: "2026-12-01" },
      "dateLastAttended",
      /future/,
    ],
    [
      "last attended before birth",
      "school",
      { ...goodAnswers.school, dateLastAttended: "2014-01-01" },
      "dateLastAttended",
      /before the child's date of birth/,
    ],
    [
      "a deletion with no ground",
      "school",
      { ...goodAnswers.school, onRoll: "deleted", deletionDate: "2026-11-20" },
      "deletionGround",
      /regulation 9/,
    ],
    ["no DSL", "vulnerability", { riskAppraisal: "x" }, "dslName", /safeguarding lead's name/],
    [
      "an unknown risk factor",
      "vulnerability",
      { ...goodAnswers.vulnerability, riskFactors: "runaway,aliens" },
      "riskFactors",
      /Choose from the list/,
    ],
    [
      "an enquiry with no outcome",
      "enquiries",
      { "enquiries.0.type": "letter", "enquiries.0.date": "2026-11-01" },
      "enquiries.0.outcome",
      /outcome/,
    ],
    [
      "an enquiry dated in the future",
      "enquiries",
      { "enquiries.0.type": "letter", "enquiries.0.date": "2026-12-25", "enquiries.0.outcome": "x" },
      "enquiries.0.date",
      /future/,
    ],
    [
      "a DfE number of the wrong shape",
      "referrer",
      { ...goodAnswers.referrer, dfeNumber: "85/21" },
      "dfeNumber",
      /855\/2001/,
    ],
    ["a bad e-mail", "referrer", { ...goodAnswers.referrer, email: "dana at school" }, "email", /e-mail/],
    [
      "no answer on telling parents",
      "referrer",
      { ...goodAnswers.referrer, parentsTold: "" },
      "parentsTold",
      /parents/,
    ],
  ];
  for (const [what, step, input, field, message] of bad) {
    it(`refuses ${what} (${step}), saying so under ${field} and keeping the values`, () => {
      const draft = withRows(draftAt(step), input);
      const result = answerStep(draft, step, input, today, now);
      expect(result.ok).to.equal(false);
      if (result.ok) return;
      expect(result.errors[field]).to.match(message);
      for (const [key, value] of Object.entries(input)) {
        if (value.trim()) expect(result.values[key]).to.equal(value);
      }
    });
  }

  it("takes no fixed abode or not known without an address or postcode, and sex not known", () => {
    for (const addressStatus of ["no-fixed-abode", "not-known"]) {
      const child = { ...goodAnswers.child, address: "", postcode: "" };
      const draft = answered(draftAt("child"), "child", { ...child, addressStatus, sex: "not-known" });
      expect(draft.answers.child).to.include({ addressStatus, sex: "not-known" });
      expect(draft.answers.child).not.to.have.property("address");
    }
  });

  it("offers the package's countries on the card, and reads a stored code the package has since dropped", () => {
    const school = answered(draftAt("school"), "school", { ...goodAnswers.school, destinationCountry: "PL" });
    expect(school.answers.school).to.include({ destinationCountry: "PL" });
    for (const code of ["AN", "pl", "Poland"]) {
      const result = answerStep(
        draftAt("school"),
        "school",
        { ...goodAnswers.school, destinationCountry: code },
        today,
        now,
      );
      expect(result.ok, code).to.equal(false);
      if (!result.ok) expect(result.errors.destinationCountry, code).to.match(/Choose one of the options/);
    }
    // Netherlands Antilles (AN) left ISO 3166-1 in 2010: a case that recorded it still parses, named by its code.
    const stored = { ...school.answers, school: { ...school.answers.school, destinationCountry: "AN" } };
    expect(schoolAgeAnswersSchema.shape.school.safeParse(stored.school).success).to.equal(true);
    expect(
      schoolAgeAnswersSchema.shape.school.safeParse({ ...stored.school, destinationCountry: "Poland" })
        .success,
    ).to.equal(false);
    expect(countryName("AN")).to.equal("AN");
  });

  it("normalises a postcode, a UPN and a DfE number", () => {
    const child = answered(draftAt("child"), "child", {
      ...goodAnswers.child,
      postcode: "le188ab",
      upn: "h801200001001",
    });
    expect(child.answers.child).to.include({ postcode: "LE18 8AB", upn: "H801200001001" });
    const referrerStep = answered(draftAt("referrer"), "referrer", {
      ...goodAnswers.referrer,
      dfeNumber: "8552001",
    });
    expect(referrerStep.answers.referrer).to.include({ dfeNumber: "855/2001" });
  });
});

describe("phone numbers", () => {
  it("reads a number abroad as E.164: +, a country code not starting 0, 8 to 15 digits in all, stored without spaces", () => {
    expect(internationalPhone("+48 600 123 456")).to.equal("+48600123456");
    expect(internationalPhone("+1-202-555-0143")).to.equal("+12025550143");
    expect(internationalPhone("+3531234")).to.equal(undefined); // 7 digits
    expect(internationalPhone("+35312345")).to.equal("+35312345"); // 8 digits, the fewest
    expect(internationalPhone("+123456789012345")).to.equal("+123456789012345"); // 15, the most
    expect(internationalPhone("+1234567890123456")).to.equal(undefined); // 16
    expect(internationalPhone("+0123456789")).to.equal(undefined); // no country code starts 0
    expect(internationalPhone("0048600123456")).to.equal(undefined); // 00 instead of +
    expect(internationalPhone("+48 600 123 45x")).to.equal(undefined);
    expect(internationalPhone("++48600123456")).to.equal(undefined);
    expect(internationalPhone("+44 12345 678")).to.equal(undefined); // UK numbers follow the UK rule
  });

  it("takes UK numbers as typed, numbers abroad normalised, and 'not known' only where a number may be unknown", () => {
    const contact = phoneOrNotKnown("contact's phone number");
    expect(contact.parse("0116 305 0005")).to.equal("0116 305 0005");
    expect(contact.parse("+44 7700 900123")).to.equal("+44 7700 900123");
    expect(contact.parse(" +48 600 123 456 ")).to.equal("+48600123456");
    for (const words of [
      "not known",
      "Not Known",
      "NOT  KNOWN",
      "unknown",
      "not-known",
      "n/k",
      phoneNotKnown,
    ])
      expect(contact.parse(words), words).to.equal(phoneNotKnown);
    expect(contact.safeParse("+44 12").error?.issues[0]?.message).to.match(
      /UK phone number.*\+48.*'not known'/,
    );
    expect(contact.safeParse("").error?.issues[0]?.message).to.equal("Enter the contact's phone number");
    // Brackets as people write them, and the trunk "(0)" after a country code (never dialled from abroad).
    expect(contact.parse("+1 (555) 123-4567")).to.equal("+15551234567");
    expect(contact.parse("+33 (0)1 23 45 67 89")).to.equal("+33123456789");
    expect(contact.parse("+44 (0)116 305 0005")).to.equal("+44 (0)116 305 0005");
    expect(contact.parse("(0116) 305 0005")).to.equal("(0116) 305 0005");
    expect(contact.safeParse("0116 (0)305 0005").success).to.equal(false);
    const own = phoneNumber("your phone number");
    expect(own.parse("+351 21 000 0000")).to.equal("+351210000000");
    expect(own.safeParse("not known").success).to.equal(false);
    expect(own.safeParse("not known").error?.issues[0]?.message).not.to.match(/not known/);
  });
});

describe("unique pupil numbers", () => {
  it("checks the check letter, for permanent and temporary UPNs", () => {
    expect(isValidUpn("H801200001001")).to.equal(true);
    expect(isValidUpn("A801200001001")).to.equal(false);
    expect(isValidUpn("K85520011000A")).to.equal(true);
    expect(isValidUpn("K85520011000B")).to.equal(false);
  });
});

describe("the readiness gate and high risk", () => {
  it("lists the core enquiries and the home visit that are missing, with why they matter", () => {
    const none = missingEnquiries("school-age", { enquiries: [], homeVisits: [] });
    expect(none.map((m) => m.title)).to.deep.equal([
      "First-day call",
      "All emergency contacts (different times of day)",
      "Letter to last known address",
      "Home visit",
    ]);
    expect(none.every((m) => m.why.length > 10)).to.equal(true);
    const some = missingEnquiries("school-age", {
      enquiries: [{ type: "letter", date: "2026-11-01", outcome: "none" }],
      homeVisits: [{ date: "2026-11-02" }] as never,
    });
    expect(some.map((m) => m.title)).to.deep.equal([
      "First-day call",
      "All emergency contacts (different times of day)",
    ]);
  });

  it("makes immediate danger, high-risk factors and flags urgent, and nothing else", () => {
    expect(isHighRisk({ whatHappened: { whatHappened: "other", immediateDanger: "yes" } } as never)).to.equal(
      true,
    );
    const vulnerability = { dslName: "x", riskAppraisal: "y", riskFactors: [], flags: [] };
    expect(isHighRisk({ vulnerability: { ...vulnerability, riskFactors: ["runaway"] } } as never)).to.equal(
      true,
    );
    expect(
      isHighRisk({ vulnerability: { ...vulnerability, flags: ["child-protection-plan"] } } as never),
    ).to.equal(true);
    expect(
      isHighRisk({ vulnerability: { ...vulnerability, riskFactors: ["bullied"], flags: ["ehcp"] } } as never),
    ).to.equal(false);
  });
});
