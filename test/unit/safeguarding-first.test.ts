import type { FormAnswers } from "../../bot/referrals/submitted-referral.js";
import { expect } from "chai";
import { applyCaseAction } from "../../bot/cases/actions.js";
import type { Case } from "../../bot/cases/case.js";
import { anonymise } from "../../bot/cases/retention.js";
import type { Actor } from "../../bot/shared/person.js";
import { safeguardingFirst, safeguardingFirstText } from "../../bot/cases/safeguarding.js";
import { formCaseOf, sampleCase } from "../support/sample-case.js";

const now = new Date("2026-11-28T10:00:00Z");
const duty = "Children's Duty: 0116 305 0005";

/** The sample case with these vulnerability answers (and urgency) changed. */
function caseWith(vulnerability: Partial<FormAnswers["vulnerability"]>, change: Partial<Case> = {}): Case {
  const base = sampleCase("school-age", now, "2026-11-28");
  return {
    ...base,
    referral: { ...base.referral, vulnerability: { ...base.referral.vulnerability, ...vulnerability } },
    ...change,
  };
}

const cscReferral: Case["referralsOn"][number] = {
  at: now.toISOString(),
  by: { id: "29:o", name: "Olu" },
  service: "childrens-social-care",
  date: "2026-11-27",
};

describe("safeguarding first: Children's Social Care before anything else", () => {
  it("is nothing to say for a case with no reason", () => {
    expect(safeguardingFirst(caseWith({}))).to.equal(undefined);
  });

  for (const [reason, answers, change, words] of [
    [
      "child-protection-plan",
      { flags: ["child-protection-plan"] },
      {},
      "this child has a child protection plan",
    ],
    ["looked-after", { flags: ["looked-after"] }, {}, "this child is looked after"],
    ["looked-after", { riskFactors: ["missing-from-care"] }, {}, "this child is looked after"],
    ["known-to-social-care", { flags: ["child-in-need"] }, {}, "this child is known to social care"],
    ["known-to-social-care", { socialWorker: "Jo Worker" }, {}, "this child is known to social care"],
    ["urgent", {}, { urgent: true }, "this case is urgent"],
  ] as const) {
    it(`names ${reason} (${JSON.stringify({ ...answers, ...change })}) and whom to call, until Children's Social Care is referred to`, () => {
      const current = caseWith(answers as never, change);
      const first = safeguardingFirst(current);
      expect(first?.reasons).to.deep.equal([reason]);
      const text = safeguardingFirstText(first!, duty);
      expect(text).to.include(words);
      expect(text).to.include("No referral to Children's Social Care is recorded");
      expect(text).to.include(duty);
      // The social worker's name is not for the channel card.
      expect(text).not.to.include("Jo Worker");
      expect(safeguardingFirst({ ...current, referralsOn: [cscReferral] })).to.equal(undefined);
      // A referral to another service does not count; a closed case has nothing to refer.
      expect(
        safeguardingFirst({ ...current, referralsOn: [{ ...cscReferral, service: "police" }] }),
      ).to.not.equal(undefined);
      expect(safeguardingFirst({ ...current, status: "closed" })).to.equal(undefined);
    });
  }

  it("names every reason at once, in order, including a further referral's", () => {
    const base = caseWith({ flags: ["looked-after"] }, { urgent: true });
    const further = formCaseOf(caseWith({ flags: ["child-protection-plan", "child-in-need"] })).referral;
    const current: Case = {
      ...base,
      furtherReferrals: [
        {
          draftId: "d2",
          at: now.toISOString(),
          referrer: base.referrer,
          kind: "school-age",
          referral: further,
        },
      ],
    };
    const first = safeguardingFirst(current)!;
    expect(first.reasons).to.deep.equal([
      "child-protection-plan",
      "looked-after",
      "known-to-social-care",
      "urgent",
    ]);
    expect(safeguardingFirstText(first, duty)).to.include(
      "Safeguarding first: this child has a child protection plan, is looked after and is known to social care, and this case is urgent.",
    );
  });

  it("does not count the school's own referral to social care, but says when it was made", () => {
    const first = safeguardingFirst(
      caseWith({
        flags: ["child-protection-plan"],
        referredToSocialCare: "yes",
        socialCareReferralDate: "2026-11-03",
        socialCareOutcome: "Assessment under way with the family at Elm Road",
      }),
    );
    expect(first).to.deep.equal({
      reasons: ["child-protection-plan"],
      schoolReferred: { date: "2026-11-03" },
    });
    const text = safeguardingFirstText(first!, duty);
    expect(text).to.include("The school says it referred the child to Children's Social Care on 3 Nov 2026");
    expect(text).to.include("record it with Refer on");
    // The school's words about the outcome may name the family: not on the channel card.
    expect(text).not.to.include("Elm Road");
    const undated = safeguardingFirst(caseWith({ flags: ["looked-after"], referredToSocialCare: "yes" }));
    expect(undated?.schoolReferred).to.deep.equal({});
    expect(safeguardingFirstText(undated!, duty)).to.include("referred the child to Children's Social Care:");
  });
});

describe("a referral on's words under retention", () => {
  it("removes why it was shared, its reference and every outcome, also from the outcome's events", () => {
    const officer: Actor = { id: "29:o", name: "Olu", roles: new Set(["officer"]) };
    const context = { now, today: "2026-11-28", signOffOutcomes: [] };
    const apply = (current: Case, name: "referOn" | "referralOnOutcome", input: object) => {
      const result = applyCaseAction(name, current, officer, input, context);
      if (!result.ok) throw new Error(result.reason);
      return result.case;
    };
    let current = apply(caseWith({}), "referOn", {
      service: "childrens-social-care",
      date: "2026-11-27",
      shared: "referral,contact-details",
      why: "Worried about Aunt Jane Doe",
      reference: "FR-1",
    });
    current = apply(current, "referralOnOutcome", { referralOnId: "1", outcome: "Placed with Jane Doe" });
    current = apply(current, "referralOnOutcome", { referralOnId: "1", outcome: "Jane Doe assessed" });
    const anonymised = anonymise(current, { appliesTo: "all", yearsAfterClosure: 7, why: "test" }, now);
    expect(JSON.stringify(anonymised)).not.to.include("Jane Doe");
    expect(anonymised.referralsOn[0]).to.deep.include({
      id: "1",
      service: "childrens-social-care",
      shared: ["referral", "contact-details"],
      lawfulBasis: "public-task-safeguarding",
    });
  });
});
