import { expect } from "chai";
import { referrerContacts } from "../../bot/config.js";
import { sweepEscalations } from "../../bot/escalations/sweep.js";
import { sweepDrafts } from "../../bot/referrals/draft-sweep.js";
import {
  actionData,
  cardAction,
  cardIn,
  cardText,
  channelId,
  eventually,
  invokeCard,
  invokeMessage,
  people,
  personalConversationId,
  personalMessage,
  startHarness,
  type Harness,
} from "../support/harness.js";
import {
  goodAnswers,
  goodEarlyYearsAnswers,
  next,
  press,
  refer,
  sayRefer,
  submitAction,
  walkToReview,
} from "../support/referral-walk.js";

describe("the two kinds of referral, and discarding one", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  /** Presses a button on a card the bot sent Dana in personal chat. */
  const pressOn = (card: Record<string, unknown>, verb: string) =>
    h.send(cardAction(h.teams, people.dsl, "personal", verb, actionData(card, verb)));

  it("asks which kind on a bare 'refer', and starts the one chosen", async () => {
    const choose = await sayRefer(h, people.dsl, "refer");
    expect(cardText(choose)).to.include("Which kind of referral?");
    const early = await press(h, people.dsl, choose, "referral.start", {}, { kind: "early-years" });
    expect(cardText(early)).to.include("Early-years CME referral");
    expect(cardText(early)).to.include("Unexplained or prolonged absence");
    // With one referral open, a bare 'refer' carries on with it.
    expect(cardText(await sayRefer(h, people.dsl, "refer"))).to.include("carrying on where you left off");
    await h.send(personalMessage(h.teams, people.dsl, "refer to the moon"));
    expect(h.teams.replies(personalConversationId(people.dsl)).at(-1)?.body.text).to.match(
      /refer school.*refer early years/,
    );
  });

  it("takes an early-years referral end to end: setting, its own enquiries, no UPN, and a case of that kind", async () => {
    const submitted = await refer(h, people.earlyYears, goodEarlyYearsAnswers, "refer early years");
    const reference = `CME-${new Date().getUTCFullYear()}-00001`;
    expect(cardText(submitted)).to.include(reference);
    const stored = await h.app.services.cases.get(reference);
    expect(stored?.kind).to.equal("early-years");
    expect(stored?.referral.school).to.include({ school: "Little Acorns Nursery", ofstedUrn: "EY123456" });
    expect(stored?.enquiriesIncomplete).to.equal(undefined);
    const post = await eventually(() => {
      const found = h.teams.posts(channelId)[0];
      if (!found) throw new Error("no channel post yet");
      return found;
    });
    const text = cardText(cardIn(post));
    expect(text).to.include("Early-years CME referral: Ollie Toddler");
    expect(text).to.include('"title":"Setting","value":"Little Acorns Nursery"');
    expect(text).to.include("Unexplained or prolonged absence");
  });

  it("sends a child to the right form by date of birth", async () => {
    let card = await sayRefer(h, people.dsl, "refer early years");
    card = await next(h, people.dsl, card, goodEarlyYearsAnswers.whatHappened);
    const tooOld = await next(h, people.dsl, card, goodAnswers.child);
    expect(cardText(tooOld)).to.include("Make a school-age referral instead");

    let school = await sayRefer(h, people.officer, "refer school");
    school = await next(h, people.officer, school, goodAnswers.whatHappened);
    const tooYoung = await next(h, people.officer, school, goodEarlyYearsAnswers.child);
    expect(cardText(tooYoung)).to.include("Make an early-years referral instead");
  });

  it("discards a referral only after the person confirms, and keeps it if they say so", async () => {
    let card = await sayRefer(h, people.dsl, "refer school");
    card = await next(h, people.dsl, card, goodAnswers.whatHappened);
    await next(h, people.dsl, card, goodAnswers.child);

    await h.send(personalMessage(h.teams, people.dsl, "cancel"));
    const confirm = cardIn(h.teams.replies(personalConversationId(people.dsl)).at(-1)!);
    expect(cardText(confirm)).to.include("School-age CME referral: Amelia Rose Testchild");
    expect(invokeMessage(await pressOn(confirm, "referral.keep"))).to.include("Kept");
    expect(await h.app.services.drafts.get(people.dsl.id, `${people.dsl.id}|school-age`)).not.to.equal(
      undefined,
    );

    const discarded = invokeCard(await pressOn(confirm, "referral.cancel"));
    expect(cardText(discarded)).to.include("School-age CME referral discarded");
    expect(await h.app.services.drafts.get(people.dsl.id, `${people.dsl.id}|school-age`)).to.equal(undefined);

    await h.send(personalMessage(h.teams, people.dsl, "cancel"));
    expect(h.teams.replies(personalConversationId(people.dsl)).at(-1)?.body.text).to.equal(
      "You have no referral in progress.",
    );
  });

  it("keeps a referral that changed after 'cancel' was asked", async () => {
    const card = await sayRefer(h, people.dsl, "refer school");
    await h.send(personalMessage(h.teams, people.dsl, "cancel"));
    const confirm = cardIn(h.teams.replies(personalConversationId(people.dsl)).at(-1)!);
    await next(h, people.dsl, card, goodAnswers.whatHappened);
    expect(invokeMessage(await pressOn(confirm, "referral.cancel"))).to.include("so I kept it");
    expect(await h.app.services.drafts.get(people.dsl.id, `${people.dsl.id}|school-age`)).not.to.equal(
      undefined,
    );
  });
});

