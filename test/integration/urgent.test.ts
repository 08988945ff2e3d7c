import { formCaseOf } from "../support/sample-case.js";
import { expect } from "chai";
import { referrerContacts } from "../../bot/config.js";
import { sweepDrafts } from "../../bot/referrals/draft-sweep.js";
import { sweepEscalations } from "../../bot/escalations/sweep.js";
import { urgentTriggerChoices } from "../../bot/referrals/urgency.js";
import { startEmbeddedCosmos, type EmbeddedCosmos } from "../../bot/store/embedded.js";
import { CosmosOutage } from "../support/cosmos-outage.js";
import { chatMessageOf, FakeGraph } from "../support/fake-graph.js";
import type { FakeTeams } from "../support/fake-teams.js";
import {
  actionData,
  cardAction,
  cardIn,
  cardText,
  channelId,
  channelMessage,
  deliverPendingNow,
  eventually,
  invokeCard,
  invokeMessage,
  people,
  personalConversationId,
  personalMessage,
  startFakeTeams,
  startHarness,
  teamGroupId,
  type Harness,
} from "../support/harness.js";
import {
  goodAnswers,
  next,
  press,
  refer,
  sayRefer,
  submitAction,
  walkToReview,
  type Answers,
} from "../support/referral-walk.js";

const monday = new Date("2026-11-23T10:00:00Z");
const inDanger = { ...goodAnswers.whatHappened, immediateDanger: "yes" };
const dangerAnswers: Answers = { ...goodAnswers, whatHappened: inDanger };
const alertTitle = "Immediate danger: a referral is being made now";

/** The channel's alert cards, each as it reads now (its latest update, else its post). */
function alertCards(teams: FakeTeams): string[] {
  return teams
    .posts(channelId)
    .filter((post) => cardText(cardIn(post)).includes(alertTitle))
    .map((post) => cardText(cardIn(teams.updates(channelId, post.id).at(-1) ?? post)));
}

const urgentCards = (teams: FakeTeams) =>
  teams.posts(channelId).filter((post) => cardText(cardIn(post)).includes("Urgent referral: "));

/** The case's card in the channel as it reads now. */
function caseCardText(teams: FakeTeams, reference: string): string {
  const post = teams
    .posts(channelId)
    .find(
      (each) =>
        cardText(cardIn(each)).includes(`"case.refresh"`) && cardText(cardIn(each)).includes("CME referral"),
    );
  if (!post) throw new Error(`no case card for ${reference}`);
  return cardText(cardIn(teams.updates(channelId, post.id).at(-1) ?? post));
}

/** The one alert card in the channel once the outbox is idle: its text. */
async function theOneAlert(h: Harness): Promise<string> {
  await h.app.services.outbox.idle();
  const cards = alertCards(h.teams);
  expect(cards).to.have.length(1);
  return cards[0]!;
}

/** Each test of a describe gets a server of its own, its clock at `monday`, closed after the test. */
function onAFreshServerEachTest(started: (h: Harness) => void): void {
  let current: Harness | undefined;
  beforeEach(async () => {
    current = await startHarness({}, { now: () => monday });
    started(current);
  });
  afterEach(async () => {
    await current?.close();
  });
}

