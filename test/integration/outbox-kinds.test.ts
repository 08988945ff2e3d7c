import { expect } from "chai";
import { sampleCase } from "../support/sample-case.js";
import { chatMessageOf, FakeGraph } from "../support/fake-graph.js";
import {
  cardIn,
  cardText,
  channelId,
  channelMessage,
  deliverPendingNow,
  people,
  personalConversationId,
  startHarness,
  teamGroupId,
  waitingToBeSent as waiting,
  type Harness,
} from "../support/harness.js";
import { refer } from "../support/referral-walk.js";

describe("outbox items and cases stored by earlier versions of the bot", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const reference = "CME-2026-00001";

  it("delivers items of the old shape as their kinds, and updates a case's card kept on the case in place", async () => {
    const older = {
      ...sampleCase("school-age", new Date("2026-11-03T10:00:00Z"), "2026-11-03"),
      id: reference,
      channelMessage: { conversationId: channelId, activityId: "posted-before" },
    };
    await h.storeContainer("cases").items.create(older);
    const chat = { id: personalConversationId(people.dsl), serviceUrl: h.teams.url, userId: people.dsl.id };
    for (const item of [
      {
        id: `case-card|${reference}`,
        kind: "case-card",
        caseId: reference,
        createdAt: "2026-11-03T10:00:01Z",
      },
      {
        id: `channel-card|urgent-on-arrival|${reference}`,
        kind: "channel-card",
        caseId: reference,
        template: "escalation-urgent",
        createdAt: "2026-11-03T10:00:02Z",
      },
      {
        id: "personal-card|draft-reminder|d1|2026-11-01",
        kind: "personal-card",
        conversation: chat,
        template: "referral-reminder",
        data: { title: "School-age referral", expiresOn: "1 Dec 2026" },
        createdAt: "2026-11-03T10:00:03Z",
      },
    ])
      await h.storeContainer("outbox").items.create({ ...item, ...waiting });

    await deliverPendingNow(h);

    expect(h.teams.updates(channelId, "posted-before")).to.have.length(1);
    const posts = h.teams.posts(channelId).map((post) => cardText(cardIn(post)));
    expect(posts).to.have.length(1); // the urgent card; the case's card is not posted again
    expect(posts[0]).to.include(reference);
    expect(h.teams.posts(chat.id).map((post) => cardText(cardIn(post)))[0]).to.include("1 Dec 2026");
    const items = await h.app.services.outboxStore.aboutCase(reference);
    expect(items.map((item) => [item.kind, item.state])).to.have.deep.members([
      ["case-card", "sent"],
      ["urgent", "sent"],
    ]);
    const reminder = await h.app.services.outboxStore.update(
      "personal-card|draft-reminder|d1|2026-11-01",
      () => undefined,
    );
    expect(reminder).to.include({ kind: "draft-reminder", state: "sent" });
    // The case is only read: its old field stays as it was, and nothing new is written to it.
    const { resource } = await h
      .storeContainer("cases")
      .item(reference, reference)
      .read<{ channelMessage: unknown }>();
    expect(resource?.channelMessage).to.deep.equal(older.channelMessage);
  });

  /** An item of the old shape, pending and due, about the older case `reference` stored first. */
  async function storedBefore(item: Record<string, unknown>): Promise<void> {
    const older = sampleCase("school-age", new Date("2026-11-03T10:00:00Z"), "2026-11-03");
    await h.storeContainer("cases").items.create({ ...older, id: reference, owner: people.officer });
    await h.storeContainer("outbox").items.create({ createdAt: "2026-11-03T10:00:01Z", ...item, ...waiting });
  }
  const stored = (id: string) => h.app.services.outboxStore.update(id, () => undefined);

  it("posts an old escalation as an escalation, its owner @mentioned", async () => {
    const id = `channel-card|escalation|${reference}|first-contact|1|2026-11-03`;
    await storedBefore({
      id,
      kind: "channel-card",
      caseId: reference,
      template: "escalation",
      data: {
        title: "First contact overdue",
        expects: "Contact the family within 5 school days",
        level: 1,
        dueSince: "10 Nov 2026, 10:00",
        notify: "owner",
      },
    });

    await deliverPendingNow(h);

    const [post, ...more] = h.teams.posts(channelId);
    expect(more).to.have.length(0);
    const text = cardText(cardIn(post!));
    expect(text).to.include("First contact overdue").and.include(reference).and.include("10 Nov 2026, 10:00");
    expect(text).to.include(`<at>${people.officer.name}</at>`);
    expect(await stored(id)).to.include({ kind: "escalation", state: "sent", activityId: post!.id });
  });

  it("updates an old sign-off card in place once decided: not posted again", async () => {
    const id = `channel-card|closure-sign-off|${reference}|2026-11-20T10:00:00.000Z`;
    await storedBefore({
      id,
      kind: "channel-card",
      caseId: reference,
      template: "closure-sign-off",
      data: {
        outcome: "Child found on roll elsewhere",
        requestedBy: people.officer.name,
        requestedAt: "20 Nov 2026, 10:00",
        decided: true,
        decision: `Signed off by ${people.manager.name}`,
      },
      activityId: "sign-off-posted-before",
    });

    await deliverPendingNow(h);

    expect(h.teams.posts(channelId)).to.have.length(0);
    const [update, ...more] = h.teams.updates(channelId, "sign-off-posted-before");
    expect(more).to.have.length(0);
    expect(cardText(cardIn(update!))).to.include(`Signed off by ${people.manager.name}`);
    expect(await stored(id)).to.include({ kind: "sign-off", state: "sent" });
  });

  it("shows an old retention redaction in place of the message it redacts", async () => {
    const id = `case-card|${reference}`;
    await storedBefore({
      id,
      kind: "channel-card",
      template: "retention-removed",
      data: { title: "CME case", reference, removedOn: "3 Nov 2033, 02:00" },
      activityId: "case-card-posted-before",
    });

    await deliverPendingNow(h);

    expect(h.teams.posts(channelId)).to.have.length(0);
    const [update, ...more] = h.teams.updates(channelId, "case-card-posted-before");
    expect(more).to.have.length(0);
    expect(cardText(cardIn(update!)))
      .to.include("CME case: details removed")
      .and.include("3 Nov 2033");
    expect(await stored(id)).to.include({ kind: "redacted", state: "sent" });
  });

  it("replaces the card the person pressed Submit on with an old submission outcome", async () => {
    const chat = { id: personalConversationId(people.dsl), serviceUrl: h.teams.url, userId: people.dsl.id };
    const id = `personal-card|submitted|${reference}`;
    await storedBefore({
      id,
      kind: "personal-card",
      conversation: chat,
      template: "referral-submitted",
      data: {
        reference,
        childName: "this child",
        submittedAt: "3 Nov 2026, 10:00",
        urgent: false,
        emergencyContacts: "Children's duty: 0116 305 0005",
        cmeContact: { name: "CME team", email: "cme@example.org", phone: "0116 305 0000" },
      },
      updatesActivityId: "pressed-submit",
    });

    await deliverPendingNow(h);

    expect(h.teams.posts(chat.id)).to.have.length(0);
    const [update, ...more] = h.teams.updates(chat.id, "pressed-submit");
    expect(more).to.have.length(0);
    expect(cardText(cardIn(update!))).to.include(reference);
    expect(await stored(id)).to.include({ kind: "submission-outcome", state: "sent" });
  });

  it("posts a new case's card without writing the case: its ETag is as the submission left it", async () => {
    const held = h.teams.holdNextPost(channelId);
    await refer(h, people.dsl);
    const year = new Date().getUTCFullYear();
    const submitted = await h.app.services.cases.get(`CME-${year}-00001`);
    await held.taken;
    held.answer();
    await h.app.services.outbox.idle();
    expect(h.teams.posts(channelId)).to.have.length(1);
    const delivered = await h.app.services.cases.get(`CME-${year}-00001`);
    expect(delivered?._etag).to.equal(submitted?._etag);
    const card = await h.app.services.outboxStore.update(`case-card|CME-${year}-00001`, () => undefined);
    expect(card).to.include({ state: "sent", activityId: h.teams.posts(channelId)[0]?.id });
  });
});

