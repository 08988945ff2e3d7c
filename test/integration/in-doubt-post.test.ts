import { expect } from "chai";
import { startCosmosBehindOutage, type CosmosBehindOutage } from "../support/cosmos-outage.js";
import { chatMessageOf, FakeGraph } from "../support/fake-graph.js";
import type { FakeTeams, SentActivity } from "../support/fake-teams.js";
import {
  cardAction,
  cardIn,
  cardText,
  channelId,
  channelMessage,
  deliverPendingNow,
  invokeCard,
  people,
  startFakeTeams,
  startHarness,
  teamGroupId,
  type Harness,
} from "../support/harness.js";
import { refer } from "../support/referral-walk.js";

describe("a case's new card that Teams took while the bot crashed before recording it", () => {
  let store: CosmosBehindOutage;
  let teams: FakeTeams;
  let graph: FakeGraph;
  let clock = new Date();
  const reference = `CME-${new Date().getUTCFullYear()}-00001`;
  beforeEach(async () => {
    clock = new Date();
    store = await startCosmosBehindOutage();
    teams = await startFakeTeams();
    graph = new FakeGraph({});
    await graph.start();
  });
  afterEach(async () => {
    await teams.stop();
    await graph.stop();
    await store.stop();
  });

  const environment = (withGraph: boolean) => ({
    ...store.environment,
    COSMOS_DATABASE: "cme-in-doubt",
    ...(withGraph ? graph.environment : {}),
  });
  const start = (withGraph: boolean) => startHarness(environment(withGraph), { teams, now: () => clock });
  const cardsOfTheCase = () =>
    teams.posts(channelId).filter((post) => cardText(cardIn(post)).includes(`"${reference}"`));

  const inDoubtLog = (bot: Harness) =>
    bot.logLines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.event === "outbox.post.in-doubt")
      .map(({ item, then, why }) => ({ item, then, ...(why ? { why } : {}) }));

  /** Teams takes the case's first card; the bot hears nothing and records nothing (it died), then starts again. */
  async function crashWhileTeamsTakesTheCard(
    withGraph: boolean,
  ): Promise<{ post: SentActivity; bot: Harness }> {
    const first = await start(withGraph);
    await first.send(channelMessage(teams, people.manager, "setup"));
    const held = teams.holdNextPost(channelId);
    await refer(first, people.dsl);
    const post = await held.taken;
    store.outage.down = true;
    // A dead process sends nothing more: refuse whatever the dying instance still tries.
    teams.failNext = { count: 10, status: 400, conversationId: channelId };
    held.drop();
    await first.app.services.outbox.idle();
    await first.close();
    teams.failNext = { count: 0, status: 500 };
    store.outage.down = false;
    clock = new Date(clock.getTime() + 61_000); // past any claim the dead instance held
    return { post, bot: await start(withGraph) };
  }

  it("finds the card among the channel's messages (Graph) and updates it: one card in all", async () => {
    const { post, bot } = await crashWhileTeamsTakesTheCard(true);
    try {
      graph.channelMessages[`${teamGroupId}|${channelId}`] = [chatMessageOf(post, "cme-bot-app")];
      await bot.app.services.outbox.idle();
      await deliverPendingNow(bot);
      expect(cardsOfTheCase().map((card) => card.id)).to.deep.equal([post.id]);
      expect(teams.updates(channelId, post.id)).to.have.length(1);
      const cardItem = await bot.app.services.outboxStore.update(`case-card|${reference}`, () => undefined);
      expect(cardItem?.activityId).to.equal(post.id);
      expect(graph.requests.some((r) => r.method === "GET" && r.path.endsWith("/messages"))).to.equal(true);
      expect(inDoubtLog(bot)).to.deep.equal([{ item: `case-card|${reference}`, then: "adopted" }]);

      invokeCard(
        await bot.send(
          cardAction(teams, people.officer, "channel", "case.assignToMe", { caseId: reference }),
        ),
      );
      await bot.app.services.outbox.idle();
      expect(teams.updates(channelId, post.id)).to.have.length(2);
      expect(cardsOfTheCase()).to.have.length(1);
    } finally {
      await bot.close();
    }
  });

  it("without Graph posts it again once, says so in the log, and updates that one after", async () => {
    const { bot } = await crashWhileTeamsTakesTheCard(false);
    try {
      await bot.app.services.outbox.idle();
      await deliverPendingNow(bot);
      const [, again] = cardsOfTheCase();
      expect(cardsOfTheCase()).to.have.length(2);
      expect(inDoubtLog(bot)).to.deep.equal([
        { item: `case-card|${reference}`, then: "posted again", why: "Microsoft Graph is not configured" },
      ]);

      invokeCard(
        await bot.send(
          cardAction(teams, people.officer, "channel", "case.assignToMe", { caseId: reference }),
        ),
      );
      await bot.app.services.outbox.idle();
      expect(teams.updates(channelId, again!.id)).to.have.length(1);
      expect(cardsOfTheCase()).to.have.length(2);
    } finally {
      await bot.close();
    }
  });

  it("is not posted again by the connector itself when the connection breaks after Teams took it: one card in all", async () => {
    const bot = await start(true);
    try {
      await bot.send(channelMessage(teams, people.manager, "setup"));
      const held = teams.holdNextPost(channelId);
      await refer(bot, people.dsl);
      const post = await held.taken;
      graph.channelMessages[`${teamGroupId}|${channelId}`] = [chatMessageOf(post, "cme-bot-app")];
      held.drop(); // Teams has the card; the bot never hears so
      await bot.app.services.outbox.idle();
      await deliverPendingNow(bot);
      expect(cardsOfTheCase().map((card) => card.id)).to.deep.equal([post.id]);
      expect(inDoubtLog(bot)).to.deep.equal([{ item: `case-card|${reference}`, then: "adopted" }]);
    } finally {
      await bot.close();
    }
  });
});
