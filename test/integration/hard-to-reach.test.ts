import { expect } from "chai";
import type { Case } from "../../bot/cases/case.js";
import type { Draft } from "../../bot/referrals/draft.js";
import { stepOrder } from "../../bot/referrals/steps.js";
import {
  actionData,
  cardAction,
  cardText,
  invokeCard,
  people,
  personalConversationId,
  personalMessage,
  startHarness,
  type Harness,
} from "../support/harness.js";
import {
  goodAnswers,
  next,
  press,
  submitAction,
  sayRefer,
  walkToReview,
  type Answers,
} from "../support/referral-walk.js";
import { sampleCase, formCaseOf } from "../support/sample-case.js";

/** Every fact of a card (FactSets' title and value), markdown escapes taken off. */
function factsOf(card: unknown): { title: string; value: string }[] {
  const found: { title: string; value: string }[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      const record = node as Record<string, unknown>;
      if (record.type === "FactSet")
        for (const fact of record.facts as { title: string; value: string }[])
          found.push({ title: fact.title, value: fact.value.replace(/\\(.)/g, "$1") });
      else Object.values(record).forEach(walk);
    }
  };
  walk(card);
  return found;
}

const valueOf = (card: unknown, title: string) => factsOf(card).find((fact) => fact.title === title)?.value;

/** The text shown right under the input with this id (where a card puts the input's message). */
function messageUnder(card: unknown, id: string): string | undefined {
  let message: string | undefined;
  const walk = (node: unknown) => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => {
        if ((item as { id?: string } | null)?.id === id) {
          const after = node[index + 1] as { type?: string; text?: string } | undefined;
          message = after?.type === "TextBlock" ? after.text : undefined;
        } else walk(item);
      });
    } else if (node && typeof node === "object") Object.values(node).forEach(walk);
  };
  walk(card);
  return message;
}

/** The child with no address or postcode. */
const childWithoutAddress = Object.fromEntries(
  Object.entries(goodAnswers.child).filter(([field]) => field !== "address" && field !== "postcode"),
);

const hardToReach: Answers = {
  ...goodAnswers,
  child: { ...childWithoutAddress, addressStatus: "no-fixed-abode", sex: "not-known" },
  family: {
    ...goodAnswers.family,
    "parents.0.phone": "not known",
    "emergencyContacts.0.name": "Jan Kowalski",
    "emergencyContacts.0.relationship": "Uncle",
    "emergencyContacts.0.phone": "+48 600 123 456",
  },
  school: {
    ...goodAnswers.school,
    destinationLa: "Nottingham",
    destinationCountry: "PL",
    destinationSchool: "Szkoła Podstawowa nr 5, Kraków",
  },
  referrer: { ...goodAnswers.referrer, phone: "+353 1 234 5678" },
};

