import { expect } from "chai";
import { closeInStore } from "../support/sample-case.js";
import type { CaseRepository } from "../../bot/cases/case-repository.js";
import { sweepRetention, sweepUnsubmittedAlerts } from "../../bot/cases/retention-sweep.js";
import {
  actionData,
  cardAction,
  cardIn,
  cardText,
  channelId,
  channelMessage,
  people,
  personalConversationId,
  personalMessage,
  startHarness,
  type Harness,
  type Who,
} from "../support/harness.js";
import { goodAnswers, next, press, refer, sayRefer } from "../support/referral-walk.js";

const personal = [
  goodAnswers.child.forenames!,
  goodAnswers.child.surname!,
  goodAnswers.child.dateOfBirth!,
  goodAnswers.child.address!,
  goodAnswers.family["parents.0.name"]!,
  goodAnswers.family["parents.0.phone"]!,
  "LE18 4AB",
];

const inDanger = { ...goodAnswers.whatHappened, immediateDanger: "yes" };
/** What the immediate-danger alert and an officer's reason put in the channel. */
const shownInChannel = [
  goodAnswers.child.forenames!,
  goodAnswers.child.surname!,
  goodAnswers.referrer.phone!,
  goodAnswers.referrer.email!,
  "12 Oak Road",
];