describe("immediate danger reaches the team at once", () => {
  let h: Harness;
  let clock = monday;
  beforeEach(async () => {
    clock = monday;
    h = await startHarness({ DRAFT_EXPIRY_DAYS: "30", DRAFT_REMINDER_DAYS: "7" }, { now: () => clock });
  });
  afterEach(async () => {
    await h.close();
  });

  /** Says "immediate danger" on the first card; returns the next card the referrer sees. */
  async function sayDanger(): Promise<Record<string, unknown>> {
    const card = await sayRefer(h, people.dsl);
    return next(h, people.dsl, card, inDanger);
  }

  it("alerts the channel from the first card, @mentioning the managers, and says so when the referrer cancels", async () => {
    const childCard = await sayDanger();
    // The referrer still sees who to call, at once.
    expect(cardText(childCard)).to.include("0116 305 0005");
    await h.app.services.outbox.idle();
    const [alert] = alertCards(h.teams);
    expect(alert).to.include(`<at>${people.manager.name}</at>`);
    expect(alert).to.include(people.dsl.name);
    expect(alert).to.include("Whereabouts unknown, no contact with the family");
    expect(alert).to.include("Not submitted yet");
    expect(urgentCards(h.teams)).to.have.length(0);

    // The child's name, once given, is on the same card (updated in place).
    await next(h, people.dsl, childCard, goodAnswers.child);
    expect(await theOneAlert(h)).to.include("Amelia Rose Testchild");

    await h.send(personalMessage(h.teams, people.dsl, "cancel"));
    const confirm = cardIn(h.teams.replies(personalConversationId(people.dsl)).at(-1)!);
    await press(h, people.dsl, confirm, "referral.cancel");
    expect(await theOneAlert(h))
      .to.include("The referrer cancelled this referral")
      .and.include("follow up with the referrer");
  });

  it("says so on the alert when the draft expires unsubmitted (the draft sweep)", async () => {
    await sayDanger();
    await h.app.services.outbox.idle();
    expect(alertCards(h.teams)[0]).to.include("Not submitted yet");
    clock = new Date(monday.getTime() + 31 * 86_400_000);
    const swept = await sweepDrafts(
      h.app.services,
      h.app.services.config.drafts,
      clock,
      referrerContacts(h.app.services.config),
    );
    expect(swept.expired).to.equal(1);
    expect(await theOneAlert(h)).to.include("This referral expired unsubmitted");
  });

  it("keeps the alert when the referrer changes their answer, and says they did", async () => {
    const childCard = await sayDanger();
    const back = await press(h, people.dsl, childCard, "referral.back");
    await next(h, people.dsl, back, { ...inDanger, immediateDanger: "no" });
    expect(await theOneAlert(h)).to.include("changed their answer");
  });

  it("links the case to the alert and raises no second urgent card, with a double click on Submit", async () => {
    const review = await walkToReview(h, people.dsl, dangerAnswers);
    const submit = submitAction(h, people.dsl, review);
    await Promise.all([h.send(submit), h.send(submit)]);
    await h.app.services.outbox.idle();
    const reference = "CME-2026-00001";
    const stored = await h.app.services.cases.get(reference);
    expect(stored?.urgent).to.equal(true);
    expect(stored?.dangerAlert?.key).to.match(/^danger-alert\|/);
    expect(urgentCards(h.teams)).to.have.length(0);
    expect(alertCards(h.teams)).to.have.length(1);
    expect(alertCards(h.teams)[0]).to.include(`Submitted as ${reference}`);
    const caseCard = caseCardText(h.teams, reference);
    expect(caseCard).to.include("alerted the team on 23 Nov 2026, 10:00");
    expect(caseCard).to.include("Urgent: Immediate danger");
  });
});

