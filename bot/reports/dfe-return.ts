import { toCsv } from "./csv.js";
import { dfeReasonChoices, type DfeReason } from "../cases/choices.js";
import { yearGroupOn } from "../referrals/school-age.js";
import {
  changeDaysWithin,
  isCmeOn,
  missingEducationSinceOn,
  reasonAtEndOf,
  type CaseTimeline,
} from "./case-timeline.js";
import { parseIsoDate, toIsoDate } from "../shared/uk-dates.js";

/**
 * The DfE's termly children missing education collection: children CME on the census day, and
 * at any point in the academic year, with the DfE's own breakdowns and labels. Every breakdown
 * lists every label (zeros included) and sums to the total.
 */

export const dfeSexLabels = ["Female", "Male", "Unknown"] as const;
export const dfeYearGroupLabels = [
  "Reception",
  ...Array.from({ length: 11 }, (_, i) => `Year ${i + 1}`),
  "Unknown",
] as const;
export const dfeDurationLabels = [
  "Less than 2 weeks",
  "2 to 4 weeks",
  "4 to 8 weeks",
  "8 to 12 weeks",
  "12 to 26 weeks",
  "26 to 52 weeks",
  "Over 52 weeks",
  "Unknown",
] as const;
export const notRecorded = "Not recorded";
export const dfeReasonLabels = [
  ...dfeReasonChoices.slice(0, -2).map((choice) => choice.title),
  "Unknown",
  notRecorded,
  "Other",
] as const;

export type BreakdownTopic = "Total" | "Sex" | "Year group" | "Duration" | "Reason";
export type Measure = "census_day" | "any_time_in_year";

export interface ReturnRow {
  readonly measure: Measure;
  readonly topic: BreakdownTopic;
  readonly breakdown: string;
  readonly count: number;
}

/** A case the officers should put right before the return is sent, and what is missing. */
export interface DataQualityIssue {
  readonly reference: string;
  readonly problems: readonly string[];
}

export interface AcademicYear {
  /** "2025/26" */
  readonly label: string;
  readonly from: string;
  /** 31 August, or the census date for the year to date. */
  readonly to: string;
}

export interface DfeReturn {
  readonly censusDate: string;
  readonly year: AcademicYear;
  readonly rows: readonly ReturnRow[];
  readonly censusDayTotal: number;
  readonly anyTimeTotal: number;
  readonly dataQuality: readonly DataQualityIssue[];
}

export interface TimelineRow {
  readonly reference: string;
  readonly timeline: CaseTimeline;
}

const dayMs = 86_400_000;
const daysBetween = (from: string, to: string) =>
  Math.round((parseIsoDate(to).getTime() - parseIsoDate(from).getTime()) / dayMs);

/** The referral's "Not known" (`not-known`), like a case with no answer, is the DfE's Unknown. */
export function sexLabel(sex: string | undefined): (typeof dfeSexLabels)[number] {
  return sex === "female" ? "Female" : sex === "male" ? "Male" : "Unknown";
}

export function yearGroupLabel(dateOfBirth: string | undefined, day: string): string {
  if (!dateOfBirth) return "Unknown";
  const group = yearGroupOn(dateOfBirth, day);
  return (dfeYearGroupLabels as readonly string[]).includes(group) ? group : "Unknown";
}

/** Whole weeks from the CME start date to the census day, in the DfE's bands. */
export function durationLabel(startDate: string | undefined, day: string): string {
  if (!startDate) return "Unknown";
  const weeks = Math.floor(daysBetween(startDate, day) / 7);
  if (weeks < 0) return "Unknown";
  const bands: [number, string][] = [
    [2, "Less than 2 weeks"],
    [4, "2 to 4 weeks"],
    [8, "4 to 8 weeks"],
    [12, "8 to 12 weeks"],
    [26, "12 to 26 weeks"],
    [52, "26 to 52 weeks"],
  ];
  return bands.find(([under]) => weeks < under)?.[1] ?? "Over 52 weeks";
}

