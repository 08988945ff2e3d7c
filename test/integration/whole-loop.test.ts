import { expect } from "chai";
import {
  actionData,
  cardActions,
  cardAction,
  cardIn,
  cardText,
  channelId,
  channelMessage,
  eventually,
  invokeCard,
  invokeMessage,
  people,
  personalConversationId,
  personalMessage,
  startHarness,
  type Harness,
} from "../support/harness.js";
import { goodAnswers, refer, submitAction, walkToReview } from "../support/referral-walk.js";

describe("the whole loop over HTTP: refer → case in Cosmos → channel card → officer assigns → manager asks status", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  async function channelCardOf(reference: string) {
    return eventually(() => {
      const post = h.teams.posts(channelId).find((p) => cardText(cardIn(p)).includes(`"${reference}"`));
      if (!post) throw new Error(`no channel post for ${reference}`);
      return post;
    });
  }

  it("submits a referral as a case with a sequential reference and posts the new-case card to the channel", async () => {
    const submitted = await refer(h, people.dsl);
    const year = new Date().getUTCFullYear();
    expect(cardText(submitted)).to.include(`Referral received: CME-${year}-00001`);

    const stored = await h.app.services.cases.get(`CME-${year}-00001`);
    expect(stored?.status).to.equal("new");
    expect(stored?.referral.child.surname).to.equal("Testchild");
    expect(stored?.referral.child.postcode).to.equal("LE18 4AB");
    expect(stored?.referrer.id).to.equal(people.dsl.id);
    expect(stored?.referrerConversation).to.include({
      id: personalConversationId(people.dsl),
      userId: people.dsl.id,
    });
    expect(stored?.events.map((e) => e.type)).to.deep.equal(["submitted"]);

    const post = await channelCardOf(`CME-${year}-00001`);
    const card = cardIn(post);
    const text = cardText(card);
    expect(text).to.include("Amelia Rose Testchild");
    expect(text).to.include("Example Primary School");
    expect(text).to.include("Whereabouts unknown");
    expect(text).to.include("Unassigned");
    // The escalation clocks: the case stores when one next falls due, and the card says which.
    expect(stored?.nextCheckAt).to.be.a("string");
    expect(text).to.match(/"Next clock","value":"[^"]+, \d+ \w+ \d{4}, \d\d:\d\d"/);
    // The channel is wide: no address, postcode or date of birth on its card.
    expect(text).not.to.include("Example Road");
    expect(text).not.to.include("LE18");
    expect(text).not.to.include("2015");
    // Everyone sees the summary; the CME team's Teams refreshes it into their own working view.
    expect(actionData(card, "case.refresh").caseId).to.equal(`CME-${year}-00001`);
    expect(cardActions(card).map((action) => action.verb)).to.deep.equal(["case.refresh", "case.refresh"]);
    // Managers first (Teams refreshes at most 60), then the rest of the team.
    expect((card.refresh as { userIds: string[] }).userIds).to.deep.equal([
      people.manager.id,
      people.officer.id,
      people.officer2.id,
    ]);
    // The card's post is kept on the case card's outbox item (delivery never writes the case).
    await eventually(async () => {
      const cardItem = await h.app.services.outboxStore.update(
        `case-card|CME-${year}-00001`,
        () => undefined,
      );
      const message = cardItem?.kind === "case-card" ? cardItem : undefined;
      expect(
        message && { conversationId: message.conversationId, activityId: message.activityId },
      ).to.deep.equal({ conversationId: channelId, activityId: post.id });
    });

    const second = await refer(h, people.earlyYears, {
      ...goodAnswers,
      child: { ...goodAnswers.child, forenames: "Ben", surname: "Second" },
    });
    expect(cardText(second)).to.include(`CME-${year}-00002`);
  });

  it("lets a CME officer assign the case from the channel card, updating it in place, and refuses anyone else", async () => {
    await refer(h, people.dsl);
    const reference = `CME-${new Date().getUTCFullYear()}-00001`;
    const post = await channelCardOf(reference);

    const refused = invokeMessage(
      await h.send(cardAction(h.teams, people.dsl, "channel", "case.assignToMe", { caseId: reference })),
    );
    expect(refused).to.match(/Only CME officers/);
    expect((await h.app.services.cases.get(reference))?.owner).to.equal(undefined);

    const mine = invokeCard(
      await h.send(cardAction(h.teams, people.officer, "channel", "case.assignToMe", { caseId: reference })),
    );
    expect(cardText(mine)).to.include(people.officer.name);
    expect(cardText(mine)).not.to.include("case.assignToMe");

    const stored = await h.app.services.cases.get(reference);
    expect(stored?.owner?.id).to.equal(people.officer.id);
    expect(stored?.status).to.equal("new");
    expect(stored?.events.at(-1)).to.include({ type: "assigned", to: people.officer.name });
    expect(stored?.events.at(-1)?.by.id).to.equal(people.officer.id);

    const update = await eventually(() => {
      const found = h.teams.updates(channelId, post.id).at(-1);
      if (!found) throw new Error("no update of the channel card yet");
      return found;
    });
    expect(cardText(cardIn(update))).to.include(people.officer.name);

    const late = invokeMessage(
      await h.send(cardAction(h.teams, people.officer2, "channel", "case.assignToMe", { caseId: reference })),
    );
    expect(late).to.include(`already assigned to ${people.officer.name}`);
  });

  it("answers status with counts by status and unassigned for the CME team, and refuses referrers", async () => {
    await refer(h, people.dsl);
    await refer(h, people.earlyYears, { ...goodAnswers, child: { ...goodAnswers.child, surname: "Other" } });
    const reference = `CME-${new Date().getUTCFullYear()}-00001`;
    invokeCard(
      await h.send(cardAction(h.teams, people.officer, "channel", "case.assignToMe", { caseId: reference })),
    );

    await h.send(personalMessage(h.teams, people.manager, "status"));
    const reply = h.teams.replies(personalConversationId(people.manager)).at(-1);
    const text = cardText(cardIn(reply!));
    expect(text).to.include("2 open, 1 unassigned (0 closed)");
    expect(text).to.match(/"title":"New","value":"2"/);

    await h.send(channelMessage(h.teams, people.manager, "status"));
    const channelReply = h.teams.replies(`${channelId};messageid=1`).at(-1);
    expect(cardText(cardIn(channelReply!))).to.include("2 open, 1 unassigned");

    await h.send(personalMessage(h.teams, people.officer, "status"));
    const officers = h.teams.replies(personalConversationId(people.officer)).at(-1);
    expect(cardText(cardIn(officers!))).to.include("2 open, 1 unassigned");

    await h.send(personalMessage(h.teams, people.dsl, "status"));
    const refusal = h.teams.replies(personalConversationId(people.dsl)).at(-1);
    expect(refusal?.body.text).to.match(/for the CME team/);
  });

  it("alerts the channel @mentioning the managers when the child is in immediate danger (one card, no second urgent one)", async () => {
    const submitted = await refer(h, people.dsl, {
      ...goodAnswers,
      whatHappened: { ...goodAnswers.whatHappened, immediateDanger: "yes" },
    });
    expect(cardText(submitted)).to.include("0116 305 0005");
    const reference = `CME-${new Date().getUTCFullYear()}-00001`;
    expect((await h.app.services.cases.get(reference))?.urgent).to.equal(true);

    const escalation = await eventually(() => {
      const found = h.teams
        .posts(channelId)
        .find((p) => cardText(cardIn(p)).includes("Immediate danger: a referral"));
      if (!found) throw new Error("no alert yet");
      return found;
    });
    const card = cardIn(escalation);
    await h.app.services.outbox.idle();
    expect(h.teams.posts(channelId).some((p) => cardText(cardIn(p)).includes("Urgent referral"))).to.equal(
      false,
    );
    expect(cardText(cardIn(h.teams.updates(channelId, escalation.id).at(-1)!))).to.include(
      `Submitted as ${reference}`,
    );
    expect(cardText(card)).to.include(`<at>${people.manager.name}</at>`);
    expect((card.msteams as { entities: unknown[] }).entities).to.deep.equal([
      {
        type: "mention",
        text: `<at>${people.manager.name}</at>`,
        mentioned: { id: people.manager.id, name: people.manager.name },
      },
    ]);
    const caseCard = h.teams
      .posts(channelId)
      .find((p) => cardText(cardIn(p)).includes("School-age CME referral"));
    expect(cardText(cardIn(caseCard!))).to.include("URGENT");
  });
});

