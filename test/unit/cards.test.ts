import { expect } from "chai";
import { createRequire } from "node:module";
import { readdirSync, readFileSync } from "node:fs";
import { caseFromDraft } from "../../bot/referrals/submission.js";
import { alertWithoutDetails, dangerAlertView, withDangerAlert } from "../../bot/referrals/danger-alert.js";
import { redirectView, reviewView, stepView, submittedView } from "../../bot/referrals/views.js";
import {
  caseChannelView,
  caseDetailsView,
  caseHistoryView,
  infoRequestView,
  statusNoticeView,
} from "../../bot/cases/views.js";
import { statusView } from "../../bot/reports/status.js";
import { dfeReturn } from "../../bot/reports/dfe-return.js";
import { dfeReturnView } from "../../bot/reports/dfe-return-view.js";
import {
  caseListView,
  caseloadOf,
  caseloadView,
  overdueRowView,
  pageOf,
  type CaseRow,
} from "../../bot/reports/case-lists.js";
import { ruleIds } from "../../bot/escalations/policy.js";
import { myReferralsView } from "../../bot/reports/my-referrals.js";
import { reportListView, reportView } from "../../bot/reports/report-view.js";
import { leaversReport, referralsReport } from "../../bot/reports/reports.js";
import { riskFactorChoices as everyRiskFactor } from "../../bot/referrals/questions.js";
import { commandRoutes as commandList } from "../../bot/teams/routes.js";
import { maxCardBytes, renderCard, type CardJson } from "../../bot/teams/render-card.js";
import { caseDetailsCard, caseHistoryCard, fittingCaseCard } from "../../bot/teams/case-card.js";
import { reviewCard, stepCard } from "../../bot/teams/referral-cards.js";
import { answerStep, formOf, fromAnswers, startDraft } from "../../bot/referrals/wizard.js";
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
import { retentionRemovedView } from "../../bot/cases/retention.js";
import { extractFindingsView, extractViewDetails } from "../../bot/pupils/extract-view.js";
import { referralOnLawfulBasis, sharedChoices } from "../../bot/cases/choices.js";
import { urgentTriggerChoices } from "../../bot/referrals/urgency.js";

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

/** Words as long as a field allows (a person's: plain, or hostile). */
type Filler = (n: number) => string;

/** Card inputs for every step with every field filled, long, and every group at its most rows. */
const maximalInputsOf = (text: Filler): Record<StepId, Record<string, string>> => ({
  whatHappened: {
    stillOnRoll: "no",
    whereaboutsKnown: "yes",
    familyInContact: "yes",
    whatHappened: "other",
    whatHappenedOther: text(500),
    immediateDanger: "yes",
  },
  child: {
    forenames: text(100),
    surname: text(100),
    knownAs: text(100),
    dateOfBirth: "2015-03-14",
    sex: "female",
    upn: "H801200001001",
    yearGroup: "Year 5",
    ethnicity: text(100),
    firstLanguage: text(100),
    interpreterNeeded: "yes",
    nationality: text(100),
    addressStatus: "known",
    address: text(300),
    postcode: "LE18 4AB",
    ...rows("previousAddresses", 5, { address: text(300) }),
  },
  family: {
    ...rows("parents", 4, {
      name: text(100),
      relationship: text(50),
      parentalResponsibility: "yes",
      phone: "07700 900123",
      email: `${long(60)}@example.org`,
    }),
    familyAddress: text(300),
    ...rows("emergencyContacts", 4, { name: text(100), relationship: text(50), phone: "0116 496 0000" }),
    ...rows("siblings", 8, {
      name: text(100),
      dateOfBirth: "2012-01-01",
      schoolOrSetting: text(200),
      attending: "no",
    }),
  },
  school: {
    school: text(200),
    dateAdmitted: "2020-09-01",
    dateLastAttended: "2026-11-02",
    dateLastSeen: "2026-11-03",
    attendancePattern: text(1000),
    destinationLa: text(100),
    destinationCountry: "PL",
    destinationSchool: text(200),
    possibleDestination: text(300),
    onRoll: "deleted",
    deletionDate: "2026-11-20",
    deletionGround: "i",
    ctf: "XXXXXXX",
  },
  vulnerability: {
    riskFactors: riskFactorChoices.map((c) => c.value).join(","),
    flags: vulnerabilityFlagChoices.map((c) => c.value).join(","),
    socialWorker: text(200),
    dslName: text(100),
    riskAppraisal: text(2000),
    referredToSocialCare: "yes",
    socialCareReferralDate: "2026-11-10",
    socialCareOutcome: text(500),
    policeReference: text(50),
  },
  enquiries: {
    ...rows("enquiries", 10, { type: "first-day-call", date: "2026-11-03", outcome: text(300) }),
    ...rows("homeVisits", 5, {
      date: "2026-11-06",
      timeOfDay: "evening",
      whoSeen: text(200),
      relationship: text(50),
    }),
  },
  referrer: {
    name: text(100),
    role: text(100),
    setting: text(200),
    dfeNumber: "855/2001",
    phone: "0116 496 0000",
    email: `${long(60)}@example.org`,
    parentsTold: "not-safe",
  },
});

