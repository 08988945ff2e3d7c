import { expect } from "chai";
import { createRequire } from "node:module";
import { readdirSync } from "node:fs";
import { caseFromDraft } from "../../bot/referrals/submission.js";
import { reviewView, stepView, submittedView } from "../../bot/referrals/views.js";
import {
  caseChannelView,
  caseDetailsView,
  caseHistoryView,
  infoRequestView,
  statusNoticeView,
} from "../../bot/cases/views.js";
import { statusView } from "../../bot/reports/status.js";
import { myReferralsView } from "../../bot/reports/my-referrals.js";
import { commandList } from "../../bot/teams/commands.js";
import { maxCardBytes, renderCard } from "../../bot/teams/render-card.js";
import { stepCard } from "../../bot/teams/referral-actions.js";
import { answerStep, fromAnswers, startDraft } from "../../bot/referrals/wizard.js";
import {
  forms,
  referralKinds,
  stepOrder,
  type ReferralKind,
  type StepId,
} from "../../bot/referrals/steps.js";
import { riskFactorChoices, vulnerabilityFlagChoices } from "../../bot/referrals/questions.js";
import type { Draft } from "../../bot/referrals/draft.js";
import { caseStatuses, type Case } from "../../bot/cases/case.js";

// The Adaptive Cards library loads in Node only from its dist bundle.
const require = createRequire(import.meta.url);
const AdaptiveCards = require("adaptivecards/dist/adaptivecards.js") as {
  AdaptiveCard: new () => {
    parse(json: unknown, context?: unknown): void;
    validateProperties(): { validationEvents: { message: string }[] };
  };
  SerializationContext: new () => { eventCount: number; getEventAt(index: number): { message: string } };
};

const long = (n: number) => "x".repeat(n);
const now = new Date("2026-11-28T10:00:00Z");

const rows = (group: string, count: number, row: Record<string, string>): Record<string, string> =>
  Object.fromEntries<string>(
    Array.from({ length: count }, (_, index) =>
      Object.entries(row).map(([field, value]): [string, string] => [`${group}.${index}.${field}`, value]),
    ).flat(),
  );

/** Card inputs for every step with every field filled, long, and every group at its most rows. */
const maximalInputs: Record<StepId, Record<string, string>> = {
  whatHappened: { whatHappened: "other", whatHappenedOther: long(500), immediateDanger: "yes" },
  child: {
    forenames: long(100),
    surname: long(100),
    knownAs: long(100),
    dateOfBirth: "2015-03-14",
    sex: "female",
    upn: "H801200001001",
    yearGroup: "Year 5",
    ethnicity: long(100),
    firstLanguage: long(100),
    interpreterNeeded: "yes",
    nationality: long(100),
    address: long(300),
    postcode: "LE18 4AB",
    ...rows("previousAddresses", 5, { address: long(300) }),
  },
  family: {
    ...rows("parents", 4, {
      name: long(100),
      relationship: long(50),
      parentalResponsibility: "yes",
      phone: "07700 900123",
      email: `${long(60)}@example.org`,
    }),
    familyAddress: long(300),
    ...rows("emergencyContacts", 4, { name: long(100), relationship: long(50), phone: "0116 496 0000" }),
    ...rows("siblings", 8, {
      name: long(100),
      dateOfBirth: "2012-01-01",
      schoolOrSetting: long(200),
      attending: "no",
    }),
  },
  school: {
    school: long(200),
    dateAdmitted: "2020-09-01",
    dateLastAttended: "2026-11-02",
    dateLastSeen: "2026-11-03",
    attendancePattern: long(1000),
    possibleDestination: long(300),
    onRoll: "deleted",
    deletionDate: "2026-11-20",
    deletionGround: "i",
    ctf: "XXXXXXX",
  },
  vulnerability: {
    riskFactors: riskFactorChoices.map((c) => c.value).join(","),
    flags: vulnerabilityFlagChoices.map((c) => c.value).join(","),
    socialWorker: long(200),
    dslName: long(100),
    riskAppraisal: long(2000),
    referredToSocialCare: "yes",
    socialCareReferralDate: "2026-11-10",
    socialCareOutcome: long(500),
    policeReference: long(50),
  },
  enquiries: {
    ...rows("enquiries", 10, { type: "first-day-call", date: "2026-11-03", outcome: long(300) }),
    ...rows("homeVisits", 5, {
      date: "2026-11-06",
      timeOfDay: "evening",
      whoSeen: long(200),
      relationship: long(50),
    }),
  },
  referrer: {
    name: long(100),
    role: long(100),
    setting: long(200),
    dfeNumber: "855/2001",
    phone: "0116 496 0000",
    email: `${long(60)}@example.org`,
    parentsTold: "not-safe",
  },
};

