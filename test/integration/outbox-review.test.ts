import { expect } from "chai";
import { CosmosClient } from "@azure/cosmos";
import type { OutboxItem } from "../../bot/outbox/outbox-item.js";
import { startEmbeddedCosmos, type EmbeddedCosmos } from "../../bot/store/embedded.js";
import { CosmosOutage } from "../support/cosmos-outage.js";
import type { FakeTeams } from "../support/fake-teams.js";
import {
  cardIn,
  cardText,
  deliverPendingNow,
  eventually,
  people,
  personalConversationId,
  startFakeTeams,
  startHarness,
  type Harness,
  type Who,
} from "../support/harness.js";

const chatWith = (teams: FakeTeams, who: Who) => ({
  id: personalConversationId(who),
  serviceUrl: teams.url,
  userId: who.id,
});

function notice(h: Harness, to: Who, n: number) {
  return h.app.services.outbox.postPersonalCard(
    `test-notice|${n}`,
    chatWith(h.teams, to),
    "referral-reminder",
    { title: `Notice ${n}`, expiresOn: "1 Dec 2026" },
  );
}

const noticesTo = (teams: FakeTeams, who: Who) =>
  teams
    .posts(personalConversationId(who))
    .map((post) => /Notice (\d)/.exec(cardText(cardIn(post)))?.[1])
    .filter(Boolean);

/** The stored item as it is (an update that changes nothing reads it). */
const itemOf = (h: Harness, id: string): Promise<OutboxItem | undefined> =>
  h.app.services.outboxStore.update(id, () => undefined);

const logged = (h: Harness, event: string) =>
  h.logLines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry.event === event);

/** Matches the requests that write (or renew) the second notice's item, however its id is encoded. */
const secondNoticesWrites = /test-notice(\||%7C)2/i;

describe("the outbox on two instances when a claim it queued lapsed while its pass was busy", () => {
  const claimMs = 6000;
  let cosmos: EmbeddedCosmos;
  let outage: CosmosOutage;
  let teams: FakeTeams;
  /** Instance A reaches Cosmos through the outage proxy; B straight (as two servers would). */
  let a: Harness;
  let b: Harness;
  let clock = new Date();
  beforeEach(async () => {
    clock = new Date();
    cosmos = await startEmbeddedCosmos();
    outage = new CosmosOutage(cosmos.endpoint);
    await outage.start();
    teams = await startFakeTeams();
    const env = { COSMOS_KEY: cosmos.key, OUTBOX_CLAIM_SECONDS: String(claimMs / 1000) };
    a = await startHarness({ ...env, COSMOS_ENDPOINT: outage.endpoint }, { now: () => clock, teams });
    b = await startHarness({ ...env, COSMOS_ENDPOINT: cosmos.endpoint }, { now: () => clock, teams });
    await Promise.all([a.app.services.outbox.idle(), b.app.services.outbox.idle()]);
  });
  afterEach(async () => {
    outage.downFor = undefined;
    await a.close();
    await b.close();
    await teams.stop();
    await outage.stop();
    await cosmos.close();
  });

  /** A's pass is held sending notice 1; notice 2, queued claimed behind it, cannot renew its claim, which lapses. */
  async function lapseTheSecondNoticesClaim() {
    const held = teams.holdNextPost(personalConversationId(people.dsl));
    await notice(a, people.dsl, 1);
    await held.taken;
    await notice(a, people.earlyYears, 2);
    outage.downFor = secondNoticesWrites;
    clock = new Date(clock.getTime() + claimMs + 1);
    return held;
  }

  it("sends a queued item once when another instance delivered it after its claim lapsed", async () => {
    const held = await lapseTheSecondNoticesClaim();
    // A still holds notice 1 (its renewals land), so B leaves that one alone.
    await eventually(async () => {
      const first = await itemOf(b, "personal-card|test-notice|1");
      expect(String(first?.claimedUntil) > clock.toISOString()).to.equal(true);
    });

    expect(await b.app.services.outbox.deliverDue()).to.equal(1);
    expect(noticesTo(teams, people.earlyYears)).to.deep.equal(["2"]);

    outage.downFor = undefined;
    held.answer();
    await a.app.services.outbox.idle();
    expect(noticesTo(teams, people.earlyYears)).to.deep.equal(["2"]);
    expect(noticesTo(teams, people.dsl)).to.deep.equal(["1"]);
    expect((await itemOf(b, "personal-card|test-notice|2"))?.state).to.equal("sent");
  });

  it("keeps a conversation's order when its queued item's claim lapsed: what follows it waits for it", async () => {
    const held = await lapseTheSecondNoticesClaim();
    await notice(a, people.earlyYears, 3); // claimed afresh, behind notice 2 in A's pass
    held.answer();
    await a.app.services.outbox.idle();
    outage.downFor = undefined;
    await a.app.services.outbox.deliverDue();
    expect(noticesTo(teams, people.earlyYears)).to.deep.equal(["2", "3"]);
  });
});

