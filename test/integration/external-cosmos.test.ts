import { expect } from "chai";
import { startEmbeddedCosmos, type EmbeddedCosmos } from "../../bot/store/embedded.js";
import { cardText, people, startHarness } from "../support/harness.js";
import { next, sayRefer, goodAnswers } from "../support/referral-walk.js";

describe("against a Cosmos emulator outside the bot (COSMOS_ENDPOINT)", () => {
  let cosmos: EmbeddedCosmos;
  beforeEach(async () => {
    cosmos = await startEmbeddedCosmos();
  });
  afterEach(async () => {
    await cosmos.close();
  });

  it("creates its database and containers, and keeps a draft across a restart of the bot", async () => {
    const env = { COSMOS_ENDPOINT: cosmos.endpoint, COSMOS_KEY: cosmos.key, COSMOS_DATABASE: "cme-restart" };
    const first = await startHarness(env);
    expect(first.app.embeddedCosmos).to.equal(false);
    const card = await sayRefer(first, people.dsl);
    await next(first, people.dsl, card, goodAnswers.whatHappened);
    await first.close();

    const second = await startHarness(env);
    try {
      const resumed = await sayRefer(second, people.dsl);
      expect(cardText(resumed)).to.include("carrying on where you left off");
      expect(cardText(resumed)).to.include("Step 2 of 8");
    } finally {
      await second.close();
    }
  });

  it("answers /readyz 503 while Cosmos does not answer, and /healthz 200 all along", async () => {
    const h = await startHarness({ COSMOS_ENDPOINT: cosmos.endpoint, COSMOS_KEY: cosmos.key });
    try {
      expect((await fetch(`${h.app.url}/readyz`)).status).to.equal(200);
      await cosmos.close();
      const down = await fetch(`${h.app.url}/readyz`);
      expect(down.status).to.equal(503);
      expect(await down.json()).to.include({ status: "not ready", cosmos: "not reachable" });
      expect((await fetch(`${h.app.url}/healthz`)).status).to.equal(200);
    } finally {
      await h.close();
    }
  });
});
