import { expect } from "chai";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { DfeReason } from "../../bot/cases/choices.js";
import { dfeReturnRequest, readCensusDates } from "../../bot/reports/census-dates.js";
import { anonymise } from "../../bot/cases/retention.js";
import { timelineOf } from "../../bot/reports/case-timeline.js";
import { dfeReturn, dfeReturnCsv, dfeReturnWindow, yearGroupLabel } from "../../bot/reports/dfe-return.js";
import { CaseStore } from "../../bot/store/case-store.js";
import { createCosmosClient, openContainers } from "../../bot/store/cosmos.js";
import { startEmbeddedCosmos, type EmbeddedCosmos } from "../../bot/store/embedded.js";
import { addDays, caseOf, seededRandom, ukInstant, type CasePlan } from "../support/cme-generator.js";
import { dfeBandOfWeeks } from "../support/dfe-bands.js";

/*
 * The DfE return, recomputed. Every expected figure below comes from the plans (what the generator
 * was told to make), by this file's own arithmetic: a day-by-day walk of each plan, the DfE's labels
 * written out as the DfE's CME collection words them. Nothing here calls the report's own rules.
 */

const census = "2026-10-01"; // autumn 2026: the any-time measure defaults to 2025/26
const summerCensus = "2026-05-21"; // summer 2025/26: the year to date

const labels = {
  Sex: ["Female", "Male", "Unknown"],
  "Year group": [
    "Reception",
    "Year 1",
    "Year 2",
    "Year 3",
    "Year 4",
    "Year 5",
    "Year 6",
    "Year 7",
    "Year 8",
    "Year 9",
    "Year 10",
    "Year 11",
    "Unknown",
  ],
  Duration: [
    "Less than 2 weeks",
    "2 to 4 weeks",
    "4 to 8 weeks",
    "8 to 12 weeks",
    "12 to 26 weeks",
    "26 to 52 weeks",
    "Over 52 weeks",
    "Unknown",
  ],
  Reason: [
    "Moved in from another local authority",
    "Moved in from another country",
    "School application awaiting outcome",
    "Offered school place but not yet accepted",
    "Waiting school start",
    "Did not get school preference",
    "Unsuitable elective home education",
    "Difficulty accessing suitable school place",
    "School dissatisfaction general",
    "School dissatisfaction SEND",
    "Mental health",
    "Physical health",
    "Parental decision not to register at school",
    "Did not apply for school place at compulsory school age",
    "Challenging school attendance order",
    "Believed to have moved to another local authority",
    "Believed to have moved to another country",
    "Unknown",
    "Not recorded",
    "Other",
  ],
} as const;

/** The DfE's words for the reasons the plans use. */
const reasonWords: Record<string, string> = {
  "moved-la": "Believed to have moved to another local authority",
  "moved-abroad": "Believed to have moved to another country",
  "application-awaiting": "School application awaiting outcome",
  "unsuitable-home-education": "Unsuitable elective home education",
  "moved-in-la": "Moved in from another local authority",
  unknown: "Unknown",
  other: "Other",
};
const planReasons = Object.keys(reasonWords) as DfeReason[];

const ukDays = new Map<string, string>();
const ukFormat = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London" });
const ukDay = (instant: string) => {
  let day = ukDays.get(instant);
  if (!day) ukDays.set(instant, (day = ukFormat.format(new Date(instant))));
  return day;
};
const days = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000;

/** Was the plan's child missing education at the end of a day? Walks the plan's own facts. */
function missingOn(plan: CasePlan, day: string): boolean {
  if (plan.kind !== "school-age") return false;
  if (plan.closures.some((closure) => closure.outcome === "not-cme")) return false;
  if (ukDay(plan.submittedAt) > day) return false;
  let closed = false;
  for (const closure of plan.closures) {
    if (ukDay(closure.at) <= day) closed = true;
    if (closure.reopenAt && ukDay(closure.reopenAt) <= day) closed = false;
  }
  return !closed && startOn(plan, day) <= day;
}
const startOn = (plan: CasePlan, day: string) =>
  plan.triage && ukDay(plan.triage.at) <= day ? plan.triage.startDate : plan.dateLastAttended;
