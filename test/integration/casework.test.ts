import { expect } from "chai";
import {
  actionData,
  cardAction,
  cardActions,
  cardIn,
  cardText,
  channelId,
  channelMessage,
  eventually,
  invokeCard,
  invokeMessage,
  people,
  personalConversationId,
  personalMessage,
  startHarness,
  tenantId,
  type Harness,
  type Who,
} from "../support/harness.js";
import { refer } from "../support/referral-walk.js";
import { revisionOf, type Case } from "../../bot/cases/case.js";

describe("casework from the channel card", () => {
  let h: Harness;
  let reference: string;
  beforeEach(async () => {
    h = await startHarness({ ALLOWED_TENANT_IDS: tenantId });
    await refer(h, people.dsl);
    reference = `CME-${new Date().getUTCFullYear()}-00001`;
  });
  afterEach(async () => {
    await h.close();
  });

  /** The case card as this person's Teams refreshes it. */
  const cardFor = async (who: Who) =>
    invokeCard(await h.send(cardAction(h.teams, who, "channel", "case.refresh", { caseId: reference })));

  /** Presses a button on a case card (filling in the form beside it) and returns the response. */
  const press = (
    who: Who,
    card: Record<string, unknown>,
    verb: string,
    inputs: Record<string, unknown> = {},
  ) => h.send(cardAction(h.teams, who, "channel", verb, { ...actionData(card, verb), ...inputs }));

  const verbsOn = (card: Record<string, unknown>) => new Set(cardActions(card).map((action) => action.verb));

  const stored = async () => (await h.app.services.cases.get(reference))!;

  const personalCards = (who: Who) =>
    h.teams.posts(personalConversationId(who)).map((post) => cardText(cardIn(post)));

  it("takes a case from new to closed entirely from its card, updating it in place, telling the referrer, with every step in its history", async () => {
    const post = await eventually(() => {
      const found = h.teams.posts(channelId)[0];
      if (!found) throw new Error("no channel post yet");
      return found;
    });

    let card = await cardFor(people.officer);
    expect(verbsOn(card)).to.include.members([
      "case.assignToMe",
      "case.triage",
      "case.close",
      "case.history",
    ]);
    expect(verbsOn(card)).not.to.include("case.changeStatus");
    card = invokeCard(await press(people.officer, card, "case.assignToMe"));
    expect(cardText(card)).to.include(people.officer.name);

    card = invokeCard(
      await press(people.officer, card, "case.triage", {
        "triage.dfeReason": "moved-la",
        "triage.cmeStartDate": "2026-11-02",
      }),
    );
    expect(cardText(card)).to.include(
      "Believed to have moved to another local authority, CME since 2 Nov 2026",
    );
    expect(cardText(card)).to.include("In progress");

    card = invokeCard(
      await press(people.officer, card, "case.logEnquiry", {
        "logEnquiry.type": "other-la",
        "logEnquiry.date": "2026-11-20",
        "logEnquiry.contacted": "Nottingham CME officer",
        "logEnquiry.outcome": "Family registered with a GP in Nottingham",
      }),
    );
    card = invokeCard(
      await press(people.officer, card, "case.referOn", {
        "referOn.service": "other-la-cme",
        "referOn.date": "2026-11-21",
        "referOn.reference": "NCC-123",
        "referOn.shared": "referral,enquiries",
        "referOn.why": "To ask Nottingham to confirm the family's new address",
      }),
    );
    expect(cardText(card)).to.include("1 enquiries logged, 1 referrals on");

    card = invokeCard(
      await press(people.officer, card, "case.requestInfo", {
        "requestInfo.question": "Did the family mention a new school?",
      }),
    );
    expect(cardText(card)).to.include("Information requested");

    // The referrer gets the question in personal chat and answers on that card.
    await h.app.services.outbox.idle();
    const question = cardIn(
      h.teams
        .posts(personalConversationId(people.dsl))
        .find((p) => cardText(cardIn(p)).includes("a question"))!,
    );
    expect(cardText(question)).to.include("Did the family mention a new school?");
    const answered = invokeCard(
      await h.send(
        cardAction(h.teams, people.dsl, "personal", "case.answerInfo", {
          ...actionData(question, "case.answerInfo"),
          "answerInfo.answer": "Yes: Oakfield Academy, Nottingham",
        }),
      ),
    );
    expect(cardText(answered)).to.include("You answered: Yes: Oakfield Academy, Nottingham");
    expect((await stored()).status).to.equal("in_progress");

    card = await cardFor(people.officer);
    card = invokeCard(
      await press(people.officer, card, "case.changeStatus", {
        "changeStatus.to": "located",
        "changeStatus.reason": "Oakfield Academy confirms the offer",
      }),
    );
    card = invokeCard(
      await press(people.officer, card, "case.close", {
        "close.outcome": "on-roll-other-la",
        "close.detail": "On roll at Oakfield Academy, Nottingham, from 24 Nov; confirmed by the school",
      }),
    );
    expect(cardText(card)).to.include("Closed");
    expect(cardText(card)).to.include("On roll in another LA, confirmed");
    // Where the child lives now is personal: Details and History have it, the channel card does not.
    expect(cardText(card)).not.to.include("Oakfield Academy");
    expect(verbsOn(card)).to.include("case.reopen");
    expect(verbsOn(card)).not.to.include("case.close");

    const final = await stored();
    expect(final.status).to.equal("closed");
    expect(final.events.map((event) => event.type)).to.deep.equal([
      "submitted",
      "assigned",
      "triaged",
      "status-changed",
      "enquiry-logged",
      "referred-on",
      "info-requested",
      "info-answered",
      "status-changed",
      "closed",
    ]);
    expect(
      final.events
        .slice(1)
        .every((event) => event.by.id === people.officer.id || event.by.id === people.dsl.id),
    ).to.equal(true);

    // Everyone's card was updated in place: the original channel message, now showing it closed.
    await h.app.services.outbox.idle();
    const lastUpdate = h.teams.updates(channelId, post.id).at(-1);
    expect(cardText(cardIn(lastUpdate!))).to.include("Closed");
    expect(cardActions(cardIn(lastUpdate!)).map((action) => action.verb)).not.to.include("case.close");

    // The referrer heard of each status change (and got the question), and nothing else.
    const told = personalCards(people.dsl).filter(
      (text) => text.includes(reference) && !text.includes("Referral received"),
    );
    const newStatus = /it is now "\},\{"type":"TextRun","text":"([^"]+)","weight":"Bolder"/;
    expect(told.map((text) => newStatus.exec(text)?.[1] ?? "question")).to.deep.equal([
      "In progress",
      "question",
      "Located",
      "Closed",
    ]);
    expect(told.at(-1)).to.include("On roll in another LA, confirmed");

    // The history holds every change, newest first, a page at a time.
    const history = invokeCard(await press(people.officer, card, "case.history"));
    const text = cardText(history);
    expect(text).to.include("Page 1 of 2 (10 changes, newest first)");
    expect(text.indexOf("Closed (was Located)")).to.be.lessThan(text.indexOf("Referrer answered"));
    const older = invokeCard(await press(people.officer, history, "case.history", { page: "1" }));
    expect(cardText(older)).to.include("Referral submitted");
    expect(cardText(older)).to.include(`Assigned to ${people.officer.name}`);
  });

  it("shows someone outside the team a case only on the CME channel's card: a reference tried elsewhere is not read", async () => {
    const personalRefresh = cardAction(h.teams, people.earlyYears, "personal", "case.refresh", {
      caseId: reference,
    });
    const inChat = await h.send(personalRefresh);
    expect(invokeMessage(inChat)).to.equal("Case details and history are for the CME team.");
    expect(JSON.stringify(inChat.body)).not.to.include("Testchild");
    // Another team's channel, where the bot is installed too.
    const elsewhere = cardAction(h.teams, people.earlyYears, "channel", "case.refresh", {
      caseId: reference,
    });
    const otherChannel = "19:another-team@thread.tacv2";
    const fromOtherTeam = await h.send({
      ...elsewhere,
      conversation: { ...elsewhere.conversation, id: `${otherChannel};messageid=1` },
      channelData: {
        ...elsewhere.channelData,
        team: { id: "19:another-team" },
        channel: { id: otherChannel },
      },
    });
    expect(invokeMessage(fromOtherTeam)).to.equal("Case details and history are for the CME team.");
    // An officer may refresh it anywhere.
    const officers = await h.send(
      cardAction(h.teams, people.officer, "personal", "case.refresh", { caseId: reference }),
    );
    expect(cardText(invokeCard(officers))).to.include(reference);
  });

  it("lets each role do only what it may, and someone outside the team or from another tenant nothing", async () => {
    const officerCard = await cardFor(people.officer);
    const managerCard = await cardFor(people.manager);
    // Someone outside the team sees the summary only, and is told why.
    const outsiderCard = await cardFor(people.earlyYears);
    expect(verbsOn(outsiderCard)).to.deep.equal(new Set(["case.refresh"]));
    expect(cardText(outsiderCard)).to.include("Only CME officers");

    const attempts: [Who, string, Record<string, unknown>][] = [
      [people.dsl, "case.assignToMe", {}],
      [
        people.earlyYears,
        "case.triage",
        { "triage.dfeReason": "unknown", "triage.cmeStartDate": "2026-11-02" },
      ],
      [people.earlyYears, "case.addNote", { "addNote.note": "Let me in" }],
      [people.dsl, "case.close", { "close.outcome": "not-cme" }],
    ];
    for (const [who, verb, inputs] of attempts) {
      const refused = invokeMessage(await press(who, officerCard, verb, inputs));
      expect(refused, `${who.name} ${verb}`).to.match(/Only CME officers/);
    }
    for (const verb of ["case.details", "case.history"]) {
      expect(invokeMessage(await press(people.dsl, officerCard, verb))).to.include("for the CME team");
    }
    await h.send(personalMessage(h.teams, people.earlyYears, `history ${reference}`));
    expect(h.teams.replies(personalConversationId(people.earlyYears)).at(-1)?.body.text).to.include(
      "Cases are for the CME team",
    );
    // Even the team's own history goes only to personal chat: it holds personal details.
    await h.send(channelMessage(h.teams, people.officer, `history ${reference}`));
    expect(h.teams.replies(`${channelId};messageid=1`).at(-1)?.body.text).to.include("in a personal chat");

    // Another organisation's tenant is refused before anything is looked at.
    const foreign = cardAction(h.teams, people.officer, "channel", "case.addNote", {
      ...actionData(officerCard, "case.addNote"),
      "addNote.note": "From outside",
    });
    const fromElsewhere = {
      ...foreign,
      conversation: { ...(foreign.conversation as object), tenantId: "tenant-elsewhere" },
      channelData: { ...(foreign.channelData as object), tenant: { id: "tenant-elsewhere" } },
    };
    expect((await h.send(fromElsewhere)).status).to.equal(403);
    expect((await stored()).events).to.have.length(1);

    // An officer may close only with outcomes that need no sign-off; the manager signs off.
    const started = invokeCard(
      await press(people.officer, officerCard, "case.triage", {
        "triage.dfeReason": "moved-abroad",
        "triage.cmeStartDate": "2026-11-02",
      }),
    );
    const asked = invokeCard(
      await press(people.officer, started, "case.close", {
        "close.outcome": "moved-abroad",
        "close.detail": "Family in Lisbon; Escola Básica confirms enrolment",
      }),
    );
    expect(cardText(asked)).to.include("waiting for a manager's sign-off");
    expect(verbsOn(asked)).not.to.include("case.signOffClosure");
    expect((await stored()).status).to.equal("in_progress");
    // The card hides Close now; a hand-made invoke is refused on the server all the same.
    const forged = cardAction(h.teams, people.officer2, "channel", "case.close", {
      caseId: reference,
      revision: String(revisionOf(await stored())),
      "close.outcome": "returned",
    });
    expect(invokeMessage(await h.send(forged))).to.include("waiting for a manager");
    expect(verbsOn(managerCard)).not.to.include("case.signOffClosure");
    const managerNow = await cardFor(people.manager);
    expect(verbsOn(managerNow)).to.include("case.signOffClosure");
    const signed = invokeCard(await press(people.manager, managerNow, "case.signOffClosure"));
    expect(cardText(signed)).to.include("Moved abroad, confirmed");
    const closed = await stored();
    expect(closed.status).to.equal("closed");
    expect(closed.closure?.signedOffBy?.id).to.equal(people.manager.id);
    expect(closed.closure?.by.id).to.equal(people.officer.id);
  });

  it("checks every action's role on the server: referrer, officer, manager, outsider and a foreign tenant", async () => {
    const inputs: Record<string, Record<string, unknown>> = {
      "case.assignToMe": {},
      "case.assignTo": { "assignTo.officerId": people.officer2.id },
      "case.unassign": {},
      "case.triage": { "triage.dfeReason": "unknown", "triage.cmeStartDate": "2026-11-02" },
      "case.changeStatus": { "changeStatus.to": "tracking", "changeStatus.reason": "x" },
      "case.requestInfo": { "requestInfo.question": "Where?" },
      "case.answerInfo": { "answerInfo.answer": "Here", requestId: "1" },
      "case.logEnquiry": {
        "logEnquiry.type": "police",
        "logEnquiry.date": "2026-11-20",
        "logEnquiry.contacted": "PC Smith",
        "logEnquiry.outcome": "Not known",
      },
      "case.referOn": {
        "referOn.service": "police",
        "referOn.date": "2026-11-20",
        "referOn.shared": "referral",
        "referOn.why": "Concern for safety",
      },
      "case.referralOnOutcome": {
        "referralOnOutcome.referralOnId": "1",
        "referralOnOutcome.outcome": "Accepted",
      },
      "case.addNote": { "addNote.note": "A note" },
      "case.close": { "close.outcome": "not-cme" },
      "case.signOffClosure": {},
      "case.declineClosure": { "declineClosure.reason": "No" },
      "case.reopen": { "reopen.reason": "Again" },
      "case.decideJointEnquiries": {
        "decideJointEnquiries.decision": "keep-open",
        "decideJointEnquiries.reason": "School keeps the place",
      },
    };
    const who = {
      referrer: people.dsl,
      officer: people.officer,
      manager: people.manager,
      outsider: people.earlyYears,
    };
    const allowed: Record<string, (keyof typeof who)[]> = {
      "case.answerInfo": ["referrer"],
      "case.signOffClosure": ["manager"],
      "case.declineClosure": ["manager"],
    };
    const roleRefusal = /^Only (CME officers|a CME manager|the person who made this referral)/;
    // Each action is tried on a case in a state where it can succeed, so "allowed" means done.
    const base = await stored();
    const owner = { id: people.officer.id, name: people.officer.name };
    const working: Partial<Case> = {
      status: "in_progress",
      owner,
      dfeReason: "unknown",
      cmeStartDate: "2026-11-02",
    };
    const pending: Partial<Case> = {
      ...working,
      pendingClosure: { outcome: "died", by: owner, at: new Date().toISOString() },
    };
    const stateFor: Record<string, Partial<Case>> = {
      "case.unassign": { owner },
      "case.changeStatus": working,
      "case.requestInfo": working,
      "case.answerInfo": {
        ...working,
        status: "info_requested",
        infoRequests: [{ id: "1", askedAt: new Date().toISOString(), askedBy: owner, question: "Where?" }],
      },
      "case.logEnquiry": working,
      "case.referOn": working,
      "case.referralOnOutcome": {
        ...working,
        referralsOn: [{ at: new Date().toISOString(), by: owner, service: "police", date: "2026-11-20" }],
      },
      "case.addNote": working,
      "case.signOffClosure": pending,
      "case.declineClosure": pending,
      "case.reopen": {
        ...working,
        status: "closed",
        closure: { outcome: "returned", by: owner, at: new Date().toISOString() },
      },
    };
    for (const [verb, fields] of Object.entries(inputs)) {
      for (const [role, person] of Object.entries(who) as [keyof typeof who, Who][]) {
        await h.app.services.cases.update(reference, () => ({ ...base, ...stateFor[verb] }));
        const before = (await stored()).events.length;
        const response = await h.send(
          cardAction(h.teams, person, role === "referrer" ? "personal" : "channel", verb, {
            caseId: reference,
            ...fields,
          }),
        );
        const body = response.body as { type: string; value: unknown };
        const what = `${verb} by the ${role}: ${JSON.stringify(body.value).slice(0, 160)}`;
        const after = (await stored()).events.length;
        if ((allowed[verb] ?? ["officer", "manager"]).includes(role)) {
          expect(body.type, what).to.equal("application/vnd.microsoft.card.adaptive");
          expect(after, what).to.be.greaterThan(before);
        } else {
          expect(body.type, what).to.equal("application/vnd.microsoft.activity.message");
          expect(String(body.value), what).to.match(roleRefusal);
          expect(after, what).to.equal(before);
        }
      }
      const foreign = cardAction(h.teams, people.officer, "channel", verb, { caseId: reference, ...fields });
      const before = (await stored()).events.length;
      const response = await h.send({
        ...foreign,
        conversation: { ...(foreign.conversation as object), tenantId: "tenant-elsewhere" },
        channelData: { ...(foreign.channelData as object), tenant: { id: "tenant-elsewhere" } },
      });
      expect(response.status, `${verb} from another tenant`).to.equal(403);
      expect((await stored()).events.length).to.equal(before);
    }
  });

  it("tells the second of two officers acting at once that the case changed, and shows them the case now; notes never collide", async () => {
    const card = invokeCard(
      await press(people.officer, await cardFor(people.officer), "case.triage", {
        "triage.dfeReason": "unknown",
        "triage.cmeStartDate": "2026-11-02",
      }),
    );
    const cardOfOther = await cardFor(people.officer2);
    const [first, second] = await Promise.all([
      press(people.officer, card, "case.changeStatus", {
        "changeStatus.to": "located",
        "changeStatus.reason": "Found in Leicester",
      }),
      press(people.officer2, cardOfOther, "case.changeStatus", {
        "changeStatus.to": "tracking",
        "changeStatus.reason": "Enquiries exhausted",
      }),
    ]);
    const texts = [first, second].map((response) => cardText(invokeCard(response)));
    const told = texts.filter((text) => text.includes("This case changed since your card was made"));
    expect(told).to.have.length(1);
    const final = await stored();
    expect(["located", "tracking"]).to.include(final.status);
    expect(final.events.filter((event) => event.type === "status-changed")).to.have.length(2); // new → in_progress, then one
    expect(told[0]).to.include(final.status === "located" ? "Located" : "Tracking");
    // What the second officer typed is still in the form on the card they are shown.
    expect(told[0]).to.include(final.status === "located" ? "Enquiries exhausted" : "Found in Leicester");

    // A stale card still works for what only adds: two notes at once both land.
    await Promise.all([
      press(people.officer, card, "case.addNote", { "addNote.note": "Note from Olu" }),
      press(people.officer2, cardOfOther, "case.addNote", { "addNote.note": "Note from Omar" }),
    ]);
    const notes = (await stored()).events
      .filter((event) => event.type === "note")
      .map((event) => event.reason);
    expect(notes).to.have.members(["Note from Olu", "Note from Omar"]);
  });

  it("never fails a note because officers crowd the case: every one of 40 notes at once lands, once", async () => {
    const card = await cardFor(people.officer);
    const officers = [people.officer, people.officer2, people.manager];
    const texts = Array.from({ length: 40 }, (_, i) => `Crowded note ${i}`);
    const responses = await Promise.all(
      texts.map((note, i) =>
        press(officers[i % officers.length]!, card, "case.addNote", { "addNote.note": note }),
      ),
    );
    // Each officer is shown the case card again, never a failure message.
    for (const response of responses) expect(cardText(invokeCard(response))).to.include(reference);
    const notes = (await stored()).events
      .filter((event) => event.type === "note")
      .map((event) => event.reason);
    expect(notes).to.have.members(texts);
  });

  it("shows words people typed as they typed them, even ones that look like template placeholders", async () => {
    const card = await cardFor(people.officer);
    const noted = invokeCard(
      await press(people.officer, card, "case.addNote", { "addNote.note": "Mum said ${x} and {y}" }),
    );
    expect(cardText(noted)).to.include("Note");
    const history = invokeCard(await press(people.officer, noted, "case.history"));
    expect(cardText(history)).to.include("Mum said ${x} and {y}");
  });

  it("answers bad input on a case form with what to fix, and saves nothing", async () => {
    const card = await cardFor(people.officer);
    const refused = invokeMessage(
      await press(people.officer, card, "case.triage", { "triage.cmeStartDate": "2099-01-01" }),
    );
    expect(refused).to.include("Choose the DfE primary reason");
    expect(refused).to.include("cannot be in the future");
    expect((await stored()).events).to.have.length(1);
    expect(
      invokeMessage(
        await press(people.officer, card, "case.assignTo", { "assignTo.officerId": "29:nobody" }),
      ),
    ).to.include("Choose an officer from the CME team");
    const assigned = invokeCard(
      await press(people.manager, card, "case.assignTo", { "assignTo.officerId": people.officer2.id }),
    );
    expect(cardText(assigned)).to.include(people.officer2.name);
    expect((await stored()).owner?.id).to.equal(people.officer2.id);
  });

  it("shows the full referral in Details to the team only, and the case or its history by command", async () => {
    const card = await cardFor(people.officer);
    const details = cardText(invokeCard(await press(people.officer, card, "case.details")));
    expect(details).to.include("12 Example Road, Wigston");
    expect(details).to.include("LE18 4AB");
    expect(cardText(card)).not.to.include("Example Road");

    await h.send(personalMessage(h.teams, people.manager, `history ${reference.toLowerCase()}`));
    const history = cardIn(h.teams.replies(personalConversationId(people.manager)).at(-1)!);
    expect(cardText(history)).to.include(`History of ${reference}`);
    await h.send(personalMessage(h.teams, people.officer, `case ${reference}`));
    const shown = cardIn(h.teams.replies(personalConversationId(people.officer)).at(-1)!);
    expect(cardActions(shown).map((action) => action.verb)).to.include("case.assignToMe");
    await h.send(personalMessage(h.teams, people.officer, "history CME-1"));
    expect(h.teams.replies(personalConversationId(people.officer)).at(-1)?.body.text).to.include(
      "history CME-2026-00042",
    );
  });
});