describe("the outbox's pass when the store goes away under it", () => {
  let cosmos: EmbeddedCosmos;
  let outage: CosmosOutage;
  let h: Harness;
  let clock = new Date();
  beforeEach(async () => {
    clock = new Date();
    cosmos = await startEmbeddedCosmos();
    outage = new CosmosOutage(cosmos.endpoint);
    await outage.start();
    h = await startHarness(
      { COSMOS_ENDPOINT: outage.endpoint, COSMOS_KEY: cosmos.key },
      { now: () => clock },
    );
    await h.app.services.outbox.idle();
  });
  afterEach(async () => {
    outage.down = false;
    await h.close();
    await outage.stop();
    await cosmos.close();
  });

  it("lets go of what it queued and ends, then a later pass delivers it once the store is back", async function () {
    this.timeout(10_000); // a pass that retries at once never ends while the store is away
    await notice(h, people.dsl, 1);
    outage.down = true; // before the pass asks the store anything
    await h.app.services.outbox.idle();
    const failures = logged(h, "outbox.delivery.failed");
    expect(failures.length).to.be.within(1, 5);
    expect(noticesTo(h.teams, people.dsl)).to.deep.equal([]);

    outage.down = false;
    clock = new Date(clock.getTime() + 15_001); // past the claim it was queued with
    expect(await h.app.services.outbox.deliverDue()).to.equal(1);
    await h.app.services.outbox.idle();
    expect(noticesTo(h.teams, people.dsl)).to.deep.equal(["1"]);
  });
});

describe("the outbox with a stored item no kind reads", () => {
  let h: Harness;
  let client: CosmosClient;
  beforeEach(async () => {
    h = await startHarness();
    client = new CosmosClient({
      endpoint: h.app.cosmosEndpoint,
      key: "local-embedded-cosmos",
      connectionPolicy: { enableEndpointDiscovery: false },
    });
  });
  afterEach(async () => {
    client.dispose();
    await h.close();
  });

  const reference = "CME-2026-00001";
  const waiting = { state: "pending", attempts: 0, revision: 1, nextAttemptAt: "2026-01-01T00:00:00.000Z" };
  const typedByAPerson = "Words someone typed about the family";

  it("delivers the others, reports it by id and where it fails (never its values), and lists without it", async () => {
    const outbox = client.database("cme").container("outbox");
    await outbox.items.create({
      ...waiting,
      id: `channel-card|escalation|${reference}|contact|1|2026-01-01`,
      kind: "escalation",
      caseId: reference,
      template: "escalation",
      data: { title: typedByAPerson, level: 1 }, // stored before `expects`, `dueSince` and `notify`
      createdAt: "2026-01-01T00:00:00.000Z",
    });
    await outbox.items.create({
      ...waiting,
      id: `channel-card|nonsense|${reference}|`,
      kind: "nonsense",
      caseId: reference,
      data: { note: typedByAPerson },
      createdAt: "2026-01-01T00:00:01.000Z",
    });
    h.teams.failNext = { count: 1, status: 500, conversationId: personalConversationId(people.dsl) };
    await notice(h, people.dsl, 1);
    await h.app.services.outbox.idle();
    expect(noticesTo(h.teams, people.dsl)).to.deep.equal([]); // it waits for its retry

    await deliverPendingNow(h);
    expect(noticesTo(h.teams, people.dsl)).to.deep.equal(["1"]);
    expect(await h.app.services.outboxStore.aboutCase(reference)).to.deep.equal([]);
    expect(await h.app.services.outboxStore.due(new Date(), 100)).to.deep.equal([]);

    const unreadable = logged(h, "outbox.item.unreadable");
    expect(unreadable.map((entry) => entry.item)).to.include.members([
      `channel-card|escalation|${reference}|contact|1|2026-01-01`,
      `channel-card|nonsense|${reference}|`,
    ]);
    expect(unreadable.every((entry) => typeof entry.problems === "string" && entry.problems !== "")).to.equal(
      true,
    );
    expect(unreadable.find((entry) => String(entry.item).includes("escalation"))?.problems).to.include(
      "data.expects",
    );
    expect(h.logLines.filter((line) => line.includes(typedByAPerson))).to.deep.equal([]);
  });
});

describe("the server when its store cannot be opened", () => {
  let teams: FakeTeams;
  beforeEach(async () => {
    teams = await startFakeTeams();
  });
  afterEach(async () => {
    await teams.stop();
  });

  const listening = () => process.getActiveResourcesInfo().filter((kind) => kind === "TCPServerWrap").length;

  it("closes the Cosmos it embedded when a start fails: nothing is left listening", async () => {
    const before = listening();
    let failure: unknown;
    // A database name Cosmos refuses: the embedded store starts, then opening the containers fails.
    await startHarness({ COSMOS_DATABASE: "cme/cases" }, { teams }).catch((error: unknown) => {
      failure = error;
    });
    expect(String(failure)).to.include("Illegal characters");
    // A closed server's handle goes at the loop's next close phase, after close() has answered.
    await eventually(() => expect(listening()).to.equal(before), 2000);
  });
});
