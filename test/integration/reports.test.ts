import { expect } from "chai";
import { applyCaseAction, type CaseActionName } from "../../bot/cases/actions.js";
import type { Case } from "../../bot/cases/case.js";
import type { Actor } from "../../bot/shared/person.js";
import type { ReferralKind } from "../../bot/referrals/draft.js";
import { stepOrder } from "../../bot/referrals/steps.js";
import { caseFromDraft, withFurtherReferral } from "../../bot/referrals/submission.js";
import { answerStep, startDraft } from "../../bot/referrals/wizard.js";
import {
  actionData,
  cardAction,
  cardIn,
  cardText,
  channelMessage,
  invokeCard,
  people,
  personalConversationId,
  personalMessage,
  startHarness,
  type Harness,
  type Who,
} from "../support/harness.js";
import { goodAnswers, goodEarlyYearsAnswers } from "../support/referral-walk.js";
import { parseCsvLine } from "../support/csv-line.js";

/** Today, for the bot: Monday 15 June 2026, in British Summer Time. */
const now = new Date("2026-06-15T11:00:00Z");
const officer: Actor = { id: people.officer.id, name: people.officer.name, roles: new Set(["officer"]) };

// England's bank holidays over the cases' span, written out here (not read from the bot).
const bankHolidays = new Set([
  "2025-08-25",
  "2025-12-25",
  "2025-12-26",
  "2026-01-01",
  "2026-04-03",
  "2026-04-06",
  "2026-05-04",
  "2026-05-25",
]);
const day = (date: Date) => date.toISOString().slice(0, 10);
const plusDays = (date: string, n: number) => day(new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000));
const isWorking = (date: string) => {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !bankHolidays.has(date);
};
/** Working days after `from` up to and including `to`. */
const workingDays = (from: string, to: string) => {
  let n = 0;
  for (let d = plusDays(from, 1); d <= to; d = plusDays(d, 1)) if (isWorking(d)) n += 1;
  return n;
};
const afterWorkingDays = (from: string, n: number) => {
  let d = from;
  for (let left = n; left > 0;) {
    d = plusDays(d, 1);
    if (isWorking(d)) left -= 1;
  }
  return d;
};

/** A seeded generator (mulberry32): the same cases every run. */
function seeded(seed: number) {
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T };
}

interface Spec {
  readonly kind: ReferralKind;
  /** When the referral arrived (an instant; 10:00 UK time unless a boundary says otherwise). */
  readonly at: Date;
  readonly source?: string;
  readonly school?: string;
  readonly riskFactors?: readonly string[];
  readonly whatHappened?: string;
  readonly dateOfBirth?: string;
  readonly surname?: string;
  readonly ctf?: string;
  /** The school step's possible destination inputs. */
  readonly destination?: Record<string, string>;
  readonly reason?: string;
  readonly enquiry?: { date: string; type: string; outcome: string; s2sResult?: string };
  readonly referralsOn?: readonly { service: string; date: string; outcome?: string }[];
  readonly closed?: { on: string; outcome: string };
  readonly further?: { at: Date; source: string; school: string; kind: ReferralKind };
}

const at10 = (date: string) => new Date(`${date}T10:00:00+01:00`);

