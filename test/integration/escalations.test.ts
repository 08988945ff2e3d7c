import { expect } from "chai";
import { execFile } from "node:child_process";
import { sweepEscalations } from "../../bot/escalations/sweep.js";
import { postDailyDigest } from "../../bot/escalations/digest.js";
import {
  actionData,
  cardAction,
  cardIn,
  cardText,
  channelId,
  invokeCard,
  invokeMessage,
  people,
  personalConversationId,
  startHarness,
  type Harness,
} from "../support/harness.js";
import { refer } from "../support/referral-walk.js";

describe("escalations: the sweep", () => {
  let h: Harness;
  let clock = new Date("2026-11-23T10:00:00Z"); // a Monday
  const reference = "CME-2026-00001";
  beforeEach(async () => {
    clock = new Date("2026-11-23T10:00:00Z");
    h = await startHarness({}, { now: () => clock });
    await refer(h, people.dsl);
  });
  afterEach(async () => {
    await h.close();
  });

  const escalationPosts = () =>
    h.teams
      .posts(channelId)
      .filter(
        (post) =>
          cardText(cardIn(post)).includes(`: ${reference}`) && cardText(cardIn(post)).includes("Due since"),
      );

  it("fires an unassigned case's escalation once, on the right working day, @mentioning the managers", async () => {
    clock = new Date("2026-11-24T09:59:00Z");
    const early = await sweepEscalations(h.app.services, clock);
    expect(early.kind === "swept" && early.fired.map((f) => f.rule)).to.deep.equal([]);

    clock = new Date("2026-11-24T10:00:00Z"); // one working day after submission
    const first = await sweepEscalations(h.app.services, clock);
    expect(
      first.kind === "swept" && first.fired.map((f) => `${f.rule}:${f.level}:${f.notify}`),
    ).to.deep.equal(["unassigned:1:managers"]);
    // Again, and again after a restart of the sweep: the escalation is not posted twice.
    await sweepEscalations(h.app.services, clock);
    await sweepEscalations(h.app.services, new Date("2026-11-24T11:00:00Z"));
    await h.app.services.outbox.idle();
    expect(escalationPosts()).to.have.length(1);
    const card = cardIn(escalationPosts()[0]!);
    expect(cardText(card)).to.include("Unassigned: CME-2026-00001");
    expect(cardText(card)).to.include(`<at>${people.manager.name}</at>`);
    expect(cardText(card)).to.include("case.assignToMe");
    // The case now waits for its next clock, not this one.
    expect((await h.app.services.cases.get(reference))?.nextCheckAt).to.equal("2026-11-30T09:00:00.000Z");
  });

  it("fires once when a sweep is killed after queueing and before moving the case on, then run again", async () => {
    clock = new Date("2026-11-24T10:00:00Z");
    const before = (await h.app.services.cases.get(reference))!;
    await sweepEscalations(h.app.services, clock);
    // Play the crash: the escalation was queued, but the case still says its check is due.
    await h.app.services.cases.update(reference, (current) =>
      current
        ? { ...current, nextCheckAt: before.nextCheckAt, escalated: before.escalated ?? [] }
        : undefined,
    );
    const again = await sweepEscalations(h.app.services, clock);
    expect(again.kind === "swept" && again.fired.map((f) => f.rule)).to.deep.equal(["unassigned"]);
    await h.app.services.outbox.idle();
    expect(escalationPosts()).to.have.length(1);
  });

  it("still raises what came due before someone acted on the case", async () => {
    clock = new Date("2026-12-01T10:00:00Z"); // joint enquiries came due on 30 November, unswept
    await h.send(cardAction(h.teams, people.officer, "channel", "case.assignToMe", { caseId: reference }));
    expect((await h.app.services.cases.get(reference))?.nextCheckAt).to.equal("2026-11-30T09:00:00.000Z");
    const result = await sweepEscalations(h.app.services, clock);
    expect(result.kind === "swept" && result.fired.map((f) => f.rule)).to.include("jointEnquiries");
    const again = await sweepEscalations(h.app.services, clock);
    expect(again.kind === "swept" && again.fired).to.deep.equal([]);
  });

  it("stops a clock when someone acts: assigned before it is due, nothing fires", async () => {
    await h.send(cardAction(h.teams, people.officer, "channel", "case.assignToMe", { caseId: reference }));
    clock = new Date("2026-11-24T10:00:00Z");
    const result = await sweepEscalations(h.app.services, clock);
    expect(result.kind === "swept" && result.fired).to.deep.equal([]);
  });

  it("lists what would fire in a dry run and changes nothing, also from the command line", async () => {
    await h.app.services.outbox.idle();
    const before = (await h.app.services.cases.get(reference))?.nextCheckAt;
    const postsBefore = h.teams.sent.length;
    const dry = await sweepEscalations(h.app.services, new Date("2026-12-01T10:00:00Z"), { dryRun: true });
    expect(dry.kind === "swept" && dry.fired.map((f) => f.rule)).to.have.members([
      "unassigned",
      "noProgress",
      "jointEnquiries",
    ]);
    expect((await h.app.services.cases.get(reference))?.nextCheckAt).to.equal(before);
    expect(await h.app.services.outboxStore.countByState("pending")).to.equal(0);
    expect(h.teams.sent.length).to.equal(postsBefore);

    // Asynchronously: the embedded Cosmos DB it reads runs in this process.
    const cli = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ["--import", "tsx", "scripts/sweep.ts", "--as-of", "2026-12-01T10:00:00Z", "--dry-run"],
        {
          env: {
            PATH: process.env.PATH ?? "",
            COSMOS_ENDPOINT: h.app.cosmosEndpoint,
            COSMOS_KEY: "local-embedded-cosmos",
          },
          encoding: "utf8",
          timeout: 30_000,
        },
        (error, stdout, stderr) =>
          resolve({ status: error ? ((error.code as number | null) ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(cli.status, cli.stderr).to.equal(0);
    expect(cli.stdout).to.include("1 cases due a check; 3 escalations would fire");
    expect(cli.stdout).to.match(/CME-2026-00001 {2}unassigned level 1 → managers/);
    expect((await h.app.services.cases.get(reference))?.nextCheckAt).to.equal(before);
  }).timeout(40_000);

  it("lets only one of two sweeps at once work, and fires each escalation once", async () => {
    clock = new Date("2026-11-24T10:00:00Z");
    const results = await Promise.all([
      sweepEscalations(h.app.services, clock),
      sweepEscalations(h.app.services, clock),
    ]);
    const fired = results.flatMap((result) => (result.kind === "swept" ? result.fired : []));
    expect(fired.map((f) => f.rule)).to.deep.equal(["unassigned"]);
    await h.app.services.outbox.idle();
    expect(escalationPosts()).to.have.length(1);
  });

  it("stops the joint-enquiries clock with the decision recorded on the case card: deletion agreed under reg 9(1)(i), or kept open with a reason", async () => {
    const cardFor = async () =>
      invokeCard(
        await h.send(cardAction(h.teams, people.officer, "channel", "case.refresh", { caseId: reference })),
      );
    const decide = async (inputs: Record<string, string>) =>
      h.send(
        cardAction(h.teams, people.officer, "channel", "case.decideJointEnquiries", {
          ...actionData(await cardFor(), "case.decideJointEnquiries"),
          ...inputs,
        }),
      );
    const rules = async () => {
      const dry = await sweepEscalations(h.app.services, new Date("2026-12-01T10:00:00Z"), { dryRun: true });
      return dry.kind === "swept" ? dry.fired.map((f) => f.rule) : [];
    };
    expect(await rules()).to.include("jointEnquiries");
    // A deletion needs the date it was agreed; keeping it open needs a reason: the person is told.
    expect(invokeMessage(await decide({ "decideJointEnquiries.decision": "delete-9-1-i" }))).to.include(
      "Say the date deletion was agreed with the school",
    );
    expect(invokeMessage(await decide({ "decideJointEnquiries.decision": "keep-open" }))).to.include(
      "Say why the child stays on roll",
    );
    const decided = invokeCard(
      await decide({
        "decideJointEnquiries.decision": "delete-9-1-i",
        "decideJointEnquiries.agreedOn": "2026-11-23",
        "decideJointEnquiries.reason": "Head teacher agreed by phone",
      }),
    );
    expect(cardText(decided)).to.include("Deletion agreed with the school under reg 9(1)(i) on 23 Nov 2026");
    expect(cardText(decided)).to.include("Head teacher agreed by phone");
    const stored = (await h.app.services.cases.get(reference))!;
    // A reason given with a deletion is kept, on the decision and in the history.
    expect(stored.jointEnquiriesDecision).to.include({
      decision: "delete-9-1-i",
      agreedOn: "2026-11-23",
      reason: "Head teacher agreed by phone",
    });
    expect(stored.events.at(-1)).to.include({
      type: "joint-enquiries-decided",
      reason: "Agreed with the school on 23 Nov 2026. Head teacher agreed by phone",
    });
    expect(stored.events.at(-1)?.by.id).to.equal(people.officer.id);
    expect(await rules()).not.to.include("jointEnquiries");
    expect(stored.clockLevels?.map((level) => level.rule)).not.to.include("jointEnquiries");
    // Changing it to "keep enquiring" is recorded too, and the clock stays stopped.
    const kept = invokeCard(
      await decide({
        "decideJointEnquiries.decision": "keep-open",
        "decideJointEnquiries.reason": "Family seen locally; the school keeps the place while we look",
      }),
    );
    expect(cardText(kept)).to.include("Kept on roll, enquiries go on");
    expect(await rules()).not.to.include("jointEnquiries");
  });

  it("@mentions the managers once when a closure waits for sign-off, and lists it in every daily digest until signed off or sent back", async () => {
    const at = { hour: 8, minute: 30 };
    const press = async (who: typeof people.officer, verb: string, inputs: Record<string, string> = {}) => {
      const card = invokeCard(
        await h.send(cardAction(h.teams, who, "channel", "case.refresh", { caseId: reference })),
      );
      return h.send(cardAction(h.teams, who, "channel", verb, { ...actionData(card, verb), ...inputs }));
    };
    const signOffPosts = () =>
      h.teams
        .posts(channelId)
        .map((post) => cardText(cardIn(post)))
        .filter((text) => text.includes(`Closure waiting for sign-off: ${reference}`));
    /** What each sign-off request's card says now (its post, as updated in place). */
    const signOffCardsNow = () =>
      h.teams
        .posts(channelId)
        .filter((post) => cardText(cardIn(post)).includes(`Closure waiting for sign-off: ${reference}`))
        .map((post) => cardText(cardIn(h.teams.updates(channelId, post.id).at(-1) ?? post)));
    const digestOn = async (now: Date) => {
      clock = now;
      expect(await postDailyDigest(h.app.services, at, now)).to.equal(true);
      await h.app.services.outbox.idle();
      return cardText(
        cardIn(
          h.teams
            .posts(channelId)
            .filter((post) => cardText(cardIn(post)).includes("the day's digest"))
            .at(-1)!,
        ),
      );
    };
    await press(people.officer, "case.triage", {
      "triage.dfeReason": "moved-abroad",
      "triage.cmeStartDate": "2026-11-02",
    });
    await press(people.officer, "case.close", {
      "close.outcome": "moved-abroad",
      "close.detail": "Family in Lisbon; the school there confirms enrolment",
    });
    await h.app.services.outbox.idle();
    expect(signOffPosts()).to.have.length(1);
    expect(signOffPosts()[0]).to.include(`<at>${people.manager.name}</at>`);
    expect(signOffPosts()[0]).to.include(`${people.officer.name} asks to close this case as`);
    expect(signOffPosts()[0]).not.to.include("Lisbon");
    // Other changes to the case while it waits do not ask again.
    await press(people.officer, "case.addNote", { "addNote.note": "Waiting for the manager" });
    await h.app.services.outbox.idle();
    expect(signOffPosts()).to.have.length(1);

    const line = `"title":"${reference}","value":"Moved abroad, confirmed (address, school and confirmation): asked by ${people.officer.name}`;
    const tuesday = await digestOn(new Date("2026-11-24T08:31:00Z"));
    expect(tuesday).to.include('"title":"Waiting for sign-off","value":"1"');
    expect(tuesday).to.include(line);
    expect(await digestOn(new Date("2026-11-25T08:31:00Z"))).to.include(line);
    // Sent back: no longer listed. Asked again: the managers are @mentioned again, and it is listed again.
    clock = new Date("2026-11-25T10:00:00Z");
    await press(people.manager, "case.declineClosure", {
      "declineClosure.reason": "Ask the school for the CTF first",
    });
    expect(await digestOn(new Date("2026-11-26T08:31:00Z"))).not.to.include(line);
    // The request's card says it was decided, in place: no longer waiting.
    const [sentBack] = signOffCardsNow();
    expect(sentBack).to.include(`Sent back by ${people.manager.name}`);
    expect(sentBack).to.include("Ask the school for the CTF first");
    expect(sentBack).not.to.include("Closure waiting for sign-off");
    clock = new Date("2026-11-26T10:00:00Z");
    await press(people.officer, "case.close", {
      "close.outcome": "moved-abroad",
      "close.detail": "CTF sent as MMMMMMM; the school there confirms enrolment",
    });
    await h.app.services.outbox.idle();
    expect(signOffPosts()).to.have.length(2);
    expect(await digestOn(new Date("2026-11-27T08:31:00Z"))).to.include(line);
    // Signed off: closed, and not in the next digest.
    clock = new Date("2026-11-27T10:00:00Z");
    await press(people.manager, "case.signOffClosure");
    expect((await h.app.services.cases.get(reference))?.status).to.equal("closed");
    await h.app.services.outbox.idle();
    expect(signOffCardsNow()[1]).to.include(`Signed off by ${people.manager.name}`);
    expect(signOffPosts()).to.have.length(2);
    const monday = await digestOn(new Date("2026-11-30T08:31:00Z"));
    expect(monday).not.to.include(line);
    expect(monday).to.include('"title":"Waiting for sign-off","value":"0"');
  });

  it("reminds a referrer who has not answered after five school days, in their personal chat", async () => {
    await h.send(
      cardAction(h.teams, people.officer, "channel", "case.triage", {
        caseId: reference,
        "triage.dfeReason": "unknown",
        "triage.cmeStartDate": "2026-11-02",
      }),
    );
    await h.send(
      cardAction(h.teams, people.officer, "channel", "case.requestInfo", {
        caseId: reference,
        "requestInfo.question": "Did the family mention a new school?",
      }),
    );
    clock = new Date("2026-11-30T10:00:00Z"); // five working days (no terms listed: school days)
    const result = await sweepEscalations(h.app.services, clock);
    expect(result.kind === "swept" && result.fired.map((f) => `${f.rule}:${f.notify}`)).to.include(
      "referrerNotAnswering:referrer",
    );
    await h.app.services.outbox.idle();
    const reminder = h.teams.posts(personalConversationId(people.dsl)).at(-1);
    expect(cardText(cardIn(reminder!))).to.include("a reminder: the CME team is still waiting");
    expect(cardText(cardIn(reminder!))).to.include("case.answerInfo");
  });

  it("posts the daily digest once on a working day after its time, and not at weekends", async () => {
    const at = { hour: 8, minute: 30 };
    const digests = () =>
      h.teams.posts(channelId).filter((post) => cardText(cardIn(post)).includes("the day's digest"));
    expect(await postDailyDigest(h.app.services, at, new Date("2026-11-24T08:29:00Z"))).to.equal(false);
    expect(await postDailyDigest(h.app.services, at, new Date("2026-11-24T08:31:00Z"))).to.equal(true);
    expect(await postDailyDigest(h.app.services, at, new Date("2026-11-24T15:00:00Z"))).to.equal(false);
    await h.app.services.outbox.idle();
    expect(digests()).to.have.length(1);
    const text = cardText(cardIn(digests()[0]!));
    expect(text).to.include('"title":"New","value":"1"');
    expect(text).to.include('"title":"Unassigned now","value":"1"');
    expect(text).to.include('"title":"Overdue now","value":"0"');
    // Saturday: no digest.
    expect(await postDailyDigest(h.app.services, at, new Date("2026-11-28T09:00:00Z"))).to.equal(false);
    // Wednesday, after the escalation fired: it is counted, and the case is overdue.
    clock = new Date("2026-11-24T10:00:00Z");
    await sweepEscalations(h.app.services, clock);
    clock = new Date("2026-11-25T08:31:00Z");
    expect(await postDailyDigest(h.app.services, at, clock)).to.equal(true);
    await h.app.services.outbox.idle();
    const wednesday = cardText(cardIn(digests().at(-1)!));
    expect(wednesday).to.include('"title":"Escalated","value":"1"');
    expect(wednesday).to.include('"title":"Overdue now","value":"1"');
    expect(wednesday).to.include('"title":"New","value":"0"');
  });
});