describe("a second referral of a child who already has an open case", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });
  const year = () => new Date().getUTCFullYear();

  it("shows the open case, and adds the referral to it when the referrer says it is the same child", async () => {
    await refer(h, people.dsl);
    const review = await walkToReview(h, people.officer, {
      ...goodAnswers,
      child: { ...goodAnswers.child, forenames: " amelia  rose ", surname: "TESTCHILD" },
    });
    const shown = invokeCard(await h.send(submitAction(h, people.officer, review)));
    expect(cardText(shown)).to.include(`CME-${year()}-00001 is already open for this child since`);

    const sameChild = cardAction(
      h.teams,
      people.officer,
      "personal",
      "referral.submit",
      actionData(shown, "referral.submit", { addTo: `CME-${year()}-00001` }),
    );
    const added = invokeCard(await h.send(sameChild));
    expect(cardText(added)).to.include(`Added to CME-${year()}-00001`);
    expect(invokeMessage(await h.send(sameChild))).to.include("already submitted");

    const stored = await h.app.services.cases.get(`CME-${year()}-00001`);
    expect(stored?.furtherReferrals).to.have.length(1);
    expect(stored?.furtherReferrals[0]?.referrer.id).to.equal(people.officer.id);
    expect(stored?.events.map((e) => e.type)).to.deep.equal(["submitted", "further-referral"]);
    expect((await h.app.services.cases.counts()).byStatus.new).to.equal(1);
    await eventually(() => {
      const update = h.teams.sent.find(
        (s) => s.method === "PUT" && cardText(s.body).includes("Referred again 1 more time"),
      );
      if (!update) throw new Error("the channel card was not updated");
    });
  });

  it("alerts the channel once when a further referral says the child is in danger, and keeps its missing enquiries", async () => {
    await refer(h, people.dsl);
    const review = await walkToReview(h, people.officer, {
      ...goodAnswers,
      whatHappened: { ...goodAnswers.whatHappened, immediateDanger: "yes" },
      enquiries: {},
    });
    const reasoned = invokeCard(
      await h.send(
        submitAction(h, people.officer, review, { reasonIncomplete: "Police asked us to refer now" }),
      ),
    );
    expect(cardText(reasoned)).to.include("is already open for this child");
    const addTo = cardAction(
      h.teams,
      people.officer,
      "personal",
      "referral.submit",
      actionData(reasoned, "referral.submit", { addTo: `CME-${year()}-00001` }),
    );
    // A double click: both presses land, one further referral and one urgent card.
    await Promise.all([h.send(addTo), h.send(addTo)]);
    const stored = await h.app.services.cases.get(`CME-${year()}-00001`);
    expect(stored?.urgent).to.equal(true);
    expect(stored?.furtherReferrals).to.have.length(1);
    expect(stored?.furtherReferrals[0]?.enquiriesIncomplete?.reason).to.equal("Police asked us to refer now");
    expect(stored?.furtherReferrals[0]?.enquiriesIncomplete?.missing).to.include("Home visit");
    await h.app.services.outbox.idle();
    // The officer's "immediate danger" alerted the channel at once: that one card says where it went.
    const alerts = h.teams
      .posts(channelId)
      .filter((post) => cardText(cardIn(post)).includes("Immediate danger: a referral"));
    expect(alerts).to.have.length(1);
    expect(cardText(cardIn(h.teams.updates(channelId, alerts[0]!.id).at(-1)!))).to.include(
      `added to the open case CME-${year()}-00001`,
    );
    expect(
      h.teams.posts(channelId).some((post) => cardText(cardIn(post)).includes("Urgent referral")),
    ).to.equal(false);
  });

  it("opens a new case when the referrer says it is a different child", async () => {
    await refer(h, people.dsl);
    const review = await walkToReview(h, people.officer);
    const shown = invokeCard(await h.send(submitAction(h, people.officer, review)));
    const different = invokeCard(
      await h.send(
        cardAction(
          h.teams,
          people.officer,
          "personal",
          "referral.submit",
          actionData(shown, "referral.submit", { differentChild: true }),
        ),
      ),
    );
    expect(cardText(different)).to.include(`Referral received: CME-${year()}-00002`);
  });

  it("matches on the UPN even when the name differs, and not on a closed case", async () => {
    await refer(h, people.dsl, { ...goodAnswers, child: { ...goodAnswers.child, upn: "H801200001001" } });
    const review = await walkToReview(h, people.officer, {
      ...goodAnswers,
      child: { ...goodAnswers.child, forenames: "Amy", surname: "Other", upn: "H801200001001" },
    });
    expect(cardText(invokeCard(await h.send(submitAction(h, people.officer, review))))).to.include(
      "may already have an open case",
    );

    await h.app.services.cases.update(`CME-${year()}-00001`, (current) =>
      current ? { ...current, status: "closed" } : undefined,
    );
    expect(cardText(invokeCard(await h.send(submitAction(h, people.officer, review))))).to.include(
      "Referral received",
    );
  });
});