/** The reason in force at the end of the day; if none was, the first recorded later (put right since); else none. */
function reasonOn(plan: CasePlan, day: string): string {
  if (plan.retriage && ukDay(plan.retriage.at) <= day) return reasonWords[plan.retriage.reason] ?? "?";
  if (plan.triage) return reasonWords[plan.triage.reason] ?? "?";
  return "Not recorded";
}
function yearGroupOn(plan: CasePlan, day: string): string {
  const septemberOf = (date: string) => Number(date.slice(0, 4)) - (date.slice(5) >= "09-01" ? 0 : 1);
  const group = septemberOf(day) - septemberOf(plan.dateOfBirth) - 5;
  if (group === 0) return "Reception";
  return group >= 1 && group <= 11 ? `Year ${group}` : "Unknown";
}
function durationOn(plan: CasePlan, day: string): string {
  return dfeBandOfWeeks(Math.floor(days(startOn(plan, day), day) / 7));
}
/** The DfE's sex labels (Female, Male, Unknown): a referral's "Not known" and a case with no answer are both Unknown. */
const sexWord = (plan: CasePlan) =>
  ({ female: "Female", male: "Male", "not known": "Unknown", "not recorded": "Unknown" })[plan.sex];

interface Row {
  measure: string;
  topic: string;
  breakdown: string;
  count: number;
}

function rowsFor(
  measure: string,
  described: { Sex: string; "Year group": string; Duration?: string; Reason: string }[],
): Row[] {
  const rows: Row[] = [{ measure, topic: "Total", breakdown: "Total", count: described.length }];
  const topics =
    measure === "census_day"
      ? (["Sex", "Year group", "Duration", "Reason"] as const)
      : (["Sex", "Year group", "Reason"] as const);
  for (const topic of topics) {
    for (const breakdown of labels[topic]) {
      rows.push({
        measure,
        topic,
        breakdown,
        count: described.filter((each) => each[topic] === breakdown).length,
      });
    }
  }
  return rows;
}

/** What the DfE return must say, from the plans alone. */
function expectedReturn(plans: readonly CasePlan[], day: string, yearFrom: string, yearTo: string): Row[] {
  const onDay = plans.filter((plan) => missingOn(plan, day));
  const censusRows = rowsFor(
    "census_day",
    onDay.map((plan) => ({
      Sex: sexWord(plan),
      "Year group": yearGroupOn(plan, day),
      Duration: durationOn(plan, day),
      Reason: reasonOn(plan, day),
    })),
  );
  // At any point in the year: each child once, as on the last day any of their cases was CME.
  // One child: the same UPN, or else the same child of the plans (the same name and date of birth).
  const childOf = (plan: CasePlan) => plan.upn ?? `child ${plan.child}`;
  const lastDayOf = new Map<string, { plan: CasePlan; day: string }>();
  for (const plan of plans) {
    for (let each = yearFrom; each <= yearTo; each = addDays(each, 1)) {
      if (!missingOn(plan, each)) continue;
      const seen = lastDayOf.get(childOf(plan));
      if (!seen || seen.day <= each) lastDayOf.set(childOf(plan), { plan, day: each });
    }
  }
  const anyTimeRows = rowsFor(
    "any_time_in_year",
    [...lastDayOf.values()].map(({ plan, day: last }) => ({
      Sex: sexWord(plan),
      "Year group": yearGroupOn(plan, last),
      Reason: reasonOn(plan, last),
    })),
  );
  return [...censusRows, ...anyTimeRows];
}

