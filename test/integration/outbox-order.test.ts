import { expect } from "chai";
import {
  cardIn,
  cardText,
  deliverPendingNow,
  people,
  personalConversationId,
  startHarness,
  type Harness,
} from "../support/harness.js";

const chat = { id: personalConversationId(people.dsl), userId: people.dsl.id };

describe("the outbox's order in one conversation when messages are queued within one millisecond", () => {
  let h: Harness;
  const clock = new Date(); // standing still: every message below is queued at the same instant
  beforeEach(async () => {
    h = await startHarness({}, { now: () => clock });
  });
  afterEach(async () => {
    await h.close();
  });

  const notice = (n: number) =>
    h.app.services.outbox.postPersonalCard(
      `same-instant|${n}`,
      { ...chat, serviceUrl: h.teams.url },
      "referral-reminder",
      { title: `Notice ${n}`, expiresOn: "1 Dec 2026" },
    );
  const noticesIn = () =>
    h.teams.posts(chat.id).map((post) => /Notice (\d)/.exec(cardText(cardIn(post)))?.[1]);

  it("sends them in the order queued, also when the first one's send failed and is retried", async () => {
    h.teams.failNext = { count: 1, status: 503, conversationId: chat.id };
    for (const n of [1, 2, 3]) {
      await notice(n);
      await h.app.services.outbox.idle();
    }
    expect(noticesIn()).to.deep.equal([]);
    await deliverPendingNow(h);
    expect(noticesIn()).to.deep.equal(["1", "2", "3"]);
  });
});

describe("the outbox's times when the clock steps back", () => {
  let h: Harness;
  let clock = new Date();
  beforeEach(async () => {
    clock = new Date();
    h = await startHarness({ OUTBOX_GIVE_UP_HOURS: "1" }, { now: () => clock });
  });
  afterEach(async () => {
    await h.close();
  });

  const notice = (n: number) =>
    h.app.services.outbox.postPersonalCard(
      `clock-back|${n}`,
      { ...chat, serviceUrl: h.teams.url },
      "referral-reminder",
      { title: `Notice ${n}`, expiresOn: "1 Dec 2026" },
    );

  it("ages a message queued after the clock stepped back two hours from then: given up an hour on, as configured", async () => {
    const before = clock.getTime();
    await notice(1);
    await h.app.services.outbox.idle();
    clock = new Date(before - 2 * 3_600_000); // the clock corrected back two hours
    h.teams.failNext = { count: 1000, status: 503, conversationId: chat.id };
    await notice(2);
    await h.app.services.outbox.idle();
    expect(await h.app.services.outboxStore.countByState("pending")).to.equal(1);

    clock = new Date(clock.getTime() + 3_600_000 + 60_000); // just past the hour it may be retried
    await deliverPendingNow(h);
    expect(await h.app.services.outboxStore.countByState("failed")).to.equal(1);
    expect(await h.app.services.outboxStore.countByState("pending")).to.equal(0);
  });
});
