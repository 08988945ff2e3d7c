import { formCaseOf } from "../support/sample-case.js";
import { expect } from "chai";
import type { Case } from "../../bot/cases/case.js";
import { formatDate } from "../../bot/shared/format.js";
import {
  actionData,
  cardAction,
  cardActions,
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
  tenantId,
  type Harness,
  type Who,
} from "../support/harness.js";
import { goodAnswers, refer, type Answers } from "../support/referral-walk.js";
import { ukDate } from "../../bot/shared/uk-dates.js";

const duty = "Children's Duty test line: 0116 000 0000";

/** Every element of a card (and of the cards its buttons show) with this id. */
function inputsIn(node: unknown, id: string): Record<string, unknown>[] {
  if (Array.isArray(node)) return node.flatMap((each) => inputsIn(each, id));
  if (!node || typeof node !== "object") return [];
  const record = node as Record<string, unknown>;
  return [
    ...(record.id === id ? [record] : []),
    ...Object.values(record).flatMap((each) => inputsIn(each, id)),
  ];
}

/** The card's Refer on forms: the buttons that show a card recording a referral on. */
function referOnForms(node: unknown): Record<string, unknown>[] {
  if (Array.isArray(node)) return node.flatMap(referOnForms);
  if (!node || typeof node !== "object") return [];
  const record = node as Record<string, unknown>;
  const isForm = record.type === "Action.ShowCard" && JSON.stringify(record.card).includes('"case.referOn"');
  return [...(isForm ? [record] : []), ...Object.values(record).flatMap(referOnForms)];
}

/** The card's safeguarding-first banner (the attention container at its top), if it has one. */
function bannerOf(card: Record<string, unknown>): Record<string, unknown> | undefined {
  return (card.body as Record<string, unknown>[]).find(
    (element) => element.type === "Container" && element.style === "attention",
  );
}

