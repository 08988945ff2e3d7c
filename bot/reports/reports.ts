import {
  extractLists,
  extractListTitles,
  pupilDatabaseReport,
  type ExtractList,
} from "../referrals/extract-referral.js";
import { formatDate } from "../shared/format.js";
import { statusTitles, type CaseStatus } from "../cases/case.js";
import { officerEnquiryChoices, outcomeChoices, referralOnChoices } from "../cases/choices.js";
import { s2sSearchInWords, type S2sSearch } from "../cases/s2s-search.js";
import { addDays, type Calendar } from "../escalations/calendar.js";
import {
  ctfChoices,
  earlyYearsWhatHappenedChoices,
  riskFactorChoices,
  whatHappenedChoices,
} from "../referrals/questions.js";
import { destinationInWords, type PossibleDestination } from "../referrals/countries.js";
import { compulsorySchoolAgeStarts } from "../referrals/school-age.js";
import type { ReferralKind } from "../referrals/draft.js";
import {
  reasonAtEndOf,
  referralKindOfTimeline,
  startDateOn,
  statusAtEndOf,
  type CaseTimeline,
} from "./case-timeline.js";
import type { CsvCell } from "./csv.js";
import { academicYearOf, reasonLabel } from "./dfe-return.js";
import { isIsoDate, parseIsoDate, ukDate } from "../shared/uk-dates.js";

/**
 * The managers' reports (docs/REPORTS.md "Reports"): pure functions from the few fields the store
 * projects to the tables a card shows and the rows its CSV file holds.
 */

export const reportNames = [
  "referrals",
  "referrals-on",
  "outcomes",
  "time-to-close",
  "long-running",
  "leavers",
  "reached-school-age",
] as const;
/** "1 case", "2 cases". */
function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

export type ReportName = (typeof reportNames)[number];

/** What each report is, for the list `report` shows; the lists name children, the others only count. */
export const reportCatalogue: Record<
  ReportName,
  { readonly description: string; readonly namesChildren: boolean }
> = {
  referrals: {
    description:
      "Referrals received (new cases and further referrals) by kind, source, school, risk factor, week",
    namesChildren: false,
  },
  "referrals-on": {
    description: "Referrals on to other services, by service and outcome",
    namesChildren: false,
  },
  outcomes: { description: "Cases closed, by outcome", namesChildren: false },
  "time-to-close": {
    description:
      "Working days from referral to closure: median, 90th percentile, % within target, by outcome",
    namesChildren: false,
  },
  "long-running": { description: "Cases open more than 12 weeks, oldest first", namesChildren: true },
  leavers: {
    description:
      "Children who left without a forwarding school, still open: days missing, CTF, possible destination, last S2S search",
    namesChildren: true,
  },
  "reached-school-age": {
    description: "Open cases of children who reached compulsory school age without a school place",
    namesChildren: true,
  },
};

/** UK dates, both days included. */
export interface Period {
  readonly from: string;
  readonly to: string;
}

/** The period a report covers unless told: this academic year (from 1 September) to today. */
export function defaultPeriod(today: string): Period {
  return { from: academicYearOf(today).from, to: today };
}

/** The longest period a report covers: its by-month table still fits a card. */
export const longestPeriodYears = 10;

/** A period as asked for, made one a report can cover (ending today at the latest), or why it can't be. */
export function checkedPeriod(period: Period, today: string): Period | string {
  const to = period.to > today ? today : period.to;
  if (period.from > today) return `The period starts (${period.from}) after today (${today}).`;
  if (period.from > to) return `The period starts (${period.from}) after it ends (${to}).`;
  // The same day ten years on (compared as text: 29 February needs no calendar) is one day too many.
  const tenYearsOn = `${Number(period.from.slice(0, 4)) + longestPeriodYears}${period.from.slice(4)}`;
  if (to >= tenYearsOn)
    return `A report covers at most ${longestPeriodYears} years (${period.from} to ${to} is longer): ask for a shorter period.`;
  return { from: period.from, to };
}