describe("an alert, then a restart, then the submission", () => {
  let cosmos: EmbeddedCosmos;
  let outage: CosmosOutage;
  let teams: FakeTeams;
  beforeEach(async () => {
    cosmos = await startEmbeddedCosmos();
    outage = new CosmosOutage(cosmos.endpoint);
    await outage.start();
    teams = await startFakeTeams();
  });
  afterEach(async () => {
    await teams.stop();
    await outage.stop();
    await cosmos.close();
  });

  it("queues the alert later (the draft sweep) when the outbox could not take it as the step was saved and the bot restarted", async () => {
    const environment = {
      COSMOS_ENDPOINT: outage.endpoint,
      COSMOS_KEY: cosmos.key,
      COSMOS_DATABASE: "cme-urgent-outbox-away",
    };
    const first = await startHarness(environment, { teams, now: () => monday });
    const card = await sayRefer(first, people.dsl);
    outage.downFor = /\/colls\/outbox/;
    const childCard = await next(first, people.dsl, card, inDanger);
    // The step is saved all the same: the referrer carries on, and sees who to call.
    expect(cardText(childCard)).to.include("Step 2 of");
    expect(cardText(childCard)).to.include("0116 305 0005");
    expect(
      (await first.app.services.drafts.get(people.dsl.id, `${people.dsl.id}|school-age`))?.dangerAlert,
    ).to.be.an("object");
    await first.close(); // what it still owed the outbox was in its memory only
    outage.downFor = undefined;

    const h = await startHarness(environment, { teams, now: () => monday });
    try {
      await h.app.services.outbox.idle();
      expect(alertCards(teams)).to.have.length(0);
      await sweepDrafts(
        h.app.services,
        h.app.services.config.drafts,
        monday,
        referrerContacts(h.app.services.config),
      );
      await h.app.services.outbox.idle();
      expect(alertCards(teams)).to.have.length(1);
    } finally {
      await h.close();
    }
  });

  it("posts the urgent card of a raising the outbox could not take, from the stored case, at the next escalation sweep", async () => {
    const h = await startHarness(
      { COSMOS_ENDPOINT: outage.endpoint, COSMOS_KEY: cosmos.key, COSMOS_DATABASE: "cme-urgent-raise-away" },
      { teams, now: () => monday },
    );
    try {
      await refer(h, people.dsl);
      await h.app.services.outbox.idle();
      const reference = "CME-2026-00001";
      await h.send(personalMessage(teams, people.officer, `case ${reference}`));
      const card = cardIn(teams.replies(personalConversationId(people.officer)).at(-1)!);
      outage.downFor = /\/colls\/outbox/;
      const answer = await h.send(
        cardAction(teams, people.officer, "personal", "case.changePriority", {
          ...actionData(card, "case.changePriority"),
          "changePriority.reason": "Police say the family fled a violent partner",
        }),
      );
      // The change stands though its posts could not be queued, and the officer is told it is saved.
      expect(JSON.stringify(answer.body)).to.include("Saved.").and.not.include("Not saved");
      expect((await h.app.services.cases.get(reference))?.urgent).to.equal(true);
      outage.downFor = undefined;
      await h.app.services.outbox.idle();
      expect(urgentCards(teams)).to.have.length(0);
      // The sweep finds the case (its posts are owed) and queues them; a second sweep adds none.
      await sweepEscalations(h.app.services, monday);
      await sweepEscalations(h.app.services, monday);
      await h.app.services.outbox.idle();
      const [urgent, ...more] = urgentCards(teams);
      expect(more).to.have.length(0);
      expect(cardText(cardIn(urgent!))).to.include(`Raised to urgent by ${people.officer.name}`);
      expect(caseCardText(teams, reference)).to.include("Urgent: raised by Olu Officer");
      expect((await h.app.services.cases.get(reference))?.postsOwed).to.equal(undefined);
    } finally {
      await h.close();
    }
  });

  it("raises exactly one urgent card (the alert) for the case", async () => {
    const environment = {
      COSMOS_ENDPOINT: outage.endpoint,
      COSMOS_KEY: cosmos.key,
      COSMOS_DATABASE: "cme-urgent-restart",
    };
    const first = await startHarness(environment, { teams, now: () => monday });
    const card = await sayRefer(first, people.dsl);
    await next(first, people.dsl, card, inDanger);
    await first.app.services.outbox.idle();
    await first.close();

    const second = await startHarness(environment, { teams, now: () => monday });
    try {
      await second.send(personalMessage(teams, people.dsl, "resume"));
      let current = cardIn(teams.replies(personalConversationId(people.dsl)).at(-1)!);
      for (const step of ["child", "family", "school", "vulnerability", "enquiries", "referrer"] as const)
        current = await next(second, people.dsl, current, goodAnswers[step]);
      const submitted = invokeCard(await second.send(submitAction(second, people.dsl, current)));
      expect(cardText(submitted)).to.include("CME-2026-00001");
      await second.app.services.outbox.idle();
      expect(urgentCards(teams)).to.have.length(0);
      expect(alertCards(teams)).to.have.length(1);
      expect(alertCards(teams)[0]).to.include("Submitted as CME-2026-00001");
    } finally {
      await second.close();
    }
  });
});

describe("urgent says why", () => {
  let h!: Harness;
  onAFreshServerEachTest((started) => (h = started));

  const answersFor = (trigger: string): Answers => {
    const vulnerability = { ...goodAnswers.vulnerability };
    if (["child-protection-plan", "looked-after"].includes(trigger)) vulnerability.flags = trigger;
    else if (trigger !== "immediate-danger") vulnerability.riskFactors = trigger;
    return {
      ...goodAnswers,
      whatHappened: trigger === "immediate-danger" ? inDanger : goodAnswers.whatHappened,
      vulnerability,
    };
  };

  for (const { value, title } of urgentTriggerChoices) {
    it(`names "${title}" on the case card${value === "immediate-danger" ? " (and on the alert)" : " and the urgent card"}`, async () => {
      await refer(h, people.dsl, answersFor(value));
      await h.app.services.outbox.idle();
      const reference = "CME-2026-00001";
      expect((await h.app.services.cases.get(reference))?.urgentTriggers).to.deep.equal([value]);
      expect(caseCardText(h.teams, reference)).to.include(`Urgent: ${title}`);
      if (value === "immediate-danger") {
        expect(urgentCards(h.teams)).to.have.length(0);
        expect(alertCards(h.teams)).to.have.length(1);
      } else {
        const [urgent, ...more] = urgentCards(h.teams);
        expect(more).to.have.length(0);
        expect(cardText(cardIn(urgent!))).to.include(`this case is urgent (${title})`);
        expect(cardText(cardIn(urgent!))).not.to.include("Immediate danger");
      }
    });
  }
});