describe("a referral recorded on someone's behalf", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });
  const agencyReferrer = {
    ...goodAnswers.referrer,
    source: "agency",
    name: "Pat Caller",
    role: "Housing officer",
    setting: "District council housing team",
    dfeNumber: "",
  };

  it("lets a CME officer record a referral from an agency, with no DfE number, and says so on the case", async () => {
    const submitted = await refer(h, people.officer, { ...goodAnswers, referrer: agencyReferrer });
    expect(cardText(submitted)).to.include("Referral received");
    const stored = await h.app.services.cases.get(`CME-${new Date().getUTCFullYear()}-00001`);
    expect(stored?.referral.referrer).to.include({ source: "agency", name: "Pat Caller" });
    expect(stored?.referrer.id).to.equal(people.officer.id);
    const post = await eventually(() => {
      const found = h.teams.posts(channelId)[0];
      if (!found) throw new Error("no post yet");
      return found;
    });
    expect(cardText(cardIn(post))).to.include(`Pat Caller (an agency), recorded by ${people.officer.name}`);
  });

  it("refuses someone outside the CME team recording on another's behalf, and asks a school for its DfE number", async () => {
    let card = await sayRefer(h, people.dsl);
    for (const step of ["whatHappened", "child", "family", "school", "vulnerability", "enquiries"] as const) {
      card = await next(h, people.dsl, card, goodAnswers[step]);
    }
    const refused = await next(h, people.dsl, card, agencyReferrer);
    expect(cardText(refused)).to.include("Only CME officers record referrals on someone else");
    const noDfe = await next(h, people.dsl, refused, { ...goodAnswers.referrer, dfeNumber: "" });
    expect(cardText(noDfe)).to.include("Enter the school's DfE number");
  });
});

