import { expect } from "chai";
import { channelId, people, startHarness, type Harness } from "../support/harness.js";
import { startCountingCosmos, type CountingCosmos } from "../support/cosmos-counter.js";
import { refer } from "../support/referral-walk.js";

/** The outbox writes an item it knows against the ETag it last saw; someone else's write in between is never lost. */
describe("the outbox's items as this instance last wrote them", () => {
  let h: Harness;
  let cosmos: CountingCosmos;
  let reference: string;
  const cardItem = () => `case-card|${reference}`;
  beforeEach(async () => {
    cosmos = await startCountingCosmos();
    h = await startHarness({ COSMOS_ENDPOINT: cosmos.endpoint, COSMOS_KEY: cosmos.key });
    await refer(h, people.dsl);
    reference = `CME-${new Date().getUTCFullYear()}-00001`;
    await h.app.services.outbox.idle();
  });
  afterEach(async () => {
    await h.close();
    await cosmos.close();
  });

  it("asks for a case's card again without reading its item first", async () => {
    cosmos.take();
    await h.app.services.outbox.showCaseCard(reference);
    const counts = cosmos.take();
    expect(counts.get("read outbox") ?? 0).to.equal(0);
    expect(counts.get("write outbox") ?? 0).to.be.greaterThanOrEqual(1);
    await h.app.services.outbox.idle();
    expect(h.teams.updates(channelId, h.teams.posts(channelId)[0]!.id)).to.have.length(1);
  });

  it("makes the change on the item as it is when another instance wrote it since", async () => {
    // Another instance asked for the card meanwhile (a new revision, its own ETag).
    const theirs = await h.app.services.outboxStore.update(cardItem(), (current) =>
      current ? { ...current, revision: current.revision + 5 } : undefined,
    );
    await h.app.services.outbox.showCaseCard(reference);
    await h.app.services.outbox.idle();
    const after = await h.app.services.outboxStore.update(cardItem(), () => undefined);
    expect(after?.revision).to.equal((theirs?.revision ?? 0) + 1);
    expect(after?.state).to.equal("sent");
    expect(h.teams.updates(channelId, h.teams.posts(channelId)[0]!.id)).to.have.length(1);
  });

  it("stores the item afresh when it was removed since", async () => {
    await h.app.services.outboxStore.remove(cardItem());
    await h.app.services.outbox.showCaseCard(reference);
    await h.app.services.outbox.idle();
    const after = await h.app.services.outboxStore.update(cardItem(), () => undefined);
    expect(after?.state).to.equal("sent");
  });
});