/** The plans: the boundaries the return turns on, each named, then a seeded crowd. */
function plansFor(day: string): CasePlan[] {
  const plans: CasePlan[] = [];
  let child = 0;
  const add = (plan: Omit<CasePlan, "reference" | "child">, sameChildAs?: number) => {
    const reference = `CME-2026-${String(plans.length + 1).padStart(5, "0")}`;
    const childOf = sameChildAs ?? (child += 1);
    plans.push({ ...plan, reference, child: childOf });
    return childOf;
  };
  const schoolAge = (overrides: Partial<CasePlan>): Omit<CasePlan, "reference" | "child"> => ({
    kind: "school-age",
    sex: "female",
    dateOfBirth: "2016-02-10",
    submittedAt: ukInstant(addDays(day, -30)),
    dateLastAttended: addDays(day, -40),
    triage: { at: ukInstant(addDays(day, -29)), reason: "moved-la", startDate: addDays(day, -40) },
    closures: [],
    ...overrides,
  });
  // Start dates exactly on and one day inside each duration band's edge.
  for (const edge of [14, 28, 56, 84, 182, 364]) {
    for (const daysBefore of [edge, edge - 1]) {
      const startDate = addDays(day, -daysBefore);
      add(
        schoolAge({
          submittedAt: ukInstant(startDate, "09:00"),
          dateLastAttended: startDate,
          triage: { at: ukInstant(startDate, "10:00"), reason: "unknown", startDate },
        }),
      );
    }
  }
  // Opened on the census day, late on it, and just after it (UK time).
  add(
    schoolAge({
      submittedAt: ukInstant(day, "12:00"),
      dateLastAttended: addDays(day, -3),
      triage: undefined,
    }),
  );
  add(
    schoolAge({
      submittedAt: ukInstant(day, "23:30"),
      dateLastAttended: addDays(day, -3),
      triage: undefined,
    }),
  );
  add(
    schoolAge({
      submittedAt: ukInstant(addDays(day, 1), "00:30"),
      dateLastAttended: addDays(day, -3),
      triage: undefined,
    }),
  );
  // Closed on the census day, just after it, and closed then reopened on it.
  add(schoolAge({ closures: [{ at: ukInstant(day, "15:00"), outcome: "returned" }] }));
  add(schoolAge({ closures: [{ at: ukInstant(addDays(day, 1), "00:30"), outcome: "returned" }] }));
  add(
    schoolAge({
      closures: [
        { at: ukInstant(addDays(day, -10)), outcome: "returned", reopenAt: ukInstant(day, "16:00") },
      ],
    }),
  );
  // Closed as not CME (from new), and closed not CME then reopened: never counted.
  add(schoolAge({ triage: undefined, closures: [{ at: ukInstant(addDays(day, -20)), outcome: "not-cme" }] }));
  add(
    schoolAge({
      closures: [
        { at: ukInstant(addDays(day, -20)), outcome: "not-cme", reopenAt: ukInstant(addDays(day, -5)) },
      ],
    }),
  );
  // The reason changed after the census day: the one in force on it counts.
  add(schoolAge({ retriage: { at: ukInstant(addDays(day, 3)), reason: "moved-abroad" } }));
  // Never triaged: no reason recorded, the start date is the date last attended.
  add(schoolAge({ triage: undefined }));
  // Triaged only after the census day: its reason is put right in the return, its start date is not.
  add(
    schoolAge({
      triage: { at: ukInstant(addDays(day, 2)), reason: "moved-in-la", startDate: addDays(day, -50) },
    }),
  );
  // Birthdays on 31 August and 1 September (the youngest and oldest of a year group).
  add(schoolAge({ dateOfBirth: "2015-08-31" }));
  add(schoolAge({ dateOfBirth: "2015-09-01" }));
  add(schoolAge({ dateOfBirth: "2010-09-01", sex: "male" })); // Year 11
  // Sex not recorded, and sex not known (the referrer's answer); an early-years case (never in the return).
  add(schoolAge({ sex: "not recorded" }));
  add(schoolAge({ sex: "not known" }));
  add({ ...schoolAge({ dateOfBirth: "2023-05-01" }), kind: "early-years", triage: undefined });
  // A child with two episodes in one academic year.
  const twice = add(
    schoolAge({
      submittedAt: ukInstant("2025-10-06"),
      dateLastAttended: "2025-09-30",
      triage: { at: ukInstant("2025-10-07"), reason: "other", startDate: "2025-09-30" },
      closures: [{ at: ukInstant("2025-12-01"), outcome: "returned" }],
    }),
  );
  add(
    schoolAge({
      submittedAt: ukInstant("2026-03-02"),
      dateLastAttended: "2026-02-20",
      triage: { at: ukInstant("2026-03-03"), reason: "application-awaiting", startDate: "2026-02-20" },
      closures: [{ at: ukInstant("2026-06-10"), outcome: "returned" }],
    }),
    twice,
  );

  // Triaged with a CME start date before the date last attended records: the duration counts from it.
  add(
    schoolAge({
      triage: { at: ukInstant(addDays(day, -29)), reason: "other", startDate: addDays(day, -95) },
    }),
  );
  // One child under two names with one UPN (a different spelling, a second referral): once in the year.
  add(
    schoolAge({
      upn: "K856201200001",
      submittedAt: ukInstant("2025-11-03"),
      dateLastAttended: "2025-10-20",
      triage: { at: ukInstant("2025-11-04"), reason: "other", startDate: "2025-10-20" },
      closures: [{ at: ukInstant("2026-01-09"), outcome: "returned" }],
    }),
  );
  add(
    schoolAge({
      upn: "K856201200001",
      submittedAt: ukInstant("2026-04-13"),
      dateLastAttended: "2026-04-01",
      triage: { at: ukInstant("2026-04-14"), reason: "moved-la", startDate: "2026-04-01" },
      closures: [{ at: ukInstant("2026-05-01"), outcome: "returned" }],
    }),
  );

  // A seeded crowd: random openings over the year and a half before the census, triage most,
  // close some (a few on the census day itself), reopen a few, change some reasons.
  const random = seededRandom(20261201);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  for (let i = 0; i < 150; i += 1) {
    const opened = addDays(day, -Math.floor(random() * 520) + 20);
    const lastAttended = addDays(opened, -Math.floor(random() * 30));
    const dateOfBirth = `${2010 + Math.floor(random() * 11)}-${pick(["01", "03", "08", "09", "12"])}-${pick(["01", "15", "31"]).replace("31", "28")}`;
    const triaged = random() < 0.8;
    const triageDay = addDays(opened, Math.floor(random() * 10));
    const closes = random() < 0.5;
    const closeDay = random() < 0.05 ? day : addDays(triageDay, 1 + Math.floor(random() * 200));
    const reopens = closes && random() < 0.2;
    const plan = {
      kind: random() < 0.9 ? ("school-age" as const) : ("early-years" as const),
      sex: pick(["female", "male", "female", "male", "not recorded", "not known"] as const),
      dateOfBirth,
      submittedAt: ukInstant(opened, pick(["08:30", "13:15", "23:45"])),
      dateLastAttended: lastAttended,
      ...(triaged
        ? {
            triage: { at: ukInstant(triageDay, "14:00"), reason: pick(planReasons), startDate: lastAttended },
          }
        : {}),
      ...(triaged && random() < 0.2
        ? {
            retriage: {
              at: ukInstant(addDays(triageDay, 5 + Math.floor(random() * 60)), "15:00"),
              reason: pick(planReasons),
            },
          }
        : {}),
      closures: closes
        ? [
            {
              at: ukInstant(closeDay, pick(["11:00", "23:50"])),
              outcome: triaged
                ? pick(["returned", "on-roll-leicestershire", "not-cme"] as const)
                : ("not-cme" as const),
              ...(reopens
                ? { reopenAt: ukInstant(addDays(closeDay, 1 + Math.floor(random() * 40)), "10:00") }
                : {}),
            },
          ]
        : [],
    };
    // A child of compulsory school age when referred (the wizard refuses others).
    try {
      const made = { ...plan, reference: "CME-2026-99999", child: 0 };
      caseOf(made);
    } catch {
      continue;
    }
    add(plan);
  }
  return plans;
}

