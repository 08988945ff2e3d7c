import { expect } from "chai";
import {
  cardIn,
  cardText,
  channelId,
  deliverPendingNow,
  invokeCard,
  people,
  personalConversationId,
  personalMessage,
  startHarness,
  type Harness,
  type Who,
} from "../support/harness.js";
import {
  goodAnswers,
  goodEarlyYearsAnswers,
  next,
  press,
  refer,
  sayRefer,
  submitAction,
  walkToReview,
} from "../support/referral-walk.js";

/** The council's contacts as this test configures them: a card shows them only if they come from configuration. */
const contacts = {
  CME_CONTACT_NAME: "Priya Named-Officer",
  CME_CONTACT_PHONE: "0116 496 0123",
  CME_CONTACT_EMAIL: "priya.cme@council.example",
  ATTENDANCE_SERVICE_CONTACT: "Attendance Support Team, 0116 496 0456",
  EHE_TEAM_CONTACT: "Elective Home Education team, 0116 496 0789",
};

/** The front-door answers and what happened, on the first card. */
const firstCard = (frontDoor: Record<string, string>, whatHappened = "not-returned-after-leave") => ({
  ...frontDoor,
  whatHappened,
  immediateDanger: "no",
});

const attendanceMatter = { stillOnRoll: "yes", whereaboutsKnown: "yes", familyInContact: "yes" };

