import { CosmosClient } from "@azure/cosmos";
import { expect } from "chai";
import { startEmbeddedCosmos, type EmbeddedCosmos } from "../../bot/store/embedded.js";
import { startCosmosProxy, type CosmosProxy } from "../support/cosmos-proxy.js";
import {
  actionData,
  cardAction,
  cardIn,
  cardText,
  eventually,
  invokeCard,
  invokeMessage,
  people,
  personalConversationId,
  personalMessage,
  startHarness,
  type Harness,
} from "../support/harness.js";
import { goodAnswers, next, sayRefer, submitAction, walkToReview } from "../support/referral-walk.js";

const notSavedYet =
  "Not saved yet: the case store is not answering. What you typed is kept here: try again in a minute.";
/** Teams gives up on a bot that has not answered after about 15 seconds. */
const teamsWaitMs = 15_000;

describe("when the case store hangs or refuses (Cosmos behind a proxy)", function () {
  this.timeout(60_000);
  let cosmos: EmbeddedCosmos;
  let proxy: CosmosProxy;
  let h: Harness;
  const dsl = people.dsl;
  const draftId = `${dsl.id}|school-age`;

  beforeEach(async () => {
    cosmos = await startEmbeddedCosmos();
    proxy = await startCosmosProxy(cosmos.endpoint);
    h = await startHarness({
      COSMOS_ENDPOINT: proxy.endpoint,
      COSMOS_KEY: cosmos.key,
      STORE_DEADLINE_MS: "1500",
    });
  });
  afterEach(async () => {
    await proxy.resume();
    await h.close();
    await proxy.close();
    await cosmos.close();
  });

  /** Posts an activity as Teams does: it stops waiting for the answer after its timeout. */
  async function sendAsTeams(activity: Record<string, unknown>) {
    const response = await fetch(`${h.app.url}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(activity),
      signal: AbortSignal.timeout(teamsWaitMs),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }

  async function pressNext(card: Record<string, unknown>, inputs: Record<string, string>) {
    return sendAsTeams(
      cardAction(h.teams, dsl, "personal", "referral.next", {
        ...actionData(card, "referral.next"),
        ...inputs,
      }),
    );
  }

  /** The child step's card, after the first step was answered. */
  async function childStep() {
    const card = await next(h, dsl, await sayRefer(h, dsl), goodAnswers.whatHappened);
    expect(cardText(card)).to.include("Step 2 of 8");
    return card;
  }

  /** The draft as stored in Cosmos itself, past the proxy and past the fence. */
  async function rawDraft() {
    const direct = new CosmosClient({
      endpoint: cosmos.endpoint,
      key: cosmos.key,
      connectionPolicy: { enableEndpointDiscovery: false },
    });
    try {
      const { resource } = await direct
        .database("cme")
        .container("drafts")
        .item(draftId, dsl.id)
        .read<{ version: number; step: string; mustLandBy?: string }>();
      return resource;
    } finally {
      direct.dispose();
    }
  }

  function lastReply(): string {
    const replies = h.teams.replies(personalConversationId(dsl));
    return JSON.stringify(replies.at(-1)?.body ?? {});
  }

  it("paused: Next answers in time with the same card, what was typed and why; later the same Next carries on, once", async () => {
    const child = await childStep();
    proxy.pause();
    const again = invokeCard(await pressNext(child, goodAnswers.child));
    expect(cardText(again)).to.include(notSavedYet);
    expect(cardText(again)).to.include("Step 2 of 8");
    expect(cardText(again)).to.include("Amelia Rose");
    expect(cardText(again)).to.include("12 Example Road, Wigston");
    expect(cardText(again)).not.to.include("Something went wrong");

    await proxy.resume();
    const family = invokeCard(await pressNext(again, goodAnswers.child));
    expect(cardText(family)).to.include("Step 3 of 8");
    const draft = await h.app.services.drafts.get(dsl.id, draftId);
    expect(draft?.step).to.equal("family");
    expect(draft?.version).to.equal(3);
  });

  it("paused: 'resume' gets a message in the chat saying the store is not answering", async () => {
    await childStep();
    proxy.pause();
    const response = await sendAsTeams(personalMessage(h.teams, dsl, "resume"));
    expect(response.status).to.equal(200);
    expect(lastReply()).to.include("the case store is not answering");
    expect(lastReply()).not.to.include("Something went wrong");
  });

  it("paused: /readyz answers within 2 s that the store is not reachable", async () => {
    proxy.pause();
    const response = await fetch(`${h.app.url}/readyz`, { signal: AbortSignal.timeout(2000) });
    expect(response.status).to.equal(503);
    expect(await response.json()).to.include({ status: "not ready", cosmos: "not reachable" });
  });

  it("a step whose write lands after the person was told 'not saved' is read as not applied; the next Next is applied once", async () => {
    const child = await childStep();
    proxy.hold(({ method, path }) => method === "PUT" && path.includes("/colls/drafts/docs/"));
    const again = invokeCard(await pressNext(child, goodAnswers.child));
    expect(cardText(again)).to.include(notSavedYet);
    expect(proxy.held()).to.equal(1);

    // The write the bot gave up on reaches Cosmos now, late, and is stored there.
    await proxy.resume();
    const landed = await rawDraft();
    expect(landed).to.include({ step: "family", version: 3 });
    expect(landed?.mustLandBy).to.be.a("string");

    // Everyone reads it as not applied: the person is still on the child's step, with what they typed.
    const resumed = await sayRefer(h, dsl, "resume");
    expect(cardText(resumed)).to.include("Step 2 of 8");
    expect(cardText(resumed)).to.include("Amelia Rose");

    const family = invokeCard(await pressNext(again, goodAnswers.child));
    expect(cardText(family)).to.include("Step 3 of 8");
    expect(await rawDraft()).to.include({ step: "family", version: 3 });
  });

  it("refusing connections: the person gets the card again or a message, never an empty 503; afterwards the referral is submitted once", async () => {
    const child = await childStep();
    await proxy.refuse();
    const card = await pressNext(child, goodAnswers.child);
    expect(card.status).to.equal(200);
    expect(cardText(invokeCard(card))).to.include(notSavedYet);

    const message = await sendAsTeams(personalMessage(h.teams, dsl, "resume"));
    expect(message.status).to.equal(200);
    expect(lastReply()).to.include("the case store is not answering");

    const other = await sendAsTeams(
      cardAction(h.teams, people.officer, "personal", "case.refresh", { caseId: "CME-2026-00001" }),
    );
    expect(invokeMessage(other)).to.equal(notSavedYet);

    await proxy.resume();
    let step = invokeCard(await pressNext(invokeCard(card), goodAnswers.child));
    for (const id of ["family", "school", "vulnerability", "enquiries", "referrer"] as const)
      step = await next(h, dsl, step, goodAnswers[id]);
    const submitted = invokeCard(await h.send(submitAction(h, dsl, step)));
    expect(cardText(submitted)).to.match(/CME-\d{4}-00001/);
    expect(invokeMessage(await h.send(submitAction(h, dsl, step)))).to.include("already submitted");
    expect((await h.app.services.cases.counts()).byStatus.new).to.equal(1);
  });
});

describe("a submission on a slow store (Cosmos behind a proxy)", function () {
  this.timeout(60_000);

  it("answers 'received' in time and, still slow, finishes after the answer: the reference comes to the same card", async () => {
    const cosmos = await startEmbeddedCosmos();
    const proxy = await startCosmosProxy(cosmos.endpoint);
    // A turn's store budget is 3 s here; the submission's calls at 400 ms each take longer than that.
    const h = await startHarness({
      COSMOS_ENDPOINT: proxy.endpoint,
      COSMOS_KEY: cosmos.key,
      STORE_DEADLINE_MS: "1500",
      SUBMIT_ANSWER_WITHIN_MS: "1000",
    });
    try {
      const review = await walkToReview(h, people.dsl);
      const conversation = personalConversationId(people.dsl);
      const message = h.teams.replies(conversation)[0];
      if (!message) throw new Error("no referral message");
      proxy.slow(400);
      const answer = await h.send({ ...submitAction(h, people.dsl, review), replyToId: message.id });
      expect(cardText(invokeCard(answer))).to.include("Referral received: sending it now");
      const updated = await eventually(() => {
        const update = h.teams.updates(conversation, message.id).at(-1);
        if (!update) throw new Error("the card was not updated yet");
        return cardText(cardIn(update));
      }, 30_000);
      expect(updated).to.include(`Referral received: CME-${new Date().getUTCFullYear()}-00001`);
      proxy.slow(0);
      expect(
        (await h.app.services.drafts.get(people.dsl.id, `${people.dsl.id}|school-age`))?.submittedAt,
      ).to.be.a("string");
    } finally {
      await h.close();
      await proxy.close();
      await cosmos.close();
    }
  });
});
