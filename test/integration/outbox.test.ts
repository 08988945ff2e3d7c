import { expect } from "chai";
import { startHarnessBehindOutage, type HarnessBehindOutage } from "../support/cosmos-outage.js";
import {
  cardAction,
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
} from "../support/harness.js";
import { goodAnswers, refer } from "../support/referral-walk.js";

describe("the outbox against a Teams that throttles and fails", () => {
  let h: Harness;
  let clock = new Date();
  beforeEach(async () => {
    clock = new Date();
    h = await startHarness({ OUTBOX_GIVE_UP_HOURS: "24" }, { now: () => clock });
  });
  afterEach(async () => {
    await h.close();
  });

  const chat = { id: personalConversationId(people.dsl), serviceUrl: "", userId: people.dsl.id };
  const notice = (n: number) =>
    h.app.services.outbox.postPersonalCard(
      `test-notice|${n}`,
      { ...chat, serviceUrl: h.teams.url },
      "referral-reminder",
      {
        title: `Notice ${n}`,
        expiresOn: "1 Dec 2026",
      },
    );

  it("delivers every message once, in order per conversation, after 429s and 500s stop", async () => {
    h.teams.failNext = { count: 2, status: 429, conversationId: chat.id };
    for (const n of [1, 2, 3]) {
      await notice(n);
      clock = new Date(clock.getTime() + 1); // created one after another
    }
    await h.app.services.outbox.idle();
    h.teams.failNext = { count: 2, status: 500, conversationId: chat.id };
    for (let pass = 0; pass < 8; pass += 1) await deliverPendingNow(h);
    const delivered = h.teams
      .posts(chat.id)
      .map((post) => /Notice (\d)/.exec(cardText(cardIn(post)))?.[1])
      .filter(Boolean);
    expect(delivered).to.deep.equal(["1", "2", "3"]);
    expect(await h.app.services.outboxStore.countByState("sent")).to.be.greaterThanOrEqual(3);
  });

  it("gives up only after the configured time, and tells managers in status", async () => {
    h.teams.failNext = { count: 1000, status: 429, conversationId: chat.id };
    await notice(1);
    await h.app.services.outbox.idle();
    clock = new Date(clock.getTime() + 23 * 3_600_000);
    await deliverPendingNow(h);
    expect(await h.app.services.outboxStore.countByState("failed")).to.equal(0);
    clock = new Date(clock.getTime() + 2 * 3_600_000);
    await deliverPendingNow(h);
    expect(await h.app.services.outboxStore.countByState("failed")).to.equal(1);
    h.teams.failNext = { count: 0, status: 500 };
    await h.send(personalMessage(h.teams, people.manager, "status"));
    const status = cardIn(h.teams.replies(personalConversationId(people.manager)).at(-1)!);
    expect(cardText(status)).to.include("1 message(s) to Teams could not be delivered");
  });

  it("keeps delivering to other conversations while the channel is throttled", async () => {
    h.teams.failNext = { count: 1000, status: 429, conversationId: "19:cme-cases@thread.tacv2" };
    for (let n = 0; n < 25; n += 1) {
      await h.app.services.outbox.postChannelCard(`test-digest|${n}`, "", "digest", {
        since: "yesterday",
        newCount: "0",
        closedCount: "0",
        escalatedCount: "0",
        overdueCount: "0",
        unassignedCount: "0",
        openCount: "0",
        overdue: [],
      });
      clock = new Date(clock.getTime() + 1);
    }
    await notice(1);
    await h.app.services.outbox.idle();
    await deliverPendingNow(h);
    const delivered = h.teams.posts(chat.id).map((post) => /Notice (\d)/.exec(cardText(cardIn(post)))?.[1]);
    expect(delivered).to.deep.equal(["1"]);
    expect(h.teams.posts("19:cme-cases@thread.tacv2")).to.have.length(0);
  });
});

describe("the outbox when Cosmos goes away while a card is being delivered", () => {
  let h: HarnessBehindOutage;
  let clock = new Date();
  beforeEach(async () => {
    clock = new Date();
    h = await startHarnessBehindOutage({}, { now: () => clock });
  });
  afterEach(async () => {
    await h.close();
  });

  const referenceOn = (post: { body: Record<string, unknown> }) =>
    /CME-\d{4}-\d{5}/.exec(cardText(cardIn(post)))?.[0];

  it("lets the channel's next card go once the store is back, within a claim's length, and posts the first once", async () => {
    const year = new Date().getUTCFullYear();
    const held = h.teams.holdNextPost(channelId);
    await refer(h, people.dsl);
    const first = await held.taken;
    h.outage.down = true; // Teams took the card; the bot cannot record it
    held.answer();
    await h.app.services.outbox.idle();
    h.outage.down = false;

    clock = new Date(clock.getTime() + 1000);
    await refer(h, people.earlyYears, { ...goodAnswers, child: { ...goodAnswers.child, surname: "Second" } });
    await h.app.services.outbox.idle();
    // A pass as the timer makes one, a claim's length (15 s) later: well before a minute.
    clock = new Date(clock.getTime() + 15_001);
    await h.app.services.outbox.deliverDue();
    expect(h.teams.posts(channelId).map(referenceOn)).to.deep.equal([
      `CME-${year}-00001`,
      `CME-${year}-00002`,
    ]);

    // The first case's next change updates the card Teams took: it is not posted again.
    invokeCard(
      await h.send(
        cardAction(h.teams, people.officer, "channel", "case.assignToMe", { caseId: `CME-${year}-00001` }),
      ),
    );
    await h.app.services.outbox.idle();
    expect(h.teams.updates(channelId, first.id)).to.have.length.greaterThanOrEqual(1);
    expect(h.teams.posts(channelId)).to.have.length(2);
    // Where the case's card is (its post's id) is kept on the card's outbox item, not on the case.
    const stored = await h.app.services.outboxStore.update(`case-card|CME-${year}-00001`, () => undefined);
    expect(stored?.activityId).to.equal(first.id);
  });
});
