import { expect } from "chai";
import type { OutboxItem } from "../../bot/outbox/outbox-item.js";
import { startHarnessBehindOutage, type HarnessBehindOutage } from "../support/cosmos-outage.js";
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
  waitingToBeSent as waiting,
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
  let teams: FakeTeams;
  /** Instance A reaches Cosmos through the outage proxy; B straight (as two servers would). */
  let a: HarnessBehindOutage;
  let b: Harness;
  let clock = new Date();
  beforeEach(async () => {
    clock = new Date();
    teams = await startFakeTeams();
    const claim = { OUTBOX_CLAIM_SECONDS: String(claimMs / 1000) };
    a = await startHarnessBehindOutage(claim, { now: () => clock, teams });
    const straight = { COSMOS_ENDPOINT: a.cosmos.endpoint, COSMOS_KEY: a.cosmos.key };
    b = await startHarness({ ...claim, ...straight }, { now: () => clock, teams });
    await Promise.all([a.app.services.outbox.idle(), b.app.services.outbox.idle()]);
  });
  afterEach(async () => {
    await b.close(); // first: A's closing stops the store B reaches straight
    await a.close();
    await teams.stop();
  });

  /** A's pass is held sending notice 1; notice 2, queued claimed behind it, cannot renew its claim, which lapses. */
  async function lapseTheSecondNoticesClaim() {
    const held = teams.holdNextPost(personalConversationId(people.dsl));
    await notice(a, people.dsl, 1);
    await held.taken;
    await notice(a, people.earlyYears, 2);
    a.outage.downFor = secondNoticesWrites;
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

    a.outage.downFor = undefined;
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
    a.outage.downFor = undefined;
    await a.app.services.outbox.deliverDue();
    expect(noticesTo(teams, people.earlyYears)).to.deep.equal(["2", "3"]);
  });
});

describe("the outbox's pass when the store goes away under it", () => {
  let h: HarnessBehindOutage;
  let clock = new Date();
  beforeEach(async () => {
    clock = new Date();
    h = await startHarnessBehindOutage({}, { now: () => clock });
    await h.app.services.outbox.idle();
  });
  afterEach(async () => {
    await h.close();
  });

  it("lets go of what it queued and ends, then a later pass delivers it once the store is back", async function () {
    this.timeout(10_000); // a pass that retries at once never ends while the store is away
    await notice(h, people.dsl, 1);
    h.outage.down = true; // before the pass asks the store anything
    await h.app.services.outbox.idle();
    const failures = logged(h, "outbox.delivery.failed");
    expect(failures.length).to.be.within(1, 5);
    expect(noticesTo(h.teams, people.dsl)).to.deep.equal([]);

    h.outage.down = false;
    clock = new Date(clock.getTime() + 15_001); // past the claim it was queued with
    expect(await h.app.services.outbox.deliverDue()).to.equal(1);
    await h.app.services.outbox.idle();
    expect(noticesTo(h.teams, people.dsl)).to.deep.equal(["1"]);
  });
});

describe("the outbox with a stored item no kind reads", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const typedByAPerson = "Words someone typed about the family";
  const reference = "CME-2026-00001";

  it("delivers the others, reports it by id and where it fails (never its values), and lists without it", async () => {
    const outbox = h.storeContainer("outbox");
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