describe("safeguarding first: Children's Social Care on the case card", () => {
  let h: Harness;
  const reference = `CME-${new Date().getUTCFullYear()}-00001`;
  const today = ukDate(new Date());
  beforeEach(async () => {
    h = await startHarness({ ALLOWED_TENANT_IDS: tenantId, CHILDRENS_DUTY_CONTACT: duty });
  });
  afterEach(async () => {
    await h.close();
  });

  const withVulnerability = (vulnerability: Record<string, string>): Answers => ({
    ...goodAnswers,
    vulnerability: { ...goodAnswers.vulnerability, ...vulnerability },
  });

  const cardFor = async (who: Who) =>
    invokeCard(await h.send(cardAction(h.teams, who, "channel", "case.refresh", { caseId: reference })));

  const press = (
    who: Who,
    card: Record<string, unknown>,
    verb: string,
    inputs: Record<string, unknown> = {},
  ) => h.send(cardAction(h.teams, who, "channel", verb, { ...actionData(card, verb), ...inputs }));

  const stored = async () => (await h.app.services.cases.get(reference))!;

  const channelCard = async () => {
    await h.app.services.outbox.idle();
    const post = await eventually(() => {
      const found = h.teams.posts(channelId)[0];
      if (!found) throw new Error("no channel post yet");
      return found;
    });
    return cardIn(h.teams.updates(channelId, post.id).at(-1) ?? post);
  };

  const referToSocialCare = {
    "referOn.service": "childrens-social-care",
    "referOn.date": today,
    "referOn.shared": "referral,enquiries",
    "referOn.why": "Child protection plan and the child is missing: the allocated social worker must know",
    "referOn.reference": "FR-778",
  };

  for (const [reason, vulnerability, words] of [
    ["a child protection plan", { flags: "child-protection-plan" }, "this child has a child protection plan"],
    ["looked after", { flags: "looked-after" }, "this child is looked after"],
    [
      "known to social care",
      { flags: "child-in-need", socialWorker: "Jo Worker" },
      "this child is known to social care",
    ],
    ["urgent", { riskFactors: "runaway" }, "this case is urgent"],
  ] as const) {
    it(`says so at the top for a case that is ${reason}, offers Refer on ready for Children's Social Care, and stops once it is recorded`, async () => {
      await refer(h, people.dsl, withVulnerability(vulnerability));

      // Everyone in the channel sees why, and whom to call.
      const posted = await channelCard();
      const banner = cardText(bannerOf(posted));
      expect(banner).to.include(`Safeguarding first: ${words}`);
      expect(banner).to.include("No referral to Children's Social Care is recorded");
      expect(banner).to.include(duty);
      expect(banner).not.to.include("Jo Worker");

      // The banner points an officer to the card's one Refer on form, Children's Social Care and today chosen.
      let card = await cardFor(people.officer);
      expect(cardText(bannerOf(card))).to.include(
        "record it on this card with Refer on to Children's Social Care",
      );
      const [form] = referOnForms(card);
      expect(form?.title).to.equal("Refer on to Children's Social Care…");
      expect(referOnForms(card)).to.have.length(1);
      expect(inputsIn(form, "referOn.service")[0]).to.include({ value: "childrens-social-care" });
      expect(inputsIn(form, "referOn.date")[0]).to.include({ value: today });
      expect(cardText(form)).to.include("Public task (UK GDPR 6(1)(e))");
      expect(inputsIn(card, "referOn.service")).to.have.length(1);

      card = invokeCard(await press(people.officer, card, "case.referOn", referToSocialCare));
      expect(bannerOf(card)).to.equal(undefined);
      expect(referOnForms(card).map((each) => each.title)).to.deep.equal(["Refer on…"]);
      expect(cardText(await channelCard())).not.to.include("Safeguarding first");
    });
  }

  it("shows no banner for a case with none of those reasons, or after a referral on to police only", async () => {
    await refer(h, people.dsl);
    expect(bannerOf(await channelCard())).to.equal(undefined);
    const card = await cardFor(people.officer);
    expect(inputsIn(card, "referOn.service")[0]).to.include({ value: "" });
    await h.app.services.cases.update(reference, (current) =>
      current ? { ...current, urgent: true } : undefined,
    );
    const urgent = invokeCard(
      await press(people.officer, await cardFor(people.officer), "case.referOn", {
        ...referToSocialCare,
        "referOn.service": "police",
      }),
    );
    expect(cardText(bannerOf(urgent))).to.include("this case is urgent");
  });

  it("asks again after a reopening, and after a further referral with a reason of its own: an earlier referral on told CSC of another time", async () => {
    await refer(h, people.dsl, withVulnerability({ flags: "child-protection-plan" }));
    let card = invokeCard(
      await press(people.officer, await cardFor(people.officer), "case.referOn", referToSocialCare),
    );
    expect(bannerOf(card)).to.equal(undefined);
    // Closed (as a manager would sign it off), then reopened from the card.
    await h.app.services.cases.update(reference, (current) =>
      current
        ? {
            ...current,
            status: "closed",
            dfeReason: "moved-in-la",
            cmeStartDate: today,
            closure: { outcome: "not-cme", by: current.referrer, at: new Date().toISOString() },
          }
        : undefined,
    );
    card = invokeCard(
      await press(people.officer, await cardFor(people.officer), "case.reopen", {
        "reopen.reason": "Missing again",
      }),
    );
    expect((await stored()).status).to.equal("in_progress");
    expect(cardText(bannerOf(card))).to.include("this child has a child protection plan");

    card = invokeCard(await press(people.officer, card, "case.referOn", referToSocialCare));
    expect(bannerOf(card)).to.equal(undefined);
    // A further referral that brings a reason (it says the child is looked after now).
    await h.app.services.cases.update(reference, (current) =>
      current
        ? {
            ...current,
            furtherReferrals: [
              ...current.furtherReferrals,
              {
                draftId: "further-1",
                at: new Date(Date.now() + 1000).toISOString(),
                referrer: current.referrer,
                kind: current.kind,
                referral: {
                  ...formCaseOf(current).referral,
                  vulnerability: { ...formCaseOf(current).referral.vulnerability, flags: ["looked-after"] },
                },
              },
            ],
          }
        : undefined,
    );
    expect(cardText(bannerOf(await cardFor(people.officer)))).to.include("is looked after");
  });

  it("does not count the school's own referral to social care: it says when the school referred and asks for the council's", async () => {
    await refer(
      h,
      people.dsl,
      withVulnerability({
        flags: "child-protection-plan",
        referredToSocialCare: "yes",
        socialCareReferralDate: "2026-11-03",
        socialCareOutcome: "Strategy meeting held at 12 Example Road",
      }),
    );
    const banner = cardText(bannerOf(await channelCard()));
    expect(banner).to.include(
      "The school says it referred the child to Children's Social Care on 3 Nov 2026",
    );
    expect(banner).to.include("that is the school's referral, not the council's");
    expect(banner).not.to.include("Strategy meeting");
  });

  describe("a share recorded whole", () => {
    const acceptExport = (who: Who) => {
      const base = personalMessage(h.teams, who, "");
      return h.send({
        ...base,
        type: "invoke",
        name: "fileConsent/invoke",
        value: {
          type: "fileUpload",
          action: "accept",
          context: { kind: "export", reference },
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

    interface ExportedShare {
      case: string;
      kind: string;
      date: string;
      by: string;
      sharedWith: string;
      what: string;
      why: string;
      lawfulBasis?: string;
      reference?: string;
      outcome?: string;
    }

    it("keeps what, why and the lawful basis; its outcome is recorded and changed later, each an event; all in the history and the export", async () => {
      await refer(h, people.dsl, withVulnerability({ flags: "looked-after" }));
      // A referral on recorded before what and why were asked: it still reads and shows.
      const older: Case["referralsOn"][number] = {
        at: "2026-11-20T10:00:00.000Z",
        by: { id: people.officer2.id, name: people.officer2.name },
        service: "police",
        date: "2026-11-20",
        reference: "PC-1",
      };
      await h.app.services.cases.update(reference, (current) =>
        current ? { ...current, referralsOn: [older] } : undefined,
      );

      let card = await cardFor(people.officer);
      // Consent is never offered as a basis: the basis is stated, not chosen.
      expect(cardText(card)).not.to.match(/"title":"[^"]*[Cc]onsent[^"]*","value"/);
      card = invokeCard(
        await press(people.officer, card, "case.referOn", { ...referToSocialCare, "referOn.outcome": "" }),
      );
      let current = await stored();
      expect(current.referralsOn[1]).to.deep.include({
        id: "2",
        service: "childrens-social-care",
        shared: ["referral", "enquiries"],
        why: referToSocialCare["referOn.why"],
        lawfulBasis: "public-task-safeguarding",
        reference: "FR-778",
      });
      expect(current.referralsOn[1]?.outcome).to.equal(undefined);

      // What and why are required.
      const refused = invokeMessage(
        await press(people.officer, card, "case.referOn", {
          "referOn.service": "early-help",
          "referOn.date": today,
        }),
      );
      expect(refused).to.include("Say what was shared");
      expect(refused).to.include("Enter the reason it was shared (the purpose)");

      // The outcome, added later from the card, then changed: each an event with from and to.
      const options = inputsIn(card, "referralOnOutcome.referralOnId")[0]?.choices as { title: string }[];
      expect(options.map((each) => each.title)).to.deep.equal([
        `Children's Social Care, ${formatDate(today)} (no outcome yet)`,
        "Police, 20 Nov 2026 (no outcome yet)",
      ]);
      card = invokeCard(
        await press(people.officer, card, "case.referralOnOutcome", {
          "referralOnOutcome.referralOnId": "2",
          "referralOnOutcome.outcome": "Accepted: strategy discussion booked",
        }),
      );
      card = invokeCard(
        await press(people.officer, card, "case.referralOnOutcome", {
          "referralOnOutcome.referralOnId": "2",
          "referralOnOutcome.outcome": "Section 47 enquiry opened",
        }),
      );
      // The older referral on's outcome can be recorded too.
      card = invokeCard(
        await press(people.manager, card, "case.referralOnOutcome", {
          "referralOnOutcome.referralOnId": "1",
          "referralOnOutcome.outcome": "Police welfare check: nobody home",
        }),
      );
      current = await stored();
      expect(current.referralsOn.map((entry) => entry.outcome)).to.deep.equal([
        "Police welfare check: nobody home",
        "Section 47 enquiry opened",
      ]);
      const changes = current.events.filter((event) => event.type === "referral-on-outcome");
      expect(changes.map(({ by, from, to }) => ({ by: by.id, from, to }))).to.deep.equal([
        { by: people.officer.id, from: undefined, to: "Accepted: strategy discussion booked" },
        {
          by: people.officer.id,
          from: "Accepted: strategy discussion booked",
          to: "Section 47 enquiry opened",
        },
        { by: people.manager.id, from: undefined, to: "Police welfare check: nobody home" },
      ]);

      // The history shows the share whole and each outcome change.
      const history = cardText(invokeCard(await press(people.officer, card, "case.history")));
      expect(history).to.include("Referred on to Children's Social Care");
      expect(history).to.include("Shared: The referral's details; Enquiries made and their outcomes");
      expect(history).to.include(`Why: ${referToSocialCare["referOn.why"]}`);
      expect(history).to.include("Lawful basis: Public task (UK GDPR 6(1)(e))");
      expect(history).to.include("Referral on's outcome changed: Children's Social Care, referred");
      expect(history).to.include("Accepted: strategy discussion booked → Section 47 enquiry opened");
      expect(history).to.include("Referral on's outcome recorded: Police, referred 20 Nov 2026");

      // The export lists every share: both referrals on whole, and a file saved before.
      await h.send(personalMessage(h.teams, people.officer, `export ${reference}`));
      await acceptExport(people.officer);
      await h.send(personalMessage(h.teams, people.officer, `export ${reference}`));
      await acceptExport(people.officer);
      const exported = JSON.parse(h.teams.uploads.at(-1)!.body) as { shares: ExportedShare[] };
      const [police, socialCare, file] = exported.shares;
      expect(police).to.deep.include({
        case: reference,
        kind: "referral on",
        date: "2026-11-20",
        by: people.officer2.name,
        sharedWith: "Police",
        what: "Not recorded (referred on before this was asked)",
        why: "Not recorded (referred on before this was asked)",
        reference: "PC-1",
        outcome: "Police welfare check: nobody home",
      });
      expect(police?.lawfulBasis).to.include("Public task (UK GDPR 6(1)(e))");
      expect(socialCare).to.deep.include({
        kind: "referral on",
        date: today,
        by: people.officer.name,
        sharedWith: "Children's Social Care",
        what: "The referral's details; Enquiries made and their outcomes",
        why: referToSocialCare["referOn.why"],
        outcome: "Section 47 enquiry opened",
      });
      expect(socialCare?.lawfulBasis).to.include("9(2)(g), DPA 2018 Sch.1 para 18");
      expect(file).to.deep.include({
        kind: "file saved",
        by: people.officer.name,
        sharedWith: "subject access request (export)",
        why: `requested for ${reference}`,
      });
      expect(exported.shares).to.have.length(3);
      // The basis is the law's, for every referral on: never consent.
      for (const share of [police, socialCare])
        expect(share?.lawfulBasis).to.match(/^Public task .*Not consent\.$/);
    });

    it("lets only the CME team record a referral on's outcome: the referrer and anyone else are refused", async () => {
      await refer(h, people.dsl);
      const card = await cardFor(people.officer);
      await press(people.officer, card, "case.referOn", { ...referToSocialCare, "referOn.outcome": "" });
      const before = (await stored()).events.length;
      const data = {
        caseId: reference,
        "referralOnOutcome.referralOnId": "1",
        "referralOnOutcome.outcome": "Closed by social care",
      };
      for (const [who, scope] of [
        [people.dsl, "personal"],
        [people.earlyYears, "channel"],
      ] as const) {
        const answer = invokeMessage(
          await h.send(cardAction(h.teams, who, scope, "case.referralOnOutcome", data)),
        );
        expect(answer).to.match(/^Only CME officers/);
      }
      expect(cardActions(await cardFor(people.earlyYears)).map((action) => action.verb)).not.to.include(
        "case.referralOnOutcome",
      );
      const after = await stored();
      expect(after.events.length).to.equal(before);
      expect(after.referralsOn[0]?.outcome).to.equal(undefined);
      expect(
        h.teams.posts(personalConversationId(people.dsl)).map((post) => cardText(cardIn(post))),
      ).not.to.include("Closed by social care");
    });
  });
});
