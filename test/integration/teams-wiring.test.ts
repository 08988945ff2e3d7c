import { expect } from "chai";
import {
  cardAction,
  cardIn,
  cardText,
  channelId,
  channelMessage,
  deliverPendingNow,
  eventually,
  invokeMessage,
  people,
  personalConversationId,
  personalMessage,
  startHarness,
  teamMembersUpdate,
  teamId,
  tenantId,
  type Harness,
} from "../support/harness.js";
import { refer } from "../support/referral-walk.js";

const threadOf = `${channelId};messageid=1`;

describe("Teams wiring over HTTP", () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  describe("with no case channel preset", () => {
    beforeEach(async () => {
      h = await startHarness({ CME_TEAM_ID: "", CME_CHANNEL_ID: "", CME_SERVICE_URL: undefined });
    });

    it("records the team when the bot is installed in it", async () => {
      await h.send(
        teamMembersUpdate(h.teams, "install-1", { membersAdded: [{ id: "28:cme-bot" }] }, "teamMemberAdded"),
      );
      const team = await h.app.services.settings.team(teamId);
      expect(team).to.include({ teamId, name: "CME Team", serviceUrl: h.teams.url, tenantId });
    });

    it("lets only a manager make a channel the case channel, then posts new cases there", async () => {
      await h.send(channelMessage(h.teams, people.officer, "setup"));
      expect(h.teams.replies(threadOf).at(-1)?.body.text).to.match(/Only a CME manager/);
      expect(await h.app.services.settings.caseChannel()).to.equal(undefined);

      await h.send(channelMessage(h.teams, people.manager, "setup"));
      expect(h.teams.replies(threadOf).at(-1)?.body.text).to.match(
        /new CME cases will be posted in this channel/,
      );
      expect(await h.app.services.settings.caseChannel()).to.include({
        teamId,
        channelId,
        serviceUrl: h.teams.url,
      });

      await refer(h, people.dsl);
      await eventually(() => expect(h.teams.posts(channelId)).to.have.length(1));
    });

    it("keeps a new case's card in the outbox until a channel is set up, then posts it", async () => {
      await refer(h, people.dsl);
      await h.app.services.outbox.idle();
      expect(h.teams.posts(channelId)).to.have.length(0);
      expect(await h.app.services.outboxStore.countByState("pending")).to.equal(1);

      await h.send(channelMessage(h.teams, people.manager, "setup"));
      await deliverPendingNow(h);
      expect(h.teams.posts(channelId)).to.have.length(1);
    });
  });

  describe("with the case channel preset", () => {
    beforeEach(async () => {
      h = await startHarness();
    });

    it("answers help, and unknown words with help", async () => {
      await h.send(personalMessage(h.teams, people.dsl, "help"));
      const help = h.teams.replies(personalConversationId(people.dsl)).at(-1);
      expect(cardText(cardIn(help!))).to.include("refer");
      expect(cardText(cardIn(help!))).to.include("status");

      await h.send(personalMessage(h.teams, people.dsl, "frobnicate"));
      const replies = h.teams.replies(personalConversationId(people.dsl));
      expect(replies.at(-2)?.body.text).to.include("I don't know 'frobnicate'");
      expect(cardText(cardIn(replies.at(-1)!))).to.include("CME Referrals");
    });

    it("retries a channel post that Teams refused with 500s and 429s until it lands, once", async () => {
      h.teams.failNext = { count: 3, status: 429, conversationId: channelId };
      await refer(h, people.dsl);
      await h.app.services.outbox.idle();
      expect(h.teams.posts(channelId)).to.have.length(0);
      const [item] = await h.app.services.outboxStore.due(new Date(Date.now() + 3_600_000), 10);
      expect(item).to.include({ state: "pending", attempts: 1 });
      expect(item?.lastError).to.match(/429/);

      for (let attempt = 0; attempt < 3; attempt += 1) await deliverPendingNow(h);
      expect(h.teams.posts(channelId)).to.have.length(1);
      expect(await h.app.services.outboxStore.countByState("sent")).to.equal(1);
    });

    it("refuses a tenant that is not allowed, for messages and card actions", async () => {
      await h.close();
      h = await startHarness({ ALLOWED_TENANT_IDS: "some-other-tenant" });
      await h.send(personalMessage(h.teams, people.dsl, "refer"));
      expect(h.teams.replies(personalConversationId(people.dsl)).at(-1)?.body.text).to.match(
        /not set up to use CME Referrals/,
      );
      const response = await h.send(
        cardAction(h.teams, people.officer, "channel", "case.assignToMe", { caseId: "CME-2026-00001" }),
      );
      expect(response.status).to.equal(403);
      expect(await h.app.services.drafts.get(people.dsl.id, `${people.dsl.id}|school-age`)).to.equal(
        undefined,
      );
    });

    it("tells the person when a card action names no case or a bad one", async () => {
      const missing = await h.send(
        cardAction(h.teams, people.officer, "channel", "case.assignToMe", { caseId: "CME-2026-99999" }),
      );
      expect(invokeMessage(missing)).to.include("can't find CME-2026-99999");
      const bad = await h.send(
        cardAction(h.teams, people.officer, "channel", "case.assignToMe", { caseId: "<script>" }),
      );
      expect(invokeMessage(bad)).to.include("does not say which case");
    });

    it("serves /healthz, and /readyz once Cosmos answers and the case channel is set up", async () => {
      expect(await (await fetch(`${h.app.url}/healthz`)).json()).to.deep.equal({ status: "ok" });
      const response = await fetch(`${h.app.url}/readyz`);
      expect(response.status).to.equal(200);
      expect(await response.json()).to.deep.equal({
        status: "ready",
        cosmos: "reachable",
        caseChannel: "set up",
      });
    });
  });
});