describe("my referrals", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("lists the person's own referrals with their status, newest first, and no one else's", async () => {
    await refer(h, people.dsl);
    await refer(h, people.earlyYears, goodEarlyYearsAnswers, "refer early years");
    await refer(h, people.dsl, {
      ...goodAnswers,
      child: { ...goodAnswers.child, forenames: "Zoe", surname: "Second" },
    });
    await h.send(personalMessage(h.teams, people.dsl, "my referrals"));
    const text = cardText(cardIn(h.teams.replies(personalConversationId(people.dsl)).at(-1)!));
    const year = new Date().getUTCFullYear();
    expect(text).to.include(`CME-${year}-00003`);
    expect(text).to.include(`CME-${year}-00001`);
    expect(text).not.to.include(`CME-${year}-00002`);
    expect(text).not.to.include("Ollie");
    expect(text.indexOf("Zoe Second")).to.be.lessThan(text.indexOf("Amelia Rose Testchild"));
    expect(text).to.include('"text":"New"');
  });

  it("is the same command however its words are spaced (two spaces, a non-breaking space, a new line)", async () => {
    for (const said of ["my  referrals", "my\u00a0referrals", "My\nReferrals "]) {
      await h.send(personalMessage(h.teams, people.officer2, said));
      const text = cardText(cardIn(h.teams.replies(personalConversationId(people.officer2)).at(-1)!));
      expect(text, JSON.stringify(said)).to.include("You have not made any referrals yet");
    }
  });

  it("says so when there are none", async () => {
    await h.send(personalMessage(h.teams, people.officer2, "my referrals"));
    const text = cardText(cardIn(h.teams.replies(personalConversationId(people.officer2)).at(-1)!));
    expect(text).to.include("You have not made any referrals yet");
  });
});

describe("my referrals, once an early-years case has become school-age", () => {
  let h: Harness;
  let clock = new Date("2026-12-30T10:00:00Z");
  beforeEach(async () => {
    clock = new Date("2026-12-30T10:00:00Z");
    h = await startHarness({}, { now: () => clock });
  });
  afterEach(async () => {
    await h.close();
  });

  it("still shows the referrer the early-years form they made", async () => {
    // Reaches compulsory school age on 31 December 2026, the fifth birthday.
    const child = { ...goodEarlyYearsAnswers.child, dateOfBirth: "2021-12-31" };
    await refer(h, people.earlyYears, { ...goodEarlyYearsAnswers, child }, "refer early years");
    clock = new Date("2026-12-31T10:00:00Z");
    const swept = await sweepEscalations(h.app.services, clock);
    expect(swept.kind === "swept" && swept.convertedToSchoolAge).to.deep.equal(["CME-2026-00001"]);
    await h.send(personalMessage(h.teams, people.earlyYears, "my referrals"));
    const text = cardText(cardIn(h.teams.replies(personalConversationId(people.earlyYears)).at(-1)!));
    expect(text).to.include("CME-2026-00001");
    expect(text).to.include("Early-years, referred").and.not.include("School-age, referred");
  });
});