/** "from 2025-09-01 to 2025-12-31", either part optional: the period, or what is wrong with the words. */
export function periodIn(words: string, today: string): Period | string {
  const period: { from: string; to: string } = { ...defaultPeriod(today) };
  const parts = words.split(/\s+/).filter(Boolean);
  for (let i = 0; i < parts.length; i += 2) {
    const [which, date] = [parts[i], parts[i + 1]];
    if ((which !== "from" && which !== "to") || !date || !isIsoDate(date))
      return "Give the period as 'from YYYY-MM-DD to YYYY-MM-DD' (either part may be left out).";
    period[which] = date;
  }
  return checkedPeriod(period, today);
}

export interface ReportTable {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** A two-column table (label, count) drawn as a chart as well. */
  readonly chart?: "bar" | "donut";
  /** A long list: the card shows a page of it, the file has it all. */
  readonly paged?: boolean;
}

export interface Report {
  readonly name: ReportName;
  readonly period: Period;
  readonly summary: string;
  readonly tables: readonly ReportTable[];
  /** The CSV file's columns and rows. */
  readonly file: { readonly columns: readonly string[]; readonly rows: readonly (readonly CsvCell[])[] };
  /** The cases the file's rows name: saving it records a share on each. */
  readonly references: readonly string[];
}

// What the store projects for each report.

export interface ReceivedReferral {
  readonly reference: string;
  readonly at: string;
  readonly kind: ReferralKind;
  readonly source?: string | undefined;
  readonly school?: string | undefined;
  readonly riskFactors?: readonly string[] | undefined;
  /** Added to a case already open for the child (case.furtherReferrals), not a new case. */
  readonly further: boolean;
}

export interface ReferralOnRow {
  readonly reference: string;
  readonly service: string;
  readonly date: string;
  /** Whether the officer has recorded the referral on's outcome (the words are never read). */
  readonly outcomeRecorded: boolean;
}

/** One `closed` event of a case: the store projects every one in the period, reopened since or not. */
export interface ClosureRow {
  readonly reference: string;
  readonly kind: ReferralKind;
  readonly submittedAt: string;
  /** When the case closed: the event's time (a manager's sign-off, when the outcome needed one). */
  readonly closedAt: string;
  /** The outcome as a value (events since outcomes were kept as values). */
  readonly outcome?: string | undefined;
  /** The event's words: older events name the outcome only by its title (and any detail after ": "). */
  readonly reason?: string | undefined;
  /** The outcome the case is closed with now: for an older event whose words retention removed. */
  readonly latestOutcome?: string | undefined;
}

const outcomeNotRecorded = "Outcome not recorded";

/** A closure's outcome, as a title: the event's value, else the title its words begin with. */
function closureOutcome(row: ClosureRow): string {
  const value =
    row.outcome ??
    outcomeChoices.find(
      (choice) => row.reason === choice.title || row.reason?.startsWith(`${choice.title}: `),
    )?.value ??
    row.latestOutcome;
  return value ? titleOf(outcomeChoices, value) : outcomeNotRecorded;
}

/** The cases closed in a period, each once: by its latest closure in the period (a later reopening changes nothing). */
export function casesClosed(closures: readonly ClosureRow[]) {
  const latest = new Map<string, ClosureRow>();
  for (const each of closures) {
    const seen = latest.get(each.reference);
    if (!seen || each.closedAt > seen.closedAt) latest.set(each.reference, each);
  }
  return [...latest.values()].map((each) => ({ ...each, outcome: closureOutcome(each) }));
}

export interface StandingCaseRow extends PossibleDestination {
  readonly reference: string;
  readonly forenames?: string | undefined;
  readonly surname?: string | undefined;
  readonly owner?: string | undefined;
  readonly whatHappened?: string | undefined;
  /** The lists of the pupil extract's row a case was opened from (a form's case has none). */
  readonly extractLists?: readonly string[] | undefined;
  readonly ctf?: string | undefined;
  /** The CTF each further referral recorded (those that did), in the order they came. */
  readonly furtherCtfs?: readonly string[] | undefined;
  readonly lastEnquiry?:
    { readonly date: string; readonly type: string; readonly outcome?: string } | undefined;
  /** The latest Lost Pupil Database / S2S search logged (its result, if it was recorded with one). */
  readonly lastS2sSearch?: ({ readonly date: string } & S2sSearch) | undefined;
  readonly timeline: CaseTimeline;
}