/**
 * The reason the return gives: the one in force at the end of the day, or, when none was, the
 * first recorded since (officers put right the cases the data-quality list shows before the
 * return is sent, and that is what the list is for).
 */
export function reasonForReturn(timeline: CaseTimeline, day: string): DfeReason | undefined {
  return reasonAtEndOf(timeline, day) ?? timeline.reasons.find((entry) => entry.on > day)?.reason;
}

export function reasonLabel(reason: DfeReason | undefined): string {
  return dfeReasonChoices.find((choice) => choice.value === reason)?.title ?? notRecorded;
}

/** The academic year (1 September to 31 August) a day falls in. */
export function academicYearOf(day: string): AcademicYear {
  const year = Number(day.slice(0, 4));
  const start = day.slice(5) >= "09-01" ? year : year - 1;
  return {
    label: `${start}/${String((start + 1) % 100).padStart(2, "0")}`,
    from: `${start}-09-01`,
    to: `${start + 1}-08-31`,
  };
}

/** "2025/26" as an academic year, or undefined if it is not one. */
export function academicYearNamed(label: string): AcademicYear | undefined {
  const match = /^(\d{4})\/(\d{2})$/.exec(label);
  if (!match || (Number(match[1]) + 1) % 100 !== Number(match[2])) return undefined;
  return academicYearOf(`${match[1]}-09-01`);
}

/**
 * The year the "any point in the year" measure covers by default: in the autumn term (when the
 * year has barely begun) the whole year before; otherwise this year up to the census day.
 */
export function defaultYearFor(censusDate: string): AcademicYear {
  const current = academicYearOf(censusDate);
  if (censusDate.slice(5) >= "09-01") return academicYearOf(`${Number(current.from.slice(0, 4)) - 1}-09-01`);
  return { ...current, to: censusDate };
}

/** Counts by label, every label present, in the DfE's order. */
function tally(
  measure: Measure,
  topic: BreakdownTopic,
  labels: readonly string[],
  values: readonly string[],
): ReturnRow[] {
  const counts = new Map(labels.map((label) => [label, 0]));
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return labels.map((breakdown) => ({ measure, topic, breakdown, count: counts.get(breakdown) ?? 0 }));
}

interface Counted {
  readonly sex: string;
  readonly yearGroup: string;
  readonly reason: string;
  readonly duration?: string;
}

function measureRows(measure: Measure, counted: readonly Counted[]): ReturnRow[] {
  return [
    { measure, topic: "Total", breakdown: "Total", count: counted.length },
    ...tally(
      measure,
      "Sex",
      dfeSexLabels,
      counted.map((each) => each.sex),
    ),
    ...tally(
      measure,
      "Year group",
      dfeYearGroupLabels,
      counted.map((each) => each.yearGroup),
    ),
    ...(measure === "census_day"
      ? tally(
          measure,
          "Duration",
          dfeDurationLabels,
          counted.map((each) => each.duration ?? "Unknown"),
        )
      : []),
    ...tally(
      measure,
      "Reason",
      dfeReasonLabels,
      counted.map((each) => each.reason),
    ),
  ];
}

/** The last day in [from, to] the case was CME, if any (isCmeOn only changes on change days). */
function lastCmeDay(timeline: CaseTimeline, from: string, to: string): string | undefined {
  const days = changeDaysWithin(timeline, from, to);
  for (let i = days.length - 1; i >= 0; i -= 1) {
    const day = days[i] ?? from;
    if (!isCmeOn(timeline, day)) continue;
    const nextChange = days[i + 1];
    return nextChange ? toIsoDate(new Date(parseIsoDate(nextChange).getTime() - dayMs)) : to;
  }
  return undefined;
}

