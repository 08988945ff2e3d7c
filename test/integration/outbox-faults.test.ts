import type { OutboxItem } from "../../bot/outbox/outbox-item.js";
import { expect } from "chai";
import { startEmbeddedCosmos, type EmbeddedCosmos } from "../../bot/store/embedded.js";
import { startCosmosProxy, type CosmosProxy } from "../support/cosmos-proxy.js";
import {
  cardIn,
  cardText,
  channelId,
  deliverPendingNow,
  people,
  personalConversationId,
  startHarness,
  type Harness,
} from "../support/harness.js";
import { refer } from "../support/referral-walk.js";

const reference = `CME-${new Date().getUTCFullYear()}-00001`;
const chat = { id: personalConversationId(people.dsl), userId: people.dsl.id };

function notice(h: Harness, n: number) {
  return h.app.services.outbox.postPersonalCard(
    `test-notice|${n}`,
    { ...chat, serviceUrl: h.teams.url },
    "referral-reminder",
    { title: `Notice ${n}`, expiresOn: "1 Dec 2026" },
  );
}

const noticesIn = (h: Harness) =>
  h.teams
    .posts(chat.id)
    .map((post) => /Notice (\d)/.exec(cardText(cardIn(post)))?.[1])
    .filter(Boolean);

const cardsOfTheCase = (h: Harness) =>
  h.teams.posts(channelId).filter((post) => cardText(cardIn(post)).includes(`"${reference}"`));

/** The stored item as it is (an update that changes nothing reads it). */
const itemOf = async (h: Harness, id: string) =>
  (await h.app.services.outboxStore.update(id, () => undefined)) as
    (OutboxItem & { readonly inDoubtSince?: string }) | undefined;

describe("the outbox when the store does not answer a delivery's own reads and writes", () => {
  let cosmos: EmbeddedCosmos;
  let proxy: CosmosProxy;
  let h: Harness;
  let clock = new Date();
  beforeEach(async () => {
    clock = new Date();
    cosmos = await startEmbeddedCosmos();
    proxy = await startCosmosProxy(cosmos.endpoint);
    h = await startHarness(
      {
        COSMOS_ENDPOINT: proxy.endpoint,
        COSMOS_KEY: cosmos.key,
        STORE_DEADLINE_MS: "1500",
        OUTBOX_CLAIM_SECONDS: "3",
      },
      { now: () => clock },
    );
  });
  afterEach(async () => {
    await h.close();
    await proxy.close();
    await cosmos.close();
  });

  it("retries a case card whose case could not be read, and updates the card once the store answers", async () => {
    await refer(h, people.dsl);
    await h.app.services.outbox.idle();
    const [first] = cardsOfTheCase(h);
    proxy.hold(({ method, path }) => method === "GET" && path.includes("/colls/cases/docs/"));
    await h.app.services.outbox.showCaseCard(reference);
    await h.app.services.outbox.idle();
    await proxy.resume();
    const waiting = await itemOf(h, `case-card|${reference}`);
    expect({ state: waiting?.state, attempts: waiting?.attempts }).to.deep.equal({
      state: "pending",
      attempts: 1,
    });

    clock = new Date(clock.getTime() + 10 * 60_000);
    await deliverPendingNow(h);
    expect(h.teams.updates(channelId, first!.id)).to.have.length(1);
    expect((await itemOf(h, `case-card|${reference}`))?.state).to.equal("sent");
  });

  it("records a sent message whose claim renewal landed after it timed out: posted once", async () => {
    const held = h.teams.holdNextPost(chat.id);
    await notice(h, 1);
    await held.taken;
    clock = new Date(clock.getTime() + 1000); // the next renewal moves the claim on
    // The renewal's write lands in Cosmos; its answer never reaches the bot, which gives up on it.
    await proxy.loseNextAnswer(
      ({ method, path }) => method === "PUT" && path.includes("/colls/outbox/docs/"),
    );
    held.answer();
    await h.app.services.outbox.idle();

    clock = new Date(clock.getTime() + 60_000); // past any claim
    await deliverPendingNow(h);
    expect(noticesIn(h)).to.deep.equal(["1"]);
    expect((await itemOf(h, "personal-card|test-notice|1"))?.state).to.equal("sent");
  });
});

describe("the outbox when Teams never answers a send", () => {
  let h: Harness;
  let clock = new Date();
  beforeEach(async () => {
    clock = new Date();
    h = await startHarness({ OUTBOX_CLAIM_SECONDS: "2" }, { now: () => clock });
  });
  afterEach(async () => {
    await h.close();
  });

  const inDoubtLog = () =>
    h.logLines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.event === "outbox.post.in-doubt")
      .map(({ item, then }) => ({ item, then }));

  it("gives up on the send after its deadline, delivers the next conversation's message, and retries it in doubt", async () => {
    h.teams.holdNextPost(channelId); // Teams takes the case's card and never answers
    await refer(h, people.dsl);
    await notice(h, 1);
    await h.app.services.outbox.idle();
    expect(noticesIn(h)).to.deep.equal(["1"]);
    const given = await itemOf(h, `case-card|${reference}`);
    expect(given?.state).to.equal("pending");
    expect(given?.attempts).to.equal(1);
    expect(given?.inDoubtSince).to.be.a("string");

    clock = new Date(clock.getTime() + 10 * 60_000);
    await deliverPendingNow(h);
    expect(inDoubtLog()).to.deep.equal([{ item: `case-card|${reference}`, then: "posted again" }]);
    expect(cardsOfTheCase(h)).to.have.length(2);
    expect((await itemOf(h, `case-card|${reference}`))?.state).to.equal("sent");
  });
});