const titleOf = (choices: readonly { value: string; title: string }[], value: string | undefined) =>
  choices.find((choice) => choice.value === value)?.title ?? value ?? "";

const count = (rows: readonly (readonly string[])[]) => rows.reduce((sum, row) => sum + Number(row[1]), 0);

/** Counts by label: every label given first (zeros included, in their order), then any others, most first. */
function tally(values: readonly string[], labels: readonly string[] = []): [string, string][] {
  const counts = new Map<string, number>(labels.map((label) => [label, 0]));
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  const given = labels.map((label): [string, number] => [label, counts.get(label) ?? 0]);
  const others = [...counts]
    .filter(([label]) => !labels.includes(label))
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return [...given, ...others].map(([label, n]) => [label, String(n)]);
}

/** People type a school's name: the same name in other case or spacing is the same school. */
function sameText(values: readonly string[]): string[] {
  const first = new Map<string, string>();
  return values.map((value) => {
    const tidy = value.replace(/\s+/g, " ").trim();
    const key = tidy.toLowerCase();
    if (!first.has(key)) first.set(key, tidy);
    return first.get(key) ?? tidy;
  });
}

const weekday = (day: string) => (parseIsoDate(day).getUTCDay() + 6) % 7;
export const weekBeginning = (day: string) => addDays(day, -weekday(day));

/** Weeks (beginning Monday) for a period up to a year long, months for longer ones: each with its referrals. */
function byWeekOrMonth(days: readonly string[], period: Period): ReportTable {
  const firstWeek = weekBeginning(period.from);
  const weeks: string[] = [];
  for (let week = firstWeek; week <= period.to; week = addDays(week, 7)) weeks.push(week);
  if (weeks.length <= 53) {
    return {
      title: "By week (beginning Monday)",
      columns: ["Week beginning", "Referrals"],
      rows: tally(days.map(weekBeginning), weeks),
      chart: "bar",
    };
  }
  const months: string[] = [];
  for (let month = period.from.slice(0, 7); month <= period.to.slice(0, 7);) {
    months.push(month);
    const [y, m] = month.split("-").map(Number) as [number, number];
    month = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
  }
  return {
    title: "By month",
    columns: ["Month", "Referrals"],
    rows: tally(
      days.map((day) => day.slice(0, 7)),
      months,
    ),
    chart: "bar",
  };
}

export const sourceLabels = [
  "School",
  "Early years",
  "Agency",
  "Public",
  "Other LA",
  "Pupil database report",
] as const;

/** Who referred: a school or an early-years setting (told apart by the referral's kind), or someone an officer recorded for. */
export function sourceLabel(kind: ReferralKind, source: string | undefined): (typeof sourceLabels)[number] {
  if (source === "agency") return "Agency";
  if (source === "public") return "Public";
  if (source === "another-council") return "Other LA";
  if (source === pupilDatabaseReport) return "Pupil database report";
  return kind === "early-years" ? "Early years" : "School";
}

/**
 * The school or setting that referred. A case from a pupil extract was referred by none: its
 * establishment is the child's current one (or none), so it shows under the source instead.
 */
const schoolOrSetting = (each: ReceivedReferral) =>
  each.source === pupilDatabaseReport ? sourceLabel(each.kind, each.source) : (each.school ?? "Not recorded");

const kindLabel = (kind: ReferralKind) => (kind === "early-years" ? "Early years" : "School age");
const noRiskFactor = "None recorded";

/** The breakdowns as one long table: topic, breakdown, count (every table's rows). */
function longFile(tables: readonly ReportTable[], measure: string): Report["file"] {
  return {
    columns: ["breakdown_topic", "breakdown", measure],
    rows: tables.flatMap((table) => table.rows.map((row) => [table.title, row[0] ?? "", Number(row[1])])),
  };
}