describe("hard-to-reach families, referred without made-up data", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const year = new Date().getUTCFullYear();
  const reference = `CME-${year}-00001`;
  const stored = async () => formCaseOf((await h.app.services.cases.get(reference))!);

  /** The case's Details, as an officer opens them from its card. */
  const details = async () => {
    const card = invokeCard(
      await h.send(cardAction(h.teams, people.officer, "channel", "case.refresh", { caseId: reference })),
    );
    return invokeCard(
      await h.send(
        cardAction(h.teams, people.officer, "channel", "case.details", actionData(card, "case.details")),
      ),
    );
  };

  it("submits a child of no fixed abode, sex not known, a parent's phone not known and a contact's abroad, and the case shows them", async () => {
    const review = await walkToReview(h, people.dsl, hardToReach);
    expect(valueOf(review, "Address")).to.equal("No fixed abode");
    expect(cardText(invokeCard(await h.send(submitAction(h, people.dsl, review))))).to.include(reference);

    const { referral } = await stored();
    expect(referral.child).to.include({ addressStatus: "no-fixed-abode", sex: "not-known" });
    expect(referral.child).not.to.have.property("address");
    expect(referral.child).not.to.have.property("postcode");
    expect(referral.family.parents[0]?.phone).to.equal("Not known");
    expect(referral.family.emergencyContacts[0]?.phone).to.equal("+48600123456");
    expect(referral.referrer.phone).to.equal("+35312345678");

    const shown = await details();
    expect(valueOf(shown, "Address")).to.equal("No fixed abode");
    expect(valueOf(shown, "Sex")).to.equal("Not known");
    expect(factsOf(shown).map((fact) => fact.title)).not.to.include("Postcode");
    expect(valueOf(shown, "Parent or carer 1")).to.include("Not known");
    expect(valueOf(shown, "Emergency contact 1")).to.include("+48600123456");
  });

  it("submits an address that is not known, and still asks for the address and postcode of a known one", async () => {
    let card = await sayRefer(h, people.dsl);
    card = await next(h, people.dsl, card, goodAnswers.whatHappened);
    const known = await next(h, people.dsl, card, { ...childWithoutAddress, addressStatus: "known" });
    expect(messageUnder(known, "address")).to.equal(
      "Enter the child's current address, or choose no fixed abode or not known",
    );
    expect(messageUnder(known, "postcode")).to.equal(
      "Enter the postcode, or choose no fixed abode or not known",
    );
    card = await next(h, people.dsl, known, { ...childWithoutAddress, addressStatus: "not-known" });
    expect(cardText(card)).to.include("Step 3 of 8");
    for (const step of stepOrder.slice(2)) card = await next(h, people.dsl, card, goodAnswers[step]);
    await h.send(submitAction(h, people.dsl, card));
    expect((await stored()).referral.child).to.include({ addressStatus: "not-known" });
    expect(valueOf(await details(), "Address")).to.equal("Not known");
  });

  it("refuses a phone number that is neither UK nor E.164, with a message under the field, keeping what was typed", async () => {
    let card = await sayRefer(h, people.dsl);
    for (const step of stepOrder.slice(0, 2)) card = await next(h, people.dsl, card, goodAnswers[step]);
    const typed = {
      ...goodAnswers.family,
      "parents.0.phone": "+0 600 123 456",
      "emergencyContacts.0.name": "Jan Kowalski",
      "emergencyContacts.0.phone": "+48 600",
    };
    const refused = await next(h, people.dsl, card, typed);
    const message =
      "Enter a UK phone number, like 0116 305 0005, or one abroad with + and its country code, like +48 600 123 456, or write 'not known'";
    expect(messageUnder(refused, "parents.0.phone")).to.equal(message);
    expect(messageUnder(refused, "emergencyContacts.0.phone")).to.equal(message);
    expect(cardText(refused)).to.include(`"value":"+0 600 123 456"`);
    expect(cardText(refused)).to.include(`"value":"+48 600"`);
    const draft = await h.app.services.drafts.get(people.dsl.id, `${people.dsl.id}|school-age`);
    expect(draft?.answers.family).to.equal(undefined);
  });

  it("stores a possible destination's country as its ISO code and shows it by name, from the package's list", async () => {
    let card = await sayRefer(h, people.dsl);
    for (const step of stepOrder.slice(0, 3)) card = await next(h, people.dsl, card, goodAnswers[step]);
    expect(cardText(card)).to.include(`{"title":"Poland","value":"PL"}`);
    // The one line of text older referrals had is asked no more.
    expect(cardText(card)).not.to.include(`"id":"possibleDestination"`);
    const refused = await next(h, people.dsl, card, { ...goodAnswers.school, destinationCountry: "Poland" });
    expect(messageUnder(refused, "destinationCountry")).to.equal("Choose one of the options");
    card = refused;
    for (const step of stepOrder.slice(3)) card = await next(h, people.dsl, card, hardToReach[step]);
    await h.send(submitAction(h, people.dsl, card));
    expect((await stored()).referral.school).to.include({
      destinationLa: "Nottingham",
      destinationCountry: "PL",
      destinationSchool: "Szkoła Podstawowa nr 5, Kraków",
    });
    const shown = await details();
    expect(valueOf(shown, "Possible destination: local authority")).to.equal("Nottingham");
    expect(valueOf(shown, "Possible destination: country")).to.equal("Poland");
    expect(valueOf(shown, "Possible destination: school")).to.equal("Szkoła Podstawowa nr 5, Kraków");
  });

  it("reads and shows a case stored with the destination as one line of text", async () => {
    const older = sampleCase("school-age", new Date(), new Date().toISOString().slice(0, 10));
    const school = { ...older.referral.school, possibleDestination: "Leeds, or maybe back to Poland" };
    await h
      .storeContainer("cases")
      .items.create({ ...older, id: reference, referral: { ...older.referral, school } as Case["referral"] });
    expect(valueOf(await details(), "Possible destination")).to.equal("Leeds, or maybe back to Poland");
  });

  it("keeps a draft's destination typed as one line: shown on the review and the card, kept through Next", async () => {
    await walkToReview(h, people.dsl);
    const draft = (await h.app.services.drafts.get(people.dsl.id, `${people.dsl.id}|school-age`))!;
    // As the bot stored it before the destination had fields of its own.
    const school = { ...draft.answers.school!, possibleDestination: "Leeds, via an aunt" };
    const older = { ...draft, answers: { ...draft.answers, school } as Draft["answers"] };
    await h.app.services.drafts.save(older, draft);
    await h.send(personalMessage(h.teams, people.dsl, "resume"));
    const resumed = h.teams.replies(personalConversationId(people.dsl)).at(-1)!;
    const again = (resumed.body.attachments as { content: Record<string, unknown> }[])[0]!.content;
    expect(valueOf(again, "Possible destination")).to.equal("Leeds, via an aunt");
    const schoolCard = await press(h, people.dsl, again, "referral.edit", {}, { step: "school" });
    expect(cardText(schoolCard)).to.include(`"id":"possibleDestination"`);
    expect(cardText(schoolCard)).to.include(`"value":"Leeds, via an aunt"`);
    const back = await press(h, people.dsl, schoolCard, "referral.next", {
      ...goodAnswers.school,
      possibleDestination: "Leeds, via an aunt",
    });
    expect(valueOf(back, "Possible destination")).to.equal("Leeds, via an aunt");
  });
});