describe("an officer raises or lowers a case's priority", () => {
  let h: Harness;
  const reference = "CME-2026-00001";
  beforeEach(async () => {
    h = await startHarness({}, { now: () => monday });
    await refer(h, people.dsl);
    await h.app.services.outbox.idle();
  });
  afterEach(async () => {
    await h.close();
  });

  /** Presses the case card's Priority button as this person, with a reason; returns the reply. */
  async function changePriority(who: typeof people.officer, reason: string) {
    await h.send(personalMessage(h.teams, who, `case ${reference}`));
    const card = cardIn(h.teams.replies(personalConversationId(who)).at(-1)!);
    return h.send(
      cardAction(h.teams, who, "personal", "case.changePriority", {
        ...actionData(card, "case.changePriority"),
        "changePriority.reason": reason,
      }),
    );
  }

  it("raises it with a reason: an event, the urgent clocks, one urgent card; then lowers it again", async () => {
    const routine = await h.app.services.cases.get(reference);
    expect(routine?.urgent).to.equal(false);
    await changePriority(people.officer, "Police say the family fled a violent partner");
    await h.app.services.outbox.idle();
    const raised = await h.app.services.cases.get(reference);
    expect(raised?.urgent).to.equal(true);
    expect(raised?.events.at(-1)).to.deep.include({
      type: "priority-changed",
      from: "Routine",
      to: "Urgent",
      reason: "Police say the family fled a violent partner",
    });
    expect(raised?.events.at(-1)?.by.name).to.equal(people.officer.name);
    // The clocks follow: the urgent thresholds fall sooner.
    // (`nextCheckAt` is now while the change's posts are owed: the levels say when the clocks fall.)
    const firstLevel = (current: typeof routine) => current?.clockLevels?.map((level) => level.at).sort()[0];
    expect(firstLevel(raised)).to.be.a("string");
    expect(firstLevel(raised)! < firstLevel(routine)!).to.equal(true);
    const urgent = await eventually(() => {
      const [card] = urgentCards(h.teams);
      if (!card) throw new Error("no urgent card yet");
      return cardText(cardIn(card));
    });
    expect(urgent).to.include(`Raised to urgent by ${people.officer.name}`);
    expect(urgent).to.include("Police say the family fled a violent partner");
    expect(caseCardText(h.teams, reference)).to.include("Urgent: raised by Olu Officer");

    await changePriority(people.manager, "Social care confirm the child is safe with her aunt");
    await h.app.services.outbox.idle();
    const lowered = await h.app.services.cases.get(reference);
    expect(lowered?.urgent).to.equal(false);
    expect(lowered?.events.at(-1)).to.deep.include({
      type: "priority-changed",
      from: "Urgent",
      to: "Routine",
    });
    expect(lowered?.clockLevels).to.deep.equal(routine?.clockLevels);
    expect(urgentCards(h.teams)).to.have.length(1);
    expect(caseCardText(h.teams, reference)).to.include("Routine: lowered by Mina Manager");
  });

  it("refuses a lowering from a card made before a further referral (which can make the case urgent)", async () => {
    await changePriority(people.officer, "Police say the family fled a violent partner");
    await h.send(personalMessage(h.teams, people.officer, `case ${reference}`));
    const before = cardIn(h.teams.replies(personalConversationId(people.officer)).at(-1)!);
    // A further referral lands (the child in danger): it adds to the case, leaving its revision.
    await h.app.services.cases.update(reference, (current) =>
      current
        ? {
            ...current,
            urgentTriggers: ["immediate-danger"],
            furtherReferrals: [
              ...current.furtherReferrals,
              {
                draftId: "further-1",
                at: monday.toISOString(),
                referrer: current.referrer,
                kind: current.kind,
                referral: formCaseOf(current).referral,
              },
            ],
            events: [
              ...current.events,
              { at: monday.toISOString(), by: current.referrer, type: "further-referral" },
            ],
          }
        : undefined,
    );
    const reply = await h.send(
      cardAction(h.teams, people.officer, "personal", "case.changePriority", {
        ...actionData(before, "case.changePriority"),
        "changePriority.reason": "Safe with her aunt",
      }),
    );
    expect(cardText(invokeCard(reply))).to.include("This case changed since your card was made");
    expect((await h.app.services.cases.get(reference))?.urgent).to.equal(true);
  });

  it("needs a reason, and is for the CME team only", async () => {
    const noReason = await changePriority(people.officer, "");
    expect(invokeMessage(noReason)).to.match(/reason for the change of priority/);
    const outsider = await h.send(
      cardAction(h.teams, people.dsl, "personal", "case.changePriority", {
        caseId: reference,
        "changePriority.to": "urgent",
        "changePriority.reason": "I think it is urgent",
      }),
    );
    expect(invokeMessage(outsider)).to.match(/Only CME officers/);
    expect((await h.app.services.cases.get(reference))?.urgent).to.equal(false);
  });
});

