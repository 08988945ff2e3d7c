import { expect } from "chai";
import { sweepRetention } from "../../bot/cases/retention-sweep.js";
import {
  channelMessage,
  people,
  personalConversationId,
  personalMessage,
  startHarness,
  type Harness,
  type Who,
} from "../support/harness.js";
import { goodAnswers, refer } from "../support/referral-walk.js";

const personal = [
  goodAnswers.child.forenames!,
  goodAnswers.child.surname!,
  goodAnswers.child.dateOfBirth!,
  goodAnswers.child.address!,
  goodAnswers.family["parents.0.name"]!,
  goodAnswers.family["parents.0.phone"]!,
  "LE18 4AB",
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

  const closeCase = (reference: string) =>
    h.app.services.cases.update(reference, (current) =>
      current
        ? {
            ...current,
            status: "closed",
            closure: {
              outcome: "on-roll-other-la",
              detail: "Oakfield Academy, Nottingham",
              by: people.officer,
              at: clock.toISOString(),
            },
          }
        : undefined,
    );

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