describe("a submission that cannot finish within Teams' wait", () => {
  let h: Harness;
  beforeEach(async () => {
    // A budget nothing can meet stands in for a store slowed by fifty referrers at once.
    h = await startHarness({ SUBMIT_ANSWER_WITHIN_MS: "1" });
  });
  afterEach(async () => {
    await h.close();
  });

  it("answers 'received' at once, puts the reference on the same card when done, and still makes one case however often Submit is pressed", async () => {
    const review = await walkToReview(h, people.dsl);
    // The card the person pressed Submit on is in the bot's first message of the referral.
    const conversation = personalConversationId(people.dsl);
    const message = h.teams.replies(conversation)[0];
    if (!message) throw new Error("no referral message");
    const press = () => h.send({ ...submitAction(h, people.dsl, review), replyToId: message.id });

    const answers = await Promise.all([press(), press()]);
    for (const answer of answers)
      expect(cardText(invokeCard(answer))).to.include("Referral received: sending it now");

    const year = new Date().getUTCFullYear();
    const updated = await eventually(() => {
      const update = h.teams.updates(conversation, message.id).at(-1);
      if (!update) throw new Error("the card was not updated yet");
      return cardText(cardIn(update));
    });
    expect(updated).to.include(`Referral received: CME-${year}-00001`);
    // The outcome names no child: it waited in the outbox, which carries ids and words only.
    expect(updated).not.to.include(goodAnswers.child.surname);
    await h.app.services.outbox.idle();
    expect(h.teams.updates(conversation, message.id)).to.have.length(1);
    expect((await h.app.services.cases.counts()).byStatus.new).to.equal(1);
    await eventually(() => expect(h.teams.posts(channelId)).to.have.length(1));
  });
});