describe("an alert Teams took while its answer was lost", () => {
  let graph: FakeGraph;
  let h: Harness;
  let clock = monday;
  beforeEach(async () => {
    clock = monday;
    graph = new FakeGraph({});
    await graph.start();
    h = await startHarness(graph.environment, { now: () => clock });
  });
  afterEach(async () => {
    await h.close();
    await graph.stop();
  });

  it("is found among the channel's messages (Graph) and updated in place: one alert card in all", async () => {
    await h.send(channelMessage(h.teams, people.manager, "setup"));
    const held = h.teams.holdNextPost(channelId);
    const card = await sayRefer(h, people.dsl);
    const childCard = await next(h, people.dsl, card, inDanger);
    const post = await held.taken;
    graph.channelMessages[`${teamGroupId}|${channelId}`] = [chatMessageOf(post, "cme-bot-app")];
    held.drop(); // Teams has the card; the bot never hears so
    await h.app.services.outbox.idle();
    clock = new Date(monday.getTime() + 10 * 60_000);
    await deliverPendingNow(h);
    await next(h, people.dsl, childCard, goodAnswers.child);
    await h.app.services.outbox.idle();
    await deliverPendingNow(h);
    expect(alertCards(h.teams)).to.have.length(1);
    expect(alertCards(h.teams)[0]).to.include("Amelia Rose Testchild");
    const adopted = h.logLines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.event === "outbox.post.in-doubt");
    expect(adopted.map(({ then }) => then)).to.deep.equal(["adopted"]);
  });
});

describe("an alert whose submission is read before it finished", () => {
  let h!: Harness;
  onAFreshServerEachTest((started) => (h = started));

  it("still says submitted when the draft sweep reads the draft between the alert's update and the draft's last save", async () => {
    const review = await walkToReview(h, people.dsl, dangerAnswers);
    invokeCard(await h.send(submitAction(h, people.dsl, review)));
    await h.app.services.outbox.idle();
    expect(alertCards(h.teams)[0]).to.include("Submitted as CME-2026-00001");
    // The draft as a submission leaves it when it stops just before its last write (a crash).
    const draftId = `${people.dsl.id}|school-age`;
    const submitted = await h.app.services.drafts.get(people.dsl.id, draftId);
    const interrupted = { ...submitted! };
    delete interrupted.submittedAt;
    await h.app.services.drafts.save(interrupted, submitted!);

    await sweepDrafts(
      h.app.services,
      h.app.services.config.drafts,
      monday,
      referrerContacts(h.app.services.config),
    );
    expect(await theOneAlert(h)).to.include("Submitted as CME-2026-00001");
    expect(alertCards(h.teams)[0]).not.to.include("Not submitted yet");
  });
});

describe("an alert whose referral is redirected (not CME)", () => {
  let h!: Harness;
  onAFreshServerEachTest((started) => (h = started));

  it("says the referrer was sent to the attendance service and no case will follow, until they go back and carry on", async () => {
    const attendanceMatter = {
      ...inDanger,
      stillOnRoll: "yes",
      whereaboutsKnown: "yes",
      familyInContact: "yes",
    };
    const redirect = await next(h, people.dsl, await sayRefer(h, people.dsl), attendanceMatter);
    expect(cardText(redirect)).to.include("This is an attendance matter, not CME");
    expect(await theOneAlert(h))
      .to.include("Redirected to the attendance service")
      .and.include("no CME case will follow");
    expect(alertCards(h.teams)[0]).not.to.include("Not submitted yet");

    // Answered wrongly: back to the referral, and a CME answer carries on: the alert follows.
    const back = await press(h, people.dsl, redirect, "referral.back");
    await next(h, people.dsl, back, { ...attendanceMatter, familyInContact: "no" });
    expect(await theOneAlert(h)).to.include("Not submitted yet");
    expect(alertCards(h.teams)[0]).not.to.include("Redirected");
  });
});

