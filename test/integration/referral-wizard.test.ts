import { expect } from "chai";
import {
  actionData,
  cardAction,
  cardText,
  channelMessage,
  invokeCard,
  invokeMessage,
  people,
  startHarness,
  type Harness,
} from "../support/harness.js";
import { goodAnswers, next, refer, sayRefer, submitAction, walkToReview } from "../support/referral-walk.js";

describe("the referral wizard over HTTP", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const draftOf = (who = people.dsl) => h.app.services.drafts.get(who.id, `${who.id}|school-age`);

  it("re-renders each card with a message under each wrong field and the person's values kept", async () => {
    let card = await sayRefer(h, people.dsl);
    expect(cardText(card)).to.include("Step 1 of 4");

    let again = await next(h, people.dsl, card, { whatHappened: "other" });
    expect(cardText(again)).to.include("Describe what happened");
    expect(cardText(again)).to.include("Say whether the child is in immediate danger");
    expect(cardText(again)).to.include('"value":"other"');
    expect((await draftOf())?.answers.whatHappened).to.equal(undefined);

    card = await next(h, people.dsl, again, goodAnswers.whatHappened);
    expect(cardText(card)).to.include("Step 2 of 4: The child");
    again = await next(h, people.dsl, card, {
      ...goodAnswers.child,
      postcode: "NOT A POSTCODE",
      surname: "",
    });
    expect(cardText(again)).to.include("Enter a UK postcode");
    expect(cardText(again)).to.include("Enter the child's surname");
    expect(cardText(again)).to.include('"value":"NOT A POSTCODE"');
    expect(cardText(again)).to.include('"value":"Amelia Rose"');

    card = await next(h, people.dsl, again, goodAnswers.child);
    expect(cardText(card)).to.include("Step 3 of 4: School and absence");
    again = await next(h, people.dsl, card, { school: "Example Primary", dateLastAttended: "2099-01-01" });
    expect(cardText(again)).to.include("The date last attended is in the future");
    expect(cardText(again)).to.include('"value":"Example Primary"');

    card = await next(h, people.dsl, again, goodAnswers.school);
    expect(cardText(card)).to.include("Check your answers");
    expect(cardText(card)).to.include("Amelia Rose Testchild");
    expect(cardText(card)).to.include("14 Mar 2015");
  });

  it("saves the draft in Cosmos after each card, goes Back with answers kept, and resumes on 'refer'", async () => {
    let card = await sayRefer(h, people.dsl);
    card = await next(h, people.dsl, card, goodAnswers.whatHappened);
    card = await next(h, people.dsl, card, goodAnswers.child);
    expect((await draftOf())?.answers.child?.surname).to.equal("Testchild");
    expect((await draftOf())?.step).to.equal("school");

    const back = invokeCard(
      await h.send(
        cardAction(h.teams, people.dsl, "personal", "referral.back", actionData(card, "referral.back")),
      ),
    );
    expect(cardText(back)).to.include("Step 2 of 4");
    expect(cardText(back)).to.include('"value":"Testchild"');

    const resumed = await sayRefer(h, people.dsl);
    expect(cardText(resumed)).to.include("carrying on where you left off");
    expect(cardText(resumed)).to.include("Step 2 of 4");
  });

  it("refuses a card from an older version of the draft and shows where the referral is now", async () => {
    const first = await sayRefer(h, people.dsl);
    await next(h, people.dsl, first, goodAnswers.whatHappened);
    const stale = await next(h, people.dsl, first, {
      whatHappened: "believed-abroad",
      immediateDanger: "yes",
    });
    expect(cardText(stale)).to.include("That card was out of date");
    expect(cardText(stale)).to.include("Step 2 of 4");
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
    const again = invokeMessage(await h.send(submit));
    expect(again).to.include(`already submitted as CME-${year}-00001`);
    expect((await h.app.services.cases.counts()).byStatus.new).to.equal(1);
  });

  it("finishes a submission that crashed after the reference was fixed, without a second case", async () => {
    const review = await walkToReview(h, people.dsl);
    // Play a crash between steps: the reference is on the draft, and the case exists, but the draft is not marked submitted.
    const draft = await draftOf();
    const year = new Date().getUTCFullYear();
    await h.app.services.drafts.save({ ...draft!, reference: `CME-${year}-00001` }, draft!._etag);
    const submit = submitAction(h, people.dsl, review);
    expect(cardText(invokeCard(await h.send(submit)))).to.include(`CME-${year}-00001`);
    expect(cardText(invokeMessage(await h.send(submit)))).to.include("already submitted");
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
  });

  it("starts a new draft after a submission", async () => {
    await refer(h, people.dsl);
    const card = await sayRefer(h, people.dsl);
    expect(cardText(card)).to.include("Step 1 of 4");
    expect(cardText(card)).not.to.include("carrying on");
  });
});
