import { expect } from "chai";
import { loadConfig, ConfigError } from "../../bot/config.js";
import { startDraft } from "../../bot/referrals/wizard.js";
import { createCosmosClient, openContainers, type Containers } from "../../bot/store/cosmos.js";
import { StoreUnavailableError, withStoreBudget } from "../../bot/store/deadline.js";
import { read, upsert } from "../../bot/store/documents.js";
import { DraftStore } from "../../bot/store/draft-store.js";
import { startEmbeddedCosmos, type EmbeddedCosmos } from "../../bot/store/embedded.js";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("a turn's store budget, against Cosmos", () => {
  let cosmos: EmbeddedCosmos;
  let containers: Containers;
  before(async () => {
    cosmos = await startEmbeddedCosmos();
    containers = await openContainers(
      createCosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key }, 3000),
      "cme",
    );
  });
  after(async () => {
    await cosmos.close();
  });

  it("sends nothing once the budget is spent: a write the person is told failed never lands later", async () => {
    for (let i = 0; i < 10; i += 1) {
      const id = `spent-${i}`;
      const attempt = withStoreBudget(3000, 1, async () => {
        await pause(5);
        return upsert(containers.settings, { id, value: 1 });
      });
      let failure: unknown;
      await attempt.catch((error: unknown) => (failure = error));
      expect(failure).to.be.instanceOf(StoreUnavailableError);
      await pause(50);
      expect(await read(containers.settings, id)).to.equal(undefined);
    }
  });

  it("does not send a draft save that could not land in time, and saves those that can", async () => {
    const drafts = new DraftStore(containers.drafts);
    const person = { id: "29:budget", name: "Pat" };
    const stored = await drafts.put(startDraft(person, "school-age", new Date()));
    // 1.2 s left: under the second a fenced write needs to be judged on time.
    const late = withStoreBudget(1500, 1200, () =>
      drafts.save({ ...stored, version: stored.version + 1 }, stored),
    );
    let failure: unknown;
    await late.catch((error: unknown) => (failure = error));
    expect(failure).to.be.instanceOf(StoreUnavailableError);
    const raw = await read<{ version: number; mustLandBy?: string }>(containers.drafts, stored.id, person.id);
    expect(raw?.version).to.equal(stored.version);
    expect(raw?.mustLandBy).to.equal(undefined);

    let current = stored;
    for (let i = 0; i < 20; i += 1) {
      current = await withStoreBudget(1500, 3000, () =>
        drafts.save({ ...current, version: current.version + 1 }, current),
      );
    }
    expect((await drafts.get(person.id, stored.id))?.version).to.equal(stored.version + 20);
  });

  it("refuses a per-call deadline too short for a write to land in time", () => {
    expect(() => loadConfig({ STORE_DEADLINE_MS: "700" })).to.throw(ConfigError, /STORE_DEADLINE_MS/);
    expect(loadConfig({ STORE_DEADLINE_MS: "1500" }).storeDeadlineMs).to.equal(1500);
  });
});