/** The same, changed for an early-years referral (a younger child, a setting, its own enquiries). */
const maximalEarlyYearsInputs: Record<StepId, Record<string, string>> = {
  ...maximalInputs,
  whatHappened: { whatHappened: "other", whatHappenedOther: long(500), immediateDanger: "yes" },
  child: { ...maximalInputs.child, dateOfBirth: "2023-01-10", upn: "", yearGroup: "" },
  school: {
    school: long(200),
    ofstedUrn: "EY123456",
    fundedEntitlement: "two-year-old",
    usualAttendance: long(500),
    dateLastAttended: "2026-11-02",
    healthVisitorContacted: "yes",
    expectedSchool: long(300),
  },
  enquiries: {
    ...rows("enquiries", 10, { type: "parent-calls", date: "2026-11-03", outcome: long(300) }),
    ...rows("homeVisits", 5, {
      date: "2026-11-06",
      timeOfDay: "evening",
      whoSeen: long(200),
      relationship: long(50),
    }),
  },
  referrer: { ...maximalInputs.referrer, dfeNumber: "" },
};

/** A draft with every field at its longest, built through the wizard itself. */
function maximalDraft(kind: ReferralKind): Draft {
  const inputs = kind === "early-years" ? maximalEarlyYearsInputs : maximalInputs;
  let draft = startDraft({ id: "29:dsl", name: long(100) }, kind, now);
  for (const step of stepOrder) {
    for (const spec of forms[kind].groups[step])
      draft = { ...draft, groupSizes: { ...draft.groupSizes, [spec.name]: spec.max } };
    const result = answerStep(draft, step, inputs[step], "2026-11-28", now);
    if (!result.ok) throw new Error(`${step}: ${JSON.stringify(result.errors)}`);
    draft = result.draft;
  }
  return draft;
}

function cardsOfKind(kind: ReferralKind): [string, object][] {
  const draft = maximalDraft(kind);
  const errors = {
    whatHappened: long(200),
    forenames: long(200),
    school: long(200),
    "parents.0.name": long(200),
  };
  return [
    ...stepOrder.map((step): [string, object] => [
      forms[kind].cards[step],
      stepView({ ...draft, typed: { [step]: fromAnswers(forms[kind], step, draft.answers[step]) } }, step, {
        emergencyContacts: long(300),
        errors,
        notice: long(200),
      }),
    ]),
    ["referral-review", reviewView(draft, "2026-11-28", { notice: long(200), reasonError: long(200) })],
    [
      "referral-review",
      reviewView(
        { ...draft, answers: { ...draft.answers, enquiries: { enquiries: [], homeVisits: [] } } },
        "2026-11-28",
      ),
    ],
  ];
}

/** Text as people type it: accents, curly quotes, dashes and line breaks (several bytes a character). */
const words = (n: number) => "Zoë’s “café” — naïve façade\n".repeat(Math.ceil(n / 27)).slice(0, n);

/** A case worked for years: hundreds of changes, every list long, every text as long as allowed. */
function maximalCase(kind: ReferralKind): Case {
  const draft = maximalDraft(kind);
  const submitted = caseFromDraft(draft, "CME-2026-00042", now);
  const by = { id: "29:o", name: words(100) };
  const at = now.toISOString();
  const referral = submitted.referral;
  return {
    ...submitted,
    status: "in_progress",
    owner: by,
    dfeReason: "unsuitable-home-education",
    cmeStartDate: "2026-11-03",
    furtherReferrals: Array.from({ length: 10 }, () => ({
      draftId: words(80),
      at,
      referrer: by,
      kind,
      referral,
      enquiriesIncomplete: { missing: ["Home visit"], reason: words(1000) },
    })),
    enquiryLog: Array.from({ length: 300 }, () => ({
      at,
      by,
      type: "council-tax" as const,
      date: "2026-11-03",
      contacted: words(200),
      outcome: words(1000),
    })),
    referralsOn: Array.from({ length: 50 }, () => ({
      at,
      by,
      service: "police" as const,
      date: "2026-11-03",
      reference: words(100),
      outcome: words(1000),
    })),
    infoRequests: Array.from({ length: 30 }, (_, i) => ({
      id: String(i),
      askedAt: at,
      askedBy: by,
      question: words(1000),
      answer: words(2000),
      answeredAt: at,
    })),
    pendingClosure: { outcome: "moved-abroad", detail: words(1000), by, at },
    events: [
      ...submitted.events,
      ...Array.from({ length: 600 }, () => ({ at, by, type: "note" as const, reason: words(2000) })),
    ],
  };
}