describe("the DfE return, recomputed from what the generator was told", () => {
  let cosmos: EmbeddedCosmos;
  let store: CaseStore;
  let plans: CasePlan[];
  before(async function () {
    this.timeout(120_000);
    cosmos = await startEmbeddedCosmos();
    const client = createCosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key }, 5000);
    store = new CaseStore((await openContainers(client, "cme-dfe")).cases);
    plans = plansFor(census);
    for (const plan of plans) await store.create(caseOf(plan));
  });
  after(async () => {
    await cosmos.close();
  });

  const asRows = (rows: readonly { measure: string; topic: string; breakdown: string; count: number }[]) =>
    rows.map(({ measure, topic, breakdown, count }) => ({ measure, topic, breakdown, count }));

  it("counts children CME on the census day and over the year before, every label present, as the plans say", async () => {
    const result = dfeReturn(await store.timelines(), census);
    expect(result.year).to.deep.equal({ label: "2025/26", from: "2025-09-01", to: "2026-08-31" });
    expect(asRows(result.rows)).to.deep.equal(expectedReturn(plans, census, "2025-09-01", "2026-08-31"));
    // Reading only what can have been open in the return's days (as Teams and the CLI do) changes nothing.
    const window = dfeReturnWindow(census, result.year);
    const windowed = await store.timelines(window);
    expect(windowed.length).to.be.lessThan((await store.timelines()).length);
    expect(dfeReturn(windowed, census).rows).to.deep.equal(result.rows);
    expect(result.censusDayTotal).to.be.greaterThan(40); // the test means something
    for (const measure of ["census_day", "any_time_in_year"]) {
      const total = result.rows.find((row) => row.measure === measure && row.topic === "Total")?.count;
      for (const topic of ["Sex", "Year group", "Duration", "Reason"]) {
        const rows = result.rows.filter((row) => row.measure === measure && row.topic === topic);
        if (rows.length > 0) expect(rows.reduce((sum, row) => sum + row.count, 0)).to.equal(total);
      }
    }
  });

  it("counts the year to date on a summer census day", async () => {
    const result = dfeReturn(await store.timelines(), summerCensus);
    expect(result.year).to.deep.equal({ label: "2025/26", from: "2025-09-01", to: summerCensus });
    expect(asRows(result.rows)).to.deep.equal(
      expectedReturn(plans, summerCensus, "2025-09-01", summerCensus),
    );
  });

  it("lists the cases counted as not recorded, sex unknown or year group unknown, for officers to put right", async () => {
    const result = dfeReturn(await store.timelines(), census);
    const expected = plans
      .filter((plan) => missingOn(plan, census))
      .filter(
        (plan) =>
          reasonOn(plan, census) === "Not recorded" ||
          sexWord(plan) === "Unknown" ||
          yearGroupOn(plan, census) === "Unknown",
      )
      .map((plan) => plan.reference)
      .sort();
    expect(result.dataQuality.map((issue) => issue.reference).sort()).to.deep.equal(expected);
    expect(expected.length).to.be.greaterThan(2);
  });

  it("prints the same figures from the command line, against an external Cosmos, in the DfE's columns", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "scripts/report.ts", "dfe", "--census", census],
      {
        env: {
          ...process.env,
          COSMOS_ENDPOINT: cosmos.endpoint,
          COSMOS_KEY: cosmos.key,
          COSMOS_DATABASE: "cme-dfe",
          MICROSOFT_APP_ID: "",
        },
        timeout: 60_000,
      },
    );
    const lines = stdout.trim().split("\r\n");
    expect(lines[0]).to.equal("measure,breakdown_topic,breakdown,child_count");
    const expected = expectedReturn(plans, census, "2025-09-01", "2026-08-31").map(
      (row) => `${row.measure},${row.topic},${row.breakdown},${row.count}`,
    );
    expect(lines.slice(1)).to.deep.equal(expected);
    expect(dfeReturnCsv(dfeReturn(await store.timelines(), census))).to.equal(stdout);
  });
});

