import { expect } from "chai";
import { startCosmosBehindOutage, type CosmosBehindOutage } from "../support/cosmos-outage.js";
import { chatMessageOf, FakeGraph } from "../support/fake-graph.js";
import { azureModeEnvironment, botAppId, FakeBotFramework } from "../support/jwks.js";
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
  tenantId,
  type Harness,
} from "../support/harness.js";
import { refer } from "../support/referral-walk.js";

describe("a case's new card that Teams took while the bot crashed before recording it", () => {
  let store: CosmosBehindOutage;
  let teams: FakeTeams;
  let graph: FakeGraph;
  let bf: FakeBotFramework;
  let clock = new Date();
  const reference = `CME-${new Date().getUTCFullYear()}-00001`;
  beforeEach(async () => {
    clock = new Date();
    store = await startCosmosBehindOutage();
    teams = await startFakeTeams();
    graph = new FakeGraph({});
    await graph.start();
    bf = new FakeBotFramework();
    await bf.start();
  });
  afterEach(async () => {
    await teams.stop();
    await graph.stop();
    await bf.stop();
    await store.stop();
  });

  /** Local mode with or without Graph, or an Azure-mode SingleTenant bot (its secret, its tenant) as deployed. */
  type Mode = "no graph" | "graph" | "azure";
  async function start(mode: Mode): Promise<Harness> {
    const database = { COSMOS_DATABASE: "cme-in-doubt" };
    if (mode !== "azure") {
      return startHarness(
        { ...store.environment, ...database, ...(mode === "graph" ? graph.environment : {}) },
        { teams, now: () => clock },
      );
    }
    const bot = await startHarness(azureModeEnvironment(bf, { ...database, ...graph.addresses }), {
      teams,
      now: () => clock,
      // The store behind the outage proxy, with its key (no managed identity here); no profiles
      // from Graph (those go with the managed identity): only the channel's posts are read.
      adjust: (config) => ({
        ...config,
        cosmos: { ...config.cosmos, ...reachStore(), identityClientId: undefined },
        graph: undefined,
      }),
    });
    // Every request carries a token the Bot Framework signed, as Teams' do.
    return { ...bot, send: (activity, token) => bot.send(activity, token ?? bf.token(botAppId, teams.url)) };
  }
  const reachStore = () => ({
    endpoint: store.environment.COSMOS_ENDPOINT,
    key: store.environment.COSMOS_KEY,
  });
  const cardsOfTheCase = () =>
    teams.posts(channelId).filter((post) => cardText(cardIn(post)).includes(`"${reference}"`));

  const inDoubtLog = (bot: Harness) =>
    bot.logLines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.event === "outbox.post.in-doubt")
      .map(({ item, then, why }) => ({ item, then, ...(why ? { why } : {}) }));

  /** Teams takes the case's first card; the bot hears nothing and records nothing (it died), then starts again. */
  async function crashWhileTeamsTakesTheCard(mode: Mode): Promise<{ post: SentActivity; bot: Harness }> {
    const first = await start(mode);
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
    return { post, bot: await start(mode) };
  }

  it("finds the card among the channel's messages (Graph) and updates it: one card in all", async () => {
    const { post, bot } = await crashWhileTeamsTakesTheCard("graph");
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

  it("as deployed (a SingleTenant bot), reads the channel with its Entra app's token from its own tenant: one card", async () => {
    // The team's consent to ChannelMessage.Read.Group went to the manifest's webApplicationInfo: the Entra app.
    graph.channelReader = botAppId;
    const { post, bot } = await crashWhileTeamsTakesTheCard("azure");
    try {
      graph.channelMessages[`${teamGroupId}|${channelId}`] = [chatMessageOf(post, botAppId)];
      await bot.app.services.outbox.idle();
      await deliverPendingNow(bot);
      expect(cardsOfTheCase().map((card) => card.id)).to.deep.equal([post.id]);
      expect(inDoubtLog(bot)).to.deep.equal([{ item: `case-card|${reference}`, then: "adopted" }]);
      const reads = graph.requests.filter((r) => r.method === "GET" && r.path.endsWith("/messages"));
      expect(reads.map((r) => r.token)).to.deep.equal([{ tenant: tenantId, clientId: botAppId }]);
      expect(graph.tokenRequests).to.deep.equal([
        { tenant: tenantId, clientId: botAppId, scope: `${graph.url}/.default` },
      ]);
    } finally {
      await bot.close();
    }
  });

  it("without Graph posts it again once, says so in the log, and updates that one after", async () => {
    const { bot } = await crashWhileTeamsTakesTheCard("no graph");
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
    const bot = await start("graph");
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