/** The same, changed for an early-years referral (a younger child, a setting, its own enquiries). */
const maximalEarlyYearsInputsOf = (text: Filler): Record<StepId, Record<string, string>> => ({
  ...maximalInputsOf(text),
  whatHappened: {
    stillOnRoll: "no",
    whereaboutsKnown: "yes",
    familyInContact: "yes",
    whatHappened: "other",
    whatHappenedOther: text(500),
    immediateDanger: "yes",
  },
  child: { ...maximalInputsOf(text).child, dateOfBirth: "2023-01-10", upn: "", yearGroup: "" },
  school: {
    school: text(200),
    ofstedUrn: "EY123456",
    fundedEntitlement: "two-year-old",
    usualAttendance: text(500),
    dateLastAttended: "2026-11-02",
    healthVisitorContacted: "yes",
    expectedSchool: text(300),
  },
  enquiries: {
    ...rows("enquiries", 10, { type: "parent-calls", date: "2026-11-03", outcome: text(300) }),
    ...rows("homeVisits", 5, {
      date: "2026-11-06",
      timeOfDay: "evening",
      whoSeen: text(200),
      relationship: text(50),
    }),
  },
  referrer: { ...maximalInputsOf(text).referrer, dfeNumber: "" },
});

/** A draft with every field at its longest, built through the wizard itself. */
function maximalDraft(kind: ReferralKind, text: Filler = long): Draft {
  const inputs = (kind === "early-years" ? maximalEarlyYearsInputsOf : maximalInputsOf)(text);
  let draft = startDraft({ id: "29:dsl", name: text(100) }, kind, now);
  for (const step of stepOrder) {
    for (const spec of forms[kind].groups[step])
      draft = { ...draft, groupSizes: { ...draft.groupSizes, [spec.name]: spec.max } };
    const result = answerStep(draft, step, inputs[step], "2026-11-28", now);
    if (!result.ok) throw new Error(`${step}: ${JSON.stringify(result.errors)}`);
    draft = result.draft;
  }
  return draft;
}