describe("asking for a DfE return", () => {
  const dates = readCensusDates(new URL("../../config/census-dates.json", import.meta.url).pathname);

  it("takes the latest census day on or before today when none is given, and the right year", () => {
    expect(dfeReturnRequest(dates, "2026-12-01", undefined, undefined)).to.deep.equal({
      ok: true,
      censusDate: "2026-10-01",
      year: { label: "2025/26", from: "2025-09-01", to: "2026-08-31" },
    });
    expect(dfeReturnRequest(dates, "2026-10-01", undefined, undefined)).to.include({
      censusDate: "2026-10-01",
    });
    expect(dfeReturnRequest(dates, "2026-09-30", undefined, undefined)).to.include({
      censusDate: "2026-05-21",
    });
    expect(dfeReturnRequest(dates, "2026-06-01", "2026-05-21", "2025/26")).to.deep.equal({
      ok: true,
      censusDate: "2026-05-21",
      year: { label: "2025/26", from: "2025-09-01", to: "2026-05-21" },
    });
  });

  it("refuses a date that is not one, a census day in the future, and a year that is not one", () => {
    expect(dfeReturnRequest(dates, "2026-12-01", "2026-13-01", undefined)).to.include({ ok: false });
    expect(dfeReturnRequest(dates, "2026-12-01", "2027-01-21", undefined)).to.include({ ok: false });
    expect(dfeReturnRequest(dates, "2026-12-01", undefined, "2025/27")).to.include({ ok: false });
    expect(dfeReturnRequest(dates, "2026-12-01", "2025-10-02", "2026/27")).to.include({ ok: false });
  });
});

describe("a case anonymised under the retention policy, in the DfE return", () => {
  const plan: CasePlan = {
    reference: "CME-2026-00001",
    child: 1,
    kind: "school-age",
    sex: "female",
    dateOfBirth: "2015-10-12", // Year 6 in 2026/27
    submittedAt: ukInstant("2026-09-01"),
    dateLastAttended: "2026-07-15",
    triage: { at: ukInstant("2026-09-02"), reason: "unknown", startDate: "2026-07-15" },
    closures: [{ at: ukInstant("2026-09-20"), outcome: "not-cme", reopenAt: ukInstant("2026-09-25") }],
  };
  const anonymised = (current: ReturnType<typeof caseOf>) =>
    anonymise(
      current,
      { appliesTo: "all", yearsAfterClosure: 7, why: "policy" },
      new Date("2033-10-01T00:00:00Z"),
    );

  it("keeps the year group and keeps a not-CME closure out, as before it was anonymised", () => {
    const before = timelineOf(caseOf(plan));
    const after = timelineOf(anonymised(caseOf(plan)));
    expect(before.everNotCme).to.equal(true);
    expect(after.everNotCme).to.equal(true);
    const found = caseOf({ ...plan, closures: [] });
    expect(yearGroupLabel(timelineOf(anonymised(found)).dateOfBirth, census)).to.equal("Year 6");
    expect(yearGroupLabel(timelineOf(found).dateOfBirth, census)).to.equal("Year 6");
  });
});