export function referralsReport(period: Period, received: readonly ReceivedReferral[]): Report {
  const further = received.filter((each) => each.further).length;
  const tables: ReportTable[] = [
    {
      title: "Total",
      columns: ["Referrals", "Count"],
      rows: [
        ["New cases", String(received.length - further)],
        ["Further referrals (added to an existing case)", String(further)],
        ["All referrals", String(received.length)],
      ],
    },
    {
      title: "By kind",
      columns: ["Kind", "Referrals"],
      rows: tally(
        received.map((each) => kindLabel(each.kind)),
        ["School age", "Early years"],
      ),
      chart: "donut",
    },
    {
      title: "By source",
      columns: ["Source", "Referrals"],
      rows: tally(
        received.map((each) => sourceLabel(each.kind, each.source)),
        sourceLabels,
      ),
      chart: "donut",
    },
    byWeekOrMonth(
      received.map((each) => ukDate(each.at)),
      period,
    ),
    {
      title: "By risk factor",
      columns: ["Risk factor (a referral may have several)", "Referrals"],
      rows: tally(
        received.flatMap((each) =>
          each.riskFactors?.length
            ? each.riskFactors.map((factor) => titleOf(riskFactorChoices, factor))
            : [noRiskFactor],
        ),
      ),
    },
    {
      title: "By school or setting",
      columns: ["School or setting", "Referrals"],
      rows: tally(sameText(received.map(schoolOrSetting))),
      paged: true,
    },
  ];
  return {
    name: "referrals",
    period,
    summary: `${plural(received.length, "referral")} received: ${plural(received.length - further, "new case")} and ${plural(further, "further referral")} of a child whose case was already open (counted in every breakdown).`,
    tables,
    file: longFile(tables, "referrals"),
    references: [],
  };
}

/** Whether an outcome is recorded, never what it says: officers type it, and it may name people. */
const outcomeRecorded = "Outcome recorded";
const noOutcome = "No outcome recorded yet";

export function referralsOnReport(period: Period, referralsOn: readonly ReferralOnRow[]): Report {
  const serviceTitles: readonly string[] = referralOnChoices.map((choice) => choice.title);
  const byService = tally(
    referralsOn.map((each) => titleOf(referralOnChoices, each.service)),
    serviceTitles,
  );
  const byOutcome = serviceTitles.flatMap((service) =>
    [outcomeRecorded, noOutcome].map((outcome) => ({
      service,
      outcome,
      n: referralsOn.filter(
        (each) =>
          titleOf(referralOnChoices, each.service) === service &&
          each.outcomeRecorded === (outcome === outcomeRecorded),
      ).length,
    })),
  );
  return {
    name: "referrals-on",
    period,
    summary: `${referralsOn.length} referrals on to other services, dated in the period.`,
    tables: [
      { title: "By service", columns: ["Service", "Referrals on"], rows: byService, chart: "bar" },
      {
        title: "By service and whether an outcome is recorded",
        columns: ["Service", "Outcome", "Referrals on"],
        rows: byOutcome
          .filter((each) => each.n > 0)
          .map((each) => [each.service, each.outcome, String(each.n)]),
      },
    ],
    file: {
      columns: ["service", "outcome", "referrals_on"],
      rows: byOutcome.map((each) => [each.service, each.outcome, each.n]),
    },
    references: [],
  };
}