function caseCards(kind: ReferralKind): [string, object][] {
  const worked = maximalCase(kind);
  const manager = { id: "29:m", name: words(100), roles: new Set(["officer", "manager"] as const) };
  // Teams ids are about 85 characters; names as long as Entra allows.
  const officers = Array.from({ length: 60 }, (_, i) => ({
    id: `29:${long(80)}${i}`,
    aadObjectId: `00000000-0000-0000-0000-${String(i).padStart(12, "0")}`,
    name: words(100),
  }));
  const closed: Case = {
    ...worked,
    status: "closed",
    pendingClosure: undefined,
    closure: { outcome: "on-roll-other-la", detail: words(1000), by: worked.owner!, at: now.toISOString() },
  };
  const asManager = { viewer: { kind: "team" as const, actor: manager, officers }, notice: words(300) };
  const refreshUserIds = officers.map((officer) => officer.id);
  return [
    ["case-channel", caseChannelView(worked, "2026-11-28", { ...asManager, refreshUserIds })],
    ["case-channel", caseChannelView(closed, "2026-11-28", { ...asManager, refreshUserIds })],
    ["case-channel", caseChannelView(worked, "2026-11-28", { refreshUserIds })],
    ["case-history", caseHistoryView(worked, 3)],
    ["case-history", caseHistoryView(worked, 0)],
    ["case-details", caseDetailsView(worked)],
    ["case-status-notice", statusNoticeView(closed)],
    ["case-info-request", infoRequestView(worked, worked.infoRequests[0]!)],
    ["case-info-request", infoRequestView(worked, { ...worked.infoRequests[0]!, answer: undefined })],
  ];
}

function everyCard(): [string, object][] {
  const draft = maximalDraft("school-age");
  const submitted = caseFromDraft(draft, "CME-2026-00042", now);
  const assigned = { ...submitted, owner: { id: "29:o", name: long(100) } };
  return [
    ...referralKinds.flatMap(caseCards),
    ...referralKinds.flatMap(cardsOfKind),
    ["referral-saved", { emergencyContacts: long(300) }],
    ["referral-choose-kind", { notice: long(200), emergencyContacts: long(300) }],
    [
      "referral-cancel",
      {
        drafts: referralKinds.map((kind) => ({
          draftId: long(80),
          version: 12,
          title: forms[kind].title,
          child: long(201),
        })),
      },
    ],
    ["referral-discarded", { title: forms["early-years"].title }],
    [
      "referral-possible-duplicate",
      {
        draftId: long(80),
        version: 12,
        reasonIncomplete: long(1000),
        matches: Array.from({ length: 5 }, (_, i) => ({
          reference: `CME-2026-0000${i}`,
          since: "3 Nov 2026",
          status: "In progress",
        })),
      },
    ],
    ["referral-added", { reference: "CME-2026-00042", emergencyContacts: long(300) }],
    ["referral-sending", { title: long(100), text: long(400), urgent: true, emergencyContacts: long(300) }],
    [
      "referrals-mine",
      myReferralsView(
        Array.from({ length: 20 }, (_, i) => ({
          id: `CME-2026-${String(i).padStart(5, "0")}`,
          kind: "school-age" as const,
          status: "info_requested" as const,
          submittedAt: "2026-11-03T10:00:00Z",
          forenames: long(100),
          surname: long(100),
        })),
      ),
    ],
    ["referrals-mine", myReferralsView([])],
    ["referral-reminder", { title: forms["school-age"].title, expiresOn: "28 Dec 2026" }],
    ["referral-expired", { title: forms["early-years"].title, days: 30 }],
    [
      "case-channel",
      caseChannelView(caseFromDraft(maximalDraft("early-years"), "CME-2026-00043", now), "2026-11-28"),
    ],
    [
      "referral-submitted",
      submittedView("CME-2026-00042", submitted.referral, submitted.submittedAt, long(300)),
    ],
    ["case-channel", caseChannelView(assigned, "2026-11-28")],
    ["case-channel", caseChannelView(submitted, "2026-11-28")],
    [
      "escalation-urgent",
      {
        reference: "CME-2026-00042",
        since: "28 Nov 2026, 10:00",
        mentionText: "<at>A</at>",
        mentionEntities: [{ type: "mention", text: "<at>A</at>", mentioned: { id: "29:a", name: "A" } }],
      },
    ],
    [
      "escalation",
      {
        reference: "CME-2026-00042",
        since: "28 Nov 2026, 10:00",
        title: long(100),
        expects: long(400),
        level: 2,
        dueSince: "28 Nov 2026, 10:00",
        notify: "managers",
        owner: long(100),
        status: "In progress",
        mentionText: "<at>A</at>, <at>B</at>",
        mentionEntities: ["A", "B"].map((name) => ({
          type: "mention",
          text: `<at>${name}</at>`,
          mentioned: { id: `29:${name}`, name },
        })),
      },
    ],
    [
      "digest",
      {
        date: "2026-11-24",
        since: "23 Nov 2026, 08:30",
        newCount: "40",
        closedCount: "12",
        escalatedCount: "30",
        overdueCount: "500",
        unassignedCount: "50",
        openCount: "500",
        overdue: Array.from({ length: 20 }, (_, i) => ({ reference: `CME-2026-0000${i}`, owner: long(100) })),
      },
    ],
    ["help", { commands: commandList, emergencyContacts: long(300) }],
    [
      "status",
      statusView(
        { byStatus: Object.fromEntries(caseStatuses.map((s) => [s, 99999])) as never, unassigned: 5 },
        3,
        now,
      ),
    ],
  ];
}