/** The referral through the real wizard, then the officer's actions through the real rules, each at its moment. */
function caseOf(spec: Spec, reference: string): Case {
  const base = spec.kind === "early-years" ? goodEarlyYearsAnswers : goodAnswers;
  const today = day(spec.at);
  const before = plusDays(today, -3);
  const answers: Record<string, Record<string, string>> = {
    ...base,
    whatHappened: { ...base.whatHappened, ...(spec.whatHappened ? { whatHappened: spec.whatHappened } : {}) },
    child: {
      ...base.child,
      surname: spec.surname ?? `Child${reference.slice(-3)}`,
      ...(spec.dateOfBirth ? { dateOfBirth: spec.dateOfBirth } : {}),
    },
    school: {
      ...base.school,
      dateLastAttended: plusDays(today, -10),
      ...(spec.school ? { school: spec.school } : {}),
      ...(spec.ctf ? { ctf: spec.ctf } : {}),
      ...spec.destination,
    },
    vulnerability: { ...base.vulnerability, riskFactors: (spec.riskFactors ?? []).join(",") },
    enquiries: Object.fromEntries(
      Object.entries(base.enquiries).map(([key, value]) => [key, key.endsWith("date") ? before : value]),
    ),
    referrer: {
      ...base.referrer,
      source: spec.source ?? "school-or-setting",
    },
  };
  const draftOf = (kind: ReferralKind, when: Date, input: Record<string, Record<string, string>>) => {
    let draft = startDraft({ id: "29:dsl", name: "Dana" }, kind, when, {}, undefined);
    for (const step of stepOrder) {
      const result = answerStep(draft, step, input[step] ?? {}, day(when), when);
      if (!result.ok) throw new Error(`${reference} ${step}: ${JSON.stringify(result.errors)}`);
      draft = result.draft;
    }
    return draft;
  };
  let current: Case = caseFromDraft(draftOf(spec.kind, spec.at, answers), reference, spec.at);
  const act = (name: CaseActionName, input: Record<string, unknown>, when: Date) => {
    const result = applyCaseAction(name, current, officer, input, {
      now: when,
      today: day(when),
      signOffOutcomes: [],
    });
    if (!result.ok) throw new Error(`${reference} ${name}: ${result.reason}`);
    current = result.case;
  };
  const next = new Date(spec.at.getTime() + 3_600_000);
  act("assignToMe", {}, next);
  act("triage", { dfeReason: spec.reason ?? "unknown", cmeStartDate: plusDays(today, -10) }, next);
  if (spec.enquiry)
    act("logEnquiry", { ...spec.enquiry, contacted: "Housing office" }, at10(spec.enquiry.date));
  for (const each of spec.referralsOn ?? [])
    act("referOn", { shared: "referral", why: "Report test", ...each }, at10(each.date));
  if (spec.further) {
    const { at, source, school, kind } = spec.further;
    const further = draftOf(kind, at, {
      ...(kind === "early-years" ? goodEarlyYearsAnswers : goodAnswers),
      school: { ...answers.school!, school },
      referrer: { ...answers.referrer!, source },
      enquiries: answers.enquiries!,
      child: answers.child!,
    });
    current = withFurtherReferral(current, further, at) ?? current;
  }
  if (spec.closed) {
    const detail = ["on-roll-other-la", "moved-abroad", "placed"].includes(spec.closed.outcome)
      ? { detail: "Confirmed by the receiving school" }
      : {};
    act("close", { outcome: spec.closed.outcome, ...detail }, at10(spec.closed.on));
  }
  return current;
}

const schools = ["Example Primary School", "Oak Academy", '=HYPERLINK("evil")', "Little Acorns Nursery"];
const sources = ["school-or-setting", "agency", "public", "another-council"];
const outcomes = ["on-roll-leicestershire", "on-roll-other-la", "returned", "home-education"];
const factors = ["youth-justice", "bullied", "young-carer", "homeless"];

/** Referrals from September 2025 to June 2026, a third closed some working days later. */
function generated(count: number): Spec[] {
  const random = seeded(11);
  return Array.from({ length: count }, (): Spec => {
    const submitted = plusDays("2025-09-01", Math.floor(random.next() * 280));
    const kind: ReferralKind = random.next() < 0.25 ? "early-years" : "school-age";
    const closes = random.next() < 0.4;
    const closedOn = afterWorkingDays(submitted, 1 + Math.floor(random.next() * 90));
    return {
      kind,
      at: at10(submitted),
      source: random.pick(sources),
      school: random.pick(schools),
      riskFactors: factors.filter(() => random.next() < 0.3),
      referralsOn:
        random.next() < 0.4
          ? [
              {
                service: random.pick(["police", "early-help"]),
                date: submitted,
                outcome: random.pick(["Accepted", "No further action"]),
              },
            ]
          : [],
      ...(closes && closedOn < "2026-06-15"
        ? {
            closed: {
              on: closedOn,
              outcome: random.pick(kind === "early-years" ? ["ey-started"] : outcomes),
            },
          }
        : {}),
    };
  });
}