describe("the front door: not CME is told, not opened; and the named CME contact", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(contacts);
  });
  afterEach(async () => {
    await h.close();
  });

  const draftOf = (who: Who = people.dsl, kind = "school-age") =>
    h.app.services.drafts.get(who.id, `${who.id}|${kind}`);

  /** No case in the cases container, and nothing posted to the CME channel. */
  async function expectNoCase() {
    expect(await h.app.services.cases.countSince("submitted", new Date(0))).to.equal(0);
    await deliverPendingNow(h);
    expect(h.teams.posts(channelId)).to.have.length(0);
  }

  function expectCmeContact(card: Record<string, unknown>) {
    const text = cardText(card);
    expect(text).to.include(contacts.CME_CONTACT_NAME);
    expect(text).to.include(contacts.CME_CONTACT_PHONE);
    expect(text).to.include(contacts.CME_CONTACT_EMAIL);
  }

  it("asks on the first card whether the child is on roll, whereabouts known and the family in contact", async () => {
    const card = await sayRefer(h, people.dsl);
    expect(cardText(card)).to.include("Is the child still on your school's roll?");
    expect(cardText(card)).to.include("Does the school know where the child is?");
    const refused = await next(h, people.dsl, card, {
      whatHappened: "believed-abroad",
      immediateDanger: "no",
    });
    expect(cardText(refused)).to.include("Say whether the child is still on the school's roll");
    expect(cardText(refused)).to.include("Say whether the school knows where the child is");
    const onRollKnown = await next(
      h,
      people.dsl,
      refused,
      firstCard({ stillOnRoll: "yes", whereaboutsKnown: "yes" }),
    );
    expect(cardText(onRollKnown)).to.include("Say whether the family is in contact with the school");
    expect((await draftOf())?.answers.whatHappened).to.equal(undefined);

    const early = await sayRefer(h, people.earlyYears, "refer early years");
    expect(cardText(early)).to.include("Is the child still on your setting's register?");
    expect(cardText(early)).to.include("Does the setting know where the child is?");
  });

  it("tells the referrer an on-roll pupil, whereabouts known and family in contact, is an attendance matter, and opens no case", async () => {
    const redirect = await next(h, people.dsl, await sayRefer(h, people.dsl), firstCard(attendanceMatter));
    const text = cardText(redirect);
    expect(text).to.include("This is an attendance matter, not CME");
    expect(text).to.include("missing out on education (PME)");
    expect(text).to.include(contacts.ATTENDANCE_SERVICE_CONTACT);
    expect(text).to.include("No CME case has been opened");
    expectCmeContact(redirect);
    await expectNoCase();

    // Answered wrongly: back to the card, answers kept, and a changed answer carries on.
    const back = await press(h, people.dsl, redirect, "referral.back");
    expect(cardText(back)).to.include("Step 1 of 8");
    expect(cardText(back)).to.include('"id":"familyInContact","label"');
    expect(cardText(back)).to.match(/"id":"familyInContact"[^}]*"value":"yes"/);
    const child = await next(h, people.dsl, back, firstCard({ ...attendanceMatter, familyInContact: "no" }));
    expect(cardText(child)).to.include("Step 2 of 8");
    expect((await draftOf())?.answers.whatHappened?.familyInContact).to.equal("no");
  });

  it("redirects an early-years child on the setting's register, whereabouts known, family in contact", async () => {
    const card = await sayRefer(h, people.earlyYears, "refer early years");
    const redirect = await next(
      h,
      people.earlyYears,
      card,
      firstCard(attendanceMatter, "unexplained-absence"),
    );
    expect(cardText(redirect)).to.include("This is an attendance matter, not CME");
    expect(cardText(redirect)).to.include(contacts.ATTENDANCE_SERVICE_CONTACT);
    expectCmeContact(redirect);
    await expectNoCase();
  });

  it("sends a parent's written notice of home education to the EHE team, opens no case, and can discard the answers", async () => {
    const card = await sayRefer(h, people.dsl);
    expect(cardText(card)).to.include("Parent notified the school in writing that they will home educate");
    const redirect = await next(
      h,
      people.dsl,
      card,
      firstCard({ stillOnRoll: "no", whereaboutsKnown: "yes" }, "home-education-in-writing"),
    );
    const text = cardText(redirect);
    expect(text).to.include("Written notice of home education");
    expect(text).to.include("9(1)(f)");
    expect(text).to.include(contacts.EHE_TEAM_CONTACT);
    expectCmeContact(redirect);
    await expectNoCase();
    const discarded = await press(h, people.dsl, redirect, "referral.cancel");
    expect(cardText(discarded)).to.include("discarded");
    expect(await draftOf()).to.equal(undefined);
  });

  it("keeps a written notice of home education a CME referral when the school does not know where the child is", async () => {
    // Whereabouts unknown is CME whatever the parent wrote: the EHE team cannot follow up a child nobody can find.
    const child = await next(
      h,
      people.dsl,
      await sayRefer(h, people.dsl),
      firstCard({ stillOnRoll: "no", whereaboutsKnown: "no" }, "home-education-in-writing"),
    );
    expect(cardText(child)).to.include("Step 2 of 8");
    expect(cardText(child)).not.to.include("Written notice of home education");
    expect(cardText(child)).not.to.include(contacts.EHE_TEAM_CONTACT);
  });

  it("shows the emergency numbers on a redirect when the child is in immediate danger", async () => {
    const redirect = await next(h, people.dsl, await sayRefer(h, people.dsl), {
      ...firstCard(attendanceMatter),
      immediateDanger: "yes",
    });
    expect(cardText(redirect)).to.include("You said the child is in immediate danger: call now");
    expect(cardText(redirect)).to.include("0116 305 0005");
  });

  it("still takes 'parent said, not in writing' as a CME referral, with the named contact on the confirmation", async () => {
    const submitted = await refer(h, people.dsl, {
      ...goodAnswers,
      whatHappened: firstCard(
        { stillOnRoll: "no", whereaboutsKnown: "yes", familyInContact: "yes" },
        "home-education-not-in-writing",
      ),
      school: {
        ...goodAnswers.school,
        onRoll: "deleted",
        deletionDate: "2026-11-10",
        deletionGround: "i",
      },
    });
    const reference = `CME-${new Date().getUTCFullYear()}-00001`;
    expect(cardText(submitted)).to.include(`Referral received: ${reference}`);
    expectCmeContact(submitted);
    const stored = await h.app.services.cases.get(reference);
    expect(stored?.referral.whatHappened).to.include({
      whatHappened: "home-education-not-in-writing",
      stillOnRoll: "no",
    });
  });

  it("continues the referral for every other combination of answers", async () => {
    const combinations: Record<string, string>[] = [
      { stillOnRoll: "yes", whereaboutsKnown: "yes", familyInContact: "no" },
      { stillOnRoll: "yes", whereaboutsKnown: "no" },
      { stillOnRoll: "yes", whereaboutsKnown: "no", familyInContact: "yes" },
      { stillOnRoll: "no", whereaboutsKnown: "yes" },
      { stillOnRoll: "no", whereaboutsKnown: "yes", familyInContact: "yes" },
      { stillOnRoll: "no", whereaboutsKnown: "no" },
    ];
    let card = await sayRefer(h, people.dsl);
    for (const frontDoor of combinations) {
      const child = await next(h, people.dsl, card, firstCard(frontDoor));
      expect(cardText(child), JSON.stringify(frontDoor)).to.include("Step 2 of 8");
      card = await press(h, people.dsl, child, "referral.back", goodAnswers.child, { step: "child" });
    }
    await expectNoCase();
  });

  it("keeps the school card's 'on roll' consistent with the first card's", async () => {
    let card = await sayRefer(h, people.dsl);
    card = await next(h, people.dsl, card, goodAnswers.whatHappened);
    card = await next(h, people.dsl, card, goodAnswers.child);
    card = await next(h, people.dsl, card, goodAnswers.family);
    expect(cardText(card)).to.match(/"id":"onRoll"[^}]*"value":"on-roll"/);
    const contradicted = await next(h, people.dsl, card, {
      ...goodAnswers.school,
      onRoll: "deleted",
      deletionDate: "2026-11-10",
      deletionGround: "i",
    });
    expect(cardText(contradicted)).to.include(
      "On the first card you said the child is still on the school's roll",
    );
    expect((await draftOf())?.answers.school).to.equal(undefined);
  });

  it("asks a draft saved before these questions for them first, then carries on where it was", async () => {
    const review = await walkToReview(h, people.dsl);
    const stored = await draftOf();
    if (!stored?.answers.whatHappened) throw new Error("no draft");
    // As stored before: no answers to the front-door questions.
    const before = { ...stored.answers.whatHappened };
    delete before.stillOnRoll;
    delete before.whereaboutsKnown;
    delete before.familyInContact;
    await h.app.services.drafts.save(
      { ...stored, answers: { ...stored.answers, whatHappened: before } as typeof stored.answers },
      stored,
    );

    // The review card it had: Submit makes no case until they are answered.
    const refused = invokeCard(await h.send(submitAction(h, people.dsl, review)));
    expect(cardText(refused)).to.include("Step 1 of 8");
    await expectNoCase();

    const replies = h.teams.replies(personalConversationId(people.dsl)).length;
    await h.send(personalMessage(h.teams, people.dsl, "resume"));
    const resumed = cardIn(h.teams.replies(personalConversationId(people.dsl))[replies]!);
    expect(cardText(resumed)).to.include("Step 1 of 8");
    expect(cardText(resumed)).to.include("I now ask first whether the child is still on the roll");
    expect(cardText(resumed)).to.include('"value":"whereabouts-unknown"');

    const back = await next(h, people.dsl, resumed, goodAnswers.whatHappened);
    expect(cardText(back)).to.include("check your answers, then submit");
    expect(cardText(back)).to.include("Whereabouts known");
    expect(cardText(await press(h, people.dsl, back, "referral.submit"))).to.include("Referral received");
  });

  it("names the CME contact in help, from configuration", async () => {
    const before = h.teams.replies(personalConversationId(people.dsl)).length;
    await h.send(personalMessage(h.teams, people.dsl, "help"));
    const help = h.teams.replies(personalConversationId(people.dsl)).slice(before);
    const card = help
      .map((reply) => reply.body)
      .find((body) => JSON.stringify(body).includes("CME Referrals"));
    expect(card, "help card").to.not.equal(undefined);
    expectCmeContact(card as Record<string, unknown>);
  });

  it("names the CME contact on an early-years confirmation too", async () => {
    const submitted = await refer(h, people.earlyYears, goodEarlyYearsAnswers, "refer early years");
    expectCmeContact(submitted);
  });
});