describe("an alert from a further referral of a child with an open case", () => {
  let h!: Harness;
  onAFreshServerEachTest((started) => (h = started));

  it("is linked to the case it was added to: the case card says the team was alerted, and no urgent card follows", async () => {
    const reference = "CME-2026-00001";
    await refer(h, people.dsl);
    const review = await walkToReview(h, people.officer, dangerAnswers);
    const shown = invokeCard(await h.send(submitAction(h, people.officer, review)));
    expect(cardText(shown)).to.include(`${reference} is already open for this child since`);
    const added = invokeCard(
      await h.send(
        cardAction(
          h.teams,
          people.officer,
          "personal",
          "referral.submit",
          actionData(shown, "referral.submit", { addTo: reference }),
        ),
      ),
    );
    expect(cardText(added)).to.include(`Added to ${reference}`);
    await h.app.services.outbox.idle();

    const stored = await h.app.services.cases.get(reference);
    expect(stored?.furtherReferrals[0]?.dangerAlert?.key).to.match(/^danger-alert\|/);
    expect(alertCards(h.teams)).to.have.length(1);
    expect(alertCards(h.teams)[0]).to.include(`added to the open case ${reference}`);
    expect(urgentCards(h.teams)).to.have.length(0);
    expect(caseCardText(h.teams, reference)).to.include(
      `${people.officer.name}'s further referral (\\"immediate danger\\") alerted the team on 23 Nov 2026, 10:00`,
    );
  });
});

describe("an alert the store could not take as the step was answered", () => {
  let cosmos: EmbeddedCosmos;
  let outage: CosmosOutage;
  let teams: FakeTeams;
  let h: Harness;
  beforeEach(async () => {
    cosmos = await startEmbeddedCosmos();
    outage = new CosmosOutage(cosmos.endpoint);
    await outage.start();
    teams = await startFakeTeams();
    h = await startHarness(
      {
        COSMOS_ENDPOINT: outage.endpoint,
        COSMOS_KEY: cosmos.key,
        COSMOS_DATABASE: "cme-urgent-not-alerted",
        OUTBOX_INTERVAL_SECONDS: "0.2",
      },
      { teams, now: () => monday },
    );
  });
  afterEach(async () => {
    await h.close();
    await teams.stop();
    await outage.stop();
    await cosmos.close();
  });

  const notAlerted = "The CME team has NOT been alerted yet";
  const childrensDuty = "Children's Duty: 0116 305 0005";

  it("tells the referrer the team has NOT been alerted and who to call, then alerts the team shortly after, without the draft sweep", async () => {
    const card = await sayRefer(h, people.dsl);
    outage.downFor = /\/colls\/outbox/;
    const childCard = await next(h, people.dsl, card, inDanger);
    expect(cardText(childCard)).to.include("Step 2 of");
    expect(cardText(childCard)).to.include(notAlerted);
    expect(cardText(childCard)).to.include(childrensDuty);
    expect(cardText(childCard)).to.include(h.app.services.config.cmeContact.phone);
    expect(alertCards(teams)).to.have.length(0);

    outage.downFor = undefined;
    const [alert] = await eventually(() => {
      const cards = alertCards(teams);
      if (cards.length === 0) throw new Error("no alert yet");
      return cards;
    });
    expect(alert).to.include("Not submitted yet");
    // Queued now: the next step says nothing more about it.
    const familyCard = await next(h, people.dsl, childCard, goodAnswers.child);
    expect(cardText(familyCard)).not.to.include(notAlerted);
    await h.app.services.outbox.idle();
    expect(alertCards(teams)).to.have.length(1);
  });

  it("tells the referrer the team has NOT been alerted when nothing could be saved at all", async () => {
    const card = await sayRefer(h, people.dsl);
    outage.down = true;
    const again = await next(h, people.dsl, card, inDanger);
    expect(cardText(again)).to.include("Not saved yet");
    expect(cardText(again)).to.include(notAlerted);
    expect(cardText(again)).to.include(childrensDuty);
    expect(cardText(again)).to.include(h.app.services.config.cmeContact.phone);
  });
});