function cardsOfKind(kind: ReferralKind, text: Filler = long): [string, object][] {
  const draft = maximalDraft(kind, text);
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
function maximalCase(kind: ReferralKind, text: Filler = words): Case {
  const draft = maximalDraft(kind, text === words ? long : text);
  const submitted = caseFromDraft(draft, "CME-2026-00042", now);
  const by = { id: "29:o", name: text(100) };
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
      enquiriesIncomplete: { missing: ["Home visit"], reason: text(1000) },
    })),
    enquiryLog: [
      ...Array.from({ length: 299 }, () => ({
        at,
        by,
        type: "council-tax" as const,
        date: "2026-11-03",
        contacted: text(200),
        outcome: text(1000),
      })),
      {
        at,
        by,
        type: "s2s-lost-pupil" as const,
        date: "2026-11-03",
        contacted: text(200),
        outcome: text(1000),
        s2sResult: "found-at-school" as const,
        foundSchool: text(200),
        foundLa: text(100),
      },
    ],
    referralsOn: Array.from({ length: 50 }, () => ({
      at,
      by,
      service: "police" as const,
      date: "2026-11-03",
      reference: text(100),
      outcome: text(1000),
      shared: sharedChoices.map((each) => each.value),
      why: text(1000),
      lawfulBasis: referralOnLawfulBasis.value,
    })),
    infoRequests: Array.from({ length: 30 }, (_, i) => ({
      id: String(i),
      askedAt: at,
      askedBy: by,
      question: text(1000),
      answer: text(2000),
      answeredAt: at,
    })),
    pendingClosure: { outcome: "moved-abroad", detail: text(1000), by, at },
    jointEnquiriesDecision: { decision: "keep-open", reason: text(500), by, at },
    urgent: true,
    urgentTriggers: urgentTriggerChoices.map((each) => each.value),
    dangerAlert: { key: `danger-alert|${words(80)}|${at}`, at },
    events: [
      ...submitted.events,
      ...Array.from({ length: 600 }, () => ({ at, by, type: "note" as const, reason: text(2000) })),
      { at, by, type: "priority-changed" as const, from: "Routine", to: "Urgent", reason: text(500) },
    ],
  };
}