describe("card templates", () => {
  const cards = everyCard();

  it("covers every template in cards/", () => {
    const templates = readdirSync(new URL("../../cards/", import.meta.url)).map((f) =>
      f.replace(/\.json$/, ""),
    );
    expect(new Set(cards.map(([name]) => name))).to.deep.equal(new Set(templates));
  });

  for (const [name, view] of cards) {
    it(`${name} renders with maximal data under 28 KB, fully resolved, valid Adaptive Card 1.5`, () => {
      const card = renderCard(name, view);
      const json = JSON.stringify(card);
      if (process.env.CARD_SIZES) console.log(name, Buffer.byteLength(json));
      expect(Buffer.byteLength(json)).to.be.below(maxCardBytes);
      expect(json).not.to.match(/\$\{/);
      expect(card).to.include({ type: "AdaptiveCard", version: "1.5" });
      expect(card.msteams).to.include({ width: "Full" });
      const adaptiveCard = new AdaptiveCards.AdaptiveCard();
      const context = new AdaptiveCards.SerializationContext();
      adaptiveCard.parse(card, context);
      const parseEvents = Array.from({ length: context.eventCount }, (_, i) => context.getEventAt(i).message);
      expect(parseEvents).to.deep.equal([]);
      expect(adaptiveCard.validateProperties().validationEvents.map((e) => e.message)).to.deep.equal([]);
      const actions = (card.actions ?? []) as { type: string }[];
      for (const action of actions) expect(action.type).to.equal("Action.Execute");
    });
  }

  it("refuses to render a card whose view model lacks a value", () => {
    expect(() => renderCard("referral-submitted", { reference: "CME-2026-00001" })).to.throw(/unresolved/);
  });
});

describe("the channel case card", () => {
  it("never shows the child's address, postcode, date of birth, a phone number or where the child is now", () => {
    for (const kind of referralKinds) {
      const worked = maximalCase(kind);
      const closed: Case = {
        ...worked,
        status: "closed",
        pendingClosure: undefined,
        closure: {
          outcome: "moved-abroad",
          detail: "Rua Augusta 12, Lisboa; +351 21 000 0000",
          by: worked.owner!,
          at: now.toISOString(),
        },
      };
      const viewer = {
        kind: "team" as const,
        actor: { ...worked.owner!, roles: new Set(["officer"] as const) },
        officers: [],
      };
      for (const view of [
        caseChannelView(closed, "2026-11-28"),
        caseChannelView(closed, "2026-11-28", { viewer }),
      ]) {
        const text = JSON.stringify(renderCard("case-channel", view));
        const { child } = closed.referral;
        for (const secret of [child.address, child.postcode, child.dateOfBirth, "Rua Augusta", "+351"]) {
          expect(text, kind).not.to.include(secret);
        }
        expect(text).to.include("Moved abroad, confirmed");
      }
    }
  });
});

describe("a step card with every answer wrong", () => {
  for (const kind of ["school-age", "early-years"] as const) {
    const draft = maximalDraft(kind);
    const form = forms[kind];
    for (const step of stepOrder) {
      it(`${kind} ${step}: marks as many as fit under 28 KB, in card order, and says when there are more`, () => {
        const values = fromAnswers(form, step, draft.answers[step]);
        // Every input wrong at once, with messages as long as the longest the schemas give.
        const errors = Object.fromEntries(
          [...form.fields[step], ...Object.keys(values)].map((key) => [key, `${key}: ${long(90)}`]),
        );
        const card = stepCard(draft, step, { emergencyContacts: long(300), errors, values });
        const json = JSON.stringify(card);
        expect(Buffer.byteLength(json)).to.be.below(maxCardBytes);
        const marked = Object.keys(errors).filter((key) => json.includes(`${key}: ${long(90)}`));
        expect(marked.length).to.be.greaterThan(0);
        expect(marked).to.deep.equal(Object.keys(errors).slice(0, marked.length));
        if (marked.length < Object.keys(errors).length)
          expect(json).to.include("Some further down need checking");
      });
    }
  }
});