describe("data protection", () => {
  let h: Harness;
  let clock = new Date();
  const year = new Date().getUTCFullYear();
  beforeEach(async () => {
    clock = new Date();
    h = await startHarness({}, { now: () => clock });
  });
  afterEach(async () => {
    await h.close();
  });

  const closeCase = (reference: string) => closeInStore(h, reference, clock, "Oakfield Academy, Nottingham");

  it("anonymises closed cases past the retention period, once, recording it, and leaves the rest", async () => {
    await refer(h, people.dsl, {
      ...goodAnswers,
      whatHappened: {
        ...goodAnswers.whatHappened,
        whatHappened: "other",
        whatHappenedOther: "Moved to Aunt Jane Doe, 5 Elm Rd, Leeds",
        immediateDanger: "no",
      },
      school: { ...goodAnswers.school, possibleDestination: "Leeds Grammar, via Aunt Jane Doe" },
    });
    await refer(h, people.earlyYears, {
      ...goodAnswers,
      child: { ...goodAnswers.child, forenames: "Open", surname: "Case" },
    });
    const closed = `CME-${year}-00001`;
    await h.app.services.cases.update(closed, (current) =>
      current
        ? {
            ...current,
            events: [
              ...current.events,
              {
                at: clock.toISOString(),
                by: people.officer,
                type: "note",
                reason: "Mum said they moved to 4 New Street",
              },
            ],
            // Kept open once with a reason in the officer's words (the history has it as an event's reason).
            jointEnquiriesDecision: {
              decision: "keep-open",
              reason: "Grandmother at 9 Mill Lane thinks they went to Spain",
              by: people.officer,
              at: clock.toISOString(),
            },
          }
        : undefined,
    );
    await closeCase(closed);
    // A notice to the referrer, naming the child, held in the outbox.
    await h.app.services.outbox.postPersonalCard(
      `case-status|${closed}|9`,
      { id: personalConversationId(people.dsl), serviceUrl: h.teams.url, userId: people.dsl.id },
      "case-status-notice",
      { reference: closed, childName: "Amelia Rose Testchild", status: "Closed", outcome: "" },
    );
    const policy = {
      rules: [{ appliesTo: "all" as const, yearsAfterClosure: 7, why: "7 years after closure" }],
      action: "anonymise" as const,
    };

    expect(await sweepRetention(h.app.services, policy, clock)).to.deep.equal({ anonymised: 0, purged: 0 });
    clock = new Date(clock.getTime() + 7.1 * 365.25 * 86_400_000);
    expect(await sweepRetention(h.app.services, policy, clock)).to.deep.equal({ anonymised: 1, purged: 0 });
    expect(await sweepRetention(h.app.services, policy, clock)).to.deep.equal({ anonymised: 0, purged: 0 });

    const kept = (await h.app.services.cases.get(closed))!;
    const text = JSON.stringify(kept);
    for (const value of [...personal, "4 New Street", "Oakfield", "Jane Doe", "Leeds", "9 Mill Lane"]) {
      expect(text, value).not.to.include(value);
    }
    // Messages held about the case are gone; the channel card is shown again, without the child.
    expect((await h.app.services.outboxStore.aboutCase(closed)).map((item) => item.kind)).to.deep.equal([
      "case-card",
    ]);
    await h.app.services.outbox.idle();
    const card = h.teams.sent.filter((sent) => sent.method === "PUT").at(-1);
    // Square brackets are escaped on every card (Teams reads them as markdown).
    expect(JSON.stringify(card?.body)).to.include("\\\\[removed\\\\]");
    expect(JSON.stringify(card?.body)).not.to.include(goodAnswers.child.surname);
    expect(kept).to.include({ status: "closed", kind: "school-age", anonymisedAt: clock.toISOString() });
    // 14 March 2015: the school year of birth starts on 1 September 2014 (the year group is kept).
    expect(kept.referral.child.dateOfBirth).to.equal("2014-09-01");
    expect(kept.referral.school.school).to.equal("Example Primary School");
    expect(kept.closure?.outcome).to.equal("on-roll-other-la");
    expect(kept.events.at(-1)).to.include({
      type: "anonymised",
      reason: "7 years after closure (retention policy)",
    });
    expect(kept.events.at(-1)?.by.name).to.equal("Retention sweep");
    // The open case is untouched.
    expect((await h.app.services.cases.get(`CME-${year}-00002`))?.referral.child.surname).to.equal("Case");
  });

  /** Every message in the CME channel as it reads now (its latest update, else its post). */
  const channelNow = () =>
    h.teams
      .posts(channelId)
      .map((post) => cardText(cardIn(h.teams.updates(channelId, post.id).at(-1) ?? post)));

  /** An urgent case (immediate danger: the alert), lowered and raised again by an officer whose reason names an address. */
  async function urgentCaseRaisedWithReason(reference: string) {
    await refer(h, people.dsl, { ...goodAnswers, whatHappened: inDanger });
    for (const reason of ["Seen safe at school", "Dad's new partner lives at 12 Oak Road"]) {
      await h.send(personalMessage(h.teams, people.officer, `case ${reference}`));
      const card = cardIn(h.teams.replies(personalConversationId(people.officer)).at(-1)!);
      await h.send(
        cardAction(h.teams, people.officer, "personal", "case.changePriority", {
          ...actionData(card, "case.changePriority"),
          "changePriority.reason": reason,
        }),
      );
    }
    await h.app.services.outbox.idle();
    const before = channelNow().join("\n");
    for (const value of shownInChannel) expect(before, value).to.include(value);
    expect(before).to.include("Raised to urgent by");
  }

  for (const action of ["anonymise", "purge"] as const) {
    it(`redraws the channel's alert, urgent cards${action === "purge" ? " and case card" : ""} without their details when it ${action}s a case`, async () => {
      const reference = `CME-${year}-00001`;
      await urgentCaseRaisedWithReason(reference);
      await closeCase(reference);
      clock = new Date(clock.getTime() + 7.1 * 365.25 * 86_400_000);
      const policy = {
        rules: [{ appliesTo: "all" as const, yearsAfterClosure: 7, why: "7 years after closure" }],
        action,
      };
      const posts = h.teams.posts(channelId).length;
      expect(await sweepRetention(h.app.services, policy, clock)).to.include({ [`${action}d`]: 1 });
      await h.app.services.outbox.idle();
      // Redrawn in place: nothing new is posted, and nothing in the channel shows the child, the referrer or the officer's words.
      expect(h.teams.posts(channelId)).to.have.length(posts);
      const after = channelNow();
      for (const value of shownInChannel) expect(after.join("\n"), value).not.to.include(value);
      expect(after.filter((card) => card.includes("Removed under retention"))).to.have.length(1);
      expect(after.filter((card) => card.includes("Urgent referral: details removed"))).to.have.length(1);
      if (action === "purge")
        expect(after.filter((card) => card.includes("CME case: details removed"))).to.have.length(1);
      // Nor does what the outbox keeps about it.
      const held = JSON.stringify(await h.app.services.outboxStore.aboutCase(reference));
      for (const value of shownInChannel) expect(held, value).not.to.include(value);
    });
  }

  it("removes the details of an alert whose referral was never submitted, the configured days after its draft ended", async () => {
    const policy = h.app.services.config.retention;
    expect(policy.unsubmittedAlerts.daysAfterDraftEnded).to.equal(90);
    const childCard = await next(h, people.dsl, await sayRefer(h, people.dsl), inDanger);
    await next(h, people.dsl, childCard, goodAnswers.child);
    await h.send(personalMessage(h.teams, people.dsl, "cancel"));
    await press(
      h,
      people.dsl,
      cardIn(h.teams.replies(personalConversationId(people.dsl)).at(-1)!),
      "referral.cancel",
    );
    await h.app.services.outbox.idle();
    const [alert] = channelNow();
    expect(alert).to.include("The referrer cancelled this referral");
    expect(alert).to.include(goodAnswers.child.surname);
    const cancelledAt = clock.getTime();
    const sweepAt = (days: number) => {
      clock = new Date(cancelledAt + days * 86_400_000);
      return sweepUnsubmittedAlerts(h.app.services, policy, clock);
    };
    expect(await sweepAt(89.9)).to.equal(0);
    expect(await sweepAt(90.1)).to.equal(1);
    await h.app.services.outbox.idle();
    const [redrawn, ...more] = channelNow();
    expect(more).to.have.length(0);
    expect(redrawn).to.include("The referrer cancelled this referral");
    expect(redrawn).to.include("Its details were removed");
    expect(redrawn).to.include("Removed under retention");
    expect(redrawn).to.include("Alerted");
    for (const value of shownInChannel.slice(0, 3)) expect(redrawn, value).not.to.include(value);
    expect(await sweepAt(91)).to.equal(0);
  });

  it("purges instead when the policy says so, keeping a record without personal data", async () => {
    await refer(h, people.dsl);
    const reference = `CME-${year}-00001`;
    await closeCase(reference);
    clock = new Date(clock.getTime() + 8 * 365.25 * 86_400_000);
    expect(
      await sweepRetention(
        h.app.services,
        {
          rules: [{ appliesTo: "all", yearsAfterClosure: 7, why: "7 years after closure" }],
          action: "purge",
        },
        clock,
      ),
    ).to.deep.equal({
      anonymised: 0,
      purged: 1,
    });
    expect(await h.app.services.cases.get(reference)).to.equal(undefined);
    const record = await h.app.services.settings.retentionRecord(reference);
    expect(record).to.include({ reference, action: "purged", at: clock.toISOString() });
    for (const value of personal) expect(JSON.stringify(record)).not.to.include(value);
  });

  it("records a purge before it removes the case: a removal that fails leaves the record, and the next sweep finishes it", async () => {
    await refer(h, people.dsl);
    const reference = `CME-${year}-00001`;
    await closeCase(reference);
    clock = new Date(clock.getTime() + 8 * 365.25 * 86_400_000);
    const policy = {
      rules: [{ appliesTo: "all" as const, yearsAfterClosure: 7, why: "7 years after closure" }],
      action: "purge" as const,
    };
    // The real store, but its removal fails (as a crash there would): what is left must already name the purge.
    const failingRemove: CaseRepository = Object.assign(
      Object.create(h.app.services.cases) as CaseRepository,
      {
        remove: () => Promise.reject(new Error("The store is unavailable")),
      },
    );
    const { settings, outboxStore, outbox } = h.app.services;
    const failed = await sweepRetention(
      { cases: failingRemove, settings, outboxStore, outbox },
      policy,
      clock,
    ).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failed).to.be.instanceOf(Error);
    expect(await h.app.services.cases.get(reference)).not.to.equal(undefined);
    // Written before the removal, so an officer opening the child meanwhile never reuses the reference.
    expect(await settings.retentionRecord(reference)).to.include({ reference, action: "purged" });
    expect(await sweepRetention(h.app.services, policy, clock)).to.deep.equal({ anonymised: 0, purged: 1 });
    expect(await h.app.services.cases.get(reference)).to.equal(undefined);
    expect(await settings.retentionRecord(reference)).to.include({ reference, action: "purged" });
  });

  it("keeps each closed case until the latest end of the configured rules: age 25 for all, 75 years from birth when looked after", async () => {
    // The policy the server loaded from config/retention-policy.json (RETENTION_POLICY_FILE's default).
    const policy = h.app.services.config.retention;
    expect(policy.rules.map((rule) => rule.appliesTo)).to.deep.equal(["all", "all", "looked-after"]);
    await refer(h, people.dsl);
    await refer(h, people.earlyYears, {
      ...goodAnswers,
      child: { ...goodAnswers.child, forenames: "Cared", surname: "For" },
      vulnerability: { ...goodAnswers.vulnerability, flags: "looked-after" },
    });
    const ordinary = `CME-${year}-00001`;
    const lookedAfter = `CME-${year}-00002`;
    await closeCase(ordinary);
    await closeCase(lookedAfter);
    const sweepAt = async (instant: string) => {
      clock = new Date(instant);
      return sweepRetention(h.app.services, policy, clock);
    };
    // Born 14 March 2015: 7 years after closure has passed long before the 25th birthday.
    const nothing = { anonymised: 0, purged: 0 };
    expect(await sweepAt(`${year + 8}-01-01T12:00:00Z`)).to.deep.equal(nothing);
    expect(await sweepAt("2040-03-13T12:00:00Z")).to.deep.equal(nothing);
    expect(await sweepAt("2040-03-14T00:00:00Z")).to.deep.equal({ anonymised: 1, purged: 0 });
    const kept = (await h.app.services.cases.get(ordinary))!;
    expect(kept.events.at(-1)).to.include({ type: "anonymised", reason: "until age 25 (retention policy)" });
    expect((await h.app.services.cases.get(lookedAfter))?.referral.child.surname).to.equal("For");
    expect(await sweepAt("2090-03-13T12:00:00Z")).to.deep.equal(nothing);
    expect(await sweepAt("2090-03-14T12:00:00Z")).to.deep.equal({ anonymised: 1, purged: 0 });
    expect((await h.app.services.cases.get(lookedAfter))?.events.at(-1)).to.include({
      reason: "until age 75, looked-after children (retention policy)",
    });
  });

  describe("a subject access export", () => {
    const accept = (who: Who, reference: string, action: "accept" | "decline" = "accept") => {
      const base = personalMessage(h.teams, who, "");
      return h.send({
        ...base,
        type: "invoke",
        name: "fileConsent/invoke",
        value: {
          type: "fileUpload",
          action,
          context: { reference },
          uploadInfo: {
            name: `${reference}-subject-access.json`,
            uploadUrl: `${h.teams.url}upload/${reference}-subject-access.json`,
            contentUrl: `https://contoso.sharepoint.example/${reference}-subject-access.json`,
            uniqueId: "file-1",
            fileType: "json",
          },
        },
      });
    };
    const lastReply = (who: Who) => h.teams.replies(personalConversationId(who)).at(-1)?.body;

    it("asks where to save it, then uploads everything held about the child and records the share on each case", async () => {
      await refer(h, people.dsl);
      const reference = `CME-${year}-00001`;
      await closeCase(reference);
      // A second, later case for the same child: the export covers both.
      await refer(h, people.officer);
      await h.send(personalMessage(h.teams, people.officer, `export ${reference.toLowerCase()}`));
      const consent = lastReply(people.officer) as {
        attachments: { contentType: string; name: string; content: { acceptContext: unknown } }[];
      };
      expect(consent.attachments[0]).to.include({
        contentType: "application/vnd.microsoft.teams.card.file.consent",
        name: `${reference}-subject-access.json`,
      });
      // The card names what to make; the accept below carries an older card's context, still read as an export.
      expect(consent.attachments[0]?.content.acceptContext).to.deep.equal({ kind: "export", reference });
      expect(h.teams.uploads).to.have.length(0);

      expect((await accept(people.officer, reference)).status).to.equal(200);
      const [upload] = h.teams.uploads;
      const exported = JSON.parse(upload!.body) as {
        cases: { id: string; referral: unknown }[];
        exportedBy: { id: string };
      };
      expect(exported.cases.map((each) => each.id)).to.deep.equal([reference, `CME-${year}-00002`]);
      expect(upload!.body).to.include(goodAnswers.child.address);
      expect(upload!.body).not.to.include("_etag");
      expect(exported.exportedBy.id).to.equal(people.officer.id);
      expect(upload!.contentRange).to.match(/^bytes 0-\d+\/\d+$/);
      for (const each of [reference, `CME-${year}-00002`]) {
        const shared = (await h.app.services.cases.get(each))?.events.at(-1);
        expect(shared).to.include({ type: "shared", to: "subject access request (export)" });
        expect(shared?.by.id).to.equal(people.officer.id);
      }
      const info = (lastReply(people.officer) as { attachments: { contentType: string; content: object }[] })
        .attachments[0];
      expect(info?.contentType).to.equal("application/vnd.microsoft.teams.card.file.info");
      expect(info?.content).to.include({ uniqueId: "file-1" });
    });

    it("is for CME officers and managers in personal chat only, and a decline shares nothing", async () => {
      await refer(h, people.dsl);
      const reference = `CME-${year}-00001`;
      await h.send(personalMessage(h.teams, people.dsl, `export ${reference}`));
      expect(lastReply(people.dsl)?.text).to.include("for CME officers and managers");
      await h.send(channelMessage(h.teams, people.officer, `export ${reference}`));
      expect(h.teams.replies(`19:cme-cases@thread.tacv2;messageid=1`).at(-1)?.body.text).to.include(
        "personal chat",
      );
      // A forged accept from someone outside the team uploads nothing.
      await accept(people.dsl, reference);
      expect(h.teams.uploads).to.have.length(0);
      expect(lastReply(people.dsl)?.text).to.include("Nothing was shared");
      await accept(people.officer, reference, "decline");
      expect(lastReply(people.officer)?.text).to.include("Not exported");
      expect(h.teams.uploads).to.have.length(0);
      expect((await h.app.services.cases.get(reference))?.events.map((event) => event.type)).not.to.include(
        "shared",
      );
    });
  });
});
