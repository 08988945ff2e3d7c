import { expect } from "chai";
import type { PersonalConversation } from "../../bot/outbox/outbox-item.js";
import { chatMessageOf, FakeGraph } from "../support/fake-graph.js";
import type { FakeTeams } from "../support/fake-teams.js";
import {
  cardIn,
  cardText,
  channelId,
  channelMessage,
  deliverPendingNow,
  people,
  startFakeTeams,
  startHarness,
  teamGroupId,
  type Harness,
} from "../support/harness.js";
import { goodAnswers, refer, type Answers } from "../support/referral-walk.js";
import { ConnectorStorm } from "./connector-storm.js";
import { countOnce } from "./exactly-once.js";
import { record } from "./figures.js";

const fault = "connector storms (429 + Retry-After, 503)";
const lostAnswers = "connector answers lost after Teams took the post (503, dropped)";
const year = new Date().getUTCFullYear();
const references = [1, 2, 3].map((n) => `CME-${year}-0000${n}`);
/** Three children, so each referral opens a case of its own. */
const child = (n: number): Answers => ({
  ...goodAnswers,
  child: { ...goodAnswers.child, surname: `${goodAnswers.child.surname}${n}`, dateOfBirth: `2015-03-1${n}` },
});

describe("faults: the connector answering sends in storms of 429 and 503", function () {
  this.timeout(120_000);
  let teams: FakeTeams;
  let storm: ConnectorStorm;
  let h: Harness;
  let clock = new Date();
  let graph: FakeGraph;
  let chats: PersonalConversation[];

  beforeEach(async () => {
    clock = new Date();
    teams = await startFakeTeams();
    storm = new ConnectorStorm(teams.url);
    await storm.start();
    graph = new FakeGraph({});
    await graph.start();
    // Channel posts go through the storm (the case channel's service URL), and so do the chats' notices below.
    h = await startHarness({ CME_SERVICE_URL: storm.url, ...graph.environment }, { teams, now: () => clock });
    chats = [1, 2, 3].map((n) => ({
      id: `a:personal-storm-${n}`,
      userId: `29:storm-${n}`,
      serviceUrl: storm.url,
    }));
  });
  afterEach(async () => {
    await h.close();
    await storm.stop();
    await graph.stop();
    await teams.stop();
  });

  /** Runs the outbox as its timer would, each pass ten minutes on (past any backoff), until nothing waits. */
  async function deliverThroughTheStorm() {
    for (let pass = 0; pass < 100; pass += 1) {
      await h.app.services.outbox.idle();
      if ((await h.app.services.outboxStore.countByState("pending")) === 0) return;
      clock = new Date(clock.getTime() + 10 * 60_000);
      await deliverPendingNow(h);
    }
    throw new Error("the outbox still has items waiting after 100 passes");
  }

  const notice = (chat: PersonalConversation, n: number) =>
    h.app.services.outbox.postPersonalCard(`storm|${chat.id}|${n}`, chat, "referral-reminder", {
      title: `Storm notice ${n}`,
      expiresOn: "1 Dec 2026",
    });
  const noticesIn = (chat: PersonalConversation) =>
    teams.posts(chat.id).map((post) => /Storm notice (\d+)/.exec(cardText(cardIn(post)))?.[1]);

  const escalation = (reference: string, n: number) =>
    h.app.services.outbox.postChannelCard(`storm|${reference}|${n}`, reference, "escalation", {
      title: `Storm escalation ${reference} ${n}`,
      expects: "A test of the connector's storms.",
      level: n,
      dueSince: "1 Dec 2026, 09:00",
      notify: "managers",
    });
  /** The channel's posts in the order Teams took them, each named by what it is. */
  const channelPosts = () =>
    teams.posts(channelId).map((post) => {
      const text = cardText(cardIn(post));
      const storming = /Storm escalation (CME-\d{4}-\d{5}) (\d+)/.exec(text);
      if (storming) return `${storming[1]} escalation ${storming[2]}`;
      return `${references.find((reference) => text.includes(`"${reference}"`)) ?? "other"} card`;
    });

  it("delivers every post and update once, in the order queued in each conversation", async () => {
    for (const [n] of references.entries()) await refer(h, people.dsl, child(n + 1));
    for (const n of [1, 2, 3, 4]) {
      for (const chat of chats) await notice(chat, n);
      for (const reference of references) await escalation(reference, n);
    }
    await deliverThroughTheStorm();
    // Then each case's card is updated twice, one at a time, with more notices between.
    for (const round of [5, 6]) {
      for (const reference of references) await h.app.services.outbox.showCaseCard(reference);
      for (const chat of chats) await notice(chat, round);
      await deliverThroughTheStorm();
    }

    const injected = storm.injected[429] + storm.injected[503];
    record(fault, { injected });
    expect(storm.injected[429]).to.be.greaterThan(0);
    expect(storm.injected[503]).to.be.greaterThan(0);

    for (const chat of chats) {
      for (const n of ["1", "2", "3", "4", "5", "6"])
        countOnce(fault, noticesIn(chat).filter((m) => m === n).length);
      expect(noticesIn(chat)).to.deep.equal(["1", "2", "3", "4", "5", "6"]);
    }
    const posted = channelPosts();
    for (const reference of references) {
      const own = posted.filter((post) => post.startsWith(reference));
      for (const post of [`${reference} card`, ...[1, 2, 3, 4].map((n) => `${reference} escalation ${n}`)])
        countOnce(fault, own.filter((each) => each === post).length);
      // Its card first (nothing about a case goes before it), then its escalations as queued.
      expect(own).to.deep.equal([
        `${reference} card`,
        ...[1, 2, 3, 4].map((n) => `${reference} escalation ${n}`),
      ]);
      const [card] = teams
        .posts(channelId)
        .filter((post) => cardText(cardIn(post)).includes(`"${reference}"`));
      const updates = teams.updates(channelId, card!.id).length;
      record(fault, { updates, doubles: Math.max(0, updates - 2), lost: Math.max(0, 2 - updates) });
      expect(updates).to.equal(2);
    }
    // The channel's own cards (the escalations) went in the order queued, across cases.
    expect(posted.filter((post) => post.includes("escalation"))).to.deep.equal(
      [1, 2, 3, 4].flatMap((n) => references.map((reference) => `${reference} escalation ${n}`)),
    );
    expect(await h.app.services.outboxStore.countByState("failed")).to.equal(0);
    console.log(
      `      storm: ${storm.injected[429]} × 429, ${storm.injected[503]} × 503; ` +
        `${teams.sent.filter((s) => s.method === "POST" && !s.activityId).length} posts and ` +
        `${teams.sent.filter((s) => s.method === "PUT").length} updates delivered`,
    );
  });

  it("a new case's card Teams took and whose answer was lost (a 503 after it, or the socket dropped): found (Graph) and updated, one card each", async () => {
    storm.raging = false;
    await h.send({ ...channelMessage(teams, people.manager, "setup"), serviceUrl: storm.url });
    // Graph lists what Teams took in the channel, newest first.
    Object.defineProperty(graph.channelMessages, `${teamGroupId}|${channelId}`, {
      enumerable: true,
      get: () =>
        teams
          .posts(channelId)
          .map((post) => chatMessageOf(post, "cme-bot-app"))
          .reverse(),
    });
    storm.losingIn = channelId;
    storm.losingAnswers = ["503", "dropped", "503"];
    for (const [n] of references.entries()) await refer(h, people.dsl, child(n + 1));
    await deliverThroughTheStorm();

    record(lostAnswers, { injected: storm.answersLost });
    expect(storm.answersLost).to.equal(3);
    for (const reference of references) {
      const cards = teams
        .posts(channelId)
        .filter((post) => cardText(cardIn(post)).includes(`"${reference}"`));
      expect(countOnce(lostAnswers, cards.length)).to.equal(1);
      // Adopted: the card Teams took is updated in place, not posted again.
      expect(countOnce(lostAnswers, teams.updates(channelId, cards[0]!.id).length, "updates")).to.equal(1);
    }
    const inDoubt = h.logLines
      .map((line) => JSON.parse(line) as { event?: string; then?: string })
      .filter((entry) => entry.event === "outbox.post.in-doubt");
    expect(inDoubt.map((entry) => entry.then)).to.deep.equal(["adopted", "adopted", "adopted"]);
    expect(await h.app.services.outboxStore.countByState("failed")).to.equal(0);
  });
});
