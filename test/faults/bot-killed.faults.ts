import { CosmosClient } from "@azure/cosmos";
import { expect } from "chai";
import { startCosmosProxy, type CosmosProxy, type ProxiedRequest } from "../support/cosmos-proxy.js";
import { chatMessageOf, FakeGraph } from "../support/fake-graph.js";
import type { FakeTeams } from "../support/fake-teams.js";
import {
  cardText,
  channelId,
  channelMessage,
  eventually,
  invokeCard,
  invokeMessage,
  people,
  startFakeTeams,
  teamGroupId,
  teamId,
  tenantId,
} from "../support/harness.js";
import { submitAction, walkToReview, type BotToTalkTo } from "../support/referral-walk.js";
import { countOnce, firstReference, newCaseCards } from "./exactly-once.js";
import { record } from "./figures.js";
import { startBotProcess, startCosmosProcess, type BotProcess, type CosmosProcess } from "./processes.js";

const fault = "bot process killed (SIGKILL) at Submit, restarted";

describe("faults: the bot's process killed (SIGKILL) at Submit and started again on the same Cosmos", function () {
  this.timeout(120_000);
  let cosmos: CosmosProcess;
  let proxy: CosmosProxy;
  let teams: FakeTeams;
  let graph: FakeGraph;
  const bots: BotProcess[] = [];

  beforeEach(async () => {
    cosmos = await startCosmosProcess();
    proxy = await startCosmosProxy(cosmos.endpoint);
    teams = await startFakeTeams();
    graph = new FakeGraph({});
    await graph.start();
  });
  afterEach(async () => {
    for (const bot of bots.splice(0)) await bot.kill();
    await proxy.close();
    await teams.stop();
    await graph.stop();
    await cosmos.stop();
  });

  /** The bot as `npm start` runs it, reaching Cosmos at `endpoint`; short claims and passes, so a restart picks up soon. */
  async function startBot(endpoint: string): Promise<BotToTalkTo & { process: BotProcess }> {
    const bot = await startBotProcess({
      CME_TEAM_ID: teamId,
      CME_CHANNEL_ID: channelId,
      CME_SERVICE_URL: teams.url,
      CME_MANAGER_IDS: people.manager.aadObjectId,
      ALLOWED_TENANT_IDS: tenantId,
      COSMOS_ENDPOINT: endpoint,
      COSMOS_KEY: cosmos.key,
      STORE_DEADLINE_MS: "1500",
      OUTBOX_CLAIM_SECONDS: "2",
      OUTBOX_INTERVAL_SECONDS: "1",
      ...graph.environment,
    });
    bots.push(bot);
    return { process: bot, teams, send: (activity) => bot.send(activity) };
  }

  async function kill(bot: BotProcess) {
    await bot.kill();
    bots.splice(bots.indexOf(bot), 1);
    record(fault, { injected: 1 });
  }

  /** The cases in Cosmos, read straight from the emulator. */
  async function storedCases(): Promise<string[]> {
    const client = new CosmosClient({
      endpoint: cosmos.endpoint,
      key: cosmos.key,
      connectionPolicy: { enableEndpointDiscovery: false },
    });
    try {
      const { resources } = await client
        .database("cme")
        .container("cases")
        .items.readAll<{ id: string }>()
        .fetchAll();
      return resources.map((stored) => stored.id);
    } finally {
      client.dispose();
    }
  }

  /** One new-case card on the channel, once the restarted bot's outbox has run. */
  async function oneCardOf(reference: string) {
    await eventually(() => expect(newCaseCards(teams, reference)).to.have.length.greaterThan(0), 20_000);
    // Time for a second card, were one coming: a few more outbox passes past the dead instance's claim.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(countOnce(fault, newCaseCards(teams, reference).length)).to.equal(1);
  }

  /** What the person is told when pressing Submit again: the submitted card, or that it was already submitted. */
  function answerText(response: { status: number; body: unknown }): string {
    const body = response.body as { type?: string };
    return body.type === "application/vnd.microsoft.activity.message"
      ? invokeMessage(response)
      : cardText(invokeCard(response));
  }

  const draftWrite = ({ method, path }: ProxiedRequest) =>
    method === "PUT" && path.includes("/colls/drafts/docs/");
  const creates =
    (container: string) =>
    ({ method, path, query }: ProxiedRequest) =>
      method === "POST" && !query && path.endsWith(`/colls/${container}/docs`);

  /** The nth draft write (1: the reference fixed on the draft; 2: the draft marked submitted). */
  const nthDraftWrite = (nth: number) => () => {
    let writes = 0;
    return (request: ProxiedRequest) => draftWrite(request) && ++writes === nth;
  };

  /**
   * Submit's request is in flight, held at a write it makes, in this order: the reference fixed on
   * the draft, the case created, the case's card queued, the draft marked submitted. The bot is
   * killed there; the held write then lands in Cosmos late, or never. (A case's or card's write
   * landing leaves the state the next point's lost write does: only lost is tried there.)
   */
  const killPoints: readonly (readonly [string, () => (request: ProxiedRequest) => boolean, boolean[]])[] = [
    ["before the reference is fixed on the draft", nthDraftWrite(1), [false, true]],
    ["at the case's creation", () => creates("cases"), [false]],
    ["after the case is stored, before its card is queued", () => creates("outbox"), [false]],
    [
      "after the case and its card are stored, before the draft is marked submitted",
      nthDraftWrite(2),
      [false, true],
    ],
  ];
  for (const [when, holding, landings] of killPoints) {
    for (const lands of landings) {
      it(`in flight, ${when} (the write ${lands ? "landing after the kill" : "lost"}): Submit pressed again on the restarted bot gives one case and one card`, async () => {
        const first = await startBot(proxy.endpoint);
        const review = await walkToReview(first, people.dsl);
        proxy.hold(holding());
        const submitting = first.send(submitAction(first, people.dsl, review)).catch(() => undefined);
        await eventually(() => expect(proxy.held()).to.equal(1), 5000);
        await kill(first.process);
        await submitting;
        if (lands) await proxy.resume();

        const second = await startBot(cosmos.endpoint);
        const [reference] = await storedCases();
        const said = answerText(await second.send(submitAction(second, people.dsl, review)));
        const stored = await storedCases();
        expect(stored).to.have.length(1);
        expect(reference === undefined || reference === stored[0]).to.equal(true);
        expect(said).to.include(stored[0]);
        await oneCardOf(stored[0]!);
      });
    }
  }

  it("answered, before its card is posted (killed at the card's first write): the restarted bot's outbox posts it once", async () => {
    const first = await startBot(proxy.endpoint);
    const review = await walkToReview(first, people.dsl);
    proxy.hold(({ method, path }) => method === "PUT" && path.includes("/colls/outbox/docs/case-card"));
    expect(cardText(invokeCard(await first.send(submitAction(first, people.dsl, review))))).to.include(
      firstReference,
    );
    await eventually(() => expect(proxy.held()).to.equal(1), 5000);
    await kill(first.process);

    await startBot(cosmos.endpoint);
    expect(await storedCases()).to.deep.equal([firstReference]);
    await oneCardOf(firstReference);
  });

  it("answered, Teams took its card and the bot died before hearing so: the restarted bot finds it (Graph) and updates it, one card", async () => {
    const first = await startBot(proxy.endpoint);
    await first.send(channelMessage(teams, people.manager, "setup"));
    const held = teams.holdNextPost(channelId);
    const review = await walkToReview(first, people.dsl);
    expect(cardText(invokeCard(await first.send(submitAction(first, people.dsl, review))))).to.include(
      firstReference,
    );
    const post = await held.taken;
    await kill(first.process);
    held.drop();
    graph.channelMessages[`${teamGroupId}|${channelId}`] = [chatMessageOf(post, "cme-bot-app")];

    await startBot(cosmos.endpoint);
    expect(await storedCases()).to.deep.equal([firstReference]);
    await eventually(() => expect(teams.updates(channelId, post.id)).to.have.length(1), 20_000);
    record(fault, { updates: 1 });
    await oneCardOf(firstReference);
  });
});