/** Groups cases of one child: the same UPN, or the same name and date of birth. */
function childrenOf(rows: readonly TimelineRow[]): TimelineRow[][] {
  const parent = rows.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i] ?? i] ?? i;
    return i;
  };
  const firstWith = new Map<string, number>();
  rows.forEach((row, i) => {
    const keys = [`n:${row.timeline.matchKeys.nameAndBirth}`];
    if (row.timeline.matchKeys.upn) keys.push(`u:${row.timeline.matchKeys.upn}`);
    for (const key of keys) {
      const seen = firstWith.get(key);
      if (seen === undefined) firstWith.set(key, i);
      else parent[find(i)] = find(seen);
    }
  });
  const groups = new Map<number, TimelineRow[]>();
  rows.forEach((row, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), row]));
  return [...groups.values()];
}

/** The return for a census date, and the year's "at any point" measure. */
export function dfeReturn(
  rows: readonly TimelineRow[],
  censusDate: string,
  year: AcademicYear = defaultYearFor(censusDate),
): DfeReturn {
  const onCensusDay = rows.filter((row) => isCmeOn(row.timeline, censusDate));
  const censusCounted = onCensusDay.map(({ timeline }) => ({
    sex: sexLabel(timeline.sex),
    yearGroup: yearGroupLabel(timeline.dateOfBirth, censusDate),
    duration: durationLabel(missingEducationSinceOn(timeline, censusDate), censusDate),
    reason: reasonLabel(reasonForReturn(timeline, censusDate)),
  }));
  const dataQuality = onCensusDay.flatMap((row, i) => {
    const counted = censusCounted[i];
    const problems = [
      counted?.reason === notRecorded ? "no DfE primary reason recorded" : "",
      counted?.sex === "Unknown" ? "sex not known" : "",
      counted?.yearGroup === "Unknown" ? "year group not known (check the date of birth)" : "",
    ].filter(Boolean);
    return problems.length > 0 ? [{ reference: row.reference, problems }] : [];
  });

  // At any point in the year: each child once, described by their latest episode in the year.
  const anyTimeCounted = childrenOf(
    rows.filter((row) => row.timeline.kind === "school-age" && !row.timeline.everNotCme),
  ).flatMap((episodes) => {
    const latest = episodes
      .map((row) => ({ row, day: lastCmeDay(row.timeline, year.from, year.to) }))
      .filter((each): each is { row: TimelineRow; day: string } => each.day !== undefined)
      .sort((a, b) => a.day.localeCompare(b.day))
      .at(-1);
    if (!latest) return [];
    const { timeline } = latest.row;
    return [
      {
        sex: sexLabel(timeline.sex),
        yearGroup: yearGroupLabel(timeline.dateOfBirth, latest.day),
        reason: reasonLabel(reasonForReturn(timeline, latest.day)),
      },
    ];
  });

  return {
    censusDate,
    year,
    rows: [...measureRows("census_day", censusCounted), ...measureRows("any_time_in_year", anyTimeCounted)],
    censusDayTotal: censusCounted.length,
    anyTimeTotal: anyTimeCounted.length,
    dataQuality,
  };
}

/** The days a return for this census day and year looks at (what the store may leave out beyond). */
export function dfeReturnWindow(censusDate: string, year: AcademicYear): { from: string; to: string } {
  return {
    from: year.from < censusDate ? year.from : censusDate,
    to: year.to > censusDate ? year.to : censusDate,
  };
}

/** Where the return reads from (the case store's projection of each case's timeline). */
export interface TimelineSource {
  timelines(window: { readonly from: string; readonly to: string }): Promise<TimelineRow[]>;
}

/** Runs the return for a census day and year over the cases that may count in it. */
export async function dfeReturnFor(
  source: TimelineSource,
  censusDate: string,
  year: AcademicYear,
): Promise<DfeReturn> {
  return dfeReturn(await source.timelines(dfeReturnWindow(censusDate, year)), censusDate, year);
}

/** The return as the DfE's columns: measure, breakdown_topic, breakdown, child_count (RFC 4180). */
export function dfeReturnCsv(result: DfeReturn): string {
  return toCsv(
    ["measure", "breakdown_topic", "breakdown", "child_count"],
    result.rows.map((row) => [row.measure, row.topic, row.breakdown, row.count]),
  );
}