describe("reports", () => {
  let h: Harness;
  /** Previous / Next on a report's card, as the person's Teams sends it. */
  const pageAction = (who: Who, data: Record<string, unknown>) =>
    cardAction(h.teams, who, "personal", "report.page", data);
  beforeEach(async () => {
    h = await startHarness({}, { now: () => now });
  });
  afterEach(async () => {
    await h.close();
  });

  const store = async (specs: readonly Spec[]) => {
    const references: string[] = [];
    for (const [index, spec] of specs.entries()) {
      const reference = `CME-2026-${String(index + 1).padStart(5, "0")}`;
      await h.app.services.cases.create(caseOf(spec, reference));
      references.push(reference);
    }
    return references;
  };
  const replies = (who: Who) => h.teams.replies(personalConversationId(who));
  /** Asks for a report in personal chat: the card, and the file consent card's offer. */
  const ask = async (who: Who, text: string) => {
    const before = replies(who).length;
    await h.send(personalMessage(h.teams, who, text));
    const sent = replies(who).slice(before);
    const consent = sent
      .flatMap(
        (each) =>
          (each.body.attachments ?? []) as {
            contentType: string;
            name: string;
            content: { acceptContext: Record<string, unknown>; sizeInBytes: number };
          }[],
      )
      .find((each) => each.contentType === "application/vnd.microsoft.teams.card.file.consent");
    return { sent, card: sent[0] && sent[0].body.attachments ? cardIn(sent[0]) : undefined, consent };
  };
  /** Accepts the offered file; the CSV uploaded, as rows of cells (a simple reader: our cells hold no line breaks). */
  const accept = async (
    who: Who,
    consent: { name: string; content: { acceptContext: Record<string, unknown> } },
  ) => {
    const uploadsBefore = h.teams.uploads.length;
    const response = await h.send({
      ...personalMessage(h.teams, who, ""),
      type: "invoke",
      name: "fileConsent/invoke",
      value: {
        type: "fileUpload",
        action: "accept",
        context: consent.content.acceptContext,
        uploadInfo: {
          name: consent.name,
          uploadUrl: `${h.teams.url}upload/${consent.name}`,
          contentUrl: `https://contoso.sharepoint.example/${consent.name}`,
          uniqueId: "file-2",
          fileType: "csv",
        },
      },
    });
    expect(response.status).to.equal(200);
    const upload = h.teams.uploads[uploadsBefore];
    if (!upload)
      throw new Error(`nothing uploaded: ${JSON.stringify(replies(who).at(-1)?.body).slice(0, 300)}`);
    expect(upload.body.startsWith("\ufeff")).to.equal(true);
    const lines = upload.body.slice(1).split("\r\n");
    expect(lines.pop()).to.equal("");
    return lines.map(parseCsvLine);
  };

  it("referrals: by kind, source, school, risk factor and week, further referrals counted, UK days at the edges", async () => {
    const period = { from: "2025-09-01", to: "2026-06-12" };
    const specs: Spec[] = [
      ...generated(30),
      // The first moment of the period's first day and the last of its last (BST: 23:30 UK is 22:30 UTC).
      { kind: "school-age", at: new Date("2025-08-31T23:00:00Z"), school: "Oak Academy", source: "public" },
      { kind: "school-age", at: new Date("2026-06-12T22:30:00Z"), school: "Oak Academy", source: "agency" },
      // Just outside: the day before, and the day after (00:30 UK on 13 June is 23:30 UTC on the 12th).
      { kind: "school-age", at: new Date("2025-08-31T22:30:00Z"), school: "Outside School" },
      { kind: "school-age", at: new Date("2026-06-12T23:30:00Z"), school: "Outside School" },
      // A further referral of an open child, recorded for an agency, inside the period.
      {
        kind: "school-age",
        at: at10("2025-10-01"),
        school: "Oak Academy",
        further: {
          at: at10("2025-11-03"),
          source: "agency",
          school: "Little Acorns Nursery",
          kind: "school-age",
        },
      },
    ];
    await store(specs);

    // The expected figures, from the specs.
    const ukDay = (instant: Date) =>
      new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London" }).format(instant);
    const received = specs
      .flatMap((spec) => [
        { ...spec, further: false },
        ...(spec.further ? [{ ...spec.further, riskFactors: [], further: true }] : []),
      ])
      .filter((each) => ukDay(each.at) >= period.from && ukDay(each.at) <= period.to);
    const sourceOf = (each: { kind: ReferralKind; source?: string }) =>
      ({ agency: "Agency", public: "Public", "another-council": "Other LA" })[each.source as "agency"] ??
      (each.kind === "early-years" ? "Early years" : "School");
    const countOf = (values: string[], label: string) => values.filter((value) => value === label).length;

    const { card, consent } = await ask(
      people.manager,
      `report referrals from ${period.from} to ${period.to}`,
    );
    expect(Buffer.byteLength(JSON.stringify(card))).to.be.below(28 * 1024);
    expect(cardText(card)).to.include("Chart.Donut").and.include("Chart.VerticalBar");
    expect(consent?.name).to.equal(`cme-report-referrals-${period.from}-to-${period.to}.csv`);
    const rows = await accept(people.manager, consent!);
    expect(rows[0]).to.deep.equal(["breakdown_topic", "breakdown", "referrals"]);
    const figure = (topic: string, label: string) =>
      Number(rows.find((row) => row[0] === topic && row[1] === label)?.[2] ?? "0");

    expect(figure("Total", "All referrals")).to.equal(received.length);
    expect(figure("Total", "Further referrals (added to an existing case)")).to.equal(1);
    expect(figure("By kind", "Early years")).to.equal(
      received.filter((each) => each.kind === "early-years").length,
    );
    for (const label of ["School", "Early years", "Agency", "Public", "Other LA"])
      expect(figure("By source", label), label).to.equal(countOf(received.map(sourceOf), label));
    for (const school of schools)
      expect(figure("By school or setting", school.startsWith("=") ? `'${school}` : school), school).to.equal(
        countOf(
          received.map((each) => each.school ?? ""),
          school,
        ),
      );
    expect(figure("By school or setting", "Outside School")).to.equal(0);
    for (const [factor, title] of [
      ["youth-justice", "Youth justice supervision"],
      ["bullied", "Bullied"],
    ] as const)
      expect(figure("By risk factor", title)).to.equal(
        received.filter((each) => "riskFactors" in each && each.riskFactors?.includes(factor)).length,
      );
    // Weeks begin on Monday: 1 September 2025 was one.
    const weekOf = (date: string) => {
      const weekday = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
      return plusDays(date, -weekday);
    };
    const weeks = received.map((each) => weekOf(ukDay(each.at)));
    expect(figure("By week (beginning Monday)", "2025-09-01")).to.equal(countOf(weeks, "2025-09-01"));
    expect(figure("By week (beginning Monday)", "2026-06-08")).to.equal(countOf(weeks, "2026-06-08"));
    const weekRows = rows.filter((row) => row[0] === "By week (beginning Monday)");
    expect(weekRows).to.have.length(41);
    expect(weekRows.reduce((sum, row) => sum + Number(row[2]), 0)).to.equal(received.length);
    // What people typed cannot become a formula in a spreadsheet.
    expect(rows.some((row) => row[1] === `'=HYPERLINK("evil")`)).to.equal(true);
    // No case is named: no share is recorded.
    const any = await h.app.services.cases.get("CME-2026-00001");
    expect(any?.events.map((event) => event.type)).not.to.include("shared");
  });

  it("outcomes and time-to-close: working days without bank holidays, median, 90th percentile, the target's edge", async () => {
    const period = { from: "2025-09-01", to: "2026-06-14" };
    const edge = "2026-01-05";
    const specs: Spec[] = [
      ...generated(30),
      // Closed exactly on the target (60 working days), and one day after it.
      { kind: "school-age", at: at10(edge), closed: { on: afterWorkingDays(edge, 60), outcome: "returned" } },
      { kind: "school-age", at: at10(edge), closed: { on: afterWorkingDays(edge, 61), outcome: "returned" } },
    ];
    await store(specs);
    const closed = specs.filter(
      (spec) => spec.closed && spec.closed.on >= period.from && spec.closed.on <= period.to,
    );
    const { consent } = await ask(people.officer, `report time-to-close from ${period.from} to ${period.to}`);
    const rows = await accept(people.officer, consent!);
    expect(rows[0]).to.deep.equal([
      "outcome",
      "closed_cases",
      "median_working_days",
      "p90_working_days",
      "closed_within_target",
      "percent_within_target",
      "target_working_days",
    ]);
    const expectFor = (label: string, chosen: Spec[]) => {
      const days = chosen.map((spec) => workingDays(day(spec.at), spec.closed!.on)).sort((a, b) => a - b);
      const n = days.length;
      const middle = n % 2 ? days[(n - 1) / 2]! : (days[n / 2 - 1]! + days[n / 2]!) / 2;
      const p90 = days[Math.ceil(0.9 * n) - 1]!;
      const within = days.filter((d) => d <= 60).length;
      expect(rows.find((row) => row[0] === label)?.slice(1), label).to.deep.equal(
        [n, Math.round(middle * 10) / 10, p90, within, Math.round((1000 * within) / n) / 10, 60].map(String),
      );
    };
    expectFor("All outcomes", closed);
    expectFor(
      "Returned to the original school",
      closed.filter((spec) => spec.closed?.outcome === "returned"),
    );

    const outcomesAsked = await ask(people.officer, `report outcomes from ${period.from} to ${period.to}`);
    const outcomeRows = await accept(people.officer, outcomesAsked.consent!);
    expect(outcomeRows[0]).to.deep.equal(["outcome", "closed_cases"]);
    expect(outcomeRows.find((row) => row[0] === "All outcomes")?.[1]).to.equal(String(closed.length));
    expect(outcomeRows.find((row) => row[0] === "Early years: started at a setting or school")?.[1]).to.equal(
      String(closed.filter((spec) => spec.closed?.outcome === "ey-started").length),
    );
  });

  it("outcomes and time-to-close count each case's closures in the period by their closed events: reopened since, closed twice, signed off later, older events", async () => {
    const manager: Actor = { id: people.manager.id, name: people.manager.name, roles: new Set(["manager"]) };
    const signOffOutcomes = ["moved-abroad" as const];
    /** The case after more of the real rules, each at 10:00 UK time on its day. */
    const then = (current: Case, steps: [CaseActionName, Record<string, unknown>, string, Actor?][]) =>
      steps.reduce((each, [name, input, on, by]) => {
        const result = applyCaseAction(name, each, by ?? officer, input, {
          now: at10(on),
          today: on,
          signOffOutcomes,
        });
        if (!result.ok) throw new Error(`${each.id} ${name}: ${result.reason}`);
        return result.case;
      }, current);
    const reopen = (on: string): [CaseActionName, Record<string, unknown>, string] => [
      "reopen",
      { reason: "The school says the child never arrived" },
      on,
    ];
    const close = (outcome: string, on: string): [CaseActionName, Record<string, unknown>, string] => [
      "close",
      { outcome, ...(outcome === "moved-abroad" ? { detail: "Confirmed by the school in Poland" } : {}) },
      on,
    ];
    const referred = "2025-12-01";
    const fresh = (n: number) => caseOf({ kind: "school-age", at: at10(referred) }, `CME-2026-0000${n}`);
    // An event from before outcomes were kept as values names the outcome only in its words.
    const older = then(fresh(4), [close("custody", "2026-01-14")]);
    const cases = [
      // Closed in January, reopened in February: still closed in January.
      then(fresh(1), [close("returned", "2026-01-12"), reopen("2026-02-02")]),
      // Closed twice in January: counted once, by the later closure.
      then(fresh(2), [
        close("home-education", "2026-01-05"),
        reopen("2026-01-07"),
        close("returned", "2026-01-20"),
      ]),
      // Asked to close in January, signed off by a manager in February: closed in February.
      then(fresh(3), [close("moved-abroad", "2026-01-29"), ["signOffClosure", {}, "2026-02-03", manager]]),
      {
        ...older,
        events: older.events.map((event) =>
          event.type === "closed"
            ? (Object.fromEntries(Object.entries(event).filter(([key]) => key !== "outcome")) as typeof event)
            : event,
        ),
      },
      // Closed in December and reopened in January: not closed in January.
      then(fresh(5), [close("returned", "2025-12-30"), reopen("2026-01-02")]),
    ];
    for (const each of cases) await h.app.services.cases.create(each);

    const outcomesIn = async (from: string, to: string) => {
      const { consent } = await ask(people.officer, `report outcomes from ${from} to ${to}`);
      const rows = await accept(people.officer, consent!);
      return Object.fromEntries(
        rows
          .slice(1)
          .filter((row) => row[1] !== "0")
          .map((row): [string, string] => [row[0] ?? "", row[1] ?? ""]),
      );
    };
    expect(await outcomesIn("2026-01-01", "2026-01-31")).to.deep.equal({
      "Returned to the original school": "2",
      "In custody": "1",
      "All outcomes": "3",
    });
    expect(await outcomesIn("2026-02-01", "2026-02-28")).to.deep.equal({
      "Moved abroad, confirmed (address, school and confirmation)": "1",
      "All outcomes": "1",
    });
    // Working days from referral to the closure counted: the later one, the sign-off.
    const { consent } = await ask(people.officer, "report time-to-close from 2026-01-01 to 2026-02-28");
    const rows = await accept(people.officer, consent!);
    const line = (label: string) => rows.find((row) => row[0] === label)?.slice(1, 4);
    const days = (on: string) => String(workingDays(referred, on));
    // Two values: the median is their mean, the 90th percentile the larger.
    const [first, later] = [workingDays(referred, "2026-01-12"), workingDays(referred, "2026-01-20")];
    expect(line("Returned to the original school")).to.deep.equal([
      "2",
      String((first + later) / 2),
      String(later),
    ]);
    expect(line("Moved abroad, confirmed (address, school and confirmation)")).to.deep.equal([
      "1",
      days("2026-02-03"),
      days("2026-02-03"),
    ]);
  });

  it("referrals-on: by service and whether an outcome is recorded, dated in the period, never the words typed", async () => {
    const typed = "PC Jones visited Jayden Smith at home";
    const specs: Spec[] = [
      ...generated(30),
      {
        kind: "school-age",
        at: at10("2025-11-03"),
        referralsOn: [
          { service: "police", date: "2025-11-04", outcome: typed },
          { service: "early-help", date: "2025-11-05" },
          { service: "send", date: "2025-11-06" },
        ],
      },
    ];
    await store(specs);
    const period = { from: "2025-10-01", to: "2026-03-31" };
    const on = specs
      .flatMap((spec) => spec.referralsOn ?? [])
      .filter((each) => each.date >= period.from && each.date <= period.to);
    const { card, consent } = await ask(
      people.officer,
      `report referrals-on from ${period.from} to ${period.to}`,
    );
    const rows = await accept(people.officer, consent!);
    expect(rows[0]).to.deep.equal(["service", "outcome", "referrals_on"]);
    for (const [service, title] of [
      ["police", "Police"],
      ["early-help", "Early Help"],
      ["send", "SEND"],
    ] as const)
      for (const [label, recorded] of [
        ["Outcome recorded", true],
        ["No outcome recorded yet", false],
      ] as const)
        expect(
          Number(rows.find((row) => row[0] === title && row[1] === label)?.[2]),
          `${title}, ${label}`,
        ).to.equal(on.filter((each) => each.service === service && !!each.outcome === recorded).length);
    // What officers typed about a child is not in the card, the file, or the channel's card.
    expect(cardText(card)).not.to.include("Jayden");
    expect(JSON.stringify(rows)).not.to.include("Jayden").and.not.to.include("Accepted");
    const channel = "19:cme-cases@thread.tacv2;messageid=1";
    await h.send(channelMessage(h.teams, people.officer, "report referrals-on from 2025-11-01"));
    const inChannel = h.teams.replies(channel).at(-1)!;
    expect(cardText(cardIn(inChannel))).to.include("Outcome recorded");
    expect(JSON.stringify(inChannel.body)).not.to.include("Jayden");
  });

  it("long-running, leavers and reached-school-age: as at the period's end, band edges, the CSV's columns, shares recorded", async () => {
    const to = "2026-03-31";
    const specs: Spec[] = [
      // Referred 85 days before the end (listed) and 84 days (not: open exactly 12 weeks).
      { kind: "school-age", at: at10(plusDays(to, -85)), surname: "Longer" },
      { kind: "school-age", at: at10(plusDays(to, -84)), surname: "Twelveweeks" },
      // Long-running but closed before the end: not listed.
      { kind: "school-age", at: at10("2025-09-10"), closed: { on: "2026-03-30", outcome: "returned" } },
      // Leavers: the referral says so, or the DfE reason does; one found and closed is not.
      {
        kind: "school-age",
        at: at10("2026-02-02"),
        surname: "Leftsoon",
        whatHappened: "left-destination-unknown",
        ctf: "XXXXXXX",
        destination: { destinationLa: "Nottingham", destinationCountry: "PL" },
        enquiry: {
          date: "2026-03-02",
          type: "s2s-lost-pupil",
          outcome: "Not on the Lost Pupil Database",
          s2sResult: "not-found",
        },
      },
      { kind: "school-age", at: at10("2026-01-12"), surname: "Movedla", reason: "moved-la" },
      {
        kind: "school-age",
        at: at10("2026-01-12"),
        whatHappened: "believed-abroad",
        closed: { on: "2026-02-02", outcome: "moved-abroad" },
      },
      // Early years: compulsory school age from 31 March 2026 (listed on that day); from 31 August (not yet).
      { kind: "early-years", at: at10("2026-01-12"), surname: "Turnsfive", dateOfBirth: "2021-03-31" },
      { kind: "early-years", at: at10("2026-01-12"), surname: "Notyet", dateOfBirth: "2021-04-01" },
      // School age: did not take up a place, or did not apply.
      {
        kind: "school-age",
        at: at10("2026-02-02"),
        surname: "Noplace",
        whatHappened: "did-not-take-up-place",
      },
      { kind: "school-age", at: at10("2026-02-02"), surname: "Noapply", reason: "did-not-apply" },
    ];
    const references = await store(specs);
    const ref = (surname: string) => references[specs.findIndex((spec) => spec.surname === surname)]!;

    const long = await ask(people.officer, `report long-running to ${to}`);
    const longRows = await accept(people.officer, long.consent!);
    expect(longRows[0]).to.deep.equal([
      "reference",
      "child",
      "kind",
      "status",
      "owner",
      "referred_on",
      "days_open",
      "weeks_open",
      "dfe_reason",
    ]);
    expect(longRows.slice(1).map((row) => row[0])).to.deep.equal([ref("Longer")]);
    expect(longRows[1]?.slice(5, 8)).to.deep.equal([plusDays(to, -85), "85", "12"]);

    const leavers = await ask(people.officer, `report leavers to ${to}`);
    expect(cardText(leavers.card)).to.include("Leftsoon");
    const leaverRows = await accept(people.officer, leavers.consent!);
    expect(leaverRows[0]).to.deep.equal([
      "reference",
      "child",
      "kind",
      "status",
      "what_happened",
      "dfe_reason",
      "missing_since",
      "days_missing",
      "ctf",
      "last_enquiry_date",
      "last_enquiry_type",
      "last_enquiry_outcome",
      "possible_destination",
      "last_s2s_search_date",
      "last_s2s_search_result",
    ]);
    expect(
      leaverRows
        .slice(1)
        .map((row) => row[0])
        .sort(),
    ).to.deep.equal([ref("Leftsoon"), ref("Movedla")].sort());
    const left = leaverRows.find((row) => row[0] === ref("Leftsoon"))!;
    // Missing since the CME start date recorded at triage (ten days before referral).
    expect(left.slice(6)).to.deep.equal([
      "2026-01-23",
      "67",
      "Sent to the Lost Pupil Database (XXXXXXX, destination unknown)",
      "2026-03-02",
      "S2S / Lost Pupil Database search",
      "Not on the Lost Pupil Database",
      "Nottingham; Poland",
      "2026-03-02",
      "Not found",
    ]);
    expect(leaverRows.find((row) => row[0] === ref("Movedla"))?.slice(-3)).to.deep.equal(["", "", ""]);
    // The share is recorded on each case the file lists, and on no other.
    expect((await h.app.services.cases.get(ref("Leftsoon")))?.events.at(-1)).to.include({
      type: "shared",
      to: "report file: leavers (CSV)",
    });
    expect((await h.app.services.cases.get(ref("Noplace")))?.events.map((e) => e.type)).not.to.include(
      "shared",
    );

    const reached = await ask(people.officer, `report reached-school-age to ${to}`);
    const reachedRows = await accept(people.officer, reached.consent!);
    expect(reachedRows[0]).to.deep.equal([
      "reference",
      "child",
      "kind",
      "date_of_birth",
      "compulsory_school_age_from",
      "why_listed",
      "status",
      "owner",
    ]);
    expect(
      reachedRows
        .slice(1)
        .map((row) => row[0])
        .sort(),
    ).to.deep.equal([ref("Turnsfive"), ref("Noplace"), ref("Noapply")].sort());
    expect(reachedRows.find((row) => row[0] === ref("Turnsfive"))?.slice(3, 5)).to.deep.equal([
      "2021-03-31",
      "2026-03-31",
    ]);
  });

  it("a long list shows ten rows a page with Previous and Next, under 28 KB with long names", async () => {
    const specs: Spec[] = Array.from({ length: 23 }, (_, i) => ({
      kind: "school-age" as const,
      at: at10(plusDays("2025-09-01", i)),
      surname: `${"<Longname*".repeat(9)}${String(i).padStart(2, "0")}`.slice(0, 100),
    }));
    const references = await store(specs);
    const { card } = await ask(people.manager, "report long-running");
    expect(Buffer.byteLength(JSON.stringify(card))).to.be.below(28 * 1024);
    expect(cardText(card))
      .to.include(references[0])
      .and.include(references[9])
      .and.not.include(references[10]!);
    expect(cardText(card)).to.include("Rows 1 to 10 of 23");
    // Names are shown literally (escaped for Teams' markdown).
    expect(cardText(card)).to.include("&lt;Longname\\\\*");
    const next = actionData(card!, "report.page");
    const second = invokeCard(await h.send(pageAction(people.manager, next)));
    expect(cardText(second)).to.include(references[10]).and.include("Rows 11 to 20 of 23");
    const third = invokeCard(
      await h.send(pageAction(people.manager, actionData(second, "report.page", { page: 2 }))),
    );
    expect(cardText(third)).to.include(references[22]).and.include("Rows 21 to 23 of 23");
    // A damaged page button is refused at the edge.
    const bad = await h.send(pageAction(people.manager, { ...next, from: "2026-02-30" }));
    expect(JSON.stringify(bad.body)).to.include("couldn't read that button");
  });

  it("a period starts by today, ends today at the latest, and is at most ten years long (the card still fits)", async () => {
    await store(generated(5));
    const later = await ask(people.manager, "report referrals from 2026-06-16");
    expect(later.sent[0]?.body.text).to.include("starts (2026-06-16) after today (2026-06-15)");
    const toLater = await ask(people.manager, "report outcomes from 2026-01-01 to 2027-01-01");
    expect(toLater.consent?.name).to.equal("cme-report-outcomes-2026-01-01-to-2026-06-15.csv");
    const century = await ask(people.manager, "report referrals from 1901-09-01 to 2026-06-12");
    expect(century.sent[0]?.body.text).to.include("at most 10 years").and.include("shorter period");
    expect(century.card).to.equal(undefined);
    // Ten years to the day is one too many; a day less is the longest there is, and fits a card.
    const tooLong = await ask(people.manager, "report referrals from 2016-06-15");
    expect(tooLong.sent[0]?.body.text).to.include("at most 10 years");
    const longest = await ask(people.manager, "report referrals from 2016-06-16");
    expect(cardText(longest.card)).to.include("By month");
    expect(Buffer.byteLength(JSON.stringify(longest.card))).to.be.below(28 * 1024);
    // A button carrying a period too long is refused as damaged, not run.
    const forged = await h.send(
      pageAction(people.manager, {
        name: "referrals",
        from: "1901-09-01",
        to: "2026-06-12",
        page: 1,
      }),
    );
    expect(JSON.stringify(forged.body)).to.include("couldn't read that button");
  });

  it("a list's file is recorded as shared before it is uploaded: an upload that fails keeps the share and says so", async () => {
    const [reference] = await store([
      {
        kind: "school-age",
        at: at10("2026-02-02"),
        surname: "Leftsoon",
        whatHappened: "left-destination-unknown",
      },
    ]);
    const { consent } = await ask(people.officer, "report leavers");
    const before = h.teams.uploads.length;
    await h.send({
      ...personalMessage(h.teams, people.officer, ""),
      type: "invoke",
      name: "fileConsent/invoke",
      value: {
        type: "fileUpload",
        action: "accept",
        context: consent!.content.acceptContext,
        // Nothing listens there: the upload fails.
        uploadInfo: { name: consent!.name, uploadUrl: "http://127.0.0.1:9/upload/leavers.csv" },
      },
    });
    expect(h.teams.uploads).to.have.length(before);
    expect(replies(people.officer).at(-1)?.body.text)
      .to.include("couldn't save the report")
      .and.include("The share stays on the cases' history");
    expect((await h.app.services.cases.get(reference!))?.events.at(-1)).to.include({
      type: "shared",
      to: "report file: leavers (CSV)",
    });
  });

  it("is for CME officers and managers; lists naming children only in personal chat; the channel gets counts without a file", async () => {
    await store(generated(5));
    const { sent } = await ask(people.dsl, "report referrals");
    expect(sent[0]?.body.text).to.include("for CME officers and managers");
    const forged = await h.send(
      pageAction(people.dsl, {
        name: "leavers",
        from: "2025-09-01",
        to: "2026-06-15",
        page: 1,
      }),
    );
    expect(JSON.stringify(forged.body)).to.include("for CME officers and managers");
    // A forged accept from a referrer makes no file.
    await h.send({
      ...personalMessage(h.teams, people.dsl, ""),
      type: "invoke",
      name: "fileConsent/invoke",
      value: {
        action: "accept",
        context: { kind: "report", name: "leavers", from: "2025-09-01", to: "2026-06-15" },
        uploadInfo: { name: "x.csv", uploadUrl: `${h.teams.url}upload/x.csv` },
      },
    });
    expect(h.teams.uploads).to.have.length(0);
    expect(replies(people.dsl).at(-1)?.body.text).to.include("Nothing was shared");

    const channel = "19:cme-cases@thread.tacv2;messageid=1";
    await h.send(channelMessage(h.teams, people.officer, "report leavers"));
    expect(h.teams.replies(channel).at(-1)?.body.text).to.include("personal chat");
    await h.send(channelMessage(h.teams, people.officer, "report outcomes"));
    const inChannel = h.teams.replies(channel).at(-1)!;
    expect(cardText(cardIn(inChannel))).to.include("personal chat with me for the CSV file");
    expect(JSON.stringify(h.teams.replies(channel))).not.to.include("file.consent");

    const list = await ask(people.officer, "report");
    expect(cardText(list.card)).to.include("reached-school-age");
    const unknown = await ask(people.officer, "report everything");
    expect(unknown.sent[0]?.body.text).to.include("I don't know the report");
    const backwards = await ask(people.officer, "report outcomes from 2026-05-01 to 2026-04-01");
    expect(backwards.sent[0]?.body.text).to.include("starts (2026-05-01) after it ends");
    const wrong = await ask(people.officer, "report outcomes from 2026-02-30");
    expect(wrong.sent[0]?.body.text).to.include("from YYYY-MM-DD");
    // Declining shares nothing.
    const offered = await ask(people.officer, "report outcomes");
    await h.send({
      ...personalMessage(h.teams, people.officer, ""),
      type: "invoke",
      name: "fileConsent/invoke",
      value: { action: "decline", context: offered.consent!.content.acceptContext },
    });
    expect(replies(people.officer).at(-1)?.body.text).to.include("Not saved");
    expect(h.teams.uploads).to.have.length(0);
  });
});