function caseCards(kind: ReferralKind, text: Filler = words): [string, object][] {
  const worked = maximalCase(kind, text);
  const manager = { id: "29:m", name: text(100), roles: new Set(["officer", "manager"] as const) };
  // Teams ids are about 85 characters; names as long as Entra allows.
  const officers = Array.from({ length: 60 }, (_, i) => ({
    id: `29:${long(80)}${i}`,
    aadObjectId: `00000000-0000-0000-0000-${String(i).padStart(12, "0")}`,
    name: text(100),
  }));
  const closed: Case = {
    ...worked,
    status: "closed",
    pendingClosure: undefined,
    closure: { outcome: "on-roll-other-la", detail: text(1000), by: worked.owner!, at: now.toISOString() },
  };
  const asManager = { viewer: { kind: "team" as const, actor: manager, officers }, notice: text(300) };
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

/** What delivery adds to a card that @mentions the managers. */
const managersMentioned = {
  mentionText: "<at>A</at>",
  mentionEntities: [{ type: "mention", text: "<at>A</at>", mentioned: { id: "29:a", name: "A" } }],
};

/** What delivery adds to a card that @mentions two people. */
const twoMentioned = {
  mentionText: "<at>A</at>, <at>B</at>",
  mentionEntities: ["A", "B"].map((name) => ({
    type: "mention",
    text: `<at>${name}</at>`,
    mentioned: { id: `29:${name}`, name },
  })),
};

/** The sign-off card, waiting or decided, with the longest words it can get. */
function closureSignOffView(text: Filler, decided: boolean, decision: string) {
  return {
    reference: "CME-2026-00042",
    since: "28 Nov 2026, 10:00",
    outcome: long(100),
    requestedBy: text(100),
    requestedAt: "28 Nov 2026, 10:00",
    owner: text(100),
    status: decided ? "Closed" : "In progress",
    decided,
    decision,
    ...twoMentioned,
  };
}

/** The contacts configuration can hold, at their longest plausible. */
const longContacts = {
  emergencyContacts: long(300),
  cmeContact: { name: long(100), phone: "+44 116 496 0999 ext. 12345", email: `${long(60)}@example.org` },
};

/** Every template with the longest data it can get; `hostile` fills what people type, if given. */
/** An import's card at its fullest: every list's page full, long names, schools and problems. */
function maximalExtractView(text: Filler) {
  const pupil = {
    upn: "A801200000001",
    legalForename: text(100),
    legalSurname: text(100),
    dateOfBirth: "2015-02-03",
    currentEstablishment: text(200),
    onRoll: false,
    dateLeft: "2026-09-01",
    destination: { kind: "school" as const, name: text(200) },
  };
  const findings = Array.from({ length: 40 }, (_, i) => ({
    row: 100_000 + i,
    pupil,
    lists: ["compulsory-no-place", "rising-fives", "leavers-no-forwarding-school"] as const,
  }));
  const problems = Array.from({ length: 1000 }, (_, i) => ({
    row: 100_000 + i,
    column: text(100),
    why: text(200),
  }));
  return extractFindingsView(
    {
      by: "29:o",
      fileName: text(260),
      importedAt: "2026-11-28T10:00:00.000Z",
      findings: {
        importDate: "2026-11-28",
        rows: { read: 200_000, good: 199_000, bad: 1000 },
        counts: { "compulsory-no-place": 40, "rising-fives": 40, "leavers-no-forwarding-school": 40 },
        findings,
        problems,
        problemsLeftOut: 5000,
      },
      openCases: new Map(findings.filter((_, i) => i % 2 === 0).map(({ row }) => [row, "CME-2026-00042"])),
    },
    "0f0e0d0c-0000-4000-8000-000000000000",
    { "compulsory-no-place": 1, "rising-fives": 0, "leavers-no-forwarding-school": 3 },
    extractViewDetails.at(-1),
  );
}

function everyCard(hostile?: Filler): [string, object][] {
  const text = hostile ?? long;
  const draft = maximalDraft("school-age", text);
  const submitted = caseFromDraft(draft, "CME-2026-00042", now);
  const assigned = { ...submitted, owner: { id: "29:o", name: text(100) } };
  return [
    ...referralKinds.flatMap((kind) => caseCards(kind, hostile ?? words)),
    ...referralKinds.flatMap((kind) => cardsOfKind(kind, text)),
    ["referral-saved", { notice: long(300), emergencyContacts: long(300) }],
    ["referral-choose-kind", { notice: long(200), emergencyContacts: long(300) }],
    [
      "referral-cancel",
      {
        drafts: referralKinds.map((kind) => ({
          draftId: long(80),
          version: 12,
          title: forms[kind].title,
          child: text(201),
        })),
      },
    ],
    ["referral-discarded", { title: forms["early-years"].title }],
    ["pupil-extract-findings", maximalExtractView(text)],
    [
      "pupil-extract-open-all",
      {
        title: "Open 200,000 cases?",
        text: long(400),
        perList: ["Compulsory school age, no school place", "Rising fives", "Left"].map((title) => ({
          title,
          value: "200,000",
        })),
        note: long(200),
        confirmTitle: "Open 200,000 cases",
        data: {
          importId: "0f0e0d0c-0000-4000-8000-000000000000",
          pages: {
            "compulsory-no-place": 99_999,
            "rising-fives": 99_999,
            "leavers-no-forwarding-school": 99_999,
          },
        },
      },
    ],
    [
      "referral-possible-duplicate",
      {
        draftId: long(80),
        version: 12,
        reasonIncomplete: text(1000),
        matches: Array.from({ length: 5 }, (_, i) => ({
          reference: `CME-2026-0000${i}`,
          since: "3 Nov 2026",
          status: "In progress",
        })),
      },
    ],
    ["referral-added", { reference: "CME-2026-00042", ...longContacts }],
    ["referral-sending", { title: long(100), text: long(400), urgent: true, emergencyContacts: long(300) }],
    [
      "referrals-mine",
      myReferralsView(
        Array.from({ length: 20 }, (_, i) => ({
          id: `CME-2026-${String(i).padStart(5, "0")}`,
          kind: "school-age" as const,
          status: "info_requested" as const,
          submittedAt: "2026-11-03T10:00:00Z",
          forenames: text(100),
          surname: text(100),
        })),
      ),
    ],
    ["referrals-mine", myReferralsView([])],
    ["referral-reminder", { title: forms["school-age"].title, expiresOn: "28 Dec 2026" }],
    ["referral-expired", { title: forms["early-years"].title, days: 30 }],
    [
      "case-channel",
      caseChannelView(caseFromDraft(maximalDraft("early-years", text), "CME-2026-00043", now), "2026-11-28"),
    ],
    [
      "referral-submitted",
      submittedView("CME-2026-00042", submitted.referral, submitted.submittedAt, longContacts),
    ],
    ["case-channel", caseChannelView(assigned, "2026-11-28")],
    ["case-channel", caseChannelView(submitted, "2026-11-28")],
    [
      "danger-alert",
      {
        ...managersMentioned,
        cardId: "channel-card|danger-alert|k", // delivery adds it, with the mentions
        ...dangerAlertView(
          {
            ...withDangerAlert({ ...draft, typed: { whatHappened: { immediateDanger: "yes" } } }, now),
            answers: draft.answers,
          },
          { kind: "expired", at: now },
        ),
      },
    ],
    [
      "danger-alert",
      {
        ...managersMentioned,
        cardId: "channel-card|danger-alert|k", // delivery adds it, with the mentions
        ...alertWithoutDetails(
          dangerAlertView(withDangerAlert(draft, now), { kind: "cancelled", at: now }),
          now,
        ),
      },
    ],
    ["retention-removed", retentionRemovedView("Urgent referral", "CME-2026-00042", now)],
    [
      "danger-alert",
      {
        ...managersMentioned,
        cardId: "channel-card|danger-alert|k", // delivery adds it, with the mentions
        ...dangerAlertView({
          ...withDangerAlert(draft, now),
          dangerAlert: { key: "k", at: now.toISOString() },
          submittedAt: now.toISOString(),
          reference: "CME-2026-00042",
        }),
      },
    ],
    [
      "case-channel",
      caseChannelView(
        {
          ...submitted,
          urgent: true,
          dangerAlert: { key: "k", at: now.toISOString() },
          events: [
            ...submitted.events,
            {
              at: now.toISOString(),
              by: { id: "29:o", name: text(100) },
              type: "priority-changed",
              from: "Routine",
              to: "Urgent",
              reason: text(500),
            },
          ],
        },
        "2026-11-28",
      ),
    ],
    [
      "escalation-urgent",
      {
        reference: "CME-2026-00042",
        since: "28 Nov 2026, 10:00",
        rule: `Raised to urgent by ${text(100)}`,
        why: `Immediate danger; looked after; raised by ${text(100)}: ${text(500)}`,
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
        owner: text(100),
        status: "In progress",
        ...twoMentioned,
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
        overdue: Array.from({ length: 20 }, (_, i) => ({ reference: `CME-2026-0000${i}`, owner: text(100) })),
        signOffCount: "40",
        awaitingSignOff: Array.from({ length: 20 }, (_, i) => ({
          reference: `CME-2026-0010${i}`,
          asked: `Moved abroad, confirmed: asked by ${text(100)}, 23 Nov 2026, 10:00`,
        })),
      },
    ],
    ["closure-sign-off", closureSignOffView(text, false, "")],
    [
      "closure-sign-off",
      closureSignOffView(
        text,
        true,
        `Sent back by ${text(100)} on 28 Nov 2026, 10:00: ${text(200)}. The case stays open.`,
      ),
    ],
    [
      "help",
      {
        commands: commandList.map(({ name, description, scopes }) => ({ name, description, scopes })),
        ...longContacts,
      },
    ],
    ...(["attendance", "home-education"] as const).map((redirect): [string, object] => [
      "referral-redirect",
      redirectView(redirect, draft, long(300), true, longContacts),
    ]),
    ["report", reportListView(now)],
    // A year of referrals: every week, every risk factor, schools with the longest names.
    [
      "report",
      reportView(
        referralsReport(
          { from: "2025-09-01", to: "2026-08-31" },
          Array.from({ length: 2000 }, (_, i) => ({
            reference: `CME-2026-${String(i).padStart(5, "0")}`,
            at: new Date(Date.UTC(2025, 8, 1) + (i % 365) * 86_400_000).toISOString(),
            kind: i % 4 ? ("school-age" as const) : ("early-years" as const),
            source: ["school-or-setting", "agency", "public", "another-council"][i % 4],
            school: `${text(190)} ${i}`,
            riskFactors: everyRiskFactor.map((factor) => factor.value),
            further: i % 7 === 0,
          })),
        ),
        0,
        now,
        true,
      ),
    ],
    // A page of the longest rows a list has: names, and what officers typed about the last enquiry.
    [
      "report",
      reportView(
        leaversReport(
          { from: "2025-09-01", to: "2026-08-31" },
          Array.from({ length: 500 }, (_, i) => ({
            reference: `CME-2026-${String(i).padStart(5, "0")}`,
            forenames: text(100),
            surname: text(100),
            whatHappened: "left-destination-unknown",
            ctf: "XXXXXXX",
            lastEnquiry: { date: "2026-01-01", type: "s2s-lost-pupil", outcome: text(300) },
            timeline: {
              kind: "school-age" as const,
              submittedOn: "2025-09-02",
              statuses: [{ on: "2025-09-02", status: "in_progress" as const }],
              reasons: [],
              dateLastAttended: "2025-08-01",
              everNotCme: false,
              matchKeys: { nameAndBirth: "x" },
            },
          })),
        ),
        3,
        now,
        true,
      ),
    ],
    [
      "dfe-return",
      dfeReturnView(
        dfeReturn(
          Array.from({ length: 40 }, (_, i) => ({
            reference: `CME-2026-${String(i).padStart(5, "0")}`,
            timeline: {
              kind: "school-age" as const,
              submittedOn: "2026-01-05",
              statuses: [{ on: "2026-01-05", status: "new" as const }],
              reasons: [],
              dateLastAttended: "2025-12-01",
              everNotCme: false,
              matchKeys: { nameAndBirth: `child-${i}` },
            },
          })),
          "2026-10-01",
        ),
      ),
    ],
    [
      "dfe-return-due",
      {
        title: "DfE CME return due in a week (census day 1 Oct 2026)",
        census: "2026-10-01",
        censusDayTotal: "99999",
        dataQualityCount: "99999",
        due: "29 Oct 2026",
      },
    ],
    ...managersCards(text),
  ];
}

/** The status card and the lists at their largest: 60 officers with the longest names, 500 open cases, every clock overdue. */
function managersCards(text: Filler): [string, object][] {
  const levels = ruleIds.flatMap((rule) =>
    [1, 2].map((level) => ({ rule, level, at: "2026-10-01T09:00:00Z" })),
  );
  const open: CaseRow[] = Array.from({ length: 500 }, (_, i) => ({
    reference: `CME-2026-${String(i).padStart(5, "0")}`,
    kind: "school-age",
    status: caseStatuses[i % 5]!,
    urgent: i % 3 === 0,
    submittedAt: "2025-01-06T10:00:00Z",
    cmeStartDate: `2026-${String((i % 11) + 1).padStart(2, "0")}-01`,
    owner: i % 61 === 60 ? undefined : { id: `29:${long(80)}${i % 61}`, name: text(100) + String(i % 61) },
    pendingClosure: i % 7 === 0,
    child: `${text(100)} ${text(100)}`,
    clockLevels: levels,
  }));
  const titleOf = () => long(100);
  const page = <T>(items: T[]) => pageOf(items, 3);
  return [
    [
      "status",
      statusView({
        open,
        closedCount: 99999,
        escalatedCount: 500,
        failedPosts: 3,
        termDates: { source: "", terms: [] },
        now,
        today: "2026-11-28",
      }),
    ],
    [
      "status",
      statusView({
        open: [],
        closedCount: 0,
        escalatedCount: 0,
        failedPosts: 0,
        termDates: { source: "", covers: { from: "2026-09-01", to: "2027-08-31" }, terms: [] },
        now,
        today: "2026-11-28",
      }),
    ],
    [
      "case-list",
      caseListView(
        long(100),
        { list: "find", search: long(100) },
        { ...page(open), items: page(open).items.map((row) => overdueRowView(row, now, titleOf)) },
        "",
      ),
    ],
    ["case-list", caseListView("Overdue", { list: "overdue" }, pageOf([], 0), "Nothing is overdue.")],
    ["caseload", caseloadView(caseloadOf(open, now), 2)],
  ];
}

/** Every Chart.* element in a card. */
function chartsIn(node: unknown, found: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(node)) node.forEach((item) => chartsIn(item, found));
  else if (node && typeof node === "object") {
    const record = node as Record<string, unknown>;
    if (typeof record.type === "string" && record.type.startsWith("Chart.")) found.push(record);
    Object.values(record).forEach((value) => chartsIn(value, found));
  }
  return found;
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
      // The case card grows with every feature: it keeps a kilobyte in hand with typical text.
      expect(Buffer.byteLength(json)).to.be.below(
        name === "case-channel" ? maxCardBytes - 1024 : maxCardBytes,
      );
      expect(json).not.to.match(/\$\{/);
      expect(card).to.include({ type: "AdaptiveCard", version: "1.5" });
      expect(card.msteams).to.include({ width: "Full" });
      const adaptiveCard = new AdaptiveCards.AdaptiveCard();
      const context = new AdaptiveCards.SerializationContext();
      adaptiveCard.parse(card, context);
      // Teams' chart elements are not in this parser: it shows their fallback, which every chart must have.
      const parseEvents = Array.from(
        { length: context.eventCount },
        (_, i) => context.getEventAt(i).message,
      ).filter(
        (message) =>
          !/^Unknown element type "Chart\.(VerticalBar|Donut)"\. Fallback will be used/.test(message),
      );
      expect(parseEvents).to.deep.equal([]);
      for (const chart of chartsIn(card)) expect(chart, String(chart.type)).to.have.property("fallback");
      expect(adaptiveCard.validateProperties().validationEvents.map((e) => e.message)).to.deep.equal([]);
      const actions = (card.actions ?? []) as { type: string }[];
      for (const action of actions) expect(action.type).to.equal("Action.Execute");
    });
  }

  it("refuses to render a card whose view model lacks a value", () => {
    expect(() => renderCard("referral-submitted", { reference: "CME-2026-00001" })).to.throw(/unresolved/);
  });
});