describe("drafts left unfinished", () => {
  let h: Harness;
  let clock = new Date();
  beforeEach(async () => {
    clock = new Date();
    h = await startHarness({ DRAFT_EXPIRY_DAYS: "30", DRAFT_REMINDER_DAYS: "7" }, { now: () => clock });
  });
  afterEach(async () => {
    await h.close();
  });
  const days = (n: number) => new Date(Date.now() + n * 86_400_000);
  const sweep = () =>
    sweepDrafts(h.app.services, h.app.services.config.drafts, clock, referrerContacts(h.app.services.config));

  it("reminds the person in their personal chat before a draft expires, once, then discards it and says so", async () => {
    const card = await sayRefer(h, people.dsl);
    await next(h, people.dsl, card, goodAnswers.whatHappened);
    const repliesBefore = h.teams.replies(personalConversationId(people.dsl)).length;

    clock = days(10);
    expect(await sweep()).to.deep.equal({ reminded: 0, expired: 0, submissionsFinished: 0 });
    clock = days(24);
    expect(await sweep()).to.deep.equal({ reminded: 1, expired: 0, submissionsFinished: 0 });
    expect(await sweep()).to.deep.equal({ reminded: 0, expired: 0, submissionsFinished: 0 });
    await h.app.services.outbox.idle();
    const sent = h.teams.sent
      .filter((s) => s.conversationId === personalConversationId(people.dsl))
      .slice(repliesBefore);
    expect(sent).to.have.length(1);
    expect(cardText(cardIn(sent[0]!))).to.include("Your referral is not finished");
    expect(cardText(cardIn(sent[0]!))).not.to.include("Testchild");

    clock = days(31);
    expect(await sweep()).to.deep.equal({ reminded: 0, expired: 1, submissionsFinished: 0 });
    await h.app.services.outbox.idle();
    expect(await h.app.services.drafts.get(people.dsl.id, `${people.dsl.id}|school-age`)).to.equal(undefined);
    const last = h.teams.sent.filter((s) => s.conversationId === personalConversationId(people.dsl)).at(-1);
    expect(cardText(cardIn(last!))).to.include("Unfinished referral discarded");
  });

  it("finishes a submission a crash interrupted, tells the person, and never expires it as unsent", async () => {
    const review = await walkToReview(h, people.dsl);
    const draftId = `${people.dsl.id}|school-age`;
    const draft = await h.app.services.drafts.get(people.dsl.id, draftId);
    const reference = `CME-${new Date().getUTCFullYear()}-00001`;
    // The crash: the reference is fixed on the draft, and then nothing more happened.
    await h.app.services.drafts.save({ ...draft!, reference }, draft!);
    clock = days(1);
    expect(await sweep()).to.deep.equal({ reminded: 0, expired: 0, submissionsFinished: 1 });
    expect(await sweep()).to.deep.equal({ reminded: 0, expired: 0, submissionsFinished: 0 });
    expect((await h.app.services.cases.get(reference))?.status).to.equal("new");
    expect((await h.app.services.drafts.get(people.dsl.id, draftId))?.submittedAt).to.be.a("string");
    await h.app.services.outbox.idle();
    const chat = () => h.teams.sent.filter((s) => s.conversationId === personalConversationId(people.dsl));
    expect(cardText(cardIn(chat().at(-1)!))).to.include(`Referral received: ${reference}`);
    expect(invokeMessage(await h.send(submitAction(h, people.dsl, review)))).to.include("already submitted");
    // Long after, the sent draft is dropped quietly: no "discarded" message for a referral that went.
    clock = days(40);
    expect(await sweep()).to.deep.equal({ reminded: 0, expired: 1, submissionsFinished: 0 });
    await h.app.services.outbox.idle();
    expect(
      chat()
        .map((s) => cardText(cardIn(s)))
        .join(),
    ).not.to.include("Unfinished referral discarded");
  });

  it("opens a case of its own for an interrupted further referral whose case closed meanwhile", async () => {
    await refer(h, people.dsl);
    const first = `CME-${new Date().getUTCFullYear()}-00001`;
    await walkToReview(h, people.officer);
    const draftId = `${people.officer.id}|school-age`;
    const draft = await h.app.services.drafts.get(people.officer.id, draftId);
    // The crash: the officer chose to add it to the open case, and then nothing more happened.
    await h.app.services.drafts.save({ ...draft!, mergedInto: first }, draft!);
    await h.app.services.cases.update(first, (current) =>
      current ? { ...current, status: "closed" } : undefined,
    );
    clock = days(1);
    expect(await sweep()).to.deep.equal({ reminded: 0, expired: 0, submissionsFinished: 1 });
    expect((await h.app.services.cases.get(first))?.furtherReferrals).to.have.length(0);
    const second = await h.app.services.cases.get(`CME-${new Date().getUTCFullYear()}-00002`);
    expect(second?.status).to.equal("new");
    expect(second?.referrer.id).to.equal(people.officer.id);
  });

  it("lets the person carry on from the reminder", async () => {
    const card = await sayRefer(h, people.dsl);
    await next(h, people.dsl, card, goodAnswers.whatHappened);
    clock = days(24);
    await sweep();
    await h.app.services.outbox.idle();
    const reminder = cardIn(
      h.teams.sent.filter((s) => s.conversationId === personalConversationId(people.dsl)).at(-1)!,
    );
    const resumed = await press(h, people.dsl, reminder, "referral.start", {}, { resume: true });
    expect(cardText(resumed)).to.include("Step 2 of 8");
  });
});
