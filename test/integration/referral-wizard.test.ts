import { expect } from "chai";
import { stepOrder } from "../../bot/referrals/steps.js";
import {
  cardAction,
  cardText,
  channelMessage,
  invokeCard,
  invokeMessage,
  people,
  personalConversationId,
  startHarness,
  type Harness,
} from "../support/harness.js";
import {
  goodAnswers,
  next,
  press,
  refer,
  rowsOnCard,
  sayRefer,
  submitAction,
  walkToReview,
} from "../support/referral-walk.js";

/** For each card, inputs that are wrong and what the card must then say. */
const badInputs: Record<(typeof stepOrder)[number], [Record<string, string>, string[]]> = {
  whatHappened: [
    { whatHappened: "other" },
    ["Describe what happened", "Say whether the child is in immediate danger"],
  ],
  child: [
    { ...goodAnswers.child, postcode: "NOT A POSTCODE", surname: "", upn: "A801200001001" },
    ["Enter a UK postcode", "Enter the child's surname", "check letter does not match"],
  ],
  family: [
    { "parents.0.name": "Sam", "parents.0.phone": "12" },
    ["Enter the relationship to the child", "Enter a UK phone number"],
  ],
  school: [
    { school: "Example Primary", dateLastAttended: "2099-01-01" },
    ["The date last attended is in the future", "Say whether the child is still on roll"],
  ],
  vulnerability: [{ riskAppraisal: "Worried" }, ["Enter the designated safeguarding lead's name"]],
  enquiries: [
    { "enquiries.0.type": "letter", "enquiries.0.date": "2099-01-01" },
    ["This date is in the future", "Enter the outcome of the enquiry"],
  ],
  referrer: [
    { ...goodAnswers.referrer, email: "dana at school", dfeNumber: "12" },
    ["Enter an e-mail address", "Enter the DfE number as LA/establishment"],
  ],
};