describe("an immediate-danger alert stored by an earlier version while its post was in doubt", () => {
  let graph: FakeGraph;
  let h: Harness;
  beforeEach(async () => {
    graph = new FakeGraph({});
    await graph.start();
    h = await startHarness(graph.environment);
  });
  afterEach(async () => {
    await h.close();
    await graph.stop();
  });

  it("is looked for in the channel and, found there, updated in place: not posted again", async () => {
    await h.send(channelMessage(h.teams, people.manager, "setup"));
    const id = "channel-card|danger-alert|d1|2026-11-03T09:00:00.000Z";
    // The post Teams took before the bot stopped: the alert's card, carrying the item's id.
    const taken = {
      method: "POST" as const,
      conversationId: channelId,
      id: "alert-taken-before",
      body: {
        attachments: [
          {
            contentType: "application/vnd.microsoft.card.adaptive",
            content: { type: "AdaptiveCard", body: [{ type: "TextBlock", id, text: "Immediate danger" }] },
          },
        ],
      },
    };
    graph.channelMessages[`${teamGroupId}|${channelId}`] = [chatMessageOf(taken, "cme-bot-app")];
    await h.storeContainer("outbox").items.create({
      id,
      kind: "channel-card",
      template: "danger-alert",
      data: {
        raisedAt: "3 Nov 2026, 09:00",
        referrer: people.dsl.name,
        setting: "Not given yet",
        contact: "Not given yet",
        childName: "Not given yet",
        whatHappened: "Not given yet",
        answerChanged: "",
        state: "Not submitted yet: the referrer is still filling the referral in.",
        ended: false,
        reference: "",
        hasCase: false,
      },
      inDoubtSince: "2026-11-03T09:00:01.000Z",
      state: "pending",
      attempts: 1,
      revision: 1,
      nextAttemptAt: "2026-01-01T00:00:00.000Z",
      createdAt: "2026-11-03T09:00:00.000Z",
    });

    await deliverPendingNow(h);

    expect(h.teams.posts(channelId).filter((post) => cardText(cardIn(post)).includes(id))).to.have.length(0);
    const [update, ...more] = h.teams.updates(channelId, "alert-taken-before");
    expect(more).to.have.length(0);
    expect(cardText(cardIn(update!)))
      .to.include("Immediate danger")
      .and.include(id);
    const item = await h.app.services.outboxStore.update(id, () => undefined);
    expect(item).to.include({ kind: "danger-alert", state: "sent", activityId: "alert-taken-before" });
    expect(item).to.not.have.property("inDoubtSince");
    const inDoubt = h.logLines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.event === "outbox.post.in-doubt");
    expect(inDoubt.map(({ item, then }) => ({ item, then }))).to.deep.equal([{ item: id, then: "adopted" }]);
  });
});