/** What people might type to make a card show something other than their words. */
const hostileWords =
  "Mark[link](https://evil.example/p) **bold** _em_ <b>html</b> &amp; ${reference} `code` ~gone~\n# Heading\n- item\n+ item\n1. first\n> quoted\n";
const hostile: Filler = (n) => hostileWords.repeat(Math.ceil(n / hostileWords.length)).slice(0, n);

/** What Teams reads as markdown (every TextBlock's text and every fact), and every input's value. */
function textsOf(card: unknown) {
  const markdown: string[] = [];
  /** Shown as it is: TextRuns (never markdown), input values, what buttons send. */
  const literal: string[] = [];
  const values: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      const record = node as Record<string, unknown>;
      if (record.type === "TextBlock") markdown.push(String(record.text));
      if (record.type === "FactSet")
        for (const fact of record.facts as { title: string; value: string }[])
          markdown.push(fact.title, fact.value);
      if (record.type === "TextRun") literal.push(String(record.text));
      if (typeof record.type === "string" && record.type.startsWith("Input.") && "value" in record)
        values.push(String(record.value));
      if (record.type === "Action.Execute")
        literal.push(...Object.values(record.data as object).filter((each) => typeof each === "string"));
      Object.values(record).forEach(walk);
    }
  };
  walk(card);
  literal.push(...values);
  return { markdown, literal, values };
}