export function outcomesReport(period: Period, closures: readonly ClosureRow[]): Report {
  const closed = casesClosed(closures);
  const rows = tally(
    closed.map((each) => each.outcome),
    outcomeChoices.map((choice) => choice.title),
  );
  return {
    name: "outcomes",
    period,
    summary: `${closed.length} cases closed in the period (each by its latest closure in the period, reopened since or not).`,
    tables: [{ title: "By outcome", columns: ["Outcome", "Cases closed"], rows, chart: "donut" }],
    file: {
      columns: ["outcome", "closed_cases"],
      rows: [...rows.map(([label, n]) => [label, Number(n)]), ["All outcomes", count(rows)]],
    },
    references: [],
  };
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(sorted: readonly number[]): number {
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** The nearest-rank percentile: the smallest value with at least p% of the values at or below it. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

const oneDecimal = (value: number) => Math.round(value * 10) / 10;

/**
 * Working days after `from` up to and including `to`, for many pairs: the calendar is walked once
 * over their whole span (not once per case), then each pair is a subtraction.
 */
function workingDaysCounter(calendar: Calendar, pairs: readonly { from: string; to: string }[]) {
  const first = pairs.reduce((earliest, { from }) => (from < earliest ? from : earliest), "9999-12-31");
  const last = pairs.reduce((latest, { to }) => (to > latest ? to : latest), "");
  const upTo = new Map<string, number>();
  let total = 0;
  for (let day = first; day <= last; day = addDays(day, 1)) {
    if (day > first && calendar.isWorkingDay(day)) total += 1;
    upTo.set(day, total);
  }
  return ({ from, to }: { from: string; to: string }) =>
    to <= from ? 0 : (upTo.get(to) ?? 0) - (upTo.get(from) ?? 0);
}

export function timeToCloseReport(
  period: Period,
  closures: readonly ClosureRow[],
  calendar: Calendar,
  targetWorkingDays: number,
): Report {
  const closed = casesClosed(closures);
  const spans = closed.map((each) => ({
    outcome: each.outcome,
    from: ukDate(each.submittedAt),
    to: ukDate(each.closedAt),
  }));
  const workingDays = workingDaysCounter(calendar, spans);
  const days = spans.map((span) => ({ outcome: span.outcome, days: workingDays(span) }));
  const lineFor = (label: string, values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const within = sorted.filter((value) => value <= targetWorkingDays).length;
    return {
      label,
      n: sorted.length,
      median: oneDecimal(median(sorted)),
      p90: percentile(sorted, 90),
      within,
      percent: sorted.length ? oneDecimal((100 * within) / sorted.length) : 0,
    };
  };
  const lines = [
    ...outcomeChoices
      .map((choice) =>
        lineFor(
          choice.title,
          days.filter((each) => each.outcome === choice.title).map((each) => each.days),
        ),
      )
      .filter((line) => line.n > 0),
    lineFor(
      "All outcomes",
      days.map((each) => each.days),
    ),
  ];
  const all = lines.at(-1);
  return {
    name: "time-to-close",
    period,
    summary: `${closed.length} cases closed in the period. Working days from referral to closure (England's bank holidays excluded): median ${all?.median ?? 0}, 90th percentile ${all?.p90 ?? 0}; ${all?.percent ?? 0}% closed within the target of ${targetWorkingDays} working days.`,
    tables: [
      {
        title: "By outcome",
        columns: ["Outcome", "Closed", "Median", "90th percentile", `Within ${targetWorkingDays}`],
        rows: lines.map((line) => [
          line.label,
          String(line.n),
          String(line.median),
          String(line.p90),
          `${line.within} (${line.percent}%)`,
        ]),
      },
    ],
    file: {
      columns: [
        "outcome",
        "closed_cases",
        "median_working_days",
        "p90_working_days",
        "closed_within_target",
        "percent_within_target",
        "target_working_days",
      ],
      rows: lines.map((line) => [
        line.label,
        line.n,
        line.median,
        line.p90,
        line.within,
        line.percent,
        targetWorkingDays,
      ]),
    },
    references: [],
  };
}

const dayMs = 86_400_000;
const daysBetween = (from: string, to: string) =>
  Math.round((parseIsoDate(to).getTime() - parseIsoDate(from).getTime()) / dayMs);

const childName = (row: StandingCaseRow) =>
  [row.forenames, row.surname].filter(Boolean).join(" ") || "(name removed)";

/** Open at the end of the period's last day, by the case's history. */
const openAt = (row: StandingCaseRow, day: string) => {
  const status = statusAtEndOf(row.timeline, day);
  return status !== undefined && status !== "closed" ? status : undefined;
};

const statusTitle = (status: CaseStatus) => statusTitles[status];

/** A list of cases: the card shows a page of the columns that fit, the file every column. */
function caseList(
  name: ReportName,
  period: Period,
  summary: string,
  title: string,
  card: { columns: readonly string[]; rows: readonly (readonly string[])[] },
  file: Report["file"],
  references: readonly string[],
): Report {
  return { name, period, summary, tables: [{ title, ...card, paged: true }], file, references };
}

/** Open more than 12 weeks (84 days) since referral at the end of the period, oldest first. */
export const longRunningDays = 84;

export function longRunningReport(period: Period, standing: readonly StandingCaseRow[]): Report {
  const day = period.to;
  const rows = standing
    .map((row) => ({ row, status: openAt(row, day), days: daysBetween(row.timeline.submittedOn, day) }))
    .filter((each) => each.status !== undefined && each.days > longRunningDays)
    .sort((a, b) => b.days - a.days || a.row.reference.localeCompare(b.row.reference));
  const weeks = (days: number) => String(Math.floor(days / 7));
  return caseList(
    "long-running",
    period,
    `${plural(rows.length, "case")} open on ${formatDate(day)} that were referred more than 12 weeks before, oldest first.`,
    "Open more than 12 weeks",
    {
      columns: ["Case", "Child", "Status", "Owner", "Weeks open"],
      rows: rows.map(({ row, status, days }) => [
        row.reference,
        childName(row),
        statusTitle(status ?? "new"),
        row.owner ?? "Unassigned",
        weeks(days),
      ]),
    },
    {
      columns: [
        "reference",
        "child",
        "kind",
        "status",
        "owner",
        "referred_on",
        "days_open",
        "weeks_open",
        "dfe_reason",
      ],
      rows: rows.map(({ row, status, days }) => [
        row.reference,
        childName(row),
        kindLabel(row.timeline.kind),
        statusTitle(status ?? "new"),
        row.owner ?? "Unassigned",
        row.timeline.submittedOn,
        days,
        Number(weeks(days)),
        reasonLabel(reasonAtEndOf(row.timeline, day)),
      ]),
    },
    rows.map(({ row }) => row.reference),
  );
}

/** What the referral says when the child left with no forwarding school. */
export const leftWithoutForwarding: readonly string[] = ["left-destination-unknown", "believed-abroad"];
/**
 * A case from a pupil extract whose row was on its leavers list, whichever list it was opened
 * from (a school-age leaver is on "compulsory, no place" first; an early-years one on "rising fives").
 */
const extractLeaver = (row: StandingCaseRow) =>
  row.extractLists?.includes("leavers-no-forwarding-school" satisfies ExtractList) ?? false;
/** The DfE reasons that say the same. */
export const believedMoved: readonly string[] = ["moved-la", "moved-abroad"];
/** CTFs that say the same: sent to the Lost Pupil Database (destination unknown), or as moved abroad. */
export const ctfWithoutForwarding: readonly string[] = ["XXXXXXX", "MMMMMMM"];

/** The CTF as the latest referral that recorded one says (a further referral's replaces the first's). */
export const ctfInForce = (row: Pick<StandingCaseRow, "ctf" | "furtherCtfs">): string | undefined =>
  row.furtherCtfs?.at(-1) ?? row.ctf;

/** The list an extract's case was opened from, as its title. */
const extractListChoices = extractLists.map((list) => ({ value: list, title: extractListTitles[list] }));

const whatHappenedTitle = (row: StandingCaseRow) =>
  titleOf(
    row.extractLists
      ? extractListChoices
      : referralKindOfTimeline(row.timeline) === "early-years"
        ? earlyYearsWhatHappenedChoices
        : whatHappenedChoices,
    row.whatHappened,
  );

/** On the card, a long line's first part: a page of ten rows always fits 28 KB. */
const cardCell = (text: string, length = 80) =>
  text.length > length ? `${text.slice(0, length - 1)}…` : text;

export function leaversReport(period: Period, standing: readonly StandingCaseRow[]): Report {
  const day = period.to;
  const rows = standing
    .filter(
      (row) =>
        openAt(row, day) !== undefined &&
        (leftWithoutForwarding.includes(row.whatHappened ?? "") ||
          extractLeaver(row) ||
          believedMoved.includes(reasonAtEndOf(row.timeline, day) ?? "") ||
          ctfWithoutForwarding.includes(ctfInForce(row) ?? "")),
    )
    .map((row) => {
      const missingSince = startDateOn(row.timeline, day) ?? row.timeline.dateLastAttended;
      return {
        row,
        status: openAt(row, day) ?? "new",
        missingSince,
        daysMissing: missingSince ? daysBetween(missingSince, day) : undefined,
        ctf:
          referralKindOfTimeline(row.timeline) === "early-years"
            ? "Not applicable"
            : titleOf(ctfChoices, ctfInForce(row)) || "Not recorded",
        enquiry: row.lastEnquiry
          ? `${row.lastEnquiry.date} ${titleOf(officerEnquiryChoices, row.lastEnquiry.type)}`
          : "None logged",
        destination: destinationInWords(row),
        s2sResult: row.lastS2sSearch ? s2sSearchInWords(row.lastS2sSearch) : "",
      };
    })
    .sort(
      (a, b) =>
        (b.daysMissing ?? -1) - (a.daysMissing ?? -1) || a.row.reference.localeCompare(b.row.reference),
    );
  return caseList(
    "leavers",
    period,
    `${plural(rows.length, "child", "children")} open on ${formatDate(day)} who left without a forwarding school (left, destination unknown; believed abroad; a pupil extract's leaver; a CTF sent as XXXXXXX or MMMMMMM; or believed moved to another LA or country), longest missing first.`,
    "Left without a forwarding school",
    {
      columns: [
        "Case",
        "Child",
        "Days missing",
        "CTF",
        "Possible destination",
        "Last S2S search",
        "Last enquiry",
      ],
      rows: rows.map((each) => [
        each.row.reference,
        childName(each.row),
        each.daysMissing === undefined ? "Unknown" : String(each.daysMissing),
        each.ctf,
        cardCell(each.destination) || "None given",
        each.row.lastS2sSearch ? cardCell(`${each.row.lastS2sSearch.date} ${each.s2sResult}`) : "None logged",
        each.enquiry,
      ]),
    },
    {
      columns: [
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
      ],
      rows: rows.map((each) => [
        each.row.reference,
        childName(each.row),
        kindLabel(each.row.timeline.kind),
        statusTitle(each.status),
        whatHappenedTitle(each.row),
        reasonLabel(reasonAtEndOf(each.row.timeline, day)),
        each.missingSince ?? "",
        each.daysMissing ?? "",
        each.ctf,
        each.row.lastEnquiry?.date ?? "",
        titleOf(officerEnquiryChoices, each.row.lastEnquiry?.type),
        each.row.lastEnquiry?.outcome ?? "",
        each.destination,
        each.row.lastS2sSearch?.date ?? "",
        each.s2sResult,
      ]),
    },
    rows.map((each) => each.row.reference),
  );
}

export function reachedSchoolAgeReport(period: Period, standing: readonly StandingCaseRow[]): Report {
  const day = period.to;
  const rows = standing
    .map((row) => {
      const status = openAt(row, day);
      // A case that became school-age is still an early-years child who reached it.
      const kind = referralKindOfTimeline(row.timeline);
      const { dateOfBirth } = row.timeline;
      const reachedOn =
        dateOfBirth && isIsoDate(dateOfBirth) ? compulsorySchoolAgeStarts(dateOfBirth) : undefined;
      const why =
        kind === "early-years"
          ? reachedOn && reachedOn <= day
            ? "Early years: reached compulsory school age"
            : undefined
          : row.whatHappened === "did-not-take-up-place"
            ? "Did not take up an allocated place"
            : reasonAtEndOf(row.timeline, day) === "did-not-apply"
              ? reasonLabel("did-not-apply")
              : undefined;
      return { row, status, reachedOn, why };
    })
    .filter((each) => each.status !== undefined && each.why !== undefined)
    .sort(
      (a, b) =>
        (a.reachedOn ?? "").localeCompare(b.reachedOn ?? "") ||
        a.row.reference.localeCompare(b.row.reference),
    );
  return caseList(
    "reached-school-age",
    period,
    `${plural(rows.length, "case")} open on ${formatDate(day)} of children of compulsory school age without a school place: early-years cases whose child has reached it, and school-age cases that did not take up or apply for a place.`,
    "Reached compulsory school age without a place",
    {
      columns: ["Case", "Child", "School age from", "Why listed", "Owner"],
      rows: rows.map((each) => [
        each.row.reference,
        childName(each.row),
        each.reachedOn ?? "Unknown",
        each.why ?? "",
        each.row.owner ?? "Unassigned",
      ]),
    },
    {
      columns: [
        "reference",
        "child",
        "kind",
        "date_of_birth",
        "compulsory_school_age_from",
        "why_listed",
        "status",
        "owner",
      ],
      rows: rows.map((each) => [
        each.row.reference,
        childName(each.row),
        kindLabel(each.row.timeline.kind),
        each.row.timeline.dateOfBirth ?? "",
        each.reachedOn ?? "",
        each.why ?? "",
        statusTitle(each.status ?? "new"),
        each.row.owner ?? "Unassigned",
      ]),
    },
    rows.map((each) => each.row.reference),
  );
}