describe("the referral wizard over HTTP", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const draftOf = (who = people.dsl) => h.app.services.drafts.get(who.id, `${who.id}|school-age`);

  it("re-renders every card with a message under each wrong field, the person's values kept, and saves nothing wrong", async () => {
    let card = await sayRefer(h, people.dsl);
    for (const [index, step] of stepOrder.entries()) {
      expect(cardText(card)).to.include(`Step ${index + 1} of 8`);
      const [inputs, messages] = badInputs[step];
      const again = await next(h, people.dsl, card, inputs);
      for (const message of messages) expect(cardText(again), `${step}: ${message}`).to.include(message);
      for (const value of Object.values(inputs).filter(Boolean))
        expect(cardText(again)).to.include(`"value":"${value}"`);
      expect((await draftOf())?.answers[step], step).to.equal(undefined);
      expect((await draftOf())?.typed[step], step).to.be.an("object");
      card = await next(h, people.dsl, again, goodAnswers[step]);
    }
    expect(cardText(card)).to.include("Step 8 of 8");
    expect(cardText(card)).to.include("Amelia Rose Testchild".split(" ")[0]!);
    expect(cardText(card)).to.include("14 Mar 2015");
    expect(cardText(card)).to.include("Sam Testparent");
  });

  it("shows the emergency numbers on every card after the referrer says the child is in immediate danger", async () => {
    const card = await sayRefer(h, people.dsl);
    const childCard = await next(h, people.dsl, card, {
      ...goodAnswers.whatHappened,
      immediateDanger: "yes",
    });
    expect(cardText(childCard)).to.include("Immediate danger: if you have not already, call now");
    expect(cardText(childCard)).to.include("0116 305 0005");
  });

  it("prefills About you from the person's Teams record, editable", async () => {
    let card = await sayRefer(h, people.dsl);
    for (const step of stepOrder.slice(0, -1)) card = await next(h, people.dsl, card, goodAnswers[step]);
    expect(cardText(card)).to.include(`"value":"${people.dsl.name}"`);
    expect(cardText(card)).to.include(`"value":"${people.dsl.userPrincipalName}"`);
  });

  it("adds and removes rows over HTTP, keeping what was typed", async () => {
    let card = await sayRefer(h, people.dsl);
    card = await next(h, people.dsl, card, goodAnswers.whatHappened);
    card = await next(h, people.dsl, card, goodAnswers.child);
    expect(rowsOnCard(card, "parents")).to.equal(1);
    card = await press(
      h,
      people.dsl,
      card,
      "referral.addRow",
      { "parents.0.name": "First" },
      { group: "parents" },
    );
    expect(rowsOnCard(card, "parents")).to.equal(2);
    expect(cardText(card)).to.include('"value":"First"');
    card = await press(
      h,
      people.dsl,
      card,
      "referral.removeRow",
      { "parents.0.name": "First", "parents.1.name": "Second" },
      { group: "parents", index: "0" },
    );
    expect(rowsOnCard(card, "parents")).to.equal(1);
    expect(cardText(card)).to.include('"value":"Second"');
    expect(cardText(card)).not.to.include('"value":"First"');
  });

  it("saves for later, keeps the draft in Cosmos, goes Back with answers kept, and resumes", async () => {
    let card = await sayRefer(h, people.dsl);
    card = await next(h, people.dsl, card, goodAnswers.whatHappened);
    card = await next(h, people.dsl, card, goodAnswers.child);
    expect((await draftOf())?.answers.child?.surname).to.equal("Testchild");
    expect((await draftOf())?.step).to.equal("family");

    const back = await press(h, people.dsl, card, "referral.back", { "parents.0.name": "Typed then Back" });
    expect(cardText(back)).to.include("Step 2 of 8");
    expect(cardText(back)).to.include('"value":"Testchild"');
    const forward = await next(h, people.dsl, back, goodAnswers.child);
    expect(cardText(forward)).to.include('"value":"Typed then Back"');

    const backAgain = await press(h, people.dsl, forward, "referral.back");
    const saved = await press(h, people.dsl, backAgain, "referral.save", {
      ...goodAnswers.child,
      surname: "Half-typed",
    });
    expect(cardText(saved)).to.include("Referral saved for later");

    const resumed = await sayRefer(h, people.dsl, "resume");
    expect(cardText(resumed)).to.include("carrying on where you left off");
    expect(cardText(resumed)).to.include("Step 2 of 8");
    expect(cardText(resumed)).to.include('"value":"Half-typed"');
  });

  it("edits one section from the review and comes back to the review", async () => {
    const review = await walkToReview(h, people.dsl);
    const childCard = await press(h, people.dsl, review, "referral.edit", {}, { step: "child" });
    expect(cardText(childCard)).to.include("Step 2 of 8");
    const again = await next(h, people.dsl, childCard, { ...goodAnswers.child, surname: "Renamed" });
    expect(cardText(again)).to.include("Step 8 of 8");
    expect(cardText(again)).to.include("Renamed");
  });

  it("asks for a reason before submitting without the core enquiries, and flags the case", async () => {
    const review = await walkToReview(h, people.dsl, { ...goodAnswers, enquiries: {} });
    expect(cardText(review)).to.include("Enquiries not made yet");
    expect(cardText(review)).to.include("Home visit");
    const refused = invokeCard(await h.send(submitAction(h, people.dsl, review)));
    expect(cardText(refused)).to.include("Say why you are referring now");
    expect((await h.app.services.cases.counts()).byStatus.new).to.equal(0);

    const submitted = invokeCard(
      await h.send(
        submitAction(h, people.dsl, refused, { reasonIncomplete: "Family said they were leaving for good" }),
      ),
    );
    expect(cardText(submitted)).to.include("Referral received");
    const stored = await h.app.services.cases.get(`CME-${new Date().getUTCFullYear()}-00001`);
    expect(stored?.enquiriesIncomplete?.reason).to.equal("Family said they were leaving for good");
    expect(stored?.enquiriesIncomplete?.missing).to.include("Home visit");
  });

  it("refuses a card from an older version of the draft and shows where the referral is now", async () => {
    const first = await sayRefer(h, people.dsl);
    await next(h, people.dsl, first, goodAnswers.whatHappened);
    const stale = await next(h, people.dsl, first, {
      whatHappened: "believed-abroad",
      immediateDanger: "yes",
    });
    expect(cardText(stale)).to.include("That card was out of date");
    expect(cardText(stale)).to.include("Step 2 of 8");
    expect((await draftOf())?.answers.whatHappened?.whatHappened).to.equal("whereabouts-unknown");
  });

  it("makes one case from a double-clicked or retried submit", async () => {
    const submit = submitAction(h, people.dsl, await walkToReview(h, people.dsl));
    const [a, b] = await Promise.all([h.send(submit), h.send(submit)]);
    const texts = [a, b].map((response) => JSON.stringify(response.body));
    const year = new Date().getUTCFullYear();
    expect(
      texts.filter((t) => t.includes(`Referral received: CME-${year}-00001`)),
    ).to.have.length.greaterThan(0);
    expect(texts.join()).not.to.include("00002");
    expect(invokeMessage(await h.send(submit))).to.include(`already submitted as CME-${year}-00001`);
    expect((await h.app.services.cases.counts()).byStatus.new).to.equal(1);
  });

  it("finishes a submission that crashed after the reference was fixed, without a second case", async () => {
    const review = await walkToReview(h, people.dsl);
    // Play a crash between steps: the reference is on the draft, but no case was created.
    const draft = await draftOf();
    const year = new Date().getUTCFullYear();
    await h.app.services.drafts.save({ ...draft!, reference: `CME-${year}-00001` }, draft!);
    // Any button on the wizard now finishes the sending, rather than editing a referral half sent.
    const back = await press(h, people.dsl, review, "referral.back");
    expect(cardText(back)).to.include(`Referral received: CME-${year}-00001`);
    const submit = submitAction(h, people.dsl, review);
    expect(invokeMessage(await h.send(submit))).to.include("already submitted");
    expect((await h.app.services.cases.counts()).byStatus.new).to.equal(1);
    expect((await draftOf())?.submittedAt).to.be.a("string");
  });

  it("keeps referrals out of channels, where others would see the child's details", async () => {
    await h.send(channelMessage(h.teams, people.dsl, "refer"));
    const reply = h.teams.replies(`19:cme-cases@thread.tacv2;messageid=1`).at(-1);
    expect(reply?.body.text).to.match(/personal chat/);
    const response = await h.send(
      cardAction(h.teams, people.dsl, "channel", "referral.start", { kind: "school-age" }),
    );
    expect(invokeMessage(response)).to.match(/personal chat/);
    expect(h.teams.replies(personalConversationId(people.dsl))).to.have.length(0);
    await sayRefer(h, people.dsl);
    await h.send(channelMessage(h.teams, people.dsl, "cancel"));
    const cancelReply = h.teams.replies(`19:cme-cases@thread.tacv2;messageid=1`).at(-1);
    expect(cancelReply?.body.text).to.match(/personal chat/);
    expect(JSON.stringify(cancelReply?.body)).not.to.include("child not named yet");
  });

  it("starts a new draft after a submission", async () => {
    await refer(h, people.dsl);
    const card = await sayRefer(h, people.dsl);
    expect(cardText(card)).to.include("Step 1 of 8");
    expect(cardText(card)).not.to.include("carrying on");
  });
});