/** Markup a Teams client would act on: a character no backslash escapes, or a line that starts a heading, list or quote. */
function liveMarkup(text: string): string | undefined {
  const withoutMentions = text.replace(/<at>[^<]*<\/at>/g, "");
  return (
    /(?:^|[^\\])(?:\\\\)*([[\]*_`~<>])/.exec(withoutMentions)?.[0] ??
    /^[ \t]*(?:[#+-]|\d+[.)])/m.exec(withoutMentions)?.[0] ??
    /&(?!amp;|lt;|gt;)/.exec(withoutMentions)?.[0]
  );
}

const stepCards = referralKinds.flatMap((kind) => stepOrder.map((step) => forms[kind].cards[step]));

/** Every card with hostile words; those the bot shortens to fit, as it renders them. */
function hostileCards(text: Filler): [string, CardJson, string][] {
  const fitted = new Set(["case-details", "case-history", "referral-review", ...stepCards]);
  const rendered = everyCard(text)
    .filter(([name]) => !fitted.has(name))
    .map(([name, view]): [string, CardJson, string] => [
      name,
      // The case card is made to fit as the bot makes it for a person (a big team's list left off).
      name === "case-channel"
        ? fittingCaseCard((view as { officers: unknown[] }).officers, {}, (officers) => ({
            ...view,
            officers,
          }))
        : renderCard(name, view),
      JSON.stringify(view),
    ]);
  const worked = referralKinds.map((kind) => maximalCase(kind, text));
  const drafts = referralKinds.map((kind) => maximalDraft(kind, text));
  return [
    ...rendered,
    ...drafts.flatMap((draft): [string, CardJson, string][] => [
      ...stepOrder.map((step): [string, CardJson, string] => {
        const typed = { ...draft, typed: { [step]: fromAnswers(formOf(draft), step, draft.answers[step]) } };
        return [
          formOf(draft).cards[step],
          stepCard(typed, step, { emergencyContacts: "999" }),
          JSON.stringify(typed),
        ];
      }),
      ["referral-review", reviewCard(draft, "2026-11-28", {}), JSON.stringify(draft)],
    ]),
    ...worked.flatMap((current): [string, CardJson, string][] => [
      ["case-details", caseDetailsCard(current), JSON.stringify(current)],
      ["case-history", caseHistoryCard(current, 0), JSON.stringify(current)],
      ["case-history", caseHistoryCard(current, 3), JSON.stringify(current)],
    ]),
  ];
}

describe("card templates with hostile words in every field people type", () => {
  // Markup of every kind, and a worst case: characters that each take the most room escaped.
  for (const [words, text] of [
    ["markup", hostile],
    ["'<' only", (n: number) => "<".repeat(n)],
  ] as const) {
    for (const [name, card, view] of hostileCards(text)) {
      it(`${name} (${words}) shows them literally, leaves inputs as typed, under 28 KB`, () => {
        const json = JSON.stringify(card);
        expect(Buffer.byteLength(json)).to.be.below(maxCardBytes);
        const { markdown, literal, values } = textsOf(card);
        for (const shown of markdown) expect(liveMarkup(shown), shown.slice(0, 200)).to.equal(undefined);
        for (const value of values) expect(value).not.to.match(/\\[[<]|&lt;/);
        if (view.includes("evil.example")) {
          const shown =
            markdown.some((each) => each.includes("Mark\\[link\\](https://evil.example/p)")) ||
            literal.some((each) => each.includes("Mark[link](https://evil.example/p)"));
          expect(shown, "the words are on the card, escaped or as they are").to.equal(true);
        }
        if (view.includes("${reference} `")) expect(json).to.include("${reference} ");
      });
    }
  }
});

describe("the channel case card", () => {
  it("has one form per action in its template (Refer on included): one set of input ids, no copies to drift", () => {
    const template = readFileSync(new URL("../../cards/case-channel.json", import.meta.url), "utf8");
    const ids = [...template.matchAll(/"id": "([^"]+)"/g)].map((match) => match[1]);
    expect(ids.filter((id, index) => ids.indexOf(id) !== index)).to.deep.equal([]);
    expect(template.match(/"verb": "case\.referOn"/g)).to.have.length(1);
  });

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
