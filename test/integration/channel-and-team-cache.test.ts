import { expect } from "chai";
import {
  cardAction,
  channelId,
  channelMessage,
  eventually,
  invokeMessage,
  people,
  startHarness,
  teamMembersUpdate,
  teamId,
  type Harness,
} from "../support/harness.js";
import { goodEarlyYearsAnswers, refer } from "../support/referral-walk.js";
import { startCountingCosmos, type CountingCosmos } from "../support/cosmos-counter.js";

/** The case channel and the CME team's members are kept briefly; Teams' word and `setup` drop them at once. */
describe("the case channel and the CME team, kept between turns", () => {
  let h: Harness;
  let cosmos: CountingCosmos;
  let reference: string;
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

  const details = async (who: (typeof people)[keyof typeof people]) =>
    h.send(cardAction(h.teams, who, "channel", "case.details", { caseId: reference }));
  const rosterAsks = () =>
    h.teams.requests.filter((request) => request.path === `/v3/conversations/${teamId}/pagedmembers`).length;

  it("reads the case channel and asks Teams for the team once for several officers' turns", async () => {
    await details(people.officer);
    cosmos.take();
    const askedBefore = rosterAsks();
    for (const who of [people.officer, people.officer2, people.manager]) {
      expect((await details(who)).body).to.nested.include({ "value.type": "AdaptiveCard" });
    }
    expect(cosmos.take().get("read settings") ?? 0).to.equal(0);
    expect(rosterAsks()).to.equal(askedBefore);
  });

  it("keeps no member list Teams failed to give, and lets no unanswered one hold up other turns", async () => {
    h.app.services.rosters.forget(teamId);
    h.teams.memberLists.fail = 1;
    expect(invokeMessage(await details(people.officer))).to.include("couldn't check your role with Teams");
    expect((await details(people.officer)).body).to.nested.include({ "value.type": "AdaptiveCard" });

    // Teams takes the request and never answers: the turns sharing it are told within the list's
    // deadline (not left waiting past Teams' own), and the next turn asks afresh.
    h.app.services.rosters.forget(teamId);
    h.teams.memberLists.stall = 1;
    const [stuck, next] = await Promise.all([
      details(people.officer),
      new Promise((resolve) => setTimeout(resolve, 200)).then(() => details(people.officer2)),
    ]);
    expect(invokeMessage(stuck)).to.include("couldn't check your role with Teams");
    expect(invokeMessage(next)).to.include("couldn't check your role with Teams");
    expect((await details(people.officer2)).body).to.nested.include({ "value.type": "AdaptiveCard" });
  });

  it("takes an officer's work away as soon as Teams says they left the team", async () => {
    expect((await details(people.officer2)).body).to.nested.include({ "value.type": "AdaptiveCard" });

    h.teams.teams[teamId] = [people.officer, people.manager];
    await h.send(
      teamMembersUpdate(
        h.teams,
        "removed-1",
        { membersRemoved: [{ id: people.officer2.id, aadObjectId: people.officer2.aadObjectId }] },
        "teamMemberRemoved",
      ),
    );

    expect(invokeMessage(await details(people.officer2))).to.include("for the CME team");
    expect((await details(people.officer)).body).to.nested.include({ "value.type": "AdaptiveCard" });
  });

  it("posts new cases in the channel `setup` moved them to, from the next referral on", async () => {
    await eventually(() => expect(h.teams.posts(channelId)).to.have.length(1));
    const otherChannel = "19:cme-urgent@thread.tacv2";
    const setup = channelMessage(h.teams, people.manager, "setup");
    const reply = await h.send({
      ...setup,
      conversation: { ...setup.conversation, id: `${otherChannel};messageid=1` },
      channelData: { ...setup.channelData, channel: { id: otherChannel, name: "CME urgent" } },
    });
    expect(reply.status).to.equal(200);
    expect(h.teams.replies(`${otherChannel};messageid=1`).at(-1)?.body.text).to.match(
      /posted in this channel/,
    );

    await refer(h, people.earlyYears, goodEarlyYearsAnswers, "refer early years");
    await eventually(() => expect(h.teams.posts(otherChannel)).to.have.length(1));
    expect(h.teams.posts(channelId)).to.have.length(1);

    // A case posted in the old channel, changed now, gets its card in the new one: its old
    // message's id names nothing there.
    const [oldPost] = h.teams.posts(channelId);
    await h.send(
      cardAction(h.teams, people.officer, "channel", "case.addNote", {
        caseId: reference,
        "addNote.note": "Moved",
      }),
    );
    await eventually(() => expect(h.teams.posts(otherChannel)).to.have.length(2));
    expect(h.teams.updates(channelId, oldPost!.id)).to.have.length(0);
    expect(h.teams.updates(otherChannel, oldPost!.id)).to.have.length(0);
  });

  /** The outbox writes an item it knows against the ETag it last saw; someone else's write in between is never lost. */
  describe("the outbox's items as this instance last wrote them", () => {
    const cardItem = () => `case-card|${reference}`;

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
});
