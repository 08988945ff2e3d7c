import { expect } from "chai";
import { CosmosClient, type Container } from "@azure/cosmos";
import { sampleCase } from "../support/sample-case.js";
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

describe("outbox items and cases stored by earlier versions of the bot", () => {
  let h: Harness;
  let client: CosmosClient;
  const container = (name: string): Container => client.database("cme").container(name);
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

  it("delivers items of the old shape as their kinds, and updates a case's card kept on the case in place", async () => {
    const older = {
      ...sampleCase("school-age", new Date("2026-11-03T10:00:00Z"), "2026-11-03"),
      id: reference,
      channelMessage: { conversationId: channelId, activityId: "posted-before" },
    };
    await container("cases").items.create(older);
    const chat = { id: personalConversationId(people.dsl), serviceUrl: h.teams.url, userId: people.dsl.id };
    for (const item of [
      {
        id: `case-card|${reference}`,
        kind: "case-card",
        caseId: reference,
        createdAt: "2026-11-03T10:00:01Z",
      },
      {
        id: `channel-card|urgent-on-arrival|${reference}`,
        kind: "channel-card",
        caseId: reference,
        template: "escalation-urgent",
        createdAt: "2026-11-03T10:00:02Z",
      },
      {
        id: "personal-card|draft-reminder|d1|2026-11-01",
        kind: "personal-card",
        conversation: chat,
        template: "referral-reminder",
        data: { title: "School-age referral", expiresOn: "1 Dec 2026" },
        createdAt: "2026-11-03T10:00:03Z",
      },
    ])
      await container("outbox").items.create({ ...item, ...waiting });

    await deliverPendingNow(h);

    expect(h.teams.updates(channelId, "posted-before")).to.have.length(1);
    const posts = h.teams.posts(channelId).map((post) => cardText(cardIn(post)));
    expect(posts).to.have.length(1); // the urgent card; the case's card is not posted again
    expect(posts[0]).to.include(reference);
    expect(h.teams.posts(chat.id).map((post) => cardText(cardIn(post)))[0]).to.include("1 Dec 2026");
    const items = await h.app.services.outboxStore.aboutCase(reference);
    expect(items.map((item) => [item.kind, item.state])).to.have.deep.members([
      ["case-card", "sent"],
      ["urgent", "sent"],
    ]);
    const reminder = await h.app.services.outboxStore.update(
      "personal-card|draft-reminder|d1|2026-11-01",
      () => undefined,
    );
    expect(reminder).to.include({ kind: "draft-reminder", state: "sent" });
    // The case is only read: its old field stays as it was, and nothing new is written to it.
    const { resource } = await container("cases")
      .item(reference, reference)
      .read<{ channelMessage: unknown }>();
    expect(resource?.channelMessage).to.deep.equal(older.channelMessage);
  });

  it("posts a new case's card without writing the case: its ETag is as the submission left it", async () => {
    const held = h.teams.holdNextPost(channelId);
    await refer(h, people.dsl);
    const year = new Date().getUTCFullYear();
    const submitted = await h.app.services.cases.get(`CME-${year}-00001`);
    await held.taken;
    held.answer();
    await h.app.services.outbox.idle();
    expect(h.teams.posts(channelId)).to.have.length(1);
    const delivered = await h.app.services.cases.get(`CME-${year}-00001`);
    expect(delivered?._etag).to.equal(submitted?._etag);
    const card = await h.app.services.outboxStore.update(`case-card|CME-${year}-00001`, () => undefined);
    expect(card).to.include({ state: "sent", activityId: h.teams.posts(channelId)[0]?.id });
  });
});
